r"""Chapter 8 (Numerical stability): the checked derivations behind the stable forms.

Rounding: ``stability.cancellation`` (the relative error of a difference of two rounded
numbers), ``stability.log-rounded-sum`` (rounding :math:`1 + u` becomes an absolute
error in its logarithm), ``stability.exp-amplification`` (an absolute error :math:`h` in
an exponent is a relative error :math:`\approx h` in the exponential).

Stable forms: ``stability.sigmoid-forms`` (the sigmoid is the softmax of
:math:`(x, 0)`, so shifting by :math:`\max(x, 0)` gives the form with
:math:`e^{-|x|}`), ``stability.sigmoid-tail``, ``stability.softplus-stable``
(:math:`\zeta(x) = \max(x, 0) + \log(1 + e^{-|x|})`), ``stability.log-sigmoid-stable``,
``stability.log-sigmoid-tail``, ``stability.lse-shift`` (any shift :math:`m`),
``stability.lse-max-term`` (the maximum's term separated: :math:`x_1 + \log(1 + \sum_{k
\ge 2} e^{x_k - x_1})`), ``stability.ce-confident`` and ``stability.ce-confident-tail``
(the loss of the class with the largest logit, and its size when it leads by
:math:`t`), ``stability.ce-grad-complement`` (:math:`p_1 - 1 = -\sum_{k \ge 2} p_k`),
``stability.bce-nonneg-terms`` (binary cross-entropy from a logit as a sum of two
non-negative terms), ``stability.bce-grad-split``
(:math:`\sigma(z) - t = (1 - t)\sigma(z) - t\,\sigma(-z)`), ``stability.kl-term-log1p``,
``stability.kl-term-nonneg`` and ``stability.kl-quadratic`` (the terms of KL near
:math:`q = p`).

Row statements number the entry they are about 1 (the entries are in any order, so this
loses nothing; where it must be the largest logit the claim says so) and are checked for
every n = 2..6, labelled so. The other steps are symbolic.

References: Goldberg, "What every computer scientist should know about floating-point
arithmetic" (1991); Higham, *Accuracy and Stability of Numerical Algorithms* (2002),
chapters 1-2; Blanchard, Higham and Higham, "Accurately computing the log-sum-exp and
softmax functions" (2021); Goodfellow, Bengio and Courville, *Deep Learning* (2016),
section 4.1; Heinzer (2020), section "Numerical stability"; Chen, "Loss Functions",
section 2.2 ("In Software Implementation").
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from ..derivation import LOG_LE_X_MINUS_1, Derivation, claim
from ..symbolic import LogSumExp, Sigmoid, Softmax, Softplus, _Named
from ._display import Abbrev, InOrder, Paren, Times

x = sp.Symbol("x", real=True)
z = sp.Symbol("z", real=True)
z_pos = sp.Symbol("z", nonnegative=True)
z_neg = sp.Symbol("z", negative=True)
w = sp.Symbol("w", real=True)
j = sp.Symbol("j", integer=True)
c = sp.Symbol("c", real=True)
h = sp.Symbol("h", real=True)
u = sp.Symbol("u", positive=True)
v = sp.Symbol("v", positive=True)
a, b = sp.symbols("a b", real=True)
eps1, eps2 = sp.symbols("epsilon_1 epsilon_2", real=True)
eps = sp.Symbol("epsilon", real=True)
t = sp.Symbol("t", real=True)
gap = sp.Symbol("t", positive=True)
p, q = sp.symbols("p q", positive=True)
alpha = sp.Symbol("a", positive=True)
delta = sp.Symbol("delta", positive=True)

n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", integer=True)
xs = sp.IndexedBase("x", real=True)
d = sp.IndexedBase("d", nonnegative=True)
N_RANGE = (n, range(2, 7))

# ---------------------------------------------------------------------------
# display heads beyond lossbook.chains._display: a fraction that SymPy must not
# simplify (e^{x+h}/e^{x}), and max(x, 0) / min(x, 0) printed in that order


class Ratio(_Named):
    """``Ratio(a, b)`` prints as the fraction a / b with a and b as given."""

    nargs = 2
    precedence = PRECEDENCE["Mul"]

    def unfold(self):
        return self.args[0] / self.args[1]

    def _latex(self, printer, exp=None):
        top, bottom = (printer._print(e) for e in self.args)
        return rf"\frac{{{top}}}{{{bottom}}}"


class MaxZero(_Named):
    r"""max(x, 0), printed in that order."""

    nargs = 1

    def unfold(self):
        return sp.Max(self.args[0], 0)

    def _latex(self, printer, exp=None):
        return rf"\max({printer._print(self.args[0])}, 0)"


class MinZero(_Named):
    r"""min(x, 0), printed in that order."""

    nargs = 1

    def unfold(self):
        return sp.Min(self.args[0], 0)

    def _latex(self, printer, exp=None):
        return rf"\min({printer._print(self.args[0])}, 0)"


class Step(_Named):
    r"""The unit step :math:`H(z) = 1` for :math:`z \ge 0`, else 0 (prints as H(z))."""

    nargs = 1

    def unfold(self):
        return sp.Piecewise((1, self.args[0] >= 0), (0, True))

    def _latex(self, printer, exp=None):
        return rf"H({printer._print(self.args[0])})"


class Atanh(_Named):
    r""":math:`\operatorname{atanh}(w) = \tfrac12 \log\frac{1 + w}{1 - w}` (its definition)."""

    nargs = 1

    def unfold(self):
        w = self.args[0]
        return sp.log((1 + w) / (1 - w)) / 2

    def _latex(self, printer, exp=None):
        return rf"\operatorname{{atanh}}\left({printer._print(self.args[0])}\right)"


#: e^{-|x|}, the one exponential every stable elementwise form takes
E_ABS = sp.exp(-sp.Abs(x))
TOP = MaxZero(x)


def _sum(body, lower=1):
    return sp.Sum(body, (k, lower, n))


def _log1p_of(v):
    """log(1 + v), printed with the 1 first."""
    return sp.log(InOrder(1, v))


# ---------------------------------------------------------------------------
# rounding


@claim("stability.cancellation", chapter="ch08")
def cancellation() -> Derivation:
    r"""Relative error of a - b when a and b carry relative errors epsilon_1, epsilon_2.

    The result is (a epsilon_1 - b epsilon_2) / (a - b): bounded by
    max|epsilon_i| (|a| + |b|) / |a - b|, which is large when a and b nearly cancel.
    """
    computed = InOrder(Times(a, InOrder(1, eps1)), -Times(b, InOrder(1, eps2)))
    return (Derivation(Ratio(InOrder(computed, -Paren(InOrder(a, -b))), InOrder(a, -b)),
                       name="stability.cancellation")
            .step(Ratio(InOrder(a * eps1, -b * eps2), InOrder(a, -b)),
                  r"the exact parts $a - b$ cancel"))


@claim("stability.log-rounded-sum", chapter="ch08")
def log_rounded_sum() -> Derivation:
    r"""log of 1 + v rounded with relative error epsilon: log(1 + v) + log(1 + epsilon).

    The rounding becomes an absolute error log(1 + epsilon) ~ epsilon, which is a
    relative error epsilon / v of the result log(1 + v) ~ v when v is small.
    """
    return (Derivation(sp.log(Times(InOrder(1, v), InOrder(1, eps))),
                       name="stability.log-rounded-sum", assumptions=[eps > -1])
            .step(InOrder(_log1p_of(v), _log1p_of(eps)), r"$\log(ab) = \log a + \log b$"))


@claim("stability.exp-amplification", chapter="ch08")
def exp_amplification() -> Derivation:
    r"""An error h in the exponent: e^{x+h} / e^x - 1 ~ h as h -> 0 (a relative error h)."""
    return (Derivation(InOrder(Ratio(sp.exp(InOrder(x, h)), sp.exp(x)), -1),
                       name="stability.exp-amplification")
            .step(InOrder(sp.exp(h), -1), r"$e^{x+h} = e^{x} e^{h}$")
            .step(h, r"$e^{h} = 1 + h + O(h^2)$", relation="~", limit=(h, 0),
                  approx="ratio"))


# ---------------------------------------------------------------------------
# sigmoid, softplus, log-sigmoid


@claim("stability.sigmoid-forms", chapter="ch08")
def sigmoid_forms() -> Derivation:
    r"""sigma(x) = softmax((x, 0))_1; shifting both logits by c = max(x, 0) (shift
    invariance) leaves exponentials of non-positive numbers only: 1/(1 + e^{-|x|}) for
    x >= 0 and e^{-|x|}/(1 + e^{-|x|}) for x < 0."""
    zero = sp.exp(sp.Integer(0), evaluate=False)
    shifted = sp.exp(InOrder(x, -c))
    top = sp.exp(InOrder(x, -TOP))
    return (Derivation(Sigmoid(x), name="stability.sigmoid-forms")
            .step(Ratio(sp.exp(x), InOrder(sp.exp(x), zero)),
                  r"multiply by $e^{x}/e^{x}$: the softmax of $(x, 0)$, first entry")
            .step(Ratio(shifted, InOrder(shifted, sp.exp(-c))),
                  r"shift both logits by any $c$ (divide by $e^{c}$)")
            .step(Ratio(top, InOrder(top, sp.exp(-TOP))),
                  r"$c = \max(x, 0)$: both exponents $\le 0$")
            .step(sp.Piecewise((Ratio(1, InOrder(1, E_ABS)), x >= 0),
                               (Ratio(E_ABS, InOrder(1, E_ABS)), True)),
                  r"one exponent is $0$, the other $-|x|$"))


@claim("stability.sigmoid-tail", chapter="ch08")
def sigmoid_tail() -> Derivation:
    r"""sigma(x) ~ e^x as x -> -oo (ratio -> 1): the left tail is an exponential, which
    float64 represents down to e^{-745} (subnormal results below e^{-708})."""
    return (Derivation(Sigmoid(x), name="stability.sigmoid-tail")
            .step(Ratio(sp.exp(x), InOrder(1, sp.exp(x))), r"multiply by $e^{x}/e^{x}$")
            .step(sp.exp(x), r"$1 + e^{x} \to 1$", relation="~", limit=(x, -sp.oo),
                  approx="ratio"))


@claim("stability.softplus-stable", chapter="ch08")
def softplus_stable() -> Derivation:
    r"""zeta(x) = max(x, 0) + log(1 + e^{-|x|}), computed with log1p."""
    return (Derivation(Softplus(x), name="stability.softplus-stable")
            .step(_log1p_of(sp.exp(x)), r"definition of $\zeta$")
            .step(sp.log(Times(sp.exp(TOP), InOrder(sp.exp(-TOP), sp.exp(InOrder(x, -TOP))))),
                  r"factor out $e^{\max(x, 0)}$")
            .step(InOrder(TOP, sp.log(InOrder(sp.exp(-TOP), sp.exp(InOrder(x, -TOP))))),
                  r"$\log(e^{c} S) = c + \log S$")
            .step(InOrder(TOP, _log1p_of(E_ABS)), r"one exponent is $0$, the other $-|x|$"))


@claim("stability.log-sigmoid-stable", chapter="ch08")
def log_sigmoid_stable() -> Derivation:
    r"""log sigma(x) = -zeta(-x) = min(x, 0) - log(1 + e^{-|x|}): both terms <= 0."""
    return (Derivation(sp.log(Sigmoid(x)), name="stability.log-sigmoid-stable")
            .step(-Softplus(-x), r"$\log(1/(1 + e^{-x})) = -\log(1 + e^{-x})$")
            .step(InOrder(-MaxZero(-x), -_log1p_of(E_ABS)), r"the stable softplus at $-x$")
            .step(InOrder(MinZero(x), -_log1p_of(E_ABS)), r"$-\max(-x, 0) = \min(x, 0)$"))


@claim("stability.log-sigmoid-tail", chapter="ch08")
def log_sigmoid_tail() -> Derivation:
    r"""log sigma(x) ~ -e^{-x} as x -> oo: a log-probability near 0 is an exponential,
    representable far below machine epsilon."""
    return (Derivation(sp.log(Sigmoid(x)), name="stability.log-sigmoid-tail")
            .step(-_log1p_of(sp.exp(-x)), r"$\log(1/v) = -\log v$")
            .step(-sp.exp(-x), r"$\log(1 + v) / v \to 1$ as $v = e^{-x} \to 0$",
                  relation="~", limit=(x, sp.oo), approx="ratio"))


# ---------------------------------------------------------------------------
# log-sum-exp, log-softmax, softmax cross-entropy


def _others(shift=None):
    r""":math:`\sum_{k=2}^n e^{x_k - x_1}` (or :math:`e^{x_k}` without a shift)."""
    return _sum(sp.exp(InOrder(xs[k], -xs[1])) if shift is None else sp.exp(xs[k]), 2)


@claim("stability.lse-shift", chapter="ch08")
def lse_shift() -> Derivation:
    r"""log sum_k e^{x_k} = c + log sum_k e^{x_k - c} for every real c."""
    return (Derivation(LogSumExp(xs, n), name="stability.lse-shift")
            .step(sp.log(_sum(sp.exp(xs[k]))), "definition")
            .step(sp.log(Times(sp.exp(c), _sum(sp.exp(InOrder(xs[k], -c))))),
                  r"$e^{x_k} = e^{c} e^{x_k - c}$", n=N_RANGE)
            .step(InOrder(c, sp.log(_sum(sp.exp(InOrder(xs[k], -c))))),
                  r"$\log(e^{c} S) = c + \log S$", n=N_RANGE))


@claim("stability.lse-max-term", chapter="ch08")
def lse_max_term() -> Derivation:
    r"""With x_1 the largest entry: logsumexp(x) = x_1 + log(1 + sum_{k>=2} e^{x_k - x_1}).

    Every exponent is <= 0, and the small sum is kept apart from the 1, for log1p.
    """
    return (Derivation(LogSumExp(xs, n), name="stability.lse-max-term")
            .step(sp.log(InOrder(sp.exp(xs[1]), _others(shift=False))),
                  "the largest term apart", n=N_RANGE)
            .step(sp.log(Times(sp.exp(xs[1]), InOrder(1, _others()))),
                  r"factor out $e^{x_1}$", n=N_RANGE)
            .step(InOrder(xs[1], _log1p_of(_others())), r"$\log(e^{c} S) = c + \log S$",
                  n=N_RANGE))


@claim("stability.ce-confident", chapter="ch08")
def ce_confident() -> Derivation:
    r"""The loss of the class numbered 1 (any class may be numbered 1; nothing assumes it
    has the largest logit): -log softmax(x)_1 = log(1 + sum_{k>=2} e^{x_k - x_1}). When
    x_1 leads, that is a log1p of a small sum."""
    return (Derivation(-sp.log(Softmax(xs, 1, n)), name="stability.ce-confident")
            .step(InOrder(LogSumExp(xs, n), -xs[1]),
                  r"$-\log s_1 = \operatorname{logsumexp}(x) - x_1$", n=N_RANGE)
            .step(InOrder(sp.log(Times(sp.exp(xs[1]), InOrder(1, _others()))), -xs[1]),
                  r"the term of class 1 apart, $e^{x_1}$ factored out", n=N_RANGE)
            .step(_log1p_of(_others()), r"$\log e^{x_1} = x_1$ cancels exactly", n=N_RANGE))


@claim("stability.ce-confident-tail", chapter="ch08")
def ce_confident_tail() -> Derivation:
    r"""If every other logit is at least t below x_1 (x_k = x_1 - t - d_k, d_k >= 0), the
    loss is ~ e^{-t} sum_{k>=2} e^{-d_k} as t -> oo: it falls below machine epsilon
    (2.2e-16, float64) at a lead of t ~ 36 and stays representable to t ~ 745."""
    return (Derivation(_log1p_of(_sum(sp.exp(InOrder(-gap, -d[k])), 2)),
                       name="stability.ce-confident-tail")
            .step(Times(sp.exp(-gap), _sum(sp.exp(-d[k]), 2)),
                  r"$\log(1 + v)/v \to 1$ as $v \to 0$", relation="~", limit=(gap, sp.oo),
                  approx="ratio", n=N_RANGE))


@claim("stability.ce-two-parts", chapter="ch08")
def ce_two_parts() -> Derivation:
    r"""Any label j, x_1 the largest logit: -log softmax(x)_j = (x_1 - x_j) + log(1 + s),
    s = sum_{k>=2} e^{x_k - x_1}: two non-negative parts, nothing cancels."""
    return (Derivation(-sp.log(Softmax(xs, j, n)), name="stability.ce-two-parts")
            .step(InOrder(LogSumExp(xs, n), -xs[j]),
                  r"$-\log s_j = \operatorname{logsumexp}(x) - x_j$", n=N_RANGE)
            .step(InOrder(sp.log(Times(sp.exp(xs[1]), InOrder(1, _others()))), -xs[j]),
                  r"factor out $e^{x_1}$", n=N_RANGE)
            .step(InOrder(Paren(InOrder(xs[1], -xs[j])), _log1p_of(_others())),
                  r"$\log e^{x_1} = x_1$; both parts are $\ge 0$", n=N_RANGE))


@claim("stability.ce-grad-complement", chapter="ch08")
def ce_grad_complement() -> Derivation:
    r"""The gradient of -log softmax(x)_1 in x_1 (class 1 the label): p_1 - 1 =
    -sum_{k>=2} p_k = -t / (e^{x_1} + t) with t = sum_{k>=2} e^{x_k}, = -s / (1 + s) with
    s = sum_{k>=2} e^{x_k - x_1}: no subtraction from 1."""
    rest = _sum(sp.exp(xs[k]), 2)
    return (Derivation(InOrder(Softmax(xs, 1, n), -1), name="stability.ce-grad-complement")
            .step(-_sum(Softmax(xs, k, n), 2), r"the $p_k$ sum to 1", n=N_RANGE)
            .step(-Ratio(rest, InOrder(sp.exp(xs[1]), rest)), "one denominator", n=N_RANGE)
            .step(-Ratio(_others(), InOrder(1, _others())),
                  r"divide above and below by $e^{x_1}$", n=N_RANGE))


# ---------------------------------------------------------------------------
# binary cross-entropy from a logit


@claim("stability.bce-nonneg-terms", chapter="ch08")
def bce_nonneg_terms() -> Derivation:
    r"""zeta(z) - t z = t zeta(-z) + (1 - t) zeta(z) = max(z, 0) - t z + log(1 + e^{-|z|}).

    For t in [0, 1] the middle form is a sum of two non-negative terms."""
    e = sp.exp(-sp.Abs(z))
    return (Derivation(InOrder(Softplus(z), -t * z), name="stability.bce-nonneg-terms")
            .step(InOrder(t * Softplus(-z), Times(InOrder(1, -t), Softplus(z))),
                  r"$\zeta(z) - \zeta(-z) = z$")
            .step(InOrder(MaxZero(z), -t * z, _log1p_of(e)), r"the stable softplus"))


@claim("stability.bce-two-parts", chapter="ch08")
def bce_two_parts() -> Derivation:
    r"""For z >= 0: zeta(z) - t z = log(1 + e^{-z}) + (1 - t) z, two parts >= 0 for t <= 1."""
    return (Derivation(InOrder(Softplus(z_pos), -t * z_pos), name="stability.bce-two-parts")
            .step(InOrder(_log1p_of(sp.exp(-z_pos)), Times(InOrder(1, -t), z_pos)),
                  r"$\zeta(z) = z + \log(1 + e^{-z})$"))


@claim("stability.bce-two-parts-negative", chapter="ch08")
def bce_two_parts_negative() -> Derivation:
    r"""For z = -u < 0 (u = |z|): zeta(-u) + t u = log(1 + e^{-u}) + t u, both parts >= 0
    for t >= 0 (the mirror image of ``stability.bce-two-parts``)."""
    return (Derivation(InOrder(Softplus(-u), t * u), name="stability.bce-two-parts-negative")
            .step(InOrder(_log1p_of(sp.exp(-u)), t * u), r"definition of $\zeta$ at $-u$"))


@claim("stability.bce-grad-step", chapter="ch08")
def bce_grad_step() -> Derivation:
    r"""sigma(z) - t = (H(z) - t) + (1 - 2 H(z)) sigma(-|z|), H the unit step: the exact or
    once-rounded H(z) - t plus the small side of the sigmoid, never 1 - (something near 1)."""
    return (Derivation(InOrder(Sigmoid(z), -t), name="stability.bce-grad-step")
            .step(InOrder(Paren(InOrder(Step(z), -t)),
                          Times(InOrder(1, -2 * Step(z)), Sigmoid(-sp.Abs(z)))),
                  r"$\sigma(z) = 1 - \sigma(-|z|)$ for $z \ge 0$, $\sigma(-|z|)$ for $z < 0$"))


@claim("stability.bce-grad-split", chapter="ch08")
def bce_grad_split() -> Derivation:
    r"""sigma(z) - t = (1 - t) sigma(z) - t sigma(-z): for t = 1 it is -sigma(-z), no
    subtraction from 1."""
    one_minus_t = InOrder(1, -t)
    return (Derivation(InOrder(Sigmoid(z), -t), name="stability.bce-grad-split")
            .step(InOrder(Times(one_minus_t, Sigmoid(z)), -Times(t, InOrder(1, -Sigmoid(z)))),
                  r"$t = t\sigma(z) + t(1 - \sigma(z))$")
            .step(InOrder(Times(one_minus_t, Sigmoid(z)), -t * Sigmoid(-z)),
                  r"$1 - \sigma(z) = \sigma(-z)$"))


# ---------------------------------------------------------------------------
# KL of nearly equal distributions


@claim("stability.kl-term-log1p", chapter="ch08")
def kl_term_log1p() -> Derivation:
    r"""p log(p/q) = p log(1 + (p - q)/q): the log1p of a small relative difference."""
    return (Derivation(p * sp.log(p / q), name="stability.kl-term-log1p")
            .step(p * _log1p_of(Ratio(InOrder(p, -q), q)), r"$p/q = 1 + (p - q)/q$"))


@claim("stability.kl-term-nonneg", chapter="ch08")
def kl_term_nonneg() -> Derivation:
    r"""p log(p/q) - (p - q) >= 0: with sum p = sum q = 1 the KL terms can be made
    non-negative (the p - q add up to 0), so their sum has no cancellation."""
    return (Derivation(InOrder(p * sp.log(p / q), -Paren(InOrder(p, -q))),
                       name="stability.kl-term-nonneg")
            .step(InOrder(-p * sp.log(q / p), -p, q), r"$\log(p/q) = -\log(q/p)$")
            .step(InOrder(-Times(p, InOrder(q / p, -1)), -p, q),
                  r"$\log v \le v - 1$ at $v = q/p$", relation=">=", lemma=LOG_LE_X_MINUS_1)
            .step(sp.Integer(0), "expand"))


@claim("stability.kl-atanh", chapter="ch08")
def kl_atanh() -> Derivation:
    r"""With w = (p - q)/(p + q): p log(p/q) - (p - q) = w (p - q) + 2p (atanh(w) - w).

    log(p/q) = 2 atanh(w) because p/q = (1 + w)/(1 - w), and p - q = w (p + q). The first
    part is >= 0 and the second is a series w^3/3 + w^5/5 + ... times 2p with the sign of
    w, as is the first: no cancellation near p = q."""
    wp = Abbrev(w, (p - q) / (p + q))
    return (Derivation(InOrder(p * sp.log(p / q), -Paren(InOrder(p, -q))),
                       name="stability.kl-atanh")
            .step(InOrder(Times(2, p, Atanh(wp)), -Paren(InOrder(p, -q))),
                  r"$p/q = (1 + w)/(1 - w)$, $w = (p - q)/(p + q)$")
            .step(InOrder(Times(wp, Paren(InOrder(p, -q))),
                          Times(2, p, Paren(InOrder(Atanh(wp), -wp)))),
                  r"$p - q = w\,(p + q)$"))


@claim("stability.atanh-series", chapter="ch08")
def atanh_series() -> Derivation:
    r"""atanh(w) - w ~ w^3/3 as w -> 0 (the series w^3/3 + w^5/5 + ... has one sign)."""
    return (Derivation(InOrder(Atanh(w), -w), name="stability.atanh-series")
            .step(w**3 / 3, r"$\operatorname{atanh}(w) = w + w^3/3 + w^5/5 + \dots$", relation="~",
                  limit=(w, 0), approx="ratio"))


@claim("stability.kl-quadratic", chapter="ch08")
def kl_quadratic() -> Derivation:
    r"""KL((a, 1 - a) || (a + delta, 1 - a - delta)) ~ delta^2 / (2 a (1 - a)) as delta -> 0."""
    kl2 = InOrder(alpha * sp.log(Ratio(alpha, InOrder(alpha, delta))),
                Times(InOrder(1, -alpha), sp.log(Ratio(InOrder(1, -alpha),
                                                     InOrder(1, -alpha, -delta)))))
    return (Derivation(kl2, name="stability.kl-quadratic")
            .step(Ratio(delta**2, Times(2, alpha, InOrder(1, -alpha))),
                  "second-order Taylor expansion", relation="~", limit=(delta, 0),
                  approx="ratio"))
