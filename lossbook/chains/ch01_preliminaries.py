r"""Chapter 1 (Preliminaries): the checked derivations.

Logarithm rules and the change of base; softplus identities
(:math:`\zeta' = \sigma`, :math:`\log\sigma(x) = -\zeta(-x)`,
:math:`\zeta(x) - \zeta(-x) = x`, the two tails of softplus); the Bernoulli
log-likelihood and its maximiser; the gradient of an expectation by the Leibniz
rule for a Gaussian family.

The symmetry :math:`1 - \sigma(x) = \sigma(-x)` and :math:`\sigma' = \sigma(1-\sigma)`
are registered once, with chapter 6 (``sigmoid.one-minus``, ``sigmoid.derivative``);
chapter 1 shows them by id.

The sources' errors on these topics are in :mod:`lossbook.errata` (``s000``).

References: Heinzer (2020), "On Loss Functions - Part I" (notation section);
Goodfellow, Bengio and Courville, *Deep Learning* (2016), sections 3.10 and 5.5;
Lei Mao, log loss post (Leibniz integral rule).
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Derivation, DerivationError, claim
from ..symbolic import Sigmoid, Softplus, sigmoid, softplus
from ._display import Abbrev, InOrder, Paren, Times

x = sp.Symbol("x", real=True)
a, b = sp.symbols("a b", positive=True)
p = sp.Symbol("p", positive=True)
q = sp.Symbol("q", positive=True)  # stands for 1 - p, so 0 < p < 1
mu = sp.Symbol("mu", real=True)
s = sp.Symbol("s", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", nonnegative=True)
m = sp.Symbol("m", nonnegative=True)
i = sp.Symbol("i", integer=True, positive=True)
t = sp.Symbol("t", real=True)
big_m = sp.Symbol("M", positive=True)  # a bound on |mu| in the dominated-convergence proof
xs = sp.IndexedBase("x", real=True)

SAMPLE_SIZES = range(1, 7)


# ---------------------------------------------------------------------------
# logarithms


@claim("log.product", chapter="ch01")
def log_product() -> Derivation:
    r"""log(ab) = log a + log b for a, b > 0 (exp turns sums into products)."""
    return (Derivation(sp.log(a * b), name="log.product")
            .step(sp.log(sp.Mul(sp.exp(sp.log(a), evaluate=False),
                                sp.exp(sp.log(b), evaluate=False), evaluate=False),
                         evaluate=False),
                  r"$a = e^{\log a}$, $b = e^{\log b}$")
            .step(sp.log(sp.exp(sp.log(a) + sp.log(b), evaluate=False), evaluate=False),
                  r"$e^{u} e^{v} = e^{u+v}$")
            .step(sp.log(a) + sp.log(b), r"$\log e^{w} = w$"))


@claim("log.change-of-base", chapter="ch01")
def log_change_of_base() -> Derivation:
    r"""b^(log a / log b) = a: so log_b a = log a / log b, the exponent that takes b to a."""
    exponent = sp.Mul(sp.log(a), 1 / sp.log(b), evaluate=False)
    return (Derivation(sp.Pow(b, exponent, evaluate=False), name="log.change-of-base")
            .step(sp.exp(sp.Mul(exponent, sp.log(b), evaluate=False), evaluate=False),
                  r"$b^{c} = e^{c \log b}$")
            .step(sp.exp(sp.log(a), evaluate=False), r"cancel $\log b \ne 0$ ($b \ne 1$)")
            .step(a, r"$e^{\log a} = a$"))


# ---------------------------------------------------------------------------
# softplus and the sigmoid


@claim("softplus.derivative", chapter="ch01")
def softplus_derivative() -> Derivation:
    r"""The derivative of softplus is the sigmoid: zeta'(x) = sigma(x)."""
    return (Derivation(sp.Derivative(Softplus(x), x), name="softplus.derivative")
            .step(sp.Derivative(softplus(x), x), r"definition of $\zeta$")
            .step(sp.exp(x) / (1 + sp.exp(x)), r"chain rule, $(\log u)' = u'/u$")
            .step(sigmoid(x), r"divide above and below by $e^{x}$")
            .step(Sigmoid(x), r"definition of $\sigma$"))


