r"""Reduction and weighting: the one place where per-example values become a loss,
and per-example derivatives the gradient of that loss.

A loss computes one value :math:`v_i` per example (its ``"none"`` result before
weighting). With per-example weights :math:`s_i` (``sample_weight``, 1 when absent)
and a per-example normaliser :math:`m_i` (1 when absent; the class weight
:math:`w_{y_i}` of a weighted softmax cross-entropy, 0 for an ignored example):

.. math::
   \text{none}: s_i v_i, \qquad \text{sum}: \sum_i s_i v_i, \qquad
   \text{mean}: \frac{\sum_i s_i v_i}{\sum_i s_i m_i}

so ``"mean"`` is scikit-learn's weighted average (``numpy.average``) and, with
:math:`m_i = w_{y_i}`, PyTorch's weighted mean of a cross-entropy. The derivative
of each reduction with respect to an example's inputs is that example's derivative
times the same factor: :math:`s_i` (``"none"``, ``"sum"``) or
:math:`s_i / \sum_j s_j m_j` (``"mean"``).

An example of weight 0 contributes 0, even where its value is infinite (as
:math:`0 \log 0 = 0`); a nan, in a value or a weight, propagates. ``"mean"`` over no
examples, or over weights that sum to 0, is a ValueError.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_reduction


def times(v: np.ndarray, w) -> np.ndarray:
    """``v * w`` with ``0 * inf = 0`` (a weight of 0 drops the example); nan propagates."""
    with np.errstate(invalid="ignore", over="ignore"):
        out = v * w
        dropped = (w == 0) & ~np.isnan(v)
    if dropped.any():
        out = np.where(dropped, out.dtype.type(0), out)
    return out


class Reduction:
    """A validated ``reduction`` together with the weights that shape it.

    ``shape`` is the shape of the ``"none"`` result; ``sample_weight`` (or None) is a
    validated array that broadcasts to it; ``norm`` (or None) holds the normaliser
    :math:`m_i` with that shape. ``first`` names the prediction in messages.
    Constructing one for ``"mean"`` checks at once that the mean exists.
    """

    def __init__(self, reduction, shape, dtype, first, sample_weight=None, norm=None,
                 why_zero="the weights sum to 0"):
        self.reduction = check_reduction(reduction)
        self.shape, self.dtype = tuple(shape), np.dtype(dtype)
        self.sample_weight, self.norm = sample_weight, norm
        self._first, self._why_zero = first, why_zero
        self._denominator = None
        if self.reduction == "mean":
            self._denominator = self._total_weight()

    def _total_weight(self):
        if int(np.prod(self.shape)) == 0:
            raise ValueError(
                f'reduction="mean" needs at least one example; {self._first} is empty '
                '(use reduction="sum", which gives 0, or "none")'
            )
        if self.sample_weight is None and self.norm is None:
            return self.dtype.type(int(np.prod(self.shape)))
        w = 1 if self.sample_weight is None else np.broadcast_to(self.sample_weight, self.shape)
        if self.norm is not None:
            w = times(self.norm, w)
        with np.errstate(over="ignore"):
            total = np.asarray(w).sum(dtype=self.dtype)
        if total == 0:
            raise ValueError(
                f'reduction="mean" divides by the total weight of the examples, and '
                f"{self._why_zero}: the mean does not exist"
            )
        return total

    def weighted(self) -> bool:
        return self.sample_weight is not None

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """The loss from the per-example values (shape ``self.shape``)."""
        if self.sample_weight is not None:
            values = times(values, self.sample_weight)
        if self.reduction == "none":
            return values.astype(self.dtype, copy=False)
        with np.errstate(over="ignore"):  # a sum may overflow only if the exact sum does
            total = values.sum(dtype=self.dtype)
        if self.reduction == "sum":
            return total
        with np.errstate(over="ignore", invalid="ignore"):
            return total / self._denominator

    def factor(self):
        """Each example's factor in the gradient: a scalar, or an array that
        broadcasts to ``self.shape``."""
        f = self.dtype.type(1) if self.sample_weight is None else self.sample_weight
        if self.reduction == "mean":
            with np.errstate(over="ignore", invalid="ignore"):
                f = f / self._denominator
        return f

    def grad(self, g: np.ndarray, class_axis: bool = False) -> np.ndarray:
        """Scale per-example derivatives ``g`` (the first argument's shape; with
        ``class_axis`` one more trailing axis than ``self.shape``)."""
        g = g.astype(self.dtype, copy=False)
        if self.sample_weight is None:
            if self.reduction == "mean":
                g *= self.factor()
            return g
        f = np.asarray(self.factor())
        return times(g, f[..., None] if class_axis else f)
