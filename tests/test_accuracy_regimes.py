"""Accuracy in the regimes of issue 9, as properties over each regime (hypothesis
draws the regime's parameters; ``tests/regimes.py`` builds the inputs, the exact
values from mpmath and the error measures): at most 8 ulp of the exact result,
float64 and float32, for every output entry. Where the exact result is
ill-conditioned in the inputs (a log-sum-exp cancelling to about 0 from a negative
maximum; ``sigmoid(z) - t`` for a soft target) the bound is 8 ulp of the
magnitude of what cancels (backward stability), as the docstrings say.

These are the regimes where the textbook forms, SciPy and PyTorch lose every
digit: a confident correct prediction (loss about e^-40), a softmax entry far below
the maximum, BCE from logits with t in {0, 1} or t = 1 - 2^-k, KL of nearly equal
distributions. ``benchmarks/accuracy.py`` measures the same regimes for the peers.
"""

from __future__ import annotations

import numpy as np
import oracles as O
import pytest
import regimes as R
from hypothesis import given, settings
from hypothesis import strategies as st

import lossbook as lb
from lossbook.information import _kl_terms

DTYPES = [np.float64, np.float32]
DT_IDS = ["f64", "f32"]
FEW = settings(max_examples=40, deadline=None)

# --- parameters of the regimes ---------------------------------------------------------
maxima = st.one_of(st.just(0.0), st.floats(-1000, 1000))
gaps = st.lists(st.floats(10, 90), min_size=1, max_size=7)
positions = st.integers(0, 7)
# Random rows: entries of size `scale` around an offset anywhere in [-1000, 1000],
# so both ways of forming the exponentials (direct and shifted) are exercised.
scales = st.sampled_from([1.0, 30.0, 800.0])
offsets = st.one_of(st.just(0.0), st.floats(-1000, 1000))
entries = st.lists(st.floats(-3, 3), min_size=2, max_size=8)
logits = st.floats(-800, 800)
soft = st.floats(0, 1)


def _check(function, measure, got, args, dtype):
    err = R.errors(function, measure, got, args, dtype)
    worst = float(np.max(err)) if err.size else 0.0
    assert worst <= R.ULP_TARGET, (
        f"{function} {np.dtype(dtype).name}: {worst:.3g} ulp ({measure}) at {args}"
    )


def _far_row(m, g, pos, dtype):
    return R.far_below_rows([m], [g], [pos], dtype)


def _random_row(values, scale, offset, dtype):
    return (np.asarray([values]) * scale + offset).astype(dtype)