@claim("log-sigmoid.softplus", chapter="ch01")
def log_sigmoid_softplus() -> Derivation:
    r"""log sigma(x) = -zeta(-x): the log-sigmoid is a negated, mirrored softplus."""
    return (Derivation(sp.log(Sigmoid(x)), name="log-sigmoid.softplus")
            .step(sp.log(sigmoid(x)), r"definition of $\sigma$")
            .step(-sp.log(1 + sp.exp(-x)), r"$\log(1/u) = -\log u$")
            .step(-Softplus(-x), r"definition of $\zeta$ at $-x$"))


@claim("softplus.difference", chapter="ch01")
def softplus_difference() -> Derivation:
    r"""zeta(x) - zeta(-x) = x."""
    return (Derivation(InOrder(Softplus(x), -Softplus(-x)), name="softplus.difference")
            .step(InOrder(sp.log(1 + sp.exp(x)), -sp.log(1 + sp.exp(-x))),
                  r"definition of $\zeta$")
            .step(InOrder(sp.log(Times(sp.exp(x), 1 + sp.exp(-x))), -sp.log(1 + sp.exp(-x))),
                  r"factor out $e^{x}$")
            .step(x, "log of a product"))


@claim("softplus.tail-right", chapter="ch01")
def softplus_tail_right() -> Derivation:
    r"""zeta(x) = x + zeta(-x), and zeta(x) - x tends to 0 as x -> oo."""
    return (Derivation(Softplus(x), name="softplus.tail-right")
            .step(x + sp.log(1 + sp.exp(-x)), r"factor $e^{x}$ out of $1 + e^{x}$")
            .step(x, r"$\log(1 + e^{-x}) \to 0$", relation="~",
                  limit=(x, sp.oo)))


@claim("softplus.tail-left", chapter="ch01")
def softplus_tail_left() -> Derivation:
    r"""zeta(x) ~ e^x as x -> -oo (ratio -> 1), so zeta(x) -> 0 on the left."""
    return (Derivation(Softplus(x), name="softplus.tail-left")
            .step(sp.exp(x), r"$\log(1 + u)/u \to 1$, $u = e^{x}$", relation="~",
                  limit=(x, -sp.oo), approx="ratio"))


# ---------------------------------------------------------------------------
# maximum likelihood for Bernoulli samples


@claim("mle.bernoulli-loglik", chapter="ch01")
def mle_bernoulli_loglik() -> Derivation:
    r"""The log-likelihood of x_1..x_n in {0, 1} under Bernoulli(p), with q = 1 - p.

    With k = sum x_i ones: log L = k log p + (n - k) log q. Checked for every
    n = 1..6 with the x_i symbolic. p and q are positive symbols (q stands for
    1 - p) so that SymPy may split the logarithms.
    """
    ones = sp.Sum(xs[i], (i, 1, n))
    heads = Abbrev(sp.Symbol("k"), ones)  # shown as k, checked as the sum
    sizes = (n, SAMPLE_SIZES)
    return (Derivation(sp.log(sp.Product(p ** xs[i] * q ** (1 - xs[i]), (i, 1, n))),
                       name="mle.bernoulli-loglik")
            .step(sp.Sum(sp.log(p ** xs[i] * q ** (1 - xs[i])), (i, 1, n)),
                  "log of a product", n=sizes)
            .step(sp.Sum(Paren(InOrder(Times(xs[i], sp.log(p)), Times(1 - xs[i], sp.log(q)))),
                         (i, 1, n)),
                  r"$\log(u^{c}) = c \log u$", n=sizes)
            .step(InOrder(Times(heads, sp.log(p)), Times(InOrder(n, -heads), sp.log(q))),
                  r"collect, $k = \sum_i x_i$", n=sizes))


