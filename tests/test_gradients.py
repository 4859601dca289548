"""Analytic gradients against central differences (lb.numerical_grad), PyTorch
autograd (float64, CPU) and mpmath, for every reduction (API.md, lossbook.gradients).

"mean" divides by the number of values averaged (elementwise losses: the element
count; class-axis losses: the number of examples); "none" gives each example's
derivative with respect to its own inputs, the same array as "sum". Points are drawn
away from kinks (|r| = 0 for mae, |r| = delta for huber, t s = 1 for hinge, a margin
of exactly 0 for multiclass_hinge).
"""

from __future__ import annotations

import numpy as np
import oracles as O
import pytest
import torch

import lossbook as lb

DTYPES = [np.float64, np.float32]
DT_IDS = ["f64", "f32"]
SPEC_IDS = [s.name for s in O.LOSSES]


def _grad_fn(spec):
    return getattr(lb, spec.grad_name)


def _torch_grad(spec, first, target, reduction, **kw):
    x = O.t64(first, grad=True)
    v = O.torch_loss(spec.name, x, target, reduction, **kw)
    (v.sum() if reduction == "none" else v).backward()
    return O.to_np(x.grad)


def _close_to(got, want, dtype, what=""):
    """|got - want| <= tol x (|want| + max |want|): relative to the gradient's size."""
    want = np.asarray(want, dtype=np.float64)
    scale = np.max(np.abs(want), initial=0.0)
    err = np.abs(np.asarray(got, dtype=np.float64) - want)
    bound = O.tol(dtype) * (np.abs(want) + scale) + 1e-300
    assert np.all(err <= bound), f"{what}: max error {err.max()!r}, scale {scale!r}"


@pytest.mark.parametrize("reduction", O.REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=SPEC_IDS)
def test_grad_vs_torch_autograd(spec, dtype, reduction):
    rng = np.random.default_rng(O.seed_of(spec.name, reduction, dtype))
    for shape in [(9,), (3, 4)]:
        first, target, kw = O.make_valid(spec, rng, shape, dtype, avoid_kinks=True)
        got = _grad_fn(spec)(first, target, reduction=reduction, **kw)
        assert got.shape == first.shape and got.dtype == dtype
        want = _torch_grad(spec, first, target, reduction, **kw)
        _close_to(got, want, dtype, what=f"{spec.grad_name} {kw} {reduction}")


@pytest.mark.parametrize("reduction", ["sum", "mean"])
@pytest.mark.parametrize("spec", O.LOSSES, ids=SPEC_IDS)
def test_grad_vs_numerical_grad(spec, reduction):
    rng = np.random.default_rng(7)
    first, target, kw = O.make_valid(spec, rng, (4, 3), np.float64, avoid_kinks=True)
    loss = getattr(lb, spec.name)

    def f(a):
        return float(loss(a, target, reduction=reduction, **kw))

    num = lb.numerical_grad(f, first)
    got = _grad_fn(spec)(first, target, reduction=reduction, **kw)
    scale = np.max(np.abs(num))
    np.testing.assert_allclose(got, num, rtol=1e-6, atol=1e-7 * scale)


@pytest.mark.parametrize("spec", O.LOSSES, ids=SPEC_IDS)
def test_float32_grad_vs_numerical_grad(spec):
    """A float32 gradient matches the derivative at the same (float32) point."""
    rng = np.random.default_rng(17)
    first, target, kw = O.make_valid(spec, rng, (5, 3), np.float32, avoid_kinks=True)
    target64 = target.astype(np.float64) if target.dtype.kind == "f" else target

    def f(a):
        return float(getattr(lb, spec.name)(a, target64, reduction="sum", **kw))

    num = lb.numerical_grad(f, first)
    assert num.dtype == np.float64
    got = _grad_fn(spec)(first, target, reduction="sum", **kw)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, num, rtol=1e-4, atol=1e-5 * np.max(np.abs(num)))


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=SPEC_IDS)
def test_reductions_of_the_gradient(spec, dtype):
    rng = np.random.default_rng(23)
    first, target, kw = O.make_valid(spec, rng, (2, 5), dtype, avoid_kinks=True)
    g = _grad_fn(spec)
    g_sum = g(first, target, reduction="sum", **kw)
    g_none = g(first, target, reduction="none", **kw)
    g_mean = g(first, target, reduction="mean", **kw)
    np.testing.assert_array_equal(g_none, g_sum)
    count = O.count_examples(spec, first)
    assert count == 10  # 2 x 5 values, or 2 x 5 examples of K classes
    np.testing.assert_allclose(g_mean * count, g_sum, rtol=4 * np.finfo(dtype).eps, atol=0)
    assert g(first, target, **kw).tolist() == g_mean.tolist()  # "mean" is the default


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("spec", O.LOSSES, ids=SPEC_IDS)
def test_grad_vs_mpmath(spec, dtype):
    rng = np.random.default_rng(31)
    first, target, kw = O.make_valid(spec, rng, (3, 4), dtype, avoid_kinks=True)
    exact = spec.ref_grad(first, target, **kw)
    got = _grad_fn(spec)(first, target, reduction="sum", **kw)
    mag = O.input_magnitude(spec, first, target)
    if spec.classes:
        mag = mag[..., None]
    O.check_close(got, exact, dtype, np.broadcast_to(mag, first.shape), what=spec.grad_name)


