"""Proof strategies: lemmas (one-variable inequalities proved when built), equality
(is a difference zero?) and inequality (is a gap nonnegative?)."""

from __future__ import annotations

import sympy as sp

from . import budget
from .budget import _attempt
from .errors import DerivationError
from .instances import _apply_constraints, _bound_symbols, _solve_linear_for
from .printing import latex as book_latex


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
        return f"{book_latex(self.lhs)} {rel} {book_latex(self.rhs)}"

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
                lambda c=c: sp.simplify(d.xreplace(c)) == 0, budget.STRATEGY_SECONDS)
               for c in cases):
            return f"case split ({len(cases)} cases)"
    if _attempt(lambda: sp.simplify(d) == 0, budget.STRATEGY_SECONDS):
        return "simplify"
    if d.has(sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign):
        e = _attempt(lambda: sp.piecewise_fold(d.rewrite(sp.Piecewise)), 3.0)
        if e is not None and _attempt(lambda: sp.simplify(e) == 0, budget.STRATEGY_SECONDS):
            return "piecewise simplify"
    e = _attempt(lambda: d.rewrite(sp.exp), 3.0)
    if e is not None and e != d and _attempt(lambda: _is_zero_rational(e), 5.0):
        return "rewrite(exp)"
    if _attempt(lambda: d.equals(0), budget.STRATEGY_SECONDS) is True:
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
            if _attempt(lambda c=c, e=expensive: _prove_nonneg_basic(c, e),
                        budget.STRATEGY_SECONDS):
                return True
    return False
