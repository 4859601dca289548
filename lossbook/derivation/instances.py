"""From a step to concrete checks: display heads unfolded, sums written out, the
assumptions turned into symbols with signs and into constraints (equations solved for
one symbol, inequalities with a slack), dimensions ``n=(symbol, values)`` validated."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import sympy as sp
from sympy.assumptions.assume import AppliedPredicate

from .budget import _attempt


def _unfold(expr):
    """Replace the display heads of :mod:`lossbook.symbolic` by their definitions."""
    for _ in range(20):
        new = expr.replace(
            lambda e: isinstance(e, sp.Function) and hasattr(e, "unfold"),
            lambda e: e.unfold(),
        )
        if new == expr:
            return new
        expr = new
    return expr


def _index_symbols(exprs) -> list:
    """Integer symbols used as indices (in x[i] or KroneckerDelta), sorted by name."""
    found = set()
    for e in exprs:
        for ind in e.atoms(sp.Indexed):
            for idx in ind.indices:
                found |= {s for s in idx.free_symbols if s.is_integer}
        for kd in e.atoms(sp.KroneckerDelta):
            found |= {s for s in kd.free_symbols if s.is_integer}
        # bound summation indices are not free indices
        for s in e.atoms(sp.Sum):
            for lim in s.limits:
                found.discard(lim[0])
    free = set().union(*(e.free_symbols for e in exprs)) if exprs else set()
    return sorted((s for s in found if s in free), key=lambda s: s.name)


def _indexed_to_symbols(expr):
    """x[3] -> a plain symbol x_3 with the IndexedBase's assumptions."""
    mapping = {}
    for ind in expr.atoms(sp.Indexed):
        if all(i.is_Integer for i in ind.indices):
            label = ind.base.label
            name = f"{label}_{'_'.join(str(i) for i in ind.indices)}"
            assumptions = {k: v for k, v in label.assumptions0.items() if v is not None}
            mapping[ind] = sp.Symbol(name, **assumptions)
    return expr.xreplace(mapping) if mapping else expr


@functools.lru_cache(maxsize=512)
def _integral_value(integral):
    """``integral.doit()``, remembered: evaluating the same integral twice gives the same
    answer, so re-checks (the mutation tests, verify after a notebook) skip the work.

    The integrand is expanded first (often several times faster for Gaussian moments);
    that answer is used only if it is a finite closed form, else plain ``doit()``.
    """
    expanded = sp.expand(integral.function)
    if expanded != integral.function:
        value = _attempt(lambda: integral.func(expanded, *integral.limits).doit(), 20.0)
        if value is not None and not value.has(sp.Integral, sp.nan, sp.oo, -sp.oo, sp.zoo):
            return value
    return integral.doit()


def _concretize(expr, subs: dict, evaluate: bool = True):
    """``expr`` with ``subs`` applied, display heads unfolded, sums/derivatives/integrals
    evaluated (``evaluate``) and ``x[3]`` turned into plain symbols. Remembered: it is a
    pure function of its arguments, and a line is concretized as the end of one step and
    the start of the next (and again by every re-check)."""
    expr, key = sp.sympify(expr), tuple(subs.items())
    try:
        hash(expr)
    except TypeError:  # a mutable matrix: not cached
        return _concretize_cached.__wrapped__(expr, key, evaluate)
    return _concretize_cached(expr, key, evaluate)


@functools.lru_cache(maxsize=4096)
def _concretize_cached(expr, subs: tuple, evaluate: bool):
    if subs:
        expr = expr.subs(dict(subs))
    expr = _unfold(expr)
    if evaluate:
        if expr.has(sp.Integral):
            expr = expr.replace(lambda e: isinstance(e, sp.Integral),
                                lambda e: _integral_value(e))
        expr = expr.doit()
        expr = _unfold(expr)
    return _indexed_to_symbols(expr)


_SIGN_KEYS = {
    sp.Q.positive: "positive", sp.Q.nonnegative: "nonnegative", sp.Q.negative: "negative",
    sp.Q.nonpositive: "nonpositive", sp.Q.real: "real", sp.Q.integer: "integer",
    sp.Q.nonzero: "nonzero",
}


def _flatten_assumptions(assumptions) -> list:
    if assumptions is None or assumptions is True or assumptions is sp.true:
        return []
    if isinstance(assumptions, sp.And):
        return [a for arg in assumptions.args for a in _flatten_assumptions(arg)]
    if isinstance(assumptions, Iterable) and not isinstance(assumptions, sp.Basic):
        return [a for arg in assumptions for a in _flatten_assumptions(arg)]
    return [assumptions]


def _check_assumption_types(facts):
    for f in facts:
        ok = (isinstance(f, AppliedPredicate) and f.function in _SIGN_KEYS) or isinstance(
            f, sp.Eq | sp.Ge | sp.Gt | sp.Le | sp.Lt
        )
        if not ok:
            raise TypeError(
                f"unsupported assumption {f!r}: use Q.positive/nonnegative/negative/"
                "nonpositive/real/integer/nonzero, Eq, or an inequality"
            )


