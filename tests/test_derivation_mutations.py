"""Mutation test: perturb every step of every registered claim; each false mutant must fail.

For every registered claim (all chapters), every step's expression is replaced in turn
by four mutants (times 2; plus or minus 1 in the direction that breaks an inequality;
the sign flipped; two symbols of the same kind swapped) and the step is re-checked with
its recorded options (``Derivation.check_step``). A mutant is *false* when the engine's
own numeric counterexample exposes it or when the independent oracle in
``tests/mutants.py`` shows it false; every false mutant must be rejected. Mutants the
oracle cannot show false (equivalent ones) are counted apart and may go either way.
The kill rate is printed (``pytest -rP`` shows it) by the last test of this module.

Every claim's LaTeX is also checked here (each claim is built once for both tests): it
may use only macros that MathJax 3's default TeX packages (base, ams) define, since a
TeX error in the book would be invisible to Sphinx.
"""

from __future__ import annotations

import functools
import re

import pytest
from mutants import is_false, mutants

from lossbook.chains import _build, all_claims
from lossbook.derivation import DerivationError

CLAIMS = all_claims()
RESULTS: dict[str, dict] = {}


@functools.cache
def built(claim_id):
    (c,) = [c for c in CLAIMS if c.id == claim_id]
    return _build(c)


@pytest.mark.parametrize("c", CLAIMS, ids=lambda c: c.id)
def test_every_false_mutant_is_rejected(c):
    d = built(c.id)
    killed, survivors, equivalent = 0, [], []
    for index, step in enumerate(d.steps):
        for label, expr in mutants(step):
            try:
                d.check_step(index, expr)
                rejected, counter = False, None
            except DerivationError as err:
                rejected, counter = True, err.counterexample
            false = counter is not None or is_false(d, index, expr)
            if not false:
                equivalent.append(f"step {index + 1} {label} (rejected={rejected})")
            elif rejected:
                killed += 1
            else:
                survivors.append(f"step {index + 1} ({step.why}) mutant {label}: {expr}")
    RESULTS[c.id] = {"killed": killed, "false": killed + len(survivors),
                     "equivalent": equivalent, "steps": len(d.steps)}
    assert not survivors, f"{c.id}: accepted false mutants:\n" + "\n".join(survivors)
    assert killed + len(equivalent) > 0


def test_kill_rate_summary():
    """Report killed/total over the claims run in this process (all of them without -n)."""
    if not RESULTS:
        pytest.skip("the mutation tests ran in other processes (pytest-xdist)")
    killed = sum(r["killed"] for r in RESULTS.values())
    total = sum(r["false"] for r in RESULTS.values())
    equivalent = sum(len(r["equivalent"]) for r in RESULTS.values())
    steps = sum(r["steps"] for r in RESULTS.values())
    print(f"\nmutation kill rate: {killed}/{total} false mutants rejected "
          f"({len(RESULTS)} claims, {steps} steps; {equivalent} equivalent mutants "
          "not counted)")
    for cid, r in sorted(RESULTS.items()):
        for e in r["equivalent"]:
            print(f"  equivalent: {cid} {e}")
    assert killed == total
    if len(RESULTS) == len(CLAIMS):  # all claims ran here (not split by pytest-xdist)
        assert total >= 2 * steps  # most steps give several false mutants


# Macros defined by MathJax 3's base and ams packages (a subset: the ones a formula in
# this book may reasonably use). Anything else fails, e.g. \bm, \operatorname*, \coloneqq.
MATHJAX_MACROS = set("""
begin end aligned array cases matrix pmatrix bmatrix text mathrm mathit mathbf mathsf
mathtt mathcal mathbb mathfrak operatorname frac dfrac tfrac binom sqrt left right big
Big bigg Bigg bigl bigr Bigl Bigr biggl biggr Biggl Biggr bigm middle
cdot cdots ldots dots vdots ddots times div pm mp circ bullet ast
star le ge leq geq ne neq lt gt approx sim simeq equiv propto ll gg subset subseteq in
notin ni cup cap setminus emptyset varnothing forall exists neg land lor to gets
rightarrow leftarrow Rightarrow Leftarrow leftrightarrow Leftrightarrow mapsto longmapsto
longrightarrow implies iff overset underset stackrel xrightarrow sum prod int iint oint
lim liminf limsup inf sup max min arg log ln exp sin cos tan det dim ker
deg gcd Pr limits nolimits substack partial nabla infty prime top intercal perp parallel
mid vert Vert lvert rvert lVert rVert langle rangle lceil rceil lfloor rfloor hat widehat
tilde widetilde bar overline underline vec dot ddot quad qquad textstyle displaystyle
scriptstyle alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa
lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell hbar imath jmath
mathstrut phantom hline tag label boxed not
""".split())


@pytest.mark.parametrize("c", CLAIMS, ids=lambda c: c.id)
def test_latex_uses_only_mathjax_default_macros(c):
    d = built(c.id)
    tex = d.latex()
    assert tex.startswith("\\begin{aligned}") and tex.endswith("\\end{aligned}")
    own_row = tex.startswith("\\begin{aligned}\n& ")  # a wide start sits above the steps
    assert tex.count("\\\\\n") == len(d.steps) - 1 + own_row  # one line a step
    unknown = set(re.findall(r"\\([A-Za-z]+)", tex)) - MATHJAX_MACROS
    assert not unknown, f"{c.id}: macros MathJax 3 does not define by default: {unknown}"
    bare = tex.replace("\\{", "").replace("\\}", "")
    assert bare.count("{") == bare.count("}"), f"{c.id}: unbalanced braces"
    assert d._repr_latex_() == "$$\n" + tex + "\n$$"
