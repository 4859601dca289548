"""Values of every loss against PyTorch CPU (torch.nn.functional, float64) and mpmath,
for every reduction and both float dtypes, on random and extreme inputs.

Tolerance (API.md): 1e-12 (float64) / 1e-5 (float32) x (|exact| + magnitude of the
inputs), per example; a reduction's bound is the sum (or mean) of the per-example
bounds. For float32 input the reference is computed in float64 from the same
float32 values, so it is the exact answer to the question asked.
"""

from __future__ import annotations

import numpy as np
import oracles as O
import pytest

import lossbook as lb

DTYPES = [np.float64, np.float32]
DT_IDS = ["f64", "f32"]
SHAPES = [(17,), (3, 4)]


@pytest.mark.parametrize("shape", SHAPES, ids=["n17", "3x4"])
@pytest.mark.parametrize("reduction", O.REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=[s.name for s in O.LOSSES])
def test_vs_torch(spec, dtype, reduction, shape):
    rng = np.random.default_rng(O.seed_of(spec.name, shape, reduction, dtype))
    for _ in range(3):
        first, target, kw = spec.make(rng, shape, dtype)
        got = getattr(lb, spec.name)(first, target, reduction=reduction, **kw)
        assert got.dtype == dtype, got.dtype
        want = O.to_np(O.torch_loss(spec.name, first, target, reduction, **kw))
        assert np.shape(got) == want.shape
        mag = O.input_magnitude(spec, first, target)
        per = np.abs(O.to_np(O.torch_loss(spec.name, first, target, "none", **kw))) + mag
        bound = O.tol(dtype) * (per if reduction == "none" else
                                per.sum() if reduction == "sum" else per.mean())
        err = np.abs(np.asarray(got, np.float64) - want)
        assert np.all(err <= bound), (spec.name, kw, err.max(), np.max(bound))


@pytest.mark.parametrize("reduction", O.REDUCTIONS)
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("target_kind", ["labels", "dist"])
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_softmax_cross_entropy_label_smoothing_vs_torch(dtype, target_kind, eps, reduction):
    rng = np.random.default_rng(O.seed_of(target_kind, eps, reduction))
    x = (rng.standard_normal((6, 5)) * 4).astype(dtype)
    t = rng.integers(0, 5, 6) if target_kind == "labels" else O.dirichlet(rng, (6, 5), dtype)
    got = lb.softmax_cross_entropy(x, t, label_smoothing=eps, reduction=reduction)
    want = O.to_np(O.torch_loss("softmax_cross_entropy", x, t, reduction, label_smoothing=eps))
    per = np.abs(O.to_np(O.torch_loss("softmax_cross_entropy", x, t, "none",
                                      label_smoothing=eps))) + O.magnitude(x, axis=-1)
    bound = O.tol(dtype) * {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]
    assert got.dtype == dtype
    assert np.all(np.abs(np.asarray(got, np.float64) - want) <= bound)


@pytest.mark.parametrize("reduction", O.REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=[s.name for s in O.LOSSES])
def test_vs_mpmath_random(spec, dtype, reduction):
    rng = np.random.default_rng(99)
    first, target, kw = spec.make(rng, (5, 3), dtype)
    got = getattr(lb, spec.name)(first, target, reduction=reduction, **kw)
    exact_none = spec.ref_none(first, target, **kw)
    mag = O.input_magnitude(spec, first, target)
    O.check_close(got, O.reduce_exact(exact_none, reduction), dtype,
                  O.reduce_mag(exact_none, mag, reduction), what=f"{spec.name} {kw}")


# ---------------------------------------------------------------- extremes
STRICT = {"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=[s.name for s in O.LOSSES])
def test_extremes_vs_mpmath(spec, dtype):
    # torch clamps log at -100 in binary_cross_entropy and overflows for 1e308 inputs,
    # so mpmath is the reference here. Grid: O.extreme_values / O.probability_values.
    f = getattr(lb, spec.name)
    first, target, kw = O.extreme_loss_inputs(spec, dtype)
    exact = spec.ref_none(first, target, **kw)
    mag = O.input_magnitude(spec, first, target)
    rep = O.representable(exact, dtype)
    assert rep.any()
    # representable results: no floating-point error at all (underflow is rounding)
    with np.errstate(**STRICT):
        got = f(first[rep], target[rep], reduction="none", **kw)
    assert got.dtype == dtype
    O.check_close(got, exact[rep], dtype, mag[rep], what=f"{spec.name} none")
    # the others must be the right infinity (a warning is allowed there)
    with np.errstate(all="ignore"):
        got = f(first[~rep], target[~rep], reduction="none", **kw)
    O.check_close(got, exact[~rep], dtype, mag[~rep], what=f"{spec.name} none, overflow")
    # sum and mean over the representable examples
    ex, m = exact[rep], mag[rep]
    total = O.reduce_exact(ex, "sum")
    if np.isfinite(O.round_to(total, dtype)):
        with np.errstate(**STRICT):
            for reduction in ("sum", "mean"):
                got = f(first[rep], target[rep], reduction=reduction, **kw)
                O.check_close(got, O.reduce_exact(ex, reduction), dtype,
                              O.reduce_mag(ex, m, reduction), what=f"{spec.name} {reduction}")
    else:  # the exact sum overflows: "sum" is inf, "mean" may be inf (API.md)
        with np.errstate(all="ignore"):
            assert f(first[rep], target[rep], reduction="sum", **kw) == np.inf
            got = f(first[rep], target[rep], reduction="mean", **kw)
        if got != np.inf:
            O.check_close(got, O.reduce_exact(ex, "mean"), dtype,
                          O.reduce_mag(ex, m, "mean"), what=f"{spec.name} mean")
        # and on a subset whose sum is representable: the first three examples
        sub = np.flatnonzero(rep)[:3]
        with np.errstate(**STRICT):
            got = f(first[sub], target[sub], reduction="mean", **kw)
        O.check_close(got, O.reduce_exact(exact[sub], "mean"), dtype,
                      O.reduce_mag(exact[sub], mag[sub], "mean"), what=f"{spec.name} mean[:3]")


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("eps", [0.1, 0.5, 1.0])
@pytest.mark.parametrize("target_kind", ["labels", "dist"])
def test_label_smoothing_extremes(target_kind, eps, dtype):
    """Smoothing puts weight eps/K on every class, so a class far below the maximum
    contributes (eps/K)(gap); finite whenever that product is."""
    big = 1e300 if dtype == np.float64 else 1e37
    x = np.array([[big, -big, 0.0], [800.0, -800.0, 0.0], [0.0, 0.0, 0.0]], dtype=dtype)
    if target_kind == "labels":
        t = np.array([0, 1, 2])
    else:
        t = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.2, 0.3, 0.5]], dtype=dtype)
    with np.errstate(all="raise"):
        got = lb.softmax_cross_entropy(x, t, label_smoothing=eps, reduction="none")
    exact = O.LOSS_BY_NAME["softmax_cross_entropy"].ref_none(x, t, label_smoothing=eps)
    O.check_close(got, exact, dtype, O.magnitude(x, axis=-1), what="smoothed CE")


