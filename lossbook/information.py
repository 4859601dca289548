r"""Information measures of discrete distributions: entropy, cross-entropy, KL.

Distributions lie along ``axis`` (default the last). In ``cross_entropy(p, q)`` and
``kl_divergence(p, q)`` the target distribution ``p`` comes first and the predicted
``q`` second (the losses in ``lossbook.losses`` put the prediction first). ``base=None`` means the
natural logarithm (nats); ``base=2`` gives bits. The convention
:math:`0 \log 0 = 0` (the limit of :math:`p \log p` as :math:`p \to 0`) is built
in, so a zero probability never produces ``nan``; where the mathematics is
infinite (a :math:`q_i = 0` where :math:`p_i > 0`) the result is ``inf``.

References: Cover and Thomas, *Elements of Information Theory* (2nd ed., 2006),
chapter 2; Goodfellow, Bengio and Courville, *Deep Learning* (2016), section 3.13.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float, broadcast_pair, check_axis, check_distribution, log_base

__all__ = ["entropy", "cross_entropy", "kl_divergence"]


def _zero_term(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Where a term with weight ``p`` is 0 by the convention 0 log 0 = 0: ``p == 0``
    and ``q`` is not nan (a nan in ``q`` propagates even where ``p`` is 0)."""
    return (p == 0) & ~np.isnan(q)


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:math:`x \\log y` with the convention ``0 * log(anything) = 0``; nan in x or y propagates."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(_zero_term(x, y), x.dtype.type(0), x * np.log(y))


def _prepare(p, q, axis, base):
    """Validated float arrays (broadcast together, one dtype), the axis, and ``log(base)``.

    The axis is resolved after broadcasting, so a single ``p`` against a batch of
    ``q`` (or the reverse) is compared along the distributions' axis.
    """
    scale = log_base(base)
    pn = "p" if q is None else "p (1st argument: the target distribution)"
    qn = "q (2nd argument: the predicted distribution)"
    p = as_float(p, pn)
    if q is not None:
        q = as_float(q, qn)
        check_axis(q, axis, qn)
        check_axis(p, axis, pn)
        p, q = broadcast_pair(p, q, pn, qn)
        dtype = np.result_type(p.dtype, q.dtype)
        p, q = p.astype(dtype, copy=False), q.astype(dtype, copy=False)
    ax = check_axis(p, axis, pn)
    check_distribution(p, pn, ax)
    if q is not None:
        check_distribution(q, qn, ax)
    return p, q, ax, scale


def _in_base(values: np.ndarray, scale):
    return values if scale is None else values / values.dtype.type(scale)


def entropy(p, base=None, axis=-1):
    r"""Shannon entropy :math:`H(p) = -\sum_i p_i \log p_i` along ``axis``.

    Terms with :math:`p_i = 0` contribute 0. Every term :math:`-p_i \log p_i` is
    non-negative for a distribution, so the sum has no cancellation.

    Shapes: ``p`` of any shape (a distribution along ``axis``); the result drops ``axis``.

    >>> float(entropy([0.5, 0.5], base=2))
    1.0
    >>> float(entropy([1.0, 0.0]))
    0.0
    """
    p, _, ax, scale = _prepare(p, None, axis, base)
    p64 = p.astype(np.float64)  # float32 too: the terms and their sum in float64
    return _in_base(0 - _xlogy(p64, p64).sum(axis=ax), scale).astype(p.dtype)  # 0 - s: no -0.0


def cross_entropy(p, q, base=None, axis=-1):
    r"""Cross-entropy :math:`H(p, q) = -\sum_i p_i \log q_i` along ``axis``.

    Arguments: ``p`` (first) is the target distribution, the one the data follow;
    ``q`` (second) is the prediction, the model's distribution. The order is the
    reverse of the losses' (prediction first): swapping them changes the value.

    Terms with :math:`p_i = 0` contribute 0 (even where :math:`q_i = 0`); a term with
    :math:`p_i > 0 = q_i` makes the result ``inf``. Equals
    :math:`H(p) + \mathrm{KL}(p \,\|\, q)`. For :math:`q_i \le 1` every term
    :math:`-p_i \log q_i` is non-negative, so the sum keeps a few ulp of relative
    accuracy (computed in float64, also for float32 inputs).

    Shapes: ``p`` and ``q`` broadcast together; the result drops ``axis``.

    >>> float(cross_entropy([1.0, 0.0], [0.5, 0.5], base=2))
    1.0
    """
    p, q, ax, scale = _prepare(p, q, axis, base)
    p64, q64 = p.astype(np.float64), q.astype(np.float64)  # float32 too, as in entropy
    return _in_base(0 - _xlogy(p64, q64).sum(axis=ax), scale).astype(p.dtype)


