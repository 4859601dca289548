"""Argument checks shared by every public function: one place, clear messages.

Every check names the offending argument and says what was expected. ``nan``
passes every value check (ranges, sums, label sets): it propagates to the result
instead, as it does in numpy. Nothing here modifies its input.
"""

from __future__ import annotations

import numpy as np

REDUCTIONS = ("mean", "sum", "none")
SUM_ATOL = 1e-6


def pred_label(name: str) -> str:
    """How messages name a loss's first argument: ``pred (1st argument: the prediction)``."""
    return f"{name} (1st argument: the prediction)"


def target_label(name: str) -> str:
    """How messages name a loss's second argument: ``target (2nd argument: the target)``."""
    return f"{name} (2nd argument: the target)"


def plain(v) -> str:
    """A value as a message shows it: ``1.1``, not ``np.float64(1.1)``."""
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v[()]
    if isinstance(v, np.floating):
        return str(v)  # numpy's shortest round-trip digits for the value's own dtype
    if isinstance(v, np.generic):
        return repr(v.item())
    return repr(v)


def _log_hint(a: np.ndarray) -> str:
    """A hint for input that looks like log-probabilities: every entry <= 0, some < 0."""
    with np.errstate(invalid="ignore"):
        seen = a[~np.isnan(a)]
        if seen.size and (seen <= 0).all() and (seen < 0).any():
            return (
                "; every entry is <= 0, so it looks like log-probabilities: "
                "pass probabilities (numpy.exp of them)"
            )
    return ""


def as_float(x, name: str) -> np.ndarray:
    """Return ``x`` as a floating array (ints and bools become float64, float16
    becomes float32: the stable forms need its range). TypeError for complex, string
    or object input."""
    (a,), _ = float_operands((x, name))
    return a


def float_operands(*named):
    """Convert ``(value, name)`` pairs to arrays of one floating dtype.

    The dtype is ``numpy.result_type`` of the arguments that are floating arrays
    (float32 stays float32); integer arrays (labels, +-1 targets) and Python
    scalars never widen it; with no floating array it is float64.
    Returns the converted arrays and the dtype.
    """
    raw = []
    for value, name in named:
        try:
            a = np.asarray(value)
        except Exception as exc:
            raise TypeError(f"{name} must be array-like of real numbers; {exc}") from None
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")
        raw.append(a)
    floats = [
        a.dtype
        for a, (value, _) in zip(raw, named, strict=True)
        if a.dtype.kind == "f" and not isinstance(value, (int, float))
    ]
    dtype = np.result_type(*floats) if floats else np.dtype(np.float64)
    if dtype == np.float16:
        dtype = np.dtype(np.float32)
    return [a.astype(dtype, copy=False) for a in raw], dtype


def as_labels(labels, name: str) -> np.ndarray:
    """Integer class indices (any integer dtype); floating labels are a TypeError."""
    a = np.asarray(labels)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class indices, got dtype {a.dtype}")
    return a


def check_labels(labels: np.ndarray, num_classes: int, name: str) -> None:
    """Every entry of ``labels`` must lie in ``0 .. num_classes - 1``."""
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)].flat[0]
        raise ValueError(
            f"{name} must be class indices in [0, {num_classes - 1}], found {plain(bad)}"
        )


def check_reduction(reduction) -> str:
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {plain(reduction)}")
    return reduction


def check_positive(value, name: str) -> float:
    """A finite scalar > 0 (delta, margin)."""
    v = np.asarray(value)
    if v.ndim != 0 or v.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real scalar, got {plain(value)}")
    if not (float(v) > 0 and np.isfinite(v)):
        raise ValueError(f"{name} must be a finite number > 0, got {plain(value)}")
    return float(v)


def check_fraction(value, name: str) -> float:
    """A scalar in [0, 1] (label_smoothing)."""
    v = np.asarray(value)
    if v.ndim != 0 or v.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real scalar, got {plain(value)}")
    if not 0.0 <= float(v) <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {plain(value)}")
    return float(v)


def log_base(base) -> float | None:
    """``log(base)`` for a valid logarithm base, ``None`` for the natural log."""
    if base is None:
        return None
    v = np.asarray(base)
    if v.ndim != 0 or v.dtype.kind not in "biuf":
        raise TypeError(f"base must be a real scalar or None, got {plain(base)}")
    b = float(v)
    if not (b > 0 and b != 1 and np.isfinite(b)):
        raise ValueError(f"base must be a finite number > 0 and != 1, got {plain(base)}")
    return float(np.log(b))


def check_axis(a: np.ndarray, axis, name: str) -> int:
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"axis must be an integer, got {plain(axis)}")
    if a.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (the axis {axis})")
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"axis {axis} is out of range for {name} with {a.ndim} dimension(s)")
    return int(axis) % a.ndim


def check_unit_interval(a: np.ndarray, name: str, logits_hint: str = "") -> None:
    """Entries in [0, 1] (nan passes). ``logits_hint`` is added to the message when
    the entries fall on both sides of [0, 1] (they look like logits)."""
    if a.size and ((a < 0).any() or (a > 1).any()):
        bad = a[(a < 0) | (a > 1)].flat[0]
        hint = _log_hint(a)
        if not hint and logits_hint and (a < 0).any() and (a > 1).any():
            hint = f"; entries below 0 and above 1 look like logits: {logits_hint}"
        raise ValueError(f"{name} must hold probabilities in [0, 1], found {plain(bad)}{hint}")


