"""The book's LaTeX printer (lossbook.derivation.printing): textbook order, same content."""

from __future__ import annotations

import pytest
import sympy as sp

from lossbook.derivation.printing import latex

x, n, k, t = sp.symbols("x n k t")
p, q = sp.IndexedBase("p"), sp.IndexedBase("q")
zeta = sp.Function("zeta")


@pytest.mark.parametrize(("expr", "expected"), [
    ((n - k) * sp.log(1 - t), r"\left(n - k\right) \log{\left(1 - t \right)}"),
    (zeta(x) - zeta(-x), r"\zeta{\left(x \right)} - \zeta{\left(- x \right)}"),
    (-sp.Sum(p[k] * sp.log(q[k]), (k, 1, n)),
     r"- \sum_{k=1}^{n} {p}_{k} \log{\left({q}_{k} \right)}"),
    (sp.log(2) * sp.Sum(p[k], (k, 1, n)), r"\log{\left(2 \right)} \sum_{k=1}^{n} {p}_{k}"),
    (sp.exp(-x) * x, r"x e^{- x}"),
    (sp.log(1 + sp.exp(x)), r"\log{\left(1 + e^{x} \right)}"),
    (1 / (1 + sp.exp(-x)), r"\frac{1}{1 + e^{- x}}"),
])
def test_textbook_order(expr, expected):
    assert latex(expr) == expected


@pytest.mark.parametrize("expr", [
    x * sp.exp(-x**2) / 2, -2 * x * sp.log(x), sp.log(x)**2 * x, 1 - x, -x - 1,
    x + sp.log(x) + t, x + 1,
])
def test_what_needs_no_reordering_prints_as_sympy_does(expr):
    assert latex(expr) == sp.latex(expr)

