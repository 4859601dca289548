r"""Chapter 11 (MSE vs cross-entropy vs hinge): the checked derivations.

Learning speed of one sigmoid neuron :math:`\hat y = \sigma(u)`, :math:`u = wx + b`:

* ``speed.ce-grad``: the cross-entropy's weight gradient is :math:`(\sigma(u) - y)\,x`;
* ``speed.mse-grad``: the half squared error's is the same times :math:`\sigma'(u)`;
* ``speed.sigma-prime-bound``: :math:`\sigma'(u) = \tfrac14 - (\sigma(u) - \tfrac12)^2
  \le \tfrac14`, with equality only at :math:`u = 0` (where near-zero weights put it);
* ``speed.sigma-prime-tail``: :math:`\sigma'(u) \approx e^{u}` as :math:`u \to -\infty`;
* ``speed.ce-flow`` / ``speed.mse-flow``: along the gradient flows of one example
  (label 1) the "clocks" :math:`F(u) = u + e^{u}` (cross-entropy) and
  :math:`G(u) = -e^{-u} + 3u + 3e^{u} + \frac12 e^{2u}` (squared error) advance at a
  constant rate; ``speed.ce-escape`` / ``speed.mse-escape``: so the time to climb from a
  wrong :math:`u_0 < 0` to :math:`u = 0` grows like :math:`|u_0|` for the cross-entropy
  and like :math:`e^{|u_0|}` for the squared error.

The two multi-class cross-entropies (one-hot target, class :math:`c` has probability
:math:`p`):

* ``variants.two-classes``: with :math:`K = 2` the variant with the terms
  :math:`(1 - y_j)\log(1 - s_j)` is exactly twice the cross-entropy;
* ``variants.gap-slope``: with the other classes sharing :math:`1 - p` evenly the gap
  between the variants has derivative :math:`-(K - 1)/(K - 2 + p) \ne 0` in :math:`p`
  (symbolic in :math:`K`): not a constant offset;
* ``variants.log-base``: the difference of the losses of :math:`0.08` and :math:`0.8`
  is :math:`\log_b 10` in base :math:`b`; it is :math:`1` (as in 1.09 - 0.09) only for
  :math:`b = 10`.

Scores and margins:

* ``softmax.one-without-infinities``: :math:`\operatorname{softmax}(t, 0, 0)_1 \to 1`
  as :math:`t \to \infty` with the wrong-class scores held at 0;
* ``hinge.subgradient``: below the margin (:math:`ts < 1`) the hinge is :math:`1 - ts`
  with derivative :math:`-t`; ``hinge.flat``: above it the loss and its derivative are 0;
* ``hinge.two-classes``: the Weston-Watkins hinge of two scores is the binary hinge of
  their difference (labels :math:`t = \pm 1`, checked for both);
* ``hinge.scores-10-9-9``, ``hinge.scores-10-9.01-9``, ``ce.scores-10-9-9`` and
  ``ce.scores-10-minus10``: the source's examples, exactly;
* ``svm.subgradient``: the subgradient of the regularised hinge of one example,
  :math:`\lambda w_j - t x_j` below the margin (for :math:`m = 1..3` features);
* ``svm.margin-width``: from a point on :math:`w^\top x + b = 1`, a step of length
  :math:`2/\lVert w\rVert` against :math:`w` lands on :math:`w^\top x + b = -1`.

The sources' errors on these topics are in :mod:`lossbook.errata.ch11`.

References: Varma, "Picking Loss Functions" (source 004); Chen, "Loss Functions"
(source 003), sections 1.1.1 and 2.2; Nielsen, *Neural Networks and Deep Learning*
(2015), chapter 3; Goodfellow, Bengio and Courville, *Deep Learning* (2016), section
6.2.2; Weston and Watkins, "Support vector machines for multi-class pattern
recognition", ESANN 1999; Cortes and Vapnik, "Support-vector networks" (1995).
"""

from __future__ import annotations

import sympy as sp

from .. import symbolic as sym
from ..derivation import Derivation, claim
from ..symbolic import Sigmoid
from ._display import Abbrev, Dot, InOrder, Paren, Power, SoftmaxAt, Times
from .ch06_sigmoid_bce import bce, sigmoid_prime
from .ch09_one_vs_all import shown

