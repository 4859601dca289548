"""Exercises of chapter 2 (Distance): axioms, Euclidean distance, least squares.

Four computations, two proofs (the square root of |u - v| is a distance, with the
checked chain ``distance.sqrt-subadditive``; the triangle inequality of the Euclidean
distance from Cauchy-Schwarz, ``euclidean.triangle``) and a coding task: a
least-squares solver tested on an ill-conditioned design with noisy targets, against
the exact solution computed in rational arithmetic, where the normal equations lose
about kappa(X)^2 times the unit roundoff. The model solution :func:`model_fit` solves
by a QR factorisation.
"""

from fractions import Fraction

import numpy as np
import sympy as sp

from . import register

b = sp.Symbol("b", real=True)
x1, x2, y1, y2 = sp.symbols("x1 x2 y1 y2", real=True)
sa, sb = sp.symbols("a b", nonnegative=True)
norm_a, norm_b = sp.symbols("na nb", nonnegative=True)
dot = sp.Symbol("ab", real=True)

register(
    "ch02-ex1",
    question="Compute the Euclidean distance between (3, 1, 5) and (6, 5, 5).",
    answer=5,
    hint="square the coordinate differences (3, 4, 0), add them, take the square root.",
    sample_right="sqrt(9 + 16)",
    sample_wrong=7,
    mistakes=[
        (7, "7 is the sum of the absolute differences (the L1 distance); the Euclidean "
            "distance is the square root of the sum of the squares"),
        (25, "25 is the squared distance; take its square root"),
    ],
)

register(
    "ch02-ex2",
    question=("With d(u, v) = (u - v)^2 and the points u = 0, w = 1, v = 3, compute "
              "d(u, v) - (d(u, w) + d(w, v)). A positive value breaks the triangle inequality."),
    answer=4,
    hint="d(0, 3) = 9 while d(0, 1) + d(1, 3) = 1 + 4.",
    sample_right=4.0,
    sample_wrong=0,
    mistakes=[
        (0, "the squared error is not a distance: d(0, 3) = 9 is larger than "
            "d(0, 1) + d(1, 3) = 5"),
        (1, "that is the same computation for the absolute error |u - v|, which is a "
            "distance: 3 - (1 + 2) = 0 there; squares give 9 - (1 + 4)"),
        (-4, "a sign: the direct route d(0, 3) = 9 is the larger one"),
    ],
)

register(
    "ch02-ex3",
    kind="proof",
    solution_claim="distance.sqrt-subadditive",
    question=("Show that d(u, v) = sqrt(|u - v|) is a distance on the real line. The key "
              "step: for a, b >= 0, what is (sqrt(a) + sqrt(b))^2 - (a + b)?"),
    answer=2 * sp.sqrt(sa) * sp.sqrt(sb),
    symbols=(sa, sb),
    hint="expand the square; the cross term is never negative, so sqrt(a + b) <= sqrt(a) + "
         "sqrt(b), and with a = |u - w|, b = |w - v| the triangle inequality of |u - v| "
         "carries over.",
    sample_right="2*sqrt(a*b)",
    sample_wrong="0",
    mistakes=[
        ("0", "the square root is not additive: (sqrt a + sqrt b)^2 has the cross term "
              "2 sqrt(a) sqrt(b)"),
        ("sqrt(a*b)", "the cross term of a binomial square appears twice: 2 sqrt(a) sqrt(b)"),
    ],
)

register(
    "ch02-ex4",
    question=("For two data points, f(b) = (x1 b - y1)^2 + (x2 b - y2)^2. Compute df/db "
              "(the one-parameter case of 2 X^T X b - 2 X^T y)."),
    answer=sp.diff((x1 * b - y1) ** 2 + (x2 * b - y2) ** 2, b),
    symbols=(b, x1, x2, y1, y2),
    hint="each square contributes 2 (x_i b - y_i) x_i; collect the terms in b.",
    sample_right="2*(x1^2 + x2^2)*b - 2*(x1*y1 + x2*y2)",
    sample_wrong="2*(x1^2 + x2^2)*b - (x1*y1 + x2*y2)",
    mistakes=[
        ("2*(x1^2 + x2^2)*b - (x1*y1 + x2*y2)", "the factor 2 of the cross term is missing: "
                                                 "each square gives 2 (x_i b - y_i) x_i"),
        ("(x1^2 + x2^2)*b - (x1*y1 + x2*y2)", "this is half the derivative: the chain rule "
                                               "gives a factor 2 from each square"),
    ],
)

register(
    "ch02-ex5",
    question=("Fit y = beta0 + beta1 x by least squares to the points (0, 1), (1, 3), (2, 4). "
              "Give [beta0, beta1]."),
    answer=sp.Matrix([sp.Rational(7, 6), sp.Rational(3, 2)]),
    hint="build X with a column of ones and the x values, then solve X^T X beta = X^T y.",
    rtol=5e-4,  # accepts 7/6 rounded to four significant digits, 1.167
    sample_right=[7 / 6, 1.5],
    sample_wrong=[1, 1.5],
    mistakes=[
        ([1, sp.Rational(3, 2)], "beta0 = 1 fits the first point exactly; least squares "
         "balances all three points: solve X^T X beta = X^T y"),
    ],
)

