"""Exercises of chapter 5 (Cross-entropy).

Six computations (a one-hot loss; maximum likelihood from counts; the floor of a soft
target in bits; the cross-entropy of two Gaussians and its minimiser, both halves
checked; H(p, q) in bits and in nats; the floor of a label-smoothed target and the model
that reaches it), two proofs (H(p, q) >= H(p) with equality only at q = p, the chain
``ce.excess-gaps``; additivity over independent products, ``ce.product-additive``) and a
coding task (a mean cross-entropy from logits and integer labels that stays finite for
logits of size 1000 and in float32, compared with exact values and with
``lb.softmax_cross_entropy``). The model solution of the coding task is
:func:`model_ce_from_logits`.
"""

import warnings

import numpy as np
import sympy as sp

from .. import losses
from . import register
from ._coding import exact

# A numeric answer may be a decimal rounded to four significant digits (relative error
# at most 5e-4); every wrong answer these exercises anticipate is much further away.
DECIMALS = 5e-4
# Answers in bits may use log2(x).
_u = sp.Dummy("u")
LOG2 = {"log2": sp.Lambda(_u, sp.log(_u) / sp.log(2))}
R = sp.Rational

sigma = sp.Symbol("sigma", positive=True)


def _ce(p, q, base=None):
    """Exact H(p, q) of two tuples of rationals (terms with p_i = 0 count 0)."""
    out = -sum(a * sp.log(b) for a, b in zip(p, q, strict=True) if a != 0)
    return out / sp.log(base) if base else out


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
        (-R(1, 5) * sp.log(R(1, 5)), "the target puts probability 1 on the correct class, "
                                     "so its term is 1 * (-log q_c), not q_c * (-log q_c)"),
        (sp.log(5) / sp.log(10), "that is log base 10 of 5; nats use the natural log"),
    ],
)

register(
    "ch05-ex2",
    rtol=DECIMALS,
    question=("A three-class sample has class counts (3, 5, 2). Give the maximum-likelihood "
              "categorical distribution."),
    answer=[R(3, 10), R(1, 2), R(1, 5)],
    hint="maximum likelihood for a categorical model gives the empirical frequencies"
         " N_k / N.",
    sample_right=[0.3, 0.5, 0.2],
    sample_wrong=[1 / 3, 1 / 3, 1 / 3],
    mistakes=[
        ([R(1, 3)] * 3, "the uniform distribution ignores the counts; maximum "
                        "likelihood gives the observed frequencies"),
        ([3, 5, 2], "those are the counts; a distribution sums to 1: divide by N = 10"),
    ],
)

P3 = (R(1, 4), R(1, 4), R(1, 4), R(1, 8), R(1, 8))
register(
    "ch05-ex3",
    rtol=DECIMALS,
    functions=LOG2,
    question=("For the target p = (1/4, 1/4, 1/4, 1/8, 1/8), what is the smallest value of "
              "H_2(p, q) over all q, in bits?"),
    answer=_ce(P3, P3, 2),
    hint="H(p, q) = H(p) + KL(p || q) and KL >= 0 with equality at q = p: the minimum is H(p).",
    sample_right="9/4",
    sample_wrong=0,
    mistakes=[
        (0, "0 is the smallest KL(p || q); the cross-entropy is H(p) + KL(p || q), so its "
            "minimum is H(p), and a soft target has H(p) > 0"),
        (_ce(P3, P3), "that is H(p) in nats; the question asks for bits (log base 2)"),
        (sp.log(5) / sp.log(2), "that is log2(5), the entropy of the uniform distribution "
                                "on five outcomes; the floor is the entropy of this target, "
                                "which is not uniform"),
    ],
)

