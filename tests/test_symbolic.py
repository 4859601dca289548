"""lossbook.symbolic against its numeric twins in lossbook, at random points.

Each SymPy definition is evaluated (mpmath, 30 digits) and compared with the library
function; each analytic gradient of the library is compared with the SymPy derivative
of the symbolic definition. The comparison tolerance is far above float64 rounding and
far below any formula error.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import lossbook as lb
from lossbook import symbolic as S

RNG_SEED = 20240601
RTOL = 1e-11


def value(expr, subs=None) -> float:
    e = expr.xreplace(subs) if subs else expr
    return float(sp.N(e.doit(), 30))


def close(a, b, rtol=RTOL):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)


@pytest.fixture
def rng():
    return np.random.default_rng(RNG_SEED)


def syms(name, k, **assumptions):
    return list(sp.symbols(f"{name}1:{k + 1}", **(assumptions or {"real": True})))


def random_simplex(rng, k):
    p = rng.uniform(0.05, 1.0, size=k)
    return p / p.sum()


# ----------------------------------------------------------------------------- scalar
SCALAR_PAIRS = [
    (S.sigmoid, lb.sigmoid),
    (S.softplus, lb.softplus),
    (S.log_sigmoid, lb.log_sigmoid),
]


@pytest.mark.parametrize("sym_fn, num_fn", SCALAR_PAIRS, ids=lambda f: getattr(f, "__name__", ""))
def test_scalar_activations(sym_fn, num_fn, rng):
    x = sp.Symbol("x", real=True)
    expr = sym_fn(x)
    for v in np.concatenate([rng.uniform(-30, 30, 20), [0.0, -1e-3, 1e-3]]):
        close(num_fn(v), value(expr, {x: sp.Float(v, 30)}))


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_vector_activations(k, rng):
    xs = syms("x", k)
    for _ in range(5):
        v = rng.uniform(-20, 20, size=k)
        point = {s: sp.Float(float(a), 30) for s, a in zip(xs, v, strict=True)}
        close(lb.logsumexp(v), value(S.logsumexp(xs), point))
        close(lb.softmax(v), [value(e, point) for e in S.softmax(xs)])
        close(lb.log_softmax(v), [value(e, point) for e in S.log_softmax(xs)])
        close(lb.softmax(v)[k - 1], value(S.softmax(xs, k - 1), point))
        close(np.max(v), value(S.vmax(xs), point))


@pytest.mark.parametrize("k", [2, 3, 4])
def test_indexed_forms_write_out_to_the_explicit_ones(k):
    """Sum(..., (k, 1, n)) with n = k written out equals the sequence form."""
    x, p, q = S.vector("x"), S.probabilities("p"), S.probabilities("q")
    n, i = S.N, sp.Symbol("i", integer=True)
    xs = [x[j] for j in range(1, k + 1)]
    ps = [p[j] for j in range(1, k + 1)]
    qs = [q[j] for j in range(1, k + 1)]
    pairs = [
        (S.logsumexp(x, n), S.logsumexp(xs)),
        (S.entropy(p, n), S.entropy(ps)),
        (S.cross_entropy(p, q, n), S.cross_entropy(ps, qs)),
        (S.kl_divergence(p, q, n), S.kl_divergence(ps, qs)),
        (S.softmax_cross_entropy(x, p, n), S.softmax_cross_entropy(xs, ps)),
        (S.softmax_cross_entropy(x, p, n, label_smoothing=sp.Rational(1, 10)),
         S.softmax_cross_entropy(xs, ps, label_smoothing=sp.Rational(1, 10))),
        (S.MaxOver(x, n), S.vmax(xs)),
        (S.LogSumExp(x, n), S.logsumexp(xs)),
    ]
    for j in range(1, k + 1):
        pairs.append((S.softmax(x, i, n).subs(i, j), S.softmax(xs, j - 1)))
        pairs.append((S.Softmax(x, j, n), S.softmax(xs, j - 1)))
        pairs.append((S.log_softmax(x, i, n).subs(i, j), S.log_softmax(xs, j - 1)))
    for indexed, explicit in pairs:
        written = indexed.subs(n, k).doit()
        assert sp.simplify(sp.expand_log(written - explicit.doit(), force=True)) == 0, (
            indexed, explicit)


def test_display_heads_unfold_to_the_builders():
    x = sp.Symbol("x", real=True)
    assert S.Sigmoid(x).unfold() == S.sigmoid(x)
    assert S.Softplus(x).unfold() == S.softplus(x)
    assert S.Sigmoid(x).doit() == S.sigmoid(x)
    assert sp.latex(S.Sigmoid(x)) == r"\sigma\left(x\right)"
    assert sp.latex(S.Softplus(-x)) == r"\zeta\left(- x\right)"
    v = S.vector("v")
    assert sp.latex(S.MaxOver(v, S.N)) == r"\max_{k} {v}_{k}"
    assert S.MaxOver(v, S.N).doit() == S.MaxOver(v, S.N)  # symbolic n stays
    assert S.MaxOver(v, 3).doit() == sp.Max(v[1], v[2], v[3])


def test_vector_builders_need_n_for_an_indexedbase():
    with pytest.raises(ValueError, match="dimension n"):
        S.logsumexp(S.vector("x"))
    with pytest.raises(ValueError, match="index i"):
        S.softmax(S.vector("x"), n=S.N)


# ------------------------------------------------------------------------ information
@pytest.mark.parametrize("k", [2, 3, 6])
@pytest.mark.parametrize("base", [None, 2])
def test_information(k, base, rng):
    ps, qs = syms("p", k, positive=True), syms("q", k, positive=True)
    for _ in range(4):
        p, q = random_simplex(rng, k), random_simplex(rng, k)
        point = {**{s: sp.Float(float(a), 30) for s, a in zip(ps, p, strict=True)},
                 **{s: sp.Float(float(a), 30) for s, a in zip(qs, q, strict=True)}}
        close(lb.entropy(p, base=base), value(S.entropy(ps, base=base), point))
        close(lb.cross_entropy(p, q, base=base), value(S.cross_entropy(ps, qs, base=base), point))
        close(lb.kl_divergence(p, q, base=base), value(S.kl_divergence(ps, qs, base=base), point))


# ----------------------------------------------------------------------------- losses
def _elementwise(sym_loss, num_loss, pred, target, **kw):
    a, t = sp.symbols("a t", real=True)
    expr = sym_loss(a, t, **kw)
    want = [value(expr, {a: sp.Float(float(p), 30), t: sp.Float(float(y), 30)})
            for p, y in zip(pred, target, strict=True)]
    close(num_loss(pred, target, reduction="none", **kw), want)
    close(num_loss(pred, target, reduction="sum", **kw), sum(want))
    close(num_loss(pred, target, reduction="mean", **kw), np.mean(want))


def test_regression_losses(rng):
    pred, target = rng.normal(0, 3, 30), rng.normal(0, 3, 30)
    _elementwise(S.mse, lb.mse, pred, target)
    _elementwise(S.mae, lb.mae, pred, target)
    for delta in (0.5, 1.0, 2.5):
        _elementwise(S.huber, lb.huber, pred, target, delta=delta)


def test_binary_losses(rng):
    prob, soft = rng.uniform(0.01, 0.99, 30), rng.uniform(0, 1, 30)
    _elementwise(S.binary_cross_entropy, lb.binary_cross_entropy, prob, soft)
    logits = rng.normal(0, 5, 30)
    _elementwise(S.binary_cross_entropy_with_logits, lb.binary_cross_entropy_with_logits,
                 logits, soft)
    scores, labels = rng.normal(0, 2, 30), rng.choice([-1.0, 1.0], 30)
    a, t = sp.symbols("a t", real=True)
    want = [value(S.hinge(a, t), {a: sp.Float(float(s), 30), t: int(y)})
            for s, y in zip(scores, labels, strict=True)]
    close(lb.hinge(scores, labels, reduction="none"), want)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_multiclass_losses(k, rng):
    xs = syms("x", k)
    logits = rng.normal(0, 3, size=(6, k))
    labels = rng.integers(0, k, size=6)
    soft = np.stack([random_simplex(rng, k) for _ in range(6)])
    for eps in (0.0, 0.1):
        by_index, by_prob = [], []
        for row, y, t in zip(logits, labels, soft, strict=True):
            point = {s: sp.Float(float(a), 30) for s, a in zip(xs, row, strict=True)}
            by_index.append(value(S.softmax_cross_entropy(xs, int(y), label_smoothing=eps),
                                  point))
            target = [sp.Float(float(a), 30) for a in t]
            by_prob.append(value(S.softmax_cross_entropy(xs, target, label_smoothing=eps),
                                 point))
        close(lb.softmax_cross_entropy(logits, labels, label_smoothing=eps, reduction="none"),
              by_index)
        close(lb.softmax_cross_entropy(logits, soft, label_smoothing=eps, reduction="none"),
              by_prob)
    for margin in (1.0, 0.5):
        want = []
        for row, y in zip(logits, labels, strict=True):
            point = {s: sp.Float(float(a), 30) for s, a in zip(xs, row, strict=True)}
            want.append(value(S.multiclass_hinge(xs, int(y), margin=margin), point))
        close(lb.multiclass_hinge(logits, labels, margin=margin, reduction="none"), want)


# -------------------------------------------------------------------------- gradients
def test_sigmoid_grad_is_the_derivative(rng):
    x = sp.Symbol("x", real=True)
    d = sp.diff(S.sigmoid(x), x)
    v = rng.uniform(-30, 30, 25)
    close(lb.sigmoid_grad(v), [value(d, {x: sp.Float(float(a), 30)}) for a in v])


@pytest.mark.parametrize("k", [2, 3, 5])
def test_softmax_jacobian_is_the_derivative(k, rng):
    xs = syms("x", k)
    s = S.softmax(xs)
    jac = [[sp.diff(s[i], xs[j]) for j in range(k)] for i in range(k)]
    for _ in range(3):
        v = rng.normal(0, 3, k)
        point = {a: sp.Float(float(b), 30) for a, b in zip(xs, v, strict=True)}
        close(lb.softmax_jacobian(v), [[value(e, point) for e in row] for row in jac])


def _grad_elementwise(sym_loss, grad_fn, pred, target, **kw):
    a, t = sp.symbols("a t", real=True)
    d = sp.diff(sym_loss(a, t, **kw), a)
    want = np.array([value(d, {a: sp.Float(float(p), 30), t: sp.Float(float(y), 30)})
                     for p, y in zip(pred, target, strict=True)])
    close(grad_fn(pred, target, reduction="sum", **kw), want)
    close(grad_fn(pred, target, reduction="none", **kw), want)
    close(grad_fn(pred, target, reduction="mean", **kw), want / len(pred))


def test_loss_gradients_are_the_derivatives(rng):
    pred, target = rng.normal(0, 3, 20), rng.normal(0, 3, 20)
    keep = np.abs(pred - target) > 1e-3  # away from the kinks of |r| and Huber's switch
    pred, target = pred[keep], target[keep]
    _grad_elementwise(S.mse, lb.mse_grad, pred, target)
    _grad_elementwise(S.mae, lb.mae_grad, pred, target)
    for delta in (0.5, 2.0):
        ok = np.abs(np.abs(pred - target) - delta) > 1e-3
        _grad_elementwise(S.huber, lb.huber_grad, pred[ok], target[ok], delta=delta)
    prob, soft = rng.uniform(0.02, 0.98, 20), rng.uniform(0, 1, 20)
    _grad_elementwise(S.binary_cross_entropy, lb.binary_cross_entropy_grad, prob, soft)
    logits = rng.normal(0, 4, 20)
    _grad_elementwise(S.binary_cross_entropy_with_logits,
                      lb.binary_cross_entropy_with_logits_grad, logits, soft)
    scores, labels = rng.normal(0, 2, 40), rng.choice([-1.0, 1.0], 40)
    ok = np.abs(1 - labels * scores) > 1e-3
    _grad_elementwise(S.hinge, lb.hinge_grad, scores[ok], labels[ok])


@pytest.mark.parametrize("k", [2, 4])
def test_multiclass_gradients_are_the_derivatives(k, rng):
    xs = syms("x", k)
    logits = rng.normal(0, 3, size=(5, k))
    labels = rng.integers(0, k, size=5)
    soft = np.stack([random_simplex(rng, k) for _ in range(5)])
    for eps in (0.0, 0.2):
        for target in (labels, soft):
            want = []
            for row, t in zip(logits, target, strict=True):
                tt = int(t) if np.ndim(t) == 0 else [sp.Float(float(a), 30) for a in t]
                loss = S.softmax_cross_entropy(xs, tt, label_smoothing=eps)
                point = {a: sp.Float(float(b), 30) for a, b in zip(xs, row, strict=True)}
                want.append([value(sp.diff(loss, a), point) for a in xs])
            want = np.array(want)
            got = lb.softmax_cross_entropy_grad(logits, target, label_smoothing=eps,
                                                reduction="sum")
            close(got, want)
            close(lb.softmax_cross_entropy_grad(logits, target, label_smoothing=eps), want / 5)
    for margin in (1.0, 0.5):
        want, rows, labs = [], [], []
        for row, y in zip(logits, labels, strict=True):
            gaps = row - row[y] + margin
            if np.any(np.abs(np.delete(gaps, y)) < 1e-3):
                continue  # a kink of max(0, .)
            loss = S.multiclass_hinge(xs, int(y), margin=margin)
            point = {a: sp.Float(float(b), 30) for a, b in zip(xs, row, strict=True)}
            want.append([value(sp.diff(loss, a), point) for a in xs])
            rows.append(row)
            labs.append(y)
        got = lb.multiclass_hinge_grad(np.array(rows), np.array(labs), margin=margin,
                                       reduction="sum")
        close(got, np.array(want))
