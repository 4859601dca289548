r"""Losses: regression (MSE, MAE, Huber), cross-entropies, and hinge losses.

Prediction first, target second. ``reduction`` is ``"mean"`` (default), ``"sum"``
or ``"none"``; ``"none"`` keeps one value per example (elementwise losses: the
prediction's shape; class-axis losses: the logits' shape without the last axis).
The target may broadcast to the prediction's shape, never the reverse.

Every loss is computed in a form that is finite wherever the exact value is
finite: cross-entropies work from log-probabilities (``log1p``, log-sum-exp),
never from a probability that has already rounded to 0 or 1.

References: Goodfellow, Bengio and Courville, *Deep Learning* (2016), 6.2; Huber,
"Robust estimation of a location parameter", Ann. Math. Statist. 35 (1964);
Weston and Watkins, "Support vector machines for multi-class pattern recognition",
ESANN 1999; Szegedy et al., "Rethinking the Inception architecture" (2016) for
label smoothing.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    as_float,
    as_labels,
    broadcast_target,
    check_distribution,
    check_fraction,
    check_labels,
    check_nonempty_mean,
    check_positive,
    check_reduction,
    check_unit_interval,
    float_operands,
    reduce,
)
from .activations import _BLOCK_BYTES, _as_rows, _rows_stats, log_softmax

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


# --- argument preparation, shared with gradients.py ----------------------------------


def elementwise_args(first, target, first_name, reduction, target_name="target"):
    """Validated ``(first, target, reduction, dtype)`` for an elementwise loss."""
    reduction = check_reduction(reduction)
    (x, t), dtype = float_operands((first, first_name), (target, target_name))
    t = broadcast_target(x.shape, t, first_name, target_name)
    check_nonempty_mean(x.size, reduction, first_name)
    return x, t, reduction, dtype


def check_pm1(t: np.ndarray, name: str) -> None:
    """Labels must be -1 or +1 (nan passes)."""
    bad = (t != 1) & (t != -1) & ~np.isnan(t)
    if bad.any():
        raise ValueError(f"{name} must hold labels in {{-1, +1}}, found {t[bad].flat[0]}")


def class_args(logits, target, first_name, reduction, target_name="target", distributions=True):
    """Validated arguments for a loss over the last (class) axis.

    Returns ``(x, labels, dist, reduction, dtype)``: exactly one of ``labels``
    (integer class indices, shape ``x.shape[:-1]``) and ``dist`` (floating targets,
    shape ``x.shape``) is not None.
    """
    reduction = check_reduction(reduction)
    raw = np.asarray(target)
    if raw.dtype.kind in "iu" or not distributions:
        labels = as_labels(raw, target_name)
        x = as_float(logits, first_name)
        if x.ndim == 0:
            raise ValueError(f"{first_name} must have a class axis (at least 1 dimension)")
        labels = broadcast_target(x.shape[:-1], labels, f"{first_name}[..., 0]", target_name)
        check_labels(labels, x.shape[-1], target_name)
        dist, dtype = None, x.dtype
    elif raw.dtype.kind == "f":
        (x, dist), dtype = float_operands((logits, first_name), (target, target_name))
        if x.ndim == 0:
            raise ValueError(f"{first_name} must have a class axis (at least 1 dimension)")
        dist = broadcast_target(x.shape, dist, first_name, target_name)
        check_distribution(dist, target_name, -1)
        labels = None
    else:
        raise TypeError(
            f"{target_name} must hold integer class indices or floating distributions, "
            f"got dtype {raw.dtype}"
        )
    check_nonempty_mean(int(np.prod(x.shape[:-1])), reduction, f"{first_name} (examples)")
    return x, labels, dist, reduction, dtype


def smoothed_target(x, labels, dist, eps):
    """The target distribution after label smoothing ``(1 - eps) t + eps / K``."""
    k = x.shape[-1]
    if dist is None:
        dist = np.zeros(x.shape, dtype=x.dtype)
        np.put_along_axis(dist, labels[..., None].astype(np.intp), 1, axis=-1)
    if eps == 0:
        return dist
    return (1 - eps) * dist + x.dtype.type(eps / k)


def picked(rows: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``rows[i, labels[i]]`` for a 2-d array of rows."""
    return rows[np.arange(len(rows)), labels.reshape(-1)]


