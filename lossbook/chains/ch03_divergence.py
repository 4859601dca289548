r"""Chapter 3 (Divergence and Kullback-Leibler): the checked derivations.

The Kullback-Leibler divergence of discrete distributions
:math:`\mathrm{KL}(p \,\|\, q) = \sum_k p_k \log(p_k / q_k)` written as an expectation of a
log-difference; the bound :math:`\log u \le u - 1` and Gibbs' inequality
:math:`\mathrm{KL} \ge 0`; a concrete pair showing that KL is not symmetric; the limit
that makes KL infinite when :math:`q` misses part of :math:`p`'s support; the closed form
of KL between two Gaussians; and the first-order conditions of the forward-KL fit of a
Gaussian (it matches the mean and the variance of the target).

Sums over :math:`k = 1..n` are symbolic in :math:`n`; the one step that uses
:math:`\sum_k p_k = \sum_k q_k = 1` (the end of Gibbs' inequality) is checked for every
:math:`n = 2..6` and labelled so.

The sources' errors on these topics are in :mod:`lossbook.errata` (``s000``).

References: Heinzer (2020), "On Loss Functions - Part I", section "Divergence";
Kullback and Leibler (1951); Cover and Thomas, *Elements of Information Theory*
(2006), sections 2.3 and 2.6; Bishop, *Pattern Recognition and Machine Learning*
(2006), section 10.1.2.
"""

from __future__ import annotations

import sympy as sp

from .. import symbolic as sym
from ..derivation import LOG_LE_X_MINUS_1, Derivation, claim, rejects
from ..symbolic import _Named
from ._display import InOrder, Paren, Times
from .ch09_one_vs_all import shown

n, k = sym.N, sym.K
p = sym.probabilities("p")
q = sym.probabilities("q")
u = sp.Symbol("u", positive=True)
x = sp.Symbol("x", real=True)
mu, mu1, mu2, m = sp.symbols("mu mu_1 mu_2 m", real=True)
sigma, sigma1, sigma2, v = sp.symbols("sigma sigma_1 sigma_2 v", positive=True)
pp, qq = sp.symbols("p q", positive=True)

NS = range(2, 7)


def kl_sum(first, second, upper=n):
    r""":math:`\sum_k p_k \log(p_k / q_k)` written in the text's order (SymPy would print
    the logarithm first)."""
    return total(Times(first[k], sp.log(first[k] / second[k])), upper)


def total(expr, upper=n):
    r""":math:`\sum_{k=1}^{upper}` of ``expr`` (unevaluated)."""
    return sp.Sum(expr, (k, 1, upper))


def gaussian_pdf(t, mean, sd):
    """The N(mean, sd^2) density at t, as a SymPy expression."""
    return sp.exp(-(t - mean) ** 2 / (2 * sd**2)) / sp.sqrt(2 * sp.pi * sd**2)


class Normal(sp.Function):
    r"""``Normal(x, mean, sd)`` displays as :math:`\mathcal N(x;\ \mu, \sigma^2)`.

    An unevaluated head for readable chains: ``.unfold()`` (used by the checker) and
    ``.doit()`` replace it by the density :func:`gaussian_pdf`.
    """

    nargs = 3

    def unfold(self):
        return gaussian_pdf(*self.args)

    def doit(self, **hints):
        return self.unfold().doit(**hints)

    def _eval_is_positive(self):
        return True if all(a.is_real for a in self.args) else None

    def _eval_is_real(self):
        return self._eval_is_positive()

    def _latex(self, printer):
        t, mean, sd = (printer._print(a) for a in self.args)
        return rf"\mathcal{{N}}\left({t};\, {mean}, {sd}^{{2}}\right)"


# ---------------------------------------------------------------------------
# definition and expectation form


@claim("kl.log-difference", chapter="ch03")
def kl_log_difference() -> Derivation:
    r"""KL(p||q) = sum_k p_k (log p_k - log q_k) = -sum_k p_k log(q_k / p_k), for every n."""
    return (Derivation(kl_sum(p, q), name="kl.log-difference")
            .step(total(Times(p[k], Paren(InOrder(sp.log(p[k]), -sp.log(q[k]))))),
                  r"$\log(a/b) = \log a - \log b$")
            .step(-total(Times(p[k], sp.log(q[k] / p[k]))),
                  r"$\log(a/b) = -\log(b/a)$"))


