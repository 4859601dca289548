r"""Chapter 10 (the maximum-likelihood view and output units): checked derivations.

* ``mle.gaussian-nll``: :math:`-\log \mathcal N(y; \mu, \sigma^2) = \frac12\log(2\pi\sigma^2)
  + (\mu - y)^2/(2\sigma^2)`;
* ``mle.gaussian-sample``: for N independent observations the negative log-likelihood is
  :math:`\frac N2 \log(2\pi\sigma^2) + \frac{N}{2\sigma^2}\,\mathrm{MSE}`;
* ``mle.gaussian-mean-grad``: its derivative in a mean, :math:`(\mu - y)/\sigma^2`;
* ``mle.gaussian-sigma``: its derivative in :math:`\sigma`, zero at :math:`\sigma^2 = R/N`;
* ``mle.gaussian-log-sigma``: with :math:`\sigma = e^{s}` the loss of one observation and
  its derivative :math:`1 - (\mu - y)^2 e^{-2s}` (the heteroscedastic model's formula);
* ``mle.laplace-nll``: :math:`-\log \mathrm{Laplace}(y; \mu, b) = \log 2b + |\mu - y|/b`;
* ``minimiser.mean``: :math:`E[(Y - c)^2] = \operatorname{Var}(Y) + (c - E[Y])^2`;
* ``minimiser.median``: :math:`\frac{d}{dc} E|Y - c| = P(Y \le c) - P(Y > c)` for any
  density, by Leibniz's rule; ``minimiser.median-exponential`` works it out for Exp(1);
* ``output.bernoulli-nll``: :math:`-\log\sigma((2y-1)z) = \zeta((1-2y)z)` for y = 0, 1;
* ``output.sigmoid-mse-weight-grad``: the gradient of
  :math:`\frac12(y - \sigma(wx + b))^2` in w is :math:`(\sigma - y)\,\sigma'\,x`;
* ``output.softmax-stationary``: the derivative of the categorical log-likelihood in a
  logit is :math:`N_1 - N \operatorname{softmax}(z)_1` (K = 2..6);
* ``huber.inside`` / ``huber.outside``: the two pieces of the Huber loss and their
  derivatives; ``huber.continuous``: the pieces meet with equal value and slope;
  ``huber.limit-mae``: :math:`\mathrm{huber}_\delta(r)/\delta \to |r|` as
  :math:`\delta \to 0`.

The source errors on these topics are in :mod:`lossbook.errata.ch10`.

References: Chen, "Loss Functions" (source 003), sections 1.1-2.3; Varma, "Picking Loss
Functions" (source 004); Goodfellow, Bengio and Courville, *Deep Learning* (2016),
sections 5.5, 6.2.1-6.2.2; Huber, "Robust estimation of a location parameter", Ann. Math.
Statist. 35 (1964); Nix and Weigend, "Estimating the mean and variance of the target
probability distribution", ICNN 1994.
"""

from __future__ import annotations

import sympy as sp

from .. import symbolic as sym
from ..derivation import Derivation, claim
from ..symbolic import LogSumExp, Sigmoid, Softmax, Softplus, _Named
from .ch03_divergence import Normal
from .ch09_one_vs_all import shown

y, mu, s, t = sp.symbols("y mu s t", real=True)
sigma, b = sp.symbols("sigma b", positive=True)
N = sp.Symbol("N", integer=True, positive=True)
R = sp.Symbol("R", positive=True)       # the sum of squared residuals
i, k = sp.symbols("i k", integer=True)
Y = sp.IndexedBase("y", real=True)
M = sp.IndexedBase("mu", real=True)
c = sp.Symbol("c", real=True)
cp = sp.Symbol("c", positive=True)
f = sp.Function("f")
z = sp.Symbol("z", real=True)
label = sp.Symbol("y", integer=True, nonnegative=True)
w, x = sp.symbols("w x", real=True)
logits = sym.vector("z")
counts = sp.IndexedBase("N", positive=True)
K = sp.Symbol("K", integer=True, positive=True)
r = sp.Symbol("r", real=True)
rp = sp.Symbol("r", positive=True)
delta = sp.Symbol("delta", positive=True)
h = sp.Symbol("h", positive=True)

EY = sp.Symbol(r"\mathbb{E}[Y]", real=True)
EY2 = sp.Symbol(r"\mathbb{E}[Y^2]", real=True)


