r"""Errata written with chapter 9 (one-vs-all, multi-label): source 002.

Each ``check`` returns True iff the source's statement is refuted by a computation
that satisfies its own assumptions, and the correction holds. See :mod:`lossbook.errata`.
"""

from __future__ import annotations

import sympy as sp

from ..symbolic import sigmoid, softmax
from ._checks import agree, differ, value

HALF = sp.Rational(1, 2)


def ova_exclusive(logits=(2, 2, -1)) -> bool:
    # Mutually exclusive events have probabilities that add up to at most 1 and at most
    # one of them can exceed 1/2. The per-class sigmoids of z = (2, 2, -1) are
    # (0.881, 0.881, 0.269): two exceed 1/2 and they add up to 2.03. The softmax of the
    # same logits (the model of exclusive classes) adds up to exactly 1.
    z = [sp.Integer(v) for v in logits]
    sig = [value(sigmoid(v)) for v in z]
    exclusive_possible = sum(sig) <= 1 and sum(1 for p in sig if p > HALF) <= 1
    soft = softmax(z)
    return (not exclusive_possible) and agree(sp.Add(*soft), 1)


def copies_weight(copies=True) -> bool:
    # A data set of two inputs-free examples: A with labels {1, 2} (k = 2), B with label
    # {3}. A free categorical model q is fitted by minimising the mean cross-entropy,
    # whose minimiser is the mean of the targets (ce.mle-gap). Soft labels: targets
    # (1/2, 1/2, 0) and (0, 0, 1) -> q = (1/4, 1/4, 1/2). One-hot copies: targets
    # e_1, e_2, e_3 -> q = (1/3, 1/3, 1/3). Soft labels weighted by k = 2 and 1 give
    # the copies' answer: (2 (1/2, 1/2, 0) + (0, 0, 1)) / 3.
    soft = [(HALF, HALF, 0), (0, 0, 1)]
    onehot = [(1, 0, 0), (0, 1, 0), (0, 0, 1)]

    def mean(rows, weights=None):
        weights = weights or [1] * len(rows)
        total = sum(weights)
        return [sp.nsimplify(sum(w * r[c] for w, r in zip(weights, rows, strict=True))
                             / total) for c in range(3)]

    fit_soft = mean(soft)
    fit_copies = mean(onehot) if copies else fit_soft
    fit_weighted = mean(soft, weights=[2, 1])
    stated_wrong = any(differ(a, b) for a, b in zip(fit_soft, fit_copies, strict=True))
    corrected = all(agree(a, b) for a, b in zip(fit_weighted, fit_copies, strict=True))
    return stated_wrong and corrected


ERRATA = [
    dict(
        id="002-ova-exclusive",
        source="002",
        title="Separate sigmoid decisions called mutually exclusive",
        section="Sum of Log Loss for Multi-Class Classification",
        stated=r"The classification of each class could be seen as mutually exclusive.",
        correction=r"The $n$ sigmoid outputs are $n$ separate yes/no models: several can "
                   r"exceed $\tfrac12$ for one input and their sum is not tied to 1 (for "
                   r"$z = (2, 2, -1)$ they are $0.88, 0.88, 0.27$, adding up to $2.03$, "
                   r"impossible for exclusive events). That is why the same loss serves "
                   r"multi-label data; mutually exclusive classes are what the softmax "
                   r"models, its outputs always adding up to 1.",
        grade="meaning",
        chapter="ch09",
        claim="ova.sum-log-loss-grad",
        check=ova_exclusive,
        ref="sec-ch09-ova",
    ),
    dict(
        id="002-copies-weight",
        source="002",
        title="k one-hot copies equal soft labels only with weight k",
        section="Multiple Labels for Multi-Class Classification",
        stated=r"It is actually equivalent to have one data point whose labels "
               r"$\mathbf{y}_i = \frac{1}{k}$, where $i$ belongs to the label classes.",
        correction=r"The $k$ one-hot copies cost $k$ times the loss of one example with the "
                   r"soft label $y/k$ and have $k$ times its gradient: they equal the soft "
                   r"label *with weight $k$*. In a data set whose examples have different "
                   r"numbers of labels the two objectives differ (two examples with labels "
                   r"$\{1, 2\}$ and $\{3\}$: soft labels fit $q = (\tfrac14, \tfrac14, "
                   r"\tfrac12)$, copies $q = (\tfrac13, \tfrac13, \tfrac13)$).",
        grade="meaning",
        chapter="ch09",
        claim="multilabel.copies",
        check=copies_weight,
        ref="sec-ch09-multilabel",
    ),
]
