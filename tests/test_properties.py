"""Property tests (hypothesis) and the conventions every function follows (API.md):
result dtypes, no mutation of inputs, read-only input accepted."""

from __future__ import annotations

import numpy as np
import oracles as O
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossbook as lb

SETTINGS = settings(deadline=None, max_examples=40, derandomize=True)
DTYPES = [np.float64, np.float32]


def finite_floats(lo, hi, width=64):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=width)


@st.composite
def logit_rows(draw, lo=-1e3, hi=1e3):
    dtype = draw(st.sampled_from(DTYPES))
    width = 32 if dtype == np.float32 else 64
    n = draw(st.integers(1, 4))
    k = draw(st.integers(1, 6))
    x = draw(hnp.arrays(dtype, (n, k), elements=finite_floats(lo, hi, width)))
    return x


@st.composite
def distributions(draw, n_max=3, k_max=6, positive=False):
    dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(1, n_max))
    k = draw(st.integers(1, k_max))
    lo = 1e-3 if positive else 0.0
    w = draw(hnp.arrays(np.float64, (2, n, k), elements=finite_floats(lo, 1.0)))
    w[..., 0] += 1e-3  # never an all-zero row
    w /= w.sum(axis=-1, keepdims=True)
    return w[0].astype(dtype), w[1].astype(dtype)


# ---------------------------------------------------------------- activations
@SETTINGS
@given(logit_rows())
def test_softmax_sums_to_one(x):
    s = lb.softmax(x)
    k = x.shape[-1]
    assert np.all(s >= 0) and np.all(s <= 1)
    assert np.all(np.abs(s.sum(axis=-1, dtype=np.float64) - 1) <= k * O.tol(x.dtype))


@SETTINGS
@given(logit_rows(lo=-100, hi=100), finite_floats(-1e3, 1e3))
def test_softmax_shift_invariant(x, c):
    c = x.dtype.type(c)
    y = x + c
    mag = np.maximum(O.magnitude(x, axis=-1), O.magnitude(y, axis=-1))[:, None]
    t = O.tol(x.dtype)
    a, b = lb.softmax(x), lb.softmax(y)
    assert np.all(np.abs(a - b) <= t * (np.abs(a) + mag))
    la, lb_ = lb.log_softmax(x), lb.log_softmax(y)
    assert np.all(np.abs(la - lb_) <= t * (np.abs(la) + mag))
    assert np.all(np.abs((lb.logsumexp(y) - lb.logsumexp(x)) - c) <= t * 2 * mag[:, 0] * 2)


@SETTINGS
@given(hnp.arrays(np.float64, st.integers(1, 30), elements=finite_floats(-800, 800)))
def test_sigmoid_symmetry(x):
    # sigma(-x) = 1 - sigma(x): the two sides agree to rounding (absolute 2 eps)
    assert np.all(np.abs(lb.sigmoid(-x) - (1 - lb.sigmoid(x))) <= 2 * np.finfo(float).eps)
    # and log_sigmoid(x) - log_sigmoid(-x) = x exactly in the mathematics
    d = lb.log_sigmoid(x) - lb.log_sigmoid(-x)
    assert np.all(np.abs(d - x) <= 4 * np.finfo(float).eps * np.maximum(1, np.abs(x)))


# ---------------------------------------------------------------- information
@SETTINGS
@given(distributions())
def test_kl_nonnegative(pq):
    p, q = pq
    kl = lb.kl_divergence(p, q)
    assert np.all(kl >= -O.tol(p.dtype) * 10)
    assert np.all(np.abs(lb.kl_divergence(p, p)) <= O.tol(p.dtype) * 10)


@SETTINGS
@given(distributions(positive=True), st.sampled_from([None, 2, 10]))
def test_cross_entropy_is_entropy_plus_kl(pq, base):
    p, q = pq
    h_pq = lb.cross_entropy(p, q, base=base)
    rhs = lb.entropy(p, base=base) + lb.kl_divergence(p, q, base=base)
    scale = np.abs(h_pq) + np.abs(lb.entropy(p, base=base)) + 1
    assert np.all(np.abs(h_pq - rhs) <= 4 * O.tol(p.dtype) * scale)


