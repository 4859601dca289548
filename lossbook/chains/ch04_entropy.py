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
from ..derivation import Derivation, claim
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
h_p, h_q = sp.symbols("H_{2}(p) H_{2}(q)", real=True)

NS = range(2, 7)


def total(expr, upper=n):
    r""":math:`\sum_{k=1}^{upper}` of ``expr`` (unevaluated)."""
    return sp.Sum(expr, (i, 1, upper))


def entropy_sum(base=None):
    r""":math:`-\sum_{k=1}^{n} p_k \log_b p_k` (natural log when ``base`` is None)."""
    return sym.entropy(p, n, base=base)


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
    r"""H(p) - H(q) = log(2) (H_2(p) - H_2(q)): the same sign, so the order is kept.

    H_2(p), H_2(q) stand for any two entropies in bits, and H = log(2) H_2. The factor
    log 2 is positive; for a base 0 < b < 1 the factor would be log b < 0 and the order
    reversed.
    """
    return (Derivation(sp.log(2) * h_p - sp.log(2) * h_q, name="entropy.base-order")
            .step(sp.log(2) * (h_p - h_q), r"factor out $\log 2 > 0$"))


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
    return entropy_sum() + lam * (total(p[i]) - 1)


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
    return (Derivation(total(p[i] * sp.log(p[i] / (1 / n))),
                       name="entropy.uniform-gap", assumptions=sym.sums_to_one(p, n))
            .step(total(p[i] * sp.log(p[i])) + total(p[i] * sp.log(n)),
                  r"$\log(n p_k) = \log p_k + \log n$")
            .step(total(p[i] * sp.log(p[i])) + sp.log(n) * total(p[i]),
                  r"$\log n$ leaves the sum")
            .step(sp.log(n) - entropy_sum(), r"$\sum_k p_k = 1$", n=(n, NS)))


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
    return (Derivation(-sp.Integral(f * sp.log(f), line), name="entropy.gaussian")
            .step(sp.Integral(f * (sp.log(2 * sp.pi * sigma**2) / 2
                                   + (x - mu) ** 2 / (2 * sigma**2)), line),
                  r"$-\log f(x) = \frac{1}{2}\log(2\pi\sigma^2) + (x-\mu)^2/(2\sigma^2)$")
            .step(sp.log(2 * sp.pi * sigma**2) / 2 + sp.Rational(1, 2),
                  r"$\int f = 1$, $E[(X-\mu)^2] = \sigma^2$")
            .step(gaussian_entropy_closed_form(), r"$\frac{1}{2} = \frac{1}{2} \log e$"))


@claim("entropy.uniform-interval", chapter="ch04")
def entropy_uniform_interval() -> Derivation:
    r"""h(U[0, a]) = log a, which is negative for a < 1."""
    return (Derivation(-sp.Integral((1 / a) * sp.log(1 / a), (x, 0, a)),
                       name="entropy.uniform-interval")
            .step(-a * ((1 / a) * sp.log(1 / a)), "constant integrand, interval of length $a$")
            .step(sp.log(a), r"$-\log(1/a) = \log a$"))
