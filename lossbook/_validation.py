"""Argument checks shared by every public function: one place, clear messages.

Every check names the offending argument and says what was expected. ``nan``
passes every value check (ranges, sums, label sets): it propagates to the result
instead, as it does in numpy. Nothing here modifies its input.
"""

from __future__ import annotations

import numpy as np

REDUCTIONS = ("mean", "sum", "none")
SUM_ATOL = 1e-6


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
            f"{name} must be class indices in [0, {num_classes - 1}], found {bad}"
        )


def check_reduction(reduction) -> str:
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def check_positive(value, name: str) -> float:
    """A finite scalar > 0 (delta, margin)."""
    v = np.asarray(value)
    if v.ndim != 0 or v.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real scalar, got {value!r}")
    if not (float(v) > 0 and np.isfinite(v)):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(v)


def check_fraction(value, name: str) -> float:
    """A scalar in [0, 1] (label_smoothing)."""
    v = np.asarray(value)
    if v.ndim != 0 or v.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real scalar, got {value!r}")
    if not 0.0 <= float(v) <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return float(v)


def log_base(base) -> float | None:
    """``log(base)`` for a valid logarithm base, ``None`` for the natural log."""
    if base is None:
        return None
    v = np.asarray(base)
    if v.ndim != 0 or v.dtype.kind not in "biuf":
        raise TypeError(f"base must be a real scalar or None, got {base!r}")
    b = float(v)
    if not (b > 0 and b != 1 and np.isfinite(b)):
        raise ValueError(f"base must be a finite number > 0 and != 1, got {base!r}")
    return float(np.log(b))


def check_axis(a: np.ndarray, axis, name: str) -> int:
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"axis must be an integer, got {axis!r}")
    if a.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (the axis {axis})")
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"axis {axis} is out of range for {name} with {a.ndim} dimension(s)")
    return int(axis) % a.ndim


def check_unit_interval(a: np.ndarray, name: str) -> None:
    """Entries in [0, 1] (nan passes)."""
    if a.size and ((a < 0).any() or (a > 1).any()):
        bad = a[(a < 0) | (a > 1)].flat[0]
        raise ValueError(f"{name} must hold probabilities in [0, 1], found {bad}")


def check_distribution(a: np.ndarray, name: str, axis: int = -1) -> None:
    """Non-negative entries summing to 1 (within 1e-6) along ``axis`` (nan passes)."""
    if not a.size:
        return
    if (a < 0).any():
        bad = a[a < 0].flat[0]
        raise ValueError(f"{name} must be a distribution: found a negative entry {bad}")
    with np.errstate(over="ignore", invalid="ignore"):
        s = a.sum(axis=axis, dtype=np.float64)
    off = np.abs(s - 1) > SUM_ATOL
    if off.any():
        raise ValueError(
            f"{name} must be a distribution summing to 1 along axis {axis} "
            f"(atol {SUM_ATOL}), found a sum of {s[off].flat[0]!r}"
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
            f"{pred_name}'s shape {shape}"
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


def check_nonempty_mean(count: int, reduction: str, name: str) -> None:
    if reduction == "mean" and count == 0:
        raise ValueError(f'reduction="mean" needs a non-empty {name}; got an empty array')


def reduce(values: np.ndarray, reduction: str, dtype) -> np.ndarray:
    """Apply a validated reduction to per-example values."""
    if reduction == "none":
        return values.astype(dtype, copy=False)
    with np.errstate(over="ignore"):
        total = values.sum(dtype=dtype)
    if reduction == "sum":
        return total
    return total / dtype.type(values.size)


def grad_scale(count: int, reduction: str, dtype):
    """The factor turning a summed gradient into one consistent with ``reduction``."""
    if reduction == "mean":
        return dtype.type(1) / dtype.type(count)
    return dtype.type(1)


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
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_choice(value, choices, name: str) -> str:
    """One of a fixed set of names (a loss, an activation)."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value
