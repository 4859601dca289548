"""Exercises of chapter 2 (Distance): axioms, Euclidean distance, least squares."""

import sympy as sp

from . import register

b = sp.Symbol("b", real=True)
x1, x2, y1, y2 = sp.symbols("x1 x2 y1 y2", real=True)

register(
    "ch02-ex1",
    question="Compute the Euclidean distance between (1, 2, 3) and (4, 6, 3).",
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
    question=("With d(u, v) = (u - v)^2 and the points u = 0, w = 1, v = 2, compute "
              "d(u, v) - (d(u, w) + d(w, v)). A positive value breaks the triangle inequality."),
    answer=2,
    hint="d(0, 2) = 4 while d(0, 1) + d(1, 2) = 1 + 1.",
    sample_right=2.0,
    sample_wrong=0,
    mistakes=[
        (0, "the squared error is not a distance: d(0, 2) = 4 is larger than "
            "d(0, 1) + d(1, 2) = 2"),
    ],
)

register(
    "ch02-ex3",
    question=("Is d(u, v) = sqrt(|u - v|) a distance on the real line (all four axioms)? "
              "Answer True or False."),
    answer=True,
    hint="sqrt(a + b) <= sqrt(a) + sqrt(b) for a, b >= 0, and |u - v| satisfies the triangle "
         "inequality.",
    sample_right="yes",
    sample_wrong=False,
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
)
