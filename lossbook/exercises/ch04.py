"""Exercises of chapter 4 (Entropy).

Graded: the entropy of a twelve-sided die and of a coin in bits, the differential entropy
of U[-a, a] and the sigma with h(N(0, sigma^2)) = 1 nat (computations);
conditional entropy and mutual information of a small table, perplexity of a model's
predictions (computations with two halves, both checked); H(p) <= log n (a proof, the
checked chain ``entropy.log-n-bound`` is the model solution; graded by the slack of its
tangent-line step for a given p); an entropy function that
handles zeros, bases and float32 input (coding, tested against exact values). The
model solution of the coding task is :func:`model_entropy`.
"""

import warnings

import numpy as np
import sympy as sp

from . import register
from ._coding import exact

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
    question="What is the entropy of a fair twelve-sided die, in bits?",
    answer=sp.log(12) / sp.log(2),
    hint="twelve equally likely outcomes: H = log(12) in nats; divide by log(2) for bits.",
    sample_right="log(12)/log(2)",
    sample_wrong="log(12)",
    mistakes=[
        (sp.log(12), "log(12) = 2.485 is the entropy in nats; the question asks for bits, "
                     "log2(12) = log(12) / log(2)"),
        (12, "12 is the number of outcomes; the entropy is its base-2 logarithm, log2(12)"),
        (sp.Rational(1, 12), "1/12 is the probability of one face; the entropy is the "
                             "expected surprise -log2(1/12) = log2(12)"),
        (sp.log(6) / sp.log(2), "log2(6) is the entropy of the six-sided die of the text; "
                                "this die has twelve faces"),
    ],
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
        (sp.Rational(1, 2), "1/2 is only the heads term -(1/4) log2(1/4); add the tails "
                            "term -(3/4) log2(3/4)"),
        (2 * sp.log(2) - sp.Rational(3, 4) * sp.log(3), "that is the entropy in nats; the "
                                                        "question asks for bits (divide by "
                                                        "log 2)"),
    ],
)

register(
    "ch04-ex3",
    question=("Write the differential entropy (nats) of the uniform distribution on [-a, a] "
              "as a formula in a (a > 0)."),
    answer=sp.log(2 * a),
    symbols=(a,),
    hint="the density is 1/(2a) on an interval of length 2a: h = -integral of "
         "(1/(2a)) log(1/(2a)).",
    sample_right="-log(1/(2*a))",
    sample_wrong="log(a)",
    mistakes=[
        ("log(a)", "log(a) is the entropy of an interval of length a; [-a, a] has length 2a"),
        ("-log(2*a)", "the sign is wrong: h = -integral p log p = -log(1/(2a)) = log(2a)"),
        ("1/(2*a)", "1/(2a) is the density itself; the entropy is the expectation of "
                    "-log(1/(2a))"),
        ("log(2*a)/log(2)", "that is the entropy in bits; the question asks for nats"),
    ],
)

register(
    "ch04-ex4",
    rtol=DECIMALS,
    question=("For which standard deviation is the differential entropy of N(0, sigma^2) "
              "exactly 1 nat?"),
    answer=sp.sqrt(sp.E / (2 * sp.pi)),
    hint="solve (1/2) log(2 pi e sigma^2) = 1, that is 2 pi e sigma^2 = e^2.",
    sample_right="sqrt(e/(2*pi))",
    sample_wrong="1/sqrt(2*pi*e)",
    mistakes=[
        (1 / sp.sqrt(2 * sp.pi * sp.E), "1/sqrt(2 pi e) is the sigma with differential "
                                        "entropy 0; the question asks for 1 nat"),
        (sp.E / (2 * sp.pi), "e/(2 pi) is the variance sigma^2; the question asks for the "
                             "standard deviation, its square root"),
        (sp.E / sp.sqrt(2 * sp.pi), "the factor e inside the logarithm is missing: the "
                                    "differential entropy of N(0, sigma^2) is "
                                    "(1/2) log(2 pi e sigma^2)"),
        (2 / sp.sqrt(2 * sp.pi * sp.E), "that sigma gives 1 bit (log2); the question asks for "
                                        "1 nat (natural log)"),
    ],
)


