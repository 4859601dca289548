"""Exercises of chapter 10 (the maximum-likelihood view, output units, Huber)."""

import numpy as np
import sympy as sp

from ..losses import mse
from . import register

DECIMALS = 5e-4  # a decimal rounded to four significant digits is accepted
m1, m2 = sp.symbols("m1 m2", real=True)

register(
    "ch10-ex1",
    rtol=DECIMALS,
    question=("A model predicts y ~ N(mu, sigma^2) with mu = 1 and sigma = 2. What is the "
              "negative log-likelihood, in nats, of the observation y = 3?"),
    answer=sp.log(8 * sp.pi) / 2 + sp.Rational(1, 2),
    hint="-log N(y; mu, sigma^2) = (1/2) log(2 pi sigma^2) + (y - mu)^2 / (2 sigma^2).",
    mistakes=[
        (sp.Rational(1, 2), "that is only the squared-error term: the density's normaliser "
                            "1/sqrt(2 pi sigma^2) adds (1/2) log(2 pi sigma^2)."),
        (sp.log(4 * sp.pi) / 2 + 1, "sigma appears squared: (1/2) log(2 pi sigma^2) and "
                                    "(y - mu)^2 / (2 sigma^2), with sigma^2 = 4."),
        (sp.log(8 * sp.pi) / 2 + 2, "the squared residual is divided by 2 sigma^2 = 8, "
                                    "not by 2."),
    ],
    sample_right=2.1121,
    sample_wrong=sp.Rational(1, 2),
)

register(
    "ch10-ex2",
    question=("For the observations (1, 2, 2, 3, 10), which constant prediction c minimises "
              "the mean absolute error?"),
    answer=sp.Integer(2),
    hint="the derivative of the mean absolute error is (#points below c - #points above c)/n.",
    mistakes=[(sp.Rational(18, 5), "3.6 is the mean, the minimiser of the squared error; the "
                                   "absolute error is minimised by the median.")],
    sample_right=2,
    sample_wrong=3.6,
)

register(
    "ch10-ex3",
    kind="proof",
    solution_claim="minimiser.mean",
    question=("Show that E[(Y - c)^2] is smallest at c = E[Y]. Writing m1 = E[Y] and "
              "m2 = E[Y^2], what is its smallest value?"),
    answer=m2 - m1**2,
    symbols=(m1, m2),
    hint="expand the square, use linearity of E, then complete the square in c.",
    mistakes=[(m2, "at c = m1 the value is m2 - 2 m1^2 + m1^2: the m1^2 does not cancel."),
              (m1**2 - m2, "a sign: the minimum is the variance, which is >= 0.")],
    sample_wrong=m2,
)


def _reference_nll(y, mu, sigma):
    y, mu, sigma = (np.asarray(a, dtype=float) for a in (y, mu, sigma))
    return np.log(sigma) + 0.5 * np.log(2 * np.pi) + mse(mu, y, reduction="none") / (
        2 * sigma**2)


def _tests_nll(fn):
    cases = [(3.0, 1.0, 2.0), (0.0, 0.0, 1.0), (1.0, 1.0, 1e-3), (-5.0, 2.0, 30.0),
             (np.array([0.5, 1.0, 2.0]), np.array([0.0, 1.0, -1.0]), np.array([1.0, 0.5, 2.0]))]
    failures = []
    for y, mu, sigma in cases:
        want = _reference_nll(y, mu, sigma)
        got = np.asarray(fn(y, mu, sigma), dtype=float)
        if got.shape != want.shape:
            failures.append(f"y={y}, mu={mu}, sigma={sigma}: shape {got.shape}, "
                            f"expected {want.shape}")
            continue
        if not np.allclose(got, want, rtol=1e-9, atol=1e-12):
            gap = np.asarray(want - got)
            note = ""
            if np.allclose(gap, 0.5 * np.log(2 * np.pi * np.asarray(sigma) ** 2)):
                note = " (the normaliser (1/2) log(2 pi sigma^2) is missing)"
            failures.append(f"y={y}, mu={mu}, sigma={sigma}: got {np.round(got, 6).tolist()}, "
                            f"expected {np.round(want, 6).tolist()}{note}")
    return failures


register(
    "ch10-ex4",
    kind="coding",
    question=("Write gaussian_nll(y, mu, sigma): the negative log-likelihood of y under "
              "N(mu, sigma^2), elementwise, broadcasting numpy arrays."),
    tests=_tests_nll,
    hint="-log N(y; mu, sigma^2) = log sigma + (1/2) log(2 pi) + (y - mu)^2 / (2 sigma^2).",
    sample_right=_reference_nll,
    sample_wrong=lambda y, mu, sigma: (np.asarray(y) - mu) ** 2 / (2 * np.asarray(sigma) ** 2),
)

register(
    "ch10-ex5",
    question="What is the Huber loss with delta = 1 of the residual r = 3?",
    answer=sp.Rational(5, 2),
    hint="|r| > delta: the linear piece delta (|r| - delta/2) applies.",
    mistakes=[(sp.Rational(9, 2), "r^2/2 is the piece for |r| <= delta; here |r| = 3 > 1."),
              (sp.Integer(3), "the linear piece is delta (|r| - delta/2): it joins r^2/2 at "
                              "|r| = delta, so it is |r| shifted down by delta/2."),
              (sp.Integer(9), "that is the squared error; Huber is r^2/2 only near 0.")],
    sample_right=2.5,
    sample_wrong=4.5,
)
