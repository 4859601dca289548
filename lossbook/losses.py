r"""Losses: regression (MSE, MAE, Huber), cross-entropies, and hinge losses.

Prediction first, target second: ``loss(prediction, target, ...)``. ``reduction``
is ``"mean"`` (default), ``"sum"`` or ``"none"``; ``"none"`` keeps one value per
example (elementwise losses: the prediction's shape; class-axis losses: the
logits' shape without the last axis). The target may broadcast to the
prediction's shape, never the reverse.

Every loss takes ``sample_weight=None``: one weight :math:`s_i \ge 0` per example,
any shape that broadcasts to the ``"none"`` result. ``"none"`` gives
:math:`s_i \ell_i`, ``"sum"`` :math:`\sum_i s_i \ell_i` and ``"mean"`` the weighted
average :math:`\sum_i s_i \ell_i / \sum_i s_i` (scikit-learn's convention); an
example of weight 0 contributes 0 even where its loss is infinite, and a mean
whose weights sum to 0 is a ValueError. Floating weights take part in the result
dtype like every floating argument; integer weights do not widen it.

Each loss is a thin wrapper: argument checks (``_args``), a private kernel that
computes the per-example values (``_<loss>_values``), and the one reduction of
``_reduction``. Every kernel is computed in a form that is finite wherever the
exact value is finite: cross-entropies work from log-probabilities (``log1p``,
log-sum-exp), never from a probability that has already rounded to 0 or 1.

References: Goodfellow, Bengio and Courville, *Deep Learning* (2016), 6.2; Huber,
"Robust estimation of a location parameter", Ann. Math. Statist. 35 (1964);
Weston and Watkins, "Support vector machines for multi-class pattern recognition",
ESANN 1999; Szegedy et al., "Rethinking the Inception architecture" (2016) for
label smoothing; PyTorch's ``cross_entropy`` and ``binary_cross_entropy_with_logits``
for ``weight``, ``ignore_index`` and ``pos_weight``.
"""

from __future__ import annotations

import numpy as np

from ._args import class_args, elementwise_args
from ._reduction import times
from ._validation import check_fraction, check_positive
from .activations import _BLOCK_BYTES, _as_rows, _exp_rows_at, _row_blocks, _rows_stats, log_softmax

__all__ = [
    "mse",
    "mae",
    "huber",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "softmax_cross_entropy",
    "hinge",
    "multiclass_hinge",
]

_QUIET = dict(over="ignore", under="ignore", divide="ignore", invalid="ignore")


# --- helpers shared with gradients.py --------------------------------------------------


def smoothed_target(x, labels, dist, eps):
    """The target distribution after label smoothing ``(1 - eps) t + eps / K``."""
    k = x.shape[-1]
    if dist is None:
        dist = np.zeros(x.shape, dtype=x.dtype)
        np.put_along_axis(dist, labels[..., None].astype(np.intp), 1, axis=-1)
    if eps == 0:
        return dist
    return (1 - eps) * dist + x.dtype.type(eps / k)


def class_weighted_target(a, eps):
    """The coefficients :math:`c_k = w_k t_k` of :math:`-\\sum_k c_k \\log \\mathrm{softmax}_k`:
    the smoothed target times the class weights (when given)."""
    t = smoothed_target(a.x, a.labels, a.dist, eps)
    return t if a.weight is None else t * a.weight


def drop_ignored(values, ignored):
    """Examples whose target is ``ignore_index`` contribute exactly 0 (as in PyTorch)."""
    if ignored is not None:
        values = np.where(ignored.reshape(ignored.shape + (1,) * (values.ndim - ignored.ndim)),
                          values.dtype.type(0), values)
    return values