# ---------------------------------------------------------------------------
# two variables: the table p(x, y) = [[1/4, 1/4], [1/2, 0]] (rows x, columns y)

_L2_3 = sp.log(3) / sp.log(2)
_H_Y_GIVEN_X = sp.Rational(1, 2)                       # 1/2 * 1 bit + 1/2 * 0 bits
_H_X_GIVEN_Y = sp.Rational(3, 4) * _L2_3 - sp.Rational(1, 2)
_H_Y = 2 - sp.Rational(3, 4) * _L2_3
_MI = _H_Y - _H_Y_GIVEN_X                              # 3/2 - (3/4) log2 3
_H_XY = sp.Rational(3, 2)

register(
    "ch04-ex5",
    rtol=DECIMALS,
    functions=LOG2,
    question=("X and Y have the joint table p(x, y) = [[1/4, 1/4], [1/2, 0]] (rows: x = 1, 2; "
              "columns: y = 1, 2). In bits, compute (a) H(Y | X) and (b) I(X; Y). "
              "Give [(a), (b)]."),
    answer=sp.Matrix([_H_Y_GIVEN_X, _MI]),
    hint="(a) average over the rows, weighted by p_X = (1/2, 1/2), the entropy of each row "
         "divided by its total: rows (1/2, 1/2) and (1, 0). The row (1, 0) has entropy 0 "
         "(0 log 0 = 0). (b) I = H(Y) - H(Y | X) with p_Y = (3/4, 1/4).",
    sample_right="[1/2, 3/2 - 3*log2(3)/4]",
    sample_wrong=[_H_X_GIVEN_Y, _MI],
    mistakes=[
        ([_H_X_GIVEN_Y, _MI], "(a) is H(X | Y): the conditioning is swapped. H(Y | X) "
                              "averages over the rows x the entropy of Y within each row"),
        ([_H_XY, _MI], "(a) is the joint entropy H(X, Y); the conditional entropy subtracts "
                       "H(X): H(Y | X) = H(X, Y) - H(X)"),
        ([_H_Y_GIVEN_X, _H_Y + 1 + _H_XY], "(b) adds H(X, Y); mutual information is "
                                           "H(X) + H(Y) - H(X, Y)"),
        ([_H_Y_GIVEN_X, _H_XY - 1 - _H_Y], "(b) has the wrong sign: I(X; Y) = H(X) + H(Y) - "
                                           "H(X, Y) >= 0 (it is a KL divergence)"),
        ([_H_Y_GIVEN_X, _H_Y], "(b) is H(Y) alone; the mutual information subtracts what is "
                               "left once X is known, H(Y | X)"),
    ],
)

# ---------------------------------------------------------------------------
# perplexity: the model gave the observed tokens probabilities 1/2, 1/4, 1/8, 1/2

_PPL = 2 ** sp.Rational(7, 4)                          # 2 ** (average bits = 7/4)

register(
    "ch04-ex6",
    rtol=DECIMALS,
    question=("A language model gave the four observed tokens of a text the probabilities "
              "1/2, 1/4, 1/8 and 1/2. (a) What is its perplexity on this text? (b) What is "
              "the perplexity of the uniform model over a vocabulary of 8 tokens on the same "
              "text? Give [(a), (b)]."),
    answer=sp.Matrix([_PPL, 8]),
    hint="perplexity = exp(average negative log-likelihood) = 2 ** (average bits): the "
         "surprises are 1, 2, 3 and 1 bits, average 7/4. The uniform model gives every token "
         "probability 1/8.",
    sample_right="[2^(7/4), 8]",
    sample_wrong=[sp.Rational(7, 4), 8],
    mistakes=[
        ([sp.Rational(7, 4), 8], "(a) 7/4 is the average surprise in bits (the cross-entropy); "
                                 "the perplexity is 2 to that power"),
        ([sp.Rational(7, 4) * sp.log(2), 8], "(a) is the average negative log-likelihood in "
                                             "nats; the perplexity is exp of it"),
        ([sp.exp(sp.Rational(7, 4)), 8], "(a) mixes bases: 7/4 is in bits, so raise 2 (not "
                                         "e) to it, or exp the average in nats"),
        ([128, 8], "(a) is exp of the total, not of the average: divide the summed negative "
                   "log-likelihood by the number of tokens (4) first"),
        ([4, 8], "(a) is the average of 1/q; the perplexity is the geometric mean of 1/q, "
                 "(2 * 4 * 8 * 2) ** (1/4)"),
        ([_PPL, 3], "(b) 3 bits is the uniform model's cross-entropy; its perplexity is "
                    "2 ** 3 = 8, the size of the vocabulary"),
    ],
)

