r"""Machine-checked derivations: a chain of expressions, each step proved by SymPy.

A :class:`Derivation` starts at an expression; every :meth:`Derivation.step` gives the
next line, the reason for it, and how it relates to the line before. The step is
appended only if SymPy proves the relation; otherwise :class:`DerivationError`
(an ``AssertionError``) is raised with both sides, the simplified difference and,
where one exists, a numeric counterexample.

Relations (``relation=``):

``"="`` (default)
    the new line equals the previous one. Strategies, fastest first: the difference is
    literally 0; ``expand``; exponentials turned into rational functions
    (``exp(a+b) -> exp(a) exp(b)``, ``exp(-x) -> 1/exp(x)``) then ``cancel``; if none
    of those works, a numeric counterexample search (which can only *reject*); then
    ``expand_log``/``logcombine`` (``force`` only when every log argument is provably
    positive), case splits on ``Max``/``Min``/``Abs`` of symbols, ``simplify``,
    ``rewrite(exp)``, and ``Expr.equals`` (which answers True only from a proof).
``"<="`` / ``">="``
    ``"<="`` means *previous <= new* and ``">="`` means *previous >= new*, as the
    aligned chain reads (``a &\le b``). Proved by showing the gap is nonnegative with
    SymPy's assumptions
    (``is_nonnegative`` of normal forms, the sign of numerator and denominator,
    ``log A >= 0`` from ``A - 1 >= 0``), after case splits on ``Max``/``Min`` and after
    applying the :class:`Lemma` objects passed as ``lemma=``. A lemma such as
    :data:`LOG_LE_X_MINUS_1` (:math:`\log u \le u - 1` for :math:`u > 0`) is itself
    proved when it is built (a convex function at its stationary point, or a monotone
    function from its end point); applying it replaces each matching atom
    ``log(w)`` (with ``w`` provably positive) by ``w - 1 - S_w`` with a fresh slack
    ``S_w >= 0`` (``S[k]`` inside a sum over k): an exact identity, so the proof stays
    a proof. Nothing else is assumed: an inequality SymPy cannot sign fails.
``"~"`` with ``limit=(symbol, point)`` (optionally ``approx="ratio"``)
    an approximation: ``limit(previous - new, symbol, point) == 0`` (or the ratio
    tends to 1). Shown as :math:`\approx` with the limit stated.
``"d/dx"`` with ``wrt=x``
    the new line is the derivative of the previous line with respect to ``x``
    (``Derivative(previous, x).doit()`` must equal the new line as for ``"="``).

Dimensions: ``n=(n_symbol, range(2, 7))`` checks the step for every concrete
``n`` in the range (any integer symbol and nonnegative values will do, e.g. a label
``(z, (0, 1))``, labelled ``concrete z=0,1``), and for every value 1..n of each integer
symbol used as an index (in ``x[i]`` or ``KroneckerDelta(i, j)``): sums are written out
with ``.doit()`` and ``x[3]`` becomes a plain symbol with the IndexedBase's assumptions. Before the
concrete checks the step is tried once symbolically (cheap strategies only); if that
proves it, the step is ``symbolic``, otherwise it is labelled ``concrete n=2..6``,
never "proved". A rewrite never maps an expression that depends on a summation index
to a single symbol.

Assumptions (``Derivation(..., assumptions=...)``): a SymPy boolean or a list of them.
``Q.positive(x)`` (also ``nonnegative``, ``negative``, ``nonpositive``, ``real``,
``integer``) and ``x > 0`` style relations replace ``x`` by a symbol carrying the
assumption (``Q.positive(p)`` for an IndexedBase ``p`` covers every entry);
an equation such as ``Eq(Sum(p[k], (k, 1, n)), 1)`` is used by solving it for one
symbol and substituting (checked per concrete ``n``); other inequalities are used by
introducing a nonnegative slack. The numeric counterexample search only samples
points that satisfy the assumptions.

:meth:`Derivation.numeric` records a step checked only at random points: labelled
``numeric``, never shown as a proof. ``Derivation.method`` is the weakest label of
its steps: ``"symbolic"`` > ``"concrete n=a..b"`` > ``"numeric"``.

Display: :meth:`Derivation.latex` gives one ``aligned`` block, one line a step with
its reason (``&= ... && \text{(reason)}``), using only macros MathJax 3's default TeX
packages define; in Jupyter a Derivation renders as math (``_repr_latex_``).

Registry: ``@claim(id, chapter="chNN")`` registers a zero-argument function that
builds (and so checks) a Derivation; :mod:`lossbook.chains` discovers the chain
modules and ``python -m lossbook verify`` re-checks every claim.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import random
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sympy as sp
from sympy.assumptions.assume import AppliedPredicate

__all__ = [
    "Derivation",
    "DerivationError",
    "Lemma",
    "Step",
    "Claim",
    "claim",
    "registered_claims",
    "LOG_LE_X_MINUS_1",
    "EXP_LE_ONE",
    "EXP_GE_ONE_PLUS_X",
]

#: Seconds one expensive strategy may run before it is abandoned (counts as "not proved").
STRATEGY_SECONDS = 10.0
#: Seconds all strategies of one check (one concrete instance) may take together.
CHECK_SECONDS = 30.0
#: Search for numeric counterexamples (they only ever reject, and make failing fast).
#: The tests switch it off to show that the symbolic strategies alone reject wrong steps.
USE_COUNTEREXAMPLES = True

_RANK = {"symbolic": 2, "concrete": 1, "numeric": 0}
_RELATIONS = ("=", "<=", ">=", "~", "d/dx")


class DerivationError(AssertionError):
    """A step SymPy could not prove (or a check that found a counterexample).

    ``counterexample`` is None or ``(point, previous_value, claimed_value)``: a point
    (symbol -> number) where the claimed relation visibly fails.
    """

    def __init__(self, message: str, counterexample=None):
        super().__init__(message)
        self.counterexample = counterexample


class _Timeout(BaseException):
    """Raised inside a strategy that ran out of time (BaseException: never swallowed)."""


_DEADLINES: list[float] = []  # the active time limits, innermost last


def _on_alarm(signum, frame):
    raise _Timeout()


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` (main thread only; elsewhere no limit).

    Limits nest: an inner limit never outlasts the enclosing one.
    """
    if (seconds is None or not hasattr(signal, "setitimer")  # e.g. Windows: no limit
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    now = time.monotonic()
    deadline = now + max(seconds, 0.01)
    if _DEADLINES:
        deadline = min(deadline, _DEADLINES[-1])
    previous = signal.signal(signal.SIGALRM, _on_alarm) if not _DEADLINES else None
    _DEADLINES.append(deadline)
    signal.setitimer(signal.ITIMER_REAL, max(deadline - now, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _DEADLINES.pop()
        if _DEADLINES:
            signal.setitimer(signal.ITIMER_REAL, max(_DEADLINES[-1] - time.monotonic(), 0.001))
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


def _attempt(fn, seconds):
    """Run ``fn()``; None if it times out or SymPy raises (a crash is "not proved")."""
    try:
        with _time_limit(seconds):
            return fn()
    except _Timeout:
        return None
    except Exception:  # noqa: BLE001 - SymPy raises many kinds; none of them proves anything
        return None


# =============================================================================== lemmas
class Lemma:
    r"""A one-variable inequality ``lhs <= rhs`` (or ``>=``), proved when it is built.

    ``var`` carries the domain as SymPy assumptions (``positive=True`` ...). ``lhs``
    must be a single function applied to ``var`` (``log(u)``, ``exp(w)``): applying the
    lemma to an expression replaces every ``f(w)`` whose argument satisfies the domain
    by ``rhs(w) -+ S`` with a fresh slack ``S >= 0`` (inside a sum over ``k`` an indexed
    slack ``S[k] >= 0``: one per term).

    The proof of ``h = rhs - lhs >= 0`` (or ``lhs - rhs``) on the domain is one of:
    ``h.is_nonnegative``; convexity (``h''`` is nonnegative on the domain, ``h'`` has a
    root ``c`` in the domain, ``h(c) >= 0``); monotonicity from the closed end of the
    domain (``h' >= 0`` with ``h(0) >= 0`` on ``[0, oo)``, ``h' <= 0`` with
    ``h(0) >= 0`` on ``(-oo, 0]``). ``.proof`` says which.
    """

    def __init__(self, name: str, lhs, rhs, var: sp.Symbol, relation: str = "<="):
        if relation not in ("<=", ">="):
            raise ValueError("a lemma's relation is '<=' or '>='")
        self.name, self.lhs, self.rhs, self.var, self.relation = name, lhs, rhs, var, relation
        if len(lhs.args) != 1 or lhs.args[0] != var:
            raise ValueError("lemma lhs must be a function of the variable alone, like log(u)")
        self._gap = sp.sympify(rhs - lhs if relation == "<=" else lhs - rhs)
        self._proof: str | None = None

    @property
    def proof(self) -> str:
        """How the lemma was proved (proved on first use; raises if it cannot be)."""
        if self._proof is None:
            proof = _prove_univariate_nonneg(self._gap, self.var)
            if proof is None:
                raise DerivationError(f"lemma {self.name!r} ({self.lhs} {self.relation} "
                                      f"{self.rhs}) could not be proved")
            self._proof = proof
        return self._proof

    def latex(self) -> str:
        rel = r"\le" if self.relation == "<=" else r"\ge"
        return f"{sp.latex(self.lhs)} {rel} {sp.latex(self.rhs)}"

    def __repr__(self):
        return f"Lemma({self.name!r}: {self.lhs} {self.relation} {self.rhs})"

    def _in_domain(self, w) -> bool:
        v = self.var
        checks = {
            "positive": w.is_positive, "nonnegative": w.is_nonnegative,
            "negative": w.is_negative, "nonpositive": w.is_nonpositive, "real": w.is_real,
        }
        for key, value in checks.items():
            if v.assumptions0.get(key) and value is not True:
                return False
        return True

    def apply(self, expr, slacks: dict):
        """``expr`` with every matching atom replaced by ``rhs -+ slack`` (exact identity).

        For ``exp`` the argument may be a sum: ``exp(a + w) = exp(a) exp(w)`` and only
        the part ``w`` in the lemma's domain is bounded.
        """
        self.proof  # noqa: B018 - a lemma is used only once it is proved
        head = self.lhs.func

        bound_vars = _bound_symbols(expr)

        def bounded(w):
            key = (self.name, w)
            if key not in slacks:
                # inside a sum the slack depends on the index: an indexed slack S[k]
                slacks[key] = sp.IndexedBase(f"_slack{len(slacks)}", nonnegative=True)
            inside = sorted(w.free_symbols & bound_vars, key=lambda v: v.name)
            slack = slacks[key][tuple(inside)] if inside else slacks[key].label
            bound = self.rhs.subs(self.var, w)
            return bound - slack if self.relation == "<=" else bound + slack

        def replace(e):
            w = e.args[0]
            if self._in_domain(w):
                return bounded(w)
            if head is sp.exp and isinstance(w, sp.Add):
                inside = [t for t in w.args if self._in_domain(t)]
                if inside:
                    part = sp.Add(*inside)
                    if self._in_domain(part):
                        return sp.exp(w - part) * bounded(part)
            return e

        return expr.replace(lambda e: isinstance(e, head) and len(e.args) == 1, replace)


def _prove_univariate_nonneg(h, u):
    """A proof (as text) that h(u) >= 0 on u's domain, or None."""
    h = sp.sympify(h)
    if h.is_nonnegative:
        return "nonnegative by SymPy's assumptions"
    d1 = sp.simplify(sp.diff(h, u))
    d2 = sp.simplify(sp.diff(h, u, 2))
    if d2.is_nonnegative:
        roots = _attempt(lambda: sp.solve(d1, u), 10) or []
        for c in roots:
            if _in_domain_of(c, u) and sp.simplify(h.subs(u, c)).is_nonnegative:
                return (f"convex ({sp.sstr(sp.diff(h, u, 2))} >= 0), stationary at "
                        f"{u} = {c}, value {sp.simplify(h.subs(u, c))} >= 0")
    a = u.assumptions0
    if a.get("nonnegative") or a.get("positive"):
        at0 = sp.limit(h, u, 0, "+")
        if d1.is_nonnegative and at0.is_nonnegative:
            return f"increasing ({sp.sstr(d1)} >= 0) from the value {at0} at 0"
    if a.get("nonpositive") or a.get("negative"):
        at0 = sp.limit(h, u, 0, "-")
        if d1.is_nonpositive and at0.is_nonnegative:
            return f"decreasing ({sp.sstr(d1)} <= 0) to the value {at0} at 0"
    return None


def _in_domain_of(c, u) -> bool:
    a = u.assumptions0
    if not c.is_real:
        return False
    if a.get("positive") and not c.is_positive:
        return False
    if a.get("nonnegative") and not c.is_nonnegative:
        return False
    if a.get("negative") and not c.is_negative:
        return False
    if a.get("nonpositive") and not c.is_nonpositive:
        return False
    return True


_u = sp.Symbol("u", positive=True)
_w = sp.Symbol("w", nonpositive=True)
_t = sp.Symbol("t", real=True)
#: :math:`\log u \le u - 1` for :math:`u > 0` (convex gap, minimum 0 at u = 1).
LOG_LE_X_MINUS_1 = Lemma("log u <= u - 1", sp.log(_u), _u - 1, _u)
#: :math:`e^{w} \le 1` for :math:`w \le 0`.
EXP_LE_ONE = Lemma("exp w <= 1 for w <= 0", sp.exp(_w), sp.Integer(1), _w)
#: :math:`e^{t} \ge 1 + t` for real t.
EXP_GE_ONE_PLUS_X = Lemma("exp t >= 1 + t", sp.exp(_t), 1 + _t, _t, relation=">=")


# ======================================================================= preprocessing
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


# =================================================================== equality strategies
def _exp_atoms_to_symbols(expr):
    """exp(a + b) -> U_a U_b, exp(c t) -> U_t**c: rational in independent positive U's.

    Treating U_t as independent of t is sound: an identity in independent variables
    holds in particular when U_t = e^t. Exponentials of anything that mentions a
    summation index stay as they are (they are not one number).
    """
    expr = sp.expand_power_exp(expr)
    bound = _bound_symbols(expr)
    table: dict = {}

    def sym_for(term):
        if term not in table:  # e^t > 0 only for real t
            table[term] = sp.Dummy("U", positive=True) if term.is_real else sp.Dummy("U")
        return table[term]

    def repl(arg):
        parts = sp.Add.make_args(sp.expand(arg))
        out = sp.Integer(1)
        for part in parts:
            c, t = part.as_coeff_Mul()
            if t == 1:
                out *= sp.exp(c)
            elif c.is_Rational:
                out *= sym_for(t) ** c
            else:
                out *= sym_for(part)
        return out

    return expr.replace(lambda e: isinstance(e, sp.exp) and not (e.free_symbols & bound),
                        lambda e: repl(e.args[0]))


def _is_zero_rational(d):
    d = _exp_atoms_to_symbols(d)
    return sp.cancel(sp.together(d)) == 0


def _logs_positive(expr) -> bool:
    """True when every factor of every log argument is provably positive."""
    for lg in expr.atoms(sp.log):
        for f in sp.Mul.make_args(lg.args[0]):
            if f.is_Pow and not f.exp.is_real:
                return False
            base = f.base if f.is_Pow else f
            if not base.is_positive:
                return False
    return True


def _factor_sums(expr):
    """Inside each Sum: split exponentials and pull constant factors out."""
    from sympy.simplify.simplify import factor_sum

    def fix(*args):
        s = sp.Sum(sp.expand(sp.expand_power_exp(args[0])), *args[1:])
        return factor_sum(s)

    return expr.replace(lambda e: isinstance(e, sp.Sum), lambda e: fix(*e.args))


def _cheap_zero(d) -> str | None:
    if d == 0:
        return "identical"
    if _attempt(lambda: sp.expand(d) == 0, 3.0):
        return "expand"
    if _attempt(lambda: _is_zero_rational(d), 5.0):
        return "rational in exp"
    if d.has(sp.Sum):
        f = _attempt(lambda: _factor_sums(d), 3.0)
        if f is not None and _attempt(lambda: _is_zero_rational(f), 5.0):
            return "sums factored, rational in exp"
    if d.has(sp.log) and _logs_positive(d):
        e = _attempt(lambda: sp.expand_log(d, force=True), 3.0)
        if e is not None and e != d and (
                e == 0 or _attempt(lambda: _is_zero_rational(e), 5.0)):
            return "expand_log (log arguments positive), rational in exp"
    return None


def _linear_zero(d) -> str | None:
    """Prove ``d == 0`` when d is a combination of sums (or of two integrals) over the
    same range whose combined summand (integrand) is 0.

    Finite sums are linear, so any number of Sum terms with one range combine. Two
    integrals ``c1 * Integral(f1) + c2 * Integral(f2)`` with ``c1 f1 + c2 f2 == 0`` are
    the same integral whether or not it converges; more integrals are not combined
    (``oo - oo``). Coefficients must not contain the bound variables.
    """
    terms = sp.Add.make_args(d)
    parts = []
    for term in terms:
        objs = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Integral | sp.Sum)]
        if len(objs) != 1:
            return None
        obj = objs[0]
        coeff = term / obj
        if coeff.free_symbols & set(obj.variables):
            return None
        parts.append((coeff, obj))
    if not parts:
        return None
    kind, limits = type(parts[0][1]), parts[0][1].limits
    if any(type(o) is not kind or o.limits != limits for _, o in parts):
        return None
    if kind is sp.Integral and len(parts) != 2:
        return None
    summand = sp.Add(*[c * o.function for c, o in parts])
    how = _cheap_zero(summand)
    if how:
        what = "integrands" if kind is sp.Integral else "summands"
        return f"{what} cancel ({how}), for every range"
    return None


def _case_splits(expr):
    """Case substitutions for Max/Min/Abs of linear expressions: a list of dicts or None.

    Each case adds constraints (``e >= 0``) made exact by a nonnegative slack solved for
    one symbol; together the cases cover every point, so proving all cases proves the
    statement.
    """
    atoms = [a for a in expr.atoms(sp.Max, sp.Min, sp.Abs)]
    if not atoms:
        return None
    atom = sorted(atoms, key=sp.default_sort_key)[0]
    if atom.free_symbols & _bound_symbols(expr):
        return None  # a Max inside a sum depends on the index
    if not all(a.is_real for a in atom.args):
        return None  # the cases "a >= 0" and "a <= 0" cover only real values
    cases = []
    if isinstance(atom, sp.Abs):
        conditions = [[atom.args[0]], [-atom.args[0]]]
    else:
        args = list(atom.args)
        conditions = []
        for j, aj in enumerate(args):
            if isinstance(atom, sp.Max):
                conditions.append([aj - ak for k, ak in enumerate(args) if k != j])
            else:
                conditions.append([ak - aj for k, ak in enumerate(args) if k != j])
    for j, conds in enumerate(conditions):
        subs: dict = {}
        # keep the winning argument's symbols free: solve for the others
        keep = set() if isinstance(atom, sp.Abs) else set(atom.args[j].free_symbols)
        ok = True
        for c in conds:
            c = sp.expand(c.xreplace(subs))
            if c.is_nonnegative:
                continue
            if c.is_negative:
                ok = None  # an impossible case: nothing to prove
                break
            slack = sp.Dummy("D", nonnegative=True)
            found = _solve_linear_for(c - slack, set(subs) | keep)
            if found is None:
                found = _solve_linear_for(c - slack, set(subs))
            if found is None:
                return None
            s, sol = found
            subs = {k: v.xreplace({s: sol}) for k, v in subs.items()}
            subs[s] = sol
        if ok is None:
            continue
        cases.append(subs)
    return cases


def _expensive_zero(d) -> str | None:
    if d.has(sp.log):
        force = _logs_positive(d)
        e = _attempt(lambda: sp.expand_log(d, force=force), 3.0)
        if e is not None and (e == 0 or _cheap_zero(e)):
            return "expand_log" + (" (all log arguments positive)" if force else "")
        e = _attempt(lambda: sp.logcombine(d, force=force), 3.0)
        if e is not None and (e == 0 or _cheap_zero(e)):
            return "logcombine"
    cases = _case_splits(d)
    if cases:
        if all(_cheap_zero(sp.expand(d.xreplace(c))) or _attempt(
                lambda c=c: sp.simplify(d.xreplace(c)) == 0, STRATEGY_SECONDS) for c in cases):
            return f"case split ({len(cases)} cases)"
    if _attempt(lambda: sp.simplify(d) == 0, STRATEGY_SECONDS):
        return "simplify"
    if d.has(sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign):
        e = _attempt(lambda: sp.piecewise_fold(d.rewrite(sp.Piecewise)), 3.0)
        if e is not None and _attempt(lambda: sp.simplify(e) == 0, STRATEGY_SECONDS):
            return "piecewise simplify"
    e = _attempt(lambda: d.rewrite(sp.exp), 3.0)
    if e is not None and e != d and _attempt(lambda: _is_zero_rational(e), 5.0):
        return "rewrite(exp)"
    if _attempt(lambda: d.equals(0), STRATEGY_SECONDS) is True:
        return "equals"
    return None


# ================================================================= inequality strategies
def _nonneg_forms(g, expensive: bool):
    """Normal forms of g to ask SymPy's assumptions about (lazily)."""
    if not expensive:
        yield g
        yield sp.expand(g)
        return
    if g.has(sp.log):
        force = _logs_positive(g)
        yield sp.expand_log(g, force=force)
        yield sp.logcombine(g, force=force)
    yield sp.factor(sp.together(sp.expand_power_exp(g)))
    yield sp.cancel(sp.together(g))
    yield sp.simplify(g)


def _is_nonneg_form(f) -> bool:
    if f.is_nonnegative:
        return True
    if isinstance(f, sp.Add) and all(_quick_nonneg(t) for t in f.args):
        return True  # a sum of parts each nonnegative on its own
    num, den = sp.fraction(sp.together(f))
    if den != 1 and den.is_positive:
        if num.is_nonnegative or sp.expand(num).is_nonnegative:
            return True
    if den != 1 and den.is_negative and num.is_nonpositive:
        return True
    return False


def _quick_nonneg(t) -> bool:
    if t.is_nonnegative:
        return True
    if isinstance(t, sp.log) and t.args[0].is_positive:  # log A >= 0 iff A >= 1
        return bool(sp.expand(t.args[0] - 1).is_nonnegative)
    return False


def _prove_nonneg_basic(g, expensive: bool = True) -> bool:
    for f in _nonneg_forms(g, expensive):
        if _attempt(lambda f=f: _is_nonneg_form(f), 5.0):
            return True
    return False


def _log_reduced(g):
    """An algebraic expression with the same sign as ``g``, when g is a log inequality.

    With A, B > 0 and R free of logs: ``log B - log A + R`` has the sign of
    ``B e^R - A`` (log is increasing); ``log B + R`` that of ``B e^R - 1``;
    ``R - log A`` that of ``e^R - A``. Returns None when no such form applies.
    """
    plus, minus, rest = [], [], []
    for term in sp.Add.make_args(g):
        if isinstance(term, sp.log):
            plus.append(term.args[0])
        elif isinstance(-term, sp.log):
            minus.append((-term).args[0])
        elif term.has(sp.log):
            return None
        else:
            rest.append(term)
    if len(plus) > 1 or len(minus) > 1 or not (plus or minus):
        return None
    b = plus[0] if plus else sp.Integer(1)
    a = minus[0] if minus else sp.Integer(1)
    r = sp.Add(*rest)
    if not (a.is_positive and b.is_positive and r.is_real):
        return None
    return b * sp.exp(r) - a if r != 0 else b - a


def _prove_nonneg(g, lemmas, constraints) -> str | None:
    """A short description of how g >= 0 was proved, or None."""
    variants = [g]
    if constraints:
        (gc,), _ = _apply_constraints([g], constraints)
        if gc != g:
            variants.append(gc)
    via = " via " + ", ".join(lem.name for lem in lemmas) if lemmas else ""
    for v in variants:
        cases = _case_splits(v)
        if cases is None:
            pieces, split = [v], ""
        else:
            pieces = [sp.expand_power_exp(v.xreplace(c)) for c in cases]
            split = f"case split ({len(cases)} cases), "
        for piece in pieces:
            if not _prove_piece(piece, lemmas):
                break
        else:
            return split + "sign by assumptions" + (via if lemmas else "")
    return None


def _combine_sums(g):
    """A linear combination of sums over one range as a single sum (finite sums are
    linear), its summand expanded; None if g is not such a combination."""
    parts = []
    for term in sp.Add.make_args(g):
        objs = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(objs) != 1:
            return None
        coeff = term / objs[0]
        if coeff.free_symbols & set(objs[0].variables):
            return None
        parts.append((coeff, objs[0]))
    if len(parts) < 2 or any(o.limits != parts[0][1].limits for _, o in parts):
        return None
    return sp.Sum(sp.expand(sp.Add(*[c * o.function for c, o in parts])), *parts[0][1].limits)


def _prove_piece(h, lemmas) -> bool:
    """Prove h >= 0: cheap forms of every candidate first, then the expensive ones."""
    candidates = [h]
    red = _attempt(lambda: _log_reduced(h), 5.0) if h.has(sp.log) else None
    if red is not None:
        candidates.append(red)
    if lemmas:
        slacks: dict = {}
        for shape in list(candidates):
            for base in (shape, _attempt(lambda shape=shape: sp.expand_power_exp(
                    sp.expand(shape)), 3.0)):
                if base is None:
                    continue
                lemmed = base
                for lem in lemmas:
                    lemmed = lem.apply(lemmed, slacks)
                if lemmed != base and lemmed not in candidates:
                    candidates.append(lemmed)
    for cand in list(candidates):
        if cand.has(sp.Sum):
            combined = _attempt(lambda cand=cand: _combine_sums(cand), 3.0)
            if combined is not None:
                candidates.append(combined)
    for expensive in (False, True):
        for c in candidates:
            if _attempt(lambda c=c, e=expensive: _prove_nonneg_basic(c, e), STRATEGY_SECONDS):
                return True
    return False


# ===================================================================== numeric sampling
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
    if not USE_COUNTEREXAMPLES:
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
            with _deadline(time.perf_counter() + CHECK_SECONDS):
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
            with _deadline(time.perf_counter() + CHECK_SECONDS):
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
            value = _attempt(lambda: sp.limit(*args), STRATEGY_SECONDS * 2)
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
        rows = []
        first = _latex(self.start)
        lines = [f"&{_relation_latex(s)} {_latex(s.expr)}" for s in self.steps]
        # The block is as wide as its widest cell in each column. When the start and the
        # steps side by side would fill most of the text column, the start gets a row of
        # its own (left-aligned above the steps); reasons that would still overflow stack.
        widest = max(map(_display_width, lines), default=0)
        own_row = bool(lines) and _display_width(first) + widest > 0.75 * _ROW_WIDTH
        width = max(_display_width(first), widest) if own_row else _display_width(first) + widest
        if own_row:
            rows.append(f"& {first}")
        for k, (s, line) in enumerate(zip(self.steps, lines, strict=True)):
            reason = _reason_latex(s)
            if width + _display_width(reason) > _ROW_WIDTH:
                reason = _reason_latex(s, stacked=True)  # too wide: one note a line
            rows.append(f"{first if k == 0 and not own_row else ''} {line} && {reason}")
        if not rows:
            rows.append(f"{first} &")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return "$$\n" + self.latex() + "\n$$"

    def __str__(self) -> str:
        head = f"Derivation {self.name!r}" if self.name else "Derivation"
        out = [f"{head} [{self.method}]", f"    {sp.sstr(self.start)}"]
        for s in self.steps:
            rel = {"d/dx": f"d/d{s.wrt} ->"}.get(s.relation, s.relation)
            tag = "" if s.method == "symbolic" else f"; {s.method}"
            out.append(f"  {rel} {sp.sstr(s.expr)}    ({s.why}{tag})")
        return "\n".join(out)

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


def _concretize_fact(f):
    if isinstance(f, sp.Eq | sp.Ge | sp.Gt | sp.Le | sp.Lt):
        lhs, rhs = _concretize(f.lhs, {}), _concretize(f.rhs, {})
        return type(f)(lhs, rhs, evaluate=False)
    return f


@contextlib.contextmanager
def _deadline(t_end: float):
    """Bound the whole expensive phase of one check."""
    remaining = t_end - time.perf_counter()
    try:
        with _time_limit(remaining):
            yield
    except _Timeout:
        pass


_REL_LATEX = {"=": "=", "<=": r"\le", ">=": r"\ge", "~": r"\approx"}


def _relation_latex(step: Step) -> str:
    if step.relation == "d/dx":
        w = sp.latex(step.wrt)
        d = r"\partial" if isinstance(step.wrt, sp.Indexed) else "d"
        return r"\overset{" + d + "/" + d + " " + w + r"}{\longmapsto}"
    return _REL_LATEX[step.relation]


_TEXT_SAFE = str.maketrans({"\\": "/", "{": "(", "}": ")", "%": " percent", "&": "and",
                            "#": "no.", "^": "", "~": "-", "$": ""})


def _text(s: str) -> str:
    s = s.translate(_TEXT_SAFE)
    return r"\text{" + s + "}" if s else ""


def _reason_parts(step: Step) -> list[str]:
    """The reason of a step and its notes (how it was checked, the limit, the lemmas),
    each a string with ``$...$`` for math."""
    notes = []
    if step.method.startswith("concrete"):
        name, lo_hi = step.method.split(" ", 1)[1].split("=", 1)
        values = lo_hi.replace("..", r", \dots, ").replace(",", ", ").replace(",  ", ", ")
        notes.append(f"checked for ${sp.latex(sp.Symbol(name))} = {values}$ only")
    elif step.method == "numeric":
        notes.append("numeric check only")
    if step.relation == "~":
        sym, point = step.limit[0], step.limit[1]
        notes.append(f"as ${sp.latex(sym)} \\to {sp.latex(point)}$")
    for lem in step.lemmas:
        notes.append(f"by ${lem.latex()}$")
    why = step.why
    if "$" not in why and "\\" in why:  # a reason written as LaTeX math throughout
        why = "$" + why + "$"
    return [why, *notes]


def _mixed_latex(full: str) -> str:
    """Text with ``$...$`` math as LaTeX: the text parts in ``\\text{}``."""
    parts = full.split("$")
    if len(parts) % 2 == 0:  # unbalanced $: treat everything as text
        return _text(full.replace("$", ""))
    return "".join(_text(part) if j % 2 == 0 else part for j, part in enumerate(parts))


def _reason_latex(step: Step, stacked: bool = False) -> str:
    """``\\text{(why; note)}`` with ``$...$`` parts set as math. ``stacked`` sets the
    reason and each note on lines of their own, wrapped at a third of the width budget
    (an ``array`` inside the step's row), for rows too wide for the text column; the
    step keeps one row of the chain."""
    parts = _reason_parts(step)
    if not stacked:
        return _mixed_latex("(" + "; ".join(parts) + ")")
    lines = []
    for j, part in enumerate(parts):
        part = ("(" if j == 0 else "") + part + (";" if j < len(parts) - 1 else ")")
        lines.extend(_wrap(part, _ROW_WIDTH / 3))
    if len(lines) == 1:
        return _mixed_latex(lines[0])
    return r"\begin{array}[t]{l}" + r" \\ ".join(map(_mixed_latex, lines)) + r"\end{array}"


def _wrap(part: str, width: float) -> list[str]:
    """Split text with ``$...$`` math into lines of about ``width`` (see _display_width),
    breaking only at spaces outside the math."""
    pieces = part.split("$")
    if len(pieces) % 2 == 0:  # unbalanced $: leave it whole
        return [part]
    words = []
    for j, piece in enumerate(pieces):
        if j % 2:  # math stays whole, glued to the word before it
            if words and not pieces[j - 1].endswith(" "):
                words[-1] += f"${piece}$"
            else:
                words.append(f"${piece}$")
        else:
            tokens = piece.split(" ")
            if words and tokens and tokens[0] and not piece.startswith(" "):
                words[-1] += tokens.pop(0)
            words.extend(t for t in tokens if t)
    lines, line = [], ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if line and _display_width(_mixed_latex(candidate)) > width:
            lines.append(line)
            candidate = word
        line = candidate
    return [*lines, line] if line else lines


def _latex(expr) -> str:
    return sp.latex(expr)


# A rough width budget for a chain, in units of about one math symbol (~14 px in the
# book's theme, whose text column is ~690 px wide); text inside \\text{} counts about half
# a unit a character. Chains wider than this stack their reasons (see Derivation.latex).
_ROW_WIDTH = 44


def _display_width(tex: str) -> float:
    """A rough width of a LaTeX row: a fraction counts its longer part, a command one
    symbol, text about half a symbol a character."""
    text = sum(len(t) for t in re.findall(r"\\text\{([^{}]*)\}", tex))
    tex = re.sub(r"\\text\{[^{}]*\}", "", tex)
    tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
                 lambda m: max(m.group(1), m.group(2), key=len), tex)
    tex = re.sub(r"\\(left|right|,|;|quad|qquad|displaystyle|mathrm|operatorname)", "", tex)
    tex = re.sub(r"\\[a-zA-Z]+", "x", tex)
    return len(re.sub(r"[{}_^&\s]", "", tex)) + 0.5 * text


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