# ---------------------------------------------------------------------------
# Gibbs' inequality


@claim("kl.log-bound", chapter="ch03")
def kl_log_bound() -> Derivation:
    r"""The gap f(u) = u - 1 - log u has derivative (u - 1)/u.

    Negative for u < 1, positive for u > 1: f is smallest at u = 1, where f(1) = 0, so
    f >= 0, i.e. log u <= u - 1 with equality only at u = 1. (The checker's lemma
    ``LOG_LE_X_MINUS_1`` is proved the same way, by convexity, when it is built.)
    """
    return (Derivation(InOrder(u, -1, -sp.log(u)), name="kl.log-bound")
            .step(InOrder(1, -1 / u), "differentiate", relation="d/dx", wrt=u)
            .step((u - 1) / u, "common denominator"))


class Gap(_Named):
    r"""``Gap(u)`` displays as :math:`f(u)`, the gap :math:`f(u) = u - 1 - \log u` between
    the tangent line and the logarithm; unfolds to that expression."""

    nargs = 1

    def unfold(self):
        w = self.args[0]
        return w - 1 - sp.log(w)

    def _latex(self, printer, exp=None):
        body = r"f\left(" + printer._print(self.args[0]) + r"\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


@claim("kl.log-bound-equality", chapter="ch03")
def kl_log_bound_equality() -> Derivation:
    r"""f(u) = u - 1 - log u is the integral of (t - 1)/t from 1 to u.

    For u > 1 the integrand is positive on (1, u]; for 0 < u < 1 the integral runs
    backwards over [u, 1), where the integrand is negative. Either way f(u) > 0, so
    log u = u - 1 only at u = 1 (the equality case of Gibbs' inequality).
    """
    t = sp.Symbol("t", positive=True)
    return (Derivation(Gap(u), name="kl.log-bound-equality")
            .step(InOrder(u, -1, -sp.log(u)), "definition of $f$")
            .step(sp.Integral(InOrder(1, -1 / t), (t, 1, u)),
                  r"fundamental theorem of calculus: $f(1) = 0$, $f'(t) = 1 - 1/t$")
            .step(sp.Integral((t - 1) / t, (t, 1, u)), "common denominator"))


@claim("kl.gibbs-terms", chapter="ch03")
def kl_gibbs_terms() -> Derivation:
    r"""KL(p||q) = sum_k p_k f(q_k / p_k) with f(u) = u - 1 - log u >= 0.

    Adding sum_k (q_k - p_k) = 0 (both distributions sum to 1; checked for n = 2..6)
    writes KL as a p-weighted sum of gaps, each zero only at q_k = p_k.
    """
    ratio = q[k] / p[k]
    return (Derivation(kl_sum(p, q), name="kl.gibbs-terms",
                       assumptions=[sym.sums_to_one(p, n), sym.sums_to_one(q, n)])
            .step(-total(Times(p[k], sp.log(ratio))), r"$\log(a/b) = -\log(b/a)$")
            .step(total(Times(p[k], Paren(InOrder(ratio, -1, -sp.log(ratio))))),
                  r"add $\sum_k (q_k - p_k) = 1 - 1 = 0$", n=(n, NS))
            .step(total(Times(p[k], Gap(ratio))), r"$f(u) = u - 1 - \log u$"))


@claim("kl.gibbs", chapter="ch03")
def kl_gibbs() -> Derivation:
    r"""Gibbs' inequality KL(p||q) >= 0, from log u <= u - 1 with u = q_k / p_k.

    Every step is symbolic in n except the last, which uses that p and q both sum
    to 1 and is checked for n = 2..6.
    """
    return (Derivation(kl_sum(p, q), name="kl.gibbs",
                       assumptions=[sym.sums_to_one(p, n), sym.sums_to_one(q, n)])
            .step(-total(Times(p[k], sp.log(q[k] / p[k]))), r"$\log(a/b) = -\log(b/a)$")
            .step(-total(Times(p[k], Paren(InOrder(q[k] / p[k], -1)))), "$u = q_k/p_k$",
                  relation=">=", lemma=LOG_LE_X_MINUS_1)
            .step(InOrder(total(p[k]), -total(q[k])), "expand")
            .step(sp.Integer(0), "normalisation", n=(n, NS)))


