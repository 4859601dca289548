r"""Chapter 6, sigmoid and binary cross-entropy: the checked derivations.

Notation of the chapter (and of Goodfellow et al., section 6.2.2.2): the model's output
is a logit :math:`z \in \mathbb R`, the label is :math:`y \in \{0, 1\}` (a soft target
:math:`y \in [0, 1]` where the statement allows it), the predicted probability is
:math:`\hat y = \sigma(z)`. Source 000 writes the same model with the roles of the
letters swapped (:math:`y` the logit, :math:`z` the label).

The Bernoulli model:
``bernoulli.sigmoid`` (normalising :math:`e^{yz}` over :math:`y \in \{0, 1\}` gives
:math:`\sigma((2y-1)z)`), ``bernoulli.pmf`` (:math:`\sigma(z)^y(1-\sigma(z))^{1-y} =
\sigma((2y-1)z)`), ``bernoulli.nll`` (its negative log-likelihood
:math:`\zeta((1-2y)z)` is the binary cross-entropy), ``bce.logits-softplus``
(:math:`\zeta(z) - yz`, for soft targets too), ``logit.sigmoid-inverse`` and
``logit.log-odds`` (:math:`\sigma` and :math:`\operatorname{logit}` are inverse
functions).

Gradients: ``sigmoid.derivative`` (:math:`\sigma' = \sigma(1-\sigma)`),
``sigmoid.one-minus`` (:math:`1 - \sigma(u) = \sigma(-u)`), ``bce.grad-prob`` (the loss's
derivative in :math:`\hat y`), ``bce.grad`` (the chain rule: the factors
:math:`\sigma(1-\sigma)` cancel, leaving :math:`\sigma(z) - y`), ``bce.curvature``
(:math:`\partial^2 L/\partial z^2 = \sigma(1-\sigma) \ge 0`), ``logreg.weight-grad``
(:math:`(\hat y - y)x_j`, checked for :math:`m = 1..4` features) and ``logreg.mean-grad``
(the mean over :math:`N` examples).

Saturation: ``softplus.linear-tail`` (:math:`\zeta(-z) \approx -z` as
:math:`z \to -\infty`), ``softplus.zero-tail`` (:math:`\zeta(-z) \to 0` as
:math:`z \to \infty`), ``bce.grad-tail`` (the log loss's gradient tends to :math:`-1`
for a confident mistake), ``mse.sigmoid-grad`` (:math:`2(\sigma - y)\sigma(1 - \sigma)`),
``mse.sigmoid-vanishing`` (for :math:`y = 1` it behaves like :math:`-2e^{z}` as
:math:`z \to -\infty`), ``clip.grad-above``, ``clip.grad-inside`` and
``clip.grad-below`` (the clipped output :math:`\max(0, \min(1, f))` has derivative 0
outside :math:`[0, 1]`).

The sources' errors on these topics are in :mod:`lossbook.errata.ch06`, each with a check
that refutes the source's version.

References: Heinzer (2020) sections "Properties in connection with gradient descent" and
"What happens if we use a different loss function?"; the flash-card deck (001), "binary
classification"; Mao, "Log Loss for Logistic Regression"; Chen, section 2.2; Goodfellow,
Bengio and Courville (2016), section 6.2.2.2.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Derivation, claim
from ..symbolic import Sigmoid, Softplus
from ._display import Abbrev, Dot, InOrder, Logit, Paren, Power, Times

x = sp.Symbol("x", real=True)
u = sp.Symbol("u", real=True)
z = sp.Symbol("z", real=True)
y = sp.Symbol("y", real=True)                            # a target, soft or hard
label = sp.Symbol("y", integer=True, nonnegative=True)    # a label in {0, 1}
other = sp.Symbol("y'", integer=True, nonnegative=True)   # the summation variable
yhat = sp.Symbol(r"\hat{y}", positive=True)                # a probability in (0, 1)
p = sp.Symbol("p", positive=True)
f = sp.Symbol("f", real=True)
b = sp.Symbol("b", real=True)
m = sp.Symbol("m", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
i, j, k = sp.symbols("i j k", integer=True)
w = sp.IndexedBase("w", real=True)
xs = sp.IndexedBase("x", real=True)
ys = sp.IndexedBase("y", real=True)
LABELS = (label, (0, 1))
SIGNED = Times(2 * label - 1, z)   # (2y - 1) z, the logit signed by the label
FLIPPED = Times(1 - 2 * label, z)  # (1 - 2y) z
FEATURES = (m, range(1, 5))


def bce(prob, target):
    r""":math:`-y \log \hat y - (1 - y)\log(1 - \hat y)`, terms in the text's order."""
    return InOrder(Times(-1, target, sp.log(prob)), Times(-1, 1 - target, sp.log(1 - prob)))