# ---------------------------------------------------------------- special cases
def test_known_values():
    assert float(lb.mse([1.0, 3.0], [0.0, 0.0])) == 5.0
    assert float(lb.mae([1.0, -3.0], [0.0, 0.0], reduction="sum")) == 4.0
    assert float(lb.huber([0.5], [0.0], delta=1.0)) == 0.125
    assert float(lb.huber([3.0], [0.0], delta=1.0)) == 2.5
    assert float(lb.huber([3.0], [0.0], delta=2.0)) == 4.0
    assert float(lb.hinge([0.5, 2.0, -1.0], [1, 1, 1], reduction="sum")) == 2.5
    # the [10, 9, 9] example: every margin is met exactly, so the loss is 0
    assert float(lb.multiclass_hinge([[10.0, 9.0, 9.0]], [0])) == 0.0
    # CS231n-style example: scores [3.2, 5.1, -1.7], true class 0, margin 1
    assert float(lb.multiclass_hinge([[3.2, 5.1, -1.7]], [0])) == pytest.approx(2.9, abs=1e-12)
    assert float(lb.binary_cross_entropy([0.5], [1.0])) == pytest.approx(np.log(2), rel=1e-15)
    assert float(lb.softmax_cross_entropy([[0.0, 0.0]], [1])) == pytest.approx(np.log(2), rel=1e-15)
    assert float(lb.binary_cross_entropy_with_logits([0.0], [0.3])) == pytest.approx(
        np.log(2), rel=1e-15)


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "binary_cross_entropy",
                                  "binary_cross_entropy_with_logits", "hinge"])
def test_target_broadcasts_to_prediction(name):
    rng = np.random.default_rng(5)
    first = rng.uniform(0.1, 0.9, (3, 4))
    target = np.array([1, -1, 1, 1]) if name == "hinge" else rng.uniform(0, 1, 4)
    got = getattr(lb, name)(first, target, reduction="none")
    want = getattr(lb, name)(first, np.broadcast_to(target, (3, 4)).copy(), reduction="none")
    assert got.shape == (3, 4)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_integer_and_distribution_targets_agree(dtype):
    rng = np.random.default_rng(8)
    x = (rng.standard_normal((6, 4)) * 3).astype(dtype)
    y = rng.integers(0, 4, 6)
    onehot = np.eye(4, dtype=dtype)[y]
    mag = O.magnitude(x, axis=-1)
    for eps in (0.0, 0.2):
        a = lb.softmax_cross_entropy(x, y, label_smoothing=eps, reduction="none")
        b = lb.softmax_cross_entropy(x, onehot, label_smoothing=eps, reduction="none")
        assert np.all(np.abs(a - b) <= O.tol(dtype) * (np.abs(a) + mag))


@pytest.mark.parametrize("int_dtype", [np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint64])
def test_class_indices_of_any_integer_dtype(int_dtype):
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]], dtype=np.float32)
    y = np.array([2, 0], dtype=int_dtype)
    a = lb.softmax_cross_entropy(x, y, reduction="none")
    b = lb.softmax_cross_entropy(x, y.astype(np.int64), reduction="none")
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    c = lb.multiclass_hinge(x, y, reduction="none")
    assert c.dtype == np.float32
    np.testing.assert_array_equal(c, lb.multiclass_hinge(x, y.astype(np.int64), reduction="none"))


def test_hinge_accepts_float_pm1_labels():
    s = np.array([0.3, -2.0, 0.9])
    assert np.array_equal(lb.hinge(s, np.array([1.0, -1.0, -1.0]), reduction="none"),
                          lb.hinge(s, np.array([1, -1, -1]), reduction="none"))


def test_class_losses_on_higher_rank_input():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 5))
    y = rng.integers(0, 5, (2, 3))
    for name in ("softmax_cross_entropy", "multiclass_hinge"):
        got = getattr(lb, name)(x, y, reduction="none")
        assert got.shape == (2, 3)
        flat = getattr(lb, name)(x.reshape(6, 5), y.reshape(6), reduction="none")
        np.testing.assert_allclose(got.ravel(), flat, rtol=1e-15)
        assert float(getattr(lb, name)(x, y)) == pytest.approx(flat.mean(), rel=1e-14)
