"""The derivation engine: correct chains pass, wrong steps fail, labels are honest.

The catalogue of wrong steps is checked twice: with the engine as it runs (a numeric
counterexample search rejects most wrong steps at once) and with that search switched
off, to show that the symbolic strategies by themselves never accept a wrong step.
"""

from __future__ import annotations

import functools
import time

import pytest
import sympy as sp

import lossbook as lb
from lossbook import derivation as D
from lossbook import symbolic as S
from lossbook.chains import all_claims, all_errata, chain
from lossbook.derivation import (
    EXP_LE_ONE,
    LOG_LE_X_MINUS_1,
    Derivation,
    DerivationError,
    Lemma,
    claim,
)

x, u, z, y, c, m = sp.symbols("x u z y c m", real=True)
t = sp.Symbol("t", positive=True)
n = S.N
i, j, k = sp.symbols("i j k", integer=True)
X, Y = S.vector("x"), S.vector("y")
P, Q = S.probabilities("p"), S.probabilities("q")
NR = (n, range(2, 7))
sig, zeta = S.Sigmoid, S.Softplus


def total(body):
    return sp.Sum(body, (k, 1, n))


def s_(idx):
    return S.Softmax(X, idx, n)


@functools.cache
def built(claim_id):
    """Each claim is built (and so checked) once per test session here."""
    return chain(claim_id)


# ------------------------------------------------------------------- correct chains
MY_CLAIMS = ["bernoulli.sigmoid", "ce.log-softmax", "sigmoid.derivative", "sigmoid.one-minus",
             "bce.grad", "bce.logits-softplus", "mse.sigmoid-grad", "softplus.linear-tail",
             "softmax.shift", "softmax.jacobian",
             "ce.softmax-grad", "lse.max-limit", "lse.bounds"]


@pytest.mark.parametrize("claim_id", MY_CLAIMS)
def test_chapter_6_and_7_claims_pass(claim_id):
    d = built(claim_id)
    assert isinstance(d, Derivation) and d.name == claim_id and d.steps
    assert all(s.how for s in d.steps)  # every step says how it was proved


def test_method_labels_are_honest():
    assert built("sigmoid.derivative").method == "symbolic"
    assert built("softmax.shift").method == "symbolic"  # proved for every n
    jac = built("softmax.jacobian")
    assert jac.method == "concrete n=2..6"
    assert [s.method for s in jac.steps][1] == "concrete n=2..6"  # the quotient-rule step
    assert built("lse.bounds").method == "concrete n=2..6"
    d = Derivation(sp.exp(x) * sp.exp(-x)).numeric(1, "spot check")
    assert d.method == "numeric" and d.steps[0].method == "numeric"
    assert "numeric check only" in d.latex()
    assert "only" in jac.latex() and r"n = 2, \dots, 6" in jac.latex()


def test_log_sigmoid_is_minus_softplus_of_minus_x():
    d = (Derivation(sp.log(sig(x)), name="log-sigmoid.softplus")
         .step(-sp.log(1 + sp.exp(-x)), "log of a reciprocal")
         .step(-zeta(-x), "definition of softplus"))
    assert d.method == "symbolic"


def test_cross_entropy_decomposes_for_every_n():
    """H(p, q) = H(p) + KL(p || q), proved symbolically (sums combine, logs split)."""
    d = (Derivation(S.cross_entropy(P, Q, n), name="ce.decomposition")
         .step(-total(P[k] * sp.log(P[k])) + total(P[k] * (sp.log(P[k]) - sp.log(Q[k]))),
               "add and subtract $p_k \\log p_k$")
         .step(S.entropy(P, n) + S.kl_divergence(P, Q, n), "$\\log p - \\log q = \\log(p/q)$"))
    assert d.method == "symbolic"


def test_kl_is_nonnegative_with_the_log_lemma():
    d = (Derivation(S.kl_divergence(P, Q, n), name="kl.gibbs",
                    assumptions=[S.sums_to_one(P, n), S.sums_to_one(Q, n)])
         .step(-total(P[k] * sp.log(Q[k] / P[k])), "$\\log(a/b) = -\\log(b/a)$", n=NR)
         .step(-total(P[k] * (Q[k] / P[k] - 1)), "$\\log u \\le u - 1$", relation=">=",
               lemma=LOG_LE_X_MINUS_1, n=NR)
         .step(-total(Q[k]) + total(P[k]), "expand", n=NR)
         .step(0, "both sum to one", n=NR))
    assert d.method == "concrete n=2..6"
    assert "log u <= u - 1" in d.steps[1].how
    # without the lemma the inequality is not proved (and it is not claimed to be)
    with pytest.raises(DerivationError, match="could not be shown nonnegative"):
        (Derivation(S.kl_divergence(P, Q, n))
         .step(-total(P[k] * (Q[k] / P[k] - 1)), "no lemma", relation=">=", n=(n, [2])))