@claim("mle.bernoulli-score", chapter="ch01")
def mle_bernoulli_score() -> Derivation:
    r"""d/dp [k log p + (n - k) log(1 - p)] = (k - n p) / (p (1 - p))."""
    loglik = InOrder(k * sp.log(p), Times(InOrder(n, -k), sp.log(1 - p)))
    return (Derivation(sp.Derivative(loglik, p), name="mle.bernoulli-score")
            .step(InOrder(k / p, -InOrder(n, -k) / (1 - p)), "differentiate")
            .step((k - n * p) / (p * (1 - p)), "one fraction"))


@claim("mle.bernoulli-maximiser", chapter="ch01")
def mle_bernoulli_maximiser() -> Derivation:
    r"""The score (k - n p) / (p (1 - p)) vanishes at the sample mean p = k / n."""
    score = (k - n * p) / (p * (1 - p))
    return (Derivation(sp.Subs(score, p, k / n), name="mle.bernoulli-maximiser")
            .step(sp.Integer(0), r"$k - n \cdot k/n = 0$ (for $0 < k < n$)"))


@claim("mle.bernoulli-second-derivative", chapter="ch01")
def mle_bernoulli_second_derivative() -> Derivation:
    r"""d^2/dp^2 [k log p + m log(1 - p)] = -k/p^2 - m/(1 - p)^2 (m = n - k)."""
    return (Derivation(sp.Derivative(k * sp.log(p) + m * sp.log(1 - p), (p, 2)),
                       name="mle.bernoulli-second-derivative")
            .step(sp.Derivative(k / p - m / (1 - p), p), "differentiate once")
            .step(-k / p**2 - m / (1 - p) ** 2, "differentiate again"))


@claim("mle.bernoulli-concave", chapter="ch01")
def mle_bernoulli_concave() -> Derivation:
    r"""-k/p^2 - m/q^2 <= 0 for k, m >= 0 and p, q > 0: with q = 1 - p, the second
    derivative of the Bernoulli log-likelihood is never positive, so the zero of the
    score is a maximum. (q is a separate positive symbol: SymPy's assumptions cannot
    say 0 < p < 1.)"""
    return (Derivation(-k / p**2 - m / q**2, name="mle.bernoulli-concave")
            .step(sp.Integer(0), r"$k, m \ge 0$ and $p, q > 0$", relation="<="))


# ---------------------------------------------------------------------------
# the gradient of an expectation (Leibniz integral rule)


def gaussian_pdf(u, mean, sd):
    """The N(mean, sd^2) density at u, as a SymPy expression."""
    return sp.exp(-((u - mean) ** 2) / (2 * sd**2)) / sp.sqrt(2 * sp.pi * sd**2)


class GaussianDensity(sp.Function):
    r"""Displays as :math:`\varphi_{\mu,s}(t)`; unfolds to :func:`gaussian_pdf` (like the
    display heads of :mod:`lossbook.symbolic`)."""

    nargs = 3

    def unfold(self):
        return gaussian_pdf(*self.args)

    def _eval_is_positive(self):
        return True if all(arg.is_real for arg in self.args) else None

    def _latex(self, printer):
        u, mean, sd = (printer._print(arg) for arg in self.args)
        return rf"\varphi_{{{mean},{sd}}}\left({u}\right)"


@claim("expectation.leibniz-gaussian", chapter="ch01")
def expectation_leibniz_gaussian() -> Derivation:
    r"""d/dmu E_{X ~ N(mu, s^2)}[X^2] = E[X^2 (X - mu) / s^2] = 2 mu.

    The derivative moves under the integral (the integrand's mu-derivative is
    dominated by an integrable function of t, uniformly for mu in a bounded set);
    SymPy then evaluates the integrals.
    """
    phi = GaussianDensity(t, mu, s)
    whole_line = (t, -sp.oo, sp.oo)
    return (Derivation(sp.Derivative(sp.Integral(t**2 * phi, whole_line), mu),
                       name="expectation.leibniz-gaussian")
            .step(sp.Integral(sp.Derivative(t**2 * phi, mu), whole_line),
                  "Leibniz rule")
            .step(sp.Integral(t**2 * InOrder(t, -mu) / s**2 * phi, whole_line),
                  r"$\partial_\mu \varphi = \varphi \cdot (t - \mu)/s^{2}$")
            .step(2 * mu, "Gaussian moments"))


