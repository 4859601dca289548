"""The errata of the sources (lossbook.errata): schema, ids, checks, the appendix page.

* every entry follows the schema and has a unique, well-formed id;
* every check passes (the source's version is refuted, the correction holds);
* checks can fail: for a sample of entries, the check's own test is rerun with the
  correction put in place of the source's version, and it must then fail;
* the quotes are exact: each piece of ``stated`` occurs in the stored copy of its
  source (when the copies in ../shared/sources are present);
* the appendix page lists every entry under its anchor ``erratum-<id>``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sympy as sp

from lossbook import errata
from lossbook.errata import ErratumSchemaError, _checks, render

ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = ROOT.parent.parent / "shared" / "sources"
if not SOURCES_DIR.is_dir():  # a worktree in /work/wt/<name> or the main repo in /work/main
    SOURCES_DIR = ROOT.parent / "shared" / "sources"
ENTRIES = errata.all_errata()
IDS = [e["id"] for e in ENTRIES]


def _entry(**changes):
    base = dict(id="000-example", source="000", section="Entropy", stated="x",
                correction="y", grade="typo", chapter="ch04", claim=None,
                check=lambda: True)
    base.update(changes)
    return base


# ------------------------------------------------------------------------- schema
def test_there_are_entries_from_every_module_and_ids_are_unique():
    assert len(IDS) == len(set(IDS))
    assert len(ENTRIES) >= 14
    for e in ENTRIES:
        assert re.fullmatch(r"\d{3}-[a-z0-9]+(-[a-z0-9]+)*", e["id"]), e["id"]
        assert e["id"].startswith(e["source"] + "-")
        assert e["grade"] in errata.GRADES
        assert callable(e["check"])


def test_every_module_of_the_package_is_data_or_known():
    names = {p.stem for p in (ROOT / "lossbook" / "errata").glob("*.py")}
    other = {n for n in names if not errata.DATA_MODULE.fullmatch(n)}
    assert other <= {"__init__", "_checks", "render"}, other


@pytest.mark.parametrize("bad, message", [
    (dict(id="000_example"), "id must look like"),
    (dict(id="001-example"), "must start with its source"),
    (dict(source="007", id="007-x"), "source must be one of"),
    (dict(grade="minor"), "grade must be one of"),
    (dict(chapter="7"), "chapter must look like"),
    (dict(check=True), "check must be"),
    (dict(stated=""), "'stated' must be a non-empty string"),
    (dict(claim=3), "claim must be a claim id or None"),
    (dict(ref="Sec X"), "ref must be a section label"),
    (dict(extra=1), "unknown key"),
])
def test_validate_rejects_a_broken_entry(bad, message):
    errata.validate(_entry())
    with pytest.raises(ErratumSchemaError, match=message):
        errata.validate(_entry(**bad))
    broken = _entry()
    del broken["grade"]
    with pytest.raises(ErratumSchemaError, match="missing key"):
        errata.validate(broken)


def test_a_duplicate_id_is_an_error(monkeypatch):
    from lossbook.errata import s000

    monkeypatch.setattr(s000, "ERRATA", s000.ERRATA + [dict(s000.ERRATA[0])])
    with pytest.raises(ErratumSchemaError, match="used twice"):
        errata.all_errata()


def test_get_and_run():
    first = IDS[0]
    assert errata.get(first)["id"] == first
    with pytest.raises(KeyError, match="no erratum"):
        errata.get("000-no-such-entry")
    r = errata.run(first)
    assert set(r) == {"id", "source", "chapter", "claim", "grade", "status", "seconds",
                      "detail"}
    assert r["status"] == "pass"


def test_run_never_raises_and_reports_a_failure():
    def crash():
        raise RuntimeError("boom")

    r = errata.run(_entry(check=crash))
    assert r["status"] == "fail" and "RuntimeError: boom" in r["detail"]
    r = errata.run(_entry(check=lambda: False))
    assert r["status"] == "fail" and "NOT refuted" in r["detail"]
    r = errata.run(_entry(check=lambda: 1))  # only True passes
    assert r["status"] == "fail"
    assert errata.run("000-no-such-entry")["status"] == "fail"


# ------------------------------------------------------------------------- checks
@pytest.mark.parametrize("entry_id", IDS)
def test_every_check_refutes_the_source(entry_id):
    r = errata.run(entry_id)
    assert r["status"] == "pass", r["detail"]


def test_claims_named_by_errata_are_registered():
    from lossbook.chains import all_claims

    claims = {c.id for c in all_claims()}
    for e in ENTRIES:
        assert e["claim"] is None or e["claim"] in claims, (e["id"], e["claim"])


# Checks can fail: the helpers behind the checks, given the correction where the check
# expects the source's version, say "not refuted".
def test_refuted_fails_when_the_source_is_replaced_by_the_correction():
    x = sp.Symbol("x", real=True)
    from lossbook.symbolic import sigmoid, softplus

    truth = -sp.log(sigmoid(x))
    assert _checks.refuted(-softplus(-x), softplus(-x), truth, {x: 0})
    assert not _checks.refuted(softplus(-x), softplus(-x), truth, {x: 0})
    assert not _checks.refuted(-softplus(-x), -softplus(-x), truth, {x: 0})
    assert not _checks.differ(sp.Rational(1, 3), sp.Float("0.3333333333333333333333333333", 50)
                              + sp.Rational(1, 3) * sp.Float("1e-28", 50))


def test_precision_is_high_enough_to_see_small_differences():
    # 1e-20 apart: float64 would call these equal; at 50 digits they do not agree.
    a, b = sp.Integer(1), 1 + sp.Rational(1, 10**20)
    assert not _checks.agree(a, b)
    assert _checks.agree(a, a + sp.Rational(1, 10**45))


def _mutants():
    """entry id -> its check run with the correction in place of the source's version.

    Each must NOT return True: a check that passes whatever it is given proves nothing.
    """
    from lossbook.errata import s000, s001, s002, s003, s004
    from lossbook.symbolic import sigmoid, softplus

    x = s000.x
    y = sp.Symbol("y", real=True)
    return {
        "000-limit-as-subscript": lambda: s000.limit_as_subscript(notation="lim"),
        "000-l2-norm-is-not-the-distance": lambda: s000.l2_norm_is_not_the_distance(
            named=(lambda u, v: (u - v).norm(2),)),
        "000-true-value-two-names": lambda: s000.true_value_symbols(true_value=1),
        "000-bce-with-true-class-probability": lambda: s000.bce_with_true_class_probability(
            p_of=lambda z: sigmoid(y)),
        "000-indicator-of-a-vector": lambda: s000.indicator_of_a_vector(z=1),
        "000-softmax-link-to-rectifier": lambda: s000.softmax_link_to_rectifier(
            "- [Softmax](https://en.wikipedia.org/wiki/Softmax_function) Wikipedia … "
            "- [Rectifier](https://en.wikipedia.org/wiki/Rectifier_(neural_networks)) x"),
        "000-kl-link-malformed": lambda: s000.kl_link_malformed(
            f"[Kullback-Leibler Divergence]({s000.KL_ARTICLE})"),
        "000-ls-no-unique-solution": lambda: s000.no_unique_solution(y=(1, 3, 4)),
        "001-ce-grad-sum-index-clash": lambda: s001.grad_sum_index_clash(
            derivative_inside_sum=False),
        "001-bce-grad-brackets": lambda: s001.bce_grad_brackets(
            (r"\frac{(\hat y -y)}{\hat y (1- \hat y)}",)),
        "001-softmax-card-asks-sigmoid": lambda: s001.card_softmax_with_sigmoid("softmax"),
        "001-ce-discrete-dx": lambda: s001.dx_in_a_sum(width=lambda spacing: 1),
        "002-dxy-measure": lambda: s002.dxy_is_not_the_area_element(form="dx dy"),
        "002-component-equals-vector": lambda: s002.component_equals_vector(n=1),
        "002-sigmoids-sum-not-one": lambda: s002.sum_of_sigmoids(logits=(0, 1)),
        "003-rho-hat-data": lambda: s003.rho_hat_data(reading="p_hat_data"),
        "004-variance-garbled": lambda: s004.variance_garbled(
            r"$$Var[Y] = Var[\theta_0 + \theta_1x + \eta] = 1$$, so"),
        "004-sigmoid-proof-link": lambda: s004.sigmoid_proof_link(
            "(see [here](https://example.org/proof) for a proof)"),
        "004-ce-loss-labelled-gradient": lambda: s004.ce_loss_labelled_gradient(left="J"),
        "004-code-link-unclosed": lambda: s004.code_link_unclosed(
            s004.CODE_LINK.replace("loss.py to", "loss.py) to")),
        "004-nielsen-link-dead": lambda: s004.nielsen_link_dead(
            "[book](http://neuralnetworksanddeeplearning.com) … [x](http://a.com)"),
        "004-svm-figure-missing": lambda: s004.svm_figure_missing(
            "![svm](https://example.org/svm.png)"),
        "004-hinge-figure-not-image": lambda: s004.hinge_figure_not_image(
            "![hinge loss](https://example.org/hinge.png)"),
        "000-log-sigmoid-sign": lambda: s000.log_sigmoid_sign(stated=softplus(-x)),
        "000-linear-loss-not-zero": lambda: s000.linear_loss_not_zero_at_target(
            stated=(abs(x - 1), (x - 1) ** 2)),
        "000-entropy-information-base": lambda: s000.information_base(
            information=lambda p: -sp.log(p, 2)),
        "000-ce-roles-swapped": lambda: s000.ce_roles_swapped(events_from="p"),
        "000-divergence-codomain": lambda: s000.divergence_codomain(codomain="[0, oo]"),
    }


MUTANTS = _mutants()


def test_a_sample_of_checks_has_mutants():
    assert len(MUTANTS) >= 25
    assert set(MUTANTS) <= set(IDS)


@pytest.mark.parametrize("entry_id", sorted(MUTANTS))
def test_check_fails_when_given_the_correction(entry_id):
    assert errata.get(entry_id)["check"]() is True
    assert MUTANTS[entry_id]() is not True


# ------------------------------------------------------------------------- quotes
def _normalise(text):
    return " ".join(text.split())


@pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason="the stored sources are not on this "
                    "machine (../shared/sources)")
@pytest.mark.parametrize("entry_id", IDS)
def test_quote_and_section_are_exact(entry_id):
    e = errata.get(entry_id)
    name = errata.SOURCES[e["source"]][0]
    text = (SOURCES_DIR / name).read_text(encoding="utf-8")
    flat = _normalise(text)
    for piece in e["stated"].split(" … "):
        assert _normalise(piece) in flat, (entry_id, piece)
    lines = {_normalise(ln.lstrip("#")) for ln in text.splitlines()}
    assert _normalise(e["section"]) in lines, (entry_id, e["section"])


def test_no_two_entries_quote_the_same_passage():
    # two ids for one error (say a chapter's entry and a source's) would be caught here
    pieces = [(e["id"], _normalise(piece)) for e in ENTRIES for piece in e["stated"].split(" … ")]
    for k, (id_a, a) in enumerate(pieces):
        for id_b, b in pieces[k + 1:]:
            if id_a != id_b and len(min(a, b, key=len)) > 25:
                assert a not in b and b not in a, (id_a, id_b, a, b)


# ------------------------------------------------------------------------- the page
def test_the_appendix_shows_every_entry_with_its_anchor():
    nb = json.loads((ROOT / "chapters" / "90_errata.ipynb").read_text(encoding="utf-8"))
    shown = "".join("".join(o.get("data", {}).get("text/markdown", ""))
                    for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])
    for e in ENTRIES:
        assert f"(erratum-{e['id']})=" in shown, e["id"]
    assert shown.count("(erratum-") == len(ENTRIES)
    assert "FAILED" not in shown


def test_render_quote_prose_and_formula():
    assert render.quote(r"It is $$x_t$$ [[link]]") == r"> It is $x_t$ \[\[link\]\]"
    assert render.quote(r"\frac{a}{b}") == "> $$\n> \\frac{a}{b}\n> $$"
    link = "see [x](https://a.b/c_(d))"
    assert render.quote(link) == f"> ```text\n> {link}\n> ```"
    assert render.quote("insert plot_here") == r"> insert plot\_here"
    both = render.quote(r"one $$a$$ … \beta")
    assert "[...]" in both and both.startswith("> one $a$")
    with pytest.raises(ValueError, match="unbalanced"):
        render.quote("a $$b")


def test_summary_counts_add_up():
    table = render.summary()
    assert f"**{len(ENTRIES)}**" in table.splitlines()[-1]
    for source in errata.SOURCES:
        n = sum(1 for e in ENTRIES if e["source"] == source)
        row = next(r for r in table.splitlines() if r.startswith(f"| {source},"))
        assert row.endswith(f"| {n} |")


def test_every_erratum_is_flagged_in_its_chapter():
    """Where the topic comes up, the chapter named by the entry links to it."""
    import nbformat

    linked = {}
    for path in (ROOT / "chapters").glob("[01]*.ipynb"):
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                         if c.cell_type == "markdown")
        linked["ch" + path.name[:2]] = set(re.findall(r"\{ref\}`erratum-([\w-]+)`", text))
    missing = [f"{e['id']} ({e['chapter']})" for e in errata.all_errata()
               if e["id"] not in linked.get(e["chapter"], set())]
    assert not missing, f"not linked from their chapter: {missing}"
