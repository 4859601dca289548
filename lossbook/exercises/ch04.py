"""Exercises of chapter 4 (Entropy)."""

import sympy as sp

from . import register

# A numeric answer may be a decimal rounded to four significant digits (relative error
# at most 5e-4); every wrong answer these exercises anticipate is much further away.
DECIMALS = 5e-4
# Answers in bits may use log2(x).
_u = sp.Dummy("u")
LOG2 = {"log2": sp.Lambda(_u, sp.log(_u) / sp.log(2))}

a = sp.Symbol("a", positive=True)

register(
    "ch04-ex1",
    rtol=DECIMALS,
    functions=LOG2,
    question="What is the entropy of a fair six-sided die, in bits?",
    answer=sp.log(6) / sp.log(2),
    hint="six equally likely outcomes: H = log(6) in nats; divide by log(2) for bits.",
    sample_right="log(6)/log(2)",
    sample_wrong="log(6)",
)

register(
    "ch04-ex2",
    rtol=DECIMALS,
    functions=LOG2,
    question="A coin lands heads with probability 1/4. What is its entropy in bits?",
    answer=2 - sp.Rational(3, 4) * sp.log(3) / sp.log(2),
    hint="H_2 = -(1/4) log2(1/4) - (3/4) log2(3/4), with log2(3/4) = log2(3) - 2.",
    sample_right="-(1/4)*log(1/4)/log(2) - (3/4)*log(3/4)/log(2)",
    sample_wrong=1,
    mistakes=[
        (1, "1 bit is the entropy of a fair coin; a biased coin has less"),
    ],
)

register(
    "ch04-ex3",
    question="Write the differential entropy (nats) of the uniform distribution on [0, a].",
    answer=sp.log(a),
    symbols=(a,),
    hint="the density is 1/a on an interval of length a: h = -integral of (1/a) log(1/a).",
    sample_right="-log(1/a)",
    sample_wrong="-log(a)",
)

register(
    "ch04-ex4",
    rtol=DECIMALS,
    question="For which standard deviation is the differential entropy of N(0, sigma^2) zero?",
    answer=1 / sp.sqrt(2 * sp.pi * sp.E),
    hint="solve (1/2) log(2 pi e sigma^2) = 0, that is 2 pi e sigma^2 = 1.",
    sample_right="1/sqrt(2*pi*e)",
    sample_wrong="1/sqrt(2*pi)",
    mistakes=[
        ("1/sqrt(2*pi)", "the factor e is missing: the differential entropy of N(0, sigma^2) "
                         "is (1/2) log(2 pi e sigma^2)"),
    ],
)