# The dominating function that licenses the Leibniz rule above. For |mu| <= M:
# |d/dmu (t^2 phi)| = t^2 |t - mu| phi / s^2 <= g(t) with
# g(t) = e^{M^2/(2 s^2)} t^2 (|t| + M) e^{-t^2/(4 s^2)} / (s^2 sqrt(2 pi s^2)),
# because |t - mu| <= |t| + M and the exponent bound below; g is integrable.


@claim("expectation.leibniz-exponent-bound", chapter="ch01")
def leibniz_exponent_bound() -> Derivation:
    r"""(t - mu)^2 >= t^2/2 - M^2 when -M <= mu <= M: the Gaussian factor
    e^{-(t - mu)^2/(2 s^2)} is at most e^{M^2/(2 s^2)} e^{-t^2/(4 s^2)}, uniformly in mu."""
    return (Derivation(InOrder(t, -mu) ** 2, name="expectation.leibniz-exponent-bound",
                       assumptions=[mu <= big_m, -big_m <= mu])
            .step(InOrder(t**2 / 2, -mu**2, InOrder(t, -2 * mu) ** 2 / 2),
                  "complete the square")
            .step(InOrder(t**2 / 2, -mu**2), r"drop the square $\ge 0$", relation=">=")
            .step(InOrder(t**2 / 2, -big_m**2), r"$\mu^2 \le M^2$", relation=">="))


@claim("expectation.leibniz-dominating-integral", chapter="ch01")
def leibniz_dominating_integral() -> Derivation:
    r"""The integral of t^2 (|t| + M) e^{-t^2/(4 s^2)} over the real line is
    16 s^4 + 4 sqrt(pi) M s^3, finite: the dominating function g is integrable."""
    tp = sp.Symbol("t", positive=True)
    weight = sp.exp(-(t**2) / (4 * s**2))
    return (Derivation(sp.Integral(t**2 * InOrder(sp.Abs(t), big_m) * weight, (t, -sp.oo, sp.oo)),
                       name="expectation.leibniz-dominating-integral")
            .step(2 * sp.Integral(tp**2 * InOrder(tp, big_m) * weight.subs(t, tp), (tp, 0, sp.oo)),
                  "the integrand is even in $t$")
            .step(InOrder(16 * s**4, 4 * sp.sqrt(sp.pi) * big_m * s**3),
                  r"$\int_0^\infty t^{3} e^{-t^2/(4s^2)}\,dt = 8s^{4}$, "
                  r"$\int_0^\infty t^{2} e^{-t^2/(4s^2)}\,dt = 2\sqrt{\pi}\,s^{3}$"))


# ---------------------------------------------------------------------------
# softplus is convex (the model solution of exercise ch01-ex6)


@claim("softplus.second-derivative", chapter="ch01")
def softplus_second_derivative() -> Derivation:
    r"""zeta''(x) = sigma(x) sigma(-x) > 0: softplus is strictly convex.

    The chain ends at a product of two sigmoids; the claim also asks SymPy's
    assumptions whether that product is positive for real x (it raises if not), so
    the strict sign is checked, not only the identity.
    """
    d = (Derivation(sp.Derivative(Softplus(x), (x, 2)), name="softplus.second-derivative")
         .step(sp.Derivative(Sigmoid(x), x), r"$\zeta' = \sigma$")
         .step(sp.exp(-x) / (1 + sp.exp(-x)) ** 2, "chain rule")
         .step(Times(Sigmoid(x), Sigmoid(-x)),
               r"$\frac{1}{1 + e^{-x}} \cdot \frac{e^{-x}}{1 + e^{-x}}$, "
               r"and $\frac{e^{-x}}{1 + e^{-x}} = \sigma(-x)$"))
    if sp.Mul(*d.lines[-1].args).is_positive is not True:
        raise DerivationError("softplus.second-derivative: sigma(x) sigma(-x) is not "
                              "shown positive")
    return d
