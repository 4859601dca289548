r"""Errata written with chapter 10 (maximum likelihood, output units): source 004.

The sign error of 004's MSE gradient (``004-mse-grad-sign``) is recorded once, in
``ch06.py``; chapter 10 links to it (its claim ``output.sigmoid-mse-weight-grad`` is the
derivative in the weight that the source writes).

Each ``check`` returns True iff the source's statement is refuted by a computation
that satisfies its own assumptions, and the correction holds. See :mod:`lossbook.errata`.
"""

from __future__ import annotations

import sympy as sp

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


ERRATA = [
    dict(
        id="004-gaussian-normaliser",
        source="004",
        title="A Gaussian density without its normaliser",
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
        title="Half a sum of squares called the MSE",
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
]
