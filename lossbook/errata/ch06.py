r"""Errata met in chapter 6 (sigmoid and binary cross-entropy), one checked entry each.

Each ``check`` returns True iff the source's statement is refuted (a value at a point that
satisfies the source's own assumptions, or a limit, that differs from the truth) and the
correction agrees with the truth. See :mod:`lossbook.errata` for the schema. Source 000
calls the logit :math:`y` (or :math:`x`) and the label :math:`z`; the checks keep its
letters.
"""

from __future__ import annotations

import sympy as sp

from ..symbolic import sigmoid, softplus
from ._checks import agree, differ, refuted, value

x = sp.Symbol("x", real=True)
y = sp.Symbol("y", real=True)
label = sp.Symbol("z", real=True)


def mse_sigmoid_grad() -> bool:
    # 000: d(z - sigma(x))^2/dx = 2 sigma(x)(1 - sigma(x)). At z = 1, x = 0 the derivative
    # is -1/4, the stated form gives +1/2; -2 (z - sigma) sigma (1 - sigma) is right.
    truth = sp.diff((label - sigmoid(x)) ** 2, x)
    stated = 2 * sigmoid(x) * (1 - sigmoid(x))
    correction = -2 * (label - sigmoid(x)) * sigmoid(x) * (1 - sigmoid(x))
    return all(refuted(stated, correction, truth, at)
               for at in ({label: 1, x: 0}, {label: 0, x: 2}, {label: 1, x: -3}))


def softplus_approx() -> bool:
    # 000: for y << 0, zeta(-y) ~ y. The difference zeta(-y) - y tends to +oo (a positive
    # loss is not close to a large negative number); zeta(-y) + y tends to 0.
    return bool(sp.limit(softplus(-y) - y, y, -sp.oo) is sp.oo
                and sp.limit(softplus(-y) + y, y, -sp.oo) == 0)


def softplus_slope_sign() -> bool:
    # 000: "the derivative of the function approximates one" for a wrong prediction. For
    # the label 1 the loss is zeta(-y), whose slope tends to -1 as y -> -oo; for the label
    # 0 the slope of zeta(y) tends to +1 as y -> +oo. Both magnitudes are 1.
    return bool(sp.limit(sp.diff(softplus(-y), y), y, -sp.oo) == -1
                and sp.limit(sp.diff(softplus(y), y), y, sp.oo) == 1)


def mse_grad_sign() -> bool:
    # 004: for J = (y - y_hat)^2 / 2 with y_hat = sigma(Wx + b), dJ/dW = (y - y_hat)
    # sigma'(Wx + b) x. At W = b = 0, x = y = 1 the derivative is -1/8, the stated form
    # +1/8; (y_hat - y) sigma' x is right.
    w, b, xv, yv = sp.symbols("W b x y", real=True)
    yh = sigmoid(w * xv + b)
    truth = sp.diff((yv - yh) ** 2 / 2, w)
    prime = yh * (1 - yh)
    return all(refuted((yv - yh) * prime * xv, (yh - yv) * prime * xv, truth, at)
               for at in ({w: 0, b: 0, xv: 1, yv: 1}, {w: 1, b: -2, xv: 3, yv: 0}))


def sigmoid_prime_small_at_zero() -> bool:
    # 004: with weights close to 0, sigma'(Wx + b) "will be very close to 0". At 0 it is
    # 1/4, its largest value (sigma(1 - sigma) = 1/4 - (sigma - 1/2)^2, checked as an
    # identity), and the prediction there is sigma(0) = 1/2. sigma' is small only far
    # from 0: below 0.01 at 5.
    prime = sp.diff(sigmoid(x), x)
    gap = sp.simplify(sp.Rational(1, 4) - prime - (sigmoid(x) - sp.Rational(1, 2)) ** 2)
    return bool(agree(prime, sp.Rational(1, 4), {x: 0}) and gap == 0
                and agree(sigmoid(x), sp.Rational(1, 2), {x: 0})
                and differ(prime, 0, {x: 0}) and value(prime, {x: 5}) < 0.01)


_SECTION_000 = "Properties in connection with gradient descent"
_SECTION_004 = "Differences in learning speed for classification"

