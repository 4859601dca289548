r"""Chapter 5 (Cross-entropy): the checked derivations.

The decomposition :math:`H(p, q) = H(p) + \mathrm{KL}(p \,\|\, q)`; the cross-entropy
against a one-hot label, :math:`-\log q_c`, and against a binary label (the binary
cross-entropy); the average negative log-likelihood of a sample as the cross-entropy
of the empirical distribution; the stationary point of the categorical likelihood
(the empirical frequencies) and the gap :math:`H(\hat p, q) - H(\hat p) =
\mathrm{KL}(\hat p \,\|\, q)` that makes it the global minimum; the cross-entropy of two
Gaussians and its decomposition into differential entropy plus KL.

Sums over :math:`n` outcomes are symbolic in :math:`n` where SymPy proves them; the
derivative of the Lagrangian with respect to one coordinate is checked for every
:math:`K = 2..6`, labelled so.

The sources' errors on these topics are in :mod:`lossbook.errata` (``s000``, ``s001``).

References: Heinzer (2020), "On Loss Functions - Part I", section "Cross-Entropy";
flash-card notes (source 001), "cross entropy"; Chen, "Loss Functions", section 2.3;
Cover and Thomas, *Elements of Information Theory* (2006), section 5.4;
Goodfellow, Bengio and Courville, *Deep Learning* (2016), sections 5.5 and 6.2.1.
"""

from __future__ import annotations

import sympy as sp

from .. import symbolic as sym
from ..derivation import Derivation, claim, rejects
from .ch03_divergence import Normal, kl_gaussians_closed_form

n, i = sym.N, sym.K
k = sym.K
c = sp.Symbol("c", integer=True, positive=True)
r = sp.Symbol("r", integer=True, nonnegative=True)
K = sp.Symbol("K", integer=True, positive=True)
p = sym.probabilities("p")
q = sym.probabilities("q")
counts = sp.IndexedBase("N", positive=True)
N = sp.Symbol("N", positive=True)
lam = sp.Symbol("lambda", positive=True)
y, s = sp.symbols("y s", positive=True)
ybar, sbar = sp.symbols(r"\bar{y} \bar{s}", positive=True)
x = sp.Symbol("x", real=True)
mu1, mu2 = sp.symbols("mu_1 mu_2", real=True)
sigma1, sigma2 = sp.symbols("sigma_1 sigma_2", positive=True)
dx = sp.Symbol("dx", positive=True)

KS = range(2, 7)


def total(expr, upper=n, index=i):
    r""":math:`\sum_{index=1}^{upper}` of ``expr`` (unevaluated)."""
    return sp.Sum(expr, (index, 1, upper))


def cross_entropy_sum(a=p, b=q, upper=n):
    r""":math:`-\sum_{k=1}^{n} a_k \log b_k`."""
    return sym.cross_entropy(a, b, upper)


def gaussian_pdf(u, mean, sd):
    """The N(mean, sd^2) density at u, as a SymPy expression."""
    return sp.exp(-(u - mean) ** 2 / (2 * sd**2)) / sp.sqrt(2 * sp.pi * sd**2)


# ---------------------------------------------------------------------------
# the decomposition


@claim("ce.decomposition", chapter="ch05")
def ce_decomposition() -> Derivation:
    r"""H(p, q) = H(p) + KL(p || q), for every n."""
    return (Derivation(cross_entropy_sum(), name="ce.decomposition")
            .step(-total(p[i] * sp.log(sp.Mul(p[i], q[i] / p[i], evaluate=False),
                                       evaluate=False)), r"$q_k = p_k \cdot (q_k/p_k)$")
            .step(-total(p[i] * sp.log(p[i])) - total(p[i] * sp.log(q[i] / p[i])),
                  r"$\log(ab) = \log a + \log b$")
            .step(-total(p[i] * sp.log(p[i])) + total(p[i] * sp.log(p[i] / q[i])),
                  r"$-\log(q_k/p_k) = \log(p_k/q_k)$"))


# ---------------------------------------------------------------------------
# labels


@claim("ce.one-hot", chapter="ch05")
def ce_one_hot() -> Derivation:
    r"""With y_i = [i = c] (a one-hot label), -sum_i y_i log q_i = -log q_c.

    The number of classes is written n = c + r (r >= 0) so that c <= n holds by
    construction; the identity is then symbolic in c and r.
    """
    return (Derivation(-total(sp.KroneckerDelta(i, c) * sp.log(q[i]), c + r),
                       name="ce.one-hot")
            .step(-sp.log(q[c]), r"only the term $k = c$ survives"))


@claim("ce.binary", chapter="ch05")
def ce_binary() -> Derivation:
    r"""Binary cross-entropy = binary entropy + binary KL, for p = (y, 1 - y), q = (s, 1 - s).

    The two-class case of the decomposition, with a soft label y in (0, 1). The
    complements are written ybar = 1 - y and sbar = 1 - s (positive symbols), so that
    SymPy may split their logarithms; the identity needs no other property of them.
    """
    target, model = (y, ybar), (s, sbar)
    return (Derivation(-(y * sp.log(s) + ybar * sp.log(sbar)), name="ce.binary")
            .step(sym.entropy(target) + sym.kl_divergence(target, model),
                  r"$\log s = \log y - \log(y/s)$, the same for $\bar s = 1 - s$"))