# ---------------------------------------------------------------------------
# asymmetry on a concrete pair: p = (1/2, 1/2), q = (1/10, 9/10)

HALF = sp.Rational(1, 2)
P_PAIR = (HALF, HALF)
Q_PAIR = (sp.Rational(1, 10), sp.Rational(9, 10))


@claim("kl.example-pq", chapter="ch03")
def kl_example_pq() -> Derivation:
    r"""KL(p||q) = log(5/3) for p = (1/2, 1/2), q = (1/10, 9/10)."""
    # heads first, as in the text: (1/2) log((1/2)/(1/10)) + (1/2) log((1/2)/(9/10))
    terms = InOrder(HALF * sp.log(5), HALF * sp.log(sp.Rational(5, 9)))
    return (Derivation(shown(r"\mathrm{KL}(p \,\|\, q)", sym.kl_divergence(P_PAIR, Q_PAIR)),
                       name="kl.example-pq")
            .step(terms, r"$\frac{1/2}{1/10} = 5$, $\frac{1/2}{9/10} = \frac{5}{9}$")
            .step(HALF * sp.log(sp.Rational(25, 9)), r"$\log a + \log b = \log ab$")
            .step(sp.log(sp.Rational(5, 3)), r"$\frac{1}{2} \log c^2 = \log c$"))


@claim("kl.example-qp", chapter="ch03")
def kl_example_qp() -> Derivation:
    r"""KL(q||p) = (9/5) log 3 - log 5 for the same pair, in the other order."""
    terms = InOrder(-sp.log(5) / 10, sp.Rational(9, 10) * sp.log(sp.Rational(9, 5)))
    return (Derivation(shown(r"\mathrm{KL}(q \,\|\, p)", sym.kl_divergence(Q_PAIR, P_PAIR)),
                       name="kl.example-qp")
            .step(terms, r"$\frac{1/10}{1/2} = \frac{1}{5}$, $\frac{9/10}{1/2} = \frac{9}{5}$")
            .step(InOrder(sp.Rational(9, 5) * sp.log(3), -sp.log(5)),
                  r"$\log(1/5) = -\log 5$, $\log(9/5) = 2\log 3 - \log 5$"))


@claim("kl.asymmetry", chapter="ch03")
def kl_asymmetry() -> Derivation:
    r"""KL(p||q) - KL(q||p) = 2 log 5 - (14/5) log 3 >= 1/10 > 0 for the pair above."""
    forward = shown(r"\mathrm{KL}(p \,\|\, q)", sym.kl_divergence(P_PAIR, Q_PAIR))
    backward = shown(r"\mathrm{KL}(q \,\|\, p)", sym.kl_divergence(Q_PAIR, P_PAIR))
    return (Derivation(InOrder(forward, -backward), name="kl.asymmetry")
            .step(InOrder(sp.log(sp.Rational(5, 3)),
                          -Paren(InOrder(sp.Rational(9, 5) * sp.log(3), -sp.log(5)))),
                  "the two values above")
            .step(InOrder(2 * sp.log(5), -sp.Rational(14, 5) * sp.log(3)),
                  "collect the logarithms")
            .step(sp.Rational(1, 10), "a number, compared", relation=">="))


# ---------------------------------------------------------------------------
# support: KL is infinite when q vanishes where p does not


@claim("kl.infinite-support", chapter="ch03")
def kl_infinite_support() -> Derivation:
    r"""A term p log(p/q) with p > 0 behaves like -p log q as q -> 0+, which tends to +oo.

    The approximation step is checked as a limit: the ratio of the two sides tends to 1.
    """
    return (Derivation(pp * sp.log(pp / qq), name="kl.infinite-support")
            .step(pp * sp.log(pp) - pp * sp.log(qq), r"$\log(p/q) = \log p - \log q$")
            .step(-pp * sp.log(qq), r"$p \log p$ is fixed while $-p\log q \to +\infty$",
                  relation="~", limit=(qq, 0, "+"), approx="ratio"))


# ---------------------------------------------------------------------------
# two Gaussians


def _gauss_log_ratio():
    return InOrder(sp.log(sigma2 / sigma1), -InOrder(x, -mu1) ** 2 / (2 * sigma1**2),
                   InOrder(x, -mu2) ** 2 / (2 * sigma2**2))