@dataclass
class _Instance:
    """One concrete check: the two sides with the assumptions applied to them."""

    label: str  # "" for the symbolic check, else "n=3, i=1"
    a: sp.Expr
    b: sp.Expr
    constraints: list  # [(expr, kind)] meaning expr == 0 ("eq") or expr >= 0 / > 0
    extra: dict = field(default_factory=dict)
    #: (previous, new, facts) before concretizing: the search rebuilds the instance
    #: for concrete sizes when a dimension is still a symbol
    source: tuple = ()


def make_instance(prev, new, facts, subs: dict, label: str = "",
                  evaluate: bool = True) -> _Instance:
    """The check of ``prev`` against ``new`` with ``subs`` applied (e.g. ``{n: 3}``):
    both sides concretized, the sign facts turned into symbols with assumptions, and
    the other facts into constraints ``(expr, "eq" | "ge" | "gt")``."""
    a = _concretize(prev, subs, evaluate)
    b = _concretize(new, subs, evaluate)
    concrete = [_concretize_fact(f.subs(subs) if subs else f) for f in facts]
    mapping = _sign_replacements(concrete, [a, b])
    constraints = []
    for f in concrete:
        if isinstance(f, sp.Eq):
            constraints.append(((f.lhs - f.rhs).xreplace(mapping), "eq"))
        elif isinstance(f, sp.Ge | sp.Gt | sp.Le | sp.Lt):
            lhs, rhs = f.lhs, f.rhs
            if (rhs == 0 and (lhs.is_Symbol or isinstance(lhs, sp.Indexed))) or (
                    lhs == 0 and (rhs.is_Symbol or isinstance(rhs, sp.Indexed))):
                continue  # handled as an assumption on the symbol
            gap = lhs - rhs if isinstance(f, sp.Ge | sp.Gt) else rhs - lhs
            kind = "ge" if isinstance(f, sp.Ge | sp.Le) else "gt"
            constraints.append((gap.xreplace(mapping), kind))
    return _Instance(label, a.xreplace(mapping), b.xreplace(mapping), constraints,
                     {"subs": subs, "mapping": mapping}, (prev, new, tuple(facts)))


def _integer_domain(s) -> tuple:
    """Small values of an integer symbol that satisfy its assumptions."""
    a = s.assumptions0
    if a.get("positive"):
        return (1, 2, 3, 4)
    if a.get("nonnegative"):
        return (0, 1, 2, 3)
    if a.get("negative"):
        return (-1, -2, -3)
    if a.get("nonpositive"):
        return (0, -1, -2)
    return (-2, -1, 0, 1, 2)


def sized_instances(inst: _Instance, limit: int | None = None) -> list:
    """``inst`` for concrete sizes when an integer symbol is still free in it.

    With a symbolic dimension (a sum up to ``n``, ``Eq(sum p_k, 1)``) random values
    of the entries cannot satisfy the assumptions: the numeric search substitutes
    small sizes (each from its symbol's domain, 1..4 for a positive n), writes the
    sums out and samples the entries. Index symbols (in ``x[i]``, ``KroneckerDelta``)
    take the values 1..m, m the smallest size chosen (an index points into a vector of
    that size). Returns ``[inst]`` when nothing integer is free; at most ``limit``
    instances, smallest sizes first.
    """
    prev, new, facts = inst.source if inst.source else (inst.a, inst.b, ())
    exprs = [inst.a, inst.b] + [c for c, _ in inst.constraints]
    free = set().union(*(e.free_symbols for e in exprs))
    ints = sorted((s for s in free if s.is_Symbol and s.is_integer),
                  key=lambda s: s.name)
    if not ints or not inst.source:
        return [inst]
    indices = set(_index_symbols(exprs)) & set(ints)
    sizes = [s for s in ints if s not in indices]
    out = []
    size_values = itertools.product(*(_integer_domain(s) for s in sizes))
    for combo in sorted(size_values, key=lambda c: (sum(abs(v) for v in c), c)):
        if indices and sizes and min(combo) < 1:
            continue  # an index into an empty vector
        top = min(combo, default=3)
        index_values = itertools.product(range(1, top + 1), repeat=len(indices))
        for icombo in index_values:
            subs = {**inst.extra.get("subs", {}),
                    **dict(zip(sizes, combo, strict=True)),
                    **dict(zip(sorted(indices, key=lambda s: s.name), icombo, strict=True))}
            label = ", ".join(f"{k}={v}" for k, v in subs.items())
            out.append(make_instance(prev, new, facts, subs, label))
            if limit is not None and len(out) >= limit:
                return out
    return out