# ---------------------------------------------------------------------------
# proof: H(p) <= log n

# The slack of the tangent-line step for p = (1/2, 1/4, 1/8, 1/8), n = 4: u_k = 1/(4 p_k)
# = (1/2, 1, 2, 2), and sum_k p_k (u_k - 1 - log u_k) = log 4 - H(p) = log(2)/4.
_SLACK = sp.log(2) / 4

register(
    "ch04-ex7",
    kind="proof",
    solution_claim="entropy.log-n-bound",
    rtol=DECIMALS,
    question=("Prove H(p) <= log n for every distribution p on n outcomes (zeros allowed) "
              "with Jensen's inequality for the concave logarithm, in its tangent-line form "
              "log u <= u - 1 applied to u_k = 1/(n p_k) on the support, without Lagrange "
              "multipliers or KL. Then, for p = (1/2, 1/4, 1/8, 1/8), compute in nats the "
              "slack of the tangent-line step, sum_k p_k (u_k - 1 - log u_k)."),
    answer=_SLACK,
    hint="u = (1/2, 1, 2, 2); each term p_k (u_k - 1 - log u_k) is >= 0 and the one with "
         "u_k = 1 is 0. Summed, the slack is log n - H(p) (all p_k > 0 here).",
    sample_right="log(4) - 7*log(2)/4",
    sample_wrong=sp.Rational(1, 4),
    mistakes=[
        (sp.Rational(1, 4), "1/4 is the slack in bits; the question asks for nats "
                            "(multiply by log 2)"),
        (-_SLACK, "the sign is wrong: every term u - 1 - log u is >= 0, so the slack is too"),
        (sp.Rational(7, 4) * sp.log(2), "that is H(p) itself; the slack is what the "
                                        "tangent-line step loses, log n - H(p)"),
        (sp.log(4), "log 4 is the bound itself; the slack is log n - H(p)"),
        (0, "0 would mean the bound is tight, which needs u_k = 1 for every k (p uniform); "
            "here u = (1/2, 1, 2, 2)"),
        (sp.Rational(3, 8) - _SLACK, "that uses u_k = n p_k (the reciprocal); the chain's "
                                     "u_k is 1/(n p_k)"),
    ],
)


# ---------------------------------------------------------------------------
# coding task: a stable entropy function


def model_entropy(p, base=None):
    """A model solution: the entropy of a 1-d distribution p, in nats (or in ``base``).

    Terms with p_i = 0 count 0 (the limit of t log t); the work is done in float64 (so a
    float32 input loses nothing more); the input is not modified."""
    p = np.asarray(p, dtype=np.float64)
    positive = p > 0
    terms = np.zeros_like(p)
    terms[positive] = p[positive] * np.log(p[positive])
    h = -float(terms.sum()) + 0.0
    return h if base is None else h / float(np.log(base))


def _naive_entropy(p, base=None):
    p = np.asarray(p)
    h = -np.sum(p * np.log(p))
    return h if base is None else h / np.log(base)


def _exact_entropy(values, base=None):
    """-sum p log p of the floats in ``values`` (each an exact rational), at 50 digits."""
    distinct, counts = np.unique(np.asarray(values, dtype=np.float64), return_counts=True)
    h = -sum(int(c) * sp.Rational(float(v)) * sp.log(sp.Rational(float(v)))
             for v, c in zip(distinct, counts, strict=True) if v > 0)
    return exact(h if base is None else h / sp.log(base))