class NormalLogSigma(_Named):
    r"""``NormalLogSigma(y, mu, s)`` displays as :math:`\mathcal N(y;\ \mu, e^{2s})`: the
    normal density with standard deviation :math:`e^{s}`."""

    nargs = 3

    def unfold(self):
        yy, mean, log_sd = self.args
        return Normal(yy, mean, sp.exp(log_sd)).unfold()

    def _eval_is_positive(self):
        return True if all(a.is_real for a in self.args) else None

    def _latex(self, printer):
        yy, mean, log_sd = (printer._print(a) for a in self.args)
        return rf"\mathcal{{N}}\left({yy};\, {mean}, e^{{2 {log_sd}}}\right)"


def gaussian_nll(residual_sq, sd):
    r""":math:`\frac12\log(2\pi\sigma^2) + r^2/(2\sigma^2)` for a squared residual."""
    return sp.log(2 * sp.pi * sd**2) / 2 + residual_sq / (2 * sd**2)


# ----------------------------------------------------------------- Gaussian -> MSE


@claim("mle.gaussian-nll", chapter="ch10")
def gaussian_nll_claim() -> Derivation:
    r"""-log N(y; mu, sigma^2) = log(2 pi sigma^2)/2 + (mu - y)^2 / (2 sigma^2)."""
    return (Derivation(-sp.log(Normal(y, mu, sigma)), name="mle.gaussian-nll")
            .step(shown(r"-\log\frac{1}{\sqrt{2\pi\sigma^2}} + \frac{(\mu - y)^2}{2\sigma^2}",
                        -sp.log(1 / sp.sqrt(2 * sp.pi * sigma**2))
                        + (mu - y) ** 2 / (2 * sigma**2)),
                  r"$\log(a e^{t}) = \log a + t$")
            .step(gaussian_nll((mu - y) ** 2, sigma), r"$-\log(1/\sqrt{a}) = \frac12\log a$"))


@claim("mle.gaussian-sample", chapter="ch10")
def gaussian_sample() -> Derivation:
    r"""-log prod_i N(y_i; mu_i, sigma^2) = (N/2) log(2 pi sigma^2) + N/(2 sigma^2) MSE."""
    sq = (M[i] - Y[i]) ** 2
    mse = shown(r"\mathrm{MSE}", sp.Sum(sq, (i, 1, N)) / N)
    return (Derivation(-sp.log(sp.Product(Normal(Y[i], M[i], sigma), (i, 1, N))),
                       name="mle.gaussian-sample")
            .step(sp.Sum(gaussian_nll(sq, sigma), (i, 1, N)),
                  r"$-\log\prod = \sum -\log$, each term as above")
            .step(N * sp.log(2 * sp.pi * sigma**2) / 2 + N / (2 * sigma**2) * mse,
                  r"split the sum; $\mathrm{MSE} = \frac1N\sum_i(\mu_i - y_i)^2$"))


@claim("mle.gaussian-mean-grad", chapter="ch10")
def gaussian_mean_grad() -> Derivation:
    r"""d/dmu of the Gaussian NLL: (mu - y)/sigma^2, the MSE gradient 2(mu - y) scaled."""
    return (Derivation(sp.Derivative(gaussian_nll((mu - y) ** 2, sigma), mu),
                       name="mle.gaussian-mean-grad")
            .step((mu - y) / sigma**2, r"only the square depends on $\mu$"))


@claim("mle.gaussian-sigma", chapter="ch10")
def gaussian_sigma() -> Derivation:
    r"""d/dsigma [(N/2) log(2 pi sigma^2) + R/(2 sigma^2)] = (N sigma^2 - R)/sigma^3."""
    return (Derivation(sp.Derivative(N * sp.log(2 * sp.pi * sigma**2) / 2
                                     + R / (2 * sigma**2), sigma), name="mle.gaussian-sigma")
            .step(N / sigma - R / sigma**3, r"$\frac{d}{d\sigma}\log\sigma^2 = 2/\sigma$")
            .step((N * sigma**2 - R) / sigma**3, "common denominator: zero at "
                                                 r"$\sigma^2 = R/N$"))


@claim("mle.gaussian-log-sigma", chapter="ch10")
def gaussian_log_sigma() -> Derivation:
    r"""With sigma = e^s: the NLL s + log(2 pi)/2 + (mu - y)^2 e^{-2s}/2 and its s-derivative."""
    return (Derivation(-sp.log(NormalLogSigma(y, mu, s)), name="mle.gaussian-log-sigma")
            .step(s + sp.log(2 * sp.pi) / 2 + (mu - y) ** 2 * sp.exp(-2 * s) / 2,
                  r"the Gaussian loss with $\sigma = e^{s}$")
            .step(shown(r"1 - (\mu - y)^2 e^{-2s}", 1 - (mu - y) ** 2 * sp.exp(-2 * s)),
                  r"derivative in $s$",
                  relation="d/dx", wrt=s))


