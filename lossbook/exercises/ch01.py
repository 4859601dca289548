"""Exercises of chapter 1 (Preliminaries): logs, sigmoid, softplus, likelihood, Leibniz rule."""

import sympy as sp

from . import register

x = sp.Symbol("x", real=True)
t = sp.Symbol("t", positive=True)
mu = sp.Symbol("mu", real=True)
_sigma = sp.Lambda(x, 1 / (1 + sp.exp(-x)))

register(
    "ch01-ex1",
    question="Write log_10(t) using only the natural logarithm.",
    answer=sp.log(t) / sp.log(10),
    symbols=(t,),
    hint="change of base divides by the logarithm of the new base: log_b(t) = log(t) / log(b).",
    sample_right="log(t)/ln(10)",
    sample_wrong="log(10)/log(t)",
)

register(
    "ch01-ex2",
    question="Differentiate log(sigma(x)) with respect to x and simplify.",
    answer=1 - _sigma(x),
    symbols=(x,),
    hint="use the chain rule with sigma' = sigma (1 - sigma), or log sigma(x) = -softplus(-x).",
    sample_right="sigma(-x)",
    sample_wrong="sigma(x)",
    mistakes=[
        ("sigma(x)", "that is sigma(x) itself; the derivative of log sigma(x) is "
                     "sigma'(x) / sigma(x) = 1 - sigma(x)"),
        ("sigma(x)*(1 - sigma(x))", "that is sigma'(x), the derivative of sigma; divide it "
                                    "by sigma(x) for the derivative of log sigma"),
    ],
)

register(
    "ch01-ex3",
    question="Simplify softplus(x) - softplus(-x).",
    answer=x,
    symbols=(x,),
    hint="write 1 + e^x = e^x (1 + e^(-x)) inside the first logarithm.",
    sample_right="log(1 + exp(x)) - log(1 + exp(-x))",
    sample_wrong="0",
    mistakes=[
        ("0", "softplus(x) and softplus(-x) are not equal (the function is not even); "
              "write log(1 + e^x) = x + log(1 + e^-x)"),
    ],
)

register(
    "ch01-ex4",
    question=("Coin flips 1, 1, 0, 1, 0, 1, 1, 1 (1 = heads) are Bernoulli(p) samples. "
              "What value of p maximises their likelihood?"),
    answer=sp.Rational(6, 8),
    hint="set the derivative of the log-likelihood k log p + (n - k) log(1 - p) to zero.",
    sample_right=0.75,
    sample_wrong=0.5,
    mistakes=[
        (sp.Rational(2, 8), "2/8 is the frequency of tails (the 0s); p is the probability "
                            "of heads"),
        (sp.Rational(1, 2), "1/2 is the fair-coin guess, which ignores the flips; write the "
                            "likelihood of these eight flips and maximise it"),
    ],
)

register(
    "ch01-ex5",
    question=("For X ~ N(mu, 1), compute d/dmu E[X^2] by differentiating under the integral "
              "sign."),
    answer=2 * mu,
    symbols=(mu,),
    hint="E[X^2] = Var X + (E X)^2 = 1 + mu^2; or differentiate the Gaussian density in mu.",
    sample_right="2*mu",
    sample_wrong="mu^2 + 1",
    mistakes=[
        ("mu^2 + 1", "that is E[X^2] itself; the exercise asks for its derivative in mu"),
    ],
)