def kl_gaussians_closed_form():
    r"""log(sigma_2/sigma_1) + (sigma_1^2 + (mu_1 - mu_2)^2) / (2 sigma_2^2) - 1/2."""
    return (sp.log(sigma2 / sigma1) + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2)
            - HALF)


@claim("kl.gaussian", chapter="ch03")
def kl_gaussian() -> Derivation:
    r"""KL(N(mu_1, sigma_1^2) || N(mu_2, sigma_2^2)) in closed form.

    The integrand's log-ratio is a quadratic in x; its expectation under the first
    Gaussian needs only E[(X - mu_1)^2] = sigma_1^2 and
    E[(X - mu_2)^2] = sigma_1^2 + (mu_1 - mu_2)^2. SymPy evaluates the integrals.
    """
    p1, p2 = Normal(x, mu1, sigma1), Normal(x, mu2, sigma2)
    line = (x, -sp.oo, sp.oo)
    return (Derivation(sp.Integral(Times(p1, sp.log(p1 / p2)), line), name="kl.gaussian")
            .step(sp.Integral(Times(p1, Paren(_gauss_log_ratio())), line),
                  "the log of the ratio of the two densities")
            .step(InOrder(sp.log(sigma2 / sigma1),
                          InOrder(sigma1**2, InOrder(mu1, -mu2) ** 2) / (2 * sigma2**2), -HALF),
                  r"$E_p[(X-\mu_1)^2] = \sigma_1^2$, "
                  r"$E_p[(X-\mu_2)^2] = \sigma_1^2 + (\mu_1-\mu_2)^2$"))


# ---------------------------------------------------------------------------
# forward-KL fit of one Gaussian q = N(mu, sigma^2) to any p with mean m, variance v


def forward_objective():
    r"""E_p[-log q(X)] for q = N(mu, sigma^2) and p with mean m and variance v, as the
    text writes it (see ``kl.forward-objective`` for its derivation).

    Only this term of KL(p||q) = E_p[-log q(X)] - E_p[-log p(X)] depends on q.
    """
    return InOrder(sp.log(2 * sp.pi * sigma**2) / 2,
                   InOrder(v, InOrder(m, -mu) ** 2) / (2 * sigma**2))


X_RV = sp.Symbol("X", real=True)
MOMENTS = {0: sp.Integer(1), 1: m, 2: v + m**2}  # E[1], E[X], E[X^2] for mean m, variance v


class Expect(_Named):
    r"""``Expect(g)`` displays :math:`\mathbb{E}_{X \sim p}[g(X)]` for a polynomial of
    degree <= 2 in the random variable ``X_RV``; unfolds by linearity to
    :math:`\sum_j c_j \mathbb{E}[X^j]` with :math:`\mathbb{E}[X] = m` and
    :math:`\mathbb{E}[X^2] = v + m^2` (the mean and variance of p). Logarithms of
    densities inside are expanded first, so ``-log N(X; mu, sigma^2)`` qualifies."""

    nargs = 1

    def unfold(self):
        body = self.args[0].replace(lambda e: isinstance(e, sp.Function) and hasattr(e, "unfold"),
                                    lambda e: e.unfold())
        body = sp.expand(sp.expand_log(body, force=True))
        poly = sp.Poly(body, X_RV)
        if poly.degree() > 2:
            raise ValueError("Expect: only polynomials of degree <= 2 in X have known moments")
        return sp.Add(*[c * MOMENTS[d] for (d,), c in poly.terms()])

    def _latex(self, printer, exp=None):
        body = r"\mathbb{E}_{X \sim p}\left[" + printer._print(self.args[0]) + r"\right]"
        return body if exp is None else rf"\left({body}\right)^{{{exp}}}"


