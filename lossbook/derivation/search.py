"""The numeric counterexample search: random points that satisfy the assumptions,
values at 30 digits. It only ever rejects a step, never proves one."""

from __future__ import annotations

import random

import sympy as sp

from . import budget
from .instances import _apply_constraints


def _sample_value(s, rng: random.Random, scale: float):
    a = s.assumptions0
    if a.get("integer"):
        if a.get("positive"):
            return sp.Integer(rng.randint(1, 4))
        if a.get("nonnegative"):
            return sp.Integer(rng.randint(0, 4))
        if a.get("negative"):
            return sp.Integer(-rng.randint(1, 4))
        return sp.Integer(rng.randint(-3, 3))
    v = rng.uniform(0.1, 2.0) * scale
    if a.get("positive") or a.get("nonnegative"):
        return sp.Float(v, 30)
    if a.get("negative") or a.get("nonpositive"):
        return sp.Float(-v, 30)
    return sp.Float(rng.uniform(-2.0, 2.0) * max(scale, 0.5), 30)


class _NoValue(Exception):
    pass


def _quad(integral):
    """A one-dimensional definite integral with numeric limits, by mpmath.quad (30 digits)."""
    import mpmath

    if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
        raise _NoValue
    var, lo, hi = integral.limits[0]
    body = integral.function
    if body.free_symbols - {var} or lo.free_symbols or hi.free_symbols:
        raise _NoValue

    def mp(v):
        if v == sp.oo:
            return mpmath.inf
        if v == -sp.oo:
            return -mpmath.inf
        return mpmath.mpf(str(sp.N(v, 35)))

    f = sp.lambdify(var, body, "mpmath")
    with mpmath.workdps(30):
        value, err = mpmath.quad(f, [mp(lo), mp(hi)], error=True)
        if not mpmath.isfinite(value) or err > mpmath.mpf("1e-18") * (1 + abs(value)):
            raise _NoValue
        re_, im_ = mpmath.nstr(mpmath.re(value), 30), mpmath.nstr(mpmath.im(value), 30)
    return sp.Float(re_, 30) + sp.I * sp.Float(im_, 30)


def _evaluate(e, point):
    """The value of ``e`` at ``point`` as a float, or None (not real, not finite, failed).

    One-dimensional integrals are done by mpmath.quad with its error estimate checked
    (much faster than SymPy's evalf of an Integral)."""
    try:
        v = e.xreplace(point)
        if v.has(sp.Integral):
            v = v.replace(lambda t: isinstance(t, sp.Integral), _quad)
        v = sp.N(v, 30)
    except Exception:  # noqa: BLE001 - any evaluation failure means "no value here"
        return None
    if not v.is_number or v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    try:
        re_, im_ = v.as_real_imag()
        re_, im_ = complex(re_).real, complex(im_).real
    except (TypeError, ValueError):
        return None
    if abs(im_) > 1e-20 * (1 + abs(re_)):
        return None
    return re_


def _points(symbols, constraints_subs, rng, count, tries=60, scale=2.0):
    """Random points satisfying the symbols' assumptions and the substituted constraints.

    Magnitudes up to about ``scale``, shrinking when constraints keep failing (so that
    e.g. ``p_n = 1 - p_1 - ... - p_{n-1}`` stays positive).
    """
    symbols = sorted(symbols, key=sp.default_sort_key)
    out = []
    base = scale
    for attempt in range(tries):
        if len(out) >= count:
            break
        scale = base * 0.75 ** (attempt // 3)
        point = {s: _sample_value(s, rng, scale) for s in symbols}
        ok = True
        for solved, value in constraints_subs.items():
            v = _evaluate(value, point)
            if v is None:
                ok = False
                break
            a = solved.assumptions0
            if (a.get("positive") and not v > 0) or (a.get("nonnegative") and not v >= 0) or (
                    a.get("negative") and not v < 0) or (a.get("nonpositive") and not v <= 0):
                ok = False
                break
        if ok:
            out.append(point)
    return out


def _counterexample(a, b, relation, constraints, rng, count=3):
    """A point (dict) where a relation b fails clearly, or None. Only ever used to reject."""
    if not budget.USE_COUNTEREXAMPLES:
        return None
    (a2, b2), subs = _apply_constraints([a, b], constraints)
    symbols = (a2.free_symbols | b2.free_symbols | set().union(
        *(v.free_symbols for v in subs.values()))) if subs else (a2.free_symbols | b2.free_symbols)
    for point in _points(symbols, subs, rng, count):
        va, vb = _evaluate(a2, point), _evaluate(b2, point)
        if va is None or vb is None:
            continue
        tol = 1e-12 * (1 + abs(va) + abs(vb))
        bad = {"=": abs(va - vb) > tol, "<=": va > vb + tol, ">=": va < vb - tol}[relation]
        if bad:
            return point, va, vb
    return None