def sigmoid_prime(arg):
    r""":math:`\sigma(t)(1 - \sigma(t))` as the text writes it."""
    return Times(Sigmoid(arg), 1 - Sigmoid(arg))


def clipped(value):
    r""":math:`\max(0, \min(1, f))`: a linear output clipped into :math:`[0, 1]`."""
    return sp.Max(0, sp.Min(1, value))


# ------------------------------------------------------------------ the Bernoulli model

@claim("bernoulli.sigmoid", chapter="ch06")
def bernoulli_sigmoid() -> Derivation:
    r"""Unnormalised log-probability :math:`yz`, normalised over :math:`y \in \{0, 1\}`."""
    return (
        Derivation(sp.exp(label * z) / sp.Sum(sp.exp(other * z), (other, 0, 1)),
                   name="bernoulli.sigmoid")
        .step(sp.exp(label * z) / InOrder(1, sp.exp(z)), "write out the two terms of the sum")
        .step(Sigmoid(SIGNED),
              r"for $y = 1$: $e^{z}/(1+e^{z}) = \sigma(z)$; for $y = 0$: "
              r"$1/(1+e^{z}) = \sigma(-z)$", n=LABELS)
    )


@claim("bernoulli.pmf", chapter="ch06")
def bernoulli_pmf() -> Derivation:
    r""":math:`P(y \mid z) = \hat y^{y}(1-\hat y)^{1-y}` with :math:`\hat y = \sigma(z)`."""
    return (
        Derivation(Times(Power(Sigmoid(z), label), Power(1 - Sigmoid(z), 1 - label)),
                   name="bernoulli.pmf")
        .step(Times(Power(Sigmoid(z), label), Power(Sigmoid(-z), 1 - label)),
              r"$1 - \sigma(z) = \sigma(-z)$")
        .step(Sigmoid(SIGNED),
              r"for $y = 1$ the first factor is left, for $y = 0$ the second", n=LABELS)
    )


@claim("bernoulli.nll", chapter="ch06")
def bernoulli_nll() -> Derivation:
    r"""The negative log-likelihood of a label is the binary cross-entropy of :math:`\sigma(z)`."""
    return (
        Derivation(-sp.log(Sigmoid(SIGNED)), name="bernoulli.nll")
        .step(sp.log(InOrder(1, sp.exp(FLIPPED))), r"$-\log \sigma(t) = \log(1 + e^{-t})$")
        .step(Softplus(FLIPPED), r"definition $\zeta(t) = \log(1 + e^{t})$")
        .step(InOrder(Times(label, Softplus(-z)), Times(1 - label, Softplus(z))),
              r"for $y = 1$ the first term is left, for $y = 0$ the second", n=LABELS)
        .step(bce(Sigmoid(z), label), r"$\zeta(-t) = -\log \sigma(t)$ and "
              r"$\zeta(t) = -\log(1 - \sigma(t))$")
    )


