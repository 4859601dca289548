"""Exercises of chapter 9 (one logit or two, one-vs-all, multi-label, label smoothing)."""

import numpy as np
import sympy as sp

from ..activations import logsumexp, sigmoid, softmax
from . import register

DECIMALS = 5e-4  # a decimal rounded to four significant digits is accepted
k = sp.Symbol("k", integer=True, positive=True)

register(
    "ch09-ex1",
    rtol=DECIMALS,
    question=("With K = 10 classes and label smoothing eps = 0.1, the loss of an example is "
              "smallest when softmax(z) equals the smoothed target. By how much does the "
              "labelled class's logit then exceed each other logit?"),
    answer=sp.log(91),
    hint="the smoothed target gives 1 - eps + eps/K to the labelled class and eps/K to every "
         "other; the logit gap is the log of the ratio of the two.",
    mistakes=[
        (sp.log(90), "the labelled class also receives its share eps/K: its target is "
                     "1 - eps + eps/K = 0.91, not 0.9."),
        (sp.log(9), "eps is spread over all K classes, so another class gets eps/K = 0.01, "
                    "not eps = 0.1."),
    ],
    sample_right="log(0.91/0.01)",
    sample_wrong=sp.log(9),
)

register(
    "ch09-ex2",
    rtol=DECIMALS,
    question=("n = 4 logits z = (0, a, a, -2). For which a does softmax(z)_1 equal "
              "sigmoid(z_1)? (Above it the softmax output is the smaller one.)"),
    answer=sp.log((1 - sp.exp(-2)) / 2),
    hint="softmax(z)_1 < sigmoid(z_1) exactly when the other three exponentials add up to "
         "more than 1: solve 2 e^a + e^-2 = 1.",
    mistakes=[
        (-sp.log(3), "log(1/(n-1)) is the source's sufficient condition, which needs every "
                     "logit above it; z_4 = -2 is not, so use the exact criterion "
                     "sum_{j != 1} e^{z_j} = 1."),
        (sp.log((1 + sp.exp(-2)) / 2), "a sign: e^-2 is added to the sum, so 2 e^a = "
                                       "1 - e^-2."),
    ],
    sample_right=-0.8386,
    sample_wrong=-sp.log(3),
)

register(
    "ch09-ex3",
    kind="proof",
    solution_claim="multilabel.copies",
    question=("An example has k labels. Show that the total softmax cross-entropy of k "
              "one-hot copies of it is a multiple of the cross-entropy of one copy with the "
              "soft label y/k. Which multiple?"),
    answer=k,
    symbols=(k,),
    hint="write the loss of the copy for label j as -log q_j and add the k of them; the "
         "cross-entropy is linear in its target.",
    mistakes=[
        (1 / k, "the copies add up k losses, each the size of the soft-label loss on "
                "average: the factor is k, not 1/k."),
        (sp.Integer(1), "the two are equal only up to a factor: the copies' loss and "
                        "gradient are k times larger, so in a data set they weigh k times."),
    ],
    sample_wrong=1 / k,
)


def _reference_below(z):
    """True where softmax(z)_i < sigmoid(z_i), i.e. where logsumexp_{j != i} z_j > 0."""
    z = np.asarray(z, dtype=float)
    n = z.shape[-1]
    out = np.empty(z.shape, dtype=bool)
    for i in range(n):
        others = np.delete(z, i, axis=-1)
        out[..., i] = logsumexp(others, axis=-1) > 0
    return out


def _naive_sufficient(z):
    """The source's sufficient condition, used as the wrong sample."""
    z = np.asarray(z, dtype=float)
    ok = np.all(z > np.log(1 / (z.shape[-1] - 1)), axis=-1, keepdims=True)
    return np.broadcast_to(ok, z.shape)


def _tests_below(fn):
    rng = np.random.default_rng(9)
    cases = [np.array([0.0, -1.0, -1.0]), np.array([40.0, 0.5]), np.array([40.0, -0.5]),
             np.array([0.0, 0.0, -2.0, -2.0]), np.array([1000.0, -1000.0, 999.0]),
             np.array([-800.0, -800.0, -800.0]), rng.normal(scale=3.0, size=(6, 5))]
    failures = []
    for z in cases:
        want = _reference_below(z)
        try:
            got = np.asarray(fn(z.copy()))
        except Exception as err:  # noqa: BLE001 - reported to the student
            failures.append(f"z = {np.round(z, 3).tolist()}: raised {type(err).__name__}")
            continue
        if got.shape != want.shape:
            failures.append(f"z with shape {z.shape}: result has shape {got.shape}")
        elif not np.array_equal(got.astype(bool), want):
            failures.append(f"z = {np.round(z, 3).tolist()}: got {got.astype(bool).tolist()}, "
                            f"expected {want.tolist()}")
    return failures


register(
    "ch09-ex4",
    kind="coding",
    question=("Write softmax_below_sigmoid(z): for logits z of shape (..., n) return a "
              "boolean array of the same shape, True where softmax(z)_i < sigmoid(z_i). It "
              "must be right for logits as large as +-1000 and when both values round to 1."),
    tests=_tests_below,
    hint="do not compare the two rounded probabilities: use the exact criterion "
         "sum_{j != i} e^{z_j} > 1, that is logsumexp of the other logits > 0.",
    sample_right=_reference_below,
    sample_wrong=lambda z: np.asarray(softmax(z) < sigmoid(z)),
)

register(
    "ch09-ex5",
    rtol=DECIMALS,
    question=("A one-vs-all model outputs sigmoid(z_k) for the logits z = (2, 2, -1). What "
              "do its three outputs add up to?"),
    answer=2 / (1 + sp.exp(-2)) + 1 / (1 + sp.E),
    hint="each output is its own sigmoid; nothing normalises them.",
    mistakes=[(sp.Integer(1), "the outputs of separate sigmoids do not add up to 1; that is "
                              "the softmax.")],
    sample_right=2.031,
    sample_wrong=1,
)