def _entropy_tests(fn) -> list[str]:
    failures = []
    cases = [
        (np.array([0.5, 0.5]), {}, "a fair coin has log 2 = 0.6931... nats (natural log by "
                                   "default)"),
        (np.array([0.5, 0.5]), {"base": 2}, "a fair coin has 1 bit with base=2: divide the "
                                            "nats by log(base)"),
        (np.array([0.5, 0.25, 0.25, 0.0]), {}, "a zero probability contributes 0 (0 log 0 = 0"
                                               " is the limit of t log t); 0 * log(0) is nan "
                                               "in floating point, so skip those terms"),
        (np.array([0.0, 0.0, 1.0, 0.0]), {}, "a one-hot distribution (a certain outcome) has "
                                             "entropy exactly 0"),
        (np.full(6, 1 / 6), {"base": 10}, "a fair die in base 10 is log10(6)"),
        (np.full(1_000_000, 1e-6), {}, "a uniform distribution on n = 10^6 outcomes has "
                                       "entropy log(10^6)"),
        (np.array([1 - 3e-12, 1e-12, 1e-12, 1e-12]), {}, "one likely outcome and three tiny "
                                                         "ones: every term has the same sign, "
                                                         "so nothing should be lost"),
        (np.array([0.1, 0.2, 0.7, 0.0], dtype=np.float32), {"base": 2},
         "float32 input (with a zero): the entropy of the float32 values in bits, to "
         "float32 accuracy, with no nan"),
    ]
    for p, kwargs, message in cases:
        before = p.copy()
        label = (f"p of length {p.size}" if p.size > 8 else f"p = {p.tolist()}") + (
            f", base={kwargs['base']}" if kwargs else "") + (
            " (float32)" if p.dtype == np.float32 else "")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                got = float(fn(p, **kwargs))
            except Exception as err:  # noqa: BLE001 - the student's error is reported
                failures.append(f"{label}: raised {type(err).__name__}: {message}")
                continue
        if not np.array_equal(p, before):
            failures.append(f"{label}: your function changed its input")
        if caught:
            failures.append(f"{label}: warned ({caught[0].message}); handle the zeros "
                            "without computing log(0)")
        want = _exact_entropy(p, kwargs.get("base"))
        # float32 input: the entropy of the float32 values to float32 accuracy (a few
        # units of 2^-24), whether the function works in float32 or in float64
        # float64: a sum of n terms of one sign has a relative error of at most about
        # n * 2^-53 (recursive summation, e.g. a Python loop; np.sum's pairwise
        # summation is within about log2(n) * 2^-53), so the tolerance grows with n
        rtol = 4 * 2.0**-24 if p.dtype == np.float32 else max(1e-12, p.size * 2.0**-53)
        ok = got == want if want == 0 else abs(got - want) <= rtol * abs(want)
        if not ok:
            failures.append(f"{label}: returned {got!r}, expected {want!r}: {message}")
    return failures


register(
    "ch04-ex8",
    kind="coding",
    question=("Write entropy(p, base=None) for a distribution p given as a 1-d numpy array: "
              "-sum p log p in nats, or in the given base, with 0 log 0 = 0, no nan and no "
              "warning for zeros, accurate for float32 input (to float32 precision) and fast "
              "enough for n = 10^6 outcomes (a loop is accepted; the tests allow a relative "
              "error of max(1e-12, n * 2^-53), the bound for summing n terms of one sign)."),
    hint="convert p to float64 (np.asarray(p, dtype=np.float64), a copy for float32 input), "
         "compute p_i log p_i only where p_i > 0 (a boolean mask), sum and negate, and divide "
         "by log(base) if a base is given.",
    tests=_entropy_tests,
    mistakes=[
        (_naive_entropy, "the function computes p log p also where p = 0: log(0) = -inf "
                         "warns, and 0 * (-inf) is nan. Give those terms the value 0 "
                         "(0 log 0 = 0) without evaluating log(0), e.g. with a boolean mask "
                         "p > 0"),
    ],
    sample_right=model_entropy,
    sample_wrong=_naive_entropy,
)
