r"""Errata found while writing chapter 8 (numerical stability). See :mod:`lossbook.errata`.

(Source 000's remark that the softmax's shift invariance "does not apply" to the sigmoid
is recorded once, as ``000-sigmoid-shift`` in :mod:`lossbook.errata.ch07`; chapter 8 shows
the same correction as the claim ``stability.sigmoid-forms`` and links that entry.)

* ``003-log-zero-overflow``: source 003 says an underflowed sigmoid makes the logarithm
  overflow. ``log(0)`` is an exact infinity from a finite operand, which IEEE 754 signals
  as division by zero, not overflow; and no logarithm of a positive floating-point
  number can overflow, since its magnitude is at most about 745 (float64).
"""

from __future__ import annotations

import numpy as np


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
