"""Exercises of chapter 3 (Divergence and Kullback-Leibler)."""

import sympy as sp

from . import register

# A numeric answer may be a decimal rounded to four significant digits (relative error
# at most 5e-4); every wrong answer these exercises anticipate is much further away.
DECIMALS = 5e-4
# Answers in bits may use log2(x).
_u = sp.Dummy("u")
LOG2 = {"log2": sp.Lambda(_u, sp.log(_u) / sp.log(2))}

mu = sp.Symbol("mu", real=True)
a, s = sp.symbols("a s", positive=True)

register(
    "ch03-ex1",
    rtol=DECIMALS,
    question="Compute KL(p || q) in nats for p = (1/2, 1/2) and q = (1/4, 3/4).",
    answer=sp.log(sp.Rational(4, 3)) / 2,
    hint="KL(p || q) = sum_i p_i log(p_i / q_i); the ratios are 2 and 2/3. Mind the order: "
         "the expectation is taken under p, the first argument.",
    sample_right="log(2)/2 + log(2/3)/2",
    sample_wrong="3*log(3)/4 - log(2)",
    mistakes=[
        ("3*log(3)/4 - log(2)", "that is KL(q || p): the arguments are swapped (the "
                                "expectation is under p, the first argument)"),
    ],
)

register(
    "ch03-ex2",
    question="Write KL(N(mu, 1) || N(0, 1)) as a formula in mu.",
    answer=mu**2 / 2,
    symbols=(mu,),
    hint="put sigma_1 = sigma_2 = 1 into log(sigma_2/sigma_1) + (sigma_1^2 + (mu_1 - mu_2)^2)"
         " / (2 sigma_2^2) - 1/2.",
    sample_right="(1 + mu^2)/2 - 1/2",
    sample_wrong="mu^2",
)

register(
    "ch03-ex3",
    rtol=DECIMALS,
    functions=LOG2,
    question="Compute KL(p || q) in bits for p = (1, 0) and q = (1/2, 1/2).",
    answer=sp.Integer(1),
    hint="terms with p_i = 0 contribute nothing; the remaining term is 1 * log2(1 / (1/2)).",
    sample_right="log(2)/log(2)",
    sample_wrong=sp.log(2),
)

register(
    "ch03-ex4",
    question=("The target is the mixture (1/2) N(-a, s^2) + (1/2) N(a, s^2). Give the variance "
              "of the Gaussian that minimises the forward divergence KL(p || N(mu, sigma^2))."),
    answer=a**2 + s**2,
    symbols=(a, s),
    hint="the forward fit matches the mean and the variance of p; the variance of a mixture is"
         " the average second moment of the components minus the squared mean.",
    sample_right="s^2 + a^2",
    sample_wrong="s^2",
    mistakes=[
        ("s^2", "s^2 is the variance of each component; the mixture is also spread by its "
                "two means at -a and a"),
    ],
)