_GAUSS_CE = sp.log(2 * sp.pi * sigma**2) / 2 + 1 / (2 * sigma**2)
register(
    "ch05-ex4",
    question=("Write the cross-entropy H(N(0, 1), N(0, sigma^2)) in nats as a formula in sigma, "
              "and give the sigma > 0 that makes it smallest. Answer [formula, sigma]."),
    answer=sp.Matrix([_GAUSS_CE, 1]),
    symbols=(sigma,),
    hint="-log q(x) = (1/2) log(2 pi sigma^2) + x^2 / (2 sigma^2); take the expectation under"
         " N(0, 1), where E[X^2] = 1. Then set the derivative in sigma to zero.",
    sample_right="[log(2*pi)/2 + log(sigma) + 1/(2*sigma^2), 1]",
    sample_wrong="[log(2*pi*e*sigma^2)/2, 1]",
    mistakes=[
        ("[log(2*pi*e*sigma^2)/2, 1]", "the first half is the entropy of N(0, sigma^2), the "
                                       "cross-entropy of the model with itself; here the "
                                       "target is N(0, 1)"),
        ("[log(2*pi)/2 + sigma^2/2, 1]", "the arguments are swapped: that is "
                                         "H(N(0, sigma^2), N(0, 1)); the expectation is under "
                                         "the first argument, N(0, 1)"),
        ("[log(2*pi*sigma^2)/2 + 1/(2*sigma^2), 0]", "the formula is right, but sigma -> 0 "
                                                     "makes 1/(2 sigma^2) blow up: the "
                                                     "derivative 1/sigma - 1/sigma^3 is zero "
                                                     "at sigma = 1"),
        ("[log(2*pi*sigma^2)/2 + 1/(2*sigma), 1]", "the variance enters, not the standard "
                                                   "deviation: E[X^2] / (2 sigma^2)"),
        ("[log(2*pi*sigma^2)/2 + sigma^2/2, 1]", "E[X^2] / (2 sigma^2) = 1 / (2 sigma^2): the "
                                                 "model's variance divides, it does not "
                                                 "multiply"),
        ("[log(sigma) - 1/2 + 1/(2*sigma^2), 1]", "that is KL(N(0, 1) || N(0, sigma^2)), the "
                                                  "cross-entropy minus the target's entropy "
                                                  "(1/2) log(2 pi e); the question asks for "
                                                  "the cross-entropy itself"),
        ("[log(2*pi*sigma^2)/2 + 1/(2*sigma^2), 1/sqrt(2*pi*e)]",
         "1/sqrt(2 pi e) makes a differential entropy zero (the entropy chapter); here set "
         "the derivative 1/sigma - 1/sigma^3 of the cross-entropy to zero"),
    ],
)

P5, Q5 = (R(1, 2), R(1, 4), R(1, 4)), (R(1, 8), R(3, 8), R(1, 2))
register(
    "ch05-ex5",
    rtol=DECIMALS,
    functions=LOG2,
    question=("For p = (1/2, 1/4, 1/4) and q = (1/8, 3/8, 1/2), compute H(p, q) in bits and "
              "in nats. Answer [bits, nats]."),
    answer=sp.Matrix([_ce(P5, Q5, 2), _ce(P5, Q5)]),
    hint="H_2(p, q) = -sum_k p_k log2 q_k: the terms are (1/2) 3, (1/4) log2(8/3) and "
         "(1/4) 1. A value in bits times log 2 is the value in nats.",
    sample_right="[5/2 - log2(3)/4, (5/2 - log2(3)/4)*log(2)]",
    sample_wrong=[_ce(P5, Q5, 2), _ce(P5, Q5, 2)],
    mistakes=[
        ([_ce(Q5, P5, 2), _ce(Q5, P5)], "that is H(q, p): the arguments are swapped (the "
                                        "weights are the target's p_k, the logs the "
                                        "model's q_k)"),
        ([_ce(P5, Q5), _ce(P5, Q5, 2)], "bits and nats are the other way round: the value "
                                        "in bits is the larger one (log2 x = log x / log 2)"),
        ([_ce(P5, Q5, 2), _ce(P5, Q5, 2) / sp.log(2)], "to go from bits to nats multiply "
                                                       "by log 2 (about 0.693), do not "
                                                       "divide"),
        ([_ce(P5, Q5, 2) - R(3, 2), _ce(P5, Q5) - R(3, 2) * sp.log(2)],
         "that is KL(p || q) = H(p, q) - H(p); the question asks for the cross-entropy"),
    ],
)

EPS, KCLS = R(1, 10), 4
SMOOTH = tuple((1 - EPS) * (1 if k == 0 else 0) + EPS / KCLS for k in range(KCLS))
register(
    "ch05-ex6",
    rtol=DECIMALS,
    question=("Four classes, the correct one is the first, and training uses label smoothing "
              "with eps = 0.1: the target is (1 - eps) y + eps / 4 for the one-hot y. What is "
              "the smallest loss (nats) a model can reach on this example, and the "
              "probability q_1 it then gives the correct class? Answer [loss, q_1]."),
    answer=sp.Matrix([_ce(SMOOTH, SMOOTH), SMOOTH[0]]),
    hint="the minimum of H(t, q) over q is H(t), reached at q = t; here t = (37/40, 1/40, "
         "1/40, 1/40).",
    sample_right="[-(37/40)*log(37/40) - (3/40)*log(1/40), 0.925]",
    sample_wrong=[0, 1],
    mistakes=[
        ([0, 1], "with a soft target the loss cannot reach 0: its floor is the target's "
                 "entropy, reached at q = t, not at the one-hot q = (1, 0, 0, 0)"),
        ([_ce(SMOOTH, (1 - EPS, EPS / 3, EPS / 3, EPS / 3)), 1 - EPS],
         "the correct class keeps 1 - eps and gets its share eps/4 too: 0.9 + 0.025 = "
         "0.925, and each wrong class gets 0.025 (not eps/3)"),
        ([_ce((1 - EPS, EPS / 3, EPS / 3, EPS / 3), (1 - EPS, EPS / 3, EPS / 3, EPS / 3)),
          1 - EPS], "that is the convention that spreads eps over the 3 wrong classes "
                    "only; here eps / 4 goes to every class, the correct one included"),
        ([_ce(SMOOTH, SMOOTH), 1 - EPS], "the loss is right, but at the minimum q equals the "
                                         "target t, whose first entry is 1 - eps + eps/4 = "
                                         "0.925, not 0.9"),
    ],
)

