r"""Activations: sigmoid, log-sigmoid, softplus, log-sum-exp, softmax, log-softmax.

Each function is written in the standard stable form: no exponential of a positive
number is ever taken, so nothing overflows for finite input, and the small tails
use ``log1p`` so nothing cancels. Accuracy (measured against mpmath in the tests):
within 4 ulp in float64 and 6 ulp in float32 for the elementwise functions,
subnormal results included.

References: Goodfellow, Bengio and Courville, *Deep Learning* (2016), sections 3.10
and 6.2.2; Blanchard, Higham and Higham, "Accurately computing the log-sum-exp and
softmax functions", IMA J. Numer. Anal. 41 (2021).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float, check_axis

__all__ = ["sigmoid", "log_sigmoid", "softplus", "logsumexp", "softmax", "log_softmax"]

# Rows handled per block by the row kernels: a block of scratch stays in cache.
_BLOCK_BYTES = 1 << 18
# Row sums of at most this many terms use einsum (plain accumulation, relative error
# ~1e-7 in float32 for 1000 terms, measured); longer rows use numpy's pairwise sum.
_EINSUM_MAX_K = 4096


def sigmoid(x):
    r"""The logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, elementwise.

    Stable form: with :math:`e = e^{-|x|} \in (0, 1]`,
    :math:`\sigma(x) = 1/(1+e)` for :math:`x \ge 0` and :math:`e/(1+e)` for
    :math:`x < 0`. Only one exponential, never of a positive number; the negative
    tail keeps full relative accuracy down to subnormal results (where
    ``1 / (1 + exp(-x))`` returns 0 from ``exp(-x) = inf``).

    Shapes: any; the result has the shape and floating dtype of ``x``.

    >>> float(sigmoid(0.0))
    0.5
    >>> float(sigmoid(-740.0)) > 0
    True
    """
    x = as_float(x, "x")
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(x))
        num = np.where(x >= 0, x.dtype.type(1), e)
        return num / (1 + e)


def softplus(x):
    r"""Softplus :math:`\zeta(x) = \log(1 + e^{x})`, elementwise.

    Stable form: :math:`\zeta(x) = \max(x, 0) + \operatorname{log1p}(e^{-|x|})`.
    The exponential is of a non-positive number and ``log1p`` keeps the
    negative tail (:math:`\zeta(x) \approx e^{x}`) accurate; the two terms never
    have opposite signs, so nothing cancels.

    Shapes: any; same shape and dtype as ``x``.

    >>> round(float(softplus(0.0)), 12)
    0.69314718056
    >>> float(softplus(1000.0))
    1000.0
    """
    x = as_float(x, "x")
    with np.errstate(under="ignore"):
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def log_sigmoid(x):
    r"""Log-sigmoid :math:`\log \sigma(x) = -\zeta(-x)`, elementwise.

    Stable form: :math:`\min(x, 0) - \operatorname{log1p}(e^{-|x|})`, the mirror of
    :func:`softplus`; both terms are non-positive, so there is no cancellation, and
    ``log_sigmoid(-1000) = -1000`` rather than ``log(0) = -inf``.

    Shapes: any; same shape and dtype as ``x``.

    >>> float(log_sigmoid(-1000.0))
    -1000.0
    """
    x = as_float(x, "x")
    with np.errstate(under="ignore"):
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))


def _as_rows(x: np.ndarray, axis: int):
    """``x`` with ``axis`` moved last, as a C-contiguous 2-d array, and the leading shape."""
    moved = np.moveaxis(x, axis, -1)
    lead = moved.shape[:-1]
    return np.ascontiguousarray(moved).reshape(int(np.prod(lead)), moved.shape[-1]), lead


def _block_rows(k: int, itemsize: int) -> int:
    return max(1, _BLOCK_BYTES // max(1, k * itemsize))


def _shifted_exp_rows(block: np.ndarray, scratch: np.ndarray):
    """For a block of rows: the row maxima ``m`` (0 where not finite) and
    ``scratch = exp(block - m)`` in place; returns ``m`` and the row sums.

    Subtracting the maximum makes every exponent <= 0 (no overflow) and puts one
    term equal to 1 in every sum (no underflow of the whole sum).
    """
    m = block.max(axis=1)
    m[~np.isfinite(m)] = 0  # all -inf rows, +inf rows and nan rows: see callers
    np.subtract(block, m[:, None], out=scratch)
    np.exp(scratch, out=scratch)
    if scratch.shape[1] <= _EINSUM_MAX_K:  # ~3x faster than sum(axis=1) on short rows
        return m, np.einsum("ij->i", scratch)
    return m, scratch.sum(axis=1)  # pairwise: keeps long sums accurate


def _logsumexp_rows(rows: np.ndarray) -> np.ndarray:
    """log-sum-exp of every row of a C-contiguous 2-d array, in cache-sized blocks."""
    n, k = rows.shape
    out = np.empty(n, dtype=rows.dtype)
    if k == 0:
        out.fill(-np.inf)
        return out
    step = _block_rows(k, rows.itemsize)
    scratch = np.empty((min(step, n), k), dtype=rows.dtype)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        for start in range(0, n, step):
            block = rows[start : start + step]
            m, s = _shifted_exp_rows(block, scratch[: len(block)])
            np.log(s, out=out[start : start + step])
            out[start : start + step] += m
    return out


def logsumexp(x, axis=-1, keepdims=False):
    r"""Log-sum-exp :math:`\log \sum_k e^{x_k}` along ``axis``.

    Stable form: :math:`m + \log \sum_k e^{x_k - m}` with :math:`m = \max_k x_k`;
    every exponent is :math:`\le 0` and the sum lies in :math:`[1, K]`. Rows are
    processed in cache-sized blocks. Limits: a row of ``-inf`` (or an empty axis)
    gives ``-inf``; a ``+inf`` entry gives ``+inf``; ``-inf`` entries contribute 0.

    Shapes: ``x`` of any shape with at least one dimension; the result drops
    ``axis`` (kept with length 1 when ``keepdims``).

    >>> round(float(logsumexp([1000.0, 1000.0])), 6)
    1000.693147
    >>> float(logsumexp([-np.inf, 3.0]))
    3.0
    """
    x = as_float(x, "x")
    ax = check_axis(x, axis, "x")
    rows, lead = _as_rows(x, ax)
    out = _logsumexp_rows(rows).reshape(lead)
    if keepdims:
        out = np.expand_dims(out, ax)
    return out if out.ndim else out[()]


def _special_rows(s: np.ndarray, start: int) -> np.ndarray:
    """Indices of rows whose shifted sum is 0 (all ``-inf``), ``inf`` (a ``+inf``
    entry) or ``nan``: the only rows whose result needs a limit."""
    return start + np.flatnonzero(~(s > 0) | (s == np.inf))


def _infinite_rows_fix(rows: np.ndarray, out: np.ndarray, log: bool, candidates) -> None:
    """Limits for rows holding ``+inf``: one ``+inf`` entry takes all the mass,
    several have no limit (``nan``). Rows of all ``-inf`` have no limit either."""
    for i in candidates:
        row = rows[i]
        top = row.max()
        if not np.isinf(top):  # a nan row: nan propagates as computed
            continue
        if top < 0 or np.count_nonzero(row == np.inf) > 1:  # all -inf, or two +inf
            out[i] = np.nan
        else:
            hit = row == np.inf
            out[i] = np.where(hit, 0.0, -np.inf) if log else hit


def _softmax_like(x, axis, log: bool):
    x = as_float(x, "x")
    ax = check_axis(x, axis, "x")
    rows, lead = _as_rows(x, ax)
    n, k = rows.shape
    out = np.empty_like(rows)
    if out.size == 0:
        return np.moveaxis(out.reshape(*lead, k), -1, ax)
    step = _block_rows(k, rows.itemsize)
    special = []
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        for start in range(0, n, step):
            block, dest = rows[start : start + step], out[start : start + step]
            m, s = _shifted_exp_rows(block, dest)
            special.extend(_special_rows(s, start))
            if log:  # (x - m) - log(s): the shifted logits are exact-ish, s in [1, K]
                np.subtract(block, m[:, None], out=dest)
                dest -= np.log(s)[:, None]
            else:
                dest /= s[:, None]
        _infinite_rows_fix(rows, out, log, special)
    return np.moveaxis(out.reshape(*lead, k), -1, ax)


def softmax(x, axis=-1):
    r"""Softmax :math:`s_i = e^{x_i} / \sum_k e^{x_k}` along ``axis``.

    Stable form: the maximum is subtracted first (softmax is shift invariant), so
    every exponent is :math:`\le 0` and the denominator is at least 1. A ``-inf``
    entry gets probability 0; a single ``+inf`` entry gets probability 1; rows
    with no limit (all ``-inf``, or two ``+inf``) give ``nan``.

    Shapes: same shape and dtype as ``x``.

    >>> softmax([1000.0, 1000.0]).tolist()
    [0.5, 0.5]
    """
    return _softmax_like(x, axis, log=False)


def log_softmax(x, axis=-1):
    r"""Log-softmax :math:`x_i - \log \sum_k e^{x_k}` along ``axis``.

    Stable form: :math:`(x_i - m) - \log \sum_k e^{x_k - m}`, never the log of a
    computed softmax (which would give ``log(0) = -inf`` for a large gap).

    Shapes: same shape and dtype as ``x``.

    >>> log_softmax([0.0, 1000.0]).tolist()
    [-1000.0, 0.0]
    """
    return _softmax_like(x, axis, log=True)


# --- logit: the inverse of the sigmoid -------------------------------------------------

from ._validation import check_unit_interval  # noqa: E402  (kept with its one user)

__all__ += ["logit"]


def logit(p):
    r"""The logit :math:`\operatorname{logit}(p) = \log \frac{p}{1 - p}`, the inverse of
    :func:`sigmoid`, elementwise; ``p`` holds probabilities in [0, 1].

    Two forms, each accurate where it is used (within 4 ulp in float64 and 6 ulp
    in float32 against mpmath, measured in the tests):

    - :math:`p < 1/3`: :math:`\log(p / (1 - p))`. The ratio is below 1/2, so the
      log is at least :math:`\log 2` in size and the ratio's rounding is not
      amplified; a subnormal ``p`` keeps its digits (``1 - p`` is exactly 1).
    - :math:`p \ge 1/3`: :math:`\operatorname{log1p}\big((2p - 1) / (1 - p)\big)`.
      ``2p - 1`` is exact there (Sterbenz), and so is ``1 - p`` for :math:`p \ge 1/2`,
      so nothing cancels near :math:`p = 1/2` (where the logit is near 0) or near
      :math:`p = 1`. The split at 1/3 is where the two forms' measured errors cross
      (at most about 2.4 ulp either side).

    Limits: ``logit(0) = -inf``, ``logit(1) = +inf``; nan propagates. A ``p``
    outside [0, 1] is a ValueError.

    Shapes: any; the result has the shape and floating dtype of ``p``.

    >>> float(logit(0.5))
    0.0
    >>> float(logit(0.75)) == float(np.log(3))
    True
    >>> logit([0.0, 1.0]).tolist()
    [-inf, inf]
    >>> round(float(sigmoid(logit(1e-300)) / 1e-300), 12)
    1.0
    """
    p = as_float(p, "p")
    check_unit_interval(p, "p")
    q = 1 - p
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p < 1 / 3, np.log(p / q), np.log1p((2 * p - 1) / q))
    return out if out.ndim else out[()]