def test_derivative_relation_and_approximation():
    d = Derivation(zeta(x)).step(sig(x), "derivative of softplus", relation="d/dx", wrt=x)
    assert r"\longmapsto" in d.latex()
    with pytest.raises(DerivationError):
        Derivation(zeta(x)).step(sig(-x), "wrong derivative", relation="d/dx", wrt=x)
    d = Derivation(zeta(x)).step(x, "linear tail", relation="~", limit=(x, sp.oo))
    assert r"\approx" in d.latex() and r"\to \infty" in d.latex()
    with pytest.raises(ValueError, match="needs limit"):
        Derivation(zeta(x)).step(x, "no limit given", relation="~")


def test_assumptions_are_used_and_needed():
    w = sp.Symbol("w")
    with pytest.raises(DerivationError):
        Derivation(sp.log(w**2)).step(2 * sp.log(w), "only for w > 0")
    Derivation(sp.log(w**2), assumptions=sp.Q.positive(w)).step(2 * sp.log(w), "w > 0")
    Derivation(sp.log(w**2), assumptions=w > 0).step(2 * sp.log(w), "w > 0")
    a, b = sp.symbols("a b", real=True)
    Derivation(a + b, assumptions=sp.Eq(a + b, 1)).step(1, "a + b = 1")
    with pytest.raises(TypeError, match="unsupported assumption"):
        Derivation(a, assumptions=sp.Q.prime(a))


def test_a_failed_step_appends_nothing_and_explains_itself():
    d = Derivation(sp.Derivative(sig(x), x)).step(sig(x) * (1 - sig(x)), "known")
    with pytest.raises(DerivationError) as err:
        d.step(sig(x) * (1 + sig(x)), "wrong sign inside")
    assert len(d.steps) == 1
    msg = str(err.value)
    assert "step 2" in msg and "wrong sign inside" in msg
    assert "previous:" in msg and "claimed (=):" in msg and "simplified difference:" in msg
    assert "counterexample:" in msg and err.value.counterexample is not None
    assert isinstance(err.value, AssertionError)


def test_concrete_failure_names_the_instance():
    with pytest.raises(DerivationError, match=r"checked instance: n=2, i=1, j=1"):
        (Derivation(sp.Derivative(s_(i), X[j]))
         .step(s_(i) * (sp.KroneckerDelta(i, j) + s_(j)), "wrong sign", n=NR))


# ------------------------------------------------------------ catalogue of wrong steps
def _w_sigmoid_sign():
    return Derivation(sp.Derivative(sig(x), x)).step(-sig(x) * (1 - sig(x)), "sign flip")


def _w_sigmoid_chain():
    return Derivation(sp.Derivative(sig(2 * x), x)).step(
        sig(2 * x) * (1 - sig(2 * x)), "dropped chain-rule factor 2")


def _w_one_minus():
    return Derivation(1 - sig(u)).step(-sig(-u), "sign flip")


def _w_log_sigmoid_softplus():
    return Derivation(sp.log(sig(x))).step(zeta(x), "log sigma written as softplus")


def _w_source_log_sigmoid():
    return Derivation(-sp.log(sig(x))).step(-zeta(-x), "source 000's version")


def _w_log_base():
    p2 = sp.Symbol("p", positive=True)
    return Derivation(sp.log(p2, 2)).step(sp.log(p2) * sp.log(2), "wrong change of base")


def _w_entropy_bits():
    return Derivation(S.entropy(P, n, base=2)).step(S.entropy(P, n) * sp.log(2),
                                                    "bits from nats, wrong way", n=NR)


def _w_bce_grad_sign():
    return Derivation(sp.Derivative(S.binary_cross_entropy(sig(z), y), z)).step(
        y - sig(z), "sign flip")


def _w_bce_grad_chain():
    s = sig(z)
    return Derivation(sp.Derivative(S.binary_cross_entropy(s, y), z)).step(
        -y / s + (1 - y) / (1 - s), "dropped d sigma / dz")


def _w_jacobian_entry():
    return Derivation(sp.Derivative(s_(i), X[j])).step(
        s_(i) * (sp.KroneckerDelta(i, j) + s_(j)), "wrong Jacobian entry", n=NR)


