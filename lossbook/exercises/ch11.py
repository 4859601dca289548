"""Exercises of chapter 11 (MSE vs cross-entropy vs hinge)."""

import numpy as np
import sympy as sp

from ..losses import multiclass_hinge
from ..symbolic import sigmoid
from ..training import hinge_objective
from . import register

DECIMALS = 5e-4  # a decimal rounded to four significant digits is accepted

# ---------------------------------------------------------------- 1: a multi-class hinge
register(
    "ch11-ex1",
    question=("The scores of three classes are s = (3, 2.5, -1) and the true class is the "
              "first. What is the Weston-Watkins hinge loss with margin 1?"),
    answer=sp.Rational(1, 2),
    hint="sum over the wrong classes j of max(0, s_j - s_y + 1); the true class is skipped.",
    mistakes=[
        (sp.Rational(3, 2), "the true class is not one of the terms: max(0, s_y - s_y + 1) = 1 "
                            "must not be added."),
        (sp.Rational(13, 2), "the difference is reversed: the term of class j is "
                             "max(0, s_j - s_y + 1), positive when s_j comes close to s_y."),
        (sp.Integer(0), "the margin is missing: without the + 1 a class 0.5 below the true "
                        "one costs nothing, with it it costs 0.5."),
    ],
    sample_right=0.5,
    sample_wrong=1.5,
)

# ------------------------------------------------- 2: the second multi-class cross-entropy
_s = (sp.Rational(7, 10), sp.Rational(2, 10), sp.Rational(1, 10))
register(
    "ch11-ex2",
    rtol=DECIMALS,
    question=("A model gives the probabilities s = (0.7, 0.2, 0.1) and the true class is the "
              "first. What is the second variant of the multi-class cross-entropy, "
              "-sum_j [y_j log s_j + (1 - y_j) log(1 - s_j)], in nats?"),
    answer=-sp.log(_s[0]) - sp.log(1 - _s[1]) - sp.log(1 - _s[2]),
    hint="the true class contributes -log 0.7; every other class j contributes -log(1 - s_j).",
    mistakes=[
        (-sp.log(_s[0]), "that is the ordinary cross-entropy -log 0.7; the variant adds "
                         "-log(1 - s_j) for the two other classes."),
        ((-sp.log(_s[0]) - sp.log(1 - _s[1]) - sp.log(1 - _s[2])) / sp.log(10),
         "that is in base 10 (decimal digits); the book's losses are in nats, natural log."),
        (-sp.log(_s[0]) - sp.log(_s[1]) - sp.log(_s[2]),
         "the other classes enter through 1 - s_j (the probability that the class is *not* "
         "present), not through s_j."),
    ],
    sample_right=0.6852,
    sample_wrong=0.3567,
)

# --------------------------------------------------------- 3: the factor that slows MSE
_u = sp.Integer(-4)
register(
    "ch11-ex3",
    rtol=DECIMALS,
    question=("A sigmoid neuron has the pre-activation u = -4 on an example with label 1. "
              "By what factor is the weight gradient of the half squared error "
              "(sigma(u) - y)^2 / 2 smaller than that of the cross-entropy? Give the ratio "
              "(MSE gradient) / (CE gradient)."),
    answer=sigmoid(_u) * (1 - sigmoid(_u)),
    hint="divide (sigma - y) x sigma'(u) by (sigma - y) x: what is left is sigma'(u).",
    mistakes=[
        (sigmoid(_u), "sigma(-4) is only one factor of sigma'(u) = sigma(u)(1 - sigma(u))."),
        (sp.exp(_u), "e^u is the tail approximation of sigma'(u); at u = -4 it is 4% too "
                     "large. Use sigma(u)(1 - sigma(u)) exactly."),
        (sp.Rational(1, 4), "1/4 is sigma'(0), the largest value; at u = -4 the neuron is "
                            "saturated."),
        (2 * sigmoid(_u) * (1 - sigmoid(_u)), "that is the ratio for (sigma - y)^2 without "
                                              "the factor 1/2."),
    ],
    sample_right=0.01766,
    sample_wrong=0.25,
)

# -------------------------------------------------------------- 4: sigma' <= 1/4 (proof)
register(
    "ch11-ex4",
    kind="proof",
    solution_claim="speed.sigma-prime-bound",
    question=("Show that sigma'(u) = sigma(u)(1 - sigma(u)) <= 1/4 for every real u, and "
              "find where equality holds. What is the largest value of sigma'?"),
    answer=sp.Rational(1, 4),
    hint="complete the square in s = sigma(u): s(1 - s) = 1/4 - (s - 1/2)^2.",
    mistakes=[(sp.Rational(1, 2), "1/2 is sigma(0), the output at u = 0; the slope there is "
                                  "sigma(0)(1 - sigma(0))."),
              (sp.Integer(1), "the output of a sigmoid is below 1, and its slope is at most "
                              "a quarter.")],
    sample_wrong=sp.Rational(1, 2),
)


# ------------------------------------------------------ 5: the multi-class hinge in code
def _reference_hinge(scores, labels, margin=1.0):
    return multiclass_hinge(np.asarray(scores, dtype=float), np.asarray(labels),
                            margin=margin, reduction="none")


