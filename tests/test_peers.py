"""The peers' conventions, run against lossbook on random cases:

- torch.nn.functional.cross_entropy with weight=, ignore_index=, label_smoothing=
  (class indices and probability targets, every reduction), and its autograd gradient;
- torch.nn.functional.binary_cross_entropy_with_logits with pos_weight= (and autograd);
- scikit-learn's sample_weight convention: metrics.log_loss (binary and multi-class),
  mean_squared_error and mean_absolute_error (one and several outputs), hinge_loss;
- gradients of every sample-weighted loss against torch autograd of the same
  weighted average, sum(s * loss) / sum(s).

Where a peer's convention differs from the contract it is stated next to the test
(torch's mean over examples that are all ignored is nan; lossbook raises).
"""

from __future__ import annotations

import numpy as np
import oracles as O
import pytest
import torch
import torch.nn.functional as F
from sklearn import metrics

import lossbook as lb

DTYPES = [np.float64, np.float32]
DT_IDS = ["f64", "f32"]
TORCH = {np.float64: torch.float64, np.float32: torch.float32}
REDUCTIONS = ("mean", "sum", "none")
CASES = range(6)


def tt(a, dtype, grad=False):
    return torch.tensor(np.asarray(a), dtype=TORCH[dtype], requires_grad=grad)


def check(got, want, dtype, scale=1.0):
    """Within the contract's tolerance (x 10: torch's float32 arithmetic differs)."""
    tol = 10 * O.tol(dtype)
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                               rtol=tol, atol=tol * scale)


def torch_value_and_grad(fn, x, dtype):
    xt = tt(x, dtype, grad=True)
    out = fn(xt)
    out.sum().backward()
    return out.detach().numpy(), xt.grad.numpy()


