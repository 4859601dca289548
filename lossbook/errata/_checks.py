r"""Small helpers shared by the errata checks: values at high precision.

A check refutes a source's statement by a computation, never by a failed proof:

* :func:`value` evaluates a SymPy expression at a point with 50 significant digits;
* :func:`differ` / :func:`agree` compare two expressions at a point at that precision
  (``differ`` needs a gap far above the rounding of the evaluation);
* :func:`refuted` is the usual shape of a check: at a point that satisfies the
  source's assumptions, the source's version differs from the true value and the
  correction agrees with it.
"""

from __future__ import annotations

import sympy as sp

DIGITS = 50
#: two values "agree" within this (relative to their size, at 50 digits)
TOL = sp.Float("1e-40", DIGITS)
#: two values "differ" only if they are at least this far apart (relative)
GAP = sp.Float("1e-12", DIGITS)


def value(expr, at=None, digits: int = DIGITS):
    """``expr`` (anything ``sympify`` accepts) at the point ``at`` (a dict), evaluated
    with ``digits`` significant digits; a SymPy number (possibly ``oo``)."""
    e = sp.sympify(expr)
    if at:
        e = e.subs(at)
    e = e.doit()
    if e.free_symbols:
        raise ValueError(f"value: {e} still has free symbols {sorted(map(str, e.free_symbols))}")
    return sp.N(e, digits)


def _scale(a, b):
    return max(1, abs(a), abs(b))


def agree(a, b, at=None) -> bool:
    """True iff ``a`` and ``b`` have the same value at ``at`` (to 40 digits, relative)."""
    va, vb = value(a, at), value(b, at)
    if va.is_infinite or vb.is_infinite:
        return bool(va == vb)
    return bool(abs(va - vb) <= TOL * _scale(va, vb))


def differ(a, b, at=None) -> bool:
    """True iff ``a`` and ``b`` have clearly different values at ``at``."""
    va, vb = value(a, at), value(b, at)
    if va.is_infinite or vb.is_infinite:
        return bool(va != vb)
    return bool(abs(va - vb) > GAP * _scale(va, vb))


def refuted(stated, correction, truth, at=None) -> bool:
    """At the point ``at``: the source's ``stated`` expression differs from ``truth``
    and ``correction`` agrees with it."""
    return differ(stated, truth, at) and agree(correction, truth, at)
