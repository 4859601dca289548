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
from .errors import DerivationError, NotRefuted, Refuted
from .instances import (
    _apply_constraints,
    _check_assumption_types,
    _check_n,
    _concretize,
    _flatten_assumptions,
    _index_symbols,
    _Instance,
    _range_text,
    _unfold,
    make_instance,
    sized_instances,
)
from .search import _evaluate, confirm, counterexample, sample_points
from .strategies import Lemma, _cheap_zero, _expensive_zero, _linear_zero, _prove_nonneg

#: Labels of how a step was checked, strongest first (a chain has its weakest).
_RANK = {"symbolic": 3, "by": 2, "concrete": 1, "numeric": 0}
_RELATIONS = ("=", "<=", ">=", "~", "d/dx")


# ============================================================================ the chain
@dataclass
class Step:
    """One line of a derivation and how it was checked."""

    expr: sp.Expr
    why: str
    relation: str = "="
    #: "symbolic" | "by value" | "concrete n=a..b" (with fixed sizes: "concrete n=2..6, m=2")
    #: | "numeric"; set by the check (see :meth:`check_notes` for the displayed form)
    method: str = "symbolic"
    how: str = ""  # the strategies that proved it
    seconds: float = 0.0
    n: tuple | None = None
    limit: tuple | None = None
    wrt: sp.Expr | None = None
    lemmas: tuple = ()
    approx: str = "difference"
    samples: int = 0
    #: the sizes the check covered: ((symbol, (2, 3, 4, 5, 6)), ...) for n= and the
    #: chain's fixed sizes; empty for a check valid for every size
    sizes: tuple = ()
    #: both sides held integrals, compared by their values (not integrand by integrand)
    by_value: bool = False

    def label(self) -> str:
        """The method label from what the check covered (sets nothing)."""
        if self.method == "numeric":
            return "numeric"
        if self.sizes:
            return _sizes_label(self.sizes)
        return "by value" if self.by_value else "symbolic"

    def check_notes(self) -> list[str]:
        """What the check covered, as notes for the displayed line (``$...$`` is math):
        the concrete sizes, "numeric check only", integrals compared by value."""
        notes = []
        sizes = [f"${sp.latex(sp.Symbol(str(s)))} = "
                 + _range_text(v).replace("..", r", \dots, ").replace(",", ", ")
                 .replace(",  ", ", ") + "$" for s, v in self.sizes]
        if self.method == "numeric":
            notes.append("numeric check only" + (" for " + " and ".join(sizes) if sizes
                                                 else ""))
        elif sizes:
            notes.append("checked for " + " and ".join(sizes) + " only")
        if self.by_value:
            notes.append("integrals compared by value")
        return notes