@claim("kl.forward-objective", chapter="ch03")
def kl_forward_objective() -> Derivation:
    r"""E_p[-log N(X; mu, sigma^2)] = log(2 pi sigma^2)/2 + (v + (m - mu)^2)/(2 sigma^2).

    The log-density of a Gaussian is a quadratic in X, so its expectation under any p
    needs only the mean m and the variance v of p (``Expect`` unfolds by linearity).
    """
    half_log = sp.log(2 * sp.pi * sigma**2) / 2
    square = InOrder(X_RV, -mu) ** 2
    return (Derivation(Expect(-sp.log(Normal(X_RV, mu, sigma))), name="kl.forward-objective")
            .step(Expect(InOrder(half_log, square / (2 * sigma**2))),
                  r"$-\log$ of the Gaussian density")
            .step(InOrder(half_log, Expect(square) / (2 * sigma**2)),
                  "linearity of the expectation")
            .step(forward_objective(), r"$\mathbb{E}[(X - \mu)^2] = v + (m - \mu)^2$"))


@claim("kl.forward-fit-mean", chapter="ch03")
def kl_forward_fit_mean() -> Derivation:
    r"""d/dmu of the forward objective is (mu - m)/sigma^2: zero only at mu = m."""
    return (Derivation(forward_objective(), name="kl.forward-fit-mean")
            .step(InOrder(mu, -m) / sigma**2, r"$\partial_\mu (m-\mu)^2 = 2(\mu - m)$",
                  relation="d/dx", wrt=mu))


@claim("kl.forward-fit-scale", chapter="ch03")
def kl_forward_fit_scale() -> Derivation:
    r"""At mu = m, d/dsigma of the forward objective is (sigma^2 - v)/sigma^3, zero at v."""
    at_mean = InOrder(sp.log(2 * sp.pi * sigma**2) / 2, v / (2 * sigma**2))
    return (Derivation(at_mean, name="kl.forward-fit-scale")
            .step(InOrder(1 / sigma, -v / sigma**3), r"$(\log\sigma)' = 1/\sigma$, "
                  r"$(\sigma^{-2})' = -2\sigma^{-3}$", relation="d/dx", wrt=sigma)
            .step(InOrder(sigma**2, -v) / sigma**3, "common denominator"))


# ---------------------------------------------------------------------------
# KL of independent pairs adds up (the model solution of exercise ch03-ex5)


@claim("kl.product-additive", chapter="ch03")
def kl_product_additive() -> Derivation:
    r"""KL(p x q || r x s) = KL(p || r) + KL(q || s) for product distributions.

    p, r on n outcomes (index k) and q, s on n outcomes (index j; the same n keeps the
    check simple). The last step uses sum_k p_k = sum_j q_j = 1 (checked for n = 2..4).
    """
    j = sp.Symbol("j", integer=True)
    qv, rv, sv = sym.probabilities("q"), sym.probabilities("r"), sym.probabilities("s")

    def both(body):
        return sp.Sum(InOrder(sp.Sum(body, (j, 1, n))), (k, 1, n))

    first = total(Times(p[k], sp.log(p[k] / rv[k])))
    second = sp.Sum(Times(qv[j], sp.log(qv[j] / sv[j])), (j, 1, n))
    return (Derivation(both(Times(p[k], qv[j], sp.log(p[k] * qv[j] / (rv[k] * sv[j])))),
                       name="kl.product-additive",
                       assumptions=[sym.sums_to_one(p, n), sym.sums_to_one(qv, n, k=j)])
            .step(both(Times(p[k], qv[j], Paren(InOrder(sp.log(p[k] / rv[k]),
                                                        sp.log(qv[j] / sv[j]))))),
                  "the log of a product is a sum")
            .step(InOrder(Times(Paren(sp.Sum(qv[j], (j, 1, n))), first),
                          Times(Paren(total(p[k])), second)),
                  "split the double sum", n=(n, range(2, 5)))
            .step(InOrder(first, second), r"$\sum_j q_j = \sum_k p_k = 1$",
                  n=(n, range(2, 5))))


# ---------------------------------------------------------------------------
# a check of source 000's errors used by lossbook.errata.s000



def _source_unbalanced_bracket() -> bool:
    # Source 000 writes sum_x p(x) (log(p(x)) - log(q(x)) with one bracket left open.
    # Closing it right after log(p(x)) reads as sum_x p(x) log p(x) - log q(x): with
    # three outcomes, and q(x) read as the last outcome's q, that is not KL.
    three = 3
    return rejects(lambda: Derivation(sym.kl_divergence(p, q, three)).step(
        total(p[k] * sp.log(p[k]), three) - sp.log(q[three]), "bracket closed early"))