w, x, b = sp.symbols("w x b", real=True)
u = sp.Symbol("u", real=True)
y = sp.Symbol("y", real=True)
t = sp.Symbol("t", real=True)
p = sp.Symbol("p", positive=True)
q = sp.Symbol("q", positive=True)              # 1 - p, the probability left over
base = sp.Symbol("b", positive=True)
c = sp.Symbol("c", positive=True)
u0 = sp.Symbol("u_0", real=True)
h = sp.Symbol("h", positive=True)              # a slack: how far below/above the margin
m = sp.Symbol("m", integer=True, positive=True)
extra = sp.Symbol("r", integer=True, nonnegative=True)
K = Abbrev(sp.Symbol("K"), extra + 2)          # K >= 2 classes, printed K
lam = sp.Symbol("lambda", positive=True)
label = sp.Symbol("y", integer=True, nonnegative=True)   # a 0/1 label; t = 2y - 1
j, k = sp.symbols("j k", integer=True)
W = sp.IndexedBase("w", real=True)
X = sp.IndexedBase("x", real=True)
s1, s2 = sp.symbols("s_1 s_2", real=True)
s = sp.Symbol("s", real=True)
w1, w2, x1, x2 = sp.symbols("w_1 w_2 x_1 x_2", real=True)

LOGIT = Abbrev(u, w * x + b)                   # u = wx + b, printed u


def neuron(weight=w, inp=x, bias=b):
    r""":math:`\sigma(wx + b)`."""
    return Sigmoid(weight * inp + bias)


# ------------------------------------------------------------------ learning speed


@claim("speed.ce-grad", chapter="ch11")
def ce_grad() -> Derivation:
    r"""d/dw of the binary cross-entropy of sigma(wx + b): (sigma(wx + b) - y) x."""
    s = Sigmoid(LOGIT)
    return (
        Derivation(sp.Derivative(bce(s, y), w), name="speed.ce-grad")
        .step(Dot(InOrder(s, -y) / sigmoid_prime(LOGIT), sigmoid_prime(LOGIT), x),
              r"chain rule: $\partial L/\partial \hat y = (\hat y - y)/(\hat y(1 - \hat y))$, "
              r"times $\sigma'(u) = \sigma(u)(1 - \sigma(u))$, times $\partial u/\partial w = x$")
        .step(Times(Paren(InOrder(s, -y)), x), r"$\sigma'(u)$ cancels")
    )


@claim("speed.mse-grad", chapter="ch11")
def mse_grad() -> Derivation:
    r"""d/dw (sigma(wx + b) - y)^2 / 2 = (sigma - y) x sigma'(wx + b): the CE gradient
    times sigma'."""
    s = Sigmoid(LOGIT)
    return (
        Derivation(sp.Derivative(InOrder(s, -y) ** 2 / 2, w), name="speed.mse-grad")
        .step(Times(Paren(InOrder(s, -y)), sp.Derivative(s, w)),
              r"chain rule on the square: $\frac{d}{dw}\frac{e^2}{2} = e\,\frac{de}{dw}$")
        .step(Times(Paren(InOrder(s, -y)), x, sigmoid_prime(LOGIT)),
              r"$\frac{d}{dw}\sigma(u) = \sigma'(u)\,x$, $\sigma' = \sigma(1 - \sigma)$")
    )


@claim("speed.sigma-prime-bound", chapter="ch11")
def sigma_prime_bound() -> Derivation:
    r"""sigma'(u) = 1/4 - (sigma(u) - 1/2)^2 <= 1/4: largest at u = 0."""
    s = Sigmoid(u)
    quarter = sp.Rational(1, 4)
    return (
        Derivation(sigmoid_prime(u), name="speed.sigma-prime-bound")
        .step(InOrder(quarter, -Paren(InOrder(s, -sp.Rational(1, 2))) ** 2),
              r"complete the square in $\sigma(u)$")
        .step(quarter, r"a square is $\ge 0$; it is $0$ only where $\sigma(u) = \frac12$, "
                       r"that is $u = 0$", relation="<=")
    )


