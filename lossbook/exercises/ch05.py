"""Exercises of chapter 5 (Cross-entropy)."""

import sympy as sp

from . import register

# A numeric answer may be a decimal rounded to four significant digits (relative error
# at most 5e-4); every wrong answer these exercises anticipate is much further away.
DECIMALS = 5e-4
# Answers in bits may use log2(x).
_u = sp.Dummy("u")
LOG2 = {"log2": sp.Lambda(_u, sp.log(_u) / sp.log(2))}

sigma = sp.Symbol("sigma", positive=True)

register(
    "ch05-ex1",
    rtol=DECIMALS,
    question=("A model predicts q = (0.7, 0.2, 0.1) and the correct class is the second one. "
              "What is the cross-entropy loss in nats?"),
    answer=sp.log(5),
    hint="with a one-hot target only the correct class counts: the loss is -log q_c.",
    sample_right="-log(2/10)",
    sample_wrong="-log(7/10)",
    mistakes=[
        ("-log(7/10)", "that is -log of the largest probability; the loss uses the "
                       "probability of the correct class, the second one"),
    ],
)

register(
    "ch05-ex2",
    rtol=DECIMALS,
    question=("A three-class sample has class counts (3, 5, 2). Give the maximum-likelihood "
              "categorical distribution."),
    answer=[sp.Rational(3, 10), sp.Rational(1, 2), sp.Rational(1, 5)],
    hint="maximum likelihood for a categorical model gives the empirical frequencies"
         " N_k / N.",
    sample_right=[0.3, 0.5, 0.2],
    sample_wrong=[1 / 3, 1 / 3, 1 / 3],
    mistakes=[
        ([sp.Rational(1, 3)] * 3, "the uniform distribution ignores the counts; maximum "
                                  "likelihood gives the observed frequencies"),
    ],
)

register(
    "ch05-ex3",
    rtol=DECIMALS,
    functions=LOG2,
    question=("For the target p = (1/2, 1/4, 1/4), what is the smallest value of H_2(p, q) "
              "over all q, in bits?"),
    answer=sp.Rational(3, 2),
    hint="H(p, q) = H(p) + KL(p || q) and KL >= 0 with equality at q = p: the minimum is H(p).",
    sample_right=1.5,
    sample_wrong=0,
    mistakes=[
        (0, "0 is the smallest KL(p || q); the cross-entropy is H(p) + KL(p || q), so its "
            "minimum is H(p)"),
    ],
)

register(
    "ch05-ex4",
    question="Write the cross-entropy H(N(0, 1), N(0, sigma^2)) in nats as a formula in sigma.",
    answer=sp.log(2 * sp.pi * sigma**2) / 2 + 1 / (2 * sigma**2),
    symbols=(sigma,),
    hint="-log q(x) = (1/2) log(2 pi sigma^2) + x^2 / (2 sigma^2); take the expectation under"
         " N(0, 1), where E[X^2] = 1.",
    sample_right="log(2*pi)/2 + log(sigma) + 1/(2*sigma^2)",
    sample_wrong="log(2*pi*e*sigma^2)/2",
    mistakes=[
        ("log(2*pi*e*sigma^2)/2", "that is the entropy of N(0, sigma^2), the cross-entropy "
                                  "of the model with itself; here the target is N(0, 1)"),
    ],
)