# ---------------------------------------------------------------- losses
@st.composite
def loss_inputs(draw, spec_name=None):
    spec = O.LOSS_BY_NAME[spec_name] if spec_name else draw(st.sampled_from(O.LOSSES))
    dtype = draw(st.sampled_from(DTYPES))
    width = 32 if dtype == np.float32 else 64
    n = draw(st.integers(1, 5))
    fl = lambda lo, hi: finite_floats(lo, hi, width)  # noqa: E731
    arr = lambda shape, el: draw(hnp.arrays(dtype, shape, elements=el))  # noqa: E731
    kw = {}
    if spec.classes:
        k = draw(st.integers(2, 5))
        first = arr((n, k), fl(-50, 50))
        if spec.name == "softmax_cross_entropy":
            kw["label_smoothing"] = draw(st.sampled_from([0.0, 0.1, 1.0]))
            if draw(st.booleans()):
                w = draw(hnp.arrays(np.float64, (n, k), elements=finite_floats(0, 1)))
                w[:, 0] += 1e-3
                target = (w / w.sum(axis=-1, keepdims=True)).astype(dtype)
            else:
                target = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
        else:
            kw["margin"] = draw(st.sampled_from([0.5, 1.0, 3.0]))
            target = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
        return spec, first, target, kw
    shape = (n,)
    if spec.name == "binary_cross_entropy":
        return spec, arr(shape, fl(0, 1)), arr(shape, fl(0, 1)), kw
    if spec.name == "binary_cross_entropy_with_logits":
        return spec, arr(shape, fl(-100, 100)), arr(shape, fl(0, 1)), kw
    if spec.name == "hinge":
        t = draw(hnp.arrays(np.int64, shape, elements=st.sampled_from([-1, 1])))
        return spec, arr(shape, fl(-1e3, 1e3)), t, kw
    if spec.name == "huber":
        kw["delta"] = draw(st.sampled_from([0.1, 1.0, 7.5]))
    return spec, arr(shape, fl(-1e3, 1e3)), arr(shape, fl(-1e3, 1e3)), kw


@settings(deadline=None, max_examples=120, derandomize=True)
@given(loss_inputs())
def test_losses_nonnegative_and_reductions_agree(case):
    spec, first, target, kw = case
    f = getattr(lb, spec.name)
    none = f(first, target, reduction="none", **kw)
    total = f(first, target, reduction="sum", **kw)
    mean = f(first, target, reduction="mean", **kw)
    assert np.all(none >= 0), none
    assert total >= 0 and mean >= 0
    count = O.count_examples(spec, first)
    assert none.size == count
    t = O.tol(first.dtype)
    scale = np.sum(np.abs(none), dtype=np.float64)
    if np.isinf(scale):  # e.g. binary cross-entropy of probability 0 against target 1
        assert total == np.inf and mean == np.inf
    else:
        floor = 2 * float(np.finfo(first.dtype).smallest_subnormal)  # subnormals: absolute ulps
        assert abs(float(total) - float(mean) * count) <= t * scale + floor  # sum = mean x n
        assert abs(float(np.sum(none, dtype=np.float64)) - float(total)) <= t * scale + floor
    assert none.dtype == total.dtype == mean.dtype == first.dtype


@settings(deadline=None, max_examples=60, derandomize=True)
@given(loss_inputs())
def test_gradient_reductions_agree(case):
    spec, first, target, kw = case
    g = getattr(lb, spec.grad_name)
    gs = g(first, target, reduction="sum", **kw)
    np.testing.assert_array_equal(g(first, target, reduction="none", **kw), gs)
    gm = g(first, target, reduction="mean", **kw)
    count = O.count_examples(spec, first)
    fin = np.isfinite(gs)
    np.testing.assert_array_equal(gm[~fin], gs[~fin])  # infinite derivatives stay infinite
    scale = np.max(np.abs(gs[fin]), initial=0.0)
    err = np.abs(gm[fin] * count - gs[fin])
    assert np.all(err <= O.tol(first.dtype) * (np.abs(gs[fin]) + scale) + 1e-300)
    assert gs.shape == first.shape and gs.dtype == first.dtype


# ---------------------------------------------------------------- dtypes
@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("i", range(len(O.CALL_IDS)), ids=O.CALL_IDS)
def test_float_dtype_is_kept(i, dtype):
    name, args, kw = O.sample_calls(dtype)[i]
    out = getattr(lb, name)(*args, **kw)
    assert np.asarray(out).dtype == dtype