def _w_jacobian_no_delta():
    return Derivation(sp.Derivative(s_(i), X[j])).step(s_(i) * (1 - s_(j)),
                                                       "diagonal formula used everywhere",
                                                       n=NR)


def _w_jacobian_swapped():
    return Derivation(sp.Derivative(s_(i), X[j])).step(
        s_(j) * (sp.KroneckerDelta(i, j) - s_(j)), "swapped index (source 001)", n=NR)


def _ce_start():
    return sp.Derivative(-total(Y[k] * sp.log(S.Softmax(X, k, n))), X[j])


def _w_ce_grad_swapped():
    return Derivation(_ce_start(), assumptions=S.sums_to_one(Y, n)).step(
        Y[j] - s_(j), "swapped: y - s", n=NR)


def _w_ce_grad_index():
    return Derivation(_ce_start(), assumptions=S.sums_to_one(Y, n)).step(
        -total(Y[k] * (sp.KroneckerDelta(k, j) - s_(k))), "s_k for s_j in the gradient",
        n=NR)


def _w_ce_grad_no_constraint():
    return Derivation(_ce_start()).step(s_(j) - Y[j], "forgot that sum y = 1 is needed",
                                        n=NR)


def _w_shift():
    return Derivation(sp.exp(X[i] + c) / total(sp.exp(X[k] + c))).step(
        sp.exp(c) * s_(i), "shift not cancelled", n=NR)


def _w_kl_direction():
    return Derivation(-total(P[k] * sp.log(Q[k] / P[k]))).step(
        -total(P[k] * (Q[k] / P[k] - 1)), "inequality the wrong way", relation="<=",
        lemma=LOG_LE_X_MINUS_1, n=NR)


def _w_lse_below_max():
    return Derivation(S.LogSumExp(X, n)).step(S.MaxOver(X, n), "lse <= max (wrong)",
                                               relation="<=", lemma=EXP_LE_ONE, n=NR)


def _w_lse_above_bound():
    return Derivation(S.LogSumExp(X, n)).step(S.MaxOver(X, n) + sp.log(n),
                                               "lse >= max + log n (wrong)", relation=">=",
                                               lemma=EXP_LE_ONE, n=NR)


def _gap_lse():
    return sp.log(sp.exp(m) + sp.Sum(sp.exp(m - t - sp.IndexedBase("d", nonnegative=True)[k]),
                                     (k, 2, n)))


def _w_lse_limit_offset():
    return Derivation(_gap_lse()).step(m + 1, "limit off by one", relation="~",
                                       limit=(t, sp.oo), n=NR)


def _w_lse_limit_source():
    return Derivation(_gap_lse()).step(sp.exp(m), "max of the exponentials (source 000)",
                                       relation="~", limit=(t, sp.oo), n=NR)


def _w_mse_source():
    return Derivation(sp.Derivative((y - sig(x)) ** 2, x)).step(
        2 * sig(x) * (1 - sig(x)), "source 000: factor and sign dropped")


def _w_numeric():
    return Derivation(sig(x) + sig(-x)).numeric(sp.Rational(11, 10), "numeric, wrong")


WRONG = [_w_sigmoid_sign, _w_sigmoid_chain, _w_one_minus, _w_log_sigmoid_softplus,
         _w_source_log_sigmoid, _w_log_base, _w_entropy_bits, _w_bce_grad_sign,
         _w_bce_grad_chain, _w_jacobian_entry, _w_jacobian_no_delta, _w_jacobian_swapped,
         _w_ce_grad_swapped, _w_ce_grad_index, _w_ce_grad_no_constraint, _w_shift,
         _w_kl_direction, _w_lse_below_max, _w_lse_above_bound, _w_lse_limit_offset,
         _w_lse_limit_source, _w_mse_source, _w_numeric]


@pytest.mark.parametrize("build", WRONG, ids=lambda f: f.__name__[3:])
def test_wrong_step_is_rejected(build):
    with pytest.raises(DerivationError):
        build()


@pytest.mark.parametrize("build", [f for f in WRONG if f is not _w_numeric],
                         ids=lambda f: f.__name__[3:])
def test_wrong_step_is_rejected_without_counterexample_search(build, monkeypatch):
    """The symbolic strategies alone (no numeric search) still reject every wrong step."""
    monkeypatch.setattr(D.budget, "USE_COUNTEREXAMPLES", False)
    monkeypatch.setattr(D.budget, "STRATEGY_SECONDS", 2.0)
    monkeypatch.setattr(D.budget, "CHECK_SECONDS", 6.0)
    with pytest.raises(DerivationError) as err:
        build()
    assert err.value.counterexample is None


