"""Argument preparation shared by every loss and its gradient.

One function for the elementwise losses, one for the losses over a class axis:
each converts the arrays to one floating dtype (``float_operands``: floating
arrays decide it, integers and Python scalars never widen it), checks shapes,
values and weights with the checks of ``_validation``, and builds the
``Reduction`` that turns per-example values into the requested result. A loss and
its gradient call the same function, so they accept and reject the same input.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._reduction import Reduction
from ._validation import (
    as_labels,
    broadcast_target,
    check_class_weight,
    check_distribution,
    check_ignore_index,
    check_labels,
    check_pm1,
    check_pos_weight,
    check_reduction,
    check_sample_weight,
    check_unit_interval,
    float_operands,
    pred_label,
    target_label,
)

_BCE_HINT = "binary_cross_entropy_with_logits takes logits"


def _convert(named: dict):
    """``float_operands`` over the given ``name -> value`` entries that are not None."""
    given = {k: v for k, v in named.items() if v is not None}
    arrays, dtype = float_operands(*[(v, k) for k, v in given.items()])
    return dict(zip(given, arrays, strict=True)), dtype


class Elementwise(NamedTuple):
    x: np.ndarray  # the prediction
    t: np.ndarray  # the target, broadcast to x's shape
    reduce: Reduction
    dtype: np.dtype
    pos_weight: np.ndarray | None


def elementwise_args(first, target, first_name, reduction, target_name="target", *,
                     domain=None, sample_weight=None, pos_weight=None) -> Elementwise:
    """Validated arguments of an elementwise loss.

    ``domain`` checks the values: ``"prob"`` (both in [0, 1]), ``"target01"`` (the
    target in [0, 1]), ``"pm1"`` (the target in {-1, +1}) or None.
    """
    check_reduction(reduction)
    fn, tn = pred_label(first_name), target_label(target_name)
    a, dtype = _convert({fn: first, tn: target, "sample_weight": sample_weight,
                         "pos_weight": pos_weight})
    x = a[fn]
    t = broadcast_target(x.shape, a[tn], fn, tn)
    if domain == "prob":
        check_unit_interval(x, fn, logits_hint=_BCE_HINT)
    if domain in ("prob", "target01"):
        check_unit_interval(t, tn)
    if domain == "pm1":
        check_pm1(t, tn)
    sw = a.get("sample_weight")
    if sw is not None:
        check_sample_weight(sw, x.shape, fn)
    pw = a.get("pos_weight")
    if pw is not None:
        check_pos_weight(pw, x.shape, fn)
    red = Reduction(reduction, x.shape, dtype, fn, sample_weight=sw,
                    why_zero="sample_weight sums to 0")
    return Elementwise(x, t, red, dtype, pw)


class ClassArgs(NamedTuple):
    x: np.ndarray  # logits or scores, classes on the last axis
    labels: np.ndarray | None  # class indices (shape x.shape[:-1]); 0 at ignored examples
    dist: np.ndarray | None  # floating targets, x's shape
    weight: np.ndarray | None  # class weights, shape (K,)
    ignored: np.ndarray | None  # where the target is ignore_index (None: nowhere)
    reduce: Reduction
    dtype: np.dtype


def class_args(logits, target, first_name, reduction, target_name="target", *,
               distributions=True, sample_weight=None, weight=None,
               ignore_index=None) -> ClassArgs:
    """Validated arguments of a loss over the last (class) axis.

    Exactly one of ``labels`` (an integer target: class indices) and ``dist`` (a
    floating target: one distribution per example, the logits' exact shape) is not
    None. With ``distributions=False`` a floating target is a TypeError.
    """
    check_reduction(reduction)
    fn, tn = pred_label(first_name), target_label(target_name)
    ignore_index = check_ignore_index(ignore_index)
    raw = np.asarray(target)
    integer = raw.dtype.kind in "iu" or not distributions
    if integer:
        labels = as_labels(raw, tn)
    elif raw.dtype.kind == "f":
        if ignore_index is not None:
            raise ValueError(
                f"ignore_index applies to integer class indices, but {tn} is floating "
                "(one distribution per example); leave examples out with sample_weight=0"
            )
    else:
        raise TypeError(
            f"{tn} must hold integer class indices or floating distributions, "
            f"got dtype {raw.dtype}"
        )
    a, dtype = _convert({fn: logits, tn: None if integer else target,
                         "weight": weight, "sample_weight": sample_weight})
    x = a[fn]
    if x.ndim == 0:
        raise ValueError(f"{fn} must have a class axis (at least 1 dimension)")
    lead, k = x.shape[:-1], x.shape[-1]
    labels_out = dist = ignored = norm = None
    if integer:
        labels = broadcast_target(lead, labels, f"{fn} without its class axis", tn)
        if ignore_index is not None:
            hit = labels == ignore_index
            if hit.any():
                ignored = hit
                labels = np.where(hit, 0, labels)
        check_labels(labels if ignored is None else labels[~ignored], k, tn)
        labels_out = labels
    else:
        dist = a[tn]
        if dist.shape != x.shape:  # float labels must not pass as one broadcast distribution
            raise ValueError(
                f"{tn} is floating, so it is read as one distribution per example "
                f"and must have exactly {fn}'s shape {x.shape}; got shape "
                f"{dist.shape}. Class indices need an integer dtype (e.g. labels.astype(int))"
            )
        check_distribution(dist, tn, -1)
    w = a.get("weight")
    if w is not None:
        check_class_weight(w, k)
    sw = a.get("sample_weight")
    if sw is not None:
        check_sample_weight(sw, lead, fn)
    parts = ["sample_weight"] if sw is not None else []
    if integer and w is not None:
        norm = w[labels_out] if labels_out.size else np.zeros(lead, dtype)
        parts.append("weight[target]")
    why = f"the examples' weights ({' x '.join(parts)}) sum to 0"
    if ignored is not None:
        norm = np.where(ignored, dtype.type(0), dtype.type(1) if norm is None else norm)
        if ignored.all():
            why = f"every example's target is ignore_index ({ignore_index})"
        else:
            why = f"the weights of the examples not ignored ({' x '.join(parts)}) sum to 0"
    red = Reduction(reduction, lead, dtype, fn, sample_weight=sw, norm=norm, why_zero=why)
    return ClassArgs(x, labels_out, dist, w, ignored, red, dtype)
