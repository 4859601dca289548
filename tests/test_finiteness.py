"""Finite in, finite out (API.md): over a grid of finite float32 and float64 extremes
(O.extreme_values), every function and gradient gives no nan, raises no numpy
floating-point warning, and does not overflow wherever the exact result (mpmath) is
finite and representable; where the exact result is infinite, or too large for the
dtype, it gives that infinity (never nan). Also: ±inf inputs give their limits, nan
propagates, and empty input behaves as the contract says.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import oracles as O
import pytest

import lossbook as lb

DTYPES = [np.float64, np.float32]
DT_IDS = ["f64", "f32"]
SPEC_IDS = [s.name for s in O.LOSSES]


@contextlib.contextmanager
def strict():
    """Every numpy floating-point event (except underflow, which is rounding) and
    every warning is an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            yield


@contextlib.contextmanager
def lenient():
    """For results that overflow in exact arithmetic: a warning is allowed there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with np.errstate(all="ignore"):
            yield


def _check_infinities(got, exact, dtype, what):
    """Non-representable exact values: the computed value is that infinity."""
    got = np.asarray(got)
    assert not np.isnan(got).any(), f"{what}: nan where the exact value is infinite"
    for c, e in zip(got.ravel(), np.ravel(exact), strict=True):
        want = float(O.round_to(e, dtype))
        assert c == want, f"{what}: got {c!r}, exact {O.MP.nstr(e, 10)}"


# ---------------------------------------------------------------- elementwise
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", O.ACTIVATIONS)
def test_elementwise_grid(name, dtype):
    x = O.extreme_values(dtype)
    with strict():
        got = getattr(lb, name)(x)
    assert np.isfinite(got).all(), x[~np.isfinite(got)]
    err = O.ulp_errors(got, O.elementwise(name, x), dtype)
    assert err.max() <= O.ULP_BAR[np.dtype(dtype)], (x[np.argmax(err)], err.max())


def _row_grid(dtype):
    e = O.extreme_values(dtype)
    return np.array([[a, b, 0.0] for a in e for b in e], dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", ["logsumexp", "softmax", "log_softmax", "softmax_jacobian"])
def test_row_function_grid(name, dtype):
    rows = _row_grid(dtype)
    if name == "logsumexp":
        exact = O.rows_apply(O.logsumexp, rows, out_scalar=True)
    elif name == "softmax_jacobian":
        exact = np.array([O.softmax_jacobian_row(r) for r in rows], dtype=object)
    else:
        exact = O.rows_apply(getattr(O, name), rows)
    rep = O.representable(exact, dtype)
    ok_rows = rep.reshape(len(rows), -1).all(axis=1)
    with strict():
        got = getattr(lb, name)(rows[ok_rows])
    mag = O.magnitude(rows[ok_rows], axis=-1).reshape((-1,) + (1,) * (exact.ndim - 1))
    O.check_close(got, exact[ok_rows], dtype, mag, what=name)
    if (~ok_rows).any():
        with lenient():
            got = getattr(lb, name)(rows[~ok_rows])
        assert not np.isnan(got).any()
        O.check_close(got, exact[~ok_rows], dtype,
                      O.magnitude(rows[~ok_rows], axis=-1).reshape(
                          (-1,) + (1,) * (exact.ndim - 1)), what=name + " overflow")


# ---------------------------------------------------------------- information
def _dist_grid(dtype):
    a = O.probability_values(dtype)
    pairs = np.array([[v, 1 - v] for v in a], dtype=dtype)  # rows summing to 1 (rounded)
    p = np.repeat(pairs, len(pairs), axis=0)
    q = np.tile(pairs, (len(pairs), 1))
    return p, q


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("name", O.INFORMATION)
def test_information_grid(name, dtype):
    p, q = _dist_grid(dtype)
    ref = {"entropy": lambda a, b: O.entropy(a), "cross_entropy": O.cross_entropy,
           "kl_divergence": O.kl_divergence}[name]
    exact = np.array([ref(a, b) for a, b in zip(p, q, strict=True)], dtype=object)
    rep = O.representable(exact, dtype)
    args = (lambda m: (p[m],)) if name == "entropy" else (lambda m: (p[m], q[m]))
    with strict():
        got = getattr(lb, name)(*args(rep))
    O.check_close(got, exact[rep], dtype, 1.0, what=name)
    if name != "entropy":
        assert (~rep).any()  # the grid has q_i = 0 < p_i
        with lenient():
            got = getattr(lb, name)(*args(~rep))
        _check_infinities(got, exact[~rep], dtype, name)


def test_kl_and_cross_entropy_infinite_cases():
    with lenient():
        assert lb.kl_divergence([0.3, 0.7], [0.0, 1.0]) == np.inf
        assert lb.cross_entropy([0.3, 0.7], [0.0, 1.0]) == np.inf
        assert lb.kl_divergence(np.array([0.3, 0.7], np.float32),
                                np.array([0.0, 1.0], np.float32)) == np.inf


# ---------------------------------------------------------------- losses and gradients
def _per_example(a, spec):
    return a.reshape(a.shape[0], -1).all(axis=1) if spec.classes else a


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=SPEC_IDS)
def test_loss_grid(spec, dtype):
    first, target, kw = O.extreme_loss_inputs(spec, dtype)
    exact = spec.ref_none(first, target, **kw)
    rep = O.representable(exact, dtype)
    f = getattr(lb, spec.name)
    with strict():
        got = f(first[rep], target[rep], reduction="none", **kw)
    assert np.isfinite(got).all()
    mag = O.input_magnitude(spec, first, target)
    O.check_close(got, exact[rep], dtype, mag[rep], what=spec.name)
    with lenient():
        got = f(first[~rep], target[~rep], reduction="none", **kw)
    _check_infinities(got, exact[~rep], dtype, spec.name)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=SPEC_IDS)
def test_gradient_grid(spec, dtype):
    first, target, kw = O.extreme_loss_inputs(spec, dtype)
    if spec.kinks is not None:  # the derivative does not exist at a kink
        keep = ~spec.kinks(first, target, **kw)
        keep &= ~_at_kink_exactly(spec, first, target, **kw)
        first, target = first[keep], target[keep]
    exact = spec.ref_grad(first, target, **kw)
    rep = _per_example(O.representable(exact, dtype), spec)
    g = getattr(lb, spec.grad_name)
    for reduction in ("sum", "none"):
        with strict():
            got = g(first[rep], target[rep], reduction=reduction, **kw)
        assert np.isfinite(got).all(), (spec.grad_name, first[rep][~np.isfinite(got)])
        mag = O.input_magnitude(spec, first[rep], target[rep])
        if spec.classes:
            mag = mag[:, None]
        O.check_close(got, exact[rep], dtype, np.broadcast_to(mag, got.shape),
                      what=spec.grad_name)
    if (~rep).any():
        with lenient():
            got = g(first[~rep], target[~rep], reduction="sum", **kw)
        assert not np.isnan(got).any(), (spec.grad_name, first[~rep][np.isnan(got)])
        _check_infinities(got, exact[~rep], dtype, spec.grad_name)


def _at_kink_exactly(spec, first, target, **kw):
    """Exact kink test in mpmath (the float test in oracles misses huge arguments)."""
    out = np.zeros(len(first), dtype=bool)
    for i in range(len(first)):
        if spec.name in ("mae",):
            out[i] = O.to_mp(first[i]) == O.to_mp(target[i])
        elif spec.name == "huber":
            out[i] = abs(O.to_mp(first[i]) - O.to_mp(target[i])) == O.to_mp(kw["delta"])
        elif spec.name == "hinge":
            out[i] = O.to_mp(target[i]) * O.to_mp(first[i]) == 1
        elif spec.name == "multiclass_hinge":
            s = [O.to_mp(v) for v in first[i]]
            y = int(target[i])
            m = O.to_mp(kw["margin"])
            out[i] = any(s[j] - s[y] + m == 0 for j in range(len(s)) if j != y)
    return out


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_bce_infinite_cases(dtype):
    p = np.array([0.0, 1.0, 0.0, 1.0], dtype=dtype)
    t = np.array([1.0, 0.0, 0.5, 0.5], dtype=dtype)
    with lenient():
        got = lb.binary_cross_entropy(p, t, reduction="none")
        total = lb.binary_cross_entropy(p, t, reduction="sum")
    np.testing.assert_array_equal(got, [np.inf] * 4)
    assert total == np.inf
    with strict():  # and the finite corners are exact 0, without log(0) = -inf
        got = lb.binary_cross_entropy(np.array([0.0, 1.0], dtype), np.array([0.0, 1.0], dtype),
                                      reduction="none")
    np.testing.assert_array_equal(got, [0.0, 0.0])


# ---------------------------------------------------------------- ±inf inputs
INF = np.inf
LIMIT_CASES = [
    ("sigmoid", ([INF, -INF],), {}, [1.0, 0.0]),
    ("log_sigmoid", ([INF, -INF],), {}, [0.0, -INF]),
    ("softplus", ([INF, -INF],), {}, [INF, 0.0]),
    ("sigmoid_grad", ([INF, -INF],), {}, [0.0, 0.0]),
    ("logsumexp", ([-INF, 2.5],), {}, 2.5),
    ("logsumexp", ([-INF, -INF],), {}, -INF),
    ("logsumexp", ([INF, 2.5],), {}, INF),
    ("softmax", ([-INF, 0.0, 0.0],), {}, [0.0, 0.5, 0.5]),
    ("softmax", ([INF, 0.0, -INF],), {}, [1.0, 0.0, 0.0]),
    ("softmax", ([INF, INF],), {}, [np.nan, np.nan]),
    ("log_softmax", ([-INF, 0.0],), {}, [-INF, 0.0]),
    ("log_softmax", ([INF, 1.0],), {}, [0.0, -INF]),
    ("mse", ([INF, -INF, INF], [0.0, 0.0, INF]), {"reduction": "none"}, [INF, INF, np.nan]),
    ("mae", ([INF, -INF, INF], [0.0, 0.0, INF]), {"reduction": "none"}, [INF, INF, np.nan]),
    ("huber", ([INF, -INF], [0.0, 0.0]), {"reduction": "none"}, [INF, INF]),
    ("hinge", ([INF, -INF, INF], [1, 1, -1]), {"reduction": "none"}, [0.0, INF, INF]),
    ("binary_cross_entropy_with_logits", ([INF, INF, -INF, -INF, INF], [1.0, 0.0, 0.0, 1.0, 0.5]),
     {"reduction": "none"}, [0.0, INF, 0.0, INF, INF]),
    ("softmax_cross_entropy", ([[INF, 0.0], [INF, 0.0], [-INF, 0.0], [-INF, 0.0]], [0, 1, 1, 0]),
     {"reduction": "none"}, [0.0, INF, 0.0, INF]),
    ("softmax_cross_entropy", ([[-INF, 0.0]], [1]), {"reduction": "none", "label_smoothing": 0.1},
     [INF]),
    ("multiclass_hinge", ([[INF, 0.0], [INF, 0.0], [-INF, 0.0]], [0, 1, 1]),
     {"reduction": "none"}, [0.0, INF, 0.0]),
    ("mse_grad", ([INF, -INF], [0.0, 0.0]), {"reduction": "sum"}, [INF, -INF]),
    ("mae_grad", ([INF, -INF], [0.0, 0.0]), {"reduction": "sum"}, [1.0, -1.0]),
    ("huber_grad", ([INF, -INF], [0.0, 0.0]), {"reduction": "sum", "delta": 2.0}, [2.0, -2.0]),
    ("hinge_grad", ([INF, -INF], [1, 1]), {"reduction": "sum"}, [0.0, -1.0]),
    ("binary_cross_entropy_with_logits_grad", ([INF, -INF, INF], [0.25, 0.25, 1.0]),
     {"reduction": "sum"}, [0.75, -0.25, 0.0]),
    ("softmax_cross_entropy_grad", ([[-INF, 0.0], [INF, 0.0]], [1, 0]), {"reduction": "sum"},
     [[0.0, 0.0], [0.0, 0.0]]),
    ("multiclass_hinge_grad", ([[INF, 0.0], [-INF, 0.0]], [1, 1]), {"reduction": "sum"},
     [[1.0, -1.0], [0.0, 0.0]]),
]


@pytest.mark.parametrize("name, args, kw, want", LIMIT_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(LIMIT_CASES)])
def test_infinite_inputs_give_limits(name, args, kw, want):
    args = [np.array(a) for a in args]
    with lenient():
        got = getattr(lb, name)(*args, **kw)
    np.testing.assert_array_equal(got, np.array(want))


# ---------------------------------------------------------------- nan
@pytest.mark.parametrize("i", range(len(O.CALL_IDS)), ids=O.CALL_IDS)
def test_nan_propagates(i):
    name, args, kw = O.sample_calls(np.float64, seed=3)[i]
    f = getattr(lb, name)
    clean = [a.copy() for a in args]
    args = [a.copy() for a in args]
    x = args[0]
    x[(0,) * x.ndim] = np.nan  # first example (first row) gets a nan
    is_loss = name.removesuffix("_grad") in O.LOSS_BY_NAME
    red = {"reduction": "none"} if is_loss else {}
    with lenient():
        got = np.asarray(f(*args, **{**kw, **red}))
    assert np.isnan(got.reshape(-1)[0]), f"{name}: nan did not reach the output"
    # the other examples (rows) are untouched
    ref = np.asarray(f(*clean, **{**kw, **red}))
    if got.ndim:
        np.testing.assert_array_equal(got[1:], ref[1:])
    if is_loss and not name.endswith("_grad"):
        with lenient():
            assert np.isnan(f(*args, **{**kw, "reduction": "sum"}))
            assert np.isnan(f(*args, **{**kw, "reduction": "mean"}))


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "binary_cross_entropy",
                                  "binary_cross_entropy_with_logits"])
def test_nan_target_propagates(name):
    p = np.array([0.3, 0.6])
    t = np.array([np.nan, 1.0])
    for fn in (name, name + "_grad"):
        with lenient():
            got = getattr(lb, fn)(p, t, reduction="none")
        assert np.isnan(got[0]) and not np.isnan(got[1]), fn


def test_nan_in_probability_target_propagates():
    x = np.zeros((2, 3))
    t = np.array([[np.nan, 0.5, 0.5], [0.2, 0.3, 0.5]])
    with lenient():
        got = lb.softmax_cross_entropy(x, t, reduction="none")
        g = lb.softmax_cross_entropy_grad(x, t, reduction="none")
    assert np.isnan(got[0]) and np.isfinite(got[1])
    assert np.isnan(g[0]).any() and np.isfinite(g[1]).all()


# ---------------------------------------------------------------- empty input
def _empty(spec, dtype):
    if spec.classes:
        return np.zeros((0, 3), dtype), np.zeros((0,), np.int64)
    t = np.zeros((0,), np.int64) if spec.name == "hinge" else np.zeros((0,), dtype)
    return np.zeros((0,), dtype), t


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=SPEC_IDS)
def test_empty_input(spec, dtype):
    first, target = _empty(spec, dtype)
    f, g = getattr(lb, spec.name), getattr(lb, spec.grad_name)
    with strict():
        s = f(first, target, reduction="sum")
        assert np.ndim(s) == 0 and float(s) == 0.0 and np.asarray(s).dtype == dtype
        n = f(first, target, reduction="none")
        assert n.shape == (0,) and n.dtype == dtype
        for reduction in ("sum", "none"):
            gr = g(first, target, reduction=reduction)
            assert gr.shape == first.shape and gr.dtype == dtype
    with pytest.raises(ValueError):
        f(first, target, reduction="mean")
    with pytest.raises(ValueError):
        f(first, target)  # "mean" is the default
    with pytest.raises(ValueError):
        g(first, target, reduction="mean")


def test_empty_input_to_activations_and_information():
    with strict():
        assert lb.sigmoid(np.zeros(0)).shape == (0,)
        assert lb.logsumexp(np.zeros((0, 3))).shape == (0,)
        assert lb.softmax(np.zeros((0, 3))).shape == (0, 3)
        assert lb.log_softmax(np.zeros((2, 0))).shape == (2, 0)
        assert lb.softmax_jacobian(np.zeros((0, 3))).shape == (0, 3, 3)
        assert lb.entropy(np.zeros((0, 3))).shape == (0,)
        assert lb.kl_divergence(np.zeros((0, 3)), np.zeros((0, 3))).shape == (0,)
        assert lb.logsumexp(np.zeros((2, 0))).tolist() == [-np.inf, -np.inf]  # log of 0
