"""Exercises of chapter 1 (Preliminaries): logs, sigmoid, softplus, likelihood, Leibniz rule.

Five computations, a proof (softplus is convex; its model solution is the checked chain
``softplus.second-derivative``) and a coding task (a softplus that neither overflows
nor loses the tiny values of the left tail), tested against exact values computed by
SymPy and against :func:`lossbook.softplus`. The model solution :func:`model_softplus`
can be read with ``inspect.getsource`` after solving the task.
"""

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p  # log(1 + tiny) to full precision

from . import register
from ._coding import exact as _exact

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
    mistakes=[
        ("log(10)/log(t)", "the fraction is upside down: log_10(t) is the exponent c with "
                           "10^c = t, so c log(10) = log(t)"),
        ("log(t)*log(10)", "change of base divides by log(10); it does not multiply"),
        ("log(t)", "log(t) is the natural logarithm itself; log_10(t) is smaller by the "
                   "factor 1/log(10)"),
    ],
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
    question="Write softplus(x) + softplus(-x) as a single logarithm.",
    answer=sp.log(2 + sp.exp(x) + sp.exp(-x)),
    symbols=(x,),
    hint="log a + log b = log(ab); multiply out (1 + e^x)(1 + e^(-x)), using e^x e^(-x) = 1.",
    sample_right="log(2 + exp(x) + exp(-x))",
    sample_wrong="0",
    mistakes=[
        ("0", "the two terms do not cancel: both are positive (it is their difference that "
              "simplifies, to x)"),
        ("x", "x is the difference softplus(x) - softplus(-x); the sum is a logarithm of a "
              "product"),
        ("log(1 + exp(x) + exp(-x))", "multiplying out (1 + e^x)(1 + e^(-x)) gives four terms: "
                                      "1 + e^x + e^(-x) + e^x e^(-x), and the last is 1"),
        ("abs(x)", "|x| is what the sum approaches for large |x|; the exact value is a "
                   "logarithm"),
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
    question=("For X ~ N(mu, 1), compute d/dmu E[X^3] by differentiating under the integral "
              "sign."),
    answer=3 * mu**2 + 3,
    symbols=(mu,),
    hint="write X = mu + Z with Z ~ N(0, 1), expand (mu + Z)^3 and ask which moments of Z "
         "vanish; or move the derivative onto the density, d/dmu phi = phi (t - mu).",
    sample_right="3*(mu^2 + 1)",
    sample_wrong="mu^3 + 3*mu",
    mistakes=[
        ("mu^3 + 3*mu", "that is E[X^3] itself; the exercise asks for its derivative in mu"),
        ("3*mu^2", "E[X^3] is not mu^3: the noise adds 3 mu E[Z^2] = 3 mu, whose derivative "
                   "is 3"),
        ("2*mu", "2 mu is the derivative of E[X^2] (the text's example); here the power is 3"),
    ],
)

register(
    "ch01-ex6",
    kind="proof",
    solution_claim="softplus.second-derivative",
    question=("Show that softplus is strictly convex: its second derivative is positive "
              "everywhere. What is zeta''(x), in terms of sigma?"),
    answer=_sigma(x) * _sigma(-x),
    symbols=(x,),
    hint="differentiate zeta' = sigma once more: sigma' = sigma (1 - sigma), and "
         "1 - sigma(x) = sigma(-x).",
    sample_right="sigma(x)*(1 - sigma(x))",
    sample_wrong="sigma(x)",
    mistakes=[
        ("sigma(x)", "sigma(x) is the first derivative zeta'(x); differentiate once more"),
        ("sigma(x)*(1 + sigma(x))", "a sign: sigma' = sigma (1 - sigma)"),
        ("1 - sigma(x)", "the factor sigma(x) is missing: sigma' = sigma (1 - sigma)"),
    ],
)


# ---------------------------------------------------------------------------
# coding task: a stable softplus