# ---------------------------------------------------------------------------
# maximum likelihood


@claim("ce.empirical-nll", chapter="ch05")
def ce_empirical_nll() -> Derivation:
    r"""The average negative log-likelihood of N samples with class counts N_k.

    Grouping the N factors of the likelihood by class gives prod_k q_k^{N_k}; the
    average of -log q over the sample is then the cross-entropy H(p_hat, q) of the
    empirical distribution p_hat_k = N_k / N.
    """
    return (Derivation(-sp.log(sp.Product(q[k] ** counts[k], (k, 1, K))) / N,
                       name="ce.empirical-nll")
            .step(-total(counts[k] * sp.log(q[k]), K, k) / N,
                  r"$\log \prod = \sum \log$, $\log q^{N_k} = N_k \log q$")
            .step(-total((counts[k] / N) * sp.log(q[k]), K, k),
                  r"$\hat p_k = N_k / N$"))


def _lagrangian():
    return total(counts[k] * sp.log(q[k]), K, k) - lam * (total(q[k], K, k) - 1)


@claim("ce.categorical-mle", chapter="ch05")
def ce_categorical_mle() -> Derivation:
    r"""dL/dq_1 = N_1/q_1 - lambda for the categorical log-likelihood, checked for K = 2..6.

    L = sum_k N_k log q_k - lambda (sum_k q_k - 1). Every coordinate alike: the
    stationary point is q_k = N_k / lambda, and sum_k q_k = 1 gives lambda = N.
    """
    return (Derivation(_lagrangian(), name="ce.categorical-mle")
            .step(counts[1] / q[1] - lam,
                  r"$\partial_{q_1} N_1 \log q_1 = N_1/q_1$; the other terms are constant",
                  relation="d/dx", wrt=q[1], n=(K, KS)))


@claim("ce.mle-gap", chapter="ch05")
def ce_mle_gap() -> Derivation:
    r"""H(p_hat, q) - H(p_hat, p_hat) = KL(p_hat || q) >= 0: the frequencies are the minimum."""
    return (Derivation(cross_entropy_sum() - cross_entropy_sum(p, p), name="ce.mle-gap")
            .step(total(p[i] * (sp.log(p[i]) - sp.log(q[i]))), "one sum")
            .step(total(p[i] * sp.log(p[i] / q[i])), r"$\log a - \log b = \log(a/b)$"))


# ---------------------------------------------------------------------------
# continuous: two Gaussians


def ce_gaussians_closed_form():
    r"""log(2 pi sigma_2^2)/2 + (sigma_1^2 + (mu_1 - mu_2)^2) / (2 sigma_2^2)."""
    return (sp.log(2 * sp.pi * sigma2**2) / 2
            + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2))


@claim("ce.gaussian", chapter="ch05")
def ce_gaussian() -> Derivation:
    r"""H(N(mu_1, sigma_1^2), N(mu_2, sigma_2^2)) = -E_p[log q(X)] in closed form."""
    p1, p2 = Normal(x, mu1, sigma1), Normal(x, mu2, sigma2)
    line = (x, -sp.oo, sp.oo)
    return (Derivation(-sp.Integral(p1 * sp.log(p2), line), name="ce.gaussian")
            .step(sp.Integral(p1 * (sp.log(2 * sp.pi * sigma2**2) / 2
                                    + (x - mu2) ** 2 / (2 * sigma2**2)), line),
                  r"$-\log q(x) = \frac{1}{2}\log(2\pi\sigma_2^2) + (x-\mu_2)^2/(2\sigma_2^2)$")
            .step(ce_gaussians_closed_form(),
                  r"$\int p = 1$, $E_p[(X-\mu_2)^2] = \sigma_1^2 + (\mu_1-\mu_2)^2$"))


@claim("ce.gaussian-decomposition", chapter="ch05")
def ce_gaussian_decomposition() -> Derivation:
    r"""h(p) + KL(p || q) for two Gaussians equals their cross-entropy (ch04 + ch03 forms)."""
    h = sp.log(2 * sp.pi * sp.E * sigma1**2) / 2
    return (Derivation(h + kl_gaussians_closed_form(), name="ce.gaussian-decomposition")
            .step(sp.log(2 * sp.pi * sigma1**2) / 2 + sp.Rational(1, 2)
                  + kl_gaussians_closed_form(), r"$\log e = 1$")
            .step(ce_gaussians_closed_form(),
                  r"$\frac{1}{2}\log\sigma_1^2 + \log(\sigma_2/\sigma_1)"
                  r" = \frac{1}{2}\log\sigma_2^2$"))


# ---------------------------------------------------------------------------
# a check of source 001's errors used by lossbook.errata.s001

def _source_dx_in_sum() -> bool:
    # Source 001, discrete case: -sum_x p(x) log(q(x)) dx. A sum has no dx; with the
    # factor the value changes unless dx = 1 (checked on n = 3).
    return rejects(lambda: Derivation(cross_entropy_sum(upper=3))
                  .step(cross_entropy_sum(upper=3) * dx, "as stated, with dx"))
