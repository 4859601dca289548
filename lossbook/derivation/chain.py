"""The :class:`Derivation` chain: steps appended only when they are proved."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from . import budget, layout
from .budget import _attempt, _deadline
from .errors import DerivationError
from .instances import (
    _apply_constraints,
    _check_assumption_types,
    _check_n,
    _concretize,
    _concretize_fact,
    _flatten_assumptions,
    _index_symbols,
    _Instance,
    _range_text,
    _sign_replacements,
)
from .search import _counterexample, _evaluate, _points
from .strategies import Lemma, _cheap_zero, _expensive_zero, _linear_zero, _prove_nonneg

_RANK = {"symbolic": 2, "concrete": 1, "numeric": 0}
_RELATIONS = ("=", "<=", ">=", "~", "d/dx")


# ============================================================================ the chain
@dataclass
class Step:
    """One line of a derivation and how it was checked."""

    expr: sp.Expr
    why: str
    relation: str = "="
    method: str = "symbolic"  # "symbolic" | "concrete n=a..b" | "numeric"
    how: str = ""  # the strategies that proved it
    seconds: float = 0.0
    n: tuple | None = None
    limit: tuple | None = None
    wrt: sp.Expr | None = None
    lemmas: tuple = ()
    approx: str = "difference"
    samples: int = 0


class Derivation:
    """A chain of expressions; each step is appended only when SymPy proves it.

    ``Derivation(start, name=None, assumptions=None)``; see the module docstring for
    relations, dimensions and assumptions. Attributes: ``start``, ``name``,
    ``assumptions``, ``steps`` (list of :class:`Step`), ``lines`` (start and every
    step's expression), ``method``, ``seconds``.
    """

    def __init__(self, start, name: str | None = None, assumptions=None):
        self.start = sp.sympify(start)
        self.name = name
        self.assumptions = assumptions
        self._facts = _flatten_assumptions(assumptions)
        _check_assumption_types(self._facts)
        self.steps: list[Step] = []

    # ------------------------------------------------------------------ properties
    @property
    def lines(self) -> list:
        return [self.start] + [s.expr for s in self.steps]

    @property
    def method(self) -> str:
        if not self.steps:
            return "symbolic"
        return min((s.method for s in self.steps), key=lambda m: _RANK[m.split()[0]])

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)

    # ------------------------------------------------------------------ steps
    def step(self, expr, why: str, *, n=None, relation: str = "=", limit=None, wrt=None,
             lemma=None, approx: str = "difference") -> Derivation:
        """Append ``expr`` (related to the previous line by ``relation``) if SymPy proves it.

        ``why``: the reason shown beside the line (``$...$`` inside it is math).
        ``n=(symbol, range)``: check for every concrete dimension in the range.
        ``relation``: ``"="``, ``"<="`` (previous <= new), ``">="`` (previous >= new),
        ``"~"`` (needs ``limit=(symbol, point)`` or ``(symbol, point, "+"|"-")``;
        ``approx="ratio"`` for previous/new -> 1), ``"d/dx"`` (needs ``wrt=``).
        ``lemma``: a :class:`Lemma` or a list of them, for inequalities.
        Raises :class:`DerivationError` and appends nothing if the step is not proved.
        """
        step = Step(sp.sympify(expr), str(why), relation, n=_check_n(n), limit=limit, wrt=wrt,
                    lemmas=_as_tuple(lemma), approx=approx)
        _validate_step(step)
        self._check(len(self.steps), step)
        self.steps.append(step)
        return self

    def numeric(self, expr, why: str, *, n=None, relation: str = "=", samples: int = 12,
                seed: int = 0) -> Derivation:
        """Append a step checked only at ``samples`` random points (labelled ``numeric``)."""
        if relation not in ("=", "<=", ">="):
            raise ValueError("numeric steps support '=', '<=' and '>='")
        step = Step(sp.sympify(expr), str(why), relation, method="numeric", n=_check_n(n),
                    samples=samples)
        t0 = time.perf_counter()
        prev = self.lines[-1]
        rng = random.Random(seed)
        checked = 0
        for inst in self._instances(prev, step, concrete=True):
            (a, b), subs = _apply_constraints([inst.a, inst.b], inst.constraints)
            symbols = a.free_symbols | b.free_symbols
            for point in _points(symbols, subs, rng, samples):
                va, vb = _evaluate(a, point), _evaluate(b, point)
                if va is None or vb is None:
                    continue
                tol = 1e-10 * (1 + abs(va) + abs(vb))
                bad = {"=": abs(va - vb) > tol, "<=": va > vb + tol, ">=": va < vb - tol}
                if bad[relation]:
                    raise DerivationError(self._message(
                        len(self.steps), step, prev, inst, a - b,
                        counter=(point, va, vb), headline="fails the numeric check"),
                        (point, va, vb))
                checked += 1
        if checked == 0:
            raise DerivationError(f"{self._where(len(self.steps), step)}: no point could be "
                                  "evaluated for the numeric check")
        step.how = f"{checked} random points"
        if step.n:
            step.how += f" for {step.n[0]}={_range_text(step.n[1])}"
        step.seconds = time.perf_counter() - t0
        self.steps.append(step)
        return self

    def check_step(self, index: int, expr=None) -> Step:
        """Re-check step ``index`` (0-based) with its recorded options, optionally with
        ``expr`` in place of its expression. Returns the re-checked Step or raises
        :class:`DerivationError`. (Used by the mutation tests and ``verify``.)"""
        old = self.steps[index]
        step = Step(old.expr if expr is None else sp.sympify(expr), old.why, old.relation,
                    method=old.method, n=old.n, limit=old.limit, wrt=old.wrt,
                    lemmas=old.lemmas, approx=old.approx, samples=old.samples)
        if step.method == "numeric":
            probe = Derivation(self.lines[index], self.name, self.assumptions)
            probe.numeric(step.expr, step.why, n=step.n, relation=step.relation,
                          samples=step.samples)
            return probe.steps[-1]
        step.method = "symbolic"
        self._check(index, step)
        return step

    # ------------------------------------------------------------------ checking
    def _instances(self, prev, step: Step, concrete: bool, evaluate: bool = True):
        """Yield the concrete checks of one step (one if there is no dimension)."""
        new = step.expr
        if step.relation == "d/dx":
            prev = sp.Derivative(prev, step.wrt)
        pairs_facts = self._facts
        if step.n is None or not concrete:
            subs_list = [({}, "")]
        else:
            nsym, values = step.n
            exprs = [prev, new] + [f for f in pairs_facts if isinstance(f, sp.Basic)]
            indices = _index_symbols([e for e in exprs if isinstance(e, sp.Expr)])
            subs_list = []
            for nv in values:
                if indices and nv < 1:
                    raise ValueError(f"{nsym}={nv} leaves no index values to check")
                for combo in itertools.product(range(1, nv + 1), repeat=len(indices)):
                    subs = {nsym: nv, **dict(zip(indices, combo, strict=True))}
                    label = ", ".join(f"{k}={v}" for k, v in subs.items())
                    subs_list.append((subs, label))
        for subs, label in subs_list:
            a = _concretize(prev, subs, evaluate)
            b = _concretize(new, subs, evaluate)
            facts = [f.subs(subs) if subs else f for f in pairs_facts]
            facts = [_concretize_fact(f) for f in facts]
            mapping = _sign_replacements(facts, [a, b])
            constraints = []
            for f in facts:
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
            yield _Instance(label, a.xreplace(mapping), b.xreplace(mapping), constraints,
                            {"subs": subs, "mapping": mapping})

    def _check(self, index: int, step: Step) -> None:
        t0 = time.perf_counter()
        prev = self.lines[index]
        hows: list[str] = []
        if step.relation == "=":
            # linearity: sums over the same range (or two integrals) with summands that
            # cancel; checked before anything is evaluated, valid for every n
            inst = next(self._instances(prev, step, concrete=False, evaluate=False))
            if not inst.constraints:
                how = _attempt(lambda: _linear_zero(inst.a - inst.b), 8.0)
                if how:
                    step.method, step.how = "symbolic", how
                    step.seconds = time.perf_counter() - t0
                    return
            if step.n is None and (inst.a.has(sp.Integral) or inst.b.has(sp.Integral)):
                # evaluating integrals symbolically is slow: look for a numeric
                # counterexample first (quadrature), which can only reject
                counter = _counterexample(inst.a, inst.b, "=", inst.constraints,
                                          random.Random(4321 + index), count=2)
                if counter:
                    raise DerivationError(self._message(
                        index, step, prev, inst, inst.a - inst.b, counter=counter), counter)
        if step.n is not None and step.relation in ("=", "d/dx"):
            # one symbolic attempt first: if it works the step holds for every n
            inst = next(self._instances(prev, step, concrete=False))
            if not inst.constraints:
                d = inst.a - inst.b
                how = _attempt(lambda: _cheap_zero(d), 5.0)
                if how:
                    step.method = "symbolic"
                    step.how = how + " (for every n)"
                    step.seconds = time.perf_counter() - t0
                    return
        concrete = step.n is not None
        rng = random.Random(1234 + index)
        for inst in self._instances(prev, step, concrete=concrete):
            how = self._check_instance(index, step, prev, inst, rng)
            if how not in hows:
                hows.append(how)
        step.method = (f"concrete {step.n[0]}={_range_text(step.n[1])}" if concrete
                       else "symbolic")
        step.how = "; ".join(hows)
        step.seconds = time.perf_counter() - t0

    def _check_instance(self, index, step, prev, inst: _Instance, rng) -> str:
        rel = step.relation
        a, b = inst.a, inst.b
        if rel in ("=", "d/dx"):
            # first without the equations (the symbols keep their signs), then with them
            diffs = [a - b]
            if inst.constraints:
                (a2, b2), _ = _apply_constraints([a, b], inst.constraints)
                if a2 - b2 != diffs[0]:
                    diffs.append(a2 - b2)
            for d in diffs:
                how = _cheap_zero(d)
                if how:
                    return how + (" using the stated equations" if d is not diffs[0] else "")
            counter = _counterexample(a, b, "=", inst.constraints, rng)
            if counter:
                raise DerivationError(
                    self._message(index, step, prev, inst, diffs[-1], counter=counter), counter)
            with _deadline(time.perf_counter() + budget.CHECK_SECONDS):
                for d in diffs:
                    how = _expensive_zero(d)
                    if how:
                        return how + (" using the stated equations" if d is not diffs[0]
                                      else "")
            raise DerivationError(self._message(index, step, prev, inst, diffs[-1]))
        if rel in ("<=", ">="):
            g = b - a if rel == "<=" else a - b
            counter = _counterexample(a, b, rel, inst.constraints, rng)
            if counter:
                raise DerivationError(self._message(index, step, prev, inst, g, counter=counter),
                                      counter)
            how = None
            with _deadline(time.perf_counter() + budget.CHECK_SECONDS):
                how = _prove_nonneg(g, step.lemmas, inst.constraints)
            if how:
                return how
            raise DerivationError(self._message(
                index, step, prev, inst, g, headline=f"is not proved ({rel}); the gap below "
                "could not be shown nonnegative"))
        if rel == "~":
            (a2, b2), _ = _apply_constraints([a, b], inst.constraints)
            sym, point, *direction = step.limit
            sym = _concretize(sym, inst.extra.get("subs", {})).xreplace(
                inst.extra.get("mapping", {}))
            d = a2 / b2 if step.approx == "ratio" else a2 - b2
            target = 1 if step.approx == "ratio" else 0
            args = (d, sym, point) + ((direction[0],) if direction else ())
            value = _attempt(lambda: sp.limit(*args), budget.STRATEGY_SECONDS * 2)
            if value is not None and sp.simplify(value - target) == 0:
                return f"limit of the {step.approx} is {target}"
            raise DerivationError(self._message(
                index, step, prev, inst, d,
                headline=f"is not proved: the limit of the {step.approx} as {sym} -> {point} "
                f"is {value if value is not None else 'unknown (SymPy gave no answer)'}, "
                f"not {target}"))
        raise ValueError(f"unknown relation {rel!r}")  # pragma: no cover

    # ------------------------------------------------------------------ messages
    def _where(self, index, step) -> str:
        name = f"{self.name!r}" if self.name else "derivation"
        return f"{name}, step {index + 1} ({step.why!r})"

    def _message(self, index, step, prev, inst, diff, counter=None, headline=None) -> str:
        headline = headline or "is not proved"
        lines = [f"{self._where(index, step)} {headline}.",
                 f"  previous: {sp.sstr(prev)}",
                 f"  claimed ({step.relation}): {sp.sstr(step.expr)}"]
        if inst.label:
            lines.append(f"  checked instance: {inst.label}")
            lines.append(f"    previous: {sp.sstr(inst.a)}")
            lines.append(f"    claimed:  {sp.sstr(inst.b)}")
        simp = None
        if not diff.has(sp.Integral) and sp.count_ops(diff) < 120:
            simp = _attempt(lambda: sp.simplify(diff), 1.0)
        if simp is None and not diff.has(sp.Integral):
            simp = _attempt(lambda: sp.cancel(sp.together(sp.expand_power_exp(diff))), 0.5)
        lines.append(f"  simplified difference: {sp.sstr(simp if simp is not None else diff)}")
        if counter:
            point, va, vb = counter
            where = ", ".join(f"{k}={float(v):.6g}" for k, v in
                              sorted(point.items(), key=lambda kv: str(kv[0])))
            lines.append(f"  counterexample: at {where}: previous = {va:.12g}, "
                         f"claimed = {vb:.12g}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ display
    def latex(self) -> str:
        r"""The chain as one ``\begin{aligned}`` block, one line a step with its reason."""
        return layout.chain_latex(self)

    def _repr_latex_(self) -> str:
        return "$$\n" + self.latex() + "\n$$"

    def _repr_html_(self) -> str:
        """The site's and Jupyter's form: reasons beside their steps, or under them on a
        narrow column (layout.chain_html); the PDF uses ``_repr_latex_``."""
        return layout.chain_html(self)

    def __str__(self) -> str:
        return layout.chain_text(self)

    def __repr__(self) -> str:
        return self.__str__()


# ===================================================================== helper functions
def _as_tuple(lemma) -> tuple:
    if lemma is None:
        return ()
    if isinstance(lemma, Lemma):
        return (lemma,)
    out = tuple(lemma)
    if not all(isinstance(x, Lemma) for x in out):
        raise TypeError("lemma= takes Lemma objects")
    return out


def _validate_step(step: Step) -> None:
    if step.relation not in _RELATIONS:
        raise ValueError(f"relation must be one of {_RELATIONS}, got {step.relation!r}")
    if step.relation == "~" and (step.limit is None or len(step.limit) not in (2, 3)):
        raise ValueError("relation '~' needs limit=(symbol, point) or (symbol, point, dir)")
    if step.relation == "d/dx" and step.wrt is None:
        raise ValueError("relation 'd/dx' needs wrt=<symbol>")
    if step.approx not in ("difference", "ratio"):
        raise ValueError("approx must be 'difference' or 'ratio'")
    if not step.why.strip():
        raise ValueError("every step needs a reason (why)")



def rejects(build: Callable[[], object], *also: type[Exception]) -> bool:
    """True iff building a chain raises :class:`DerivationError` (or one of the
    exception types ``also``, e.g. SymPy's ``ShapeError`` for a product of matrices
    whose shapes do not fit): the checker rejects it. The errata use it to show that a
    source's version of a step fails."""
    try:
        build()
    except (DerivationError, *also):
        return True
    return False
