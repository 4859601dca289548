"""Values of the activations against SciPy, PyTorch CPU and mpmath (API.md).

Elementwise functions are compared with SciPy/numpy where those are accurate
(moderate arguments) and with mpmath in the tails, where ``scipy.special.expit``
is not (it returns 0 instead of a subnormal below about -709, and loses relative
accuracy earlier in float32). The ulp measurements proper are in test_accuracy.py.
"""

from __future__ import annotations

import numpy as np
import oracles as O
import pytest
import scipy.special as sc
import torch
import torch.nn.functional as F

import lossbook as lb

DTYPES = [np.float64, np.float32]
RNG_SEED = 20240601


def _moderate(dtype, n=400):
    rng = np.random.default_rng(RNG_SEED)
    x = np.concatenate([rng.standard_normal(n) * 5, rng.uniform(-30, 30, n), [0.0, -0.0, 1e-300]])
    return x.astype(dtype)


def _extremes(dtype):
    big = [1e308, np.finfo(np.float64).max] if dtype == np.float64 else [3e38, 1e38]
    vals = [0.0, 1e-300, 1e-30, 1.0, 30.0, 88.0, 103.0, 710.0, 745.0, 800.0, *big]
    x = np.array(vals + [-v for v in vals], dtype=np.float64).astype(dtype)
    return x[np.isfinite(x)]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize(
    "name, ref",
    [
        ("sigmoid", sc.expit),
        ("log_sigmoid", sc.log_expit),
        ("softplus", lambda v: np.logaddexp(0.0, v)),
    ],
    ids=["sigmoid", "log_sigmoid", "softplus"],
)
def test_elementwise_vs_scipy_moderate(name, ref, dtype):
    x = _moderate(dtype)
    got = getattr(lb, name)(x)
    assert got.dtype == dtype and got.shape == x.shape
    want = ref(x.astype(np.float64))  # float64 reference for float32 input too
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(got, want, rtol=8 * eps, atol=0)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize(
    "name, tfun",
    [
        ("sigmoid", torch.sigmoid),
        ("log_sigmoid", F.logsigmoid),
        # torch's softplus returns x itself above its threshold (20): only compare below
        ("softplus", lambda t: F.softplus(t, beta=1.0, threshold=1e9)),
    ],
    ids=["sigmoid", "log_sigmoid", "softplus"],
)
def test_elementwise_vs_torch_moderate(name, tfun, dtype):
    x = _moderate(dtype)
    got = getattr(lb, name)(x)
    want = O.to_np(tfun(O.t64(x)))
    np.testing.assert_allclose(got, want, rtol=8 * np.finfo(dtype).eps, atol=0)


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("name", ["sigmoid", "log_sigmoid", "softplus"])
def test_elementwise_extremes_vs_mpmath(name, dtype):
    # SciPy's expit underflows to 0 for x < -709 where the true value is subnormal, and
    # exp overflows for x > 709: mpmath is the reference at the extremes.
    x = _extremes(dtype)
    got = getattr(lb, name)(x)
    assert got.dtype == dtype
    err = O.ulp_errors(got, O.elementwise(name, x), dtype)
    worst = int(np.argmax(err))
    assert err.max() <= O.ULP_BAR[np.dtype(dtype)], (x[worst], got[worst], err[worst])


def test_expit_is_not_good_enough_in_the_tail():
    """The reason mpmath, not SciPy, is the tail oracle: expit(-740) is 0 in SciPy,
    while the exact value (about 4.2e-322) is a representable subnormal."""
    assert sc.expit(-740.0) == 0.0
    assert float(lb.sigmoid(-740.0)) > 0
    assert O.ulp_error(lb.sigmoid(-740.0), O.sigmoid(-740.0), np.float64) <= 4


# ---------------------------------------------------------------- row functions
def _rows(dtype, shape=(7, 5), scale=10.0, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale).astype(dtype)


