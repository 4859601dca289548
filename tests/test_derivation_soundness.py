"""Soundness of the checker: what it calls refuted is false, what it shows is what it checked.

Three defects of the engine as it was before the package split (issue 14, section 1);
each test below fails on that engine (``git worktree add /tmp/old 6e65c52`` and run this
file with ``PYTHONPATH=/tmp/old``) and passes now. The tests use only names that
engine had (``Derivation``, ``DerivationError``, ``rejects``, ``chains``), so on the old
engine they fail on the defect itself, not on an import.

1. ``rejects`` counted "SymPy could not prove it" as a refutation: an erratum check
   passed on a *true* statement SymPy cannot prove. Now only a refutation counts (a
   counterexample satisfying the assumptions, confirmed at 60 digits; a computed limit
   that differs; a shape impossibility named by the caller); otherwise ``rejects``
   raises an AssertionError (``NotRefuted``) that says so.
2. The counterexample search ignored an equation such as sum_k p_k = 1 when n is a
   symbol (it sampled "p" as one number, above 1 too) and "refuted" true statements.
   Now sizes are made concrete and the entries sampled on the simplex; every point
   satisfies every assumption.
3. A chain checked for a fixed number of features said only "n = 2..6"; an integral
   step checked by evaluating both integrals said nothing. Now the displayed line,
   the text form and the method label say so.
"""

from __future__ import annotations

import pytest
import sympy as sp

from lossbook import symbolic as S
from lossbook.chains import chain, run_erratum
from lossbook.derivation import Derivation, DerivationError, rejects

x = sp.Symbol("x", real=True)
u = sp.Symbol("u", positive=True)
n, k = S.N, S.K
i = sp.Symbol("i", integer=True, positive=True)
P, Q = S.probabilities("p"), S.probabilities("q")
ONE = [S.sums_to_one(P, n)]
TWO = [S.sums_to_one(P, n), S.sums_to_one(Q, n)]


def total(body):
    return sp.Sum(body, (k, 1, n))


# True statements the strategies cannot prove (checked below: each build fails). None of
# them may ever count as refuted.
TRUE_NOT_PROVED = {
    "exp x >= 1 + x (no lemma)":
        lambda: Derivation(sp.exp(x)).step(1 + x, "true", relation=">="),
    "log u <= u - 1 (no lemma)":
        lambda: Derivation(sp.log(u)).step(u - 1, "true", relation="<="),
    "cosh x >= 1":
        lambda: Derivation(sp.cosh(x)).step(1, "true", relation=">="),
    "x^4 - 4x + 3 >= 0":
        lambda: Derivation(x**4 - 4 * x + 3).step(0, "true", relation=">="),
    "log(1 + u) <= u":
        lambda: Derivation(sp.log(1 + u)).step(u, "true", relation="<="),
}

def under(start, claimed, relation="=", assumptions=ONE, numeric=False):
    """A builder of the one-step chain ``start relation claimed`` under ``assumptions``."""
    def build():
        d = Derivation(start, assumptions=assumptions)
        add = d.numeric if numeric else d.step
        return add(claimed, "as stated", relation=relation)
    return build


ENTROPY = -total(P[k] * sp.log(P[k]))

# True statements under sum_k p_k = 1 with a symbolic n (and, for KL, sum_k q_k = 1).
TRUE_CONSTRAINED = {
    "sum p_k = 1": under(total(P[k]), 1),
    "sum p_k^2 <= 1": under(total(P[k] ** 2), 1, "<="),
    "sum p_k^2 >= 1/n": under(total(P[k] ** 2), 1 / n, ">="),
    "sum p_k log p_k <= 0": under(-ENTROPY, 0, "<="),
    "H(p) <= log n": under(ENTROPY, sp.log(n), "<="),
    "KL(p || q) >= 0": under(total(P[k] * sp.log(P[k] / Q[k])), 0, ">=", TWO),
    "p_i <= 1": under(P[i], 1, "<="),
    "H(p) <= log n (numeric step)": under(ENTROPY, sp.log(n), "<=", numeric=True),
}

# False statements under the same assumptions: each must be refuted.
FALSE_CONSTRAINED = {
    "sum p_k = 2": under(total(P[k]), 2),
    "sum p_k^2 >= 1": under(total(P[k] ** 2), 1, ">="),
    "H(p) >= log n (numeric step)": under(ENTROPY, sp.log(n), ">=", numeric=True),
}


def outcome(build):
    """What ``rejects`` says: True, False, or the exception it raised."""
    try:
        return rejects(build)
    except AssertionError as err:
        return err


