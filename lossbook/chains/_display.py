r"""Display heads for the chains: the checker sees plain SymPy, the reader sees the text order.

SymPy sorts the terms of every sum and the factors of every product, so a chain built
from plain expressions shows :math:`-yz + \zeta(z)` where a textbook writes
:math:`\zeta(z) - yz`. The heads below are unevaluated functions (like
:class:`~lossbook.symbolic.Sigmoid`) that *print* their arguments in the order given and
*unfold* to the plain expression before any check, so nothing shown is unchecked:

* ``InOrder(a, b, ...)``: the sum :math:`a + b + \dots`, terms in the order given (a term
  that starts with a minus sign is printed as a subtraction);
* ``Times(a, b, ...)``: the product, factors in the order given (``Times(-1, a)`` prints
  :math:`-a`);
* ``Dot(a, b, ...)``: the same product with :math:`\cdot` between the factors (for a
  fraction times a product, where juxtaposition would be hard to read);
* ``Paren(a)``: :math:`(a)`, for a sum inside a sum or a fraction;
* ``Power(a, e)``: :math:`a^{e}` (SymPy cannot print a display head such as
  :math:`\sigma(z)` raised to a power);
* ``Abbrev(name, expr)``: prints the symbol ``name`` (say :math:`z_i` or :math:`s_1`) and
  stands for ``expr``; the chain's text says what the name abbreviates;
* ``SoftmaxAt(i, x_1, ..., x_n)``: :math:`\operatorname{softmax}(x_1, \dots, x_n)_i` of an
  explicit vector (1-based ``i``);
* ``Logit(p)``: :math:`\operatorname{logit}(p) = \log(p / (1 - p))`.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.precedence import PRECEDENCE

from .. import symbolic as sym
from ..symbolic import _Named

__all__ = ["InOrder", "Times", "Dot", "Paren", "Power", "Abbrev", "SoftmaxAt", "Logit"]


def _powered(body: str, exp, bracket: bool = True) -> str:
    """``body`` raised to the printed power ``exp`` (as SymPy's printer passes it), if any."""
    if exp is None:
        return body
    return (rf"\left({body}\right)^{{{exp}}}" if bracket else f"{body}^{{{exp}}}")


def _negated(term):
    """``(True, -term)`` if ``term`` prints with a leading minus sign, else ``(False, term)``."""
    if isinstance(term, Times) and term.args[0] == -1:
        rest = term.args[1:]
        return True, (rest[0] if len(rest) == 1 else Times(*rest))
    if term.could_extract_minus_sign():
        return True, -term
    return False, term


class InOrder(_Named):
    """A sum printed in the order of its arguments; unfolds to ``Add(*args)``."""

    precedence = PRECEDENCE["Add"]

    def unfold(self):
        return sp.Add(*self.args)

    def _latex(self, printer, exp=None):
        return _powered(self._body(printer), exp)

    def _body(self, printer):
        out = ""
        for index, term in enumerate(self.args):
            negative, term = _negated(term)
            body = (printer.parenthesize(term, PRECEDENCE["Add"], strict=True) if negative
                    else printer._print(term))
            if index == 0:
                out = ("- " if negative else "") + body
            else:
                out += (" - " if negative else " + ") + body
        return out


class Times(_Named):
    """A product printed in the order of its arguments; unfolds to ``Mul(*args)``."""

    precedence = PRECEDENCE["Mul"]
    separator = " "

    def unfold(self):
        return sp.Mul(*self.args)

    def _latex(self, printer, exp=None):
        factors = list(self.args)
        sign = ""
        if factors[0].is_Number and factors[0].is_negative:
            sign = "- "
            factors = factors[1:] if factors[0] == -1 else [-factors[0], *factors[1:]]
        body = sign + self.separator.join(printer.parenthesize(f, PRECEDENCE["Mul"], strict=True)
                                          for f in factors)
        return _powered(body, exp)


class Dot(Times):
    r"""A product printed with :math:`\cdot` between its factors."""

    separator = r" \cdot "


class Paren(_Named):
    """Its argument in parentheses (SymPy does not bracket a display head inside a sum)."""

    nargs = 1
    precedence = PRECEDENCE["Atom"]

    def unfold(self):
        return self.args[0]

    def _latex(self, printer, exp=None):
        body = r"\left(" + printer._print(self.args[0]) + r"\right)"
        return body if exp is None else f"{body}^{{{exp}}}"


class Power(_Named):
    """``Power(base, e)`` prints :math:`base^{e}`; unfolds to ``base**e``."""

    nargs = 2
    precedence = PRECEDENCE["Pow"]

    def unfold(self):
        return self.args[0] ** self.args[1]

    def _latex(self, printer, exp=None):
        base, power = self.args
        text = printer.parenthesize(base, PRECEDENCE["Pow"], strict=True)
        return _powered(f"{text}^{{{printer._print(power)}}}", exp)


class Abbrev(_Named):
    """``Abbrev(name, expr)`` prints as the symbol ``name`` and unfolds to ``expr``."""

    nargs = 2
    precedence = PRECEDENCE["Atom"]

    def unfold(self):
        return self.args[1]

    def _eval_is_real(self):
        return self.args[1].is_real

    def _eval_is_positive(self):
        return self.args[1].is_positive

    def _latex(self, printer, exp=None):
        return _powered(printer._print(self.args[0]), exp, bracket=False)


class SoftmaxAt(_Named):
    r"""``SoftmaxAt(i, x_1, ..., x_n)``: entry ``i`` (1-based) of the softmax of an explicit
    vector, printed :math:`\operatorname{softmax}(x_1, \dots, x_n)_i`."""

    def unfold(self):
        index, *entries = self.args
        return sym.softmax(list(entries))[int(index) - 1]

    def _eval_is_positive(self):
        return True if all(e.is_real for e in self.args[1:]) else None

    def _latex(self, printer, exp=None):
        index, *entries = self.args
        return _powered(r"\operatorname{softmax}\left(" + ", ".join(map(printer._print, entries))
                        + r"\right)_{" + printer._print(index) + "}", exp)


class Logit(_Named):
    r"""``Logit(p)`` prints :math:`\operatorname{logit}(p)`; unfolds to :math:`\log(p/(1-p))`."""

    nargs = 1

    def unfold(self):
        p = self.args[0]
        return sp.log(p / (1 - p))

    def _latex(self, printer, exp=None):
        return _powered(r"\operatorname{logit}\left(" + printer._print(self.args[0])
                        + r"\right)", exp)