# --- log-softmax, softmax, log-sum-exp ---------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", ["log_softmax", "softmax"])
@FEW
@given(m=maxima, g=gaps, pos=positions)
def test_row_functions_far_below(name, dtype, m, g, pos):
    """Rows like [0, -40, -41]: log-softmax at the maximum is about -e^-40."""
    x = _far_row(m, g, pos, dtype)
    _check(name, "relative", getattr(lb, name)(x), (x,), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", ["log_softmax", "softmax"])
@FEW
@given(values=entries, scale=scales, offset=offsets)
def test_row_functions_random_rows(name, dtype, values, scale, offset):
    """Softmax entries far below the maximum keep their digits (no x - m rounding
    amplified by exp)."""
    x = _random_row(values, scale, offset, dtype)
    _check(name, "relative", getattr(lb, name)(x), (x,), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@FEW
@given(g=gaps)
def test_logsumexp_max_zero_others_far_below(dtype, g):
    """logsumexp([0, -40]) = 4.25e-18, relative accuracy."""
    x = _far_row(0.0, g, 0, dtype)
    _check("logsumexp", "relative", lb.logsumexp(x), (x,), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@FEW
@given(values=entries, scale=scales, offset=offsets)
def test_logsumexp_random_rows(dtype, values, scale, offset):
    """Relative accuracy for a maximum >= 0 (then m + log1p(s) adds two non-negative
    numbers); for a negative maximum the sum may cancel, and the bound is in ulps
    of |m| (backward stability)."""
    x = _random_row(values, scale, offset, dtype)
    measure = "relative" if x.max() >= 0 else "backward"
    _check("logsumexp", measure, lb.logsumexp(x), (x,), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@FEW
@given(p=st.floats(0.001, 0.999), shift=st.floats(-50, 0))
def test_logsumexp_cancelling(dtype, p, shift):
    """[log p, log(1 - p)] + shift: the result is about ``shift``, from a negative
    maximum; backward stable (error within 8 ulp of max |x|)."""
    x = R.cancelling_rows([p], [shift], dtype)
    _check("logsumexp", "backward", lb.logsumexp(x), (x,), dtype)


# --- softmax cross-entropy and its gradient ----------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("grad", [False, True], ids=["loss", "grad"])
@FEW
@given(m=maxima, g=gaps, pos=positions)
def test_softmax_ce_label_at_argmax(dtype, grad, m, g, pos):
    """A confident correct prediction: the loss is about sum e^-gap and the gradient
    at the label is minus the sum of the other probabilities."""
    x = _far_row(m, g, pos, dtype)
    y = x.argmax(axis=1)
    if grad:
        got = lb.softmax_cross_entropy_grad(x, y, reduction="sum")
        _check("softmax_cross_entropy_grad", "relative", got, (x, y), dtype)
    else:
        got = lb.softmax_cross_entropy(x, y, reduction="none")
        _check("softmax_cross_entropy", "relative", got, (x, y), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("grad", [False, True], ids=["loss", "grad"])
@FEW
@given(values=entries, scale=scales, offset=offsets, label=st.integers(0, 7))
def test_softmax_ce_random_labels(dtype, grad, values, scale, offset, label):
    x = _random_row(values, scale, offset, dtype)
    y = np.array([label % x.shape[1]])
    if grad:
        got = lb.softmax_cross_entropy_grad(x, y, reduction="sum")
        _check("softmax_cross_entropy_grad", "relative", got, (x, y), dtype)
    else:
        got = lb.softmax_cross_entropy(x, y, reduction="none")
        _check("softmax_cross_entropy", "relative", got, (x, y), dtype)


# Maxima at and past the edges of exp's range (float32 overflows above 88.7, float64
# above 709.8), far below zero, and huge; the label or the maximum where exp(x)
# overflows is exactly where the direct forms must hand over to the shifted one.
EDGE_MAXIMA = [88.5, 89.0, 100.0, 709.5, 710.0, 800.0, 1e5, -90.0, -750.0, -1e5, 0.0]


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("m", EDGE_MAXIMA)
def test_row_functions_at_the_edges_of_exp(dtype, m):
    """Every row function and both cross-entropy kernels, label at the maximum and
    label far below it, for maxima past the range where exp(x) is finite."""
    x = R.far_below_rows([m] * 4, [[20.0, 41.0, 700.0], [3.0, 40.0, 45.0], [0.5, 1.0, 80.0],
                                   [30.0, 31.0, 32.0]], [0, 1, 2, 3], dtype)
    top, low = x.argmax(axis=1), (x.argmax(axis=1) + 1) % 4
    for name in ("log_softmax", "softmax", "logsumexp"):
        _check(name, "relative" if m >= 0 else ("relative" if name != "logsumexp" else
               "backward"), getattr(lb, name)(x), (x,), dtype)
    for y in (top, low):
        _check("softmax_cross_entropy", "relative",
               lb.softmax_cross_entropy(x, y, reduction="none"), (x, y), dtype)
        _check("softmax_cross_entropy_grad", "relative",
               lb.softmax_cross_entropy_grad(x, y, reduction="sum"), (x, y), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_softmax_ce_confident_rows_k1000(dtype):
    """Every row confident and correct, 1000 classes (the benchmark's accurate
    regime): the long sum of small terms stays within the bound too."""
    x, y = R.REGIMES_BY_KEY["softmax_cross_entropy", "confident and correct, K = 1000"].sample(
        np.random.default_rng(5), dtype, 12)
    _check("softmax_cross_entropy", "relative", lb.softmax_cross_entropy(x, y, reduction="none"),
           (x, y), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@FEW
@given(m=maxima, g=gaps, pos=positions)
def test_softmax_ce_one_hot_float_target_grad(dtype, m, g, pos):
    """The same confident row against a one-hot *distribution* (the floating-target
    path): the entry at the maximum is computed from the others there too."""
    x = _far_row(m, g, pos, dtype)
    y = x.argmax(axis=1)
    t = np.eye(x.shape[1], dtype=dtype)[y]
    got = lb.softmax_cross_entropy_grad(x, t, reduction="sum")
    _check("softmax_cross_entropy_grad", "relative", got, (x, y), dtype)


# --- binary cross-entropy from logits -----------------------------------------------------
targets_01 = st.sampled_from([0.0, 1.0])
near_one = st.integers(1, 52)


def _near_one(k, dtype):
    kmax = 52 if np.dtype(dtype) == np.float64 else 23
    return 1 - 2.0 ** -min(k, kmax)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@FEW
@given(z=logits, t=st.one_of(targets_01, soft), k=near_one, use_k=st.booleans())
def test_bce_with_logits(dtype, z, t, k, use_k):
    """|z| <= 800 with t in {0, 1}, soft t, and t = 1 - 2^-k: a sum of two
    non-negative parts, relative accuracy."""
    t = _near_one(k, dtype) if use_k else t
    args = (np.array([z], dtype), np.array([t], dtype))
    got = lb.binary_cross_entropy_with_logits(*args, reduction="none")
    _check("binary_cross_entropy_with_logits", "relative", got, args, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@FEW
@given(z=logits, t=targets_01)
def test_bce_with_logits_grad_binary_targets(dtype, z, t):
    """sigmoid(z) - t for t in {0, 1}: -sigmoid(-z) at z = 40, t = 1, relative."""
    args = (np.array([z], dtype), np.array([t], dtype))
    got = lb.binary_cross_entropy_with_logits_grad(*args, reduction="sum")
    _check("binary_cross_entropy_with_logits_grad", "relative", got, args, dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@FEW
@given(z=logits, t=soft)
def test_bce_with_logits_grad_soft_targets(dtype, z, t):
    """sigmoid(z) - t for a soft target is ill-conditioned where t ~ sigmoid(z):
    backward stable, within 8 ulp of max(t, sigmoid(z))."""
    args = (np.array([z], dtype), np.array([t], dtype))
    got = lb.binary_cross_entropy_with_logits_grad(*args, reduction="sum")
    _check("binary_cross_entropy_with_logits_grad", "backward", got, args, dtype)


# --- KL divergence and cross-entropy of nearby distributions --------------------------------
exponents = st.floats(-12, -4)
signs = st.sampled_from([-1.0, 1.0])
weights = st.lists(st.floats(0.01, 1.0), min_size=2, max_size=6)


def _delta(e, dtype):
    lo, hi = R._delta_range(dtype)
    return 10.0 ** (lo + (e + 12) / 8 * (hi - lo))  # e in [-12, -4] mapped to the dtype's range


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", ["kl_divergence", "cross_entropy"])
@FEW
@given(e=exponents, sign=signs)
def test_near_pairs(name, dtype, e, sign):
    """p = (0.3, 0.7), q = p +- delta, delta down to 1e-12 (float32: 1e-7)."""
    p, q = R.near_pairs([_delta(e, dtype)], [sign], dtype)
    _check(name, "relative", getattr(lb, name)(p, q), (p, q), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", ["kl_divergence", "cross_entropy"])
@FEW
@given(w=weights, e=exponents, data=st.data())
def test_renormalised_pairs(name, dtype, w, e, data):
    """Dirichlet-like p and q = p(1 + eps) renormalised (neither sums to 1 exactly)."""
    eps = data.draw(st.lists(st.floats(-1, 1), min_size=len(w), max_size=len(w)))
    p = np.array([w]) / np.sum(w)
    p, q = R.renormalised_pairs(p, np.array([eps]) * _delta(e, dtype), dtype)
    _check(name, "relative", getattr(lb, name)(p, q), (p, q), dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@FEW
@given(e=exponents, k=st.integers(2, 6), y=st.integers(0, 5))
def test_cross_entropy_one_hot(dtype, e, k, y):
    p, q = R.one_hot_pairs(k, [y % k], [_delta(e, dtype)], dtype)
    _check("cross_entropy", "relative", lb.cross_entropy(p, q), (p, q), dtype)


def test_kl_where_the_gap_cancels_the_brackets():
    """Renormalised float64 pairs whose sums differ by about minus their divergence
    (the brackets and sum(p) - sum(q) nearly cancel): the double-double path. The
    sample is searched for such pairs, so the test fails if there are none."""
    p, q = R.renormalised_pairs(*_renormalised_params(4000), np.float64)
    total = lb.kl_divergence(p, q)
    brackets = _kl_terms(p, q).sum(axis=-1)
    hit = np.abs(total) < brackets / 2
    assert hit.sum() >= 20
    _check("kl_divergence", "relative", total[hit], (p[hit], q[hit]), np.float64)


def _renormalised_params(n):
    rng = np.random.default_rng(11)
    p = rng.dirichlet(np.ones(5), n)
    return p, rng.standard_normal((n, 5)) * 10.0 ** rng.uniform(-9, -7.5, (n, 1))


def test_regimes_are_measured_in_ulps_of_the_right_thing():
    """The measure can fail: 0.0 for logsumexp([0, -40]) (what the textbook form
    gives) is about 5.5e15 ulp off (every digit lost), and the rounded exact value
    is within 0.5 ulp."""
    x = np.array([[0.0, -40.0]])
    assert R.errors("logsumexp", "relative", [0.0], (x,), np.float64)[0] > 5e15
    exact = R.exact("logsumexp", x)
    assert R.errors("logsumexp", "relative", [float(exact[0])], (x,), np.float64)[0] <= 0.5
    assert O.ulp_error(np.float64(4.248354255291589e-18), exact[0], np.float64) <= 0.5