def _int_args(name):
    """Integer-valued valid input for each function."""
    base = name.removesuffix("_grad") if name != "sigmoid_grad" else name
    x2 = np.array([[1, -2, 3], [0, 0, 1]])
    onehot = np.array([[0, 1, 0], [1, 0, 0]])
    table = {
        "entropy": (onehot,),
        "cross_entropy": (onehot, onehot),
        "kl_divergence": (onehot, onehot),
        "mse": (np.array([1, 2, 3]), np.array([0, 2, 5])),
        "binary_cross_entropy": (np.array([0, 1, 1]), np.array([0, 1, 1])),
        "binary_cross_entropy_with_logits": (np.array([-2, 0, 3]), np.array([0, 1, 1])),
        "softmax_cross_entropy": (x2, np.array([2, 0])),
        "hinge": (np.array([2, -1, 0]), np.array([1, -1, 1])),
        "multiclass_hinge": (x2, np.array([2, 0])),
    }
    table["mae"] = table["huber"] = table["mse"]
    return table.get(base, (x2,))


@pytest.mark.parametrize("i", range(len(O.CALL_IDS)), ids=O.CALL_IDS)
def test_ints_and_lists_give_float64(i):
    name, args, kw = O.sample_calls(np.float64)[i]
    f = getattr(lb, name)
    assert np.asarray(f(*[a.tolist() for a in args], **kw)).dtype == np.float64
    ints = _int_args(name)
    assert np.asarray(f(*ints, **kw)).dtype == np.float64
    assert np.asarray(f(*[a.astype(np.int8) for a in ints], **kw)).dtype == np.float64
    assert np.asarray(f(*[a.tolist() for a in ints], **kw)).dtype == np.float64


@pytest.mark.parametrize("int_dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8])
def test_integer_targets_never_widen(int_dtype):
    p32 = np.array([0.2, 0.9, 0.4], np.float32)
    t01 = np.array([0, 1, 1], int_dtype)
    for name in ("mse", "mae", "huber", "binary_cross_entropy",
                 "binary_cross_entropy_with_logits"):
        for suffix in ("", "_grad"):
            assert getattr(lb, name + suffix)(p32, t01).dtype == np.float32, name + suffix
    if np.issubdtype(int_dtype, np.signedinteger):
        pm1 = np.array([1, -1, 1], int_dtype)
        assert lb.hinge(p32, pm1).dtype == np.float32
        assert lb.hinge_grad(p32, pm1).dtype == np.float32
    x32 = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.0]], np.float32)
    y = np.array([2, 0], int_dtype)
    for name in ("softmax_cross_entropy", "multiclass_hinge"):
        for suffix in ("", "_grad"):
            assert getattr(lb, name + suffix)(x32, y).dtype == np.float32, name + suffix


def test_mixed_float_dtypes_promote():
    p32 = np.array([0.2, 0.9], np.float32)
    t64 = np.array([0.0, 1.0])
    assert lb.mse(p32, t64).dtype == np.float64
    assert lb.binary_cross_entropy(p32, t64).dtype == np.float64
    assert lb.hinge(p32, np.array([1.0, -1.0])).dtype == np.float64
    x32 = np.zeros((1, 2), np.float32)
    assert lb.softmax_cross_entropy(x32, np.array([[0.5, 0.5]])).dtype == np.float64
    assert lb.kl_divergence(p32 / p32.sum(), t64[::-1] * 0 + 0.5).dtype == np.float64


# ---------------------------------------------------------------- no mutation
@pytest.mark.parametrize("dtype", DTYPES, ids=["f64", "f32"])
@pytest.mark.parametrize("i", range(len(O.CALL_IDS)), ids=O.CALL_IDS)
def test_inputs_never_modified_and_read_only_accepted(i, dtype):
    name, args, kw = O.sample_calls(dtype, seed=i)[i]
    copies = [a.copy() for a in args]
    out1 = getattr(lb, name)(*args, **kw)
    for a, c in zip(args, copies, strict=True):
        np.testing.assert_array_equal(a, c)
        assert a.dtype == c.dtype
    frozen = [a.copy() for a in args]
    for a in frozen:
        a.flags.writeable = False
    out2 = getattr(lb, name)(*frozen, **kw)
    np.testing.assert_array_equal(out1, out2)
    # the result is not a view of an input
    for a in args:
        assert not np.shares_memory(np.asarray(out1), a)