ROW_CASES = [
    ("lse", "logsumexp"),
    ("sm", "softmax"),
    ("lsm", "log_softmax"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
def test_logsumexp_vs_scipy_and_torch(dtype, axis):
    x = _rows(dtype, (4, 3, 6), scale=20.0, seed=axis + 5)
    got = lb.logsumexp(x, axis=axis)
    assert got.dtype == dtype
    assert got.shape == tuple(np.delete(np.array(x.shape), axis))
    x64 = x.astype(np.float64)
    mag = O.magnitude(x, axis=axis)
    t = O.tol(dtype)
    want_sc = sc.logsumexp(x64, axis=axis)
    want_t = O.to_np(torch.logsumexp(O.t64(x), dim=axis))
    assert np.all(np.abs(got - want_sc) <= t * (np.abs(want_sc) + mag))
    assert np.all(np.abs(got - want_t) <= t * (np.abs(want_t) + mag))
    kept = lb.logsumexp(x, axis=axis, keepdims=True)
    assert kept.shape == sc.logsumexp(x64, axis=axis, keepdims=True).shape
    np.testing.assert_array_equal(np.squeeze(kept, axis=axis), got)


def test_logsumexp_of_a_vector_is_a_scalar():
    v = lb.logsumexp([1.0, 2.0, 3.0])
    assert np.ndim(v) == 0
    assert abs(float(v) - sc.logsumexp([1.0, 2.0, 3.0])) <= 1e-12 * 4


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_like_vs_scipy_and_torch(name, axis, dtype):
    x = _rows(dtype, (6, 9), scale=15.0, seed=3)
    got = getattr(lb, name)(x, axis=axis)
    assert got.dtype == dtype and got.shape == x.shape
    x64 = x.astype(np.float64)
    mag = O.magnitude(x, axis=axis)
    mag = np.expand_dims(mag, axis)
    t = O.tol(dtype)
    want_sc = getattr(sc, name)(x64, axis=axis)
    want_t = O.to_np(getattr(torch, name)(O.t64(x), dim=axis))
    assert np.all(np.abs(got - want_sc) <= t * (np.abs(want_sc) + mag))
    assert np.all(np.abs(got - want_t) <= t * (np.abs(want_t) + mag))


EXTREME_ROWS = {
    np.float64: [
        [1e308, 1e308],
        [np.finfo(np.float64).max, np.finfo(np.float64).max, 0.0],
        [-1e308, 1e308],
        [-1e308, -1e308, -1e308],
        [800.0, 799.0, -800.0],
        [-800.0, -800.5, -801.0],
        [1e-300, -1e-300, 0.0],
        [30.0, -30.0, 0.0],
        [710.0, 0.0, -710.0],
    ],
    np.float32: [
        [3e38, 3e38],
        [-3e38, 3e38],
        [-3e38, -3e38, -3e38],
        [88.0, 87.0, -88.0],
        [-104.0, -103.0, -110.0],
        [1e-30, -1e-30, 0.0],
        [30.0, -30.0, 0.0],
    ],
}


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("name", ["logsumexp", "softmax", "log_softmax"])
def test_row_functions_extremes_vs_mpmath(name, dtype):
    # scipy and torch are fine here in float64 but overflow in float32 for sums of
    # 3e38 terms; mpmath is exact, so it is the reference for every extreme row.
    for row in EXTREME_ROWS[dtype]:
        x = np.array(row, dtype=np.float64).astype(dtype)
        with np.errstate(all="raise"):
            got = getattr(lb, name)(x)
        ref = {"logsumexp": O.logsumexp, "softmax": O.softmax, "log_softmax": O.log_softmax}[name]
        exact = np.array(ref(x), dtype=object) if name != "logsumexp" else ref(x)
        O.check_close(got, exact, dtype, O.magnitude(x), what=f"{name}({row})")


@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
def test_softmax_of_a_huge_gap(dtype):
    """exp(x - max) underflows to exactly 0 and the other entry is exactly 1."""
    big = 1e300 if dtype == np.float64 else 1e38
    s = lb.softmax(np.array([big, -big], dtype=dtype))
    np.testing.assert_array_equal(s, np.array([1.0, 0.0], dtype=dtype))
    ls = lb.log_softmax(np.array([0.0, 1e4], dtype=dtype))
    np.testing.assert_allclose(ls, [-1e4, 0.0], rtol=O.tol(dtype))


@pytest.mark.parametrize("name", ["sigmoid", "log_sigmoid", "softplus"])
def test_elementwise_shapes_and_scalars(name):
    f = getattr(lb, name)
    assert np.ndim(f(0.5)) == 0
    assert f(np.zeros((2, 3, 4))).shape == (2, 3, 4)
    assert f([1, 2, 3]).dtype == np.float64
    assert f(np.array([1, 2], dtype=np.int8)).dtype == np.float64
    assert f(np.zeros(3, dtype=np.float32)).dtype == np.float32


def test_known_values():
    assert float(lb.sigmoid(0.0)) == 0.5
    assert float(lb.softplus(0.0)) == pytest.approx(np.log(2.0), rel=1e-15)
    assert float(lb.log_sigmoid(0.0)) == pytest.approx(-np.log(2.0), rel=1e-15)
    assert float(lb.logsumexp([0.0, 0.0])) == pytest.approx(np.log(2.0), rel=1e-15)
    np.testing.assert_allclose(lb.softmax([0.0, np.log(3.0)]), [0.25, 0.75], rtol=1e-15)
