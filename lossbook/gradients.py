r"""Analytic derivatives of the activations and losses, and a finite-difference check.

Every ``<loss>_grad(first, target, ...)`` takes the same arguments as the loss and
returns :math:`\partial\,\mathrm{loss} / \partial\,\mathrm{first}` (the derivative
in the prediction, the first argument), with the shape and dtype of ``first``.
The reduction is respected: ``"sum"`` gives the plain derivative, ``"mean"``
divides it by the number of values averaged (elements for elementwise losses,
examples for class-axis losses; with weights, the mean's denominator), and
``"none"`` gives each example's derivative with respect to its own inputs (the
same array as ``"sum"``). Weights (``sample_weight``, ``weight``, ``pos_weight``,
``ignore_index``) are applied by the same ``_reduction.Reduction`` as in the loss.
At a kink (``|r| = delta`` is smooth; ``r = 0`` for MAE, the hinge point) the
subgradient 0 is returned.

Each formula is derived and machine-checked in the book's chains (``lossbook.chains``)
and tested against finite differences and PyTorch autograd.
"""

from __future__ import annotations

import numpy as np

from ._args import class_args, elementwise_args
from ._reduction import times
from ._validation import as_float, check_fraction, check_positive, check_unit_interval
from .activations import (
    _BLOCK_BYTES,
    _as_rows,
    _exp_rows_at,
    _row_blocks,
    _rows_loop,
    sigmoid,
    softmax,
)
from .losses import class_weighted_target, drop_ignored, multiclass_margins

__all__ = [
    "sigmoid_grad",
    "logit_grad",
    "softmax_jacobian",
    "mse_grad",
    "mae_grad",
    "huber_grad",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits_grad",
    "softmax_cross_entropy_grad",
    "hinge_grad",
    "multiclass_hinge_grad",
    "numerical_grad",
]


def sigmoid_grad(x):
    r""":math:`\sigma'(x) = \sigma(x)(1 - \sigma(x)) = \sigma(x)\,\sigma(-x)`.

    Computed as :math:`e / (1 + e)^2` with :math:`e = e^{-|x|}` (the derivative is
    even): no ``1 - sigma`` cancellation, no overflow, accurate in the tails.

    >>> float(sigmoid_grad(0.0))
    0.25
    """
    x = as_float(x, "x")
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        d = 1 + e
        return e / d / d