def _sign_replacements(facts, exprs):
    """Symbols to replace by ones carrying the asserted sign: {old: new}."""
    wanted: dict = {}
    for f in facts:
        if isinstance(f, AppliedPredicate):
            key = _SIGN_KEYS[f.function]
            target = f.arguments[0]
        elif isinstance(f, sp.Eq):
            continue
        else:
            rel = f
            lhs, rhs = rel.lhs, rel.rhs
            if rhs == 0 and (lhs.is_Symbol or isinstance(lhs, sp.IndexedBase)):
                target = lhs
                key = {sp.Gt: "positive", sp.Ge: "nonnegative", sp.Lt: "negative",
                       sp.Le: "nonpositive"}[type(rel)]
            elif lhs == 0 and (rhs.is_Symbol or isinstance(rhs, sp.IndexedBase)):
                target = rhs
                key = {sp.Gt: "negative", sp.Ge: "nonpositive", sp.Lt: "positive",
                       sp.Le: "nonnegative"}[type(rel)]
            else:
                continue
        wanted.setdefault(target, {})[key] = True
    mapping = {}
    symbols = set().union(*(e.free_symbols for e in exprs)) if exprs else set()
    for target, keys in wanted.items():
        is_vector = isinstance(target, sp.IndexedBase)
        label = target.label if is_vector else target
        for s in symbols:
            if not s.is_Symbol:
                continue
            if s == label or (s.name == getattr(label, "name", None) and not is_vector) or (
                    is_vector and _is_entry_of(s, label)):
                assumptions = _merge_assumptions(s.assumptions0, keys)
                mapping[s] = sp.Symbol(s.name, **assumptions)
    return mapping


def _is_entry_of(s, label) -> bool:
    """Is the symbol ``s`` (named like x_3) an entry of the IndexedBase ``label``, or it?"""
    if s.name == label.name:
        return True
    if not s.name.startswith(label.name + "_"):
        return False
    rest = s.name[len(label.name) + 1:]
    return bool(re.fullmatch(r"\d+(_\d+)*", rest))


def _merge_assumptions(base: dict, keys: dict) -> dict:
    """Base assumptions of a symbol with the new ones; only the defining keys kept."""
    out = {}
    for k in ("real", "integer", "positive", "nonnegative", "negative", "nonpositive",
              "nonzero", "commutative"):
        if base.get(k):
            out[k] = True
    out.update(keys)
    if out.get("positive") or out.get("negative"):
        out.pop("nonzero", None)
    return out


def _solve_linear_for(e, protected=frozenset()):
    """Pick a symbol ``e`` is linear in (numeric coefficient) and return (symbol, solution)."""
    candidates = sorted(
        (s for s in e.free_symbols if not isinstance(s, sp.Dummy) and s not in protected),
        key=lambda s: sp.default_sort_key(s), reverse=True,
    )
    for s in candidates:
        coeff = sp.expand(e).coeff(s)
        rest = sp.expand(e - coeff * s)
        if coeff.is_number and coeff != 0 and s not in rest.free_symbols:
            return s, sp.expand(-rest / coeff)
    return None


def _apply_constraints(exprs, constraints):
    """Solve the equations and slack inequalities for one symbol each and substitute.

    Returns the new expressions, the substitution, and the solved symbols (so the
    numeric sampler can check that the substituted values keep their assumptions).
    """
    subs: dict = {}
    protected: set = set()
    for c, kind in constraints:
        c = sp.expand(c.xreplace(subs)) if subs else c
        if c == 0:
            continue
        if kind == "eq":
            lhs = c
        else:
            slack = sp.Dummy("D", **({"nonnegative": True} if kind == "ge" else {"positive": True}))
            lhs = c - slack
        found = _solve_linear_for(lhs, protected)
        if found is None:
            continue
        s, sol = found
        subs = {k: v.xreplace({s: sol}) for k, v in subs.items()}
        subs[s] = sol
        protected.add(s)
    if not subs:
        return list(exprs), {}
    return [e.xreplace(subs) for e in exprs], subs


def _bound_symbols(expr) -> set:
    """The summation/integration variables of every Sum, Product and Integral in expr.

    A rewrite that maps a subexpression to a fresh symbol must leave alone anything
    that mentions one of these: inside the sum it depends on the index.
    """
    out: set = set()
    for obj in expr.atoms(sp.Sum, sp.Product, sp.Integral):
        out |= set(obj.variables)
    return out



def _check_n(n):
    if n is None:
        return None
    if not (isinstance(n, tuple) and len(n) == 2 and isinstance(n[0], sp.Symbol)):
        raise TypeError("n= must be (symbol, range), e.g. (n, range(2, 7))")
    values = list(n[1])
    if not values or any(int(v) != v or v < 0 for v in values):
        raise ValueError("n= range must hold nonnegative integers")
    return (n[0], range(values[0], values[-1] + 1) if values == list(
        range(values[0], values[-1] + 1)) else tuple(values))


def _range_text(values) -> str:
    values = list(values)
    if values == list(range(values[0], values[-1] + 1)) and len(values) > 2:
        return f"{values[0]}..{values[-1]}"
    return ",".join(str(v) for v in values)


def _concretize_fact(f):
    if isinstance(f, sp.Eq | sp.Ge | sp.Gt | sp.Le | sp.Lt):
        lhs, rhs = _concretize(f.lhs, {}), _concretize(f.rhs, {})
        return type(f)(lhs, rhs, evaluate=False)
    return f
