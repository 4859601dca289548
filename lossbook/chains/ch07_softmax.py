r"""Chapter 7, softmax and multi-class cross-entropy: the checked derivations.

Claims: ``softmax.shift`` (adding a constant to every logit leaves the softmax
unchanged), ``softmax.jacobian`` (:math:`\partial s_i/\partial x_j = s_i(\delta_{ij} - s_j)`),
``ce.log-softmax`` (:math:`-\log s_i = -x_i + \operatorname{logsumexp}(x)`, the loss as
a linear term plus log-sum-exp), ``ce.softmax-grad`` (:math:`\partial/\partial x_j` of
:math:`-\sum_k y_k \log s_k` is :math:`s_j - y_j` when :math:`\sum_k y_k = 1`),
``lse.max-limit`` (log-sum-exp tends to the maximum as the gap to the other entries
grows) and ``lse.bounds``
(:math:`\max_k x_k \le \operatorname{logsumexp}(x) \le \max_k x_k + \log n`).

Statements over the dimension n that SymPy cannot prove for a symbolic n are checked
for every n = 2..6 (and every index value) and labelled so; steps SymPy proves for
symbolic n are labelled symbolic. Sources: Heinzer 2020 (000), the flash-card deck
(001), Lei Mao (002); their errors are in ``ERRATA``.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import EXP_LE_ONE, Derivation, claim, rejects
from ..symbolic import LogSumExp, MaxOver, Softmax, sums_to_one

n = sp.Symbol("n", integer=True, positive=True)
i, j, k = sp.symbols("i j k", integer=True)
x = sp.IndexedBase("x", real=True)
y = sp.IndexedBase("y", real=True)
d = sp.IndexedBase("d", nonnegative=True)
c = sp.Symbol("c", real=True)
m = sp.Symbol("m", real=True)
t = sp.Symbol("t", positive=True)
N_RANGE = (n, range(2, 7))


def _sum(body):
    return sp.Sum(body, (k, 1, n))


@claim("softmax.shift", chapter="ch07")
def softmax_shift() -> Derivation:
    total = _sum(sp.exp(x[k]))
    return (
        Derivation(sp.exp(x[i] + c) / _sum(sp.exp(x[k] + c)), name="softmax.shift")
        .step(sp.exp(c) * sp.exp(x[i]) / _sum(sp.exp(c) * sp.exp(x[k])),
              "$e^{a+b} = e^{a} e^{b}$", n=N_RANGE)
        .step(sp.Mul(sp.exp(c), sp.exp(x[i]), sp.Pow(sp.Mul(sp.exp(c), total, evaluate=False),
                                                      -1, evaluate=False), evaluate=False),
              "the constant $e^{c}$ comes out of the sum", n=N_RANGE)
        .step(Softmax(x, i, n), "cancel $e^{c}$", n=N_RANGE)
    )


@claim("softmax.jacobian", chapter="ch07")
def softmax_jacobian() -> Derivation:
    total = _sum(sp.exp(x[k]))
    return (
        Derivation(sp.Derivative(Softmax(x, i, n), x[j]), name="softmax.jacobian")
        .step(sp.Derivative(sp.exp(x[i]) / total, x[j]), "definition of the softmax",
              n=N_RANGE)
        .step((sp.KroneckerDelta(i, j) * sp.exp(x[i]) * total - sp.exp(x[i]) * sp.exp(x[j]))
              / total**2,
              r"quotient rule: $\partial e^{x_i}/\partial x_j = \delta_{ij} e^{x_i}$ and "
              r"$\partial \sum_k e^{x_k}/\partial x_j = e^{x_j}$", n=N_RANGE)
        .step(Softmax(x, i, n) * (sp.KroneckerDelta(i, j) - Softmax(x, j, n)),
              "factor out $s_i$", n=N_RANGE)
    )


@claim("ce.softmax-grad", chapter="ch07")
def ce_softmax_grad() -> Derivation:
    s_j = Softmax(x, j, n)
    return (
        Derivation(sp.Derivative(-_sum(y[k] * sp.log(Softmax(x, k, n))), x[j]),
                   name="ce.softmax-grad", assumptions=sums_to_one(y, n))
        .step(-_sum(y[k] * (sp.KroneckerDelta(k, j) - s_j)),
              r"chain rule: $\partial \log s_k/\partial x_j = \delta_{kj} - s_j$", n=N_RANGE)
        .step(-y[j] + s_j * _sum(y[k]), r"$\delta_{kj}$ keeps only the term $k = j$",
              n=N_RANGE)
        .step(s_j - y[j], r"$\sum_k y_k = 1$", n=N_RANGE)
    )


@claim("ce.log-softmax", chapter="ch07")
def ce_log_softmax() -> Derivation:
    return (
        Derivation(-sp.log(Softmax(x, i, n)), name="ce.log-softmax")
        .step(-sp.log(sp.exp(x[i]) / _sum(sp.exp(x[k]))), "definition of the softmax")
        .step(-sp.log(sp.exp(x[i])) + sp.log(_sum(sp.exp(x[k]))),
              "$\\log(a/b) = \\log a - \\log b$ (both positive)", n=N_RANGE)
        .step(-x[i] + LogSumExp(x, n), r"$\log e^{x_i} = x_i$", n=N_RANGE)
    )


def _lse_with_gap():
    """log-sum-exp of (m, m - t - d_2, ..., m - t - d_n): every other entry is at least
    t below the maximum m (d_k >= 0)."""
    return sp.log(sp.exp(m) + sp.Sum(sp.exp(m - t - d[k]), (k, 2, n)))


@claim("lse.max-limit", chapter="ch07")
def lse_max_limit() -> Derivation:
    return (
        Derivation(_lse_with_gap(), name="lse.max-limit")
        .step(m + sp.log(1 + sp.exp(-t) * sp.Sum(sp.exp(-d[k]), (k, 2, n))),
              "take $e^{m}$ out of the sum", n=N_RANGE)
        .step(m, "each other term carries the factor $e^{-t}$", relation="~",
              limit=(t, sp.oo), n=N_RANGE)
    )


@claim("lse.bounds", chapter="ch07")
def lse_bounds() -> Derivation:
    top = MaxOver(x, n)
    return (
        Derivation(top, name="lse.bounds")
        .step(LogSumExp(x, n), r"the sum contains the term $e^{\max_k x_k}$; the others "
              "are positive", relation="<=", n=N_RANGE)
        .step(sp.log(n * sp.exp(top)), r"each of the $n$ terms is at most $e^{\max_k x_k}$",
              relation="<=", lemma=EXP_LE_ONE, n=N_RANGE)
        .step(top + sp.log(n), r"$\log(ab) = \log a + \log b$", n=N_RANGE)
    )


# ----------------------------------------------------------------------------- errata

def _source_lse_approx():
    # Heinzer: log sum_k exp(y_k) ~ max_k exp(x_k) (the max of the exponentials).
    return Derivation(_lse_with_gap()).step(sp.exp(m), "as stated in the source", relation="~",
                                            limit=(t, sp.oo), n=N_RANGE)


def _source_quotient_power():
    # Deck 001, derivative of the softmax: the last term divided by (sum)^(-2), i.e.
    # multiplied by (sum)^2, instead of divided by (sum)^2.
    total = _sum(sp.exp(x[k]))
    return (Derivation(sp.Derivative(Softmax(x, i, n), x[j]))
            .step(Softmax(x, j, n) * sp.KroneckerDelta(i, j)
                  + (-sp.exp(x[i]) / total**-2) * sp.exp(x[j]), "as stated in the source",
                  n=N_RANGE))


def _source_swapped_index():
    # Deck 001, cross-entropy gradient: d softmax_i / d z_j written as s_j (delta_ij - s_j).
    return (Derivation(sp.Derivative(Softmax(x, i, n), x[j]))
            .step(Softmax(x, j, n) * (sp.KroneckerDelta(i, j) - Softmax(x, j, n)),
                  "as stated in the source", n=N_RANGE))


ERRATA = [
    dict(
        source="000_d52b67203b30a4ab.txt",
        section="Generalizing to multiple classes",
        stated=r"\log\Big(\sum_{k=1}^n \exp(y_k)\Big) \approx \max_k \exp(x_k)",
        correction=r"\log\Big(\sum_{k=1}^n \exp(y_k)\Big) \approx \max_k y_k",
        claim="lse.max-limit",
        check=lambda: rejects(_source_lse_approx),
    ),
    dict(
        source="001_2374ed093ae10426.txt",
        section="softmax function: derivative of the softmax",
        stated=r"\frac{\partial s_i}{\partial z_j} = s_j\,\mathrm{I}[i=j] + "
               r"\frac{-e^{z_i}}{\left(\sum_k e^{z_k}\right)^{-2}}\, e^{z_j}",
        correction=r"\frac{\partial s_i}{\partial z_j} = s_j\,\mathrm{I}[i=j] - "
                   r"\frac{e^{z_i}\, e^{z_j}}{\left(\sum_k e^{z_k}\right)^{2}} "
                   r"= s_i(\delta_{ij} - s_j)",
        claim="softmax.jacobian",
        check=lambda: rejects(_source_quotient_power),
    ),
    dict(
        source="001_2374ed093ae10426.txt",
        section="nn cross entropy loss: relationship to the softmax function",
        stated=r"\frac{\partial \hat y_i}{\partial z_j} = \hat y_j(\mathrm{I}[i=j] - \hat y_j)",
        correction=r"\frac{\partial \hat y_i}{\partial z_j} = \hat y_i(\delta_{ij} - \hat y_j)",
        claim="softmax.jacobian",
        check=lambda: rejects(_source_swapped_index),
    ),
]