@claim("bce.logits-softplus", chapter="ch06")
def bce_logits_softplus() -> Derivation:
    r"""Binary cross-entropy of :math:`\sigma(z)` against a target :math:`y` (soft or hard)."""
    s = Sigmoid(z)
    return (
        Derivation(bce(s, y), name="bce.logits-softplus")
        .step(InOrder(Times(-1, y, sp.log(s)), Times(-1, 1 - y, sp.log(Sigmoid(-z)))),
              r"$1 - \sigma(z) = \sigma(-z)$")
        .step(InOrder(Times(y, Softplus(-z)), Times(1 - y, Softplus(z))),
              r"$-\log \sigma(t) = \log(1 + e^{-t}) = \zeta(-t)$")
        .step(InOrder(Softplus(z), -y * z), r"$\zeta(z) - \zeta(-z) = z$")
    )


@claim("logit.sigmoid-inverse", chapter="ch06")
def logit_sigmoid_inverse() -> Derivation:
    r""":math:`\sigma(\operatorname{logit}(p)) = p` for :math:`0 < p < 1`."""
    ratio = p / (1 - p)
    return (
        Derivation(Sigmoid(Logit(p)), name="logit.sigmoid-inverse", assumptions=[p < 1])
        .step(1 / InOrder(1, sp.exp(-sp.log(ratio), evaluate=False)),
              r"$\sigma(t) = 1/(1 + e^{-t})$ at $t = \log(p/(1-p))$")
        .step(1 / InOrder(1, (1 - p) / p), r"$e^{-\log a} = 1/a$ for $a > 0$")
        .step(p, "common denominator: $p + (1 - p) = 1$")
    )


@claim("logit.log-odds", chapter="ch06")
def logit_log_odds() -> Derivation:
    r""":math:`\operatorname{logit}(\sigma(z)) = z`: the logit is the log-odds of the model."""
    s = Sigmoid(z)
    return (
        Derivation(Logit(s), name="logit.log-odds")
        .step(sp.log(s / (1 - s)), r"definition $\operatorname{logit}(p) = \log(p/(1-p))$")
        .step(sp.log(s / Sigmoid(-z)), r"$1 - \sigma(z) = \sigma(-z)$")
        .step(sp.log(sp.exp(z), evaluate=False),
              r"$\sigma(z)/\sigma(-z) = (1 + e^{z})/(1 + e^{-z}) = e^{z}$")
        .step(z, r"$\log e^{z} = z$")
    )


# ---------------------------------------------------------------------------- gradients

@claim("sigmoid.derivative", chapter="ch06")
def sigmoid_derivative() -> Derivation:
    e = sp.exp(-x)
    return (
        Derivation(sp.Derivative(Sigmoid(x), x), name="sigmoid.derivative")
        .step(sp.Derivative((1 + e) ** -1, x), r"definition $\sigma(x) = 1/(1+e^{-x})$")
        .step(-((1 + e) ** -2) * (-e), "chain rule: outer power, inner derivative")
        .step(sp.UnevaluatedExpr(1 / (1 + e)) * sp.UnevaluatedExpr(e / (1 + e)),
              "split the fraction")
        .step(Times(Sigmoid(x), 1 - Sigmoid(x)), r"$e^{-x}/(1+e^{-x}) = 1 - \sigma(x)$")
    )


@claim("sigmoid.one-minus", chapter="ch06")
def sigmoid_one_minus() -> Derivation:
    e = sp.exp(-u)
    return (
        Derivation(1 - Sigmoid(u), name="sigmoid.one-minus")
        .step(1 - 1 / (1 + e), "definition of the sigmoid")
        .step(e / (1 + e), "common denominator")
        .step(1 / (sp.exp(u) + 1), "multiply above and below by $e^{u}$")
        .step(Sigmoid(-u), r"definition of $\sigma$ at $-u$")
    )