# --- regression ------------------------------------------------------------------------


def mse(pred, target, reduction="mean"):
    r"""Squared error :math:`(\hat y - y)^2` per element, then the reduction.

    Shapes: ``target`` broadcasts to ``pred``; ``"none"`` keeps ``pred``'s shape.

    >>> float(mse([1.0, 2.0], [0.0, 0.0]))
    2.5
    """
    x, t, reduction, dtype = elementwise_args(pred, target, "pred", reduction)
    with np.errstate(over="ignore"):
        r = x - t
        return reduce(r * r, reduction, dtype)


def mae(pred, target, reduction="mean"):
    r"""Absolute error :math:`|\hat y - y|` per element, then the reduction.

    >>> float(mae([1.0, -3.0], [0.0, 0.0], reduction="sum"))
    4.0
    """
    x, t, reduction, dtype = elementwise_args(pred, target, "pred", reduction)
    with np.errstate(over="ignore"):
        return reduce(np.abs(x - t), reduction, dtype)


def huber(pred, target, delta=1.0, reduction="mean"):
    r"""Huber loss with threshold :math:`\delta > 0`, :math:`r = \hat y - y`:

    .. math:: \ell(r) = \begin{cases} r^2/2 & |r| \le \delta \\
              \delta (|r| - \delta/2) & |r| > \delta \end{cases}

    Quadratic near 0, linear in the tails: the gradient is ``clip(r, -delta, delta)``.

    >>> huber([0.5, 3.0], [0.0, 0.0], reduction="none").tolist()
    [0.125, 2.5]
    """
    delta = check_positive(delta, "delta")
    x, t, reduction, dtype = elementwise_args(pred, target, "pred", reduction)
    d = dtype.type(delta)
    with np.errstate(over="ignore"):
        r = np.abs(x - t)
        quad = r <= d
        small = np.where(quad, r, 0)
        return reduce(np.where(quad, small * small / 2, d * (r - d / 2)), reduction, dtype)


# --- cross-entropies -------------------------------------------------------------------


def binary_cross_entropy(prob, target, reduction="mean"):
    r"""Binary cross-entropy of probabilities, :math:`-(t \log p + (1 - t) \log(1 - p))`.

    ``prob`` and ``target`` must lie in [0, 1]; soft targets are allowed. The
    convention :math:`0 \log 0 = 0` applies to each term, and :math:`\log(1 - p)`
    is computed as ``log1p(-p)``. A confident wrong prediction (``p = 0`` against
    ``t > 0``) gives ``inf``. Prefer :func:`binary_cross_entropy_with_logits`
    when logits are available: a probability rounded to 0 or 1 has lost the
    information the loss needs.

    >>> round(float(binary_cross_entropy([0.5], [1.0])), 12)
    0.69314718056
    """
    p, t, reduction, dtype = elementwise_args(prob, target, "prob", reduction)
    check_unit_interval(p, "prob")
    check_unit_interval(t, "target")
    with np.errstate(**_QUIET):
        pos = np.where(t == 0, 0, t * np.log(p))
        u = 1 - t
        neg = np.where(u == 0, 0, u * np.log1p(-p))
        return reduce(-(pos + neg), reduction, dtype)


