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

The sources' errors on these topics are in :mod:`lossbook.errata` (module ``ch06``); the
functions ``source_*`` below are the sources' versions that those entries refute.

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
        .step(Sigmoid(x) * (1 - Sigmoid(x)), r"$e^{-x}/(1+e^{-x}) = 1 - \sigma(x)$")
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
              r"the derivative of a sum is the sum of the derivatives; each term as in "
              r"$\partial L/\partial w_j = (\sigma(z) - y) x_j$, with "
              r"$z_i = \sum_k w_k x_{i,k} + b$", n=(m, range(1, 4)))
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


# ------------------------------------------------------- the sources' versions (errata)
# Each function returns True iff the source's statement is refuted (a value at a point
# that satisfies the source's own assumptions, or a limit, that differs from the truth)
# and the correction agrees with the truth. The entries that use them are in
# lossbook/errata/ch06.py.

def _num(expr, at=None):
    """The value of ``expr`` at the point ``at``, with 30 significant digits."""
    e = sp.sympify(expr)
    return sp.N((e.subs(at) if at else e).doit(), 30)


def _same(a, b, at=None) -> bool:
    return bool(abs(_num(a, at) - _num(b, at)) < 1e-25)


def _differ(a, b, at=None) -> bool:
    return bool(abs(_num(a, at) - _num(b, at)) > 1e-9)


def _refuted(stated, correction, truth, points) -> bool:
    return all(_differ(stated, truth, at) and _same(correction, truth, at) for at in points)


def _sig(t):
    return 1 / (1 + sp.exp(-t))


def _softplus(t):
    return sp.log(1 + sp.exp(t))


def source_mse_sigmoid_grad() -> bool:
    # 000 (its z is the label, x the logit): d(z - sigma(x))^2/dx = 2 sigma(x)(1 - sigma(x)).
    # At z = 1, x = 0 the derivative is -1/4, the stated form gives +1/2.
    zl = sp.Symbol("z", real=True)
    truth = sp.diff((zl - _sig(x)) ** 2, x)
    stated = 2 * _sig(x) * (1 - _sig(x))
    correction = -2 * (zl - _sig(x)) * _sig(x) * (1 - _sig(x))
    return _refuted(stated, correction, truth, [{zl: 1, x: 0}, {zl: 0, x: 2}, {zl: 1, x: -3}])


def source_softplus_approx() -> bool:
    # 000 (its y is the logit): for y << 0, zeta(-y) ~ y. The difference zeta(-y) - y tends
    # to +oo (a positive loss cannot be close to a large negative number); zeta(-y) + y -> 0.
    return (sp.limit(_softplus(-z) - z, z, -sp.oo) is sp.oo
            and sp.limit(_softplus(-z) + z, z, -sp.oo) == 0)


def source_softplus_slope() -> bool:
    # 000: "when the prediction is wrong, the derivative of the function approximates one".
    # For the label 1 the loss is zeta(-y); its slope tends to -1 as y -> -oo (not +1).
    # For the label 0 the loss zeta(y) has slope -> +1 as y -> +oo. Both magnitudes are 1.
    return (sp.limit(sp.diff(_softplus(-z), z), z, -sp.oo) == -1
            and sp.limit(sp.diff(_softplus(z), z), z, sp.oo) == 1)


def source_bce_observed_p() -> bool:
    # 000: l_z(p) = -z log p - (1 - z) log(1 - p) "with predicted probability
    # p = sigma((2z - 1) y)". For the label z = 0 and the logit y = 2 that gives
    # -log(1 - sigma(-2)) = zeta(-2) = 0.127, but -log P(z = 0) = -log sigma(-2) = zeta(2)
    # = 2.127. With p = P(z = 1) = sigma(y) the formula is right.
    def loss(zl, prob):
        return -zl * sp.log(prob) - (1 - zl) * sp.log(1 - prob)

    points = [(0, 2), (0, -1), (1, sp.Rational(1, 2))]
    ok = True
    for zl, logit in points:
        truth = -sp.log(_sig((2 * zl - 1) * logit))
        stated = loss(zl, _sig((2 * zl - 1) * logit))
        correction = loss(zl, _sig(logit))
        if zl == 1:   # for z = 1 the two readings coincide: only the correction is tested
            ok = ok and _same(correction, truth) and _same(stated, truth)
        else:
            ok = ok and _differ(stated, truth) and _same(correction, truth)
    return ok


