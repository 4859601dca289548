r"""Errata found while writing chapter 8 (numerical stability). See :mod:`lossbook.errata`.

* ``000-sigmoid-shift-invariance``: source 000 says the shift invariance of the softmax
  does not apply to the sigmoid. It does: the sigmoid is the first entry of the softmax
  of :math:`(x, 0)`, and the two forms the source recommends are exactly the shifts by
  :math:`x` and by :math:`0` (claim ``stability.sigmoid-forms``).
* ``003-log-zero-overflow``: source 003 says an underflowed sigmoid makes the logarithm
  overflow. ``log(0)`` is an exact infinity from a finite operand, which IEEE 754 signals
  as division by zero, not overflow; and no logarithm of a positive floating-point
  number can overflow, since its magnitude is at most about 745 (float64).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

x = sp.Symbol("x", real=True)
c = sp.Symbol("c", real=True)


def _sigmoid_is_shift_invariant() -> bool:
    """The source: shift invariance 'does not apply' to the sigmoid. Refuted by the
    checked chain sigma(x) = e^{x-c} / (e^{x-c} + e^{-c}) for every c, whose shifts
    c = x and c = 0 are the source's own two forms."""
    from ..chains import chain

    chain("stability.sigmoid-forms")  # raises if the correction is not proved
    shifted = sp.exp(x - c) / (sp.exp(x - c) + sp.exp(-c))
    first = sp.simplify(shifted.subs(c, x) - 1 / (1 + sp.exp(-x))) == 0
    second = sp.simplify(shifted.subs(c, 0) - sp.exp(x) / (1 + sp.exp(x))) == 0
    return bool(first and second)


def _raises(flag: str, fn) -> bool:
    """Does ``fn()`` raise FloatingPointError when only the IEEE flag ``flag`` traps?"""
    settings = {"divide": "ignore", "over": "ignore", "under": "ignore", "invalid": "ignore"}
    settings[flag] = "raise"
    with np.errstate(**settings):
        try:
            fn()
        except FloatingPointError:
            return True
    return False


def _log_of_zero_is_not_overflow() -> bool:
    """The source: an underflowed sigmoid 'yields numerical overflow of logarithm'.
    Refuted: log(0) raises the divide-by-zero flag and not the overflow flag, and
    |log v| <= 745.2 for every positive float64 v (<= 103.3 in float32), far below the
    largest finite number, so a logarithm cannot overflow."""
    results = []
    for dtype in (np.float64, np.float32):
        zero = dtype(0)
        fi = np.finfo(dtype)
        results.append(_raises("divide", lambda z=zero: np.log(z)))
        results.append(not _raises("over", lambda z=zero: np.log(z)))
        extremes = np.log(np.array([fi.smallest_subnormal, fi.max], dtype=dtype))
        results.append(bool(np.all(np.abs(extremes) < 746) and np.all(np.isfinite(extremes))))
    return all(results)


ERRATA = [
    {
        "id": "000-sigmoid-shift-invariance",
        "source": "000",
        "section": "Numerical stability",
        "stated": "This does not apply to the sigmoid function, as it also contains terms "
                  "which are not exponentiated.",
        "correction": r"It applies: $\sigma(x) = e^{x}/(e^{x} + e^{0})$ is the first entry of "
                      r"$\operatorname{softmax}(x, 0)$ (the constant $1$ is $e^{0}$), so "
                      r"shifting both logits by any $c$ leaves it unchanged. The shifts "
                      r"$c = x$ and $c = 0$ give the source's two forms "
                      r"$1/(1 + e^{-x})$ and $e^{x}/(1 + e^{x})$, and $c = \max(x, 0)$ "
                      r"gives the stable form with $e^{-|x|}$.",
        "grade": "meaning",
        "chapter": "ch08",
        "claim": "stability.sigmoid-forms",
        "check": _sigmoid_is_shift_invariant,
        "ref": "sec-stab-sigmoid",
    },
    {
        "id": "003-log-zero-overflow",
        "source": "003",
        "section": "In Software Implementation",
        "stated": "To avoid numerical underflow of Sigmoid, which yields numerical overflow "
                  "of logarithm.",
        "correction": r"An underflowed $\sigma(z) = 0$ makes the logarithm return "
                      r"$-\infty$: an exact infinite result from a finite operand, which "
                      r"IEEE 754 signals as division by zero, not overflow. The logarithm "
                      r"of a positive float64 lies in $[-745.2, 709.8]$, so it never "
                      r"overflows. (At $z \gg 0$ the other term fails differently: "
                      r"$1 - \sigma(z)$ rounds to $0$, a rounding, not an underflow.)",
        "grade": "typo",
        "chapter": "ch08",
        "claim": None,
        "check": _log_of_zero_is_not_overflow,
        "ref": "sec-stab-bce",
    },
]
