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
    return _in_base(0 - _xlogy(p, p).sum(axis=ax), scale)  # 0 - s: no -0.0


def cross_entropy(p, q, base=None, axis=-1):
    r"""Cross-entropy :math:`H(p, q) = -\sum_i p_i \log q_i` along ``axis``.

    Arguments: ``p`` (first) is the target distribution, the one the data follow;
    ``q`` (second) is the prediction, the model's distribution. The order is the
    reverse of the losses' (prediction first): swapping them changes the value.

    Terms with :math:`p_i = 0` contribute 0 (even where :math:`q_i = 0`); a term with
    :math:`p_i > 0 = q_i` makes the result ``inf``. Equals
    :math:`H(p) + \mathrm{KL}(p \,\|\, q)`.

    Shapes: ``p`` and ``q`` broadcast together; the result drops ``axis``.

    >>> float(cross_entropy([1.0, 0.0], [0.5, 0.5], base=2))
    1.0
    """
    p, q, ax, scale = _prepare(p, q, axis, base)
    return _in_base(0 - _xlogy(p, q).sum(axis=ax), scale)


def kl_divergence(p, q, base=None, axis=-1):
    r"""Kullback-Leibler divergence :math:`\mathrm{KL}(p \,\|\, q) = \sum_i p_i \log(p_i / q_i)`.

    Arguments: ``p`` (first) is the target distribution, ``q`` (second) the
    prediction (the model's distribution); KL is not symmetric in them.

    Terms with :math:`p_i = 0` contribute 0; a term with :math:`p_i > 0 = q_i` makes
    the result ``inf``. The log-ratio is taken as ``log(p / q)`` where the ratio is a
    normal number (one rounding, no cancellation near :math:`p = q`) and as
    ``log p - log q`` where the ratio would overflow or underflow (e.g.
    :math:`p_i = 1, q_i = 10^{-320}`), so the result is finite whenever it exists.
    Non-negative for distributions (Gibbs' inequality), up to rounding.

    Shapes: ``p`` and ``q`` broadcast together; the result drops ``axis``.

    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    >>> float(kl_divergence([0.5, 0.5], [1.0, 0.0]))
    inf
    """
    p, q, ax, scale = _prepare(p, q, axis, base)
    tiny = np.finfo(p.dtype).tiny
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        ratio = p / q
        normal = np.isfinite(ratio) & (ratio >= tiny)
        log_ratio = np.where(normal, np.log(np.where(normal, ratio, 1)), np.log(p) - np.log(q))
        terms = np.where(_zero_term(p, q), p.dtype.type(0), p * log_ratio)
    return _in_base(terms.sum(axis=ax), scale)
