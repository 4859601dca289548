"""Exercises of chapter 4 (Entropy).

Graded: the entropy of a die and of a coin in bits, differential entropies (computations);
conditional entropy and mutual information of a small table, perplexity of a model's
predictions (computations with two halves, both checked); H(p) <= log n (a proof, the
checked chain ``entropy.log-n-bound`` is the model solution); an entropy function that
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
    question="What is the entropy of a fair six-sided die, in bits?",
    answer=sp.log(6) / sp.log(2),
    hint="six equally likely outcomes: H = log(6) in nats; divide by log(2) for bits.",
    sample_right="log(6)/log(2)",
    sample_wrong="log(6)",
    mistakes=[
        (6, "6 is the number of outcomes; the entropy is its base-2 logarithm, log2(6)"),
        (sp.Rational(1, 6), "1/6 is the probability of one face; the entropy is the "
                            "expected surprise -log2(1/6) = log2(6)"),
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
    mistakes=[
        ("1/a", "1/a is the density itself; the entropy is the expectation of -log(1/a)"),
    ],
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

register(
    "ch04-ex7",
    kind="proof",
    solution_claim="entropy.log-n-bound",
    question=("Prove H(p) <= log n for every distribution p on n outcomes with Jensen's "
              "inequality for the concave logarithm (or its tangent line log u <= u - 1), "
              "without Lagrange multipliers or KL. Equality in log u <= u - 1 needs u = 1: "
              "which probability p_k does that force, for n = 5?"),
    answer=sp.Rational(1, 5),
    hint="write H(p) - log n = sum_k p_k log(1 / (n p_k)) and bound each log by u - 1; the "
         "bound is tight only where u = 1/(n p_k) = 1.",
    sample_right="1/5",
    sample_wrong=1,
    mistakes=[
        (1, "u = 1 is the point where the tangent line touches the logarithm; the question "
            "asks for the p_k with 1 / (5 p_k) = 1"),
        (sp.log(5), "log 5 is the largest entropy itself; the question asks for the "
                    "probability of each outcome at that maximum"),
        (5, "1 / (n p_k) = 1 gives p_k = 1/n, not n"),
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
                                       "entropy log(10^6): use vectorised numpy, not a loop"),
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
        rtol = 4 * 2.0**-24 if p.dtype == np.float32 else 1e-12
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
              "enough for n = 10^6 outcomes."),
    hint="convert p to float64 (np.asarray(p, dtype=np.float64), a copy for float32 input), "
         "compute p_i log p_i only where p_i > 0 (a boolean mask), sum and negate, and divide "
         "by log(base) if a base is given.",
    tests=_entropy_tests,
    sample_right=model_entropy,
    sample_wrong=_naive_entropy,
)