@claim("mle.laplace-nll", chapter="ch10")
def laplace_nll() -> Derivation:
    r"""-log of the Laplace density e^{-|y - mu|/b}/(2b) is log(2b) + |mu - y|/b."""
    return (Derivation(-sp.log(sp.exp(-sp.Abs(mu - y) / b) / (2 * b)), name="mle.laplace-nll")
            .step(sp.log(2 * b) + sp.Abs(mu - y) / b, r"$-\log(e^{-t}/a) = \log a + t$"))


# -------------------------------------------------------- minimisers: mean and median


@claim("minimiser.mean", chapter="ch10")
def minimiser_mean() -> Derivation:
    r"""E[(Y - c)^2] = Var(Y) + (c - E[Y])^2: smallest at c = E[Y]."""
    return (Derivation(shown(r"\mathbb{E}\left[(Y - c)^2\right]", EY2 - 2 * c * EY + c**2),
                       name="minimiser.mean")
            .step(shown(r"\mathbb{E}[Y^2] - 2c\,\mathbb{E}[Y] + c^2", EY2 - 2 * c * EY + c**2),
                  r"expand the square; $\mathbb{E}$ is linear")
            .step(shown(r"\operatorname{Var}(Y)", EY2 - EY**2)
                  + shown(r"(c - \mathbb{E}[Y])^2", (c - EY) ** 2),
                  r"complete the square; $\operatorname{Var}(Y) = \mathbb{E}[Y^2]"
                  r" - \mathbb{E}[Y]^2$"))


def _abs_risk(density, lower=-sp.oo):
    r""":math:`E|Y - c| = \int_{lo}^{c} (c - t) f - \int_{c}^{\infty} (c - t) f`."""
    return (sp.Integral((c - t) * density, (t, lower, c))
            - sp.Integral((c - t) * density, (t, c, sp.oo)))


@claim("minimiser.median", chapter="ch10")
def minimiser_median() -> Derivation:
    r"""d/dc E|Y - c| = P(Y <= c) - P(Y > c) for a density f (Leibniz's rule)."""
    return (Derivation(sp.Derivative(_abs_risk(f(t)), c), name="minimiser.median")
            .step(sp.Integral(f(t), (t, -sp.oo, c)) - sp.Integral(f(t), (t, c, sp.oo)),
                  r"Leibniz: the boundary terms carry $(c - c) f(c) = 0$"))


@claim("minimiser.median-exponential", chapter="ch10")
def minimiser_median_exponential() -> Derivation:
    r"""For Y ~ Exp(1): E|Y - c| = c - 1 + 2 e^{-c} (c > 0), derivative 1 - 2 e^{-c}."""
    cc = cp
    risk = (sp.Integral((cc - t) * sp.exp(-t), (t, 0, cc))
            - sp.Integral((cc - t) * sp.exp(-t), (t, cc, sp.oo)))
    return (Derivation(risk, name="minimiser.median-exponential")
            .step(cc - 1 + 2 * sp.exp(-cc), "integrate each piece")
            .step(1 - 2 * sp.exp(-cc), r"derivative in $c$: zero at $c = \log 2$",
                  relation="d/dx", wrt=cc))


# ---------------------------------------------------------------------- output units


@claim("output.bernoulli-nll", chapter="ch10")
def bernoulli_nll() -> Derivation:
    r"""-log P(y) = -log sigma((2y - 1) z) = zeta((1 - 2y) z), for y = 0 and y = 1."""
    return (Derivation(-sp.log(Sigmoid((2 * label - 1) * z)), name="output.bernoulli-nll")
            .step(Softplus((1 - 2 * label) * z), r"$-\log\sigma(t) = \zeta(-t)$",
                  n=(label, (0, 1))))


def sigmoid_mse_weight_grad_start():
    return sp.Derivative((y - Sigmoid(w * x + b)) ** 2 / 2, w)


def sigmoid_mse_weight_grad_value(sign=1):
    r""":math:`\pm(\sigma(u) - y)\,\sigma'(u)\,x` with :math:`u = wx + b` (sign=-1: the
    source's :math:`(y - \sigma)`)."""
    u = w * x + b
    err = sign * (Sigmoid(u) - y)
    return err * Sigmoid(u) * (1 - Sigmoid(u)) * x