def picked(rows: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``rows[i, labels[i]]`` for a 2-d array of rows."""
    return rows[np.arange(len(rows)), labels.reshape(-1)]


# --- regression ------------------------------------------------------------------------


def _mse_values(x, t):
    with np.errstate(over="ignore"):
        r = x - t
        return r * r


def _mae_values(x, t):
    with np.errstate(over="ignore"):
        return np.abs(x - t)


def _huber_values(x, t, delta):
    d = x.dtype.type(delta)
    with np.errstate(over="ignore"):
        r = np.abs(x - t)
        quad = r <= d
        small = np.where(quad, r, 0)
        return np.where(quad, small * small / 2, d * (r - d / 2))


def mse(pred, target, reduction="mean", sample_weight=None):
    r"""Squared error :math:`(\hat y - y)^2` per element, then the reduction.

    Arguments: ``pred`` (first) is the prediction :math:`\hat y`, ``target``
    (second) the true value :math:`y`; ``sample_weight`` as in the module docs.

    Shapes: ``target`` broadcasts to ``pred``; ``"none"`` keeps ``pred``'s shape.

    >>> float(mse([1.0, 2.0], [0.0, 0.0]))
    2.5
    >>> float(mse([1.0, 2.0], [0.0, 0.0], sample_weight=[3, 1]))  # (3 * 1 + 1 * 4) / 4
    1.75
    """
    a = elementwise_args(pred, target, "pred", reduction, sample_weight=sample_weight)
    return a.reduce(_mse_values(a.x, a.t))


def mae(pred, target, reduction="mean", sample_weight=None):
    r"""Absolute error :math:`|\hat y - y|` per element, then the reduction.

    Arguments: ``pred`` (first) is the prediction, ``target`` (second) the true value.

    >>> float(mae([1.0, -3.0], [0.0, 0.0], reduction="sum"))
    4.0
    """
    a = elementwise_args(pred, target, "pred", reduction, sample_weight=sample_weight)
    return a.reduce(_mae_values(a.x, a.t))


def huber(pred, target, delta=1.0, reduction="mean", sample_weight=None):
    r"""Huber loss with threshold :math:`\delta > 0`, :math:`r = \hat y - y`:

    .. math:: \ell(r) = \begin{cases} r^2/2 & |r| \le \delta \\
              \delta (|r| - \delta/2) & |r| > \delta \end{cases}

    Quadratic near 0, linear in the tails: the gradient is ``clip(r, -delta, delta)``.
    Arguments: ``pred`` (first) is the prediction, ``target`` (second) the true value.

    >>> huber([0.5, 3.0], [0.0, 0.0], reduction="none").tolist()
    [0.125, 2.5]
    """
    delta = check_positive(delta, "delta")
    a = elementwise_args(pred, target, "pred", reduction, sample_weight=sample_weight)
    return a.reduce(_huber_values(a.x, a.t, delta))


# --- cross-entropies -------------------------------------------------------------------


def _bce_values(p, t):
    with np.errstate(**_QUIET):
        pos = np.where(t == 0, 0, t * np.log(p))
        u = 1 - t
        neg = np.where(u == 0, 0, u * np.log1p(-p))
        return -(pos + neg)


def binary_cross_entropy(prob, target, reduction="mean", sample_weight=None):
    r"""Binary cross-entropy of probabilities, :math:`-(t \log p + (1 - t) \log(1 - p))`.

    Arguments: ``prob`` (first) is the predicted probability :math:`p` of the
    positive class, ``target`` (second) the true label :math:`t`. Both must lie in
    [0, 1]; soft targets are allowed. The convention :math:`0 \log 0 = 0` applies
    to each term, and :math:`\log(1 - p)` is computed as ``log1p(-p)``. A confident
    wrong prediction (``p = 0`` against ``t > 0``) gives ``inf``. Prefer
    :func:`binary_cross_entropy_with_logits` when logits are available: a
    probability rounded to 0 or 1 has lost the information the loss needs.
    With ``sample_weight`` the mean is scikit-learn's ``log_loss(t, p, sample_weight=)``.

    >>> round(float(binary_cross_entropy([0.5], [1.0])), 12)
    0.69314718056
    """
    a = elementwise_args(prob, target, "prob", reduction, domain="prob",
                         sample_weight=sample_weight)
    return a.reduce(_bce_values(a.x, a.t))


def _bce_logits_values(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    r"""Per-element binary cross-entropy from logits (the ``"none"`` values before
    weighting), for float arrays ``z`` and ``t`` of one shape and dtype; computed in
    cache-sized blocks of the flattened arrays with scratch reused.

    With :math:`\ell = \zeta(z) - t z` (softplus :math:`\zeta`), split into two parts
    that are never negative for :math:`t \in [0, 1]`:

    .. math:: \ell(z, t) = \operatorname{log1p}(e^{-|z|}) + (H(z) - t)\, z,
              \qquad H(z) = [z \ge 0],

    where :math:`(H(z) - t) z` is :math:`(1 - t) z` for :math:`z \ge 0` and
    :math:`t |z|` for :math:`z < 0`. ``1 - t`` is the only rounding before the
    product (exact for :math:`t \ge 1/2`, so :math:`t = 1 - 2^{-k}` loses nothing),
    and adding two non-negative numbers cannot cancel: the result keeps a few ulp
    of relative accuracy even where it is tiny, e.g. :math:`\ell(40, 1) = e^{-40}`
    (the textbook form :math:`\max(z, 0) - t z + \ldots` returns 0 there).
    """
    shape = z.shape
    z, t = z.reshape(-1), np.ascontiguousarray(t).reshape(-1)
    out = np.empty(z.size, dtype=z.dtype)
    step = _BLOCK_BYTES // z.dtype.itemsize
    b = np.empty(min(step, z.size), z.dtype)
    with np.errstate(**_QUIET):
        for start in range(0, z.size, step):  # cache-sized blocks, scratch reused
            zb, tb = z[start : start + step], t[start : start + step]
            ab, bb = out[start : start + step], b[: len(zb)]
            np.abs(zb, out=ab)
            np.negative(ab, out=ab)
            np.exp(ab, out=ab)
            np.log1p(ab, out=ab)  # log1p(exp(-|z|)), in (0, log 2]
            np.subtract(zb >= 0, tb, out=bb)  # H(z) - t: 1 - t or -t
            bb *= zb  # (H(z) - t) z >= 0
            ab += bb
            if np.isnan(ab).any():  # rare: infinite logits give 0 * inf; use the limit
                _infinite_logit_limits(zb, tb, ab)
    return out.reshape(shape)


def _infinite_logit_limits(z, t, values):
    """At ``z = +inf`` the loss is ``(1 - t) * inf``, at ``z = -inf`` it is ``t * inf``,
    with ``0 * inf = 0`` (a certain and correct prediction costs nothing)."""
    hit = np.isinf(z)
    w = np.where(z[hit] > 0, 1 - t[hit], t[hit])
    values[hit] = np.where(w == 0, 0, w * np.inf)


def _bce_logits_pos_weight_values(z, t, pos_weight):
    r"""PyTorch's ``pos_weight`` form :math:`(1 - t)\,\zeta(z) + w\,t\,\zeta(-z)`, a sum of
    two non-negative terms (:math:`\zeta` = softplus, each as
    :math:`\max(\pm z, 0) + \operatorname{log1p}(e^{-|z|})`); a term of weight 0 is 0
    even where its softplus is infinite."""
    with np.errstate(**_QUIET):
        tail = np.log1p(np.exp(-np.abs(z)))
        pos = np.maximum(z, 0) + tail  # softplus(z) = -log(1 - sigmoid(z))
        neg = np.maximum(-z, 0) + tail  # softplus(-z) = -log sigmoid(z)
        u, v = 1 - t, pos_weight * t
        return np.where(u == 0, 0, u * pos) + np.where(v == 0, 0, v * neg)


def binary_cross_entropy_with_logits(logits, target, pos_weight=None, reduction="mean",
                                     sample_weight=None):
    r"""Binary cross-entropy of :math:`p = \sigma(z)`, from the logit :math:`z`:

    .. math:: \ell(z, t) = \zeta(z) - t z
              = \operatorname{log1p}(e^{-|z|}) + (H(z) - t)\, z, \quad H(z) = [z \ge 0]

    where :math:`\zeta` is softplus. No sigmoid is formed, so nothing rounds to 0
    or 1: ``z = -800, t = 1`` gives 800, not ``inf``. For :math:`t \in [0, 1]`
    both parts are non-negative, so nothing cancels and the value keeps a few ulp
    of relative accuracy even when it is tiny (``z = 40, t = 1`` gives
    :math:`e^{-40}`, not 0; see :func:`_bce_logits_values`). Elementwise, so it is
    also the multi-label loss (one sigmoid per label).

    Arguments: ``logits`` (first) is the prediction :math:`z` (a logit, not a
    probability), ``target`` (second) the true label :math:`t \in [0, 1]`.
    ``pos_weight`` :math:`w > 0` (as in PyTorch; any shape that broadcasts to the
    logits, usually one weight per label on the last axis) multiplies the positive
    term: :math:`\ell = w\,t\,\zeta(-z) + (1 - t)\,\zeta(z)`; ``sample_weight`` as in
    the module docs.

    Shapes: ``target`` broadcasts to ``logits``; ``"none"`` keeps ``logits``' shape.

    >>> float(binary_cross_entropy_with_logits([-800.0], [1.0]))
    800.0
    >>> float(binary_cross_entropy_with_logits([-800.0], [1.0], pos_weight=3.0))
    2400.0
    >>> float(binary_cross_entropy_with_logits([40.0], [1.0]))
    4.248354255291589e-18
    """
    a = elementwise_args(logits, target, "logits", reduction, domain="target01",
                         sample_weight=sample_weight, pos_weight=pos_weight)
    if a.pos_weight is None:
        return a.reduce(_bce_logits_values(a.x, a.t))
    return a.reduce(_bce_logits_pos_weight_values(a.x, a.t, a.pos_weight))


def _softmax_ce_label_values(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    r"""Per-example softmax cross-entropy for class indices (the ``"none"`` values
    before weighting), shape ``x.shape[:-1]``, in cache-sized blocks of rows
    without forming the log-softmax:

    .. math:: -\log \operatorname{softmax}(x)_y
              = \operatorname{log1p}\Big(\sum_{j \ne y} e^{x_j - x_y}\Big)
              = \operatorname{log1p}(t / w_y), \quad t = \sum_{j \ne y} e^{x_j},
              \; w_y = e^{x_y}.

    The label's own term (1) is kept out of the sum, so a confident correct row
    (loss about :math:`e^{-40}`) keeps its relative accuracy instead of rounding to
    0 as :math:`\operatorname{logsumexp}(x) - x_y` does; ``log1p`` never magnifies
    the relative error of :math:`t / w_y`, and no difference of logits is rounded
    before an exponential. Rows where that direct form would overflow or underflow
    (see ``activations._exp_rows_at``) use the row maximum :math:`m = x_a` instead:
    :math:`(m - x_y) + \operatorname{log1p}(\sum_{j \ne a} e^{x_j - m})`, two
    non-negative parts (``activations._exp_rows``)."""
    rows, _ = _as_rows(x, -1)
    y = labels.reshape(-1)
    values = np.empty(len(rows))
    fixes = []
    with np.errstate(**_QUIET):
        for start, stop, block, scratch in _row_blocks(rows):
            yb = y[start:stop]
            t, wy, ok = _exp_rows_at(block, scratch, yb, entries=False)
            values[start:stop] = t / wy
            if ok is not None:  # by the maximum, while the block is in cache
                bad = np.flatnonzero(~ok)
                fixes.append((start + bad, _label_loss_by_max(block[bad], yb[bad])))
        np.log1p(values, out=values)
        for where, fixed in fixes:
            values[where] = fixed
    return values.astype(x.dtype).reshape(x.shape[:-1])


def _label_loss_by_max(rows: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:func:`_softmax_ce_label_values` of 2-d ``rows`` by the row maximum (float64)."""
    _, m, s = _rows_stats(rows)
    values = (m.astype(np.float64) - picked(rows, y)) + np.log1p(s)
    for i in np.flatnonzero(~np.isfinite(m)):  # +inf, all -inf or nan: the limit
        values[i] = -log_softmax(rows[i])[y[i]]
    return values


def _softmax_ce_dist_values(x, c):
    """:math:`-\\sum_k c_k \\log \\mathrm{softmax}(x)_k` per example (``c`` of ``x``'s
    shape), with :math:`0 \\log 0 = 0`."""
    with np.errstate(invalid="ignore"):
        return -np.where(c == 0, 0, c * log_softmax(x)).sum(axis=-1)


def softmax_cross_entropy(logits, target, label_smoothing=0.0, weight=None, ignore_index=None,
                          reduction="mean", sample_weight=None):
    r"""Cross-entropy of :math:`\operatorname{softmax}(z)` against a target, over the last axis:

    .. math:: \ell(z, t) = -\sum_k t_k \log \operatorname{softmax}(z)_k
              = \operatorname{logsumexp}(z) - \sum_k t_k z_k \quad (\textstyle\sum_k t_k = 1)

    Arguments: ``logits`` (first) is the prediction :math:`z`, ``target`` (second)
    the truth. An integer ``target`` holds class indices (shape ``logits.shape[:-1]``,
    broadcasting allowed); then the loss is
    :math:`\operatorname{log1p}(\sum_{j \ne y} e^{z_j - z_y})` (see
    :func:`_softmax_ce_label_values`), computed in cache-sized blocks of rows
    without forming the log-softmax; a
    confident correct prediction keeps a few ulp of relative accuracy
    (``[[0, -40, -41]]`` with label 0 gives :math:`5.81 \cdot 10^{-18}`, not 0). A
    floating ``target`` holds one distribution per example and must have exactly
    ``logits.shape`` (float labels are a ValueError: class indices need an integer
    dtype). Label smoothing :math:`\varepsilon` replaces :math:`t` by
    :math:`(1-\varepsilon) t + \varepsilon / K`.

    As in PyTorch's ``cross_entropy``: ``weight`` (shape ``(K,)``, >= 0) weights each
    class's term, :math:`\ell = -\sum_k w_k t_k \log \operatorname{softmax}(z)_k`, and
    ``"mean"`` divides by the total weight of the examples, :math:`\sum_i w_{y_i}`,
    for class indices (with or without smoothing) and by the number of examples for
    floating targets. ``ignore_index`` (class indices only) leaves out the examples
    whose target equals it: their loss is 0 and they do not count in the mean.
    ``sample_weight`` multiplies each example's loss and its weight in the mean's
    denominator (:math:`\sum_i s_i w_{y_i}`).

    Shapes: ``logits`` (..., K); ``"none"`` gives shape ``logits.shape[:-1]``.

    >>> round(float(softmax_cross_entropy([[0.0, 0.0]], [1])), 12)
    0.69314718056
    >>> x = [[0.0, 0.0], [0.0, 0.0]]
    >>> round(float(softmax_cross_entropy(x, [0, 1], weight=[3.0, 1.0])), 12)  # (3 + 1) log 2 / 4
    0.69314718056
    >>> round(float(softmax_cross_entropy(x, [0, -100], ignore_index=-100)), 12)
    0.69314718056
    >>> float(softmax_cross_entropy([[0.0, -40.0, -41.0]], [0]))
    5.811236444626578e-18
    """
    eps = check_fraction(label_smoothing, "label_smoothing")
    a = class_args(logits, target, "logits", reduction, sample_weight=sample_weight,
                   weight=weight, ignore_index=ignore_index)
    if a.labels is not None and eps == 0:
        values = _softmax_ce_label_values(a.x, a.labels)
        if a.weight is not None:
            values = times(values, a.weight[a.labels])
    else:
        values = _softmax_ce_dist_values(a.x, class_weighted_target(a, eps))
    return a.reduce(drop_ignored(values, a.ignored))


# --- margins ---------------------------------------------------------------------------


def _hinge_values(s, t):
    with np.errstate(over="ignore"):
        return np.maximum(0, 1 - t * s)


def hinge(scores, target, reduction="mean", sample_weight=None):
    r"""Hinge loss :math:`\max(0, 1 - t s)` with labels :math:`t \in \{-1, +1\}`.

    Arguments: ``scores`` (first) is the prediction :math:`s` (a real score),
    ``target`` (second) the true label :math:`t`. Zero once the example is on the
    right side with margin 1; linear otherwise.

    >>> hinge([2.0, 0.5, -1.0], [1, 1, 1], reduction="none").tolist()
    [0.0, 0.5, 2.0]
    """
    a = elementwise_args(scores, target, "scores", reduction, domain="pm1",
                         sample_weight=sample_weight)
    return a.reduce(_hinge_values(a.x, a.t))


def multiclass_margins(s: np.ndarray, labels: np.ndarray, margin: float) -> np.ndarray:
    """``s_j - s_y + margin`` for every class j, with the true class's entry set to 0."""
    with np.errstate(over="ignore", invalid="ignore"):
        true = np.take_along_axis(s, labels[..., None].astype(np.intp), axis=-1)
        m = s - true + s.dtype.type(margin)
    np.put_along_axis(m, labels[..., None].astype(np.intp), 0, axis=-1)
    return m


def _multiclass_hinge_values(s, labels, margin):
    return np.maximum(multiclass_margins(s, labels, margin), 0).sum(axis=-1)


def multiclass_hinge(scores, labels, margin=1.0, reduction="mean", sample_weight=None):
    r"""Multi-class hinge (Weston-Watkins, as in CS231n):
    :math:`\sum_{j \ne y} \max(0, s_j - s_y + \Delta)`.

    Arguments: ``scores`` (first) is the prediction, one score per class on the
    last axis; ``labels`` (second) the true class indices (a floating array is a
    TypeError).

    >>> float(multiclass_hinge([[10.0, 9.0, 9.0]], [0]))
    0.0
    """
    margin = check_positive(margin, "margin")
    a = class_args(scores, labels, "scores", reduction, target_name="labels",
                   distributions=False, sample_weight=sample_weight)
    return a.reduce(_multiclass_hinge_values(a.x, a.labels, margin))
