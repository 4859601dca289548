r"""Errata of source 001: the flash-card notes (an Anki/Obsidian deck, untitled).

The deck repeats its cards; an error is recorded once, quoted from its first
occurrence. The entries for the derivative of the softmax and the final index of the
cross-entropy gradient (chapter 7) are in ``ch07.py``. Each ``check`` returns True iff
the source's version is refuted and the correction holds. See :mod:`lossbook.errata`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .. import information
from ..symbolic import sigmoid
from ._checks import agree, balanced, differ

R = sp.Rational


# ------------------------------------------------------------- nn cross entropy loss

def grad_sum_index_clash(derivative_inside_sum=True) -> bool:
    # "dl/dyhat_i = - sum_i d/dyhat_i y_i log(yhat_i)": the summation index is the
    # index of the derivative. Read as written, each term is differentiated by its own
    # yhat_i and the sum is a number, -sum_i y_i/yhat_i; the derivative of l by yhat_1 is
    # -y_1/yhat_1. At y = (1/2, 1/2, 0), yhat = (1/5, 3/10, 1/2): -25/6 against -5/2.
    y = (R(1, 2), R(1, 2), 0)
    yh = sp.symbols("yhat1:4", positive=True)
    point = dict(zip(yh, (R(1, 5), R(3, 10), R(1, 2)), strict=True))
    loss = -sum(yi * sp.log(v) for yi, v in zip(y, yh, strict=True))
    truth = sp.diff(loss, yh[0])  # the derivative by yhat_1 of the whole loss
    if derivative_inside_sum:
        stated = -sum(sp.diff(yi * sp.log(v), v) for yi, v in zip(y, yh, strict=True))
    else:
        stated = -sp.diff(sum(yi * sp.log(v) for yi, v in zip(y, yh, strict=True)), yh[0])
    return differ(stated, truth, point) and agree(-y[0] / yh[0], truth, point)


BCE_GRAD_LINES = (r"\frac{\hat y -y)}{\hat y (1- \hat y)} \hat y(1-\hat y)",
                  r"\frac{\hat y -y + y\hat y +  -y \hat y)}{\hat y (1- \hat y)}")


def bce_grad_brackets(lines=BCE_GRAD_LINES) -> bool:
    # Three lines of the derivative of the binary cross-entropy close a parenthesis
    # that was never opened. With it opened, the numerator is y_hat - y and
    # dl/dyhat = (yhat - y)/(yhat (1 - yhat)) (checked at yhat = 3/10, y = 1).
    yh, y = sp.Symbol("yhat", positive=True), sp.Integer(1)
    loss = -y * sp.log(yh) - (1 - y) * sp.log(1 - yh)
    at = {yh: R(3, 10)}
    corrected = (yh - y) / (yh * (1 - yh))
    numerator = yh - y + y * yh - y * yh
    return (not any(balanced(t) for t in lines)
            and agree(corrected, sp.diff(loss, yh), at) and agree(numerator, yh - y, at))


# ---------------------------------------------------------------------- cross entropy

def dx_in_a_sum(width=lambda spacing: spacing) -> bool:
    # "H(P, Q) = - sum_{x in X} p(x) log(q(x)) dx" (discrete case). A sum over outcomes
    # weights each term by the probability p(x) of its outcome; an outcome has no width,
    # so there is nothing for a dx to be (the dx belongs to the integral of the continuous
    # case, where p is a density and p(x) dx the probability of a short interval). The
    # only width a sum could supply is the spacing of numeric outcomes: read that way
    # (``width``), the stated value depends on where the outcomes are placed and not on
    # P and Q alone. P = (1/2, 1/4, 1/4), Q = (1/4, 1/2, 1/4) on {0, 1, 2} and on
    # {0, 10, 20}: (7/4) log 2 and (35/2) log 2. Without dx, the sum is the same number
    # for both placements and equals -E_P[log q(X)], the source's own next line
    # (checked exactly and with lossbook).
    probs, model = (R(1, 2), R(1, 4), R(1, 4)), (R(1, 4), R(1, 2), R(1, 4))
    outcomes = ((0, 1, 2), (0, 10, 20))

    def stated(places):
        dx = width(R(places[1] - places[0]))
        return -sum(a * sp.log(b) * dx for a, b in zip(probs, model, strict=True))

    corrected = -sum(a * sp.log(b) for a, b in zip(probs, model, strict=True))
    expectation = sum(a * -sp.log(b) for a, b in zip(probs, model, strict=True))
    numeric = information.cross_entropy(np.array(probs, dtype=float),
                                        np.array(model, dtype=float))
    return (differ(stated(outcomes[0]), stated(outcomes[1]))
            and agree(corrected, sp.Rational(7, 4) * sp.log(2))
            and agree(corrected, expectation)
            and abs(float(numeric) - float(corrected)) < 1e-15)


def independent_cross_entropy() -> bool:
    # The section "cross entropy of independent random variables" holds only the
    # definition of H(P, Q) for one variable. The book supplies the result: for
    # P = P1 x P2 and Q = Q1 x Q2 (independent components), H(P, Q) = H(P1, Q1) +
    # H(P2, Q2), exactly (SymPy) and with lossbook on the outer products; the single
    # variable's H(P1, Q1) alone is not it.
    p1, q1 = (R(1, 2), R(1, 2)), (R(1, 4), R(3, 4))
    p2, q2 = (R(1, 3), R(2, 3)), (R(1, 2), R(1, 2))

    def ce(p, q):
        return -sum(a * sp.log(b) for a, b in zip(p, q, strict=True))

    joint_p = [a * b for a in p1 for b in p2]
    joint_q = [a * b for a in q1 for b in q2]
    exact = agree(ce(joint_p, joint_q), ce(p1, q1) + ce(p2, q2))
    def outer(a, b):
        return np.outer(np.asarray(a, dtype=float), np.asarray(b, dtype=float)).ravel()

    numeric = information.cross_entropy(outer(p1, p2), outer(q1, q2))
    close = abs(float(numeric) - float(ce(p1, q1) + ce(p2, q2))) < 1e-12
    return exact and close and differ(ce(joint_p, joint_q), ce(p1, q1))


def card_softmax_with_sigmoid(activation="sigmoid") -> bool:
    # The question of the multi-class card says yhat = sigma(z) (a sigmoid) while its
    # answer, yhat - y, is the gradient for yhat = softmax(z). With the sigmoid applied
    # to each logit, d/dz_1 of -sum_i y_i log yhat_i is -y_1 (1 - sigma(z_1)): at
    # z = (0, 1, 2), y = (0, 1, 0) it is 0, while yhat_1 - y_1 = 1/2.
    z = sp.symbols("z1:4", real=True)
    y = (0, 1, 0)
    if activation == "sigmoid":
        yhat = [sigmoid(v) for v in z]
    else:
        total = sum(sp.exp(v) for v in z)
        yhat = [sp.exp(v) / total for v in z]
    loss = -sum(yi * sp.log(h) for yi, h in zip(y, yhat, strict=True))
    at = dict(zip(z, (0, 1, 2), strict=True))
    answer = [h - yi for h, yi in zip(yhat, y, strict=True)]  # the card's yhat - y
    return any(differ(sp.diff(loss, v), a, at) for v, a in zip(z, answer, strict=True))


ERRATA = [
    dict(
        id="001-ce-discrete-dx",
        source="001",
        section="Discrete Case",
        title="A dx in a sum",
        stated=r"- \sum_{x \in \mathcal{X}} p(x) \log \left( q(x) \right) dx",
        correction=r"$H(P, Q) = -\sum_{x \in \mathcal{X}} p(x) \log q(x)$. A sum over "
                   r"outcomes has no $dx$: each term is weighted by the probability $p(x)$ "
                   r"of its outcome, and an outcome has no width (it may be a label such as "
                   r"*cat*). The $dx$ belongs to the continuous case, an integral in which "
                   r"$p$ is a density and $p(x)\,dx$ the probability of a short interval. "
                   r"Read as the spacing of numeric outcomes, the stated sum would depend on "
                   r"where the outcomes lie: the same $P$ and $Q$ on $\{0, 1, 2\}$ and on "
                   r"$\{0, 10, 20\}$ give $\frac74 \log 2$ and $\frac{35}{2} \log 2$.",
        grade="typo",
        chapter="ch05",
        claim="ce.decomposition",
        ref="sec-ce-definition",
        check=dx_in_a_sum,
    ),
    dict(
        id="001-independent-ce-empty",
        source="001",
        section="cross entropy of independent random variables",
        title="An empty section on independent variables",
        stated=r"cross entropy of independent random variables … "
               r"- \int_\mathbb{R} p(x) \log \left( q(x) \right) dx",
        correction=r"The section repeats the one-variable definition and stops. What it "
                   r"promises: for independent components, $P = P_1 \otimes P_2$ and "
                   r"$Q = Q_1 \otimes Q_2$, the cross-entropy adds up, "
                   r"$H(P, Q) = H(P_1, Q_1) + H(P_2, Q_2)$, because $\log q_1 q_2 = \log q_1 "
                   r"+ \log q_2$ and each marginal sums to 1.",
        grade="missing",
        chapter="ch05",
        claim="ce.product-additive",
        ref="sec-ce-independent",
        check=independent_cross_entropy,
    ),
    dict(
        id="001-ce-grad-sum-index-clash",
        source="001",
        section="relationship to the softmax function",
        title="The summation index is the index of the derivative",
        stated=r"-  \sum_i \frac{\partial  }{\partial \hat y_i}  y_i \log(\hat y_i)",
        correction=r"$\frac{\partial \ell}{\partial \hat y_i} = -\frac{\partial}{\partial "
                   r"\hat y_i} \sum_k y_k \log \hat y_k = -\frac{y_i}{\hat y_i}$: the sum "
                   r"needs its own index. As written, every term is differentiated by its "
                   r"own $\hat y_i$ and the result is the number $-\sum_i y_i/\hat y_i$.",
        grade="typo",
        chapter="ch07",
        claim=None,
        check=grad_sum_index_clash,
    ),
    dict(
        id="001-bce-grad-brackets",
        source="001",
        section="relationship to the sigmoid function",
        title="Parentheses closed but never opened",
        stated=" … ".join(BCE_GRAD_LINES),
        correction=r"$\frac{d\ell}{d\hat y} = \frac{\hat y - y}{\hat y(1 - \hat y)}$, from "
                   r"the numerator $\hat y - y\hat y - y + y\hat y = \hat y - y$.",
        grade="typo",
        chapter="ch06",
        claim=None,
        check=bce_grad_brackets,
    ),
    dict(
        id="001-softmax-card-asks-sigmoid",
        source="001",
        section="anki",
        title="The multi-class card asks for a sigmoid output",
        stated=r"calculate the [[gradient]] with respect to the [[logit]] $z$ with "
               r"$\hat y=\sigma(z)$ for the [[nn cross entropy loss]] with a [[softmax "
               r"function]] in the output layer in a multi class classification",
        correction=r"The question must say $\hat y = \mathrm{softmax}(z)$: the card's answer "
                   r"$\hat y - y$ is the gradient for the softmax; with a sigmoid on each "
                   r"logit the gradient is $-y_j\,(1 - \sigma(z_j))$.",
        grade="typo",
        chapter="ch07",
        claim=None,
        check=card_softmax_with_sigmoid,
    ),
]
