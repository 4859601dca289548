r"""Errata of source 003: Chen Si, "Loss Functions" (notes on Goodfellow et al., ch. 6).

The entry for the garbled sentences on saturation (chapters 9-11) is written with
those chapters. Each ``check`` returns True iff the source's version is refuted and the
correction holds (for missing content: that the book supplies it). See
:mod:`lossbook.errata`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .. import losses
from ._checks import agree, differ

R = sp.Rational


def rho_hat_data(reading="p_data") -> bool:
    # J is an expectation under "rho_hat_data", a symbol the notes never define; the only
    # data distribution they define is p_data (the true one, in 1.2.1). The cost meant
    # is the training-set average of -log p_model, i.e. the expectation under the
    # empirical distribution p_hat_data. The two differ: flips (1, 1, 0) from a fair
    # coin (p_data = 1/2), model q = 2/3: under p_hat_data (2/3, 1/3) J = 0.637 =
    # the average over the three flips; under p_data J = 0.752.
    q = R(2, 3)
    flips = (1, 1, 0)
    average = sum(-sp.log(q if f else 1 - q) for f in flips) / len(flips)

    def expected_nll(p_one):
        return -(p_one * sp.log(q) + (1 - p_one) * sp.log(1 - q))

    empirical = expected_nll(R(sum(flips), len(flips)))
    read = expected_nll(R(1, 2)) if reading == "p_data" else empirical
    return differ(read, average) and agree(empirical, average)


def other_output_types() -> bool:
    # Section 2.4 is "(To be accomplished)". The book supplies another output unit: a
    # Laplace output, whose negative log-likelihood |y - mu|/b + log 2b is the absolute
    # error, minimised by the median. For y = (1, 2, 10) the best constant under MAE is
    # the median 2, under MSE the mean 13/3 (grid of step 1/300, lossbook losses).
    y = np.array([1.0, 2.0, 10.0])
    grid = np.arange(0, 3301) / 300.0
    mae = losses.mae(np.broadcast_to(grid[:, None], (grid.size, 3)),
                     np.broadcast_to(y, (grid.size, 3)), reduction="none").mean(axis=1)
    mse = losses.mse(np.broadcast_to(grid[:, None], (grid.size, 3)),
                     np.broadcast_to(y, (grid.size, 3)), reduction="none").mean(axis=1)
    mu, b, t = sp.symbols("mu b t", positive=True)
    nll = -sp.log(sp.exp(-sp.Abs(t - mu) / b) / (2 * b))
    return (abs(grid[np.argmin(mae)] - 2.0) < 1e-12
            and abs(grid[np.argmin(mse)] - 13 / 3) < 1 / 300
            and agree(nll, sp.Abs(t - mu) / b + sp.log(2 * b), {t: 3, mu: 1, b: R(1, 2)}))


ERRATA = [
    dict(
        id="003-rho-hat-data",
        source="003",
        section="1.1 Learning Conditional Distribution with Maximum Likelihood",
        title="An undefined rho-hat for the empirical distribution",
        stated=r"J(\boldsymbol{\theta}) = -\mathbb{E}_{\mathbf{x}, \mathbf{y} \sim "
               r"\hat{\rho}_{\text{data}}} \log p_{\text{model}}(\mathbf{y} \mid \mathbf{x})",
        correction=r"$J(\theta) = -\mathbb{E}_{x, y \sim \hat p_{\mathrm{data}}} \log "
                   r"p_{\mathrm{model}}(y \mid x)$, with $\hat p_{\mathrm{data}}$ the "
                   r"empirical distribution of the training set (also in the Gaussian "
                   r"example of 1.1.2); under the true $p_{\mathrm{data}}$ the value differs.",
        grade="typo",
        chapter="ch05",
        claim=None,
        ref="sec-ce-mle",
        check=rho_hat_data,
    ),
    dict(
        id="003-other-outputs-todo",
        source="003",
        section="2.4 Other Output Types",
        title="Other output types: an open TODO",
        stated=r"(To be accomplished) (See *Deep Learning Book* 6.2.2.4)",
        correction=r"The section is empty. Other output units follow the same recipe: a "
                   r"Laplace output has negative log-likelihood $|y - \mu|/b + \log 2b$, the "
                   r"absolute error, minimised by the median (for $y = (1, 2, 10)$: $2$, "
                   r"where the squared error picks the mean $13/3$).",
        grade="missing",
        chapter="ch10",
        claim=None,
        check=other_output_types,
    ),
]
