"""Exercises of chapter 6 (sigmoid and binary cross-entropy)."""


import numpy as np
import sympy as sp

from .. import activations, gradients
from . import register
from ._coding import call_quietly

# A numeric answer may be a decimal rounded to four significant digits (relative error
# at most 5e-4); every wrong answer these exercises anticipate is much further away.
DECIMALS = 5e-4
_u = sp.Dummy("u")
LOG2 = {"log2": sp.Lambda(_u, sp.log(_u) / sp.log(2)),
        "log10": sp.Lambda(_u, sp.log(_u) / sp.log(10))}
z, y = sp.symbols("z y", real=True)


def _sig(t):
    return 1 / (1 + sp.exp(-t))


register(
    "ch06-ex1",
    kind="computation",
    rtol=DECIMALS,
    question=("A logistic model gives the logit z = 1.5 to an example whose label is y = 0. "
              "What is the derivative of its log loss with respect to z?"),
    answer=_sig(sp.Rational(3, 2)),
    hint="the derivative of the log loss in the logit is sigma(z) - y.",
    mistakes=[
        (-_sig(sp.Rational(3, 2)), "the sign slipped: the gradient is sigma(z) - y, not "
                                    "y - sigma(z); for y = 0 it is positive, so gradient "
                                    "descent lowers z."),
        (_sig(sp.Rational(3, 2)) - 1, "that is the gradient for the label y = 1; here y = 0."),
        (_sig(sp.Rational(3, 2)) * (1 - _sig(sp.Rational(3, 2))),
         "that is sigma'(z), the derivative of the sigmoid alone; the log loss's factor "
         "(sigma - y)/(sigma (1 - sigma)) cancels it."),
    ],
    sample_right="1/(1 + exp(-3/2))",
    sample_wrong=0.5,
)

register(
    "ch06-ex2",
    kind="computation",
    rtol=DECIMALS,
    question=("Two examples x_1 = (1, 2) with y_1 = 1 and x_2 = (-1, 0) with y_2 = 0, a "
              "logistic model with w = (0, 0) and b = 0. Give the gradient of the mean log "
              "loss with respect to w, as a list of two numbers."),
    answer=[sp.Rational(-1, 2), sp.Rational(-1, 2)],
    hint="the gradient of the mean loss is (1/N) sum_i (sigma(z_i) - y_i) x_i, and here "
         "every sigma(z_i) is 1/2.",
    mistakes=[
        ([-1, -1], "that is the gradient of the summed loss: the mean divides by N = 2."),
        ([sp.Rational(1, 2), sp.Rational(1, 2)],
         "the sign slipped: use (y_hat - y) x, not (y - y_hat) x."),
        ([sp.Rational(-1, 2), -1], "the predictions are sigma(0) = 1/2, not 0: with "
                                   "y_hat = 1/2 both examples contribute."),
    ],
    sample_right=[-0.5, -0.5],
    sample_wrong=[0.0, 0.0],
)

register(
    "ch06-ex3",
    kind="computation",
    rtol=DECIMALS,
    functions=LOG2,
    question="A model says P(y = 1 | x) = 0.8. What logit z (in nats) gives that probability?",
    answer=sp.log(4),
    hint="the logit is the inverse of the sigmoid: z = log(p / (1 - p)).",
    mistakes=[
        (-sp.log(4), "the ratio is upside down: logit(p) = log(p/(1-p)), positive for p > 1/2."),
        (2, "that is log base 2 of 4; the logit uses the natural logarithm."),
        (sp.log(4) / sp.log(10), "that is log base 10 of 4; the logit uses the natural "
                                 "logarithm."),
        (4, "4 is the odds p/(1-p); the logit is their logarithm."),
    ],
    sample_right="log(0.8/0.2)",
    sample_wrong=0.8,
)

register(
    "ch06-ex4",
    kind="proof",
    solution_claim="bce.grad",
    symbols=(z, y),
    question=("Show that the derivative of -y log sigma(z) - (1 - y) log(1 - sigma(z)) with "
              "respect to z is sigma(z) - y. Check the result you arrive at as a formula in "
              "z and y (write sigma(z) for the sigmoid)."),
    answer=_sig(z) - y,
    hint="use the chain rule through y_hat = sigma(z): dL/dy_hat = (y_hat - y)/(y_hat "
         "(1 - y_hat)) and sigma' = sigma (1 - sigma).",
    mistakes=[
        (y - _sig(z), "the sign slipped: the result is sigma(z) - y."),
        ((_sig(z) - y) * _sig(z) * (1 - _sig(z)),
         "the factor sigma(1 - sigma) cancels against the denominator of dL/dy_hat; it "
         "stays only for the squared error."),
    ],
    sample_right="sigma(z) - y",
    sample_wrong="sigma(z)",
)

register(
    "ch06-ex5",
    kind="proof",
    solution_claim="bce.curvature",
    symbols=(z, y),
    question=("Show that the second derivative of the log loss with respect to the logit is "
              "sigma(z)(1 - sigma(z)), so the loss is convex in z (and, since z = w.x + b is "
              "linear, in w and b). Check the second derivative as a formula in z."),
    answer=_sig(z) * (1 - _sig(z)),
    hint="differentiate the first derivative sigma(z) - y once more; y is a constant.",
    mistakes=[
        (-_sig(z) * (1 - _sig(z)), "the sign slipped: sigma is increasing, so the derivative "
                                   "of sigma(z) - y is positive."),
        (_sig(z) * (1 - _sig(z)) - y, "y is a constant: it disappears when sigma(z) - y is "
                                      "differentiated."),
    ],
    sample_right="sigma(z)*sigma(-z)",
    sample_wrong="sigma(z)",
)