def _bce_logits_blocks(z: np.ndarray, t: np.ndarray, pos_weight=None):
    r"""Per-element binary cross-entropy from logits, in cache-sized blocks.

    ``z`` and ``t`` are flat float arrays of one dtype and length. Yields
    ``(start, values)`` for consecutive blocks; ``values`` is scratch, reused by
    the next block. With :math:`\ell = \zeta(z) - t z` (softplus :math:`\zeta`),
    split into two parts that are never negative for :math:`t \in [0, 1]`:

    .. math:: \ell(z, t) = \operatorname{log1p}(e^{-|z|}) + (H(z) - t)\, z,
              \qquad H(z) = [z \ge 0],

    where :math:`(H(z) - t) z` is :math:`(1 - t) z` for :math:`z \ge 0` and
    :math:`t |z|` for :math:`z < 0`. ``1 - t`` is the only rounding before the
    product (exact for :math:`t \ge 1/2`, so :math:`t = 1 - 2^{-k}` loses nothing),
    and adding two non-negative numbers cannot cancel: the result keeps a few ulp
    of relative accuracy even where it is tiny, e.g. :math:`\ell(40, 1) = e^{-40}`
    (the form :math:`\max(z, 0) - t z + \ldots` returns 0 there).

    With ``pos_weight`` :math:`w` (an array broadcast like ``t``, > 0) the positive
    term is weighted, :math:`\ell = w t \zeta(-z) + (1 - t) \zeta(z)`, a sum of
    two non-negative terms built from :math:`\zeta(\pm z) = \max(\pm z, 0) +
    \operatorname{log1p}(e^{-|z|})`.
    """
    dtype = z.dtype
    step = _BLOCK_BYTES // dtype.itemsize
    a, b = np.empty(min(step, z.size), dtype), np.empty(min(step, z.size), dtype)
    for start in range(0, z.size, step):
        zb, tb = z[start : start + step], t[start : start + step]
        ab, bb = a[: len(zb)], b[: len(zb)]
        np.abs(zb, out=ab)
        np.negative(ab, out=ab)
        np.exp(ab, out=ab)
        np.log1p(ab, out=ab)  # log1p(exp(-|z|)), in (0, log 2]
        if pos_weight is None:
            np.subtract(zb >= 0, tb, out=bb)  # H(z) - t: 1 - t or -t
            bb *= zb  # (H(z) - t) z >= 0
            ab += bb
        else:
            wb = pos_weight[start : start + step]
            pos = np.maximum(-zb, 0) + ab  # softplus(-z)
            np.maximum(zb, 0, out=bb)
            bb += ab  # softplus(z)
            np.multiply(1 - tb, bb, out=ab)
            ab += wb * tb * pos
        if np.isnan(ab).any():  # rare: infinite logits give 0 * inf; use the limit
            _infinite_logit_limits(zb, tb, ab, None if pos_weight is None else wb)
        yield start, ab


def _bce_logits_values(z: np.ndarray, t: np.ndarray, pos_weight=None) -> np.ndarray:
    """Per-element loss values (``reduction="none"``) of :func:`_bce_logits_blocks`,
    for float arrays ``z`` and ``t`` of one shape and dtype (``pos_weight`` likewise
    broadcast, or None); the arithmetic behind
    :func:`binary_cross_entropy_with_logits`."""
    shape = z.shape
    z, t = z.reshape(-1), np.ascontiguousarray(t).reshape(-1)
    if pos_weight is not None:
        pos_weight = np.ascontiguousarray(pos_weight).reshape(-1)
    out = np.empty_like(z)
    with np.errstate(**_QUIET):
        for start, values in _bce_logits_blocks(z, t, pos_weight):
            out[start : start + len(values)] = values
    return out.reshape(shape)


def _bce_logits_sum(z: np.ndarray, t: np.ndarray) -> float:
    """Sum of the per-element losses, block by block (no full-size array), in float64."""
    z, t = z.reshape(-1), np.ascontiguousarray(t).reshape(-1)
    total = 0.0
    with np.errstate(**_QUIET):
        for _, values in _bce_logits_blocks(z, t):
            total += float(values.sum())  # pairwise within a block, float64 across
    return total


