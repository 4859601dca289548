"""Exercises of chapter 8 (Numerical stability).

The two coding tasks are tested against exact values (SymPy, 30 digits) at the inputs
where the textbook formulas fail, and against ``lossbook`` on random inputs. The model
solutions :func:`model_logsumexp` and :func:`model_bce_with_logits` are short numpy
functions a student can read with ``inspect.getsource`` after solving the task.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p  # evaluates log(1 + tiny) to full precision

from . import register
from ._coding import exact as _exact

# A numeric answer may be rounded to four significant digits (relative error <= 5e-4).
DECIMALS = 5e-4

LOG_MAX32 = sp.log((2 - sp.Rational(1, 2**23)) * sp.Integer(2) ** 127)
LOG_TINY32 = sp.log(sp.Integer(2) ** -149)  # the smallest subnormal float32
LOG_NORMAL32 = sp.log(sp.Integer(2) ** -126)  # the smallest normal float32
LOG_TINY64 = sp.log(sp.Integer(2) ** -1074)

register(
    "ch08-ex1",
    kind="computation",
    rtol=DECIMALS,
    question="In float32, below which x does exp(x) return exactly 0? Give x to four "
             "significant digits.",
    answer=-150 * sp.log(2),
    hint="the smallest float32 is the subnormal 2^-149, and rounding to nearest still gives "
         "it for every e^x above half of it: exp(x) is 0 once e^x < 2^-150.",
    mistakes=[(LOG_TINY32, "-103.3 is log(2^-149), the smallest subnormal itself; rounding to "
                           "nearest maps everything down to half of it, 2^-150, onto it."),
              (LOG_NORMAL32, "-87.34 is the log of the smallest normal number; below it the "
                             "subnormal numbers continue down to 2^-149."),
              (-LOG_MAX32, "-88.72 is minus the overflow threshold log(3.4e38); the smallest "
                           "numbers are subnormal and go much further down."),
              (LOG_TINY64, "-744.4 is float64's smallest subnormal; the question is about "
                           "float32.")],
    sample_right=-103.97,
    sample_wrong=-103.28,
)

register(
    "ch08-ex2",
    kind="computation",
    rtol=DECIMALS,
    atol=0.0,
    question="A three-class model outputs the logits z = (5, -33, -35) and the correct class "
             "is the first. What is the cross-entropy loss, to four significant digits?",
    answer=sp.log(1 + sp.exp(-38) + sp.exp(-40)),
    hint="shift the logits by the largest one: the loss is log(1 + e^{z_2 - z_1} + "
         "e^{z_3 - z_1}), and for a tiny v, log(1 + v) is about v.",
    mistakes=[(0, "0 is what logsumexp(z) - z_1 gives in float64: 1 + 3.6e-17 rounds to 1. "
                  "The exact loss is tiny but positive; log(1 + v) is about v."),
              (sp.exp(-38), "that counts only the second class; the third adds e^-40."),
              (sp.log(1 + sp.exp(-33) + sp.exp(-35)),
               "the logits must be shifted by the largest one, 5: the gaps are 38 and 40."),
              (-sp.log(1 + sp.exp(-38) + sp.exp(-40)),
               "a loss -log p is never negative: check the sign.")],
    sample_right=3.564e-17,
    sample_wrong=0,
)

register(
    "ch08-ex3",
    kind="computation",
    question="What is the gap between 1000 and the next larger float64 number "
             "(np.spacing(1000.0))? Give it exactly, as a power of 2.",
    answer=sp.Rational(1, 2**43),
    rtol=1e-9,
    atol=0.0,
    hint="1000 lies between 2^9 and 2^10, and float64 keeps 52 fraction bits: the gap is "
         "2^(9 - 52).",
    mistakes=[(sp.Rational(1, 2**52), "2^-52 is the gap above 1; above 1000 the exponent is 9, "
                                      "so the gap is 2^9 times larger."),
              (sp.Rational(1000, 2**52), "1000 * 2^-52 scales by 1000 itself; the gap is a "
                                         "power of two, set by the power of two below 1000 "
                                         "(512 = 2^9)."),
              (sp.Rational(1, 2**42), "2^-42 would be the gap above 1024 = 2^10; 1000 is "
                                      "still below it."),
              (sp.Rational(1, 2**44), "2^-44 is half the gap (the largest rounding error "
                                      "near 1000), not the gap itself.")],
    sample_right="2^-43",
    sample_wrong="2^-52",
)

register(
    "ch08-ex4",
    kind="proof",
    question="Show that p log(p/q) - (p - q) >= 0 for p, q > 0, and conclude that for two "
             "distributions KL(p || q) is a sum of non-negative terms, so computing it "
             "this way involves no cancellation.",
    hint="write p log(p/q) = -p log(q/p) and use log v <= v - 1 at v = q/p; the p - q add "
         "up to 0 when both distributions sum to 1.",
    solution_claim="stability.kl-term-nonneg",
)


# ---------------------------------------------------------------------------
# coding tasks


def model_logsumexp(x):
    """A model solution: log sum_k e^{x_k} of a 1-d array, stable and accurate."""
    x = np.asarray(x, dtype=np.result_type(x, np.float32))
    top = np.argmax(x)
    m = x[top]
    if not np.isfinite(m):  # all -inf, or a +inf entry: the sum is 0 or inf
        return m
    others = np.delete(x, top) - m  # every exponent <= 0
    return m + np.log1p(np.exp(others).sum())


def _rel_err(got, want) -> float:
    got = float(got)
    if not np.isfinite(got):
        return np.inf
    return abs(got - want) / abs(want) if want != 0 else abs(got)


def _logsumexp_tests(fn) -> list[str]:
    failures = []
    e = sp.exp
    cases = [
        ([1000.0, 1000.0], 1000 + sp.log(2), "overflow: e^1000 is inf in float64. Subtract "
         "the maximum before taking exp (the shift identity)."),
        ([-1000.0, -1000.0], -1000 + sp.log(2), "underflow: every e^-1000 is 0, so log(0) = "
         "-inf. Subtract the maximum first."),
        ([0.0, -40.0], log1p(e(-40)), "the result is 4.25e-18, but 1 + e^-40 rounds to 1: "
         "keep the largest term apart and use log1p of the sum of the others."),
        ([3.0, 1.0, -2.0], sp.log(e(3) + e(1) + e(-2)), "wrong value on an ordinary row."),
        ([-np.inf, 3.0], sp.Integer(3), "an entry -inf contributes e^-inf = 0; the result is 3."),
    ]
    for row, exact, message in cases:
        x = np.array(row)
        before = x.copy()
        with np.errstate(all="ignore"):
            got = fn(x)
        if not np.array_equal(x, before):
            failures.append(f"your function changed its input {row}")
        if _rel_err(got, _exact(exact)) > 1e-13:
            failures.append(f"logsumexp({row}) returned {float(got)!r}: {message}")
    big = np.array([100.0, 100.0], dtype=np.float32)
    with np.errstate(all="ignore"):
        got = fn(big)
    if _rel_err(got, _exact(100 + sp.log(2))) > 1e-6:
        failures.append(f"float32 [100, 100] returned {float(got)!r}: e^100 overflows float32 "
                        "(largest 3.4e38); subtract the maximum.")
    from ..activations import logsumexp

    rng = np.random.default_rng(8)
    for _ in range(20):
        row = rng.standard_normal(rng.integers(1, 9)) * 50
        if _rel_err(fn(row), float(logsumexp(row))) > 1e-12:
            failures.append(f"random row {row.round(3).tolist()}: {float(fn(row))!r}, expected "
                            f"{float(logsumexp(row))!r}")
            break
    return failures


register(
    "ch08-ex5",
    kind="coding",
    question="Write logsumexp(x) for a 1-d numpy array: finite for every finite input, "
             "accurate (relative error ~1e-15) also when the result is tiny, as for [0, -40].",
    hint="shift by the maximum m (every exponent <= 0), then write the sum as 1 + (the "
         "others) and take np.log1p of the others.",
    tests=_logsumexp_tests,
    sample_right=model_logsumexp,
    sample_wrong=lambda x: np.log(np.sum(np.exp(np.asarray(x, dtype=float)))),
)


def model_bce_with_logits(z, t):
    """A model solution: elementwise binary cross-entropy of sigma(z) against t, as the
    sum of the two non-negative terms t softplus(-z) + (1 - t) softplus(z)."""
    z = np.asarray(z, dtype=float)
    t = np.asarray(t, dtype=float)
    return t * np.logaddexp(0.0, -z) + (1 - t) * np.logaddexp(0.0, z)


def _bce_tests(fn) -> list[str]:
    failures = []
    e = sp.exp
    tiny = log1p(e(-40))
    cases = [
        (800.0, 0.0, sp.Integer(800), "overflow: e^800 is inf. Use softplus(z) = max(z, 0) "
         "+ log1p(e^-|z|), which only takes e of a non-positive number."),
        (-800.0, 1.0, sp.Integer(800), "the sigmoid underflowed to 0 and log(0) = -inf: work "
         "from the logit, never from sigma(z)."),
        (800.0, 1.0, log1p(e(-800)), "a certain, correct prediction costs (almost) "
         "nothing; nan means 0 * log(0): drop the term whose weight is 0."),
        (40.0, 1.0, tiny, "the loss is 4.25e-18, but 1 - sigma(40) rounds to 0 and "
         "max(z, 0) - t z + log1p(...) keeps it only if the log1p term is added after the two "
         "large terms have cancelled; t softplus(-z) + (1 - t) softplus(z) always keeps it."),
        (-40.0, 0.0, tiny, "the loss is 4.25e-18 (label 0, logit -40): compute softplus(z) "
         "directly, not z - log sigma(z)."),
        (2.0, 0.3, 0.3 * sp.log(1 + e(-2)) + 0.7 * sp.log(1 + e(2)),
         "wrong value for a soft target t = 0.3."),
    ]
    for z, t, exact, message in cases:
        with np.errstate(all="ignore"):
            got = fn(np.array([z]), np.array([t]))
        got = float(np.ravel(got)[0])
        if _rel_err(got, _exact(exact)) > 1e-12:
            failures.append(f"z = {z}, t = {t}: returned {got!r}: {message}")
    from ..losses import binary_cross_entropy_with_logits

    rng = np.random.default_rng(9)
    z = rng.standard_normal(50) * 5
    t = rng.uniform(size=50)
    want = binary_cross_entropy_with_logits(z, t, reduction="none")
    with np.errstate(all="ignore"):
        got = np.asarray(fn(z.copy(), t.copy()), dtype=float)
    if got.shape != z.shape or not np.allclose(got, want, rtol=1e-12, atol=1e-15):
        failures.append("random logits and soft targets: values differ from "
                        "lb.binary_cross_entropy_with_logits(z, t, reduction='none')")
    return failures


register(
    "ch08-ex6",
    kind="coding",
    question="Write bce_with_logits(z, t): the elementwise binary cross-entropy of sigma(z) "
             "against targets t in [0, 1], finite for every finite z and accurate when the "
             "loss is tiny (z = 40, t = 1).",
    hint="never form sigma(z): use t softplus(-z) + (1 - t) softplus(z) with a stable "
         "softplus (max(u, 0) + log1p(exp(-|u|)), or np.logaddexp(0, u)).",
    tests=_bce_tests,
    sample_right=model_bce_with_logits,
    sample_wrong=lambda z, t: -(t * np.log(1 / (1 + np.exp(-z)))
                                + (1 - t) * np.log(1 - 1 / (1 + np.exp(-z)))),
)