class Derivation:
    """A chain of expressions; each step is appended only when SymPy proves it.

    ``Derivation(start, name=None, assumptions=None, fixed=None)``; see the package
    docstring for relations, dimensions and assumptions. ``fixed={m: 2}`` declares
    sizes the chain is written for (e.g. a design matrix with 2 feature columns):
    every step is then labelled ``concrete m=2`` (with its own ``n=`` range, if any),
    never symbolic. Attributes: ``start``, ``name``, ``assumptions``, ``fixed``,
    ``steps`` (list of :class:`Step`), ``lines`` (start and every step's expression),
    ``method``, ``seconds``.
    """

    def __init__(self, start, name: str | None = None, assumptions=None, fixed=None):
        self.start = sp.sympify(start)
        self.name = name
        self.assumptions = assumptions
        self.fixed = _check_fixed(fixed)
        self._facts = _flatten_assumptions(assumptions)
        _check_assumption_types(self._facts)
        self.steps: list[Step] = []

    # ------------------------------------------------------------------ properties
    @property
    def lines(self) -> list:
        return [self.start] + [s.expr for s in self.steps]

    @property
    def method(self) -> str:
        """The weakest label of the steps; for concrete steps the sizes every step was
        checked for (a chain checked for n = 2..6 in one step and n = 2..4 in another
        holds for n = 2..4 as far as the checks go)."""
        if not self.steps:
            return "symbolic"
        weakest = min((s.method for s in self.steps), key=lambda m: _RANK[m.split()[0]])
        if not weakest.startswith("concrete"):
            return weakest
        covered: dict = {}
        for s in self.steps:
            for sym, values in s.sizes:
                covered[sym] = [v for v in covered.get(sym, values) if v in values]
        fixed = dict(self.fixed)  # the chain's fixed sizes last, as on each step
        return _sizes_label(tuple(sorted(covered.items(), key=lambda kv: kv[0] in fixed)))

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
            # a size that is still a symbol is replaced by small sizes (the entries of a
            # vector summing to one are then sampled on the simplex)
            for sub in sized_instances(inst, limit=4):
                for point in sample_points(sub, rng, samples):
                    va, vb = _evaluate(sub.a, point), _evaluate(sub.b, point)
                    if va is None or vb is None:
                        continue
                    tol = 1e-10 * (1 + abs(va) + abs(vb))
                    bad = {"=": abs(va - vb) > tol, "<=": va > vb + tol, ">=": va < vb - tol}
                    if bad[relation]:
                        values = confirm(sub, relation, point)
                        if values is None:
                            continue  # a rounding artefact, not a counterexample
                        counter = ({**sub.extra.get("subs", {}), **point}, *values)
                        raise Refuted(self._message(
                            len(self.steps), step, prev, sub, sub.a - sub.b,
                            counter=counter, headline="fails the numeric check"), counter)
                    checked += 1
        if checked == 0:
            raise DerivationError(f"{self._where(len(self.steps), step)}: no point could be "
                                  "evaluated for the numeric check")
        step.how = f"{checked} random points"
        if step.n:
            step.how += f" for {step.n[0]}={_range_text(step.n[1])}"
            step.sizes = ((step.n[0], tuple(step.n[1])),)
        step.sizes += self.fixed
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
            probe = Derivation(self.lines[index], self.name, self.assumptions,
                               {s: v[0] for s, v in self.fixed})
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
            yield make_instance(prev, new, pairs_facts, subs, label, evaluate)

    def _check(self, index: int, step: Step) -> None:
        t0 = time.perf_counter()
        prev = self.lines[index]
        hows: list[str] = []

        def done(how: str, concrete: bool, evaluated=None) -> None:
            step.how = how
            step.sizes = ((step.n[0], tuple(step.n[1])),) if concrete else ()
            step.sizes += self.fixed
            step.by_value = evaluated is not None and _integrals_evaluated(evaluated)
            step.method = step.label()
            step.seconds = time.perf_counter() - t0

        if step.relation == "=":
            # linearity: sums over the same range (or two integrals) with summands that
            # cancel; checked before anything is evaluated, valid for every n
            inst = next(self._instances(prev, step, concrete=False, evaluate=False))
            if not inst.constraints:
                how = _attempt(lambda: _linear_zero(inst.a - inst.b), 8.0)
                if how:
                    return done(how, False)
            if step.n is None and (inst.a.has(sp.Integral) or inst.b.has(sp.Integral)):
                # evaluating integrals symbolically is slow: look for a numeric
                # counterexample first (quadrature), which can only reject
                counter = counterexample(inst, "=", random.Random(4321 + index), count=2)
                if counter:
                    raise self._refuted(index, step, prev, inst, inst.a - inst.b, counter)
        if step.n is not None and step.relation in ("=", "d/dx"):
            # one symbolic attempt first: if it works the step holds for every n
            inst = next(self._instances(prev, step, concrete=False))
            if not inst.constraints:
                d = inst.a - inst.b
                how = _attempt(lambda: _cheap_zero(d), 5.0)
                if how:
                    return done(how + " (for every n)", False, inst)
        concrete = step.n is not None
        rng = random.Random(1234 + index)
        first = None
        for inst in self._instances(prev, step, concrete=concrete):
            first = first or inst
            how = self._check_instance(index, step, prev, inst, rng)
            if how not in hows:
                hows.append(how)
        done("; ".join(hows), concrete, first)

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
            counter = counterexample(inst, "=", rng)
            if counter:
                raise self._refuted(index, step, prev, inst, diffs[-1], counter)
            with _deadline(budget.CHECK_SECONDS):
                for d in diffs:
                    how = _expensive_zero(d)
                    if how:
                        return how + (" using the stated equations" if d is not diffs[0]
                                      else "")
            raise self._not_proved(index, step, prev, inst, diffs[-1], "=", rng)
        if rel in ("<=", ">="):
            g = b - a if rel == "<=" else a - b
            counter = counterexample(inst, rel, rng)
            if counter:
                raise self._refuted(index, step, prev, inst, g, counter)
            how = None
            with _deadline(budget.CHECK_SECONDS):
                how = _prove_nonneg(g, step.lemmas, inst.constraints)
            if how:
                return how
            raise self._not_proved(index, step, prev, inst, g, rel, rng,
                                   f"is not proved ({rel}); the gap below could not be "
                                   "shown nonnegative")
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
            if _definite(value):  # a computed limit that differs: the step is false
                where = None
                if value.free_symbols:  # it differs at a point satisfying the assumptions
                    limit_inst = _Instance(inst.label, value, sp.Integer(target),
                                           inst.constraints)
                    where = counterexample(limit_inst, "=", rng, count=6, deep=True)
                if not value.free_symbols or where:
                    at = "" if not where else " (at " + ", ".join(
                        f"{k}={float(v):.6g}" for k, v in where[0].items()) + \
                        f": {where[1]:.12g})"
                    raise Refuted(self._message(
                        index, step, prev, inst, d,
                        headline=f"is refuted: the limit of the {step.approx} as {sym} -> "
                        f"{point} is {value}{at}, not {target}"), where, evidence="limit")
            raise DerivationError(self._message(
                index, step, prev, inst, d,
                headline=f"is not proved: the limit of the {step.approx} as {sym} -> {point} "
                f"is {value if value is not None else 'unknown (SymPy gave no answer)'}, "
                f"not {target}"))
        raise ValueError(f"unknown relation {rel!r}")  # pragma: no cover

    # ------------------------------------------------------------------ messages
    def _refuted(self, index, step, prev, inst, diff, counter) -> Refuted:
        return Refuted(self._message(index, step, prev, inst, diff, counter=counter,
                                     headline="is refuted by a counterexample"), counter)

    def _not_proved(self, index, step, prev, inst, diff, rel, rng, headline=None):
        """The error for a step no strategy proved: a :class:`Refuted` if a deeper search
        (more sizes, magnitudes and points) finds a counterexample, else a plain
        :class:`DerivationError` that says nothing refutes it."""
        counter = counterexample(inst, rel, rng, count=6, deep=True)
        if counter:
            return self._refuted(index, step, prev, inst, diff, counter)
        headline = (headline or "is not proved") + (
            "; no counterexample satisfying the assumptions was found (it may be true)")
        return DerivationError(self._message(index, step, prev, inst, diff, headline=headline))

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
    """True iff building a chain is *refuted*: it raises :class:`Refuted` (a
    counterexample satisfying the assumptions, confirmed at 60 digits, or a computed
    limit that differs) or one of the exception types ``also`` (e.g. SymPy's
    ``ShapeError`` for a product of matrices whose shapes do not fit: a shape
    impossibility). False if it builds. If it fails only because SymPy could not prove
    a step, that is no refutation: :class:`NotRefuted` is raised, so an erratum check
    that relies on it fails with a message instead of passing on a statement that may
    be true. The errata use ``rejects`` to show that a source's version is false."""
    for kind in also:
        if not (isinstance(kind, type) and issubclass(kind, Exception)):
            raise TypeError(f"also= takes exception types, got {kind!r}")
        if issubclass(DerivationError, kind):
            raise TypeError(f"{kind.__name__} would count a mere 'not proved' as a "
                            "refutation; name the specific exception (e.g. ShapeError)")
    try:
        build()
    except Refuted:
        return True
    except also:
        return True
    except DerivationError as err:
        raise NotRefuted("not refuted: SymPy could not prove the statement, but no "
                         "counterexample satisfying its assumptions was found and no "
                         "computed value or limit differs, so it may be true.\n"
                         + str(err)) from err
    return False


