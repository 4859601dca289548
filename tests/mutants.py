"""Mutants of derivation steps and a numeric oracle that says whether a mutant is false.

Used by tests/test_derivation_mutations.py. A mutant is one registered step with its
expression perturbed: times 2, plus or minus 1 (in the direction that breaks an
inequality), the sign flipped, or two symbols of the same kind swapped. The oracle
evaluates the step's relation at random points (30 digits) of the concrete instances
the engine checks, at several magnitudes; for an approximation step it takes the limit
of the difference (or ratio) between mutant and original. A mutant the oracle shows
false must be rejected by the engine. A mutant it cannot show false (an equivalent
mutant, e.g. a swap inside a symmetric expression, or ``+1`` on a line that tends to
infinity in a ratio approximation) is counted apart.
"""

from __future__ import annotations

import random

import sympy as sp

from lossbook.derivation import Derivation, Step, _apply_constraints, _attempt, _evaluate
from lossbook.derivation.instances import sized_instances
from lossbook.derivation.search import sample_points


def mutants(step: Step):
    """(label, expression) pairs for one step; mutants identical to the step are dropped."""
    e = step.expr
    shift = {"<=": -1, ">=": 1}.get(step.relation, 1)
    out = [("x2", 2 * e), (f"{shift:+d}", e + shift), ("neg", -e)]
    pair = _swap_pair(e)
    if pair:
        a, b = pair
        out.append((f"swap {a}<->{b}", e.xreplace({a: b, b: a})))
    return [(label, m) for label, m in out if m != e]


def _swap_pair(e):
    """The first two free symbols (by name) of the same kind: indices or values."""
    symbols = sorted((s for s in e.free_symbols if isinstance(s, sp.Symbol)),
                     key=lambda s: s.name)
    for kind in (True, False):
        same = [s for s in symbols if bool(s.is_integer) is kind]
        if len(same) >= 2:
            return same[0], same[1]
    return None


def _mutated(step: Step, expr) -> Step:
    return Step(expr, step.why, step.relation, n=step.n, limit=step.limit, wrt=step.wrt,
                lemmas=step.lemmas, approx=step.approx)


def is_false(d: Derivation, index: int, mutant, points: int = 2,
             max_instances: int = 12) -> bool:
    """True when the mutated step is shown false (numerically, or by a limit for '~').

    For a step over a dimension only the first ``max_instances`` concrete instances
    (the smallest n) are sampled: a false mutant shows itself there.
    """
    step = d.steps[index]
    prev = d.lines[index]
    concrete = step.n is not None
    rng = random.Random(99 + index)
    originals = d._instances(prev, step, concrete=concrete)
    pairs = zip(d._instances(prev, _mutated(step, mutant), concrete=concrete), originals,
                strict=True)
    for count, (inst, orig) in enumerate(pairs):
        if count >= max_instances:
            break
        (a, b), subs = _apply_constraints([inst.a, inst.b], inst.constraints)
        if step.relation == "~":
            (b0,), _ = _apply_constraints([orig.b], orig.constraints)
            sym, point, *direction = step.limit
            if step.approx == "ratio":
                expr, target = b / b0, 1
            else:
                expr, target = b - b0, 0
            args = (expr, sym, point, *direction)
            value = _attempt(lambda args=args: sp.limit(*args), 30)
            if value is not None and sp.simplify(value - target) != 0:
                return True
            continue
        rel = "=" if step.relation in ("=", "d/dx") else step.relation
        # points satisfying every assumption (a size still symbolic is made concrete)
        for sized in sized_instances(inst, limit=3):
            for scale in (2.0, 8.0):
                for p in sample_points(sized, rng, points, scale=scale):
                    va, vb = _evaluate(sized.a, p), _evaluate(sized.b, p)
                    if va is None or vb is None:
                        continue
                    tol = 1e-9 * (1 + abs(va) + abs(vb))
                    if {"=": abs(va - vb) > tol, "<=": va > vb + tol,
                            ">=": va < vb - tol}[rel]:
                        return True
    return False
