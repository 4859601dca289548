r"""Chapter 4 (Entropy): the checked derivations.

Information content :math:`-\log p` is additive over independent events; entropy in
another base is the natural-log entropy divided by :math:`\log b` (so bits and nats
differ by the factor :math:`\log 2`, and a base above 1 keeps the order of entropies);
:math:`p \log p \to 0` as :math:`p \to 0^+`, which justifies :math:`0 \log 0 = 0`; the
entropy of a coin, its derivative and its maximum; the stationary point of the
Lagrangian of :math:`H` on the simplex and the value :math:`\log n` of the uniform
distribution; the identity :math:`\log n - H(p) = \mathrm{KL}(p \,\|\, u)` that makes
the uniform distribution the maximum; the differential entropy of a Gaussian and of a
uniform interval (which is negative for short intervals).

Identities over :math:`n` outcomes are symbolic in :math:`n` where SymPy proves them;
steps that differentiate with respect to one coordinate are checked for every
:math:`n = 2..6`, labelled so.

The sources' errors on these topics are in :mod:`lossbook.errata` (``s000``).

References: Heinzer (2020), "On Loss Functions - Part I", section "Entropy";
Shannon (1948); Cover and Thomas, *Elements of Information Theory* (2006),
sections 2.1, 2.6 and 8.1; Goodfellow, Bengio and Courville, *Deep Learning* (2016),
section 3.13.
"""

from __future__ import annotations

import sympy as sp

from .. import symbolic as sym
from ..derivation import LOG_LE_X_MINUS_1, Derivation, claim
from ..symbolic import _Named
from ._display import Abbrev, InOrder, Paren, Times, _powered
from .ch03_divergence import Normal

