r"""Chapter 7, softmax and multi-class cross-entropy: the checked derivations.

Notation of the chapter: logits :math:`z = (z_1, \dots, z_n)`, probabilities
:math:`s = \operatorname{softmax}(z)`, a target distribution :math:`y` (one-hot for a
class :math:`c`, or soft, :math:`\sum_k y_k = 1`), the loss
:math:`L = -\sum_k y_k \log s_k`.

The categorical model: ``softmax.log-ratio`` (:math:`\log(s_i/s_j) = z_i - z_j`),
``ce.log-softmax`` (:math:`-\log s_c = -z_c + \operatorname{logsumexp}(z)`),
``softmax.shift`` (adding a constant to every logit changes nothing).

Derivatives: ``softmax.jacobian`` (:math:`\partial s_i/\partial z_j = s_i(\delta_{ij} - s_j)`),
``softmax.jacobian-two`` (for :math:`n = 2` it is :math:`\sigma'(z_1 - z_2)`),
``ce.onehot-grad`` (:math:`s_j - \delta_{jc}`), ``ce.softmax-grad`` (:math:`s_j - y_j` for a
soft target), ``ce.jacobian-route`` (the same through the Jacobian, as source 001 does
it), ``ce.grad-sum-zero`` (the gradient's entries sum to 0), ``ce.weight-grad``
(:math:`\partial L/\partial W_{jl} = (s_j - y_j) x_l`), ``lse.gradient``
(:math:`\nabla \operatorname{logsumexp} = \operatorname{softmax}`).

Log-sum-exp and the soft maximum: ``lse.bounds``
(:math:`\max_k z_k \le \operatorname{logsumexp}(z) \le \max_k z_k + \log n`),
``lse.max-limit`` (the gap to the maximum grows: logsumexp tends to the maximum),
``lse.stable`` and ``log-softmax.stable`` (the max-shifted forms), ``softmax.dot-entropy``
(:math:`s^\top z = \operatorname{logsumexp}(z) - H(s)`), ``softmax.dot-le-max``
(:math:`s^\top z \le \max_k z_k`), ``sigmoid.softmax-pair``
(:math:`\sigma(x) = \operatorname{softmax}(x, 0)_1`), ``sigmoid.max-shift``,
``sigmoid.shift-positive`` and ``sigmoid.shift-negative`` (max-shifting :math:`(x, 0)`
gives the two forms of the sigmoid).

What saturates: ``ce.mistake-loss`` (a confident mistake costs about the gap to the most
active wrong class), ``ce.mistake-grad-correct`` and ``ce.mistake-grad-wrong`` (the
gradient tends to :math:`-1` on the correct logit and :math:`+1` on the most active wrong
one), ``mse.softmax-grad`` (the squared error's gradient carries a factor :math:`s_j`) and
``mse.softmax-vanishing`` (for the same mistake it vanishes like :math:`-4e^{-2t}`).

Statements over the dimension n that SymPy cannot prove for a symbolic n are checked
for every n in a stated range (and every index value) and labelled so; steps SymPy proves
for symbolic n are labelled symbolic. The sources' errors on these topics are in
:mod:`lossbook.errata.ch07`, each with a check that refutes the source's version.

References: Heinzer (2020), "Generalizing to multiple classes" and "Numerical
stability"; the flash-card deck (001), "softmax function" and "relationship to the
softmax function"; Mao, "Cross Entropy Loss for Multi-Class Classification"; Chen,
section 2.3; Goodfellow, Bengio and Courville (2016), section 6.2.2.3; Blanchard, Higham
and Higham (2021) for the shifted log-sum-exp.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import EXP_LE_ONE, Derivation, claim
from ..symbolic import LogSumExp, MaxOver, Sigmoid, Softmax, sums_to_one
from ._display import Abbrev, InOrder, Paren, SoftmaxAt, Times

n = sp.Symbol("n", integer=True, positive=True)
i, j, k, l, c = sp.symbols("i j k l c", integer=True)
z = sp.IndexedBase("z", real=True)
y = sp.IndexedBase("y", real=True)
W = sp.IndexedBase("W", real=True)
xs = sp.IndexedBase("x", real=True)
bias = sp.IndexedBase("b", real=True)
d = sp.IndexedBase("d", nonnegative=True)
a = sp.Symbol("a", real=True)      # a constant added to every logit
m = sp.Symbol("m", real=True)      # the largest logit, in lse.max-limit
t = sp.Symbol("t", positive=True)  # a gap that grows
x = sp.Symbol("x", real=True)
N_RANGE = (n, range(2, 7))
SMALL_N = (n, range(2, 5))


def _sum(body, index=k, upper=n):
    return sp.Sum(body, (index, 1, upper))


def s_(index):
    r""":math:`s_i = \operatorname{softmax}(z)_i`, shown as :math:`s_i` (the chapter's name)."""
    return Abbrev(sp.Symbol(f"s_{index}"), Softmax(z, index, n))


# ------------------------------------------------------------- the categorical model

@claim("softmax.log-ratio", chapter="ch07")
def softmax_log_ratio() -> Derivation:
    r"""Logits are log-probabilities up to one shared constant:
    :math:`\log(s_i/s_j) = z_i - z_j`."""
    return (
        Derivation(sp.log(s_(i) / s_(j)), name="softmax.log-ratio")
        .step(sp.log(sp.exp(z[i]) / sp.exp(z[j]), evaluate=False),
              r"the normaliser $\sum_k e^{z_k}$ cancels")
        .step(InOrder(z[i], -z[j]), r"$\log(e^{u} e^{-v}) = u - v$")
    )


@claim("ce.log-softmax", chapter="ch07")
def ce_log_softmax() -> Derivation:
    return (
        Derivation(-sp.log(s_(c)), name="ce.log-softmax")
        .step(-sp.log(sp.exp(z[c]) / _sum(sp.exp(z[k]))), "definition of the softmax")
        .step(InOrder(-sp.log(sp.exp(z[c]), evaluate=False), sp.log(_sum(sp.exp(z[k])))),
              "$\\log(a/b) = \\log a - \\log b$ (both positive)", n=N_RANGE)
        .step(InOrder(-z[c], LogSumExp(z, n)), r"$\log e^{z_c} = z_c$", n=N_RANGE)
    )


@claim("softmax.shift", chapter="ch07")
def softmax_shift() -> Derivation:
    total = _sum(sp.exp(z[k]))
    return (
        Derivation(sp.exp(z[i] + a) / _sum(sp.exp(z[k] + a)), name="softmax.shift")
        .step(sp.exp(a) * sp.exp(z[i]) / _sum(sp.exp(a) * sp.exp(z[k])),
              "$e^{u+v} = e^{u} e^{v}$", n=N_RANGE)
        .step(sp.Mul(sp.exp(a), sp.exp(z[i]), sp.Pow(sp.Mul(sp.exp(a), total, evaluate=False),
                                                      -1, evaluate=False), evaluate=False),
              "the constant $e^{a}$ comes out of the sum", n=N_RANGE)
        .step(Softmax(z, i, n), "cancel $e^{a}$", n=N_RANGE)
    )


# ------------------------------------------------------------------------ derivatives

@claim("softmax.jacobian", chapter="ch07")
def softmax_jacobian() -> Derivation:
    total = _sum(sp.exp(z[k]))
    return (
        Derivation(sp.Derivative(Softmax(z, i, n), z[j]), name="softmax.jacobian")
        .step(sp.Derivative(sp.exp(z[i]) / total, z[j]), "definition of the softmax",
              n=N_RANGE)
        .step(InOrder(Times(sp.KroneckerDelta(i, j), sp.exp(z[i]), total),
                      -sp.exp(z[i]) * sp.exp(z[j])) / total**2,
              r"quotient rule: $\partial e^{z_i}/\partial z_j = \delta_{ij} e^{z_i}$ and "
              r"$\partial \sum_k e^{z_k}/\partial z_j = e^{z_j}$", n=N_RANGE)
        .step(Times(s_(i), InOrder(sp.KroneckerDelta(i, j), -s_(j))),
              "factor out $s_i$", n=N_RANGE)
    )


z1, z2 = sp.symbols("z_1 z_2", real=True)


@claim("softmax.jacobian-two", chapter="ch07")
def softmax_jacobian_two() -> Derivation:
    r"""For two classes the softmax is a sigmoid of the difference of the logits."""
    return (
        Derivation(sp.Derivative(SoftmaxAt(1, z1, z2), z1), name="softmax.jacobian-two")
        .step(Times(SoftmaxAt(1, z1, z2), SoftmaxAt(2, z1, z2)),
              r"the Jacobian's diagonal entry $s_1(1 - s_1)$ and $1 - s_1 = s_2$")
        .step(Times(Sigmoid(InOrder(z1, -z2)), Sigmoid(InOrder(z2, -z1))),
              r"$e^{z_1}/(e^{z_1} + e^{z_2}) = \sigma(z_1 - z_2)$")
    )


@claim("ce.onehot-grad", chapter="ch07")
def ce_onehot_grad() -> Derivation:
    r"""The loss for class :math:`c` in the log-sum-exp form, differentiated in :math:`z_j`."""
    return (
        Derivation(sp.Derivative(InOrder(-z[c], LogSumExp(z, n)), z[j]), name="ce.onehot-grad")
        .step(InOrder(-sp.KroneckerDelta(c, j), sp.exp(z[j]) / _sum(sp.exp(z[k]))),
              r"$\partial z_c/\partial z_j = \delta_{cj}$; the derivative of "
              r"$\log \sum_k e^{z_k}$ is $e^{z_j}/\sum_k e^{z_k}$", n=N_RANGE)
        .step(InOrder(s_(j), -sp.KroneckerDelta(j, c)), "definition of the softmax")
    )


@claim("ce.softmax-grad", chapter="ch07")
def ce_softmax_grad() -> Derivation:
    return (
        Derivation(sp.Derivative(-_sum(Times(y[k], sp.log(s_(k)))), z[j]),
                   name="ce.softmax-grad", assumptions=sums_to_one(y, n))
        .step(-_sum(Times(y[k], InOrder(sp.KroneckerDelta(k, j), -s_(j)))),
              r"chain rule: $\partial \log s_k/\partial z_j = \delta_{kj} - s_j$", n=N_RANGE)
        .step(InOrder(Times(s_(j), _sum(y[k])), -y[j]),
              r"$\delta_{kj}$ keeps only the term $k = j$", n=N_RANGE)
        .step(InOrder(s_(j), -y[j]), r"$\sum_k y_k = 1$", n=N_RANGE)
    )


@claim("ce.jacobian-route", chapter="ch07")
def ce_jacobian_route() -> Derivation:
    r"""The gradient through the Jacobian: :math:`\sum_i (\partial L/\partial s_i)(\partial
    s_i/\partial z_j)`."""
    jac = Times(s_(i), InOrder(sp.KroneckerDelta(i, j), -s_(j)))
    return (
        Derivation(_sum(Times(Paren(-y[i] / s_(i)), jac), index=i), name="ce.jacobian-route",
                   assumptions=sums_to_one(y, n, k=i))
        .step(-_sum(Times(y[i], InOrder(sp.KroneckerDelta(i, j), -s_(j))), index=i),
              r"$s_i$ cancels", n=N_RANGE)
        .step(InOrder(Times(s_(j), _sum(y[i], index=i)), -y[j]),
              r"$\delta_{ij}$ keeps the term $i = j$", n=N_RANGE)
        .step(InOrder(s_(j), -y[j]), r"$\sum_i y_i = 1$", n=N_RANGE)
    )


@claim("ce.grad-sum-zero", chapter="ch07")
def ce_grad_sum_zero() -> Derivation:
    r"""The entries of :math:`s - y` sum to 0: the update cannot move all logits together."""
    return (
        Derivation(_sum(Paren(InOrder(s_(j), -y[j])), index=j), name="ce.grad-sum-zero",
                   assumptions=sums_to_one(y, n, k=j))
        .step(InOrder(_sum(s_(j), index=j), -_sum(y[j], index=j)), "split the sum")
        .step(sp.Integer(0), r"$s$ and $y$ both sum to 1", n=N_RANGE)
    )


def _logit_row(row):
    r""":math:`z_k = \sum_{l=1}^{n} W_{kl} x_l + b_k`."""
    return InOrder(sp.Sum(W[row, l] * xs[l], (l, 1, n)), bias[row])


@claim("ce.weight-grad", chapter="ch07")
def ce_weight_grad() -> Derivation:
    r""":math:`\partial L/\partial W_{jq} = (s_j - y_j)\,x_q` for logits :math:`z = Wx + b`.

    The loss is written :math:`-\sum_k y_k z_k + \operatorname{logsumexp}(z)` (that is
    ``ce.log-softmax`` summed against a target with :math:`\sum_k y_k = 1`). Checked for
    n = 2, 3 classes with as many features (the engine gives every index the same range);
    the identity holds for any number of features.
    """
    q = sp.Symbol("q", integer=True)
    other = sp.Symbol("k'", integer=True)

    def z_(row):
        return Abbrev(sp.Symbol(f"z_{row}"), _logit_row(row))

    def prob(row):
        return Abbrev(sp.Symbol(f"s_{row}"),
                      sp.exp(_logit_row(row)) / _sum(sp.exp(_logit_row(other)), index=other))

    loss = InOrder(-_sum(Times(y[k], z_(k))), sp.log(_sum(sp.exp(z_(k)))))
    classes = (n, range(2, 4))
    return (
        Derivation(sp.Derivative(loss, W[j, q]), name="ce.weight-grad")
        .step(_sum(Times(Paren(InOrder(prob(k), -y[k])), sp.KroneckerDelta(k, j), xs[q])),
              r"chain rule through $z_k = \sum_l W_{kl} x_l + b_k$: "
              r"$\partial L/\partial z_k = s_k - y_k$ and "
              r"$\partial z_k/\partial W_{jq} = \delta_{kj} x_q$", n=classes)
        .step(Times(Paren(InOrder(prob(j), -y[j])), xs[q]), r"only the term $k = j$ is left",
              n=classes)
    )


@claim("lse.gradient", chapter="ch07")
def lse_gradient() -> Derivation:
    r"""The gradient of log-sum-exp is the softmax: a soft argmax."""
    return (
        Derivation(sp.Derivative(LogSumExp(z, n), z[j]), name="lse.gradient")
        .step(sp.exp(z[j]) / _sum(sp.exp(z[k])),
              r"$(\log u)' = u'/u$ and $\partial \sum_k e^{z_k}/\partial z_j = e^{z_j}$",
              n=N_RANGE)
        .step(s_(j), "definition of the softmax")
    )


# ---------------------------------------------------------- log-sum-exp, soft maximum

def _lse_with_gap():
    """log-sum-exp of (m, m - t - d_2, ..., m - t - d_n): every other entry is at least
    t below the maximum m (d_k >= 0)."""
    return sp.log(InOrder(sp.exp(m), sp.Sum(sp.exp(m - t - d[k]), (k, 2, n))))


@claim("lse.max-limit", chapter="ch07")
def lse_max_limit() -> Derivation:
    return (
        Derivation(_lse_with_gap(), name="lse.max-limit")
        .step(InOrder(m, sp.log(InOrder(1, Times(sp.exp(-t), sp.Sum(sp.exp(-d[k]), (k, 2, n)))))),
              "take $e^{m}$ out of the sum", n=N_RANGE)
        .step(m, "each other term carries the factor $e^{-t}$", relation="~",
              limit=(t, sp.oo), n=N_RANGE)
    )


@claim("lse.bounds", chapter="ch07")
def lse_bounds() -> Derivation:
    top = MaxOver(z, n)
    return (
        Derivation(top, name="lse.bounds")
        .step(LogSumExp(z, n), r"the sum contains the term $e^{\max_k z_k}$; the others "
              "are positive", relation="<=", n=N_RANGE)
        .step(sp.log(n * sp.exp(top)), r"each of the $n$ terms is at most $e^{\max_k z_k}$",
              relation="<=", lemma=EXP_LE_ONE, n=N_RANGE)
        .step(InOrder(top, sp.log(n)), r"$\log(ab) = \log a + \log b$", n=N_RANGE)
    )


@claim("lse.stable", chapter="ch07")
def lse_stable() -> Derivation:
    r"""Log-sum-exp with a shift :math:`a` (the stable choice is :math:`a = \max_k z_k`)."""
    return (
        Derivation(LogSumExp(z, n), name="lse.stable")
        .step(sp.log(Times(sp.exp(a), _sum(sp.exp(InOrder(z[k], -a))))),
              r"$e^{z_k} = e^{a} e^{z_k - a}$", n=N_RANGE)
        .step(InOrder(a, sp.log(_sum(sp.exp(InOrder(z[k], -a))))),
              r"$\log(e^{a} u) = a + \log u$", n=N_RANGE)
    )


@claim("log-softmax.stable", chapter="ch07")
def log_softmax_stable() -> Derivation:
    r""":math:`\log s_i` from the shifted logits: no exponential of a large number."""
    return (
        Derivation(sp.log(s_(i)), name="log-softmax.stable")
        .step(InOrder(z[i], -LogSumExp(z, n)), r"$\log(e^{z_i}/\sum_k e^{z_k})$", n=N_RANGE)
        .step(InOrder(Paren(InOrder(z[i], -a)), -sp.log(_sum(sp.exp(InOrder(z[k], -a))))),
              r"log-sum-exp with the shift $a$", n=N_RANGE)
    )


@claim("softmax.dot-entropy", chapter="ch07")
def softmax_dot_entropy() -> Derivation:
    r""":math:`s^\top z = \operatorname{logsumexp}(z) - H(s)`: the soft maximum is below
    log-sum-exp by the entropy of the softmax."""
    return (
        Derivation(_sum(Times(s_(k), z[k])), name="softmax.dot-entropy")
        .step(_sum(Times(s_(k), Paren(InOrder(sp.log(s_(k)), LogSumExp(z, n))))),
              r"$z_k = \log s_k + \operatorname{logsumexp}(z)$", n=N_RANGE)
        .step(InOrder(LogSumExp(z, n), _sum(Times(s_(k), sp.log(s_(k))))),
              r"$\sum_k s_k = 1$", n=N_RANGE)
    )


@claim("softmax.dot-le-max", chapter="ch07")
def softmax_dot_le_max() -> Derivation:
    r""":math:`s^\top z \le \max_k z_k`: an average of the logits with weights :math:`s_k`."""
    return (
        Derivation(_sum(Times(s_(k), z[k])), name="softmax.dot-le-max")
        .step(MaxOver(z, n), r"a weighted average, weights $s_k > 0$ summing to 1",
              relation="<=", n=SMALL_N)
    )


@claim("sigmoid.softmax-pair", chapter="ch07")
def sigmoid_softmax_pair() -> Derivation:
    r""":math:`\sigma(x) = \operatorname{softmax}(x, 0)_1`: a sigmoid is a two-class softmax."""
    return (
        Derivation(SoftmaxAt(1, x, 0), name="sigmoid.softmax-pair")
        .step(sp.exp(x) / InOrder(sp.exp(x), sp.exp(0, evaluate=False)),
              "definition of the softmax")
        .step(Sigmoid(x), r"$e^{0} = 1$ and $e^{x}/(e^{x} + 1) = \sigma(x)$")
    )


@claim("sigmoid.max-shift", chapter="ch07")
def sigmoid_max_shift() -> Derivation:
    r"""Shift invariance applied to the pair :math:`(x, 0)`: any shift :math:`a` gives
    :math:`\sigma(x)`."""
    return (
        Derivation(SoftmaxAt(1, InOrder(x, -a), -a), name="sigmoid.max-shift")
        .step(sp.exp(InOrder(x, -a)) / InOrder(sp.exp(InOrder(x, -a)), sp.exp(-a)),
              "definition of the softmax")
        .step(Sigmoid(x), r"cancel $e^{-a}$")
    )


def _max_shifted_pair():
    top = sp.Max(x, 0)
    return SoftmaxAt(1, InOrder(x, -top), -top)


@claim("sigmoid.shift-positive", chapter="ch07")
def sigmoid_shift_positive() -> Derivation:
    r"""For :math:`x \ge 0` the shift by :math:`\max(x, 0) = x` gives :math:`1/(1 + e^{-x})`."""
    return (
        Derivation(_max_shifted_pair(), name="sigmoid.shift-positive", assumptions=[x >= 0])
        .step(SoftmaxAt(1, 0, -x), r"$\max(x, 0) = x$")
        .step(1 / InOrder(1, sp.exp(-x)), r"definition of the softmax, $e^{0} = 1$")
    )


@claim("sigmoid.shift-negative", chapter="ch07")
def sigmoid_shift_negative() -> Derivation:
    r"""For :math:`x < 0` the shift by :math:`\max(x, 0) = 0` gives :math:`e^{x}/(1 + e^{x})`."""
    return (
        Derivation(_max_shifted_pair(), name="sigmoid.shift-negative", assumptions=[x < 0])
        .step(SoftmaxAt(1, x, 0), r"$\max(x, 0) = 0$")
        .step(sp.exp(x) / InOrder(1, sp.exp(x)), r"definition of the softmax, $e^{0} = 1$")
    )


# -------------------------------------------------------------------- what saturates
# A confident mistake with n = 3: the correct class 1 has logit -t, the wrong class 2 has
# logit t, class 3 has logit 0; t grows.
MISTAKE = (-t, t, sp.Integer(0))


def _mistake_prob(index):
    return Abbrev(sp.Symbol(f"s_{index}"), SoftmaxAt(index, *MISTAKE))


@claim("ce.mistake-loss", chapter="ch07")
def ce_mistake_loss() -> Derivation:
    r"""The loss of the mistake grows like the gap :math:`2t` to the most active wrong class."""
    lse = sp.log(InOrder(sp.exp(-t), sp.exp(t), sp.exp(0, evaluate=False)))
    return (
        Derivation(InOrder(-MISTAKE[0], lse), name="ce.mistake-loss")
        .step(2 * t, r"$\log(e^{t} + 1 + e^{-t}) - t \to 0$: log-sum-exp is close to the "
              r"largest logit", relation="~", limit=(t, sp.oo))
    )


@claim("ce.mistake-grad-correct", chapter="ch07")
def ce_mistake_grad_correct() -> Derivation:
    r"""On the correct logit the gradient :math:`s_1 - 1` tends to -1: it does not vanish."""
    return (
        Derivation(InOrder(SoftmaxAt(1, *MISTAKE), -1), name="ce.mistake-grad-correct")
        .step(sp.Integer(-1), r"$s_1 \to 0$", relation="~", limit=(t, sp.oo))
    )


@claim("ce.mistake-grad-wrong", chapter="ch07")
def ce_mistake_grad_wrong() -> Derivation:
    r"""On the most active wrong logit the gradient :math:`s_2 - 0` tends to +1."""
    return (
        Derivation(SoftmaxAt(2, *MISTAKE), name="ce.mistake-grad-wrong")
        .step(sp.Integer(1), r"$e^{t}$ dominates the sum", relation="~", limit=(t, sp.oo))
    )


@claim("mse.softmax-grad", chapter="ch07")
def mse_softmax_grad() -> Derivation:
    r"""The squared error on the softmax output, differentiated in :math:`z_j`."""
    err = Paren(InOrder(s_(k), -y[k]))
    inner = InOrder(s_(j), -y[j], -_sum(Times(err, s_(k))))
    return (
        Derivation(sp.Derivative(_sum(Paren(InOrder(s_(k), -y[k])) ** 2), z[j]),
                   name="mse.softmax-grad")
        .step(2 * _sum(Times(err, s_(k), InOrder(sp.KroneckerDelta(k, j), -s_(j)))),
              r"chain rule with $\partial s_k/\partial z_j = s_k(\delta_{kj} - s_j)$",
              n=SMALL_N)
        .step(Times(2, s_(j), Paren(inner)), r"$\delta_{kj}$ keeps the term $k = j$",
              n=SMALL_N)
    )


@claim("mse.softmax-vanishing", chapter="ch07")
def mse_softmax_vanishing() -> Derivation:
    r"""For the confident mistake the squared error's gradient on the correct logit vanishes."""
    s1, s2, s3 = (_mistake_prob(q) for q in (1, 2, 3))
    sum_term = InOrder(Times(Paren(InOrder(s1, -1)), s1), s2**2, s3**2)
    return (
        Derivation(Times(2, s1, Paren(InOrder(s1, -1, -Paren(sum_term)))),
                   name="mse.softmax-vanishing")
        .step(-4 * sp.exp(-2 * t), r"the bracket tends to $-2$ and $s_1 \approx e^{-2t}$",
              relation="~", limit=(t, sp.oo), approx="ratio")
    )