# ============================================================================ registry
@dataclass(frozen=True)
class Claim:
    """A registered claim: ``build()`` makes (and so checks) its Derivation."""

    id: str
    chapter: str
    build: Callable[[], Derivation]
    module: str


_REGISTRY: dict[str, Claim] = {}
_CHAPTER = re.compile(r"ch\d\d|app[a-z0-9-]*")


def claim(id: str, chapter: str):
    """Register a zero-argument function returning a :class:`Derivation` under ``id``.

    ``chapter`` is the chapter slug ``"chNN"``. Re-registering the same function (a
    reloaded module) replaces it; another function with the same id is an error.
    """
    if not isinstance(id, str) or not id.strip():
        raise ValueError("claim id must be a non-empty string")
    if not isinstance(chapter, str) or not _CHAPTER.fullmatch(chapter):
        raise ValueError(f"chapter must look like 'ch06', got {chapter!r}")

    def register(fn):
        key = f"{fn.__module__}.{fn.__qualname__}"
        old = _REGISTRY.get(id)
        if old is not None and f"{old.module}.{old.build.__qualname__}" != key:
            raise ValueError(f"claim id {id!r} is already registered by {old.module}")
        _REGISTRY[id] = Claim(id, chapter, fn, fn.__module__)
        return fn

    return register


def registered_claims() -> list[Claim]:
    """Every registered claim, by chapter then id (modules must be imported first)."""
    return sorted(_REGISTRY.values(), key=lambda c: (c.chapter, c.id))