@claim("bce.grad-prob", chapter="ch06")
def bce_grad_prob() -> Derivation:
    r"""The derivative of the binary cross-entropy in the probability :math:`\hat y`."""
    return (
        Derivation(sp.Derivative(bce(yhat, y), yhat), name="bce.grad-prob",
                   assumptions=[yhat < 1])
        .step(InOrder(-y / yhat, (1 - y) / (1 - yhat)),
              r"$(\log t)' = 1/t$; the inner derivative of $1 - \hat y$ is $-1$")
        .step(InOrder(yhat, -y) / Times(yhat, 1 - yhat),
              r"common denominator: $-y(1 - \hat y) + (1 - y)\hat y = \hat y - y$")
    )


@claim("bce.grad", chapter="ch06")
def bce_grad() -> Derivation:
    r"""The chain rule through :math:`\hat y = \sigma(z)`: :math:`\partial L/\partial z =
    \sigma(z) - y`."""
    s = Sigmoid(z)
    return (
        Derivation(sp.Derivative(bce(s, y), z), name="bce.grad")
        .step(Dot(InOrder(s, -y) / sigmoid_prime(z), sigmoid_prime(z)),
              r"chain rule: $\partial L/\partial \hat y$ at $\hat y = \sigma(z)$, "
              r"times $\sigma'(z) = \sigma(z)(1 - \sigma(z))$")
        .step(InOrder(s, -y), r"the factors $\sigma(z)(1 - \sigma(z))$ cancel")
    )


@claim("bce.curvature", chapter="ch06")
def bce_curvature() -> Derivation:
    r"""The second derivative of the log loss in the logit: positive, so the loss is convex."""
    return (
        Derivation(sp.Derivative(InOrder(Sigmoid(z), -y), z), name="bce.curvature")
        .step(sigmoid_prime(z), r"$\sigma' = \sigma(1 - \sigma)$; $y$ is a constant")
        .step(sp.Integer(0), r"both factors are positive", relation=">=")
    )


def logit_of(weights, inputs, bias, dim=m):
    r""":math:`\sum_{k=1}^{m} w_k x_k + b`, the logit of a linear model."""
    return InOrder(sp.Sum(weights[k] * inputs, (k, 1, dim)), bias)


@claim("logreg.weight-grad", chapter="ch06")
def logreg_weight_grad() -> Derivation:
    r""":math:`\partial L / \partial w_j = (\sigma(z) - y)\, x_j` for :math:`z = w^\top x + b`."""
    zz = Abbrev(sp.Symbol("z"), logit_of(w, xs[k], b))
    return (
        Derivation(sp.Derivative(InOrder(Softplus(zz), -y * zz), w[j]),
                   name="logreg.weight-grad")
        .step(Times(InOrder(Sigmoid(zz), -y), sp.Derivative(logit_of(w, xs[k], b), w[j])),
              r"chain rule with $\partial L/\partial z = \sigma(z) - y$, where "
              r"$z = \sum_k w_k x_k + b$", n=FEATURES)
        .step(Times(InOrder(Sigmoid(zz), -y), xs[j]),
              r"$z$ is linear in $w$: $\partial z/\partial w_j = x_j$", n=FEATURES)
    )


@claim("logreg.mean-grad", chapter="ch06")
def logreg_mean_grad() -> Derivation:
    r"""The gradient of the mean loss over :math:`N` examples: the mean of the gradients."""
    zi = Abbrev(sp.Symbol("z_i"), logit_of(w, xs[i, k], b))
    loss_i = Paren(InOrder(Softplus(zi), Times(-1, ys[i], zi)))
    return (
        Derivation(sp.Derivative(sp.Sum(loss_i, (i, 1, N)) / N, w[j]), name="logreg.mean-grad")
        .step(sp.Sum(Times(Paren(InOrder(Sigmoid(zi), -ys[i])), xs[i, j]), (i, 1, N)) / N,
              r"derivative of a sum, each term as for one example "
              r"($z_i = \sum_k w_k x_{i,k} + b$)", n=(m, range(1, 4)))
    )


# ------------------------------------------------------------------------- saturation