_P7, _Q7 = (R(1, 2), R(1, 2)), (R(1, 4), R(3, 4))
register(
    "ch05-ex7",
    kind="proof",
    solution_claim="ce.excess-gaps",
    rtol=DECIMALS,
    question=("Prove that H(p, q) >= H(p), with equality only at q = p: write the excess "
              "H(p, q) - H(p) as sum_k p_k f(q_k / p_k) with f(u) = u - 1 - log u. As a check, "
              "compute the excess in nats for p = (1/2, 1/2), q = (1/4, 3/4)."),
    answer=_ce(_P7, _Q7) - _ce(_P7, _P7),
    hint="the excess is sum_k p_k log(p_k / q_k) = KL(p || q); adding sum_k (q_k - p_k) = 0 "
         "turns each term into p_k f(q_k / p_k), and f(u) >= 0 with f(u) = 0 only at u = 1. "
         "For the numbers: (1/2) log 2 + (1/2) log(2/3).",
    sample_right="log(4/3)/2",
    sample_wrong=_ce(_P7, _Q7),
    mistakes=[
        (_ce(_P7, _Q7), "that is H(p, q) itself; the excess subtracts H(p) = log 2"),
        (_ce(_Q7, _P7) - _ce(_Q7, _Q7), "that is KL(q || p) = H(q, p) - H(q): the arguments "
                                        "are swapped"),
    ],
)

register(
    "ch05-ex8",
    kind="proof",
    solution_claim="ce.product-additive",
    rtol=DECIMALS,
    question=("Show that cross-entropy adds up over independent components: "
              "H(p x r, q x s) = H(p, q) + H(r, s), where (p x r)(k, j) = p_k r_j. Then compute "
              "in nats the loss of two independent coin tosses, H(p x p, q x q), for "
              "p = (1/2, 1/2) and q = (1/4, 3/4)."),
    answer=2 * _ce(_P7, _Q7),
    hint="log(q_k s_j) = log q_k + log s_j; each part summed over the other index is "
         "multiplied by a total probability 1. One toss costs H(p, q) = (1/2) log 4 + "
         "(1/2) log(4/3).",
    sample_right="log(16/3)",
    sample_wrong=_ce(_P7, _Q7),
    mistakes=[
        (_ce(_P7, _Q7), "that is one toss; the two independent tosses add their "
                        "cross-entropies"),
        (_ce(_P7, _Q7) ** 2, "the cross-entropy of a product is the sum of the two, not their "
                             "product (the log turns products into sums)"),
        (2 * _ce(_Q7, _P7), "that is 2 log 2 = 2 H(p), the entropy of the two fair tosses "
                            "(and, since p is uniform, also 2 H(q, p) with the arguments "
                            "swapped); the loss uses the model's log q, not log p"),
    ],
)


# ---------------------------------------------------------------------------
# coding task: the mean cross-entropy from logits and integer labels


def model_ce_from_logits(logits, labels):
    """A model solution: the mean over the batch of -log softmax(z_i)[y_i], in nats.

    ``logits`` has shape (B, K), ``labels`` holds B class indices. Shifting each row by
    its maximum keeps every exponent <= 0, so nothing overflows (also in float32); the
    log-probability of the label is (z_y - m) - log(sum_j exp(z_j - m)).
    """
    z = np.asarray(logits)
    labels = np.asarray(labels)
    shifted = z - z.max(axis=-1, keepdims=True)
    log_norm = np.log(np.sum(np.exp(shifted), axis=-1))
    picked = np.take_along_axis(shifted, labels[:, None], axis=-1)[:, 0]
    return np.mean(log_norm - picked)


def _exact_mean(rows, labels):
    """The mean of logsumexp(z_i) - z_i[y_i] at 50 digits (each float an exact rational)."""
    total = 0
    for row, label in zip(rows, labels, strict=True):
        vals = [sp.Rational(float(v)) for v in row]
        total += sp.log(sum(sp.exp(v) for v in vals)) - vals[int(label)]
    return exact(total / len(rows))


