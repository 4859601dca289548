r"""The book's LaTeX printer: SymPy's, with the reading order of a textbook.

SymPy prints the factors of a product and the terms of a sum in its canonical order,
which is not the order a reader expects: :math:`\log{\left(q_k \right)} p_k` for
:math:`p_k \log q_k`, :math:`(-k + n)` for :math:`(n - k)`, :math:`-\zeta(-x) + \zeta(x)`
for :math:`\zeta(x) - \zeta(-x)`. Two rules fix most of it without touching what is
checked (printing never changes an expression):

* in a product, the values of :math:`\log`, :math:`\exp` and of undefined functions such
  as :math:`\zeta` come after the other factors, and sums, products and integrals last,
  each group in SymPy's order;
* a sum of two terms whose first would be printed with a minus sign is printed the other
  way round (:math:`n - k`, not :math:`-k + n`), and a positive number goes before an
  exponential (:math:`1 + e^{x}`, as softplus and the sigmoid are written); longer sums
  keep SymPy's order, which often pairs terms the way the chain's reason speaks of them.

A chain that needs a particular order beyond these rules says so with the display heads
of :mod:`lossbook.chains._display` (``InOrder``, ``Times``, ...).
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

__all__ = ["latex"]


def _rank(factor: sp.Expr) -> int:
    """Where a factor goes in a product: 0 plain, 1 a function value, 2 a sum or integral."""
    base = factor.base if isinstance(factor, sp.Pow) else factor
    if isinstance(base, (sp.Sum, sp.Integral, sp.Product)):
        return 2
    return 1 if isinstance(base, (sp.log, sp.exp, AppliedUndef)) else 0


class BookLatexPrinter(LatexPrinter):
    """LaTeX with function values last in a product, ``b - a`` for ``-a + b``."""

    def _as_ordered_terms(self, expr, order=None):
        terms = list(super()._as_ordered_terms(expr, order=order))
        if len(terms) == 2:
            first, second = terms
            if first.could_extract_minus_sign() and not second.could_extract_minus_sign():
                return [second, first]
            if second.is_Number and second.is_positive and first.has(sp.exp):
                return [second, first]  # 1 + e^{x}, as softplus and the sigmoid are written
        return terms

    def _print_Mul(self, expr):
        coeff, rest = expr.as_coeff_mul()
        factors = list(sp.Mul(*rest).as_ordered_factors()) if rest else []
        # Fractions, rational coefficients and unevaluated products keep SymPy's layout.
        if (not (coeff.is_Integer and abs(coeff) == 1) or len(factors) < 2
                or any(isinstance(f, sp.Pow) and f.exp.could_extract_minus_sign()
                       for f in factors)
):
            return super()._print_Mul(expr)
        ordered = sorted(factors, key=_rank)  # stable: SymPy's order within a rank
        if ordered == factors:
            return super()._print_Mul(expr)
        parts = []
        for index, factor in enumerate(ordered):
            tex = self._print(factor)
            if self._needs_mul_brackets(factor, first=index == 0,
                                        last=index == len(ordered) - 1):
                tex = rf"\left({tex}\right)"
            parts.append(tex)
        body = " ".join(parts)
        return "- " + body if coeff == -1 else body


def latex(expr) -> str:
    """``sympy.latex(expr)`` in the book's reading order (see the module docstring)."""
    return BookLatexPrinter().doprint(expr)
