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

n, k = sym.N, sym.K
p = sym.probabilities("p")
q = sym.probabilities("q")
u = sp.Symbol("u", positive=True)
x = sp.Symbol("x", real=True)
mu, mu1, mu2, m = sp.symbols("mu mu_1 mu_2 m", real=True)
sigma, sigma1, sigma2, v = sp.symbols("sigma sigma_1 sigma_2 v", positive=True)
pp, qq = sp.symbols("p q", positive=True)

NS = range(2, 7)


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
    return (Derivation(sym.kl_divergence(p, q, n), name="kl.log-difference")
            .step(total(p[k] * (sp.log(p[k]) - sp.log(q[k]))),
                  r"$\log(a/b) = \log a - \log b$")
            .step(-total(p[k] * sp.log(q[k] / p[k])),
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
    return (Derivation(u - 1 - sp.log(u), name="kl.log-bound")
            .step(1 - 1 / u, "differentiate", relation="d/dx", wrt=u)
            .step((u - 1) / u, "common denominator"))


@claim("kl.gibbs", chapter="ch03")
def kl_gibbs() -> Derivation:
    r"""Gibbs' inequality KL(p||q) >= 0, from log u <= u - 1 with u = q_k / p_k.

    Every step is symbolic in n except the last, which uses that p and q both sum
    to 1 and is checked for n = 2..6.
    """
    return (Derivation(sym.kl_divergence(p, q, n), name="kl.gibbs",
                       assumptions=[sym.sums_to_one(p, n), sym.sums_to_one(q, n)])
            .step(-total(p[k] * sp.log(q[k] / p[k])), r"$\log(a/b) = -\log(b/a)$")
            .step(-total(p[k] * (q[k] / p[k] - 1)), "$u = q_k/p_k$",
                  relation=">=", lemma=LOG_LE_X_MINUS_1)
            .step(total(p[k]) - total(q[k]), "expand")
            .step(sp.Integer(0), "normalisation", n=(n, NS)))


# ---------------------------------------------------------------------------
# asymmetry on a concrete pair: p = (1/2, 1/2), q = (1/10, 9/10)

HALF = sp.Rational(1, 2)
P_PAIR = (HALF, HALF)
Q_PAIR = (sp.Rational(1, 10), sp.Rational(9, 10))


@claim("kl.example-pq", chapter="ch03")
def kl_example_pq() -> Derivation:
    r"""KL(p||q) = log(5/3) for p = (1/2, 1/2), q = (1/10, 9/10)."""
    return (Derivation(sym.kl_divergence(P_PAIR, Q_PAIR), name="kl.example-pq")
            .step(HALF * sp.log(sp.Rational(25, 9)), r"$\log a + \log b = \log ab$")
            .step(sp.log(sp.Rational(5, 3)), r"$\frac{1}{2} \log c^2 = \log c$"))


@claim("kl.example-qp", chapter="ch03")
def kl_example_qp() -> Derivation:
    r"""KL(q||p) = (9/5) log 3 - log 5 for the same pair, in the other order."""
    return (Derivation(sym.kl_divergence(Q_PAIR, P_PAIR), name="kl.example-qp")
            .step(sp.Rational(9, 5) * sp.log(3) - sp.log(5),
                  r"$\log(1/5) = -\log 5$, $\log(9/5) = 2\log 3 - \log 5$"))


@claim("kl.asymmetry", chapter="ch03")
def kl_asymmetry() -> Derivation:
    r"""KL(p||q) - KL(q||p) = 2 log 5 - (14/5) log 3 >= 1/10 > 0 for the pair above."""
    return (Derivation(sym.kl_divergence(P_PAIR, Q_PAIR) - sym.kl_divergence(Q_PAIR, P_PAIR),
                       name="kl.asymmetry")
            .step(2 * sp.log(5) - sp.Rational(14, 5) * sp.log(3), "collect the logarithms")
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
    return (sp.log(sigma2 / sigma1) - (x - mu1) ** 2 / (2 * sigma1**2)
            + (x - mu2) ** 2 / (2 * sigma2**2))


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
    return (Derivation(sp.Integral(p1 * sp.log(p1 / p2), line), name="kl.gaussian")
            .step(sp.Integral(p1 * _gauss_log_ratio(), line),
                  "the log of the ratio of the two densities")
            .step(kl_gaussians_closed_form(),
                  r"$E_p[(X-\mu_1)^2] = \sigma_1^2$, "
                  r"$E_p[(X-\mu_2)^2] = \sigma_1^2 + (\mu_1-\mu_2)^2$"))


# ---------------------------------------------------------------------------
# forward-KL fit of one Gaussian q = N(mu, sigma^2) to any p with mean m, variance v


def forward_objective():
    r"""E_p[-log q(X)] for q = N(mu, sigma^2) and p with mean m and variance v.

    Only this term of KL(p||q) = E_p[-log q(X)] - E_p[-log p(X)] depends on q.
    """
    return sp.log(2 * sp.pi * sigma**2) / 2 + (v + (m - mu) ** 2) / (2 * sigma**2)


@claim("kl.forward-fit-mean", chapter="ch03")
def kl_forward_fit_mean() -> Derivation:
    r"""d/dmu of the forward objective is (mu - m)/sigma^2: zero only at mu = m."""
    return (Derivation(forward_objective(), name="kl.forward-fit-mean")
            .step((mu - m) / sigma**2, r"$\partial_\mu (m-\mu)^2 = 2(\mu - m)$",
                  relation="d/dx", wrt=mu))


@claim("kl.forward-fit-scale", chapter="ch03")
def kl_forward_fit_scale() -> Derivation:
    r"""At mu = m, d/dsigma of the forward objective is (sigma^2 - v)/sigma^3, zero at v."""
    return (Derivation(forward_objective().subs(mu, m), name="kl.forward-fit-scale")
            .step(1 / sigma - v / sigma**3, r"$(\log\sigma)' = 1/\sigma$, "
                  r"$(\sigma^{-2})' = -2\sigma^{-3}$", relation="d/dx", wrt=sigma)
            .step((sigma**2 - v) / sigma**3, "common denominator"))


# ---------------------------------------------------------------------------
# a check of source 000's errors used by lossbook.errata.s000



def _source_unbalanced_bracket() -> bool:
    # Source 000 writes sum_x p(x) (log(p(x)) - log(q(x)) with one bracket left open.
    # Closing it right after log(p(x)) reads as sum_x p(x) log p(x) - log q(x): with
    # three outcomes, and q(x) read as the last outcome's q, that is not KL.
    three = 3
    return rejects(lambda: Derivation(sym.kl_divergence(p, q, three)).step(
        total(p[k] * sp.log(p[k]), three) - sp.log(q[three]), "bracket closed early"))