@pytest.mark.parametrize("name", ["mse", "mae", "huber", "binary_cross_entropy",
                                  "binary_cross_entropy_with_logits", "hinge"])
def test_grad_with_broadcast_target(name):
    rng = np.random.default_rng(3)
    first = rng.uniform(0.1, 0.9, (3, 4))
    target = np.array([1, -1, 1, 1]) if name == "hinge" else rng.uniform(-0.5, 1, 4)
    if name == "binary_cross_entropy":
        target = np.clip(target, 0, 1)
    g = getattr(lb, name + "_grad")
    for reduction in O.REDUCTIONS:
        got = g(first, target, reduction=reduction)
        assert got.shape == (3, 4)
        np.testing.assert_array_equal(
            got, g(first, np.broadcast_to(target, (3, 4)).copy(), reduction=reduction))


def test_grad_dtype_rules():
    p32 = np.array([0.2, 0.7], np.float32)
    assert lb.mse_grad(p32, np.array([0, 1])).dtype == np.float32
    assert lb.hinge_grad(p32, np.array([1, -1], np.int8)).dtype == np.float32
    assert lb.mse_grad([1, 2], [0, 0]).dtype == np.float64
    assert lb.mse_grad(p32, np.array([0.0, 1.0])).dtype == np.float64
    x32 = np.zeros((2, 3), np.float32)
    assert lb.softmax_cross_entropy_grad(x32, np.array([0, 2])).dtype == np.float32
    assert lb.multiclass_hinge_grad(x32, np.array([0, 2], np.uint8)).dtype == np.float32