@claim("speed.sigma-prime-zero", chapter="ch11")
def sigma_prime_zero() -> Derivation:
    r"""At w = b = 0 (near-zero weights) the slope is the largest: sigma'(0) = 1/4."""
    return (
        Derivation(sigmoid_prime(sp.Integer(0)), name="speed.sigma-prime-zero")
        .step(Dot(sp.Rational(1, 2), sp.Rational(1, 2)), r"$\sigma(0) = 1/(1 + e^{0}) "
              r"= \frac12$")
        .step(sp.Rational(1, 4), "the maximum of the previous claim")
    )


@claim("speed.sigma-prime-tail", chapter="ch11")
def sigma_prime_tail() -> Derivation:
    r"""sigma'(u) ~ e^u as u -> -oo: the squared error's gradient vanishes exponentially
    for a confidently wrong output, the cross-entropy's does not."""
    return (
        Derivation(sigmoid_prime(u), name="speed.sigma-prime-tail")
        .step(sp.exp(u), r"$\sigma(u) \approx e^{u}$ and $1 - \sigma(u) \to 1$", relation="~",
              limit=(u, -sp.oo), approx="ratio")
    )


def ce_clock(v=u):
    r""":math:`F(u) = u + e^{u}`: along the cross-entropy's gradient flow
    :math:`\dot u = c\,(1 - \sigma(u))` it grows at the constant rate :math:`c`."""
    return InOrder(v, sp.exp(v))


def mse_clock(v=u):
    r""":math:`G(u) = -e^{-u} + 3u + 3e^{u} + \tfrac12 e^{2u}`: along the squared error's
    flow :math:`\dot u = c\,\sigma(u)(1 - \sigma(u))^2` it grows at the rate :math:`c`."""
    return InOrder(-sp.exp(-v), 3 * v, 3 * sp.exp(v), sp.exp(2 * v) / 2)


@claim("speed.ce-flow", chapter="ch11")
def ce_flow() -> Derivation:
    r"""F'(u) (1 - sigma(u)) = 1: with u' = c (1 - sigma(u)), dF(u(t))/dt = c."""
    return (
        Derivation(Times(shown("F'(u)", sp.Derivative(ce_clock(), u)), Paren(1 - Sigmoid(u))),
                   name="speed.ce-flow")
        .step(Times(Paren(InOrder(1, sp.exp(u))), Paren(1 - Sigmoid(u))),
              r"$F(u) = u + e^{u}$, so $F'(u) = 1 + e^{u}$")
        .step(sp.Integer(1), r"$1 - \sigma(u) = 1/(1 + e^{u})$")
    )


@claim("speed.mse-flow", chapter="ch11")
def mse_flow() -> Derivation:
    r"""G'(u) sigma(u) (1 - sigma(u))^2 = 1: with u' = c sigma (1 - sigma)^2,
    dG(u(t))/dt = c."""
    s = Sigmoid(u)
    slope = Times(s, Power(Paren(1 - s), 2))
    return (
        Derivation(Times(shown("G'(u)", sp.Derivative(mse_clock(), u)), slope),
                   name="speed.mse-flow")
        .step(Times(Paren(InOrder(sp.exp(-u), 3, 3 * sp.exp(u), sp.exp(2 * u))), slope),
              r"$G(u) = -e^{-u} + 3u + 3e^{u} + \frac12 e^{2u}$, differentiated term by term")
        .step(Times(sp.exp(-u), Power(Paren(InOrder(1, sp.exp(u))), 3), slope),
              r"$e^{-u}(1 + e^{u})^3 = e^{-u} + 3 + 3e^{u} + e^{2u}$")
        .step(sp.Integer(1), r"$\sigma(u) = e^{u}/(1 + e^{u})$, $1 - \sigma(u) = 1/(1 + e^{u})$")
    )