# ------------------------------------------------------------------- 1. strict rejects
@pytest.mark.parametrize("name", TRUE_NOT_PROVED)
def test_the_statement_is_true_but_not_proved(name):
    """The premise of the next tests: the engine cannot prove these (else they would
    test nothing). If a strategy learns to prove one, pick another."""
    with pytest.raises(DerivationError):
        TRUE_NOT_PROVED[name]()


@pytest.mark.parametrize("name", TRUE_NOT_PROVED)
def test_rejects_is_never_true_on_a_true_statement(name):
    assert outcome(TRUE_NOT_PROVED[name]) is not True


def test_rejects_explains_a_mere_non_proof():
    """``rejects(lambda: Derivation(exp(x)).step(1 + x, relation=">="))`` (e^x >= 1 + x
    is true) raises an AssertionError naming why it is no refutation."""
    with pytest.raises(AssertionError, match="not refuted") as err:
        rejects(TRUE_NOT_PROVED["exp x >= 1 + x (no lemma)"])
    assert "no counterexample" in str(err.value) and "may be true" in str(err.value)


def test_an_erratum_resting_on_a_non_proof_fails_verify():
    """An erratum whose check 'refutes' a true statement is reported as failing."""
    record = run_erratum({"source": "test", "section": "e^x >= 1 + x", "claim": None,
                          "chapter": "ch01",
                          "check": lambda: rejects(TRUE_NOT_PROVED["exp x >= 1 + x (no lemma)"])})
    assert record["status"] == "fail"
    assert "not refuted" in record["detail"]


def test_rejects_is_true_on_a_refutation():
    assert rejects(lambda: Derivation(sp.exp(x)).step(1 + x, "false", relation="<=")) is True
    assert rejects(lambda: Derivation(sp.log(u)).step(u - 2, "false", relation="<=")) is True
    # a computed limit that differs (log(1 + e^x) - x -> 0 as x -> oo, not as x -> -oo)
    assert rejects(lambda: Derivation(S.Softplus(x)).step(x, "false", relation="~",
                                                          limit=(x, -sp.oo))) is True
    # a shape impossibility, named by the caller
    a, b = sp.Matrix([[1], [2]]), sp.Matrix([[3], [4]])
    assert rejects(lambda: a * b, sp.ShapeError) is True


def test_rejects_refuses_a_catch_all_exception_type():
    with pytest.raises(TypeError):
        rejects(TRUE_NOT_PROVED["cosh x >= 1"], AssertionError)


# -------------------------------------------------------- 2. constrained counterexamples
@pytest.mark.parametrize("name", TRUE_CONSTRAINED)
def test_a_true_constrained_statement_is_never_refuted(name):
    build = TRUE_CONSTRAINED[name]
    try:
        build()
    except DerivationError as err:  # not proved for a symbolic n: fine, but no refutation
        assert err.counterexample is None, f"bogus counterexample {err.counterexample}"
    assert outcome(build) is not True


@pytest.mark.parametrize("name", FALSE_CONSTRAINED)
def test_a_false_constrained_statement_is_refuted_at_a_point_on_the_simplex(name):
    with pytest.raises(DerivationError) as err:
        FALSE_CONSTRAINED[name]()
    assert err.value.counterexample is not None
    point, previous, claimed = err.value.counterexample
    entries = {str(s): v for s, v in point.items() if str(s).startswith("p_")}
    assert entries, f"the counterexample names no entry p_k: {point}"
    assert sum(entries.values()) == 1  # exactly: the points are exact rationals
    assert all(v > 0 for v in entries.values())
    assert int(point[n]) == len(entries)  # the size substituted is reported
    assert rejects(FALSE_CONSTRAINED[name]) is True


# --------------------------------------------------------- 3. the display claims no more
def test_a_chain_for_two_features_says_so():
    d = chain("least-squares.gradient")
    assert d.method == "concrete n=2..6, m=2"
    assert "m=2" in str(d)
    tex = d.latex()
    assert r"n = 2, \dots, 6" in tex and "m = 2" in tex
    entrywise = chain("least-squares.gradient-entrywise")  # every n, m = 1..3 features
    assert entrywise.method == "concrete m=1..3"
    assert r"m = 1, \dots, 3" in entrywise.latex() or "m = 1, 2, 3" in entrywise.latex()


def test_an_integral_step_checked_by_value_says_so():
    d = chain("expectation.leibniz-gaussian")
    leibniz = d.steps[0]  # d/dmu of an integral = integral of d/dmu: both evaluated
    assert leibniz.method == "by value"
    assert "integrals compared by value" in d.latex()
    assert d.method == "by value"
    assert d.steps[-1].method == "symbolic"  # the integral evaluated to 2 mu: a proof