def _two_sum(a: np.ndarray, b: np.ndarray):
    """Knuth's TwoSum: ``s = fl(a + b)`` and the rounding error ``e``, with
    ``a + b = s + e`` exactly (no overflow assumed)."""
    s = a + b
    back = s - a
    return s, (a - (s - back)) + (b - back)


def _two_product(a: np.ndarray, b: np.ndarray):
    """Dekker's TwoProduct: ``p = fl(a b)`` and its rounding error ``e``, ``a b = p + e``
    exactly (Veltkamp's split into 26-bit halves; for |a|, |b| well inside the
    float64 range, as probabilities are)."""
    p = a * b

    def split(v):
        c = 134217729.0 * v  # 2**27 + 1
        hi = c - (c - v)
        return hi, v - hi

    (ah, al), (bh, bl) = split(a), split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _double_sum(x: np.ndarray, axis: int):
    """Sum along ``axis`` as an unevaluated pair ``hi + lo``, about twice as precise
    as the working precision: entries are added in pairs with :func:`_two_sum` in a
    tree (about log2 K levels of whole-array operations) and the rounding errors are
    summed beside. A sum that cancels (such as ``sum(p) - sum(q)`` of two
    distributions) keeps its relative accuracy."""
    x = np.moveaxis(x, axis, -1)
    lo = np.zeros(x.shape[:-1], dtype=x.dtype)
    if x.shape[-1] == 0:
        return lo.copy(), lo
    while x.shape[-1] > 1:
        if x.shape[-1] % 2:
            x = np.concatenate([x, np.zeros_like(x[..., :1])], axis=-1)
        x, e = _two_sum(x[..., 0::2], x[..., 1::2])
        lo += e.sum(axis=-1)
    return x[..., 0], lo


def _atanh_minus_identity(w: np.ndarray) -> np.ndarray:
    r""":math:`\operatorname{atanh}(w) - w = w^3/3 + w^5/5 + \dots` for :math:`|w| \le 1/2`,
    by its series (no cancellation), with as many terms as the largest :math:`|w|`
    needs for float64 accuracy (2 terms at :math:`|w| = 10^{-4}`, 27 at 1/2)."""
    w2 = w * w
    top = float(w2.max(initial=0.0))
    n = 1
    while top**n > 1e-18 * (2 * n + 3):
        n += 1
    acc = np.full_like(w, 1.0 / (2 * n + 3))
    for k in range(n - 1, -1, -1):
        acc = acc * w2 + 1.0 / (2 * k + 3)
    return w * w2 * acc


