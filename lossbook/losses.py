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
    plain,
    pred_label,
    reduce,
    target_label,
)
from .activations import _BLOCK_BYTES, _as_rows, _logsumexp_rows, log_softmax

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


_BCE_HINT = "binary_cross_entropy_with_logits takes logits"


def elementwise_args(first, target, first_name, reduction, target_name="target", domain=None):
    """Validated ``(first, target, reduction, dtype)`` for an elementwise loss.

    ``domain`` checks the values: ``"prob"`` (both in [0, 1]), ``"target01"`` (the
    target in [0, 1]), ``"pm1"`` (the target in {-1, +1}) or None.
    """
    reduction = check_reduction(reduction)
    first_name, target_name = pred_label(first_name), target_label(target_name)
    (x, t), dtype = float_operands((first, first_name), (target, target_name))
    t = broadcast_target(x.shape, t, first_name, target_name)
    if domain == "prob":
        check_unit_interval(x, first_name, logits_hint=_BCE_HINT)
    if domain in ("prob", "target01"):
        check_unit_interval(t, target_name)
    if domain == "pm1":
        check_pm1(t, target_name)
    check_nonempty_mean(x.size, reduction, first_name)
    return x, t, reduction, dtype


def check_pm1(t: np.ndarray, name: str) -> None:
    """Labels must be -1 or +1 (nan passes)."""
    bad = (t != 1) & (t != -1) & ~np.isnan(t)
    if bad.any():
        raise ValueError(f"{name} must hold labels in {{-1, +1}}, found {plain(t[bad].flat[0])}")


def class_args(logits, target, first_name, reduction, target_name="target", distributions=True):
    """Validated arguments for a loss over the last (class) axis.

    Returns ``(x, labels, dist, reduction, dtype)``: exactly one of ``labels``
    (integer class indices, shape ``x.shape[:-1]``) and ``dist`` (floating targets,
    shape ``x.shape``) is not None.
    """
    reduction = check_reduction(reduction)
    first_name, target_name = pred_label(first_name), target_label(target_name)
    raw = np.asarray(target)
    if raw.dtype.kind in "iu" or not distributions:
        labels = as_labels(raw, target_name)
        x = as_float(logits, first_name)
        if x.ndim == 0:
            raise ValueError(f"{first_name} must have a class axis (at least 1 dimension)")
        labels = broadcast_target(
            x.shape[:-1], labels, f"{first_name} without its class axis", target_name
        )
        check_labels(labels, x.shape[-1], target_name)
        dist, dtype = None, x.dtype
    elif raw.dtype.kind == "f":
        (x, dist), dtype = float_operands((logits, first_name), (target, target_name))
        if x.ndim == 0:
            raise ValueError(f"{first_name} must have a class axis (at least 1 dimension)")
        if dist.shape != x.shape:  # float labels must not pass as one broadcast distribution
            raise ValueError(
                f"{target_name} is floating, so it is read as one distribution per example "
                f"and must have exactly {first_name}'s shape {x.shape}; got shape "
                f"{dist.shape}. Class indices need an integer dtype (e.g. labels.astype(int))"
            )
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
    p, t, reduction, dtype = elementwise_args(prob, target, "prob", reduction, domain="prob")
    with np.errstate(**_QUIET):
        pos = np.where(t == 0, 0, t * np.log(p))
        u = 1 - t
        neg = np.where(u == 0, 0, u * np.log1p(-p))
        return reduce(-(pos + neg), reduction, dtype)


