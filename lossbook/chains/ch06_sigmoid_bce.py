r"""Chapter 6, sigmoid and binary cross-entropy: the checked derivations.

Claims: ``bernoulli.sigmoid`` (normalising :math:`e^{yz}` over :math:`z \in \{0, 1\}`
gives :math:`\sigma((2z-1)y)`, checked for both values of z), ``sigmoid.derivative``
(:math:`\sigma' = \sigma(1-\sigma)`), ``sigmoid.one-minus`` (:math:`1 - \sigma(u) = \sigma(-u)`),
``bce.logits-softplus`` (binary cross-entropy of :math:`\sigma(z)` is :math:`\zeta(z) - yz`),
``bce.grad`` (its derivative in the logit is :math:`\sigma(z) - y`), ``mse.sigmoid-grad``
(the squared loss on a sigmoid has the gradient :math:`-2(y-\sigma)\sigma(1-\sigma)`, which
vanishes when the sigmoid saturates) and ``softplus.linear-tail`` (:math:`\zeta(-z) \approx -z`
as :math:`z \to -\infty`).

Sources: Heinzer 2020 (000), the flash-card deck (001), Lei Mao (002); errors found in
them are listed in ``ERRATA`` below, each with a check that the source's version fails.
(Heinzer's :math:`-\log\sigma(x) = -\zeta(-x)` is recorded in chapter 1's module; the
correct form is a step of ``bce.logits-softplus`` here.)
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Derivation, claim, rejects
from ..symbolic import Sigmoid, Softplus

x = sp.Symbol("x", real=True)
u = sp.Symbol("u", real=True)
z = sp.Symbol("z", real=True)
y = sp.Symbol("y", real=True)


zl = sp.Symbol("z", integer=True, nonnegative=True)  # a label in {0, 1}


@claim("bernoulli.sigmoid", chapter="ch06")
def bernoulli_sigmoid() -> Derivation:
    """Unnormalised log-probability y z, normalised over z in {0, 1}: P(z) = sigma((2z-1) y)."""
    return (
        Derivation(sp.exp(y * zl) / sp.Sum(sp.exp(y * sp.Symbol("w", integer=True)),
                                            (sp.Symbol("w", integer=True), 0, 1)),
                   name="bernoulli.sigmoid")
        .step(sp.exp(y * zl) / (1 + sp.exp(y)), "write out the two terms of the sum")
        .step(Sigmoid((2 * zl - 1) * y), "for $z = 1$: $e^{y}/(1+e^{y}) = \\sigma(y)$; "
              "for $z = 0$: $1/(1+e^{y}) = \\sigma(-y)$", n=(zl, (0, 1)))
    )


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


@claim("bce.logits-softplus", chapter="ch06")
def bce_logits_softplus() -> Derivation:
    s = Sigmoid(z)
    return (
        Derivation(-(y * sp.log(s) + (1 - y) * sp.log(1 - s)), name="bce.logits-softplus")
        .step(-(y * sp.log(Sigmoid(z)) + (1 - y) * sp.log(Sigmoid(-z))),
              r"$1 - \sigma(z) = \sigma(-z)$")
        .step(y * Softplus(-z) + (1 - y) * Softplus(z),
              r"$-\log \sigma(t) = \log(1 + e^{-t}) = \zeta(-t)$")
        .step(Softplus(z) - y * z, r"$\zeta(z) - \zeta(-z) = z$")
    )


@claim("bce.grad", chapter="ch06")
def bce_grad() -> Derivation:
    s = Sigmoid(z)
    return (
        Derivation(sp.Derivative(-(y * sp.log(s) + (1 - y) * sp.log(1 - s)), z),
                   name="bce.grad")
        .step(-(y * (1 - s) - (1 - y) * s),
              r"chain rule with $\sigma'(z) = \sigma(z)(1 - \sigma(z))$")
        .step(s - y, "expand: the $y\\,\\sigma(z)$ terms cancel")
    )


@claim("mse.sigmoid-grad", chapter="ch06")
def mse_sigmoid_grad() -> Derivation:
    s = Sigmoid(x)
    return (
        Derivation(sp.Derivative((y - s) ** 2, x), name="mse.sigmoid-grad")
        .step(2 * (y - s) * (-sp.Derivative(s, x)), "chain rule: keep the factor $y - \\sigma$")
        .step(-2 * (y - s) * s * (1 - s), r"$\sigma' = \sigma(1 - \sigma)$")
    )


@claim("softplus.linear-tail", chapter="ch06")
def softplus_linear_tail() -> Derivation:
    return (
        Derivation(Softplus(-z), name="softplus.linear-tail")
        .step(-z + sp.log(1 + sp.exp(z)), r"$\log(1 + e^{-z}) = -z + \log(e^{z} + 1)$")
        .step(-z, "the logarithm tends to 0", relation="~", limit=(z, -sp.oo))
    )


# ----------------------------------------------------------------------------- errata

def _source_mse_grad():
    # Heinzer drops the factor (z - sigma(x)) and its sign from the chain rule.
    s = Sigmoid(x)
    return (Derivation(sp.Derivative((y - s) ** 2, x))
            .step(2 * s * (1 - s), "as stated in the source"))


def _source_softplus_tail():
    # Heinzer: for z = 1 and y << 0, zeta(-y) ~ y; the limit of the difference is not 0.
    return Derivation(Softplus(-z)).step(z, "as stated in the source", relation="~",
                                         limit=(z, -sp.oo))


ERRATA = [
    dict(
        source="000_d52b67203b30a4ab.txt",
        section="What happens if we use a different loss function?",
        stated=r"\frac{\partial (z-\sigma(x))^2}{\partial x} = 2\sigma(x)(1-\sigma(x))",
        correction=r"\frac{\partial (z-\sigma(x))^2}{\partial x} = "
                   r"-2\,(z-\sigma(x))\,\sigma(x)(1-\sigma(x))",
        claim="mse.sigmoid-grad",
        check=lambda: rejects(_source_mse_grad),
    ),
    dict(
        source="000_d52b67203b30a4ab.txt",
        section="Properties in connection with gradient descent (case z = 1, y << 0)",
        stated=r"\zeta(-y) \approx y",
        correction=r"\zeta(-y) \approx -y = |y| \quad (y \to -\infty)",
        claim="softplus.linear-tail",
        check=lambda: rejects(_source_softplus_tail),
    ),
]