ERRATA = [
    dict(
        id="000-mse-sigmoid-grad",
        title="A chain rule that drops a factor and a sign",
        source="000",
        section="What happens if we use a different loss function?",
        stated=r"&= 2 \frac{\partial (z-\sigma(x))}{\partial x}\\ &= 2 \frac{\partial "
               r"\sigma(x)}{\partial x}\\ &= 2 \sigma(x)(1-\sigma(x))",
        correction=r"$\partial (z - \sigma(x))^2/\partial x = -2\,(z - \sigma(x))\,"
                   r"\sigma(x)(1 - \sigma(x))$: the chain rule keeps the factor "
                   r"$z - \sigma(x)$, and the inner derivative of $z - \sigma(x)$ is "
                   r"$-\sigma'(x)$. At $z = 1$, $x = 0$ the derivative is $-1/4$, not $1/2$. "
                   r"The conclusion (the gradient shrinks where $\sigma$ saturates) stands.",
        grade="meaning",
        chapter="ch06",
        claim="mse.sigmoid-grad",
        ref="sec-squared-loss-saturates",
        check=mse_sigmoid_grad,
    ),
    dict(
        id="000-softplus-approx",
        title="A large positive loss said to be close to a negative number",
        source="000",
        section=_SECTION_000,
        stated=r"If $$y \ll 0$$ then $$\zeta(-y) \approx y$$, our prediction was wrong, the "
               r"more confident the model was the bigger the loss should be.",
        correction=r"$\zeta(-y) \approx -y = |y|$ as $y \to -\infty$ (the source's $y$ is "
                   r"the logit): a large positive loss; $\zeta(-y) - y \to \infty$. The "
                   r"neighbouring cases ($\zeta(-y) \approx 0$ for $y \gg 0$, "
                   r"$\zeta(y) \approx y$ for $y \gg 0$, $\zeta(y) \approx 0$ for "
                   r"$y \ll 0$) are right.",
        grade="meaning",
        chapter="ch06",
        claim="softplus.linear-tail",
        ref="sec-bernoulli-loss",
        check=softplus_approx,
    ),
    dict(
        id="000-softplus-slope-sign",
        title="The slope of a wrong prediction's loss given as +1",
        source="000",
        section=_SECTION_000,
        stated=r"In both cases when the prediction is wrong, the derivative of the function "
               r"approximates one",
        correction=r"For the label 1 the loss $\zeta(-y)$ has slope $-\sigma(-y) \to -1$ as "
                   r"$y \to -\infty$; for the label 0 the slope of $\zeta(y)$ tends to $+1$. "
                   r"The magnitude tends to 1 in both cases, so the gradient is not shrunk; "
                   r"the sign says which way gradient descent moves the logit.",
        grade="typo",
        chapter="ch06",
        claim="bce.grad-tail",
        ref="sec-bernoulli-loss",
        check=softplus_slope_sign,
    ),
    dict(
        id="004-mse-grad-sign",
        title="The squared loss's weight gradient with the wrong sign",
        source="004",
        section=_SECTION_004,
        stated=r"$$\frac{dJ}{dW} = (y_i - \hat{y_i})\sigma'(Wx_i + b)x_i$$",
        correction=r"For $J = \frac12 (y_i - \hat y_i)^2$: $dJ/dW = (\hat y_i - y_i)\,"
                   r"\sigma'(Wx_i + b)\,x_i$; the inner derivative of $y_i - \hat y_i$ is "
                   r"$-\hat y_i'$. At $W = b = 0$, $x_i = y_i = 1$ it is $-1/8$, not $1/8$ "
                   r"(with the stated sign gradient descent would move away from the target).",
        grade="meaning",
        chapter="ch06",
        claim="mse.sigmoid-grad",
        ref="sec-squared-loss-saturates",
        check=mse_grad_sign,
    ),
    dict(
        id="004-sigmoid-prime-at-zero",
        title="The sigmoid's derivative said to vanish at zero",
        source="004",
        section=_SECTION_004,
        stated=r"Since we initialized our weights randomly with values close to 0, this "
               r"expression will be very close to 0, which will make the partial derivative "
               r"nearly vanish during the early stages of training.",
        correction=r"$\sigma'(0) = \frac14$ is the largest value of $\sigma' = \sigma(1 - "
                   r"\sigma) = \frac14 - (\sigma - \frac12)^2$, and with weights near 0 the "
                   r"prediction is about $\sigma(b)$, near $\frac12$ for a small bias, not 0. "
                   r"$\sigma'$ is small where $|Wx + b|$ is large: the squared error stalls "
                   r"on confident predictions, in particular on confident mistakes.",
        grade="meaning",
        chapter="ch06",
        claim="sigmoid.derivative",
        ref="sec-squared-loss-saturates",
        check=sigmoid_prime_small_at_zero,
    ),
]
