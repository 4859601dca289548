r"""Errata written with chapter 10 (maximum likelihood, output units): source 004.

Each ``check`` returns True iff the source's statement is refuted by a computation
that satisfies its own assumptions, and the correction holds. See :mod:`lossbook.errata`.
"""

from __future__ import annotations

import sympy as sp

from ..chains import ch10_mle
from ..symbolic import sigmoid
from ._checks import agree, differ

HALF = sp.Rational(1, 2)


def gaussian_normaliser(with_normaliser=False) -> bool:
    # A density integrates to 1 over y. The source's p(y | x) = exp(-(y - m)^2 / 2)
    # integrates to sqrt(2 pi) = 2.5066...; with the factor 1/sqrt(2 pi sigma^2) (and
    # sigma = 1, the source's unit variance) the integral is 1, for every mean m.
    y, m = sp.Symbol("y", real=True), sp.Symbol("m", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    stated = sp.exp(-(y - m) ** 2 / 2)
    if with_normaliser:
        stated = stated / sp.sqrt(2 * sp.pi)
    corrected = sp.exp(-(y - m) ** 2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
    mass = sp.integrate(stated.subs(m, 0), (y, -sp.oo, sp.oo))
    mass_corrected = sp.integrate(corrected, (y, -sp.oo, sp.oo))
    return differ(mass, 1) and agree(sp.simplify(mass_corrected), 1)


def mse_half(stated_factor=HALF) -> bool:
    # The post defines MSE as (1/N) sum_i r_i^2, then calls (1/2) sum_i r_i^2 the MSE.
    # For the residuals (1, 1, 1): 3/2 against 1. The correction: (1/2) sum r^2 is
    # (N/2) MSE, the negative log-likelihood at sigma = 1 less (N/2) log(2 pi).
    residuals = [1, 1, 1]
    n = len(residuals)
    sq = sum(sp.Integer(r) ** 2 for r in residuals)
    mse = sq / n
    stated = stated_factor * sq
    nll = n * sp.log(2 * sp.pi) / 2 + sq / 2          # mle.gaussian-sample at sigma = 1
    corrected = sp.Rational(n, 2) * mse
    return differ(stated, mse) and agree(corrected, nll - n * sp.log(2 * sp.pi) / 2)


def mse_grad_sign(sign=-1) -> bool:
    # J = (y - sigma(wx + b))^2 / 2 at w = b = 0, x = 1, y = 1: dJ/dw = -1/8 (raising w
    # moves sigma towards y = 1, so J falls). The source's (y - y_hat) sigma' x is +1/8.
    w, x, b, y = ch10_mle.w, ch10_mle.x, ch10_mle.b, ch10_mle.y
    point = {w: 0, b: 0, x: 1, y: 1}
    true = sp.diff((y - sigmoid(w * x + b)) ** 2 / 2, w)
    stated = ch10_mle.sigmoid_mse_weight_grad_value(sign=sign).doit()
    corrected = ch10_mle.sigmoid_mse_weight_grad_value(sign=1).doit()
    return differ(stated, true, point) and agree(corrected, true, point)


ERRATA = [
    dict(
        id="004-gaussian-normaliser",
        source="004",
        section="The Mean-Squared Loss: Probabalistic Interpretation",
        stated=r"p(y_i | x_i) = e^{-\frac{(y_i - (\theta_0 + \theta_1x_i))^2}{2}}",
        correction=r"$p(y_i \mid x_i) = \frac{1}{\sqrt{2\pi\sigma^2}}\, e^{-(y_i - \theta_0 "
                   r"- \theta_1 x_i)^2/(2\sigma^2)}$ with $\sigma = 1$ here: the stated "
                   r"function integrates to $\sqrt{2\pi} \approx 2.51$, so it is not a "
                   r"density, and the log-likelihood that follows lacks the constant "
                   r"$-\frac N2 \log 2\pi$. The minimiser over $\theta$ is unchanged; the "
                   r"value is not, and without $\sigma$ the noise level cannot be learned.",
        grade="meaning",
        chapter="ch10",
        claim="mle.gaussian-nll",
        check=gaussian_normaliser,
        ref="sec-ch10-gaussian",
    ),
    dict(
        id="004-mse-half",
        source="004",
        section="The Mean-Squared Loss: Probabalistic Interpretation",
        stated=r"J = \frac{1}{2}\sum_{i=1}^{N}(y_i - \theta^Tx_i)^2",
        correction=r"Half the sum of squares is $\frac N2\,\mathrm{MSE}$, not the "
                   r"$\mathrm{MSE} = \frac1N \sum_i (y_i - h_\theta(x_i))^2$ the post defines "
                   r"above it (residuals $1, 1, 1$: $\tfrac32$ against $1$). It is the "
                   r"negative log-likelihood with $\sigma = 1$, less the constant "
                   r"$\frac N2 \log 2\pi$: same minimiser, a different value and gradient.",
        grade="meaning",
        chapter="ch10",
        claim="mle.gaussian-sample",
        check=mse_half,
        ref="sec-ch10-gaussian",
    ),
    dict(
        id="004-mse-grad-sign",
        source="004",
        section="Differences in learning speed for classification",
        stated=r"\frac{dJ}{dW} = (y_i - \hat{y_i})\sigma'(Wx_i + b)x_i",
        correction=r"For $J = \frac12 (y_i - \hat y_i)^2$ with $\hat y_i = \sigma(Wx_i + b)$: "
                   r"$\frac{dJ}{dW} = (\hat y_i - y_i)\,\sigma'(Wx_i + b)\,x_i$ (at $W = b = 0$, "
                   r"$x_i = 1$, $y_i = 1$ it is $-\tfrac18$; the stated form gives "
                   r"$+\tfrac18$, and a step against it would move $\hat y_i$ away from "
                   r"$y_i$).",
        grade="meaning",
        chapter="ch10",
        claim="output.sigmoid-mse-weight-grad",
        check=mse_grad_sign,
        ref="sec-ch10-output-units",
    ),
]