@claim("softplus.linear-tail", chapter="ch06")
def softplus_linear_tail() -> Derivation:
    return (
        Derivation(Softplus(-z), name="softplus.linear-tail")
        .step(InOrder(-z, sp.log(1 + sp.exp(z))), r"$\log(1 + e^{-z}) = -z + \log(e^{z} + 1)$")
        .step(-z, "the logarithm tends to 0", relation="~", limit=(z, -sp.oo))
    )


@claim("softplus.zero-tail", chapter="ch06")
def softplus_zero_tail() -> Derivation:
    r""":math:`\zeta(-z) \to 0` as :math:`z \to \infty`: a confident right answer costs little."""
    return (
        Derivation(Softplus(-z), name="softplus.zero-tail")
        .step(sp.exp(-z), r"$\log(1 + t) \approx t$ for small $t = e^{-z}$", relation="~",
              limit=(z, sp.oo), approx="ratio")
    )


@claim("bce.grad-tail", chapter="ch06")
def bce_grad_tail() -> Derivation:
    r"""For :math:`y = 1` and :math:`z \to -\infty` the log loss's gradient tends to -1."""
    return (
        Derivation(InOrder(Sigmoid(z), -1), name="bce.grad-tail")
        .step(sp.Integer(-1), r"$\sigma(z) \to 0$", relation="~", limit=(z, -sp.oo))
    )


@claim("mse.sigmoid-grad", chapter="ch06")
def mse_sigmoid_grad() -> Derivation:
    r"""The squared error on a sigmoid output: the factor :math:`\sigma(1-\sigma)` stays."""
    s = Sigmoid(z)
    return (
        Derivation(sp.Derivative(InOrder(s, -y) ** 2, z), name="mse.sigmoid-grad")
        .step(Times(2, Paren(InOrder(s, -y)), sp.Derivative(s, z)),
              "chain rule: keep the factor $\\sigma(z) - y$")
        .step(Times(2, Paren(InOrder(s, -y)), s, 1 - s), r"$\sigma' = \sigma(1 - \sigma)$")
    )


@claim("mse.sigmoid-vanishing", chapter="ch06")
def mse_sigmoid_vanishing() -> Derivation:
    r"""For :math:`y = 1` the squared loss's gradient vanishes like :math:`-2e^{z}`."""
    s = Sigmoid(z)
    return (
        Derivation(Times(2, Paren(InOrder(s, -1)), s, 1 - s), name="mse.sigmoid-vanishing")
        .step(Times(-2, s, (1 - s) ** 2), r"$\sigma - 1 = -(1 - \sigma)$")
        .step(-2 * sp.exp(z), r"$\sigma(z) \approx e^{z}$ and $1 - \sigma(z) \to 1$",
              relation="~", limit=(z, -sp.oo), approx="ratio")
    )


@claim("clip.grad-above", chapter="ch06")
def clip_grad_above() -> Derivation:
    r"""Above the band the clipped output is constant: derivative 0 for :math:`f > 1`."""
    return (Derivation(sp.Derivative(clipped(f), f), name="clip.grad-above",
                       assumptions=[f > 1])
            .step(sp.Integer(0), r"$\min(1, f) = 1$ for $f > 1$: a constant"))


@claim("clip.grad-inside", chapter="ch06")
def clip_grad_inside() -> Derivation:
    r"""Inside the band the clip is the identity: derivative 1 for :math:`0 < f < 1`."""
    return (Derivation(sp.Derivative(clipped(f), f), name="clip.grad-inside",
                       assumptions=[f > 0, f < 1])
            .step(sp.Integer(1), r"$\max(0, \min(1, f)) = f$ for $0 < f < 1$"))


@claim("clip.grad-below", chapter="ch06")
def clip_grad_below() -> Derivation:
    r"""Below the band the clipped output is constant: derivative 0 for :math:`f < 0`."""
    return (Derivation(sp.Derivative(clipped(f), f), name="clip.grad-below",
                       assumptions=[f < 0])
            .step(sp.Integer(0), r"$\max(0, \min(1, f)) = 0$ for $f < 0$: a constant"))