def source_mse_grad_sign() -> bool:
    # 004: for J = (y - y_hat)^2 / 2 with y_hat = sigma(Wx + b), dJ/dW = (y - y_hat)
    # sigma'(Wx + b) x. At W = b = 0, x = 1, y = 1 the derivative is -1/8, the stated
    # form +1/8; (y_hat - y) sigma' x is right.
    wv, bv, xv, yv = sp.symbols("W b x y", real=True)
    yh = _sig(wv * xv + bv)
    truth = sp.diff((yv - yh) ** 2 / 2, wv)
    prime = yh * (1 - yh)
    stated = (yv - yh) * prime * xv
    correction = (yh - yv) * prime * xv
    return _refuted(stated, correction, truth,
                    [{wv: 0, bv: 0, xv: 1, yv: 1}, {wv: 1, bv: -2, xv: 3, yv: 0}])


def source_sigmoid_prime_small_at_zero() -> bool:
    # 004: with weights close to 0, sigma'(Wx + b) "will be very close to 0". At 0 it is
    # 1/4, its largest value (sigma(1 - sigma) = 1/4 - (sigma - 1/2)^2); the prediction
    # there is sigma(0) = 1/2, not 0. sigma' is small only far from 0, e.g. 0.0066 at 5.
    prime = sp.diff(_sig(x), x)
    at_zero = sp.simplify(prime.subs(x, 0))
    gap = sp.simplify(sp.Rational(1, 4) - prime - (_sig(x) - sp.Rational(1, 2)) ** 2)
    return bool(at_zero == sp.Rational(1, 4) and gap == 0 and _sig(0) == sp.Rational(1, 2)
                and _num(prime, {x: 5}) < 0.01)


def source_loss_as_derivative() -> bool:
    # 004 writes the cross-entropy loss itself as "dJ/dW =". At W = b = 0, x = 1, y = 1
    # the loss is log 2 = 0.693, its derivative in W is sigma(0) - 1 = -1/2.
    wv, bv, xv, yv = sp.symbols("W b x y", real=True)
    s = _sig(wv * xv + bv)
    loss = -yv * sp.log(s) - (1 - yv) * sp.log(1 - s)
    at = {wv: 0, bv: 0, xv: 1, yv: 1}
    return _differ(loss, sp.diff(loss, wv), at) and _same(sp.diff(loss, wv), (s - yv) * xv, at)


def parentheses_balance(tex: str) -> int:
    """Opening minus closing round brackets of a formula (``\\big(`` counts as one)."""
    return tex.count("(") - tex.count(")")


def source_stray_parenthesis() -> bool:
    # 001 writes (y_hat - y) with a closing bracket and no opening one, three times.
    stated = r"\frac{\hat y -y)}{\hat y (1- \hat y)}"
    correction = r"\frac{\hat y - y}{\hat y (1 - \hat y)}"
    return parentheses_balance(stated) != 0 and parentheses_balance(correction) == 0