def binary_cross_entropy_with_logits(logits, target, reduction="mean"):
    r"""Binary cross-entropy of :math:`p = \sigma(z)`, from the logit :math:`z`:

    .. math:: \ell(z, t) = \zeta(z) - t z
              = \operatorname{log1p}(e^{-|z|}) + (H(z) - t)\, z, \quad H(z) = [z \ge 0]

    where :math:`\zeta` is softplus. No sigmoid is formed, so nothing rounds to 0
    or 1: ``z = -800, t = 1`` gives 800, not ``inf``. For :math:`t \in [0, 1]`
    both parts are non-negative, so nothing cancels and the value keeps a few ulp
    of relative accuracy even when it is tiny (``z = 40, t = 1`` gives
    :math:`e^{-40}`, not 0); see :func:`_bce_logits_blocks`. Elementwise, so it is
    also the multi-label loss (one sigmoid per label).

    Shapes: ``target`` broadcasts to ``logits``; ``"none"`` keeps ``logits``' shape.

    >>> float(binary_cross_entropy_with_logits([-800.0], [1.0]))
    800.0
    >>> float(binary_cross_entropy_with_logits([40.0], [1.0]))
    4.248354255291589e-18
    """
    z, t, reduction, dtype = elementwise_args(logits, target, "logits", reduction)
    check_unit_interval(t, "target")
    if reduction == "none":
        return _bce_logits_values(z, t)
    total = _bce_logits_sum(z, t)
    if reduction == "mean":
        total /= z.size
    with np.errstate(over="ignore"):  # a float32 sum may overflow only if the exact sum does
        return dtype.type(total)


def _infinite_logit_limits(z, t, values, pos_weight=None):
    """At ``z = +inf`` the loss is ``(1 - t) * inf``, at ``z = -inf`` it is ``t * inf``
    (times ``pos_weight``), with ``0 * inf = 0`` (a certain and correct prediction
    costs nothing)."""
    hit = np.isinf(z)
    pos = t[hit] if pos_weight is None else pos_weight[hit] * t[hit]
    w = np.where(z[hit] > 0, 1 - t[hit], pos)
    values[hit] = np.where(w == 0, 0, w * np.inf)


def _softmax_ce_values(x: np.ndarray, target: np.ndarray) -> np.ndarray:
    r"""Per-example softmax cross-entropy (``reduction="none"``): the arithmetic
    behind :func:`softmax_cross_entropy`, for validated arrays.

    ``x`` has the classes on its last axis. An integer ``target`` holds class
    indices (shape ``x.shape[:-1]``): with :math:`m = x_a` the row maximum and
    :math:`s = \sum_{j \ne a} e^{x_j - m}` (see ``activations._exp_rows``),

    .. math:: -\log \operatorname{softmax}(x)_y = (m - x_y) + \operatorname{log1p}(s),

    two non-negative parts, so a confident correct row (:math:`y = a`, loss
    :math:`\approx s`) keeps its relative accuracy instead of rounding to 0. Rows
    are processed in cache-sized blocks and the log-softmax is never formed. A
    floating ``target`` (shape ``x.shape``, non-negative: a distribution, or one
    already multiplied by per-class weights) gives
    :math:`-\sum_k t_k \log \operatorname{softmax}(x)_k`, again a sum of
    non-negative terms. Result shape ``x.shape[:-1]``, dtype of ``x``.
    """
    lead = x.shape[:-1]
    if target.dtype.kind not in "iu":
        with np.errstate(invalid="ignore"):
            return -np.where(target == 0, 0, target * log_softmax(x)).sum(axis=-1)
    rows, _ = _as_rows(x, -1)
    y = target.reshape(-1)
    _, m, s = _rows_stats(rows)
    with np.errstate(invalid="ignore"):
        values = (m.astype(np.float64) - picked(rows, y)) + np.log1p(s)
    for i in np.flatnonzero(~np.isfinite(m)):  # +inf, all -inf or nan: the limit
        values[i] = -log_softmax(rows[i])[y[i]]
    return values.astype(x.dtype).reshape(lead)