def _definite(value) -> bool:
    """A limit SymPy computed: a number, an infinity or an expression in the other
    symbols (not an unevaluated Limit, not AccumBounds)."""
    return (value is not None and isinstance(value, sp.Expr)
            and not value.has(sp.Limit, sp.AccumBounds, sp.nan, sp.zoo))


def _integrals_evaluated(inst) -> bool:
    """Both sides of the step held integrals and the check compared their values."""
    prev, new, _ = inst.source
    return (_unfold(prev).has(sp.Integral) and _unfold(new).has(sp.Integral)
            and not (inst.a.has(sp.Integral) and inst.b.has(sp.Integral)))


def _check_fixed(fixed) -> tuple:
    """``fixed={m: 2}`` as ``((m, "2"),)``; sizes are symbols (for the label) and
    nonnegative integers."""
    if not fixed:
        return ()
    out = []
    for s, v in dict(fixed).items():
        if not isinstance(s, sp.Symbol) or int(v) != v or v < 0:
            raise TypeError("fixed= maps size symbols to nonnegative integers, e.g. {m: 2}")
        out.append((s, (int(v),)))
    return tuple(out)


def _sizes_label(sizes) -> str:
    """``concrete n=2..6, m=2`` (no sizes in common: ``concrete (no common size)``)."""
    return "concrete " + ", ".join(
        f"{s}={_range_text(v) if v else 'none in common'}" for s, v in sizes)
