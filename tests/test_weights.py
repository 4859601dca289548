"""The weighting keywords of API.md, checked against their definitions (the peers'
conventions are checked against torch and scikit-learn in test_peers.py):

- ``sample_weight`` for every loss and gradient: "none" = s * loss, "sum" = the
  weighted sum, "mean" = weighted sum / sum of weights; integer weights act as
  repetitions; broadcastable shapes; 0 drops an example (even an infinite one);
  nan propagates; bad weights raise;
- ``weight`` (class weights) and ``ignore_index`` of softmax_cross_entropy;
- ``pos_weight`` of binary_cross_entropy_with_logits;
- edge cases: empty input, dtype rules, no mutation, no warnings.
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import oracles as O
import pytest

import lossbook as lb

SPECS = O.LOSSES
IDS = [s.name for s in SPECS]
DTYPES = [np.float64, np.float32]
DT_IDS = ["f64", "f32"]
REDUCTIONS = ("mean", "sum", "none")


@contextlib.contextmanager
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            yield


def loss(spec, *a, **kw):
    return getattr(lb, spec.name)(*a, **kw)


def grad(spec, *a, **kw):
    return getattr(lb, spec.grad_name)(*a, **kw)


def both_raise(spec, exc, pattern, *args, **kw):
    """The loss and its gradient reject the same input with the same kind of message."""
    for f in (loss, grad):
        with pytest.raises(exc, match=pattern):
            f(spec, *args, **kw)


def valid(spec, seed, n=6, dtype=np.float64):
    rng = np.random.default_rng(O.seed_of(spec.name, seed))
    return O.make_valid(spec, rng, (n,), dtype, avoid_kinks=True)


def close(a, b, dtype=np.float64, scale=1.0):
    np.testing.assert_allclose(a, b, rtol=50 * O.tol(dtype), atol=50 * O.tol(dtype) * scale)


# ---------------------------------------------------------------- definition
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_sample_weight_definition(spec, dtype):
    first, target, kw = valid(spec, 1, dtype=dtype)
    rng = np.random.default_rng(2)
    s = rng.uniform(0, 3, 6).astype(dtype)
    plain = loss(spec, first, target, reduction="none", **kw).astype(np.float64)
    s64 = s.astype(np.float64)
    got = {r: loss(spec, first, target, reduction=r, sample_weight=s, **kw) for r in REDUCTIONS}
    for r in REDUCTIONS:
        assert np.asarray(got[r]).dtype == dtype
    scale = float(np.abs(plain).max())
    close(got["none"], s64 * plain, dtype, scale)
    close(got["sum"], (s64 * plain).sum(), dtype, 6 * scale)
    close(got["mean"], np.average(plain, weights=s64), dtype, scale)
    # the gradient: each example's derivative times s, over sum(s) for "mean"
    g_plain = grad(spec, first, target, reduction="none", **kw).astype(np.float64)
    sg = s64[:, None] if spec.classes else s64
    gs = {r: grad(spec, first, target, reduction=r, sample_weight=s, **kw) for r in REDUCTIONS}
    for r in REDUCTIONS:
        assert gs[r].dtype == dtype and gs[r].shape == first.shape
    gscale = float(np.abs(g_plain).max()) * 3
    close(gs["none"], sg * g_plain, dtype, gscale)
    close(gs["sum"], sg * g_plain, dtype, gscale)
    close(gs["mean"], sg * g_plain / s64.sum(), dtype, gscale)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_integer_weights_are_repetitions(spec):
    """Weight k on an example is the same as k copies of it (sum and mean)."""
    first, target, kw = valid(spec, 3)
    s = np.array([0, 1, 2, 3, 1, 2])
    rep_first = np.repeat(first, s, axis=0)
    rep_target = np.repeat(np.asarray(target), s, axis=0)
    for r in ("sum", "mean"):
        got = loss(spec, first, target, reduction=r, sample_weight=s, **kw)
        want = loss(spec, rep_first, rep_target, reduction=r, **kw)
        assert float(got) == pytest.approx(float(want), rel=1e-13, abs=1e-13)
    g = grad(spec, first, target, reduction="mean", sample_weight=s, **kw)
    g_rep = grad(spec, rep_first, rep_target, reduction="mean", **kw)
    # the repeated copies' gradients add up to the weighted example's gradient
    idx = np.repeat(np.arange(6), s)
    summed = np.zeros_like(g)
    np.add.at(summed, idx, g_rep)
    np.testing.assert_allclose(g, summed, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_weighted_gradient_against_finite_differences(spec):
    first, target, kw = valid(spec, 4)
    s = np.random.default_rng(5).uniform(0.1, 2, 6)
    for r in ("mean", "sum"):
        g = grad(spec, first, target, reduction=r, sample_weight=s, **kw)
        num = lb.numerical_grad(
            lambda v, r=r: float(loss(spec, v, target, reduction=r, sample_weight=s, **kw)),
            first)
        np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_unit_weights_change_nothing(spec):
    first, target, kw = valid(spec, 6)
    for r in REDUCTIONS:
        a = loss(spec, first, target, reduction=r, **kw)
        b = loss(spec, first, target, reduction=r, sample_weight=np.ones(6), **kw)
        np.testing.assert_allclose(a, b, rtol=1e-15, atol=0)
        np.testing.assert_allclose(grad(spec, first, target, reduction=r, **kw),
                                   grad(spec, first, target, reduction=r,
                                        sample_weight=1.0, **kw), rtol=1e-15, atol=0)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_sample_weight_broadcasts_to_the_none_result(spec):
    rng = np.random.default_rng(O.seed_of(spec.name, "bc"))
    first, target, kw = O.make_valid(spec, rng, (3, 4), np.float64, avoid_kinks=True)
    none = loss(spec, first, target, reduction="none", **kw)
    for s in (np.float64(2.5), np.array([1.0, 2.0, 0.5, 3.0]), np.array([[1.0], [0.0], [2.0]])):
        full = np.broadcast_to(s, (3, 4))
        got = loss(spec, first, target, reduction="mean", sample_weight=s, **kw)
        assert float(got) == pytest.approx(np.average(none, weights=full), rel=1e-13)
        np.testing.assert_allclose(loss(spec, first, target, reduction="none",
                                        sample_weight=s, **kw), full * none, rtol=1e-15)
    # a weight may not enlarge the result: (2, 3, 4) does not broadcast *to* (3, 4)
    for bad in (np.ones((2, 3, 4)), np.ones(3), np.ones((4, 1))):
        both_raise(spec, ValueError, r"\bsample_weight\b.*shape", first, target,
                   sample_weight=bad, **kw)


# ---------------------------------------------------------------- bad weights
BAD_WEIGHTS = [([1.0, -0.5, 1.0, 1.0, 1.0, 1.0], r"\bsample_weight\b.*>= 0.*-0\.5"),
               ([1.0, np.inf, 1.0, 1.0, 1.0, 1.0], r"\bsample_weight\b.*finite"),
               ([1, 1, 1, 1, 1, -2], r"\bsample_weight\b.*-2")]


@pytest.mark.parametrize("case", range(len(BAD_WEIGHTS)))
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_negative_or_infinite_sample_weight(spec, case):
    first, target, kw = valid(spec, 7)
    w, pattern = BAD_WEIGHTS[case]
    for f in (loss, grad):
        for r in REDUCTIONS:
            with pytest.raises(ValueError, match=pattern):
                f(spec, first, target, reduction=r, sample_weight=np.array(w), **kw)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_non_numeric_sample_weight(spec):
    first, target, kw = valid(spec, 8)
    for bad in (np.full(6, "a"), np.ones(6, complex), np.full(6, None, object)):
        both_raise(spec, TypeError, r"\bsample_weight\b", first, target, sample_weight=bad, **kw)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_zero_total_weight(spec):
    first, target, kw = valid(spec, 9)
    zero = np.zeros(6)
    both_raise(spec, ValueError, r"mean.*sum to 0|sums to 0", first, target, sample_weight=zero,
               **kw)
    assert float(loss(spec, first, target, reduction="sum", sample_weight=zero, **kw)) == 0
    assert np.all(loss(spec, first, target, reduction="none", sample_weight=zero, **kw) == 0)
    assert np.all(grad(spec, first, target, reduction="sum", sample_weight=zero, **kw) == 0)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_nan_weight_propagates(spec):
    first, target, kw = valid(spec, 10)
    s = np.ones(6)
    s[2] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        none = loss(spec, first, target, reduction="none", sample_weight=s, **kw)
        assert np.isnan(none[2]) and not np.isnan(np.delete(none, 2)).any()
        assert np.isnan(loss(spec, first, target, reduction="sum", sample_weight=s, **kw))
        assert np.isnan(loss(spec, first, target, reduction="mean", sample_weight=s, **kw))
        g = grad(spec, first, target, reduction="sum", sample_weight=s, **kw)
        assert np.isnan(g[2]).all() and not np.isnan(np.delete(g, 2, axis=0)).any()
        assert np.isnan(grad(spec, first, target, reduction="mean", sample_weight=s, **kw)).all()


def test_zero_weight_drops_an_infinite_example():
    p = np.array([0.0, 0.5, 0.9])
    t = np.array([1.0, 1.0, 0.0])  # the first example's loss is inf
    s = np.array([0.0, 1.0, 1.0])
    with strict():
        got = lb.binary_cross_entropy(p, t, sample_weight=s)
        g = lb.binary_cross_entropy_grad(p, t, sample_weight=s)
    assert float(got) == pytest.approx((np.log(2) - np.log(0.1)) / 2, rel=1e-15)
    assert g[0] == 0 and np.isfinite(g).all()
    with np.errstate(divide="ignore"):
        assert lb.binary_cross_entropy(p, t, sample_weight=[1.0, 1.0, 1.0]) == np.inf


# ---------------------------------------------------------------- dtypes, empty, no mutation
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_dtype_rules(spec):
    first, target, kw = valid(spec, 11, dtype=np.float32)
    cases = [(np.arange(1, 7), np.float32),            # integer weights do not widen
             (np.ones(6, np.float32), np.float32),
             (np.ones(6, bool), np.float32),
             (2.0, np.float32),                        # a Python scalar does not widen
             (np.ones(6, np.float64), np.float64)]     # a float64 array does (result_type)
    for s, want in cases:
        for r in REDUCTIONS:
            assert np.asarray(loss(spec, first, target, reduction=r, sample_weight=s,
                                   **kw)).dtype == want, (s, r)
            assert grad(spec, first, target, reduction=r, sample_weight=s,
                        **kw).dtype == want, (s, r)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_empty_input_with_weights(spec, dtype):
    rng = np.random.default_rng(0)
    first, target, kw = O.make_valid(spec, rng, (0,), dtype)
    s = np.zeros(0, dtype)
    with strict():
        total = loss(spec, first, target, reduction="sum", sample_weight=s, **kw)
        assert np.ndim(total) == 0 and float(total) == 0 and np.asarray(total).dtype == dtype
        none = loss(spec, first, target, reduction="none", sample_weight=s, **kw)
        assert none.shape == (0,) and none.dtype == dtype
        g = grad(spec, first, target, reduction="sum", sample_weight=s, **kw)
        assert g.shape == first.shape and g.dtype == dtype
    both_raise(spec, ValueError, r"mean", first, target, sample_weight=s, **kw)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_inputs_never_modified(spec):
    first, target, kw = valid(spec, 12)
    s = np.random.default_rng(1).uniform(0, 2, 6)
    extra = {}
    if spec.name == "softmax_cross_entropy":
        extra = {"weight": np.linspace(0.5, 2, first.shape[-1])}
        if np.asarray(target).dtype.kind in "iu":
            extra["ignore_index"] = int(target[0])
    if spec.name == "binary_cross_entropy_with_logits":
        extra = {"pos_weight": np.array(2.0)}
    args = [first, np.asarray(target), s] + list(extra.values())
    keep = [a.copy() for a in args]
    for a in args:
        a.flags.writeable = False  # an attempt to write raises
    for f in (loss, grad):
        for r in REDUCTIONS:
            f(spec, first, target, reduction=r, sample_weight=s, **kw, **extra)
    for a, b in zip(args, keep, strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- class weights
def _sce_case(seed, n=8, k=4, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((n, k)) * 2).astype(dtype)
    y = rng.integers(0, k, n)
    w = rng.uniform(0.2, 3.0, k).astype(dtype)
    return x, y, w


@pytest.mark.parametrize("eps", [0.0, 0.25])
def test_class_weight_definition_with_class_indices(eps):
    x, y, w = _sce_case(1)
    k = x.shape[-1]
    t = (1 - eps) * np.eye(k)[y] + eps / k
    logp = lb.log_softmax(x)
    per = -(w * t * logp).sum(axis=-1)
    got = {r: lb.softmax_cross_entropy(x, y, label_smoothing=eps, weight=w, reduction=r)
           for r in REDUCTIONS}
    np.testing.assert_allclose(got["none"], per, rtol=1e-14)
    assert float(got["sum"]) == pytest.approx(per.sum(), rel=1e-14)
    assert float(got["mean"]) == pytest.approx(per.sum() / w[y].sum(), rel=1e-14)
    g = lb.softmax_cross_entropy_grad(x, y, label_smoothing=eps, weight=w)
    num = lb.numerical_grad(
        lambda v: float(lb.softmax_cross_entropy(v, y, label_smoothing=eps, weight=w)), x)
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-9)


def test_class_weight_with_distributions_divides_by_the_number_of_examples():
    x, _, w = _sce_case(2)
    t = O.dirichlet(np.random.default_rng(3), x.shape, np.float64)
    per = -(w * t * lb.log_softmax(x)).sum(axis=-1)
    assert float(lb.softmax_cross_entropy(x, t, weight=w)) == pytest.approx(per.mean(),
                                                                            rel=1e-14)
    num = lb.numerical_grad(lambda v: float(lb.softmax_cross_entropy(v, t, weight=w)), x)
    np.testing.assert_allclose(lb.softmax_cross_entropy_grad(x, t, weight=w), num,
                               rtol=1e-6, atol=1e-9)


def test_class_weight_one_is_no_weight_and_composes_with_sample_weight():
    x, y, w = _sce_case(4)
    for eps in (0.0, 0.1):
        a = lb.softmax_cross_entropy(x, y, label_smoothing=eps, reduction="none")
        b = lb.softmax_cross_entropy(x, y, label_smoothing=eps, weight=np.ones(4),
                                     reduction="none")
        np.testing.assert_allclose(a, b, rtol=1e-15)
    s = np.random.default_rng(5).uniform(0, 2, 8)
    per = lb.softmax_cross_entropy(x, y, weight=w, reduction="none")
    got = lb.softmax_cross_entropy(x, y, weight=w, sample_weight=s)
    assert float(got) == pytest.approx((s * per).sum() / (s * w[y]).sum(), rel=1e-14)
    num = lb.numerical_grad(
        lambda v: float(lb.softmax_cross_entropy(v, y, weight=w, sample_weight=s)), x)
    np.testing.assert_allclose(lb.softmax_cross_entropy_grad(x, y, weight=w, sample_weight=s),
                               num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ["softmax_cross_entropy", "softmax_cross_entropy_grad"])
def test_bad_class_weight(name):
    x, y, _ = _sce_case(6)
    f = getattr(lb, name)
    for bad, kind, pattern in [
        (np.ones(3), ValueError, r"\bweight\b.*\(4,\)"),
        (np.ones((1, 4)), ValueError, r"\bweight\b.*\(4,\)"),
        (np.array(2.0), ValueError, r"\bweight\b.*\(4,\)"),
        (np.array([1.0, -1.0, 1.0, 1.0]), ValueError, r"\bweight\b.*>= 0"),
        (np.array([1.0, np.inf, 1.0, 1.0]), ValueError, r"\bweight\b.*finite"),
        (np.full(4, "a"), TypeError, r"\bweight\b"),
    ]:
        with pytest.raises(kind, match=pattern):
            f(x, y, weight=bad)


def test_class_weights_summing_to_zero_over_the_targets():
    x = np.zeros((2, 3))
    y = np.array([1, 1])
    w = np.array([1.0, 0.0, 2.0])
    for f in (lb.softmax_cross_entropy, lb.softmax_cross_entropy_grad):
        with pytest.raises(ValueError, match=r"weight\[target\].*sum to 0"):
            f(x, y, weight=w)
    assert float(lb.softmax_cross_entropy(x, y, weight=w, reduction="sum")) == 0


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_class_weight_dtypes(dtype):
    x, y, _ = _sce_case(7, dtype=dtype)
    for w, want in [(np.arange(1, 5), dtype), (np.ones(4, dtype), dtype),
                    (np.ones(4, np.float64), np.float64)]:
        assert np.asarray(lb.softmax_cross_entropy(x, y, weight=w)).dtype == want
        assert lb.softmax_cross_entropy_grad(x, y, weight=w).dtype == want


# ---------------------------------------------------------------- ignore_index
@pytest.mark.parametrize("eps", [0.0, 0.2])
@pytest.mark.parametrize("ignore", [-100, 2, 7])
def test_ignore_index_drops_the_examples(ignore, eps):
    x, y, w = _sce_case(8, n=10)
    y = y.copy()
    y[[1, 4, 5]] = ignore if ignore not in range(4) else y[[1, 4, 5]]
    keep = y != ignore
    assert not keep.all() and keep.any()
    for weight in (None, w):
        kw = dict(label_smoothing=eps, weight=weight, ignore_index=ignore)
        none = lb.softmax_cross_entropy(x, y, reduction="none", **kw)
        assert np.all(none[~keep] == 0)
        sub = dict(label_smoothing=eps, weight=weight)
        for r in ("mean", "sum"):
            got = lb.softmax_cross_entropy(x, y, reduction=r, **kw)
            want = lb.softmax_cross_entropy(x[keep], y[keep], reduction=r, **sub)
            assert float(got) == pytest.approx(float(want), rel=1e-14)
            g = lb.softmax_cross_entropy_grad(x, y, reduction=r, **kw)
            assert np.all(g[~keep] == 0)
            np.testing.assert_allclose(
                g[keep], lb.softmax_cross_entropy_grad(x[keep], y[keep], reduction=r, **sub),
                rtol=1e-14, atol=1e-17)


def test_ignored_examples_do_not_need_valid_logits():
    x = np.array([[np.nan, 1.0, 2.0], [0.0, 0.0, 0.0], [np.inf, np.inf, 0.0]])
    y = np.array([-1, 0, -1])
    with strict():
        got = lb.softmax_cross_entropy(x, y, ignore_index=-1)
        g = lb.softmax_cross_entropy_grad(x, y, ignore_index=-1)
    assert float(got) == pytest.approx(np.log(3), rel=1e-15)
    assert np.all(g[[0, 2]] == 0) and np.isfinite(g).all()


def test_ignore_index_every_example():
    x = np.zeros((3, 2))
    y = np.array([-100, -100, -100])
    for f in (lb.softmax_cross_entropy, lb.softmax_cross_entropy_grad):
        with pytest.raises(ValueError, match=r"every example's target is ignore_index"):
            f(x, y, ignore_index=-100)
    assert float(lb.softmax_cross_entropy(x, y, ignore_index=-100, reduction="sum")) == 0
    assert np.all(lb.softmax_cross_entropy_grad(x, y, ignore_index=-100, reduction="sum") == 0)


@pytest.mark.parametrize("name", ["softmax_cross_entropy", "softmax_cross_entropy_grad"])
def test_bad_ignore_index(name):
    f = getattr(lb, name)
    x = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"ignore_index.*floating"):
        f(x, np.full((2, 3), 1 / 3), ignore_index=-100)
    for bad in (1.0, "a", True, np.array([0])):
        with pytest.raises(TypeError, match=r"\bignore_index\b"):
            f(x, np.array([0, 1]), ignore_index=bad)
    # labels other than ignore_index are still checked
    with pytest.raises(ValueError, match=r"\btarget\b.*\[0, 2\].*found 5"):
        f(x, np.array([-100, 5]), ignore_index=-100)
    with pytest.raises(ValueError, match=r"\btarget\b.*found -100"):
        f(x, np.array([-100, 1]))  # not ignored without ignore_index


def test_ignore_index_with_unsigned_labels_and_numpy_integers():
    x = np.random.default_rng(9).standard_normal((4, 3))
    y = np.array([0, 2, 255, 1], np.uint8)
    got = lb.softmax_cross_entropy(x, y, ignore_index=np.int64(255))
    want = lb.softmax_cross_entropy(x[[0, 1, 3]], y[[0, 1, 3]])
    assert float(got) == pytest.approx(float(want), rel=1e-15)
    y2 = np.array([0, 2, 1, 1], np.uint8)  # -100 matches nothing in uint8
    assert float(lb.softmax_cross_entropy(x, y2, ignore_index=-100)) == pytest.approx(
        float(lb.softmax_cross_entropy(x, y2)), rel=1e-15)


# ---------------------------------------------------------------- pos_weight
def _bcel_case(seed, shape=(6, 3), dtype=np.float64):
    rng = np.random.default_rng(seed)
    z = (rng.standard_normal(shape) * 3).astype(dtype)
    t = rng.uniform(0, 1, shape).astype(dtype)
    pw = rng.uniform(0.3, 4.0, shape[-1]).astype(dtype)
    return z, t, pw


def test_pos_weight_definition():
    z, t, pw = _bcel_case(1)
    per = pw * t * lb.softplus(-z) + (1 - t) * lb.softplus(z)
    np.testing.assert_allclose(
        lb.binary_cross_entropy_with_logits(z, t, pos_weight=pw, reduction="none"), per,
        rtol=1e-14)
    assert float(lb.binary_cross_entropy_with_logits(z, t, pos_weight=pw)) == pytest.approx(
        per.mean(), rel=1e-14)
    for r in ("mean", "sum"):
        num = lb.numerical_grad(lambda v, r=r: float(lb.binary_cross_entropy_with_logits(
            v, t, pos_weight=pw, reduction=r)), z)
        np.testing.assert_allclose(
            lb.binary_cross_entropy_with_logits_grad(z, t, pos_weight=pw, reduction=r), num,
            rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_pos_weight_one_is_no_pos_weight(dtype):
    z, t, _ = _bcel_case(2, dtype=dtype)
    for r in REDUCTIONS:
        a = lb.binary_cross_entropy_with_logits(z, t, reduction=r)
        b = lb.binary_cross_entropy_with_logits(z, t, pos_weight=1.0, reduction=r)
        assert np.asarray(b).dtype == dtype
        close(b, a, dtype, float(np.abs(a).max()))
        ga = lb.binary_cross_entropy_with_logits_grad(z, t, reduction=r)
        gb = lb.binary_cross_entropy_with_logits_grad(z, t, pos_weight=1.0, reduction=r)
        assert gb.dtype == dtype
        close(gb, ga, dtype)


def test_pos_weight_extremes_are_finite_limits():
    z = np.array([-np.inf, -800.0, 0.0, 800.0, np.inf, np.inf, -np.inf])
    t = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.5, 0.5])
    with strict():
        got = lb.binary_cross_entropy_with_logits(z, t, pos_weight=3.0, reduction="none")
        g = lb.binary_cross_entropy_with_logits_grad(z, t, pos_weight=3.0, reduction="none")
    np.testing.assert_array_equal(got, [0.0, 2400.0, 3 * np.log(2), 800.0, 0.0, np.inf,
                                        np.inf])
    np.testing.assert_allclose(g, [0.0, -3.0, -1.5, 1.0, 0.0, 0.5, -1.5], rtol=1e-15)


@pytest.mark.parametrize("name", ["binary_cross_entropy_with_logits",
                                  "binary_cross_entropy_with_logits_grad"])
def test_bad_pos_weight(name):
    z, t, _ = _bcel_case(3)
    f = getattr(lb, name)
    for bad, kind, pattern in [
        (0.0, ValueError, r"\bpos_weight\b.*> 0"),
        (np.array([1.0, -2.0, 1.0]), ValueError, r"\bpos_weight\b.*> 0.*-2"),
        (np.array([1.0, np.inf, 1.0]), ValueError, r"\bpos_weight\b.*finite"),
        (np.ones(4), ValueError, r"\bpos_weight\b.*shape"),
        (np.ones((2, 6, 3)), ValueError, r"\bpos_weight\b.*shape"),
        (np.full(3, "a"), TypeError, r"\bpos_weight\b"),
    ]:
        with pytest.raises(kind, match=pattern):
            f(z, t, pos_weight=bad)


def test_pos_weight_nan_propagates():
    z, t, pw = _bcel_case(4)
    pw[1] = np.nan
    got = lb.binary_cross_entropy_with_logits(z, t, pos_weight=pw, reduction="none")
    assert np.isnan(got[:, 1]).all() and not np.isnan(got[:, [0, 2]]).any()


# ---------------------------------------------------------------- positional order
def test_keyword_order_of_the_contract():
    x, y, w = _sce_case(10)
    assert float(lb.softmax_cross_entropy(x, y, 0.1, w, None, "sum")) == pytest.approx(
        float(lb.softmax_cross_entropy(x, y, label_smoothing=0.1, weight=w, reduction="sum")))
    z, t, pw = _bcel_case(11)
    assert float(lb.binary_cross_entropy_with_logits(z, t, pw, "sum")) == pytest.approx(
        float(lb.binary_cross_entropy_with_logits(z, t, pos_weight=pw, reduction="sum")))