n, i = sym.N, sym.K
p = sym.probabilities("p")
b = sp.Symbol("b", positive=True)
lam = sp.Symbol("lambda", real=True)
t = sp.Symbol("t", positive=True)
a = sp.Symbol("a", positive=True)
x = sp.Symbol("x", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
p1, p2 = sp.symbols("p_1 p_2", positive=True)
H_P, H_Q = sp.symbols("H(p) H(q)", real=True)  # two entropies in nats
HB_P, HB_Q, H2_P = sp.symbols("H_{b}(p) H_{b}(q) H_{2}(p)", real=True)  # display names
KL_PU = sp.Symbol(r"\mathrm{KL}(p \,\|\, u)", real=True)  # KL from p to the uniform u

NS = range(2, 7)


def total(expr, upper=n):
    r""":math:`\sum_{k=1}^{upper}` of ``expr`` (unevaluated)."""
    return sp.Sum(expr, (i, 1, upper))


def entropy_sum(base=None):
    r""":math:`-\sum_{k=1}^{n} p_k \log_b p_k` (natural log when ``base`` is None), printed
    in the text's order (:math:`p_k` before the logarithm)."""
    log = sp.log(p[i]) if base is None else sp.log(p[i]) / sp.log(base)
    return -total(Times(p[i], log))


def coin_entropy(s=t):
    r"""Entropy in nats of a coin that shows heads with probability ``s``."""
    return -s * sp.log(s) - (1 - s) * sp.log(1 - s)


def gaussian_pdf(u, mean, sd):
    """The N(mean, sd^2) density at u, as a SymPy expression."""
    return sp.exp(-(u - mean) ** 2 / (2 * sd**2)) / sp.sqrt(2 * sp.pi * sd**2)


# ---------------------------------------------------------------------------
# information content and units


@claim("entropy.information-additive", chapter="ch04")
def entropy_information_additive() -> Derivation:
    r"""-log(p_1 p_2) = (-log p_1) + (-log p_2): surprises of independent events add."""
    return (Derivation(-sp.log(p1 * p2), name="entropy.information-additive")
            .step((-sp.log(p1)) + (-sp.log(p2)), r"$\log(ab) = \log a + \log b$"))


@claim("entropy.base-change", chapter="ch04")
def entropy_base_change() -> Derivation:
    r"""H_b(p) = H(p) / log b for every n (base b > 0, b != 1)."""
    return (Derivation(entropy_sum(b), name="entropy.base-change")
            .step(entropy_sum() / sp.log(b), r"the constant $1/\log b$ leaves the sum"))


@claim("entropy.bits-to-nats", chapter="ch04")
def entropy_bits_to_nats() -> Derivation:
    r"""log(2) H_2(p) = H(p): an entropy in bits times log 2 is the entropy in nats."""
    return (Derivation(sp.log(2) * entropy_sum(2), name="entropy.bits-to-nats")
            .step(entropy_sum(), r"$\log 2 \cdot \log_2 u = \log u$"))


@claim("entropy.base-order", chapter="ch04")
def entropy_base_order() -> Derivation:
    r"""For a base b > 1, H(p) >= H(q) implies H_b(p) - H_b(q) >= 0: the order is kept.

    H(p), H(q) are any two entropies in nats with H(p) >= H(q) (an assumption of the
    chain); H_b = H / log b is ``entropy.base-change``. The checked inequality is the
    content: it holds because log b > 0 for b > 1. For 0 < b < 1 the same chain fails
    (then log b < 0 and the difference has the opposite sign).
    """
    return (Derivation(InOrder(Abbrev(HB_P, H_P / sp.log(b)), -Abbrev(HB_Q, H_Q / sp.log(b))),
                       name="entropy.base-order", assumptions=[b > 1, H_P >= H_Q])
            .step(InOrder(H_P / sp.log(b), -H_Q / sp.log(b)),
                  r"$H_b = H / \log b$")
            .step(InOrder(H_P, -H_Q) / sp.log(b), r"the common factor $1/\log b$")
            .step(sp.Integer(0), r"$H(p) - H(q) \ge 0$ and $\log b > 0$ for $b > 1$",
                  relation=">="))


@claim("entropy.bits-exceed-nats", chapter="ch04")
def entropy_bits_exceed_nats() -> Derivation:
    r"""H_2(p) >= H(p) for every p: the number of bits is at least the number of nats.

    H_2(p) - H(p) = H(p) (1/log 2 - 1) >= 0, from H(p) >= 0 and log 2 < 1.
    """
    return (Derivation(InOrder(Abbrev(H2_P, H_P / sp.log(2)), -H_P),
                       name="entropy.bits-exceed-nats", assumptions=[H_P >= 0])
            .step(Times(H_P, Paren(InOrder(1 / sp.log(2), -1))), r"$H_2 = H / \log 2$")
            .step(sp.Integer(0), r"$H(p) \ge 0$ and $\log 2 < 1$", relation=">="))


# ---------------------------------------------------------------------------
# zero probabilities


@claim("entropy.zero-log-zero", chapter="ch04")
def entropy_zero_log_zero() -> Derivation:
    r"""lim_{t -> 0+} t log t = 0, the reason for the convention 0 log 0 = 0.

    Each line is a limit that SymPy evaluates; the middle lines follow l'Hopital's rule.
    """
    return (Derivation(sp.Limit(t * sp.log(t), t, 0, "+"), name="entropy.zero-log-zero")
            .step(sp.Limit(sp.Mul(sp.log(t), sp.Pow(1 / t, -1, evaluate=False),
                                  evaluate=False), t, 0, "+"), r"$t = 1/(1/t)$")
            .step(sp.Limit(sp.Derivative(sp.log(t), t) / sp.Derivative(1 / t, t), t, 0, "+"),
                  "l'Hopital: both tend to infinity; take the ratio of derivatives")
            .step(sp.Limit(-t, t, 0, "+"), "simplify")
            .step(sp.Integer(0), "continuity"))


# ---------------------------------------------------------------------------
# the coin


@claim("entropy.coin-derivative", chapter="ch04")
def entropy_coin_derivative() -> Derivation:
    r"""d/dt H(t) = log((1 - t)/t): positive below 1/2, negative above."""
    return (Derivation(coin_entropy(), name="entropy.coin-derivative")
            .step(-sp.log(t) - 1 + sp.log(1 - t) + 1, "product rule on both terms",
                  relation="d/dx", wrt=t)
            .step(sp.log((1 - t) / t), r"$\log a - \log b = \log(a/b)$"))


@claim("entropy.coin-concave", chapter="ch04")
def entropy_coin_concave() -> Derivation:
    r"""d^2/dt^2 H(t) = -1/(t (1 - t)), negative on (0, 1): H is strictly concave."""
    return (Derivation(sp.log((1 - t) / t), name="entropy.coin-concave")
            .step(-1 / (1 - t) - 1 / t, r"derivative of $\log(1-t) - \log t$",
                  relation="d/dx", wrt=t)
            .step(-1 / (t * (1 - t)), "common denominator"))


@claim("entropy.coin-maximum", chapter="ch04")
def entropy_coin_maximum() -> Derivation:
    r"""H(1/2) = log 2 (one bit), the value at the only zero of the derivative."""
    h = sp.Rational(1, 2)
    return (Derivation(sp.Add(sp.Mul(-h, sp.log(h, evaluate=False), evaluate=False),
                              sp.Mul(-h, sp.log(h, evaluate=False), evaluate=False),
                              evaluate=False), name="entropy.coin-maximum")
            .step(-sp.log(h, evaluate=False), "two equal terms")
            .step(sp.log(2), r"$-\log\frac{1}{2} = \log 2$"))


# ---------------------------------------------------------------------------
# the uniform distribution maximises entropy


def lagrangian():
    r"""-sum_k p_k log p_k + lambda (sum_k p_k - 1)."""
    return InOrder(entropy_sum(), Times(lam, Paren(InOrder(total(p[i]), -1))))


@claim("entropy.lagrange-stationary", chapter="ch04")
def entropy_lagrange_stationary() -> Derivation:
    r"""dL/dp_1 = -log p_1 - 1 + lambda (every coordinate alike), checked for n = 2..6."""
    return (Derivation(lagrangian(), name="entropy.lagrange-stationary")
            .step(-(sp.log(p[1]) + 1) + lam,
                  r"$\partial_{p_1}(p_1 \log p_1) = \log p_1 + 1$; the other terms are constant",
                  relation="d/dx", wrt=p[1], n=(n, NS)))


@claim("entropy.lagrange-solution", chapter="ch04")
def entropy_lagrange_solution() -> Derivation:
    r"""-log p_k - 1 + lambda = 0 at p_k = exp(lambda - 1), the same for every k."""
    return (Derivation(-(sp.log(sp.exp(lam - 1, evaluate=False), evaluate=False) + 1) + lam,
                       name="entropy.lagrange-solution")
            .step(sp.Integer(0), r"$\log e^{\lambda - 1} = \lambda - 1$"))


@claim("entropy.uniform-value", chapter="ch04")
def entropy_uniform_value() -> Derivation:
    r"""H(1/n, ..., 1/n) = log n, for every n."""
    return (Derivation(-total((1 / n) * sp.log(1 / n)), name="entropy.uniform-value")
            .step(-n * ((1 / n) * sp.log(1 / n)), "$n$ equal terms")
            .step(sp.log(n), r"$-\log(1/n) = \log n$"))


@claim("entropy.uniform-gap", chapter="ch04")
def entropy_uniform_gap() -> Derivation:
    r"""KL(p || uniform) = log n - H(p), so H(p) <= log n with equality only at uniform.

    The sums are symbolic in n; the last step uses sum_k p_k = 1 and is checked for
    n = 2..6.
    """
    kl = total(Times(p[i], sp.log(p[i] / (1 / n))))
    return (Derivation(Abbrev(KL_PU, kl), name="entropy.uniform-gap",
                       assumptions=sym.sums_to_one(p, n))
            .step(kl, r"definition of KL, with $u_k = \frac{1}{n}$")
            .step(InOrder(total(Times(p[i], sp.log(p[i]))), total(Times(p[i], sp.log(n)))),
                  r"$\log(n p_k) = \log p_k + \log n$")
            .step(InOrder(total(Times(p[i], sp.log(p[i]))), Times(sp.log(n), Paren(total(p[i])))),
                  r"$\log n$ leaves the sum")
            .step(InOrder(sp.log(n), -Abbrev(H_P, entropy_sum())),
                  r"$\sum_k p_k = 1$; $H(p) = -\sum_k p_k \log p_k$", n=(n, NS)))


# ---------------------------------------------------------------------------
# differential entropy


def gaussian_entropy_closed_form():
    r"""log(2 pi e sigma^2) / 2, the differential entropy of N(mu, sigma^2) in nats."""
    return sp.log(2 * sp.pi * sp.E * sigma**2) / 2


@claim("entropy.gaussian", chapter="ch04")
def entropy_gaussian() -> Derivation:
    r"""h(N(mu, sigma^2)) = log(2 pi e sigma^2) / 2."""
    f = Normal(x, mu, sigma)
    line = (x, -sp.oo, sp.oo)
    return (Derivation(-sp.Integral(Times(f, sp.log(f)), line), name="entropy.gaussian")
            .step(sp.Integral(Times(f, Paren(InOrder(sp.log(2 * sp.pi * sigma**2) / 2,
                                                     InOrder(x, -mu) ** 2 / (2 * sigma**2)))),
                              line),
                  r"$-\log f(x) = \frac{1}{2}\log(2\pi\sigma^2) + (x-\mu)^2/(2\sigma^2)$")
            .step(InOrder(sp.log(2 * sp.pi * sigma**2) / 2, sp.Rational(1, 2)),
                  r"$\int f = 1$, $E[(X-\mu)^2] = \sigma^2$")
            .step(sp.log(Times(2, sp.pi, sp.E, sigma**2)) / 2,  # = gaussian_entropy_closed_form()
                  r"$\frac{1}{2} = \frac{1}{2} \log e$"))


@claim("entropy.uniform-interval", chapter="ch04")
def entropy_uniform_interval() -> Derivation:
    r"""h(U[0, a]) = log a, which is negative for a < 1."""
    return (Derivation(-sp.Integral((1 / a) * sp.log(1 / a), (x, 0, a)),
                       name="entropy.uniform-interval")
            .step(-a * ((1 / a) * sp.log(1 / a)), "constant integrand, interval of length $a$")
            .step(sp.log(a), r"$-\log(1/a) = \log a$"))


# ---------------------------------------------------------------------------
# H(p) <= log n from the tangent line of the logarithm (Jensen for log)


@claim("entropy.log-n-bound", chapter="ch04")
def entropy_log_n_bound() -> Derivation:
    r"""H(p) - log n <= 0, from log u <= u - 1 applied to u = 1/(n p_k).

    This is Jensen's inequality for the concave logarithm, E[log W] <= log E[W] with
    W = 1/(n p(X)), in the tangent-line form the checker knows as a lemma: the tangent at
    u = 1 is the right one because E[W] = sum_k p_k / (n p_k) = 1. The chain takes every
    p_k > 0 (the symbols are positive). With zeros, the terms with p_k = 0 are 0 on both
    sides and drop out; over the support S the same steps end in |S|/n - 1 <= 0, so the
    bound still holds. The first and the last steps use sum_k p_k = 1 and are checked for
    n = 2..6; the other steps are symbolic in n.
    """
    w = 1 / (n * p[i])
    return (Derivation(InOrder(entropy_sum(), -sp.log(n)), name="entropy.log-n-bound",
                       assumptions=sym.sums_to_one(p, n))
            .step(InOrder(entropy_sum(), -Times(Paren(total(p[i])), sp.log(n))),
                  r"$1 = \sum_k p_k$", n=(n, NS))
            .step(total(Times(p[i], sp.log(w))),
                  r"$-p_k \log p_k - p_k \log n = p_k \log\frac{1}{n p_k}$")
            .step(total(Times(p[i], Paren(InOrder(w, -1)))),
                  r"$u = \frac{1}{n p_k}$ (every $p_k > 0$)",
                  relation="<=", lemma=LOG_LE_X_MINUS_1)
            .step(InOrder(1, -total(p[i])),
                  r"$p_k \cdot \frac{1}{n p_k} = \frac{1}{n}$, and $n$ such terms sum to 1")
            .step(sp.Integer(0), r"$\sum_k p_k = 1$", n=(n, NS)))


# ---------------------------------------------------------------------------
# two variables: joint, conditional and mutual information for a 2 x 3 table
#
# The joint distribution is a table p_{ij} = P(X = i, Y = j) with ROWS rows and COLS
# columns of arbitrary positive entries; the chains are symbolic in the six entries
# (checked for this size of table, not for every size).

ROWS, COLS = 2, 3
r = sp.Symbol("i", integer=True, positive=True)  # the row index (X = i)
j = sp.Symbol("j", integer=True, positive=True)  # the column index (Y = j)
joint = sp.IndexedBase("p", positive=True)


class _Marginal(_Named):
    """A marginal of the joint table, printed as :math:`p_X(i)` or :math:`p_Y(j)`."""

    nargs = 1
    letter = ""

    def _eval_is_positive(self):
        return True

    def _latex(self, printer, exp=None):
        body = rf"p_{self.letter}\left(" + printer._print(self.args[0]) + r"\right)"
        return _powered(body, exp, bracket=False)


class MarginalX(_Marginal):
    r"""``MarginalX(r)`` prints :math:`p_X(i)`; unfolds to :math:`\sum_j p_{ij}`."""

    letter = "X"

    def unfold(self):
        return sp.Sum(joint[self.args[0], j], (j, 1, COLS))


class MarginalY(_Marginal):
    r"""``MarginalY(j)`` prints :math:`p_Y(j)`; unfolds to :math:`\sum_i p_{ij}`."""

    letter = "Y"

    def unfold(self):
        return sp.Sum(joint[r, self.args[0]], (r, 1, ROWS))


def over_rows(body):
    r""":math:`\sum_{i=1}^{2}` of ``body``."""
    return sp.Sum(body, (r, 1, ROWS))


def over_cols(body):
    r""":math:`\sum_{j=1}^{3}` of ``body``."""
    return sp.Sum(body, (j, 1, COLS))


def over_table(body):
    r""":math:`\sum_{i=1}^{2} \sum_{j=1}^{3}` of ``body`` (nested, so it prints as two sums)."""
    return over_rows(InOrder(over_cols(body)))


PIJ = joint[r, j]
H_XY = sp.Symbol("H(X,Y)")
H_X, H_Y = sp.Symbol("H(X)"), sp.Symbol("H(Y)")
H_Y_GIVEN_X = sp.Symbol(r"H(Y \mid X)")
MI = sp.Symbol("I(X;Y)")


def joint_entropy():
    r""":math:`H(X, Y) = -\sum_{ij} p_{ij} \log p_{ij}`."""
    return -over_table(Times(PIJ, sp.log(PIJ)))


def marginal_entropy_x():
    r""":math:`H(X) = -\sum_i p_X(i) \log p_X(i)`."""
    return -over_rows(Times(MarginalX(r), sp.log(MarginalX(r))))


def marginal_entropy_y():
    r""":math:`H(Y) = -\sum_j p_Y(j) \log p_Y(j)`."""
    return -over_cols(Times(MarginalY(j), sp.log(MarginalY(j))))


def conditional_entropy():
    r""":math:`H(Y \mid X) = -\sum_{ij} p_{ij} \log p(j \mid i)`, :math:`p(j \mid i) =
    p_{ij} / p_X(i)`."""
    return -over_table(Times(PIJ, sp.log(PIJ / MarginalX(r))))


@claim("entropy.conditional", chapter="ch04")
def entropy_conditional() -> Derivation:
    r"""H(Y|X) = sum_i p_X(i) H(Y | X = i) = -sum_ij p_ij log(p_ij / p_X(i)).

    The average over the rows of the entropy of each row's conditional distribution
    p(j | i) = p_ij / p_X(i); symbolic in the entries of a 2 x 3 table.
    """
    cond = PIJ / MarginalX(r)
    return (Derivation(over_rows(Times(MarginalX(r), Paren(-over_cols(Times(cond, sp.log(cond)))))),
                       name="entropy.conditional")
            .step(-over_table(Times(MarginalX(r), cond, sp.log(cond))),
                  r"$p_X(i)$ enters the sum over $j$")
            .step(conditional_entropy(), r"$p_X(i) \cdot \frac{p_{ij}}{p_X(i)} = p_{ij}$"))


@claim("entropy.chain-rule", chapter="ch04")
def entropy_chain_rule() -> Derivation:
    r"""H(X, Y) = H(X) + H(Y | X), symbolic in the entries of a 2 x 3 table.

    Write p_ij = p_X(i) p(j | i); the log of the product splits; summing the first part
    over j turns p_ij into p_X(i). No normalisation is needed.
    """
    return (Derivation(joint_entropy(), name="entropy.chain-rule")
            .step(-over_table(Times(PIJ, sp.log(Times(MarginalX(r), PIJ / MarginalX(r))))),
                  r"$p_{ij} = p_X(i)\, p(j \mid i)$")
            .step(InOrder(-over_table(Times(PIJ, sp.log(MarginalX(r)))),
                          -over_table(Times(PIJ, sp.log(PIJ / MarginalX(r))))),
                  r"$\log(ab) = \log a + \log b$")
            .step(InOrder(marginal_entropy_x(), conditional_entropy()),
                  r"$\sum_j p_{ij} = p_X(i)$")
            .step(InOrder(Abbrev(H_X, marginal_entropy_x()),
                          Abbrev(H_Y_GIVEN_X, conditional_entropy())), "the definitions"))


def mutual_information():
    r""":math:`I(X; Y) = \sum_{ij} p_{ij} \log \frac{p_{ij}}{p_X(i) p_Y(j)}`, the KL divergence
    from the joint to the product of its marginals."""
    return over_table(Times(PIJ, sp.log(PIJ / (MarginalX(r) * MarginalY(j)))))


@claim("entropy.mutual-information", chapter="ch04")
def entropy_mutual_information() -> Derivation:
    r"""I(X;Y) = KL(p_XY || p_X p_Y) = H(X) + H(Y) - H(X, Y), for a 2 x 3 table.

    Symbolic in the six entries; no normalisation is needed.
    """
    return (Derivation(mutual_information(), name="entropy.mutual-information")
            .step(InOrder(-Abbrev(H_XY, joint_entropy()),
                          -over_table(Times(PIJ, Paren(InOrder(sp.log(MarginalX(r)),
                                                               sp.log(MarginalY(j))))))),
                  r"$\log\frac{a}{bc} = \log a - (\log b + \log c)$; "
                  r"$H(X,Y) = -\sum_{ij} p_{ij} \log p_{ij}$")
            .step(InOrder(-Abbrev(H_XY, joint_entropy()), marginal_entropy_x(),
                          marginal_entropy_y()),
                  r"$\sum_j p_{ij} = p_X(i)$, $\sum_i p_{ij} = p_Y(j)$")
            .step(InOrder(Abbrev(H_X, marginal_entropy_x()), Abbrev(H_Y, marginal_entropy_y()),
                          -Abbrev(H_XY, joint_entropy())), "the definitions"))


@claim("entropy.mutual-information-nonnegative", chapter="ch04")
def entropy_mutual_information_nonnegative() -> Derivation:
    r"""I(X;Y) >= 0 (Gibbs' inequality for the joint and the product of its marginals).

    For a 2 x 3 table whose entries sum to 1: log u <= u - 1 with
    u = p_X(i) p_Y(j) / p_ij, then the double sum of p_X(i) p_Y(j) is 1 as well.
    """
    u_ij = MarginalX(r) * MarginalY(j) / PIJ
    total_mass = sp.Eq(over_rows(over_cols(PIJ)), 1)
    return (Derivation(mutual_information(), name="entropy.mutual-information-nonnegative",
                       assumptions=total_mass)
            .step(-over_table(Times(PIJ, sp.log(u_ij))), r"$\log(a/b) = -\log(b/a)$")
            .step(-over_table(Times(PIJ, Paren(InOrder(u_ij, -1)))),
                  r"$u = \frac{p_X(i)\,p_Y(j)}{p_{ij}}$",
                  relation=">=", lemma=LOG_LE_X_MINUS_1)
            .step(InOrder(over_table(PIJ), -Times(Paren(over_rows(MarginalX(r))),
                                                  Paren(over_cols(MarginalY(j))))),
                  "expand; the double sum of a product of marginals factorises")
            .step(sp.Integer(0), r"both factors and $\sum_{ij} p_{ij}$ are 1"))


# ---------------------------------------------------------------------------
# perplexity

T_LEN = sp.Symbol("T", integer=True, positive=True)
K_SYM = sp.Symbol("K", integer=True, positive=True)
tt = sp.Symbol("t", integer=True, positive=True)


@claim("entropy.perplexity-uniform", chapter="ch04")
def entropy_perplexity_uniform() -> Derivation:
    r"""The perplexity of the uniform model over K symbols is K, on any T tokens.

    exp of the average negative log-likelihood -(1/T) sum_t log(1/K).
    """
    return (Derivation(sp.exp(Times(1 / T_LEN, sp.Sum(-sp.log(1 / K_SYM), (tt, 1, T_LEN))),
                              evaluate=False), name="entropy.perplexity-uniform")
            .step(sp.exp(-sp.log(1 / K_SYM, evaluate=False), evaluate=False),
                  "$T$ equal terms, divided by $T$")
            .step(K_SYM, r"$-\log\frac{1}{K} = \log K$"))