register(
    "ch02-ex6",
    kind="proof",
    solution_claim="euclidean.triangle",
    question=("Prove the triangle inequality ||a + b|| <= ||a|| + ||b|| from the Cauchy-"
              "Schwarz inequality a.b <= ||a|| ||b||. Write na = ||a||, nb = ||b||, ab = a.b: "
              "what is (na + nb)^2 - ||a + b||^2?"),
    answer=2 * norm_a * norm_b - 2 * dot,
    symbols=(norm_a, norm_b, dot),
    hint="expand ||a + b||^2 = ||a||^2 + 2 a.b + ||b||^2 (as in the chain "
         "euclidean.squared-expansion) and subtract it from (na + nb)^2.",
    sample_right="2*(na*nb - ab)",
    sample_wrong="na*nb - ab",
    mistakes=[
        ("na*nb - ab", "both binomial squares carry a factor 2 on their cross terms"),
        ("2*ab - 2*na*nb", "a sign: that is ||a + b||^2 - (na + nb)^2, which Cauchy-Schwarz "
                           "makes <= 0"),
        ("0", "the difference is 0 only when a.b = ||a|| ||b|| (one vector a non-negative "
              "multiple of the other)"),
    ],
)


# ---------------------------------------------------------------------------
# coding task: least squares on an ill-conditioned design with noisy targets


def model_fit(X, y):
    """A model solution: the least-squares coefficients by a QR factorisation of X.

    X = QR with orthonormal columns Q and upper-triangular R; then R beta = Q^T y. This
    never forms X^T X, whose condition number is the square of that of X.
    """
    q, r = np.linalg.qr(np.asarray(X, dtype=float))
    return np.linalg.solve(r, q.T @ np.asarray(y, dtype=float))


def polynomial_problem(degree: int = 8, points: int = 50, noise: float = 1e-6, seed: int = 11):
    """The test problem: columns 1, x, ..., x^degree on a grid of [0, 1], targets from the
    coefficients (1, ..., 1) plus Gaussian noise of standard deviation ``noise``."""
    grid = np.linspace(0.0, 1.0, points)
    X = np.vander(grid, degree + 1, increasing=True)
    rng = np.random.default_rng(seed)
    y = X @ np.ones(degree + 1) + noise * rng.standard_normal(points)
    return X, y


def exact_least_squares(X, y) -> np.ndarray:
    """The exact least-squares solution for the floating-point data X, y: the normal
    equations solved in rational arithmetic (every float is an exact fraction), so no
    rounding happens before the final conversion to float."""
    A = [[Fraction(float(v)) for v in row] for row in np.asarray(X)]
    t = [Fraction(float(v)) for v in np.asarray(y)]
    cols = len(A[0])
    gram = [[sum(row[i] * row[j] for row in A) for j in range(cols)] for i in range(cols)]
    rhs = [sum(row[i] * ti for row, ti in zip(A, t, strict=True)) for i in range(cols)]
    for c in range(cols):  # Gauss-Jordan elimination, exact
        pivot = next(r for r in range(c, cols) if gram[r][c] != 0)
        gram[c], gram[pivot] = gram[pivot], gram[c]
        rhs[c], rhs[pivot] = rhs[pivot], rhs[c]
        for r in range(cols):
            if r != c and gram[r][c] != 0:
                f = gram[r][c] / gram[c][c]
                gram[r] = [a - f * b for a, b in zip(gram[r], gram[c], strict=True)]
                rhs[r] -= f * rhs[c]
    return np.array([float(rhs[i] / gram[i][i]) for i in range(cols)])


_EXACT_CACHE: dict = {}


def _fit_tests(fn) -> list[str]:
    failures = []
    small = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    got = np.asarray(fn(small.copy(), np.array([2.0, 3.0, 5.0])), dtype=float).ravel()
    if got.shape != (2,) or not np.allclose(got, [11 / 6, 3 / 2], rtol=1e-12, atol=0):
        failures.append(f"the line through (0, 2), (1, 3), (2, 5) gave {got.tolist()}, "
                        "expected [11/6, 3/2]")
        return failures
    X, y = polynomial_problem()
    if "poly" not in _EXACT_CACHE:
        _EXACT_CACHE["poly"] = exact_least_squares(X, y)
    exact = _EXACT_CACHE["poly"]
    Xc, yc = X.copy(), y.copy()
    got = np.asarray(fn(Xc, yc), dtype=float).ravel()
    if not (np.array_equal(Xc, X) and np.array_equal(yc, y)):
        failures.append("your function changed its inputs X or y")
    if got.shape != exact.shape:
        failures.append(f"a design with {X.shape[1]} columns gave {got.size} coefficients")
        return failures
    err = float(np.max(np.abs(got - exact)) / np.max(np.abs(exact)))
    if not err <= 1e-8:
        kappa = np.linalg.cond(X)
        failures.append(
            f"on the degree-8 polynomial design (kappa(X) = {kappa:.1e}) with noisy targets "
            f"the coefficients are off by {err:.1e} (relative); a backward-stable solver is "
            f"within 1e-8. Forming X^T X squares the condition number "
            f"({kappa**2:.1e}) and costs about kappa^2 times the unit roundoff: factor X "
            "itself (np.linalg.qr, or np.linalg.lstsq)")
    return failures


register(
    "ch02-ex7",
    kind="coding",
    question=("Write fit(X, y) returning the least-squares coefficients beta (a 1-d array) "
              "for a full-rank design X (n x m, n >= m) and targets y, accurate even when X "
              "is badly conditioned."),
    hint="do not form X^T X; factor X = QR (np.linalg.qr) and solve R beta = Q^T y, or use "
         "np.linalg.lstsq.",
    tests=_fit_tests,
    sample_right=model_fit,
    sample_wrong=lambda X, y: np.linalg.solve(np.asarray(X).T @ X, np.asarray(X).T @ y),
)
