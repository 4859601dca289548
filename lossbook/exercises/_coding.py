"""Shared pieces of the coding tasks' tests (``tests=`` of :func:`register`).

* :func:`call_quietly` runs a student's function on float64 copies of the arguments
  and collects the warnings it raises (so a test can report them, never print them);
* :func:`exact` evaluates a SymPy expression at 50 digits, the reference value a
  student's floating-point result is compared with.
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy as sp


def call_quietly(fn, *args):
    """``(result as a float64 array, [warning messages])`` of ``fn`` on copies of ``args``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*[np.array(a, dtype=np.float64) for a in args])
    return np.asarray(out, dtype=np.float64), [str(w.message) for w in caught]


def exact(expr) -> float:
    """The float nearest to ``expr``, evaluated at 50 significant digits."""
    return float(sp.N(expr, 50))