def _kl_terms(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    r"""The non-negative terms :math:`p \log(p/q) - (p - q)`, elementwise, in float64.

    Near :math:`p = q` each term is of second order, :math:`(p - q)^2 / 2q`, while
    :math:`p \log(p/q)` alone is of first order; computing it and subtracting would
    cancel every digit. With :math:`w = (p - q)/(p + q)`, so that
    :math:`\log(p/q) = 2 \operatorname{atanh}(w)` and :math:`p - q = w (p + q)`,

    .. math:: p \log\frac{p}{q} - (p - q) = w\,(p - q) + 2p\,(\operatorname{atanh}(w) - w),

    where :math:`w (p - q) \ge 0` and the series of :math:`\operatorname{atanh}(w) - w`
    has no cancellation (:func:`_atanh_minus_identity`). Used for
    :math:`|w| \le 1/2` (:math:`q \in [p/3, 3p]`); farther away the direct form
    loses at most a factor 2.5. :math:`p = 0` gives :math:`q`; :math:`q = 0 < p`
    gives ``inf``; ``nan`` propagates.
    """
    tiny = np.finfo(np.float64).tiny
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        d = p - q
        w = d / (p + q)
        near = np.abs(w) <= 0.5
        wn = np.where(near, w, 0.0)
        close = wn * d + 2 * p * _atanh_minus_identity(wn)
        ratio = p / q
        normal = np.isfinite(ratio) & (ratio >= tiny)
        log_ratio = np.where(normal, np.log(np.where(normal, ratio, 1)), np.log(p) - np.log(q))
        far = np.where(_zero_term(p, q), 0.0, p * log_ratio) - d
    return np.where(near, close, far)


def kl_divergence(p, q, base=None, axis=-1):
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(p \,\|\, q) = \sum_i p_i \log(p_i / q_i)`.

    Arguments: ``p`` (first) is the target distribution, ``q`` (second) the
    prediction (the model's distribution); KL is not symmetric in them.

    Terms with :math:`p_i = 0` contribute 0; a term with :math:`p_i > 0 = q_i` makes
    the result ``inf``; a ``nan`` anywhere propagates. Computed as

    .. math:: \mathrm{KL}(p \,\|\, q) = \sum_i \Big(p_i \log\frac{p_i}{q_i} - (p_i - q_i)\Big)
              + \Big(\sum_i p_i - \sum_i q_i\Big),

    an identity: each bracket is non-negative and is computed without cancellation
    even when :math:`q \to p` (:func:`_kl_terms`), and the last sum, which is 0 for
    exact distributions but of the order of the rounding of the inputs for
    floating-point ones, is computed from the exact differences in about twice the
    working precision (:func:`_double_sum`). So the divergence of two nearby
    distributions keeps its relative accuracy (a few ulp) where the textbook sum
    of :math:`p_i \log(p_i/q_i)` loses every digit. Where the two parts nearly
    cancel (inputs whose sums differ by about minus the divergence), the brackets
    are summed in about twice the precision as well (:func:`_kl_cancelling`).
    float32 inputs are computed in float64. Non-negative for exact distributions
    (Gibbs' inequality); for floating-point inputs that do not sum to exactly the
    same value it is the exact divergence of those inputs, which may be a tiny
    negative number.

    Shapes: ``p`` and ``q`` broadcast together; the result drops ``axis``.

    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    >>> float(kl_divergence([0.5, 0.5], [1.0, 0.0]))
    inf
    >>> float(kl_divergence([0.25, 0.75], [0.25 + 2**-30, 0.75 - 2**-30]))
    2.312964630806203e-18
    """
    p, q, ax, scale = _prepare(p, q, axis, base)
    dtype = p.dtype
    p = np.moveaxis(p, ax, -1).astype(np.float64)
    q = np.moveaxis(q, ax, -1).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        gap_hi, gap_lo = _double_sum(p - q, -1)
        gap_lo += _two_sum(p, -q)[1].sum(axis=-1)  # the rounding errors of p - q
        terms = _kl_terms(p, q).sum(axis=-1)
        total = np.asarray(terms + (gap_hi + gap_lo))
        cancel = np.abs(total) < terms / 2  # the two parts nearly cancel: see below
        if cancel.any():
            total[cancel] = _kl_cancelling(p[cancel], q[cancel], gap_hi[cancel], gap_lo[cancel])
    total = _in_base(total, scale).astype(dtype)
    return total if total.ndim else total[()]


def _kl_cancelling(p, q, gap_hi, gap_lo):
    r""":func:`kl_divergence` of rows (2-d ``p``, ``q``) whose bracket sum :math:`T`
    and gap :math:`\sum p - \sum q` (given as ``gap_hi + gap_lo``) nearly cancel:
    :math:`T` in about twice the working precision too.

    The leading part of each near term, :math:`w (p - q) = (p - q)^2 / (p + q)`,
    is formed as an unevaluated pair (:func:`_two_product`, then one step of
    long division); the rest, :math:`2p(\operatorname{atanh}(w) - w)`, is smaller
    by a factor :math:`|w|/3` and needs no more than working precision."""
    d, d_err = _two_sum(p, -q)
    s, s_err = _two_sum(p, q)
    w = d / s
    near = np.abs(w) <= 0.5
    sq, sq_err = _two_product(d, d)
    sq_err += 2 * d * d_err
    lead = sq / s
    ph, pl = _two_product(lead, s)
    lead_err = (((sq - ph) - pl) + sq_err - lead * s_err) / s
    rest = 2 * p * _atanh_minus_identity(np.where(near, w, 0.0))
    hi, lo = _two_sum(lead, rest)
    lo += lead_err
    far = _kl_terms(p, q)
    hi, lo = np.where(near, hi, far), np.where(near, lo, 0.0)
    t_hi, t_lo = _double_sum(hi, -1)
    total, err = _two_sum(t_hi, gap_hi)
    return total + (err + (t_lo + lo.sum(axis=-1) + gap_lo))