def test_known_gradients():
    np.testing.assert_allclose(lb.binary_cross_entropy_with_logits_grad(
        [0.0, 0.0], [1.0, 0.0], reduction="sum"), [-0.5, 0.5], rtol=1e-15)
    np.testing.assert_allclose(lb.softmax_cross_entropy_grad(
        [[0.0, 0.0]], [0], reduction="sum"), [[-0.5, 0.5]], rtol=1e-15)
    np.testing.assert_array_equal(lb.multiclass_hinge_grad(
        [[3.2, 5.1, -1.7]], [0], reduction="sum"), [[-1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(lb.hinge_grad([0.5, 2.0], [1, 1], reduction="sum"), [-1.0, 0.0])
    np.testing.assert_array_equal(lb.huber_grad([3.0, 0.5], [0.0, 0.0], delta=2.0,
                                                reduction="sum"), [2.0, 0.5])


# ---------------------------------------------------------------- sigmoid_grad, jacobian
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
def test_sigmoid_grad_vs_torch_and_numerical(dtype):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(50) * 6).astype(dtype)
    got = lb.sigmoid_grad(x)
    assert got.dtype == dtype and got.shape == x.shape
    xt = O.t64(x, grad=True)
    torch.sigmoid(xt).sum().backward()
    # torch's backward forms s(1 - s), which cancels in the tails: compare relative to
    # the largest value only (the ulp accuracy against mpmath is in test_accuracy.py)
    _close_to(got, O.to_np(xt.grad), dtype, what="sigmoid_grad vs torch")
    # the sum's rounding error (~1e-16 x 25 / h) limits the differences' absolute accuracy
    num = lb.numerical_grad(lambda a: float(np.sum(lb.sigmoid(a))), x.astype(np.float64))
    np.testing.assert_allclose(got, num, rtol=1e-5 if dtype == np.float32 else 1e-8, atol=1e-9)


@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("shape", [(4,), (3, 5), (2, 2, 3)], ids=["k4", "3x5", "2x2x3"])
def test_softmax_jacobian_vs_torch(shape, dtype):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    J = lb.softmax_jacobian(x)
    k = shape[-1]
    assert J.shape == shape + (k,) and J.dtype == dtype
    rows = x.reshape(-1, k)
    Jr = J.reshape(-1, k, k)
    for r in range(rows.shape[0]):
        want = O.to_np(torch.autograd.functional.jacobian(
            lambda t: torch.softmax(t, dim=-1), O.t64(rows[r])))
        # torch's jacobian is d s_i / d x_j, indexed [i, j], the same as the contract's
        _close_to(Jr[r], want, dtype, what=f"jacobian row {r}")
        exact = np.array(O.softmax_jacobian_row(rows[r]), dtype=object)
        O.check_close(Jr[r], exact, dtype, O.magnitude(rows[r]), what="jacobian vs mpmath")


def test_softmax_jacobian_vs_numerical_grad():
    x = np.array([0.3, -1.2, 2.0, 0.0])
    J = lb.softmax_jacobian(x)
    for i in range(4):
        num = lb.numerical_grad(lambda a, i=i: float(lb.softmax(a)[i]), x)
        np.testing.assert_allclose(J[i], num, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(J.sum(axis=-1), 0.0, atol=1e-16)  # rows sum to 0
    np.testing.assert_array_equal(J, J.T)  # symmetric


# ---------------------------------------------------------------- numerical_grad itself
def test_numerical_grad_on_known_functions():
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, (3, 4))
    g = lb.numerical_grad(lambda a: float(np.sum(np.sin(a))), x)
    assert g.shape == x.shape and g.dtype == np.float64
    np.testing.assert_allclose(g, np.cos(x), rtol=0, atol=1e-9)
    A = rng.standard_normal((5, 5))
    v = rng.standard_normal(5)
    g = lb.numerical_grad(lambda a: float(a @ A @ a), v)
    np.testing.assert_allclose(g, (A + A.T) @ v, rtol=1e-9, atol=1e-9)


def test_numerical_grad_eps_is_the_step():
    """Central differences of x^3 with step h give exactly 3x^2 + h^2."""
    x = np.array([-0.9, -0.3, 0.2, 0.8])
    g = lb.numerical_grad(lambda a: float(np.sum(a**3)), x, eps=1e-3)
    np.testing.assert_allclose(g, 3 * x**2 + 1e-6, rtol=0, atol=1e-10)
    assert np.all(np.abs(g - 3 * x**2) > 5e-7)


def test_numerical_grad_default_step():
    """eps=None: h_i = cbrt(machine eps) * max(1, |x_i|), seen in the points f gets."""
    x = np.array([0.5, -4.0, 1000.0])
    calls = []

    def f(a):
        calls.append(np.array(a, copy=True))
        return float(np.sum(a))

    g = lb.numerical_grad(f, x)
    np.testing.assert_allclose(g, 1.0, rtol=1e-8)
    h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x))
    for i in range(3):
        moved = [c[i] - x[i] for c in calls if c[i] != x[i]]
        assert moved, f"component {i} never moved"
        spread = max(moved) - min(moved)
        assert spread == pytest.approx(2 * h[i], rel=1e-6), (i, moved, h[i])


@pytest.mark.parametrize("x", [
    np.array([0.5, -1.0, 2.0]),
    np.array([[0.5, -1.0], [2.0, 3.0]], dtype=np.float32),
    [1.0, 2.0],
    np.float64(0.7),
], ids=["f64", "f32-2d", "list", "0d"])
def test_numerical_grad_calls_f_with_float64_copies(x):
    snapshot = np.array(x, copy=True)
    seen = []

    def f(a):
        seen.append((type(a), getattr(a, "dtype", None), np.shape(a), a is x))
        if isinstance(a, np.ndarray) and a.flags.writeable:
            a += 1000.0  # a careless f must not be able to touch the caller's x
        return float(np.sum(np.asarray(a) ** 2))

    g = lb.numerical_grad(f, x)
    assert seen
    for typ, dt, shape, same in seen:
        assert typ is np.ndarray and dt == np.float64 and shape == np.shape(x) and not same
    np.testing.assert_array_equal(np.asarray(x), snapshot)
    assert g.dtype == np.float64 and g.shape == np.shape(x)