# --------------------------------------------------------------------------- lemmas
def test_builtin_lemmas_are_proved():
    assert "convex" in LOG_LE_X_MINUS_1.proof
    assert "decreasing" in EXP_LE_ONE.proof
    assert "convex" in D.EXP_GE_ONE_PLUS_X.proof


def test_a_false_lemma_is_refused():
    v = sp.Symbol("v", positive=True)
    bad = Lemma("log v <= v - 2", sp.log(v), v - 2, v)
    with pytest.raises(DerivationError, match="could not be proved"):
        bad.proof  # noqa: B018
    with pytest.raises(DerivationError):
        Derivation(sp.log(t)).step(t - 2, "uses the false lemma", relation="<=", lemma=bad)


# --------------------------------------------------------------------------- display
def test_latex_is_one_aligned_block_with_reasons():
    d = built("sigmoid.derivative")
    tex = d.latex()
    assert tex.startswith("\\begin{aligned}\n") and tex.endswith("\n\\end{aligned}")
    rows = tex.split("\\\\\n")
    assert len(rows) == len(d.steps)
    for row in rows:
        assert "&=" in row and "&& " in row and "\\text{(" in row or "\\text{" in row
    assert d._repr_latex_() == "$$\n" + tex + "\n$$"
    assert tex.count("{") == tex.count("}")


def test_reason_text_is_made_safe():
    d = Derivation(x).step(x, "50% & #1 {odd} $x^2$ math")
    tex = d.latex()
    assert "%" not in tex and "&&" in tex and "#" not in tex
    assert "x^2" in tex  # the $...$ part stays math


# -------------------------------------------------------------------------- registry
def test_top_level_exports():
    assert lb.Derivation is Derivation and lb.DerivationError is DerivationError
    assert lb.claim is claim and lb.chain is chain


def test_claim_ids_are_unique_and_chapters_checked():
    ids = [c.id for c in all_claims()]
    assert len(ids) == len(set(ids))
    assert set(MY_CLAIMS) <= set(ids)

    @claim("test.unique-id-1", chapter="ch99")
    def first():
        return Derivation(x).step(x, "same")

    with pytest.raises(ValueError, match="already registered"):
        @claim("test.unique-id-1", chapter="ch99")
        def second():
            return Derivation(x).step(x, "same")

    with pytest.raises(ValueError, match="chapter"):
        claim("test.bad-chapter", chapter="six")
    D._REGISTRY.pop("test.unique-id-1")


def test_chain_rebuilds_every_time():
    calls = []

    @claim("test.fresh", chapter="ch99")
    def fresh():
        calls.append(1)
        return Derivation(x).step(x, "same")

    try:
        assert chain("test.fresh") is not chain("test.fresh")
        assert len(calls) == 2
    finally:
        D._REGISTRY.pop("test.fresh")
    with pytest.raises(KeyError, match="no claim"):
        chain("test.fresh")


def test_errata_reject_the_sources_versions():
    errata = all_errata()
    mine = [e for e in errata if e["module"].endswith(("errata.ch06", "errata.ch07"))]
    assert len(mine) >= 10
    for e in errata:
        assert {"source", "section", "stated", "correction", "claim", "check"} <= set(e)
        assert e["check"]() is True, (e["source"], e["section"])
    ids = {c.id for c in all_claims()}
    for e in mine:
        assert e["claim"] in ids


# ---------------------------------------------------------------------- time limits
def _spin(seconds):
    """Busy for ``seconds`` of CPU time (the limits count CPU time, not sleep)."""
    t_end = time.process_time() + seconds
    while time.process_time() < t_end:
        pass
    return "finished"


def test_time_limit_interrupts_and_nests():
    t0 = time.process_time()
    assert D._attempt(lambda: _spin(3), 0.2) is None
    assert time.process_time() - t0 < 1.0

    def inner():
        return D._attempt(lambda: _spin(3), 5.0)  # bounded by the outer 0.3 s

    t0 = time.process_time()
    assert D._attempt(inner, 0.3) is None
    assert time.process_time() - t0 < 1.0
    assert D._attempt(lambda: _spin(0.05), 1.0) == "finished"


def test_time_limit_counts_cpu_time_not_waiting():
    """A block that waits (a loaded machine: the process is not running) is not cut
    short: the budget is CPU time, so a proof does not depend on the machine's load."""
    assert D._attempt(lambda: time.sleep(0.5) or "slept", 0.2) == "slept"
    assert D._attempt(lambda: 7, 1.0) == 7