def model_softplus(x):
    """A model solution: softplus log(1 + e^x), elementwise, as max(x, 0) + log1p(e^-|x|).

    Only e of a non-positive number is taken (no overflow), and log1p keeps the tiny
    values of the left tail, where 1 + e^x rounds to 1.
    """
    x = np.asarray(x)
    x = x.astype(np.result_type(x, np.float32))  # ints become floats; float32 stays
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _softplus_tests(fn) -> list[str]:
    failures = []
    e = sp.exp
    cases = [
        (800.0, 800 + log1p(e(-800)), 1e-15, "overflow: e^800 is inf in float64. Write "
         "softplus(x) = max(x, 0) + log1p(e^-|x|), which only takes e of a number <= 0."),
        (30.0, 30 + log1p(e(-30)), 1e-15, "wrong value at x = 30 (about 30 + 9.4e-14)."),
        (0.0, sp.log(2), 1e-15, "softplus(0) is log 2."),
        (-40.0, log1p(e(-40)), 1e-13, "the value is 4.25e-18, but 1 + e^-40 rounds to 1 and "
         "log(1) = 0: use np.log1p for log(1 + small)."),
        (-700.0, log1p(e(-700)), 1e-13, "the value is 9.9e-305: e^-700 is tiny but "
         "representable; log1p(e^x) keeps it, log(1 + e^x) gives 0."),
    ]
    for x, exact, rtol, message in cases:
        with np.errstate(all="ignore"):
            got = np.asarray(fn(np.array(x)), dtype=float)
        want = _exact(exact)
        if not (np.isfinite(got).all() and abs(float(got) - want) <= rtol * abs(want)):
            failures.append(f"softplus({x:g}) returned {float(got)!r}: {message}")
    # the subnormal tail: e^-740 = 4.2e-322 is a float64 with only a few significant digits
    with np.errstate(all="ignore"):
        got = float(np.asarray(fn(np.array(-740.0)), dtype=float))
    if abs(got - _exact(log1p(e(-740)))) > 4 * 2.0**-1074:
        failures.append(f"softplus(-740) returned {got!r}, expected about 4.2e-322 (a "
                        "subnormal number): use log1p(e^x) on the left.")
    # float32: e^100 overflows (the largest float32 is 3.4e38)
    with np.errstate(all="ignore"):
        got32 = np.asarray(fn(np.array([100.0, -10.0], dtype=np.float32)))
    want32 = np.array([_exact(100 + log1p(e(-100))), _exact(log1p(e(-10)))])
    if got32.shape != (2,) or not np.allclose(got32.astype(float), want32, rtol=1e-6, atol=0):
        failures.append(f"float32 [100, -10] returned {got32.tolist()}: e^100 overflows in "
                        "float32; take e of -|x| only.")
    # arrays: elementwise, same shape, input untouched, against the library
    from ..activations import softplus

    rng = np.random.default_rng(1)
    xs = rng.standard_normal((3, 5)) * 30
    before = xs.copy()
    with np.errstate(all="ignore"):
        got = np.asarray(fn(xs))
    if not np.array_equal(xs, before):
        failures.append("your function changed its input array")
    if got.shape != xs.shape:
        failures.append(f"a (3, 5) input gave shape {got.shape}: work elementwise")
    elif not np.allclose(got, softplus(xs), rtol=1e-13, atol=0):
        failures.append("wrong values on a random (3, 5) array (compared with lb.softplus)")
    return failures


register(
    "ch01-ex7",
    kind="coding",
    question=("Write softplus(x) = log(1 + e^x) for numpy arrays, elementwise: finite for "
              "every finite float32 or float64 input, and accurate in the left tail, where "
              "the value is tiny."),
    hint="split off the larger of 0 and x: log(1 + e^x) = max(x, 0) + log(1 + e^{-|x|}), "
         "and compute log(1 + small) with np.log1p.",
    tests=_softplus_tests,
    sample_right=model_softplus,
    sample_wrong=lambda x: np.log(1 + np.exp(np.asarray(x, dtype=float))),
)