@claim("output.sigmoid-mse-weight-grad", chapter="ch10")
def sigmoid_mse_weight_grad() -> Derivation:
    r"""d/dw (y - sigma(wx + b))^2 / 2 = (sigma(wx + b) - y) sigma'(wx + b) x."""
    u = w * x + b
    return (Derivation(sigmoid_mse_weight_grad_start(), name="output.sigmoid-mse-weight-grad")
            .step(shown(r"\left(\sigma(wx + b) - y\right)\,\sigma'(wx + b)\,x",
                        sigmoid_mse_weight_grad_value()),
                  r"chain rule: $\frac{d}{dw}\frac{(y - \sigma)^2}{2} = -(y - \sigma)\,"
                  r"\sigma'(u)\,x$, $u = wx + b$")
            .step(shown(r"\left(\sigma(u) - y\right)\,\sigma(u)\left(1 - \sigma(u)\right)\,x",
                        (Sigmoid(u) - y) * Sigmoid(u) * (1 - Sigmoid(u)) * x),
                  r"$\sigma' = \sigma(1 - \sigma)$"))


@claim("output.softmax-stationary", chapter="ch10")
def softmax_stationary() -> Derivation:
    r"""d/dz_1 sum_k N_k log softmax(z)_k = N_1 - N softmax(z)_1, N = sum_k N_k (K = 2..6)."""
    total = sp.Sum(counts[k], (k, 1, K))
    return (Derivation(shown(r"\sum_{k=1}^{K} N_k \log\operatorname{softmax}(z)_k",
                             sp.Sum(counts[k] * sp.log(Softmax(logits, k, K)), (k, 1, K))),
                       name="output.softmax-stationary")
            .step(shown(r"\sum_{k=1}^{K} N_k \left(z_k - \operatorname{logsumexp}(z)\right)",
                        sp.Sum(counts[k] * (logits[k] - LogSumExp(logits, K)), (k, 1, K))),
                  r"$\log\operatorname{softmax}(z)_k = z_k - \operatorname{logsumexp}(z)$",
                  n=(K, range(2, 7)))
            .step(shown(r"N_1 - N \operatorname{softmax}(z)_1",
                        counts[1] - total * Softmax(logits, 1, K)),
                  r"$\partial_{z_1}\operatorname{logsumexp}(z) = \operatorname{softmax}(z)_1$",
                  relation="d/dx", wrt=logits[1], n=(K, range(2, 7))))


# ---------------------------------------------------------------------------- Huber


def huber_of(res):
    return sym.huber(res, 0, delta)


@claim("huber.inside", chapter="ch10")
def huber_inside() -> Derivation:
    r"""For 0 < r <= delta (write delta = r + h, h > 0): huber = r^2/2, half the squared
    error, with derivative r (the negative side is the mirror image)."""
    return (Derivation(shown(r"\mathrm{huber}_\delta(r)", sym.huber(rp, 0, rp + h)),
                       name="huber.inside")
            .step(rp**2 / 2, r"$r \le \delta = r + h$: the quadratic piece")
            .step(rp, r"derivative in $r$ (with $\delta$ held fixed)", relation="d/dx",
                  wrt=rp))


@claim("huber.outside", chapter="ch10")
def huber_outside() -> Derivation:
    r"""For r = delta + h > delta: huber = delta (r - delta/2), derivative delta."""
    return (Derivation(shown(r"\mathrm{huber}_\delta(r)", huber_of(delta + h)),
                       name="huber.outside")
            .step(delta * ((delta + h) - delta / 2), r"$r = \delta + h > \delta$: the linear piece")
            .step(delta, r"derivative in $h$ (that is, in $r$)", relation="d/dx", wrt=h))


@claim("huber.continuous", chapter="ch10")
def huber_continuous() -> Derivation:
    r"""At r = delta the quadratic piece delta^2/2 equals the linear piece
    delta (delta - delta/2)."""
    return (Derivation(delta * (delta - delta / 2), name="huber.continuous")
            .step(delta**2 / 2, r"the linear piece at $r = \delta$ is the quadratic piece"))


@claim("huber.limit-mae", chapter="ch10")
def huber_limit_mae() -> Derivation:
    r"""huber_delta(r) / delta -> |r| as delta -> 0+."""
    return (Derivation(shown(r"\mathrm{huber}_\delta(r) / \delta", huber_of(r) / delta),
                       name="huber.limit-mae")
            .step(sp.Abs(r), r"for $\delta < |r|$ it is $|r| - \delta/2$", relation="~",
                  limit=(delta, 0, "+")))
