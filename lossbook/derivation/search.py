"""The numeric counterexample search: it refutes a step, it never proves one.

A *counterexample* is a point (symbol -> exact rational) where

* every assumption of the chain holds: each symbol's sign and integer assumptions,
  every stated equation exactly (the equation is solved for one symbol, or its
  symbols are drawn on the simplex ``p_1 + ... + p_n = 1``), every stated inequality;
  a dimension that is still a symbol (a sum up to ``n``) is first replaced by small
  sizes (:func:`~lossbook.derivation.instances.sized_instances`), so that the entries
  of a probability vector are sampled as separate numbers that sum to one;
* the claimed relation fails at 30 significant digits, and again when both sides and
  every assumption are re-evaluated at 60 digits (:func:`confirm`).

Only a confirmed point is returned: it is evidence that the step is false
(:class:`~lossbook.derivation.errors.Refuted`). Finding none proves nothing.
"""

from __future__ import annotations

import random

import sympy as sp

from . import budget
from .instances import _apply_constraints, _Instance, sized_instances

#: Digits of the search's evaluation, and of the confirmation of a counterexample.
DIGITS = 30
CONFIRM_DIGITS = 60
#: Relative gap that makes a relation fail at DIGITS, and at CONFIRM_DIGITS.
SEARCH_RTOL = 1e-12
CONFIRM_RTOL = sp.Float("1e-30", CONFIRM_DIGITS)


def _rational(v: float) -> sp.Rational:
    """An exact rational within 2^-40 of ``v`` (points are exact, so an equation
    solved for one symbol holds exactly at them)."""
    return sp.Rational(round(v * 2**40), 2**40)


def _sample_value(s, rng: random.Random, scale: float):
    a = s.assumptions0
    if a.get("integer"):
        if a.get("positive"):
            return sp.Integer(rng.randint(1, 4))
        if a.get("nonnegative"):
            return sp.Integer(rng.randint(0, 4))
        if a.get("negative"):
            return sp.Integer(-rng.randint(1, 4))
        if a.get("nonpositive"):
            return sp.Integer(-rng.randint(0, 4))
        return sp.Integer(rng.randint(-3, 3))
    v = rng.uniform(0.1, 2.0) * scale
    if a.get("positive") or a.get("nonnegative"):
        return _rational(v)
    if a.get("negative") or a.get("nonpositive"):
        return _rational(-v)
    return _rational(rng.uniform(-2.0, 2.0) * max(scale, 0.5))


def _simplex_groups(constraints) -> list:
    """Equations ``c (s_1 + ... + s_m) = t`` with nonnegative s and t / c > 0: drawn
    together on the simplex. Returns ``[(symbols, total)]``, disjoint groups."""
    groups, used = [], set()
    for c, kind in constraints:
        if kind != "eq":
            continue
        e = sp.expand(c)
        syms = sorted(e.free_symbols, key=sp.default_sort_key)
        if not syms or used & set(syms):
            continue
        coeffs = [e.coeff(s) for s in syms]
        const = e.subs({s: 0 for s in syms})
        if (len(set(coeffs)) != 1 or not coeffs[0].is_number or coeffs[0] == 0
                or sp.expand(e - coeffs[0] * sp.Add(*syms) - const) != 0):
            continue
        total = -const / coeffs[0]
        if total.is_number and total.is_positive and all(s.is_nonnegative for s in syms):
            groups.append((syms, total))
            used |= set(syms)
    return groups


def _draw(symbols, groups, rng: random.Random, scale: float) -> dict:
    """One random point: simplex groups by a Dirichlet draw (concentration from the
    scale: 1 at the default scale, spikier for large scales), the rest independently."""
    point: dict = {}
    alpha = min(max(2.0 / scale, 0.2), 4.0)
    for syms, total in groups:
        weights = [sp.Integer(1 + round(rng.gammavariate(alpha, 1.0) * 2**30)) for _ in syms]
        whole = sp.Add(*weights)
        point.update({s: total * w / whole for s, w in zip(syms, weights, strict=True)})
    for s in sorted(symbols, key=sp.default_sort_key):
        if s not in point:
            point[s] = _sample_value(s, rng, scale)
    return point