ERRATA = [
    dict(
        id="000-mse-sigmoid-grad",
        source="000",
        section="What happens if we use a different loss function?",
        stated=r"&= 2 \frac{\partial (z-\sigma(x))}{\partial x}\\ &= 2 \frac{\partial "
               r"\sigma(x)}{\partial x}\\ &= 2 \sigma(x)(1-\sigma(x))",
        correction=r"$\partial (z - \sigma(x))^2/\partial x = -2\,(z - \sigma(x))\,"
                   r"\sigma(x)(1 - \sigma(x))$: the chain rule keeps the factor "
                   r"$z - \sigma(x)$, and the inner derivative of $z - \sigma(x)$ is "
                   r"$-\sigma'(x)$. At $z = 1$, $x = 0$ the derivative is $-1/4$, not $1/2$. "
                   r"The conclusion (the gradient shrinks where $\sigma$ saturates) stands.",
        grade="meaning",
        chapter="ch06",
        claim="mse.sigmoid-grad",
        ref="sec-squared-loss-saturates",
        check=source_mse_sigmoid_grad,
    ),
    dict(
        id="000-softplus-approx",
        source="000",
        section="Properties in connection with gradient descent",
        stated=r"If $$y \ll 0$$ then $$\zeta(-y) \approx y$$, our prediction was wrong, the "
               r"more confident the model was the bigger the loss should be.",
        correction=r"$\zeta(-y) \approx -y = |y|$ as $y \to -\infty$ (the source's $y$ is "
                   r"the logit): a large positive loss; $\zeta(-y) - y \to \infty$. The "
                   r"neighbouring cases ($\zeta(-y) \approx 0$ for $y \gg 0$, "
                   r"$\zeta(y) \approx y$ for $y \gg 0$, $\zeta(y) \approx 0$ for "
                   r"$y \ll 0$) are right.",
        grade="meaning",
        chapter="ch06",
        claim="softplus.linear-tail",
        ref="sec-bernoulli-loss",
        check=source_softplus_approx,
    ),
    dict(
        id="000-softplus-slope-sign",
        source="000",
        section="Properties in connection with gradient descent",
        stated=r"In both cases when the prediction is wrong, the derivative of the function "
               r"approximates one",
        correction=r"For the label 1 the loss $\zeta(-y)$ has slope $-\sigma(-y) \to -1$ as "
                   r"$y \to -\infty$; for the label 0 the slope of $\zeta(y)$ tends to $+1$. "
                   r"The magnitude tends to 1 in both cases, so the gradient is not shrunk; "
                   r"the sign says which way gradient descent moves the logit.",
        grade="typo",
        chapter="ch06",
        claim="bce.grad-tail",
        ref="sec-bernoulli-loss",
        check=source_softplus_slope,
    ),
    dict(
        id="000-bce-observed-class-p",
        source="000",
        section="Properties in connection with gradient descent",
        stated=r"with true class $$z$$ and predicted probability $$p = \sigma((2z-1)y)$$, it "
               r"reduces to",
        correction=r"In $l_z(p) = -z\log p - (1 - z)\log(1 - p)$ the probability is "
                   r"$p = P(z = 1) = \sigma(y)$. With $p = \sigma((2z - 1)y)$, the "
                   r"probability of the observed class, the loss is $-\log p$ alone (which "
                   r"is what the source uses next). For $z = 0$, $y = 2$ the stated "
                   r"combination gives $\zeta(-2) = 0.127$ instead of $\zeta(2) = 2.127$.",
        grade="meaning",
        chapter="ch06",
        claim="bernoulli.nll",
        ref="sec-bernoulli-loss",
        check=source_bce_observed_p,
    ),
    dict(
        id="001-bce-stray-parenthesis",
        source="001",
        section="relationship to the sigmoid function",
        stated=r"\frac{\hat y -y)}{\hat y (1- \hat y)}",
        correction=r"$\frac{\hat y - y}{\hat y (1 - \hat y)}$: the numerator has a closing "
                   r"bracket and no opening one (three times in the derivation; the result "
                   r"$\hat y - y$ is right).",
        grade="typo",
        chapter="ch06",
        claim="bce.grad-prob",
        ref="sec-bce-gradient",
        check=source_stray_parenthesis,
    ),
    dict(
        id="004-mse-grad-sign",
        source="004",
        section="Differences in learning speed for classification",
        stated=r"$$\frac{dJ}{dW} = (y_i - \hat{y_i})\sigma'(Wx_i + b)x_i$$",
        correction=r"For $J = \frac12 (y_i - \hat y_i)^2$: $dJ/dW = (\hat y_i - y_i)\,"
                   r"\sigma'(Wx_i + b)\,x_i$; the inner derivative of $y_i - \hat y_i$ is "
                   r"$-\hat y_i'$. At $W = b = 0$, $x_i = y_i = 1$ it is $-1/8$, not $1/8$ "
                   r"(with the stated sign gradient descent would move away from the target).",
        grade="meaning",
        chapter="ch06",
        claim="mse.sigmoid-grad",
        ref="sec-squared-loss-saturates",
        check=source_mse_grad_sign,
    ),
    dict(
        id="004-sigmoid-prime-at-zero",
        source="004",
        section="Differences in learning speed for classification",
        stated=r"Since we initialized our weights randomly with values close to 0, this "
               r"expression will be very close to 0, which will make the partial derivative "
               r"nearly vanish during the early stages of training.",
        correction=r"$\sigma'(0) = \frac14$ is the largest value of $\sigma' = \sigma(1 - "
                   r"\sigma) = \frac14 - (\sigma - \frac12)^2$, and with weights near 0 the "
                   r"prediction is about $\sigma(b)$, near $\frac12$ for a small bias, not 0. "
                   r"$\sigma'$ is small where $|Wx + b|$ is large: the squared error stalls "
                   r"on *confident* predictions, in particular confident mistakes.",
        grade="meaning",
        chapter="ch06",
        claim="sigmoid.derivative",
        ref="sec-squared-loss-saturates",
        check=source_sigmoid_prime_small_at_zero,
    ),
    dict(
        id="004-loss-as-derivative",
        source="004",
        section="Differences in learning speed for classification",
        stated=r"$$\frac{dJ}{dW} = -\sum_{i=1}^{N} y_i\log(\sigma (Wx_i + b)) + "
               r"(1-y_i)\log(1 - \sigma(Wx_i + b))$$",
        correction=r"This is the loss $J$ itself, $J = -\sum_i \bigl[y_i \log \sigma(Wx_i + b)"
                   r" + (1 - y_i)\log(1 - \sigma(Wx_i + b))\bigr]$ (with the bracket that the "
                   r"source omits); its derivative is $\sum_i (\sigma(z_i) - y_i)\, x_i$.",
        grade="typo",
        chapter="ch06",
        claim="logreg.mean-grad",
        ref="sec-bce-gradient",
        check=source_loss_as_derivative,
    ),
]
