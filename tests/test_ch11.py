"""Chapter 11: the errata checks can fail, and wrong derivation steps are rejected.

Each erratum check of ``lossbook.errata.ch11`` takes the source's version as an
argument; handed the correction (or another statement that is true) instead, it must
not return True. The chains of ``lossbook.chains.ch11_mse_ce_hinge`` must reject the
slips a reader is likely to make.
"""

import numpy as np
import pytest
import sympy as sp

import lossbook as lb
from lossbook import errata
from lossbook.chains import ch11_mse_ce_hinge as M
from lossbook.derivation import Derivation, rejects
from lossbook.errata import ch11 as E

ENTRIES = {e["id"]: e for e in E.ERRATA}
IDS = sorted(ENTRIES)

MUTANTS = {
    # the log kept out: the squared error saturates, so "saturation" is not refuted
    "003-saturation-garbled": lambda: E.saturation_garbled(
        with_log=lambda u: (E.sigmoid(u) - 1) ** 2),
    # a true offset: the gap would be constant
    "004-ce-offset": lambda: E.ce_offset(second=lambda ce: ce + 1.0),
    # the wrong scores follow the correct one (a fixed gap of 5): probability stays < 1
    "004-infinite-scores": lambda: E.infinite_scores(wrong=lambda t: t - 5),
    # natural logarithm: 0.223 and 2.526 are not the stated digits
    "004-log-base": lambda: E.log_base(base=sp.E),
    # two loop indices
    "004-gd-loop-index": lambda: E.gd_loop_index(E.GD_CODE.replace("For i", "For k")),
}


def test_every_entry_of_the_chapter_has_a_mutant():
    assert set(MUTANTS) == set(IDS)


@pytest.mark.parametrize("entry_id", IDS)
def test_check_passes_on_the_source_and_fails_on_a_mutant(entry_id):
    errata.validate(ENTRIES[entry_id])
    assert errata.run(ENTRIES[entry_id])["status"] == "pass"
    assert MUTANTS[entry_id]() is not True


def test_more_mutants():
    # the wrong scores run off to -oo: a true statement, but not a counterexample
    assert E.infinite_scores(wrong=lambda t: -t) is not True
    assert E.log_base(base=2) is not True


@pytest.mark.parametrize("build", [
    # sigma'(u) bounded by 1/2 "with equality at 0" is true as an inequality but the
    # claimed identity with the wrong constant is not
    lambda: Derivation(M.sigmoid_prime(M.u)).step(
        sp.Rational(1, 2) - (lb.symbolic.Sigmoid(M.u) - sp.Rational(1, 2)) ** 2, "wrong"),
    # the MSE gradient without sigma'
    lambda: Derivation(sp.Derivative((lb.symbolic.Sigmoid(M.w * M.x + M.b) - M.y) ** 2 / 2,
                                     M.w)).step((lb.symbolic.Sigmoid(M.w * M.x + M.b) - M.y)
                                                * M.x, "no sigma'"),
    # the K = 2 variant "plus a constant"
    lambda: Derivation(M.variant(M.p, [1 - M.p])).step(-sp.log(M.p) + 1, "offset"),
    # the gap's slope with the wrong sign
    lambda: Derivation(M.even_gap()).step((M.K - 1) / (M.K - 2 + M.p), "sign",
                                          relation="d/dx", wrt=M.p),
    # the hinge is 1 - ts even beyond the margin
    lambda: Derivation(M.hinge_of(M.s), assumptions=[sp.Gt((2 * M.label - 1) * M.s, 1)])
    .step(1 - (2 * M.label - 1) * M.s, "no max", n=M.LABELS),
    # the hinge's slope below the margin is +t
    lambda: Derivation(M.hinge_of(M.s), assumptions=[sp.Lt((2 * M.label - 1) * M.s, 1)])
    .step(1 - (2 * M.label - 1) * M.s, "below", n=M.LABELS)
    .step(2 * M.label - 1, "sign", relation="d/dx", wrt=M.s, n=M.LABELS),
    # the margin width is 1/||w||, not 2/||w||: a step of 1/||w|| lands on the boundary
    lambda: Derivation(M.w1 * (M.x1 - M.w1 / (M.w1**2 + M.w2**2))
                       + M.w2 * (M.x2 - M.w2 / (M.w1**2 + M.w2**2)) + M.b,
                       assumptions=[sp.Eq(M.w1 * M.x1 + M.w2 * M.x2 + M.b, 1)])
    .step(sp.Integer(-1), "half the step"),
])
def test_wrong_steps_are_rejected(build):
    assert rejects(build)


def test_the_source_examples_match_the_library():
    scores = np.array([[10.0, 9.0, 9.0], [10.0, -10.0, -10.0], [10.0, 9.01, 9.0]])
    labels = np.zeros(3, dtype=int)
    hinge = lb.multiclass_hinge(scores, labels, reduction="none")
    np.testing.assert_allclose(hinge, [0.0, 0.0, 0.01], rtol=0, atol=1e-12)
    ce = lb.softmax_cross_entropy(scores, labels, reduction="none")
    np.testing.assert_allclose(ce[:2], [np.log1p(2 / np.e), np.log1p(2 * np.exp(-20))],
                               rtol=1e-14)