def _tests_hinge(fn):
    cases = [
        (np.array([[10.0, 9.0, 9.0], [10.0, -10.0, -10.0], [10.0, 9.01, 9.0]]),
         np.array([0, 0, 0]), 1.0),
        (np.array([[3.0, 2.5, -1.0], [0.0, 0.0, 0.0], [-1.0, 2.0, 0.5]]), np.array([0, 1, 2]),
         1.0),
        (np.array([[1.0, 2.0, 3.0, 4.0]]), np.array([3]), 2.0),
        (np.array([[0.2, -0.3], [5.0, 1.0]]), np.array([1, 0]), 0.5),
    ]
    failures = []
    for scores, labels, margin in cases:
        scores_in, labels_in = scores.copy(), labels.copy()
        want = _reference_hinge(scores, labels, margin)
        try:
            got = np.asarray(fn(scores_in, labels_in, margin), dtype=float)
        except Exception as exc:  # noqa: BLE001 - the student's error is a failure to report
            failures.append(f"margin={margin}: raised {type(exc).__name__}: {exc}")
            continue
        if not (np.array_equal(scores_in, scores) and np.array_equal(labels_in, labels)):
            failures.append("the function modified its input arrays")
        if got.shape != want.shape:
            failures.append(f"scores {scores.tolist()}: shape {got.shape}, expected "
                            f"{want.shape} (one loss per example)")
            continue
        if not np.allclose(got, want, rtol=1e-12, atol=1e-12):
            note = ""
            if np.allclose(got - want, margin):
                note = " (the true class's own term max(0, margin) is included)"
            failures.append(f"scores {scores.tolist()}, labels {labels.tolist()}, margin "
                            f"{margin}: got {np.round(got, 6).tolist()}, expected "
                            f"{np.round(want, 6).tolist()}{note}")
    return failures


def _with_true_class(scores, labels, margin=1.0):
    sy = np.take_along_axis(scores, labels[:, None], axis=1)
    return np.maximum(0.0, scores - sy + margin).sum(axis=1)


register(
    "ch11-ex5",
    kind="coding",
    question=("Write multiclass_hinge(scores, labels, margin): for scores of shape (n, K) and "
              "integer labels of shape (n,), the Weston-Watkins hinge of every example, "
              "sum over j != y of max(0, s_j - s_y + margin), as an array of shape (n,)."),
    tests=_tests_hinge,
    hint="take the true score with np.take_along_axis, form max(0, s - s_y + margin) for "
         "every class, then set the true class's entry to 0 before summing.",
    sample_right=_reference_hinge,
    sample_wrong=_with_true_class,
)


# ------------------------------------------------ 6: the subgradient of the SVM objective
def _reference_svm_grad(w, b, X, t, lam):
    obj = hinge_objective(X, t, lam=lam)
    _, g = obj.value_and_grad({"W": np.asarray(w, dtype=float)[:, None],
                               "b": np.array([float(b)])})
    return g["W"][:, 0], float(g["b"][0])


def _tests_svm_grad(fn):
    rng = np.random.default_rng(1101)
    failures = []
    for case in range(4):
        n, d = (5, 2) if case < 2 else (12, 3)
        X = rng.normal(size=(n, d))
        t = np.where(rng.uniform(size=n) < 0.5, -1.0, 1.0)
        w, b = rng.normal(size=d), float(rng.normal())
        lam = [0.0, 0.1, 0.5, 2.0][case]
        margins = t * (X @ w + b)
        if np.min(np.abs(margins - 1)) < 1e-6:  # pragma: no cover - the seed avoids kinks
            continue
        want_w, want_b = _reference_svm_grad(w, b, X, t, lam)
        try:
            got_w, got_b = fn(w.copy(), b, X.copy(), t.copy(), lam)
        except Exception as exc:  # noqa: BLE001 - the student's error is a failure to report
            failures.append(f"case {case}: raised {type(exc).__name__}: {exc}")
            continue
        got_w = np.asarray(got_w, dtype=float)
        if got_w.shape != want_w.shape:
            failures.append(f"case {case}: the weight gradient has shape {got_w.shape}, "
                            f"expected {want_w.shape}")
            continue
        if not (np.allclose(got_w, want_w, atol=1e-10) and abs(float(got_b) - want_b) < 1e-10):
            hinge_part = want_w - lam * w                  # -(1/n) sum of the active t_i x_i
            known = {"the hinge part is summed, not averaged over the n examples":
                     lam * w + n * hinge_part,
                     "the penalty's gradient lambda * w is missing": hinge_part,
                     "a sign: each example below the margin contributes -t_i x_i / n":
                     lam * w - hinge_part}
            note = next((f" ({why})" for why, wrong in known.items()
                         if lam and np.allclose(got_w, wrong, atol=1e-10)), "")
            failures.append(f"case {case} (lambda = {lam}): got w-gradient "
                            f"{np.round(got_w, 6).tolist()}, b-gradient {float(got_b):.6f}; "
                            f"expected {np.round(want_w, 6).tolist()}, {want_b:.6f}{note}")
    return failures


def _svm_grad_right(w, b, X, t, lam):
    active = t * (X @ w + b) < 1
    n = len(t)
    return lam * w - (t * active) @ X / n, float(-(t * active).sum() / n)


def _svm_grad_no_penalty(w, b, X, t, lam):
    active = t * (X @ w + b) < 1
    return -(t * active) @ X / len(t), float(-(t * active).sum() / len(t))


register(
    "ch11-ex6",
    kind="coding",
    question=("Write svm_grad(w, b, X, t, lam): a subgradient of J(w, b) = lam/2 ||w||^2 + "
              "(1/n) sum_i max(0, 1 - t_i (x_i . w + b)) for labels t_i in {-1, +1}; return "
              "(gradient in w, derivative in b)."),
    tests=_tests_svm_grad,
    hint="only the examples with margin t_i (x_i . w + b) < 1 contribute, each -t_i x_i / n "
         "(and -t_i / n to b); the penalty adds lam * w.",
    sample_right=_svm_grad_right,
    sample_wrong=_svm_grad_no_penalty,
)
