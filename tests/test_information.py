"""Values of entropy, cross-entropy and KL divergence against SciPy and mpmath."""

from __future__ import annotations

import math

import numpy as np
import oracles as O
import pytest
import scipy.special as sc

import lossbook as lb

DTYPES = [np.float64, np.float32]
DT_IDS = ["f64", "f32"]
BASES = [None, 2, 10, math.e, 0.5]


def _dists(dtype, shape, seed, zeros=False):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(shape[-1]) * 0.7, size=shape[:-1])
    if zeros:
        p = np.where(rng.random(p.shape) < 0.25, 0.0, p)
        p[..., 0] += 1e-3  # no all-zero row
        p /= p.sum(axis=-1, keepdims=True)
    return p.astype(dtype)


def _scipy_ref(name, p, q, base):
    p = p.astype(np.float64)
    q = None if q is None else q.astype(np.float64)
    if name == "entropy":
        v = sc.entr(p).sum(axis=-1)
    elif name == "cross_entropy":
        v = -sc.xlogy(p, q).sum(axis=-1)
    else:
        v = sc.rel_entr(p, q).sum(axis=-1)
    return v if base is None else v / np.log(base)


def _call(name, p, q, **kw):
    f = getattr(lb, name)
    return f(p, **kw) if name == "entropy" else f(p, q, **kw)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("base", BASES, ids=["nats", "bits", "b10", "be", "b0.5"])
@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
@pytest.mark.parametrize("zeros", [False, True], ids=["dense", "zeros-in-p"])
def test_vs_scipy(name, base, dtype, zeros):
    p = _dists(dtype, (20, 6), seed=1, zeros=zeros)
    q = _dists(dtype, (20, 6), seed=2)
    got = _call(name, p, q, base=base)
    assert got.shape == (20,) and got.dtype == dtype
    want = _scipy_ref(name, p, None if name == "entropy" else q, base)
    t = O.tol(dtype)
    scale = 1.0 if base is None else 1.0 / abs(np.log(base))
    assert np.all(np.abs(got - want) <= t * (np.abs(want) + scale)), (got - want)


@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_axis(name, axis):
    p = np.moveaxis(_dists(np.float64, (3, 4, 5), seed=3), -1, axis)
    q = np.moveaxis(_dists(np.float64, (3, 4, 5), seed=4), -1, axis)
    got = _call(name, p, q, axis=axis)
    want = _call(name, np.moveaxis(p, axis, -1), np.moveaxis(q, axis, -1))
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_known_values():
    for k in (1, 2, 3, 8):
        u = np.full(k, 1.0 / k)
        assert float(lb.entropy(u)) == pytest.approx(math.log(k), rel=1e-14, abs=1e-15)
        assert float(lb.entropy(u, base=2)) == pytest.approx(math.log2(k), rel=1e-14, abs=1e-15)
    assert float(lb.entropy([1.0, 0.0])) == 0.0
    assert float(lb.entropy([0.5, 0.5], base=2)) == pytest.approx(1.0, rel=1e-15)
    p, q = [0.5, 0.5], [0.9, 0.1]
    want = 0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1)
    assert float(lb.kl_divergence(p, q)) == pytest.approx(want, rel=1e-14)
    assert float(lb.kl_divergence(q, q)) == pytest.approx(0.0, abs=1e-15)
    assert float(lb.cross_entropy(p, q)) == pytest.approx(
        -0.5 * math.log(0.9) - 0.5 * math.log(0.1), rel=1e-14)


def test_scalar_result_for_one_distribution():
    assert np.ndim(lb.entropy([0.25, 0.75])) == 0
    assert np.ndim(lb.kl_divergence([0.25, 0.75], [0.5, 0.5])) == 0