def check_distribution(a: np.ndarray, name: str, axis: int = -1) -> None:
    """Non-negative entries summing to 1 (within 1e-6) along ``axis`` (nan passes)."""
    if not a.size:
        return
    if (a < 0).any():
        bad = a[a < 0].flat[0]
        raise ValueError(
            f"{name} must be a distribution: found a negative entry {plain(bad)}{_log_hint(a)}"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        s = a.sum(axis=axis, dtype=np.float64)
    off = np.abs(s - 1) > SUM_ATOL
    if off.any():
        raise ValueError(
            f"{name} must be a distribution summing to 1 along axis {axis} "
            f"(atol {SUM_ATOL}), found a sum of {plain(s[off].flat[0])}{_log_hint(a)}"
        )


def broadcast_target(shape: tuple, target: np.ndarray, pred_name: str, target_name: str):
    """Broadcast ``target`` to the prediction's ``shape``; never the reverse."""
    if target.shape == shape:
        return target
    try:
        if np.broadcast_shapes(shape, target.shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"{target_name} has shape {target.shape}, which does not broadcast to "
            f"the shape {shape} of {pred_name}"
        ) from None
    return np.broadcast_to(target, shape)


def broadcast_pair(p: np.ndarray, q: np.ndarray, p_name: str, q_name: str):
    """Broadcast two distributions against each other (information functions)."""
    try:
        shape = np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        raise ValueError(
            f"{p_name} with shape {p.shape} and {q_name} with shape {q.shape} do not broadcast"
        ) from None
    return np.broadcast_to(p, shape), np.broadcast_to(q, shape)


def check_pm1(t: np.ndarray, name: str) -> None:
    """Labels must be -1 or +1 (nan passes)."""
    bad = (t != 1) & (t != -1) & ~np.isnan(t)
    if bad.any():
        raise ValueError(f"{name} must hold labels in {{-1, +1}}, found {plain(t[bad].flat[0])}")


# --- weights ---------------------------------------------------------------------------


def _check_weights(w: np.ndarray, name: str, positive: bool = False) -> None:
    """Finite entries >= 0 (> 0 with ``positive``); nan passes and propagates."""
    bad = ((w <= 0) if positive else (w < 0)) | np.isinf(w)
    if bad.any():
        need = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must hold finite weights {need}, found {plain(w[bad].flat[0])}")


def _broadcasts_to(a: np.ndarray, shape: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, a.shape) == tuple(shape)
    except ValueError:
        return False


def check_sample_weight(w: np.ndarray, shape: tuple, first: str) -> np.ndarray:
    """One weight per example: broadcastable to ``shape`` (the ``"none"`` result's),
    finite and >= 0."""
    if not _broadcasts_to(w, shape):
        raise ValueError(
            f"sample_weight has shape {w.shape}, which does not broadcast to the shape "
            f"{tuple(shape)} of the per-example losses (reduction=\"none\") of {first}"
        )
    _check_weights(w, "sample_weight")
    return w


def check_class_weight(w: np.ndarray, num_classes: int) -> np.ndarray:
    """One weight per class: shape ``(K,)``, finite and >= 0."""
    if w.shape != (num_classes,):
        raise ValueError(
            f"weight must hold one weight per class, shape ({num_classes},); got shape {w.shape}"
        )
    _check_weights(w, "weight")
    return w


def check_pos_weight(w: np.ndarray, shape: tuple, first: str) -> np.ndarray:
    """Weights of the positive term: broadcastable to the logits' ``shape`` (usually
    one per label on the last axis), finite and > 0."""
    if not _broadcasts_to(w, shape):
        raise ValueError(
            f"pos_weight has shape {w.shape}, which does not broadcast to the shape "
            f"{tuple(shape)} of {first} (one weight per label broadcasts over the last axis)"
        )
    _check_weights(w, "pos_weight", positive=True)
    return w


def check_ignore_index(value):
    """None, or an integer class index to leave out."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"ignore_index must be an integer or None, got {plain(value)}")
    return int(value)


# --- training (lossbook.training) ------------------------------------------------------


def as_matrix(x, name: str) -> np.ndarray:
    """A 2-d floating array (examples along axis 0, features along axis 1), float64."""
    a = as_float(x, name)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-d array (examples, features); got shape {a.shape}")
    return a.astype(np.float64, copy=False)


def check_rows(a: np.ndarray, rows: int, name: str, of: str) -> None:
    """``a`` must have one entry (row) per example of ``of``."""
    if a.ndim == 0 or a.shape[0] != rows:
        raise ValueError(f"{name} must have one row per example of {of} ({rows}); "
                         f"got shape {a.shape}")


def check_count(value, name: str, minimum: int = 0) -> int:
    """An integer ``>= minimum`` (steps, hidden units, sizes); bool is not an integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {plain(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {plain(value)}")
    return int(value)


def check_choice(value, choices, name: str) -> str:
    """One of a fixed set of names (a loss, an activation)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {plain(value)}")
    return value