@claim("speed.ce-escape", chapter="ch11")
def ce_escape() -> Derivation:
    r"""The cross-entropy's time from u_0 to u = 0, c T = F(0) - F(u_0), grows like |u_0|."""
    return (
        Derivation(InOrder(shown("F(0)", ce_clock(sp.Integer(0))),
                           -shown("F(u_0)", ce_clock(u0))), name="speed.ce-escape")
        .step(InOrder(1, -u0, -sp.exp(u0)), r"$F(0) = 0 + e^{0} = 1$")
        .step(-u0, r"$e^{u_0} \to 0$", relation="~", limit=(u0, -sp.oo), approx="ratio")
    )


@claim("speed.mse-escape", chapter="ch11")
def mse_escape() -> Derivation:
    r"""The squared error's time from u_0 to u = 0, c T = G(0) - G(u_0), grows like
    e^{-u_0} = e^{|u_0|}: exponentially."""
    return (
        Derivation(InOrder(shown("G(0)", mse_clock(sp.Integer(0))),
                           -shown("G(u_0)", mse_clock(u0))), name="speed.mse-escape")
        .step(InOrder(sp.Rational(5, 2), sp.exp(-u0), -3 * u0, -3 * sp.exp(u0),
                      -sp.exp(2 * u0) / 2), r"$G(0) = -1 + 0 + 3 + \frac12 = \frac52$")
        .step(sp.exp(-u0), r"$e^{-u_0}$ outgrows every other term", relation="~",
              limit=(u0, -sp.oo), approx="ratio")
    )


# --------------------------------------------------------- two multi-class cross-entropies


def variant(p_correct, others):
    r"""The source's second variant for a one-hot target: :math:`-\log p - \sum_{j \ne c}
    \log(1 - s_j)`, terms in the text's order (``others`` the wrong-class probabilities)."""
    return InOrder(-sp.log(p_correct), *[-sp.log(1 - sj) for sj in others])


@claim("variants.two-classes", chapter="ch11")
def variants_two_classes() -> Derivation:
    r"""K = 2: the variant with the (1 - y) log(1 - s) terms is twice the cross-entropy."""
    return (
        Derivation(variant(p, [Paren(1 - p)]), name="variants.two-classes")
        .step(InOrder(-sp.log(p), -sp.log(p)), r"the other class has $s_2 = 1 - p$, so "
                                             r"$1 - s_2 = p$")
        .step(Times(-2, sp.log(p)), r"twice the cross-entropy $-\log p$")
    )


def even_gap(p_correct=p):
    r"""The gap for K classes, the other K - 1 sharing 1 - p evenly:
    :math:`-(K - 1)\log\bigl(1 - \frac{1 - p}{K - 1}\bigr)`."""
    return Times(-Paren(K - 1), sp.log(InOrder(1, Times(-1, (1 - p_correct) / (K - 1)))))


@claim("variants.gap-slope", chapter="ch11")
def variants_gap_slope() -> Derivation:
    r"""d/dp of the gap (other classes equal) is -(K - 1)/(K - 2 + p) < 0 (K = 2 + r)."""
    return (
        Derivation(even_gap(), name="variants.gap-slope")
        .step(Times(-Paren(K - 1), sp.log(InOrder(K, -2, p) / (K - 1))),
              r"common denominator $K - 1$")
        .step(Times(-1, (K - 1) / InOrder(K, -2, p)), r"differentiate in $p$; $K \ge 2$ is "
              r"a constant", relation="d/dx", wrt=p)
    )


@claim("variants.log-base", chapter="ch11")
def variants_log_base() -> Derivation:
    r"""-log_b 0.08 - (-log_b 0.8) = log_b 10: equal to 1 only in base 10."""
    small, large = shown("0.08", sp.Rational(8, 100)), shown("0.8", sp.Rational(8, 10))
    return (
        Derivation(InOrder(shown(r"-\log_b 0.08", -sp.log(small) / sp.log(base)),
                           -shown(r"\left(-\log_b 0.8\right)", -sp.log(large) / sp.log(base))),
                   name="variants.log-base")
        .step(InOrder(sp.log(large), -sp.log(small)) / sp.log(base),
              r"$\log_b a = \log a / \log b$")
        .step(sp.log(10) / sp.log(base), r"$\log a - \log c = \log(a/c)$, $0.8/0.08 = 10$")
        .step(shown(r"\log_b 10", sp.log(10) / sp.log(base)), r"which is $1$ only for $b = 10$")
    )


