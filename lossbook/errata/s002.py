r"""Errata of source 002: Lei Mao, on log loss, cross-entropy loss and the sum of log loss.

The entries for the softmax derivative's unstated :math:`k \ne i` (chapter 7) and the
"mutually exclusive" one-vs-all decisions (chapter 9) are written with those chapters.
Each ``check`` returns True iff the source's version is refuted and the correction
holds. See :mod:`lossbook.errata`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .. import activations
from ..symbolic import sigmoid
from ._checks import agree, differ


def dxy_is_not_the_area_element(form="d(xy)") -> bool:
    # The expectation over (x, y) is written with "d(xy)", the differential of the
    # product, d(xy) = y dx + x dy: a 1-form, integrated along curves. It is exact, so
    # its integral around the unit square is 0, while the area element dx dy gives the
    # square's probability 1 under the uniform distribution P = 1.
    x, y, t = sp.symbols("x y t", real=True)
    if form == "d(xy)":
        fx, fy = sp.diff(x * y, x), sp.diff(x * y, y)  # d(xy) = fx dx + fy dy
        edges = [(t, 0), (1, t), (1 - t, 1), (0, 1 - t)]  # counter-clockwise
        total = sum(sp.integrate((fx * sp.diff(ex, t) + fy * sp.diff(ey, t))
                                 .subs({x: ex, y: ey}), (t, 0, 1)) for ex, ey in edges)
    else:
        total = sp.integrate(1, (x, 0, 1), (y, 0, 1))
    mass = sp.integrate(1, (x, 0, 1), (y, 0, 1))
    return differ(total, mass) and agree(mass, 1)


def component_equals_vector(n=3) -> bool:
    # "such that y~_i = f_theta(x)": the model's output is the whole vector of n class
    # probabilities (here the softmax of 3 logits, shape (3,)); its i-th entry is a
    # number (shape ()). The two sides of the equation have different shapes.
    out = activations.softmax(np.array([0.5, -1.0, 2.0])[:n])
    return np.shape(out) != np.shape(out[0]) and np.shape(out) == (n,) and n > 1


def sum_of_sigmoids(logits=(0, 0)) -> bool:
    # "in sum of log loss, sum_i y~_i != 1": for z = (0, 0) the two sigmoids are 1/2 and
    # sum to exactly 1 (a single-label problem with n = 2 and equal logits). The sum
    # need not be 1: for z = (0, 1) it is 1/2 + sigma(1) = 1.23.
    total = sum(sigmoid(sp.Integer(v)) for v in logits)
    other = sigmoid(sp.Integer(0)) + sigmoid(sp.Integer(1))
    return agree(total, 1) and differ(other, 1)


ERRATA = [
    dict(
        id="002-dxy-measure",
        source="002",
        section="Derivatives of Expected Value",
        title="d(xy) in place of dx dy",
        stated=r"\int\limits_{(x,y)} P(x, y) \mathscr{L}_{\theta}(x, y) d(xy)",
        correction=r"$\iint P(x, y)\, \mathscr{L}_\theta(x, y)\, dx\, dy$ (or a sum over the "
                   r"data points): $d(xy) = y\,dx + x\,dy$ is the differential of the "
                   r"product, which integrates to 0 around the unit square, where "
                   r"$dx\,dy$ gives area 1.",
        grade="typo",
        chapter="ch01",
        claim="expectation.leibniz-gaussian",
        check=dxy_is_not_the_area_element,
    ),
    dict(
        id="002-component-equals-vector",
        source="002",
        section="Cross Entropy Loss for Multi-Class Classification",
        title="A probability set equal to the whole output vector",
        stated=r"such that $\tilde{\mathbf{y}}_i = f_{\theta}(x)$ is as close to "
               r"$\mathbf{y}_i$ as possible. … such that $\tilde{\mathbf{y}}_j = f_{\theta}(x)$"
               r" is as close to $\mathbf{y}_j$ as possible",
        correction=r"$\tilde{\mathbf{y}} = f_\theta(x) \in \mathbb{R}^n$, with "
                   r"$\tilde{\mathbf{y}}_i$ its $i$-th entry, close to $\mathbf{y}_i$ for "
                   r"every $i$.",
        grade="typo",
        chapter="ch07",
        claim=None,
        check=component_equals_vector,
    ),
    dict(
        id="002-sigmoids-sum-not-one",
        source="002",
        section="Cross Entropy Loss for Multi-Class Classification VS Sum of Log Loss for "
                "Multi-Class Classification",
        title="Sigmoid outputs said never to sum to one",
        stated=r"In cross entropy loss, $\sum_{i=1}^{n} \tilde{\mathbf{y}}_i = 1$, whereas in "
               r"sum of log loss, $\sum_{i=1}^{n} \tilde{\mathbf{y}}_i \neq 1$.",
        correction=r"In the sum of log losses $\sum_i \tilde{\mathbf{y}}_i$ need not be 1 "
                   r"(as the source says earlier), but it can be: for $n = 2$ and "
                   r"$\mathbf{z} = (0, 0)$ it is $\frac12 + \frac12 = 1$.",
        grade="typo",
        chapter="ch09",
        claim=None,
        check=sum_of_sigmoids,
    ),
]
