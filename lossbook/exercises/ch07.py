"""Exercises of chapter 7 (softmax and multi-class cross-entropy)."""

import numpy as np
import sympy as sp

from .. import activations, gradients
from . import register
from ._coding import call_quietly

DECIMALS = 5e-4
_u = sp.Dummy("u")
LOG2 = {"log2": sp.Lambda(_u, sp.log(_u) / sp.log(2))}
x, a = sp.symbols("x a", real=True)

_E = [sp.E, sp.E**2, sp.Integer(1)]          # e^z for z = (1, 2, 0)
_S = [v / sp.Add(*_E) for v in _E]            # softmax(1, 2, 0)

register(
    "ch07-ex1",
    kind="computation",
    rtol=DECIMALS,
    question=("Logits z = (1, 2, 0) and the correct class 0 (the first entry). Give the "
              "gradient of the softmax cross-entropy with respect to z, as a list of three "
              "numbers."),
    answer=[_S[0] - 1, _S[1], _S[2]],
    hint="the gradient is softmax(z) - y with y the one-hot vector of the correct class.",
    mistakes=[
        ([1 - _S[0], -_S[1], -_S[2]], "the sign slipped: the gradient is softmax(z) - y, "
                                       "so the correct logit's entry is negative."),
        (_S, "the one-hot target is missing: subtract 1 at the correct class."),
        ([_S[0], _S[1] - 1, _S[2]], "class 0 is the FIRST entry (0-based index): subtract "
                                     "the 1 there, not at the largest logit."),
    ],
    sample_right=[0.2447 - 1, 0.6652, 0.09003],
    sample_wrong=[0.2447, 0.6652, 0.09003],
)

register(
    "ch07-ex2",
    kind="computation",
    rtol=1e-9,
    functions=LOG2,
    question="What is logsumexp(1000, 1000, 1000), in nats? Give an exact expression.",
    answer=1000 + sp.log(3),
    hint="the value is finite even though e^1000 overflows in floating point: take out "
         "the largest entry, logsumexp(z) = m + log sum_k e^(z_k - m).",
    mistakes=[
        (1000, "log-sum-exp is at least the maximum and here exceeds it by log n: three equal "
               "entries add log 3."),
        (1000 + sp.log(3) / sp.log(2), "that adds log base 2 of 3; log-sum-exp uses the "
                                       "natural logarithm."),
        (3000, "the logarithm of a sum is not the sum of the entries."),
    ],
    sample_right="1000 + log(3)",
    sample_wrong=1000,
)

register(
    "ch07-ex3",
    kind="proof",
    solution_claim="ce.grad-sum-zero",
    question=("Show that the entries of the gradient softmax(z) - y of the cross-entropy sum "
              "to zero for every target y with sum_k y_k = 1. What is the sum?"),
    answer=sp.Integer(0),
    hint="split the sum: both the softmax and the target sum to 1.",
    mistakes=[
        (1, "the softmax sums to 1, and so does the target: their difference sums to 0."),
        (-1, "the softmax sums to 1, and so does the target: their difference sums to 0."),
    ],
    sample_right=0,
    sample_wrong=1,
)

register(
    "ch07-ex4",
    kind="proof",
    solution_claim="sigmoid.max-shift",
    symbols=(x, a),
    question=("Show that softmax(x - a, -a)_1 does not depend on the shift a, and write it as "
              "a function of x (use sigma(x) or exp)."),
    answer=1 / (1 + sp.exp(-x)),
    hint="multiply numerator and denominator by e^a.",
    mistakes=[
        (sp.exp(-a), "the shift cancels between numerator and denominator: a must not appear."),
        (sp.exp(x), "the denominator is e^(x-a) + e^(-a): after cancelling e^(-a) it is "
                    "e^x + 1."),
        (1 / (1 + sp.exp(x)), "that is softmax(x - a, -a)_2 = sigma(-x), the other entry."),
    ],
    sample_right="exp(x)/(1 + exp(x))",
    sample_wrong="exp(x - a)",
)


JACOBIAN_POINTS = [np.array([2.0, 1.0, -1.0]), np.array([0.0, 0.0]),
                   np.array([1000.0, 0.0, -1000.0, 3.0])]