def softmax_jacobian(x):
    r"""Jacobian of softmax over the last axis: :math:`J_{ij} = s_i(\delta_{ij} - s_j)`.

    Shapes: ``x`` (..., K) gives (..., K, K) with ``J[..., i, j] = ds_i / dx_j``.

    >>> softmax_jacobian([0.0, 0.0]).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    x = as_float(x, "x")
    s = softmax(x)
    k = x.shape[-1]
    return s[..., :, None] * (np.eye(k, dtype=s.dtype) - s[..., None, :])


def _mse_grad_values(x, t):
    with np.errstate(over="ignore"):
        return 2 * (x - t)


def _mae_grad_values(x, t):
    with np.errstate(over="ignore"):
        return np.sign(x - t)


def _huber_grad_values(x, t, delta):
    with np.errstate(over="ignore"):
        return np.clip(x - t, -delta, delta)


def mse_grad(pred, target, reduction="mean", sample_weight=None):
    r"""MSE derivative: :math:`\partial (\hat y - y)^2 / \partial \hat y = 2(\hat y - y)`.

    Arguments as in :func:`lossbook.mse` (prediction first, target second); the
    derivative is with respect to ``pred``. Shapes: like ``pred``. ``"mean"`` divides
    by ``pred.size`` (by the total ``sample_weight`` when given).

    >>> mse_grad([1.0, 2.0], [0.0, 0.0]).tolist()
    [1.0, 2.0]
    >>> mse_grad([1.0, 2.0], [0.0, 0.0], sample_weight=[3, 1]).tolist()
    [1.5, 1.0]
    """
    a = elementwise_args(pred, target, "pred", reduction, sample_weight=sample_weight)
    return a.reduce.grad(_mse_grad_values(a.x, a.t))


def mae_grad(pred, target, reduction="mean", sample_weight=None):
    r"""MAE derivative: :math:`\operatorname{sign}(\hat y - y)`, and 0 at 0 (a subgradient).

    Arguments as in :func:`lossbook.mae`; the derivative is with respect to ``pred``.

    >>> mae_grad([1.0, -2.0, 0.0], 0.0, reduction="sum").tolist()
    [1.0, -1.0, 0.0]
    """
    a = elementwise_args(pred, target, "pred", reduction, sample_weight=sample_weight)
    return a.reduce.grad(_mae_grad_values(a.x, a.t))


def huber_grad(pred, target, delta=1.0, reduction="mean", sample_weight=None):
    r"""Huber derivative: :math:`\operatorname{clip}(\hat y - y, -\delta, \delta)`.

    Continuous at :math:`|r| = \delta`, where both branches give :math:`\pm\delta`.
    Arguments as in :func:`lossbook.huber`; the derivative is with respect to ``pred``.

    >>> huber_grad([0.5, 3.0], 0.0, reduction="sum").tolist()
    [0.5, 1.0]
    """
    delta = check_positive(delta, "delta")
    a = elementwise_args(pred, target, "pred", reduction, sample_weight=sample_weight)
    return a.reduce.grad(_huber_grad_values(a.x, a.t, delta))


def _bce_grad_values(p, t):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        u = 1 - t
        return np.where(u == 0, 0, u / (1 - p)) - np.where(t == 0, 0, t / p)


def binary_cross_entropy_grad(prob, target, reduction="mean", sample_weight=None):
    r"""BCE derivative in the probability: :math:`-t/p + (1 - t)/(1 - p)`.

    Arguments as in :func:`lossbook.binary_cross_entropy` (predicted probability
    first, target second); the derivative is with respect to ``prob``. Each term is
    0 where its weight is 0 (so ``p = 0, t = 0`` gives 1); a probability at 0 or 1
    against a target that disagrees gives ``-inf``/``inf``.

    >>> binary_cross_entropy_grad([0.5, 0.25], [1.0, 0.0], reduction="sum").tolist()
    [-2.0, 1.3333333333333333]
    """
    a = elementwise_args(prob, target, "prob", reduction, domain="prob",
                         sample_weight=sample_weight)
    return a.reduce.grad(_bce_grad_values(a.x, a.t))


def _bce_logits_grad_values(z: np.ndarray, t: np.ndarray, scale=1) -> np.ndarray:
    r"""``scale`` (a scalar: 1, or the mean's 1/N) times
    :math:`\partial \ell / \partial z = \sigma(z) - t` per element, for float arrays
    ``z``, ``t`` of one shape and dtype, in cache-sized blocks.

    Written as :math:`(H(z) - t) \mp \sigma(-|z|)` with :math:`H(z) = [z \ge 0]`
    (minus where :math:`z \ge 0`): :math:`\sigma(-|z|) = e/(1 + e)`,
    :math:`e = e^{-|z|}`, is the small side of the sigmoid and is accurate to the
    last bits, and :math:`H(z) - t` is exact or one rounding. So a confident correct
    prediction (:math:`z = 40, t = 1`) gives :math:`-\sigma(-40)` to a few ulp
    instead of 0. Where :math:`t` is close to :math:`\sigma(z)` the difference is
    ill-conditioned in the inputs: there the error is a few ulp of
    :math:`\max(t, \sigma(z))` (backward stable), not of the result.
    """
    shape = z.shape
    z, t = z.reshape(-1), np.ascontiguousarray(t).reshape(-1)
    out = np.empty_like(z)
    step = _BLOCK_BYTES // z.dtype.itemsize
    e, h = np.empty(min(step, z.size), z.dtype), np.empty(min(step, z.size), z.dtype)
    with np.errstate(under="ignore", invalid="ignore"):
        for start in range(0, z.size, step):
            zb, tb, gb = z[start : start + step], t[start : start + step], out[start : start + step]
            eb, hb = e[: len(zb)], h[: len(zb)]
            np.abs(zb, out=eb)
            np.negative(eb, out=eb)
            np.exp(eb, out=eb)
            np.add(eb, 1, out=gb)
            eb /= gb  # sigma(-|z|)
            pos = zb >= 0
            np.multiply(pos, eb, out=hb)
            eb -= hb
            eb -= hb  # -sigma(-|z|) where z >= 0, +sigma(-|z|) elsewhere (exact)
            np.subtract(pos, tb, out=gb)  # H(z) - t: 1 - t or -t
            gb += eb
            if scale != 1:
                gb *= scale
    return out.reshape(shape)


def _bce_logits_pos_weight_grad_values(z, t, pos_weight):
    r""":math:`(1 - t)\,\sigma(z) - w\,t\,\sigma(-z)`, the derivative of PyTorch's
    ``pos_weight`` form; each sigmoid is accurate in its tail."""
    return (1 - t) * sigmoid(z) - pos_weight * t * sigmoid(-z)


def binary_cross_entropy_with_logits_grad(logits, target, pos_weight=None, reduction="mean",
                                          sample_weight=None):
    r"""Derivative of :math:`\zeta(z) - t z` in the logit: :math:`\sigma(z) - t`.

    Bounded by 1 in absolute value whatever the logit: no saturation. With
    ``pos_weight`` :math:`w` the loss is :math:`w t \zeta(-z) + (1 - t) \zeta(z)` and
    the derivative :math:`(1 - t)\,\sigma(z) - w\,t\,\sigma(-z)`. Arguments as in
    :func:`lossbook.binary_cross_entropy_with_logits` (logits first, target second).
    Computed without cancellation where :math:`t \in \{0, 1\}` (see
    :func:`_bce_logits_grad_values`): ``z = 40, t = 1`` gives
    :math:`-\sigma(-40) \approx -4.25 \cdot 10^{-18}`, not 0. For a soft target
    close to :math:`\sigma(z)` the result is backward stable.

    >>> binary_cross_entropy_with_logits_grad([0.0, 800.0], [1.0, 1.0], reduction="none").tolist()
    [-0.5, 0.0]
    >>> float(binary_cross_entropy_with_logits_grad(40.0, 1.0, reduction="sum"))
    -4.248354255291589e-18
    """
    a = elementwise_args(logits, target, "logits", reduction, domain="target01",
                         sample_weight=sample_weight, pos_weight=pos_weight)
    if a.pos_weight is None and not a.reduce.weighted():  # the mean's 1/N applied in-block
        return _bce_logits_grad_values(a.x, a.t, a.reduce.factor())
    if a.pos_weight is None:
        return a.reduce.grad(_bce_logits_grad_values(a.x, a.t))
    return a.reduce.grad(_bce_logits_pos_weight_grad_values(a.x, a.t, a.pos_weight))


def _softmax_ce_dist_grad(x: np.ndarray, c: np.ndarray) -> np.ndarray:
    r""":math:`\mathrm{softmax}(x) \sum_k c_k - c` per example (``c`` of ``x``'s shape,
    non-negative: a distribution, or one times the class weights).

    At the row's maximum :math:`a`, where a confident prediction has
    :math:`p_a \approx 1`, the entry is computed from the others: with
    :math:`C' = \sum_{k \ne a} c_k` and :math:`1 - p_a = \sum_{j \ne a} p_j`,
    :math:`p_a \sum_k c_k - c_a = p_a C' - c_a (1 - p_a)`, so a one-hot target on the
    maximum gives :math:`-\sum_{j \ne a} p_j` instead of the difference of two
    numbers near 1. Elsewhere the result is ill-conditioned where
    :math:`p_k \approx c_k`: backward stable there."""
    rows, crows = _as_rows(x, -1)[0], _as_rows(np.broadcast_to(c, x.shape), -1)[0]
    n, k = rows.shape
    p = softmax(rows)
    with np.errstate(over="ignore", invalid="ignore"):
        g = p * crows.sum(axis=1, dtype=np.float64).astype(rows.dtype)[:, None] - crows
        if k:
            r, a = np.arange(n), rows.argmax(axis=1)
            others = np.ones((n, k), dtype=bool)
            others[r, a] = False
            p_a = p[r, a].astype(np.float64)
            rest_p = np.add.reduce(p, axis=1, where=others, dtype=np.float64)
            rest_c = np.add.reduce(crows, axis=1, where=others, dtype=np.float64)
            g[r, a] = p_a * rest_c - crows[r, a] * rest_p
    return g.reshape(x.shape)


def _softmax_ce_label_grad(x: np.ndarray, labels: np.ndarray, scale) -> np.ndarray:
    r"""``scale`` times :math:`\operatorname{softmax}(x) - \operatorname{onehot}(y)` for
    class indices, in cache-sized blocks of rows: the softmax is written straight
    into the output. ``scale`` is a scalar or one factor per example (flat, or of
    shape ``x.shape[:-1]``).

    With :math:`w = e^{x}`, :math:`t = \sum_{j \ne y} w_j` (the label's term kept
    apart) and :math:`T = t + w_y`, the softmax is :math:`p_j = w_j / T`, and at the
    label

    .. math:: p_y - 1 = -t / T = -\sum_{j \ne y} p_j,

    never the difference of two numbers near 1 (which gives 0 instead of
    :math:`-e^{-40}` for the row ``[0, -40]`` with label 0). Rows where ``exp(x)``
    would overflow or lose too much to underflow (``activations._exp_rows_at``)
    are done by :func:`_softmax_ce_label_grad_shifted`."""
    rows, _ = _as_rows(x, -1)
    n = len(rows)
    f = np.asarray(scale, dtype=np.float64)
    f = f.reshape(-1) if f.ndim else np.full(n, float(f))
    y = labels.reshape(-1).astype(np.intp)
    out = np.empty_like(rows)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for start, stop, block, dest in _row_blocks(rows, out):
            yb, fb = y[start:stop], f[start:stop]
            t, wy, ok = _exp_rows_at(block, dest, yb, entries=True, scale=fb)
            dest *= (fb / (t + wy)).astype(rows.dtype)[:, None]
            dest[np.arange(stop - start), yb] = -fb * t / (t + wy)
            if ok is not None:  # by the maximum, while the block is in cache
                bad = np.flatnonzero(~ok)
                dest[bad] = _softmax_ce_label_grad_shifted(block[bad], yb[bad], fb[bad])
    return out.reshape(x.shape)


def _softmax_ce_label_grad_shifted(rows, y, f):
    r""":func:`_softmax_ce_label_grad` for rows (2-d) by the forms of
    ``activations._exp_rows``: with :math:`m = x_a` the row maximum and
    :math:`s = \sum_{j \ne a} e^{x_j - m}`, the softmax is :math:`e^{x_j - m}/(1 + s)`
    and, at the maximum, :math:`p_a - 1 = -s/(1 + s)`; at a label that is not the
    maximum :math:`p_y \le 1/2` and :math:`p_y - 1` does not cancel."""
    n = len(rows)
    r = np.arange(n)
    out = np.empty_like(rows)
    a, wy = np.zeros(n, dtype=np.intp), np.zeros(n)
    t, em = np.zeros(n), np.ones(n)
    for start, stop, ab, _, tb, eb in _rows_loop(rows, out, entries=True):
        dest = out[start:stop]
        wy[start:stop] = dest[r[: stop - start], y[start:stop]]  # before scaling
        dest *= (f[start:stop] / (eb + tb)).astype(rows.dtype)[:, None]
        a[start:stop], t[start:stop], em[start:stop] = ab, tb, eb
    den = em + t  # p_j = w_j / den; p_a = em / den; p_a - 1 = -t / den
    out[r, a] = f * em / den
    out[r, y] = np.where(y == a, -f * t / den, f * (wy / den - 1))
    for i in np.flatnonzero(~np.isfinite(rows[r, a])):  # +inf, all -inf, nan: the limit
        out[i] = softmax(rows[i]) * f[i]
        out[i, y[i]] -= f[i]
    return out


def softmax_cross_entropy_grad(logits, target, label_smoothing=0.0, weight=None,
                               ignore_index=None, reduction="mean", sample_weight=None):
    r"""Derivative in the logits: :math:`\operatorname{softmax}(z) \sum_k c_k - c` with
    :math:`c = w \odot t` (the smoothed target times the class weights; that is
    :math:`\operatorname{softmax}(z) - t` for a distribution ``t`` and no weights).
    Integer labels without smoothing are handled in cache-sized blocks of rows: the
    softmax is written straight into the output, and the entry of a confident
    correct class, :math:`p_y - 1`, is computed as :math:`-\sum_{j \ne y} p_j`, so it
    keeps its relative accuracy (see :func:`_softmax_ce_label_grad`).

    Arguments and keywords as in :func:`lossbook.softmax_cross_entropy` (logits
    first, target second); examples whose target is ``ignore_index`` get a zero
    gradient. Shapes: like ``logits``; ``"mean"`` divides by the mean's denominator
    (the number of examples, or their total weight).

    >>> softmax_cross_entropy_grad([[0.0, 0.0]], [1]).tolist()
    [[0.5, -0.5]]
    >>> float(softmax_cross_entropy_grad([[0.0, -40.0]], [0], reduction="sum")[0, 0])
    -4.248354255291589e-18
    """
    eps = check_fraction(label_smoothing, "label_smoothing")
    a = class_args(logits, target, "logits", reduction, sample_weight=sample_weight,
                   weight=weight, ignore_index=ignore_index)
    if a.labels is None or eps != 0:
        g = _softmax_ce_dist_grad(a.x, class_weighted_target(a, eps))
        return a.reduce.grad(drop_ignored(g, a.ignored), class_axis=True)
    f = a.reduce.factor()
    if a.weight is not None:
        f = times(a.weight[a.labels], f)
    if a.ignored is not None:
        f = np.where(a.ignored, a.dtype.type(0), f)
    if np.ndim(f):
        f = np.ascontiguousarray(np.broadcast_to(f, a.x.shape[:-1])).reshape(-1)
    return drop_ignored(_softmax_ce_label_grad(a.x, a.labels, f), a.ignored)


def _hinge_grad_values(s, t):
    with np.errstate(over="ignore"):
        m = 1 - t * s
    return np.where(m > 0, -t, np.where(np.isnan(m), m, 0))  # nan propagates


def hinge_grad(scores, target, reduction="mean", sample_weight=None):
    r"""Hinge derivative: :math:`-t` where :math:`1 - t s > 0`, else 0 (0 at the kink).

    Arguments as in :func:`lossbook.hinge` (scores first, labels second).

    >>> hinge_grad([2.0, 0.5], [1, -1], reduction="sum").tolist()
    [0.0, 1.0]
    """
    a = elementwise_args(scores, target, "scores", reduction, domain="pm1",
                         sample_weight=sample_weight)
    return a.reduce.grad(_hinge_grad_values(a.x, a.t))


def _multiclass_hinge_grad_values(s, y, margin):
    m = multiclass_margins(s, y, margin)
    active = np.where(np.isnan(m), m, m > 0).astype(s.dtype)  # nan propagates
    np.put_along_axis(
        active, y[..., None].astype(np.intp), -active.sum(axis=-1, keepdims=True), axis=-1
    )
    return active


def multiclass_hinge_grad(scores, labels, margin=1.0, reduction="mean", sample_weight=None):
    r"""Multi-class hinge derivative: 1 for every class j != y with a violated margin
    :math:`s_j - s_y + \Delta > 0`, and minus their count at the true class y.

    Arguments as in :func:`lossbook.multiclass_hinge` (scores first, labels second).

    >>> multiclass_hinge_grad([[1.0, 2.0, 0.0]], [0], reduction="sum").tolist()
    [[-1.0, 1.0, 0.0]]
    """
    margin = check_positive(margin, "margin")
    a = class_args(scores, labels, "scores", reduction, target_name="labels",
                   distributions=False, sample_weight=sample_weight)
    return a.reduce.grad(_multiclass_hinge_grad_values(a.x, a.labels, margin), class_axis=True)


def numerical_grad(f, x, eps=None):
    r"""Central finite differences of a scalar function: :math:`(f(x + h e_i) - f(x - h e_i)) / 2h`.

    ``f`` is called with float64 arrays shaped like ``x`` (fresh copies, never ``x``
    itself). ``eps=None`` uses :math:`h_i = \sqrt[3]{\epsilon_{64}} \max(1, |x_i|)`,
    which balances truncation error :math:`O(h^2)` against rounding :math:`O(\epsilon/h)`.
    Returns float64 with the shape of ``x``.

    >>> numerical_grad(lambda v: float((v ** 2).sum()), [1.0, -2.0]).round(6).tolist()
    [2.0, -4.0]
    """
    x0 = np.array(as_float(x, "x"), dtype=np.float64)
    if eps is None:
        h = np.cbrt(np.finfo(np.float64).eps) * np.maximum(1.0, np.abs(x0))
    else:
        h = np.broadcast_to(np.asarray(check_positive(eps, "eps"), dtype=np.float64), x0.shape)
    g = np.empty_like(x0)
    for i in np.ndindex(x0.shape):
        up, down = x0.copy(), x0.copy()
        up[i] += h[i]
        down[i] -= h[i]
        g[i] = (float(f(up)) - float(f(down))) / (up[i] - down[i])
    return g


def logit_grad(p):
    r"""Derivative of the logit: :math:`\frac{d}{dp} \log\frac{p}{1-p} = \frac{1}{p(1 - p)}`,
    the reciprocal of :math:`\sigma'` at :math:`\operatorname{logit}(p)`.

    Three roundings (``1 - p``, the product, the reciprocal): within 2 ulp. ``p`` in
    [0, 1]; at 0 and 1 the derivative is ``inf``, and below about ``1 / max`` (a
    subnormal ``p``) the exact value exceeds the largest float and is ``inf`` too.

    Shapes: any; same shape and floating dtype as ``p``.

    >>> float(logit_grad(0.5))
    4.0
    >>> logit_grad([0.0, 0.5, 1.0]).tolist()
    [inf, 4.0, inf]
    """
    p = as_float(p, "p")
    check_unit_interval(p, "p")
    with np.errstate(divide="ignore", over="ignore"):
        return 1 / (p * (1 - p))