# ------------------------------------------------------------------ coding tasks

LOG_SIGMOID_POINTS = np.array([-800.0, -40.0, -3.0, -0.5, 0.0, 0.5, 3.0, 40.0, 800.0])


def log_sigmoid_tests(fn) -> list[str]:
    """Failures of a student's log-sigmoid on points from -800 to 800 (float64)."""
    xs = LOG_SIGMOID_POINTS
    got, caught = call_quietly(fn, xs)
    want = activations.log_sigmoid(xs)
    if got.shape != xs.shape:
        return [f"log_sigmoid(x) must have the shape of x {xs.shape}, got {got.shape}"]
    fails = []
    if np.allclose(got, -want, rtol=1e-12, atol=0):
        fails.append("the sign is flipped: log sigma(x) is at most 0 (you returned "
                     "softplus(-x) = -log sigma(x))")
    if not np.isfinite(got[0]):
        fails.append("at x = -800 the result is not finite: sigma(-800) underflows to 0 and "
                     "log(0) = -inf; for x < 0 write log sigma(x) = x - log(1 + e^x)")
    if not np.isfinite(got[-1]):
        fails.append("at x = 800 the result is not finite: e^800 overflows; for x > 0 write "
                     "log sigma(x) = -log(1 + e^-x)")
    for x, g, w in zip(xs, got, want, strict=True):
        if np.isfinite(g) and not np.isclose(g, w, rtol=1e-12, atol=1e-300):
            fails.append(f"log_sigmoid({x:g}) should be {w:.17g}, got {g:.17g}")
    if caught:
        fails.append(f"numpy warned: {caught[0]} (a stable form never overflows)")
    return fails


register(
    "ch06-ex6",
    kind="coding",
    question=("Write log_sigmoid(x) for a float64 array x: log sigma(x), finite and accurate "
              "for every finite x, without numpy warnings."),
    tests=log_sigmoid_tests,
    hint="split on the sign of x: x - log1p(exp(x)) for x < 0 and -log1p(exp(-x)) "
         "otherwise (np.where evaluates both branches: compute exp of -|x| only).",
    mistakes=[
        (lambda x: np.log(1 / (1 + np.exp(-x))), "sigma(-800) underflows to 0"),
        (lambda x: np.log1p(np.exp(-np.abs(x))) - np.minimum(x, 0), "the sign is flipped"),
    ],
    sample_right=lambda x: np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x))),
    sample_wrong=lambda x: np.log(1 / (1 + np.exp(-x))),
)


BCE_LOGITS = np.array([-800.0, -3.0, -0.5, 0.0, 2.0, 40.0, 800.0])
BCE_TARGETS = np.array([1.0, 0.0, 1.0, 0.5, 0.0, 1.0, 0.0])


def bce_grad_tests(fn) -> list[str]:
    """Failures of a student's mean-reduced gradient of the BCE from logits."""
    z_, t_ = BCE_LOGITS, BCE_TARGETS
    got, caught = call_quietly(fn, z_, t_)
    want = gradients.binary_cross_entropy_with_logits_grad(z_, t_)
    if got.shape != z_.shape:
        return [f"the gradient must have the shape of z {z_.shape}, got {got.shape}"]
    n = z_.size
    if np.allclose(got, -want, rtol=1e-9, atol=1e-300):
        return ["the sign slipped: the gradient is (sigma(z) - y)/N, not (y - sigma(z))/N"]
    if np.allclose(got, n * want, rtol=1e-9, atol=1e-300):
        return [f"the 1/N of the mean is missing: your values are N = {n} times too large"]
    sig = activations.sigmoid(z_)
    if np.allclose(got, sig * (1 - sig) / n, rtol=1e-9, atol=1e-300):
        return ["that is sigma'(z)/N, the derivative of the sigmoid alone; the log loss "
                "gives (sigma(z) - y)/N"]
    fails = [f"at z = {a:g}, y = {b:g} the gradient should be {w:.17g}, got {g:.17g}"
             for a, b, g, w in zip(z_, t_, got, want, strict=True)
             if not np.isclose(g, w, rtol=1e-9, atol=1e-300)]
    if caught:
        fails.append(f"numpy warned: {caught[0]}")
    return fails


register(
    "ch06-ex7",
    kind="coding",
    question=("Write bce_grad(z, y): the gradient of the MEAN binary cross-entropy "
              "lb.binary_cross_entropy_with_logits(z, y) with respect to the logits z "
              "(1-d float64 arrays, soft targets allowed), finite for every finite z."),
    tests=bce_grad_tests,
    hint="each example contributes sigma(z_i) - y_i, and the mean divides by N; compute "
         "sigma without overflow, and write sigma(z) - y = (1 - y) sigma(z) - y sigma(-z) so that "
         "a confident, correct prediction (sigma(z) - 1 at z = 40) does not cancel to 0.",
    mistakes=[
        (lambda z_, t_: (t_ - activations.sigmoid(z_)) / z_.size, "the sign slipped"),
        (lambda z_, t_: activations.sigmoid(z_) - t_, "the 1/N of the mean is missing"),
    ],
    sample_right=lambda z_, t_: ((1 - t_) * activations.sigmoid(z_)
                                 - t_ * activations.sigmoid(-z_)) / z_.size,
    sample_wrong=lambda z_, t_: activations.sigmoid(z_) - t_,
)