def jacobian_tests(fn) -> list[str]:
    """Failures of a student's softmax Jacobian (1-d logits -> (n, n) matrix)."""
    fails = []
    for zs in JACOBIAN_POINTS:
        got, caught = call_quietly(fn, zs)
        want = gradients.softmax_jacobian(zs)
        if got.shape != want.shape:
            return [f"for n = {zs.size} logits the Jacobian is {want.shape}, got {got.shape}"]
        s = activations.softmax(zs)
        swapped = s[None, :] * (np.eye(zs.size) - s[None, :])   # s_j (delta_ij - s_j)
        if not np.allclose(got, want, atol=1e-12) and np.allclose(got, swapped, atol=1e-12):
            return ["the index slipped: the entry (i, j) is s_i (delta_ij - s_j), with s_i "
                    "in front (s_j (delta_ij - s_j) is the slip of source 001)"]
        if np.allclose(got, -np.outer(s, s), atol=1e-12):
            return ["the diagonal term is missing: the entry is s_i (delta_ij - s_j), so the "
                    "diagonal is s_i (1 - s_i)"]
        if not np.all(np.isfinite(got)):
            fails.append(f"at z = {zs.tolist()} the Jacobian is not finite: e^1000 overflows; "
                         "compute the softmax from z - max(z)")
        elif not np.allclose(got, want, rtol=1e-9, atol=1e-15):
            fails.append(f"at z = {zs.tolist()} the Jacobian should be {want.round(6).tolist()}")
        if caught:
            fails.append(f"numpy warned: {caught[0]}")
    return fails


def _naive_softmax(zs):
    e = np.exp(zs)
    return e / e.sum()


register(
    "ch07-ex5",
    kind="coding",
    question=("Write softmax_jacobian(z) for a 1-d float64 array of n logits: the n x n "
              "matrix of the derivatives d softmax(z)_i / d z_j, finite for every finite z."),
    tests=jacobian_tests,
    hint="J = diag(s) - s s^T with s = softmax(z), computed from the shifted logits z - max z.",
    mistakes=[
        (lambda zs: activations.softmax(zs)[None, :]
         * (np.eye(zs.size) - activations.softmax(zs)[None, :]), "the index slipped"),
        (lambda zs: -np.outer(activations.softmax(zs), activations.softmax(zs)),
         "the diagonal term is missing"),
    ],
    sample_right=lambda zs: (np.diag(activations.softmax(zs))
                             - np.outer(activations.softmax(zs), activations.softmax(zs))),
    sample_wrong=lambda zs: np.diag(_naive_softmax(zs)) - np.outer(_naive_softmax(zs),
                                                                  _naive_softmax(zs)),
)


LOG_SOFTMAX_POINTS = [np.array([2.0, 1.0, -1.0]), np.array([1000.0, 1000.0]),
                      np.array([-1000.0, 0.0, 5.0])]


def log_softmax_tests(fn) -> list[str]:
    """Failures of a student's stable log-softmax (1-d logits)."""
    fails = []
    for zs in LOG_SOFTMAX_POINTS:
        got, caught = call_quietly(fn, zs)
        want = activations.log_softmax(zs)
        if got.shape != zs.shape:
            return [f"log_softmax(z) has the shape of z {zs.shape}, got {got.shape}"]
        if np.allclose(got, zs - zs.max(), atol=1e-12) and not np.allclose(got, want):
            return ["you subtracted the maximum but not log sum_k e^(z_k - max): "
                    "log_softmax(z) = (z - m) - log sum_k e^(z_k - m)"]
        if not np.all(np.isfinite(got)):
            fails.append(f"at z = {zs.tolist()} the result is not finite: exponentials of "
                         "large logits overflow and tiny probabilities underflow before the "
                         "log; shift by the maximum and never form the probabilities")
        elif not np.allclose(got, want, rtol=1e-12, atol=1e-12):
            fails.append(f"at z = {zs.tolist()} log_softmax should be {want.tolist()}, "
                         f"got {got.tolist()}")
        if caught:
            fails.append(f"numpy warned: {caught[0]}")
    return fails


register(
    "ch07-ex6",
    kind="coding",
    question=("Write log_softmax(z) for a 1-d float64 array of logits: log softmax(z)_i, "
              "finite and accurate for every finite z (try z = (1000, 1000) and "
              "z = (-1000, 0, 5))."),
    tests=log_softmax_tests,
    hint="log_softmax(z) = (z - m) - log(sum(exp(z - m))) with m = max(z).",
    mistakes=[
        (lambda zs: np.log(_naive_softmax(zs)), "the result is not finite"),
        (lambda zs: zs - zs.max(), "you subtracted the maximum but not log sum"),
    ],
    sample_right=lambda zs: (zs - zs.max()) - np.log(np.sum(np.exp(zs - zs.max()))),
    sample_wrong=lambda zs: np.log(_naive_softmax(zs)),
)