# ------------------------------------------------------------------ scores and margins


@claim("softmax.one-without-infinities", chapter="ch11")
def softmax_one_without_infinities() -> Derivation:
    r"""softmax(t, 0, 0)_1 -> 1 as t -> oo: the wrong scores stay at 0, nothing is -oo."""
    tt = sp.Symbol("t", real=True)
    return (
        Derivation(SoftmaxAt(1, tt, 0, 0), name="softmax.one-without-infinities")
        .step(1 / InOrder(1, 2 * sp.exp(-tt)), r"$e^{t}/(e^{t} + 2)$, divided by $e^{t}$")
        .step(sp.Integer(1), r"$e^{-t} \to 0$", relation="~", limit=(tt, sp.oo))
    )


TPM = Abbrev(t, 2 * label - 1)                 # a label t in {-1, +1}, as t = 2y - 1
LABELS = (label, (0, 1))


def hinge_of(score):
    r""":math:`\max(0, 1 - t s)`, in the text's order."""
    return sp.Max(0, InOrder(1, Times(-1, TPM, score)))


@claim("hinge.subgradient", chapter="ch11")
def hinge_subgradient() -> Derivation:
    r"""Below the margin (t s < 1) the hinge is 1 - t s, with derivative -t in the score,
    for t = -1 and t = +1."""
    return (
        Derivation(hinge_of(s), name="hinge.subgradient",
                   assumptions=[sp.Lt((2 * label - 1) * s, 1)])
        .step(InOrder(1, Times(-1, TPM, s)), r"the margin $ts$ is below $1$", n=LABELS)
        .step(-TPM, r"derivative in the score $s$", relation="d/dx", wrt=s, n=LABELS)
    )


@claim("hinge.flat", chapter="ch11")
def hinge_flat() -> Derivation:
    r"""Beyond the margin (t s > 1) the hinge and its derivative are 0."""
    return (
        Derivation(hinge_of(s), name="hinge.flat", assumptions=[sp.Gt((2 * label - 1) * s, 1)])
        .step(sp.Integer(0), r"the margin $ts$ is above $1$: $1 - ts < 0$", n=LABELS)
        .step(sp.Integer(0), r"a constant", relation="d/dx", wrt=s, n=LABELS)
    )


@claim("hinge.two-classes", chapter="ch11")
def hinge_two_classes() -> Derivation:
    r"""Weston-Watkins with K = 2, true class 2: max(0, s_1 - s_2 + 1) = the binary hinge
    max(0, 1 - t s) of the score s = s_2 - s_1 with t = +1."""
    return (
        Derivation(sp.Max(0, InOrder(s1, -s2, 1)), name="hinge.two-classes")
        .step(sp.Max(0, InOrder(1, -Paren(InOrder(s2, -s1)))),
              r"the margin of the true class over the other is $s = s_2 - s_1$")
    )


def _unevaluated_max(expr):
    return sp.Max(0, expr, evaluate=False)


def _multiclass_example(name, scores, steps):
    """The Weston-Watkins hinge of ``scores`` (true class first), one term a wrong
    class, written out unevaluated; it must equal ``symbolic.multiclass_hinge``."""
    sy = scores[0]
    terms = [_unevaluated_max(InOrder(sj, -sy, 1)) for sj in scores[1:]]
    plain = [sp.sympify(si).doit() for si in scores]
    if sp.simplify(InOrder(*terms).doit() - sym.multiclass_hinge(plain, 0)) != 0:
        raise AssertionError(f"{name}: the written-out terms are not the library's hinge")
    d = Derivation(InOrder(*terms), name=name)
    for expr, why in steps:
        d = d.step(expr, why)
    return d


@claim("hinge.scores-10-9-9", chapter="ch11")
def hinge_10_9_9() -> Derivation:
    r"""Scores (10, 9, 9), true class 1: both margins are exactly 1, the hinge is 0."""
    zero = _unevaluated_max(sp.Integer(0))
    return _multiclass_example("hinge.scores-10-9-9", [10, 9, 9],
                               [(InOrder(zero, zero), r"$9 - 10 + 1 = 0$ twice"),
                                (sp.Integer(0), r"$\max(0, 0) = 0$")])