def test_infinite_where_mathematics_is_infinite():
    with np.errstate(all="raise"):
        assert float(lb.kl_divergence([0.5, 0.5], [1.0, 0.0])) == np.inf
        assert float(lb.cross_entropy([0.5, 0.5], [1.0, 0.0])) == np.inf
        # 0 log 0 = 0: a zero of p where q is zero costs nothing
        assert np.isfinite(lb.kl_divergence([1.0, 0.0], [1.0, 0.0]))
        assert float(lb.kl_divergence([1.0, 0.0], [1.0, 0.0])) == 0.0
        assert float(lb.cross_entropy([1.0, 0.0], [1.0, 0.0])) == 0.0


EXTREME_PAIRS = {
    np.float64: [
        ([0.5, 0.5], [5e-324, 1.0]),           # p/q overflows; the log ratio does not
        ([1e-300, 1.0], [1.0, 1e-300]),
        ([1e-300, 1.0], [0.5, 0.5]),
        ([2.2250738585072014e-308, 1.0], [5e-324, 1.0]),
        ([1.0, 0.0, 0.0], [1.0 - 2e-16, 1e-16, 1e-16]),
        ([0.25, 0.25, 0.25, 0.25], [1e-300, 1e-300, 1e-300, 1.0]),
    ],
    np.float32: [
        ([0.5, 0.5], [1e-45, 1.0]),
        ([1e-38, 1.0], [1.0, 1e-38]),
        ([1e-30, 1.0], [0.5, 0.5]),
        ([0.25, 0.25, 0.25, 0.25], [1e-40, 1e-40, 1e-40, 1.0]),
    ],
}


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("base", [None, 2])
@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
def test_extremes_vs_mpmath(name, base, dtype):
    # scipy.special.rel_entr(0.5, 5e-324) overflows in p/q: mpmath is the reference.
    ref = {"entropy": O.entropy, "cross_entropy": O.cross_entropy,
           "kl_divergence": O.kl_divergence}[name]
    for p, q in EXTREME_PAIRS[dtype]:
        p = np.array(p, dtype=dtype)
        q = np.array(q, dtype=dtype)
        with np.errstate(all="raise"):
            got = _call(name, p, q, base=base)
        exact = ref(p, base=base) if name == "entropy" else ref(p, q, base=base)
        assert np.isfinite(got), (name, p, q, got)
        O.check_close(got, exact, dtype, 1.0, what=f"{name}({p}, {q}, base={base})")


@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
def test_dtype_rules(name):
    p32 = np.array([0.25, 0.75], np.float32)
    q32 = np.array([0.5, 0.5], np.float32)
    assert _call(name, p32, q32).dtype == np.float32
    assert _call(name, [0.25, 0.75], [0.5, 0.5]).dtype == np.float64
    assert _call(name, np.array([0, 1]), np.array([1, 0])).dtype == np.float64
    if name != "entropy":
        assert _call(name, p32, q32.astype(np.float64)).dtype == np.float64


@pytest.mark.parametrize("name", ["entropy", "cross_entropy", "kl_divergence"])
def test_one_hot_integer_distributions(name):
    """Integer arrays are accepted as distributions (one-hot rows)."""
    p = np.array([[0, 1, 0], [1, 0, 0]])
    q = np.array([[0.2, 0.5, 0.3], [0.6, 0.2, 0.2]])
    got = _call(name, p, q)
    want = _scipy_ref(name, p.astype(float), None if name == "entropy" else q, None)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("fn", [lb.cross_entropy, lb.kl_divergence])
def test_one_distribution_against_a_batch(fn):
    """The axis is resolved after broadcasting: one p against a batch of q (and the
    reverse) gives one value per row, equal to the row-by-row values."""
    p = np.array([0.1, 0.2, 0.3, 0.4])
    q = np.array([[0.25] * 4, [0.4, 0.3, 0.2, 0.1], [0.1, 0.2, 0.3, 0.4]])
    rows = np.array([fn(p, qi) for qi in q])
    np.testing.assert_allclose(fn(p, q), rows, rtol=1e-14)
    np.testing.assert_allclose(fn(q, p), np.array([fn(qi, p) for qi in q]), rtol=1e-14)
    np.testing.assert_allclose(fn(p[:, None], q.T, axis=0), rows, rtol=1e-14)