def binary_cross_entropy_with_logits(logits, target, reduction="mean"):
    r"""Binary cross-entropy of :math:`p = \sigma(z)`, from the logit :math:`z`:

    .. math:: \ell(z, t) = \zeta(z) - t z = \max(z, 0) - t z + \operatorname{log1p}(e^{-|z|})

    where :math:`\zeta` is softplus. No sigmoid is formed, so nothing rounds to 0
    or 1: ``z = -800, t = 1`` gives 800, not ``inf``. For :math:`t \in [0, 1]`
    every term is non-negative. Elementwise, so it is also the multi-label loss
    (one sigmoid per label).

    Shapes: ``target`` broadcasts to ``logits``; ``"none"`` keeps ``logits``' shape.

    >>> float(binary_cross_entropy_with_logits([-800.0], [1.0]))
    800.0
    """
    z, t, reduction, dtype = elementwise_args(
        logits, target, "logits", reduction, domain="target01"
    )
    z, t = z.reshape(-1), t.reshape(-1)
    keep = reduction == "none"
    out = np.empty(z.size if keep else 0, dtype=dtype)
    total = 0.0
    step = _BLOCK_BYTES // dtype.itemsize
    a, b = np.empty(min(step, z.size), dtype), np.empty(min(step, z.size), dtype)
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        for start in range(0, z.size, step):  # cache-sized blocks, scratch reused
            zb, tb = z[start : start + step], t[start : start + step]
            ab, bb = a[: len(zb)], b[: len(zb)]
            np.abs(zb, out=ab)
            np.negative(ab, out=ab)
            np.exp(ab, out=ab)
            np.log1p(ab, out=ab)  # log1p(exp(-|z|))
            np.multiply(tb, zb, out=bb)
            ab -= bb
            np.maximum(zb, 0, out=bb)
            ab += bb  # max(z, 0) - t z + log1p(exp(-|z|))
            if np.isnan(ab).any():  # rare: infinite logits give inf - inf; use the limit
                _infinite_logit_limits(zb, tb, ab)
            if keep:
                out[start : start + step] = ab
            else:
                total += float(ab.sum(dtype=np.float64))
    if keep:
        return out.reshape(np.shape(logits) if np.ndim(logits) else ())
    if reduction == "mean":
        total /= z.size
    with np.errstate(over="ignore"):  # a float32 sum may overflow only if the exact sum does
        return dtype.type(total)


def _infinite_logit_limits(z, t, values):
    """At ``z = +inf`` the loss is ``(1 - t) * inf``, at ``z = -inf`` it is ``t * inf``,
    with ``0 * inf = 0`` (a certain and correct prediction costs nothing)."""
    hit = np.isinf(z)
    w = np.where(z[hit] > 0, 1 - t[hit], t[hit])
    values[hit] = np.where(w == 0, 0, w * np.inf)


def softmax_cross_entropy(logits, target, label_smoothing=0.0, reduction="mean"):
    r"""Cross-entropy of :math:`\operatorname{softmax}(z)` against a target, over the last axis:

    .. math:: \ell(z, t) = -\sum_k t_k \log \operatorname{softmax}(z)_k
              = \operatorname{logsumexp}(z) - \sum_k t_k z_k \quad (\textstyle\sum_k t_k = 1)

    An integer ``target`` holds class indices (shape ``logits.shape[:-1]``); then
    the loss is :math:`\operatorname{logsumexp}(z) - z_y`, computed in cache-sized
    blocks of rows without forming the log-softmax. A floating ``target`` holds
    distributions (shape ``logits.shape``). Label smoothing :math:`\varepsilon`
    replaces :math:`t` by :math:`(1-\varepsilon) t + \varepsilon / K`.

    Shapes: ``logits`` (..., K); ``"none"`` gives shape ``logits.shape[:-1]``.

    >>> round(float(softmax_cross_entropy([[0.0, 0.0]], [1])), 12)
    0.69314718056
    """
    eps = check_fraction(label_smoothing, "label_smoothing")
    x, labels, dist, reduction, dtype = class_args(logits, target, "logits", reduction)
    lead = x.shape[:-1]
    if labels is not None and eps == 0:
        rows, _ = _as_rows(x, -1)
        lse = _logsumexp_rows(rows)
        with np.errstate(invalid="ignore"):
            values = lse - picked(rows, labels)
        for i in np.flatnonzero(lse == np.inf):  # a +inf logit: use the limit
            values[i] = -log_softmax(rows[i])[labels.flat[i]]
        values = values.reshape(lead)
    else:
        t = smoothed_target(x, labels, dist, eps)
        with np.errstate(invalid="ignore"):
            values = -np.where(t == 0, 0, t * log_softmax(x)).sum(axis=-1)
    return reduce(values, reduction, dtype)


# --- margins ---------------------------------------------------------------------------


def hinge(scores, target, reduction="mean"):
    r"""Hinge loss :math:`\max(0, 1 - t s)` with labels :math:`t \in \{-1, +1\}`.

    Zero once the example is on the right side with margin 1; linear otherwise.

    >>> hinge([2.0, 0.5, -1.0], [1, 1, 1], reduction="none").tolist()
    [0.0, 0.5, 2.0]
    """
    s, t, reduction, dtype = elementwise_args(scores, target, "scores", reduction, domain="pm1")
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