@claim("hinge.scores-10-9.01-9", chapter="ch11")
def hinge_10_901_9() -> Derivation:
    r"""Scores (10, 9.01, 9): one margin is 0.99, the hinge is 0.01."""
    hundredth = sp.Rational(1, 100)
    return _multiclass_example(
        "hinge.scores-10-9.01-9", [10, shown("9.01", sp.Rational(901, 100)), 9],
        [(InOrder(_unevaluated_max(shown("0.01", hundredth)), _unevaluated_max(sp.Integer(0))),
          r"$9.01 - 10 + 1 = 0.01$, $9 - 10 + 1 = 0$"),
         (shown("0.01", hundredth), r"only the first term is positive")])


def _ce_example(name, scores, closed, why):
    return (Derivation(-sp.log(SoftmaxAt(1, *scores)), name=name)
            .step(InOrder(sp.log(InOrder(*[sp.exp(si) for si in scores])), -scores[0]),
                  r"$-\log\operatorname{softmax}(s)_1 = \log\sum_k e^{s_k} - s_1$")
            .step(closed, why))


@claim("ce.scores-10-9-9", chapter="ch11")
def ce_10_9_9() -> Derivation:
    r"""-log softmax(10, 9, 9)_1 = log(1 + 2/e) = 0.551..."""
    return _ce_example("ce.scores-10-9-9", [sp.Integer(10), sp.Integer(9), sp.Integer(9)],
                       sp.log(InOrder(1, Times(2, sp.exp(-1)))), r"divide the sum by $e^{10}$")


@claim("ce.scores-10-minus10", chapter="ch11")
def ce_10_minus10() -> Derivation:
    r"""-log softmax(10, -10, -10)_1 = log(1 + 2 e^{-20}) = 4.1e-9."""
    return _ce_example("ce.scores-10-minus10", [sp.Integer(10), sp.Integer(-10),
                                                sp.Integer(-10)],
                       sp.log(InOrder(1, Times(2, sp.exp(-20)))),
                       r"divide the sum by $e^{10}$")


def _linear_score(dim):
    return sp.Sum(W[k] * X[k], (k, 1, dim)) + b


@claim("svm.subgradient", chapter="ch11")
def svm_subgradient() -> Derivation:
    r"""d/dw_j [lambda/2 ||w||^2 + 1 - t (w.x + b)] = lambda w_j - t x_j (below the
    margin, where the hinge is 1 - t s), for m = 1..3 features."""
    penalty = lam / 2 * sp.Sum(W[k] ** 2, (k, 1, m))
    return (
        Derivation(sp.Derivative(InOrder(penalty, 1, Times(-1, t, Paren(_linear_score(m)))),
                                 W[j]),
                   name="svm.subgradient")
        .step(InOrder(lam * W[j], -t * X[j]),
              r"$\partial_{w_j} \frac{\lambda}{2}\lVert w\rVert^2 = \lambda w_j$, "
              r"$\partial_{w_j}(-t\,w^\top x) = -t x_j$", n=(m, range(1, 4)))
    )


@claim("svm.margin-width", chapter="ch11")
def svm_margin_width() -> Derivation:
    r"""From x on w.x + b = 1, the point x - 2 w / ||w||^2 (a step of length 2/||w||
    against w) has w.x + b = -1 (in two dimensions)."""
    norm2 = w1**2 + w2**2
    start = InOrder(Times(w1, Paren(InOrder(x1, -2 * w1 / norm2))),
                    Times(w2, Paren(InOrder(x2, -2 * w2 / norm2))), b)
    return (
        Derivation(start, name="svm.margin-width",
                   assumptions=[sp.Eq(w1 * x1 + w2 * x2 + b, 1), sp.Q.positive(norm2)])
        .step(InOrder(w1 * x1, w2 * x2, b, -2), r"$2(w_1^2 + w_2^2)/\lVert w\rVert^2 = 2$")
        .step(sp.Integer(-1), r"$x$ lies on $w^\top x + b = 1$")
    )