def softmax_cross_entropy(logits, target, label_smoothing=0.0, reduction="mean"):
    r"""Cross-entropy of :math:`\operatorname{softmax}(z)` against a target, over the last axis:

    .. math:: \ell(z, t) = -\sum_k t_k \log \operatorname{softmax}(z)_k
              = \operatorname{logsumexp}(z) - \sum_k t_k z_k \quad (\textstyle\sum_k t_k = 1)

    An integer ``target`` holds class indices (shape ``logits.shape[:-1]``); then
    the loss is :math:`(m - z_y) + \operatorname{log1p}(\sum_{j \ne a} e^{z_j - m})`
    with :math:`m = z_a` the row maximum, computed in cache-sized blocks of rows
    without forming the log-softmax; a confident correct prediction keeps a few ulp
    of relative accuracy (``[[0, -40, -41]]`` with label 0 gives about
    :math:`4.25 \cdot 10^{-18}`, not 0). A floating ``target`` holds distributions
    (shape ``logits.shape``). Label smoothing :math:`\varepsilon` replaces :math:`t`
    by :math:`(1-\varepsilon) t + \varepsilon / K`.

    Shapes: ``logits`` (..., K); ``"none"`` gives shape ``logits.shape[:-1]``.

    >>> round(float(softmax_cross_entropy([[0.0, 0.0]], [1])), 12)
    0.69314718056
    >>> float(softmax_cross_entropy([[0.0, -40.0, -41.0]], [0]))
    5.811236444626578e-18
    """
    eps = check_fraction(label_smoothing, "label_smoothing")
    x, labels, dist, reduction, dtype = class_args(logits, target, "logits", reduction)
    if labels is not None and eps == 0:
        values = _softmax_ce_values(x, labels)
    else:
        values = _softmax_ce_values(x, smoothed_target(x, labels, dist, eps))
    return reduce(values, reduction, dtype)


# --- margins ---------------------------------------------------------------------------


def hinge(scores, target, reduction="mean"):
    r"""Hinge loss :math:`\max(0, 1 - t s)` with labels :math:`t \in \{-1, +1\}`.

    Zero once the example is on the right side with margin 1; linear otherwise.

    >>> hinge([2.0, 0.5, -1.0], [1, 1, 1], reduction="none").tolist()
    [0.0, 0.5, 2.0]
    """
    s, t, reduction, dtype = elementwise_args(scores, target, "scores", reduction)
    check_pm1(t, "target")
    with np.errstate(over="ignore"):
        return reduce(np.maximum(0, 1 - t * s), reduction, dtype)


def multiclass_margins(s: np.ndarray, labels: np.ndarray, margin: float) -> np.ndarray:
    """``s_j - s_y + margin`` for every class j, with the true class's entry set to 0."""
    with np.errstate(over="ignore", invalid="ignore"):
        true = np.take_along_axis(s, labels[..., None].astype(np.intp), axis=-1)
        m = s - true + s.dtype.type(margin)
    np.put_along_axis(m, labels[..., None].astype(np.intp), 0, axis=-1)
    return m


def multiclass_hinge(scores, labels, margin=1.0, reduction="mean"):
    r"""Multi-class hinge (Weston-Watkins, as in CS231n):
    :math:`\sum_{j \ne y} \max(0, s_j - s_y + \Delta)`.

    ``labels`` are integer class indices (a floating array is a TypeError);
    ``scores`` has the classes on its last axis.

    >>> float(multiclass_hinge([[10.0, 9.0, 9.0]], [0]))
    0.0
    """
    margin = check_positive(margin, "margin")
    s, y, _, reduction, dtype = class_args(
        scores, labels, "scores", reduction, target_name="labels", distributions=False
    )
    m = multiclass_margins(s, y, margin)
    return reduce(np.maximum(m, 0).sum(axis=-1), reduction, dtype)