# ---------------------------------------------------------------- torch cross_entropy
def _ce_case(seed, dtype):
    rng = np.random.default_rng(O.seed_of("ce", seed))
    n, k = int(rng.integers(1, 9)), int(rng.integers(2, 7))
    x = (rng.standard_normal((n, k)) * rng.choice([0.5, 3.0, 20.0])).astype(dtype)
    y = rng.integers(0, k, n)
    w = rng.uniform(0.0, 3.0, k).astype(dtype) if rng.random() < 0.8 else None
    if w is not None and rng.random() < 0.5:
        w[rng.integers(k)] = 0  # a class of weight 0
    eps = float(rng.choice([0.0, 0.1, 0.45]))
    return rng, x, y, w, eps


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("seed", CASES)
def test_cross_entropy_class_indices_vs_torch(seed, dtype, reduction):
    rng, x, y, w, eps = _ce_case(seed, dtype)
    ignore = int(rng.choice([-100, 0, 1]))
    y = np.where(rng.random(len(y)) < 0.3, ignore, y)
    if (y == ignore).all():
        y[0] = 1 - ignore if ignore in (0, 1) else 0
    if w is not None and w[y[y != ignore]].sum() == 0:
        w[y[y != ignore][0]] = 1  # a zero total weight is the case the conventions differ
    kw = dict(weight=w, ignore_index=ignore, label_smoothing=eps, reduction=reduction)
    tw = None if w is None else tt(w, dtype)
    want, want_g = torch_value_and_grad(
        lambda t: F.cross_entropy(t, torch.tensor(y), weight=tw, ignore_index=ignore,
                                  label_smoothing=eps, reduction=reduction), x, dtype)
    got = lb.softmax_cross_entropy(x, y, **kw)
    g = lb.softmax_cross_entropy_grad(x, y, **kw)
    assert np.asarray(got).dtype == dtype and g.dtype == dtype
    scale = float(np.abs(x).max()) * (1 if w is None else float(w.max())) + 1
    check(got, want, dtype, scale * (len(y) if reduction == "sum" else 1))
    # torch's gradient of "none" is that of the sum: the contract's "none" gradient too
    check(g, want_g, dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("seed", CASES)
def test_cross_entropy_probability_targets_vs_torch(seed, dtype, reduction):
    rng, x, _, w, eps = _ce_case(100 + seed, dtype)
    t = O.dirichlet(rng, x.shape, dtype)
    tw = None if w is None else tt(w, dtype)
    want, want_g = torch_value_and_grad(
        lambda v: F.cross_entropy(v, tt(t, dtype), weight=tw, label_smoothing=eps,
                                  reduction=reduction), x, dtype)
    kw = dict(weight=w, label_smoothing=eps, reduction=reduction)
    scale = float(np.abs(x).max()) * (1 if w is None else float(w.max())) + 1
    check(lb.softmax_cross_entropy(x, t, **kw), want, dtype,
          scale * (len(x) if reduction == "sum" else 1))
    check(lb.softmax_cross_entropy_grad(x, t, **kw), want_g, dtype)


def test_cross_entropy_higher_rank_vs_torch():
    """torch puts the classes on axis 1, the contract on the last axis."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 5, 4))
    y = rng.integers(0, 4, (2, 3, 5))
    y[0, 1, 2] = -1
    w = rng.uniform(0.5, 2, 4)
    want, want_g = torch_value_and_grad(
        lambda v: F.cross_entropy(v.movedim(-1, 1), torch.tensor(y), weight=torch.tensor(w),
                                  ignore_index=-1, label_smoothing=0.2), x, np.float64)
    kw = dict(weight=w, ignore_index=-1, label_smoothing=0.2)
    check(lb.softmax_cross_entropy(x, y, **kw), want, np.float64)
    check(lb.softmax_cross_entropy_grad(x, y, **kw), want_g, np.float64)


def test_cross_entropy_where_the_conventions_differ():
    """All examples ignored, or a zero total weight: torch's "mean" is nan (0/0);
    the contract raises, as for any mean over no weight. "sum" agrees (0)."""
    x = torch.zeros((2, 3))
    y = torch.tensor([-100, -100])
    assert torch.isnan(F.cross_entropy(x, y, ignore_index=-100))
    with pytest.raises(ValueError):
        lb.softmax_cross_entropy(x.numpy(), y.numpy(), ignore_index=-100)
    assert float(F.cross_entropy(x, y, ignore_index=-100, reduction="sum")) == 0
    assert float(lb.softmax_cross_entropy(x.numpy(), y.numpy(), ignore_index=-100,
                                          reduction="sum")) == 0


# ---------------------------------------------------------------- torch BCE with logits
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", DTYPES, ids=DT_IDS)
@pytest.mark.parametrize("seed", CASES)
def test_bce_with_logits_pos_weight_vs_torch(seed, dtype, reduction):
    rng = np.random.default_rng(O.seed_of("bcel", seed))
    shape = [(7,), (5, 3), (2, 4, 3)][seed % 3]
    z = (rng.standard_normal(shape) * rng.choice([1.0, 5.0, 30.0])).astype(dtype)
    t = (rng.integers(0, 2, shape) if seed % 2 else rng.uniform(0, 1, shape)).astype(dtype)
    pw = rng.uniform(0.1, 5.0, shape[-1] if seed % 3 else ()).astype(dtype)
    want, want_g = torch_value_and_grad(
        lambda v: F.binary_cross_entropy_with_logits(v, tt(t, dtype), pos_weight=tt(pw, dtype),
                                                     reduction=reduction), z, dtype)
    kw = dict(pos_weight=pw, reduction=reduction)
    got = lb.binary_cross_entropy_with_logits(z, t, **kw)
    g = lb.binary_cross_entropy_with_logits_grad(z, t, **kw)
    assert np.asarray(got).dtype == dtype and g.dtype == dtype
    scale = float(np.abs(z).max()) * float(pw.max()) + 1
    check(got, want, dtype, scale * (z.size if reduction == "sum" else 1))
    check(g, want_g, dtype, float(pw.max()))


# ---------------------------------------------------------------- scikit-learn
def _weights(rng, n):
    s = rng.uniform(0, 3, n)
    s[rng.random(n) < 0.2] = 0.0
    s[0] = max(s[0], 0.5)  # never all zero
    return s


@pytest.mark.parametrize("seed", CASES)
def test_log_loss_binary_vs_sklearn(seed):
    rng = np.random.default_rng(O.seed_of("ll2", seed))
    n = int(rng.integers(2, 40))
    p = rng.uniform(1e-3, 1 - 1e-3, n)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]  # both classes present (sklearn infers the labels)
    s = _weights(rng, n)
    want = metrics.log_loss(y, p, sample_weight=s)
    assert float(lb.binary_cross_entropy(p, y.astype(float), sample_weight=s)) == \
        pytest.approx(want, rel=1e-12)
    assert float(lb.binary_cross_entropy_with_logits(lb.logit(p), y.astype(float),
                                                     sample_weight=s)) == \
        pytest.approx(want, rel=1e-12)
    # normalize=False is the weighted sum
    assert float(lb.binary_cross_entropy(p, y.astype(float), reduction="sum",
                                         sample_weight=s)) == \
        pytest.approx(metrics.log_loss(y, p, sample_weight=s, normalize=False), rel=1e-12)


@pytest.mark.parametrize("seed", CASES)
def test_log_loss_multiclass_vs_sklearn(seed):
    rng = np.random.default_rng(O.seed_of("llk", seed))
    n, k = int(rng.integers(2, 30)), int(rng.integers(3, 7))
    probs = rng.dirichlet(np.ones(k) * 2, n)
    y = rng.integers(0, k, n)
    s = _weights(rng, n)
    want = metrics.log_loss(y, probs, sample_weight=s, labels=np.arange(k))
    assert float(lb.softmax_cross_entropy(np.log(probs), y, sample_weight=s)) == \
        pytest.approx(want, rel=1e-12)
    # the same with the one-hot target as distributions
    assert float(lb.softmax_cross_entropy(np.log(probs), np.eye(k)[y], sample_weight=s)) == \
        pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("seed", CASES)
def test_regression_metrics_vs_sklearn(seed):
    rng = np.random.default_rng(O.seed_of("reg", seed))
    n = int(rng.integers(1, 40))
    y, yhat = rng.standard_normal(n) * 3, rng.standard_normal(n) * 3
    s = _weights(rng, n)
    assert float(lb.mse(yhat, y, sample_weight=s)) == pytest.approx(
        metrics.mean_squared_error(y, yhat, sample_weight=s), rel=1e-12)
    assert float(lb.mae(yhat, y, sample_weight=s)) == pytest.approx(
        metrics.mean_absolute_error(y, yhat, sample_weight=s), rel=1e-12)
    # several outputs: sklearn weights the rows and averages the outputs uniformly;
    # in numpy broadcasting the row weights are s[:, None]
    m = int(rng.integers(2, 5))
    Y, Yhat = rng.standard_normal((n, m)), rng.standard_normal((n, m))
    assert float(lb.mse(Yhat, Y, sample_weight=s[:, None])) == pytest.approx(
        metrics.mean_squared_error(Y, Yhat, sample_weight=s), rel=1e-12)
    assert float(lb.mae(Yhat, Y, sample_weight=s[:, None])) == pytest.approx(
        metrics.mean_absolute_error(Y, Yhat, sample_weight=s), rel=1e-12)


@pytest.mark.parametrize("seed", CASES)
def test_hinge_loss_vs_sklearn(seed):
    rng = np.random.default_rng(O.seed_of("hinge", seed))
    n = int(rng.integers(2, 40))
    y = rng.choice([-1, 1], n)
    y[:2] = [-1, 1]
    score = rng.standard_normal(n) * 2
    s = _weights(rng, n)
    assert float(lb.hinge(score, y, sample_weight=s)) == pytest.approx(
        metrics.hinge_loss(y, score, sample_weight=s), rel=1e-12)


# ---------------------------------------------------------------- weighted gradients
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("spec", O.LOSSES, ids=[s.name for s in O.LOSSES])
def test_sample_weighted_gradients_vs_torch_autograd(spec, reduction):
    rng = np.random.default_rng(O.seed_of("swg", spec.name))
    first, target, kw = O.make_valid(spec, rng, (9,), np.float64, avoid_kinks=True)
    s = _weights(rng, 9)
    xt = O.t64(first, grad=True)
    v = O.torch_loss(spec.name, xt, target, "none", **kw)  # each example's loss
    st = O.t64(s)
    weighted = st * v
    total = {"mean": weighted.sum() / st.sum(), "sum": weighted.sum(), "none": weighted}
    total[reduction].sum().backward()
    got = getattr(lb, spec.name)(first, target, reduction=reduction, sample_weight=s, **kw)
    np.testing.assert_allclose(got, O.to_np(total[reduction]), rtol=1e-12, atol=1e-12)
    g = getattr(lb, spec.grad_name)(first, target, reduction=reduction, sample_weight=s, **kw)
    np.testing.assert_allclose(g, O.to_np(xt.grad), rtol=1e-12, atol=1e-13)