def _run(fn, logits, labels):
    """(result, warnings, problem) of fn on copies; problem names a changed input or a
    result that is not one number."""
    z, y = logits.copy(), labels.copy()
    with (warnings.catch_warnings(record=True) as caught,
          np.errstate(over="warn", invalid="warn", divide="warn", under="ignore")):
        warnings.simplefilter("always")
        out = fn(z, y)
    problem = None
    if not (np.array_equal(z, logits) and np.array_equal(y, labels)):
        problem = "your function changed its inputs"
    out = np.asarray(out)
    if out.size != 1:
        problem = (f"your function returned {out.size} numbers for a batch of {len(labels)}: "
                   "the loss of a batch is the mean of the examples' losses, one number")
    return out, [str(w.message) for w in caught], problem


def _ce_tests(fn) -> list[str]:
    failures = []
    rng = np.random.default_rng(12)
    cases = [
        ("a small batch, z = [[1, 2, 0], [0, 0, 0]] with labels [0, 2]",
         np.array([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]]), np.array([0, 2]), 1e-13,
         "wrong value: the loss of one example is -log softmax(z)[y] (natural log), and "
         "the batch's loss is the mean over its examples"),
        ("logits of size 1000, z = [[1000, 0, -1000], [1000, 1000, 0]] with labels [1, 2]",
         np.array([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 0.0]]), np.array([1, 2]), 1e-13,
         "exp(1000) overflows to inf: compute log softmax(z) from z - max(z) (log-sum-exp), "
         "never as log(exp(z) / sum(exp(z)))"),
        ("float32 logits [[100, 99, 0]] with label 1",
         np.array([[100.0, 99.0, 0.0]], dtype=np.float32), np.array([1]), 1e-5,
         "in float32, exp overflows already at 89: shift by the maximum of the row"),
        ("a batch of 64 examples with 10 classes (logits of size ~30), against "
         "lb.softmax_cross_entropy", 30 * rng.standard_normal((64, 10)),
         rng.integers(0, 10, size=64), 1e-12,
         "your mean differs from lb.softmax_cross_entropy(logits, labels)"),
    ]
    for name, logits, labels, rtol, message in cases:
        try:
            out, caught, problem = _run(fn, logits, labels)
        except Exception as err:  # noqa: BLE001 - the student's code: report, never raise
            failures.append(f"{name}: your function raised {type(err).__name__}")
            continue
        if problem:
            failures.append(f"{name}: {problem}")
            continue
        got = float(out.reshape(-1)[0])
        want = (float(losses.softmax_cross_entropy(logits, labels)) if "lb." in name
                else _exact_mean(logits, labels))
        if not np.isfinite(got):
            failures.append(f"{name}: the result is {got} ({message})")
        elif abs(got - want) > rtol * abs(want):
            failures.append(f"{name}: got {got:.12g}, expected {want:.12g} ({message})")
        elif caught:
            failures.append(f"{name}: right value, but numpy warned ({caught[0]}): an "
                            "intermediate overflowed or was invalid")
    return failures


def _naive_ce(logits, labels):
    z = np.asarray(logits)
    probs = np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True)
    return np.mean(-np.log(probs[np.arange(len(labels)), labels]))


def _summed_ce(logits, labels):
    return model_ce_from_logits(logits, labels) * len(labels)


def _per_example_ce(logits, labels):
    z = np.asarray(logits)
    shifted = z - z.max(axis=-1, keepdims=True)
    return (np.log(np.sum(np.exp(shifted), axis=-1))
            - np.take_along_axis(shifted, np.asarray(labels)[:, None], axis=-1)[:, 0])


register(
    "ch05-ex9",
    kind="coding",
    question=("Write ce_from_logits(logits, labels): logits is a (B, K) array, labels holds B "
              "class indices; return the mean over the batch of -log softmax(z_i)[y_i] in "
              "nats, finite for logits of size 1000 and for float32 input."),
    hint="subtract each row's maximum m first: -log softmax(z)[y] = log(sum(exp(z - m))) - "
         "(z[y] - m), every exponent <= 0; then take the mean over the rows.",
    tests=_ce_tests,
    mistakes=[
        (_naive_ce, "the softmax is computed naively: exp(1000) (or exp(100) in float32) is "
                    "inf, and inf/inf is nan. Use the log-sum-exp form with the row "
                    "maximum subtracted"),
        (_summed_ce, "you summed the examples' losses; the batch loss is their mean "
                     "(divide by the batch size)"),
        (_per_example_ce, "you returned one loss per example; the batch loss is their "
                          "mean, a single number"),
    ],
    sample_right=model_ce_from_logits,
    sample_wrong=_naive_ce,
)