def _value(e, point, digits: int = DIGITS):
    """The value of ``e`` at ``point`` as a real SymPy Float of ``digits`` digits, or None
    (not real, not finite, failed). One-dimensional integrals by mpmath.quad."""
    try:
        v = e.xreplace(point)
        if v.has(sp.Integral):
            v = v.replace(lambda t: isinstance(t, sp.Integral), lambda t: _quad(t, digits))
        v = sp.N(v, digits)
    except Exception:  # noqa: BLE001 - any evaluation failure means "no value here"
        return None
    if not v.is_number or v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    try:
        re_, im_ = v.as_real_imag()
        re_, im_ = sp.N(re_, digits), sp.N(im_, digits)
        if not (re_.is_Number and im_.is_Number):
            return None
    except (TypeError, ValueError):
        return None
    if abs(im_) > sp.Float(10.0 ** (-(digits * 2) // 3), digits) * (1 + abs(re_)):
        return None
    return sp.Float(re_, digits)


def _evaluate(e, point):
    """The value of ``e`` at ``point`` as a Python float (30-digit evaluation), or None."""
    v = _value(e, point)
    return None if v is None else float(v)


class _NoValue(Exception):
    pass


def _quad(integral, digits: int = DIGITS):
    """A one-dimensional definite integral with numeric limits, by mpmath.quad."""
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
        return mpmath.mpf(str(sp.N(v, digits + 5)))

    f = sp.lambdify(var, body, "mpmath")
    with mpmath.workdps(digits):
        value, err = mpmath.quad(f, [mp(lo), mp(hi)], error=True)
        if not mpmath.isfinite(value) or err > mpmath.mpf(10) ** (-(digits * 3) // 5) * (
                1 + abs(value)):
            raise _NoValue
        re_, im_ = mpmath.nstr(mpmath.re(value), digits), mpmath.nstr(mpmath.im(value), digits)
    return sp.Float(re_, digits) + sp.I * sp.Float(im_, digits)


def _satisfies_assumptions(point) -> bool:
    """Every value keeps its symbol's sign and integer assumptions."""
    for s, v in point.items():
        if not v.is_number:
            return False
        a = s.assumptions0
        if a.get("integer") and not (v.is_Integer or (v.is_number and v == int(v))):
            return False
        checks = (("positive", lambda t: t > 0), ("nonnegative", lambda t: t >= 0),
                  ("negative", lambda t: t < 0), ("nonpositive", lambda t: t <= 0),
                  ("nonzero", lambda t: t != 0))
        for key, ok in checks:
            if a.get(key) and not bool(ok(v)):
                return False
    return True


def _constraints_hold(constraints, point, digits: int) -> bool:
    """Every stated equation and inequality holds at ``point`` (to ``digits``)."""
    tiny = sp.Float(10.0 ** (-(digits * 2) // 3), digits)
    for c, kind in constraints:
        v = _value(c, point, digits)
        if v is None:
            return False
        if kind == "eq" and abs(v) > tiny:
            return False
        if kind == "ge" and v < 0:
            return False
        if kind == "gt" and v <= 0:
            return False
    return True


def sample_points(inst: _Instance, rng: random.Random, count: int, scale: float = 2.0,
                  tries: int = 60) -> list:
    """Up to ``count`` random points (symbol -> exact number) satisfying every
    assumption of ``inst`` (its symbols' assumptions and its constraints).

    Equations are solved for one symbol each (the symbol then gets its value from the
    others) or drawn on the simplex; a point where a solved symbol leaves its domain, or
    a constraint fails, is discarded. Magnitudes are about ``scale``, shrinking when
    points keep failing. No point at all when a free symbol is an entry ``x[k]`` of a
    vector whose size is still a symbol (it is not one number): size it first.
    """
    exprs = [inst.a, inst.b] + [c for c, _ in inst.constraints]
    symbols = set().union(*(e.free_symbols for e in exprs))
    if any(not s.is_Symbol for s in symbols):
        return []
    _, solved = _apply_constraints([inst.a, inst.b], inst.constraints)
    symbols |= set().union(*(sol.free_symbols for sol in solved.values()))  # slacks
    groups = _simplex_groups(inst.constraints)
    out = []
    for attempt in range(tries):
        if len(out) >= count:
            break
        point = _draw(symbols, groups, rng, scale * 0.75 ** (attempt // 3))
        for s, sol in solved.items():
            v = sol.xreplace(point)
            point[s] = v if v.is_Rational else sp.N(v, CONFIRM_DIGITS)
        if _satisfies_assumptions(point) and _constraints_hold(inst.constraints, point, DIGITS):
            out.append(point)
    return out


def _fails(va, vb, relation: str, rtol) -> bool:
    tol = rtol * (1 + abs(va) + abs(vb))
    return {"=": abs(va - vb) > tol, "<=": va > vb + tol, ">=": va < vb - tol}[relation]


def confirm(inst: _Instance, relation: str, point: dict):
    """``(previous, claimed)`` as floats if ``point`` refutes the relation when everything
    is re-evaluated at CONFIRM_DIGITS (the assumptions hold, the relation fails by
    more than the rounding could explain), else None."""
    if not (_satisfies_assumptions(point)
            and _constraints_hold(inst.constraints, point, CONFIRM_DIGITS)):
        return None
    va, vb = _value(inst.a, point, CONFIRM_DIGITS), _value(inst.b, point, CONFIRM_DIGITS)
    if va is None or vb is None or not _fails(va, vb, relation, CONFIRM_RTOL):
        return None
    return float(va), float(vb)


def counterexample(inst: _Instance, relation: str, rng: random.Random, count: int = 3,
                   deep: bool = False):
    """``(point, previous_value, claimed_value)`` refuting ``previous relation claimed``
    for ``inst`` (confirmed at 60 digits; the point includes the sizes substituted), or
    None. ``deep`` searches more sizes and magnitudes (used once the proofs failed).
    ``relation`` is ``"="``, ``"<="`` (previous <= claimed) or ``">="``."""
    if not budget.USE_COUNTEREXAMPLES:
        return None
    scales = (2.0, 0.5, 8.0) if deep else (2.0,)
    for sub in sized_instances(inst, limit=12 if deep else 3):
        for scale in scales:
            for point in sample_points(sub, rng, count, scale):
                va, vb = _evaluate(sub.a, point), _evaluate(sub.b, point)
                if va is None or vb is None or not _fails(va, vb, relation, SEARCH_RTOL):
                    continue
                values = confirm(sub, relation, point)
                if values is not None:
                    return {**sub.extra.get("subs", {}), **point}, *values
    return None
