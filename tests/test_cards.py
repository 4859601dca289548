"""The Anki deck: open the .apkg (a zip holding the SQLite collection) and check it.

The deck is built for chapters 1 and 3 (29 claims, with worked examples that must not
become cards); ``python -m lossbook cards`` is run once as a subprocess for chapter 1.
"""

from __future__ import annotations

import html
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import genanki
import pytest
import sympy as sp

import lossbook.chains
from lossbook import cards as C
from lossbook.chains import all_claims, chain, load_file
from lossbook.derivation import DerivationError, registry

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = {"ch01", "ch03"}


def open_deck(path: Path, tmp: Path):
    """The collection of an .apkg: (notes, cards, models, decks)."""
    with zipfile.ZipFile(path) as z:
        assert "collection.anki2" in z.namelist()
        z.extract("collection.anki2", tmp)
    con = sqlite3.connect(tmp / "collection.anki2")
    notes = [dict(zip(("id", "guid", "mid", "tags", "flds"), row, strict=True))
             for row in con.execute("select id, guid, mid, tags, flds from notes")]
    cards = con.execute("select nid, did from cards").fetchall()
    models_json, decks_json = con.execute("select models, decks from col").fetchone()
    con.close()
    for note in notes:
        note["fields"] = note["flds"].split("\x1f")
        note["tags"] = note["tags"].split()
    return notes, cards, json.loads(models_json), json.loads(decks_json)


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("deck")
    made = C.write_deck(tmp / "lossbook.apkg", only=CHAPTERS)
    return made, open_deck(tmp / "lossbook.apkg", tmp)


def selected():
    return [c for c in all_claims() if c.chapter in CHAPTERS]


def test_one_note_a_card_worthy_claim(deck):
    made, (notes, cards, _, _) = deck
    claims = {note["fields"][2] for note in notes}
    assert len(notes) == len(claims) == made["cards"] == len(cards)
    for c in selected():
        d = chain(c.id)
        numbers_only = not d.start.atoms(sp.Symbol) and not d.lines[-1].atoms(sp.Symbol)
        expected = not numbers_only and c.id not in C.SKIP
        assert (c.id in claims) == expected, c.id
    assert "kl.example-pq" not in claims  # a worked example with numbers
    assert "entropy.zero-log-zero" not in claims  # chapter 4 is not in this deck
    assert {"kl.gibbs", "log.product", "softplus.tail-left"} <= claims


def test_fields_hold_the_checked_formulas(deck):
    _, (notes, _, _, _) = deck
    by_claim = {note["fields"][2]: note for note in notes}
    for claim_id, note in by_claim.items():
        front, back, cid, chapter, checked = note["fields"]
        d = chain(claim_id)
        last = html.escape(sp.latex(d.lines[-1]))
        assert front.count(r"\[") == front.count(r"\]") == 1 and "{?}" in front
        assert last in back and r"\[" in back and "{?}" not in back
        # the front is the back with the last line hidden
        before, after = front.split("{?}")
        assert back.startswith(before) and back.endswith(after)
        assert back[len(before):len(back) - len(after)] == last
        assert chapter == C.chapter_title(next(c for c in all_claims() if c.id == cid))
        assert checked.startswith("checked")
    gibbs = by_claim["kl.gibbs"]
    assert r"\ge" in gibbs["fields"][1] and "n=2..6" in gibbs["fields"][4]
    tail = by_claim["softplus.tail-left"]
    assert r"\sim" in tail["fields"][1] and r"\to -\infty" in tail["fields"][0]
    assert "symbolically" in by_claim["log.product"]["fields"][4]


def test_ids_are_fixed_so_reimport_updates(deck, tmp_path):
    _, (notes, cards, models, decks) = deck
    assert list(models) == [str(C.MODEL_ID)]
    for note in notes:
        assert note["guid"] == genanki.guid_for("lossbook", note["fields"][2])
        assert note["mid"] == C.MODEL_ID
    again = C.write_deck(tmp_path / "again.apkg", only=CHAPTERS)
    notes2, _, models2, decks2 = open_deck(tmp_path / "again.apkg", tmp_path)
    assert again["cards"] == len(notes)
    assert sorted(n["guid"] for n in notes2) == sorted(n["guid"] for n in notes)
    assert set(models2) == set(models)
    assert {d["name"]: d["id"] for d in decks2.values()} == {
        d["name"]: d["id"] for d in decks.values()}


def test_one_subdeck_a_chapter(deck):
    _, (notes, cards, _, decks) = deck
    names = {d["id"]: d["name"] for d in decks.values()}
    assert names[C.DECK_ID + 1] == "Loss Functions, Checked::01 Preliminaries"
    assert names[C.DECK_ID + 3] == "Loss Functions, Checked::03 Divergence and Kullback-Leibler"
    chapter_of = {note["id"]: note["tags"][0] for note in notes}
    for nid, did in cards:
        assert did == C.DECK_ID + int(chapter_of[nid][2:])
    for note in notes:
        assert note["tags"][0] in CHAPTERS
        assert note["tags"][1] in ("identity", "inequality", "limit", "gradient")


def test_a_failing_claim_writes_no_deck(tmp_path, monkeypatch):
    # the fixture's claim must not stay registered for the tests that run after this one
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(lossbook.chains, "_EXTRA_MODULES", list(lossbook.chains._EXTRA_MODULES))
    load_file(ROOT / "tests" / "fixtures" / "failing_chain.py")
    failing = [c for c in all_claims() if c.id == "test.deliberately-wrong"]
    with pytest.raises(DerivationError):
        C.write_deck(tmp_path / "bad.apkg", claims=failing)
    assert not (tmp_path / "bad.apkg").exists()


def test_cards_command(tmp_path):
    out = tmp_path / "ch01.apkg"
    proc = subprocess.run([sys.executable, "-m", "lossbook", "cards", "-o", str(out),
                           "--only", "ch01"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    notes, *_ = open_deck(out, tmp_path)
    assert f"{len(notes)} cards in 1 chapter decks" in proc.stdout
    assert {n["tags"][0] for n in notes} == {"ch01"}


def test_verify_writes_the_deck_from_the_chains_it_checked(tmp_path):
    """``verify --cards`` (the site build's one run) writes the deck only if all pass."""
    out = tmp_path / "v.apkg"
    proc = subprocess.run([sys.executable, "-m", "lossbook", "verify", "--json", "--only",
                           "ch01", "--cards", str(out)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout)["claims"]  # stdout stays pure JSON
    notes, *_ = open_deck(out, tmp_path)
    assert f"{len(notes)} cards in 1 chapter decks" in proc.stderr
    bad = tmp_path / "bad.apkg"
    proc = subprocess.run([sys.executable, "-m", "lossbook", "verify", "--module",
                           str(ROOT / "tests" / "fixtures" / "failing_chain.py"), "--only",
                           "test.deliberately-wrong", "--cards", str(bad)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1 and not bad.exists()
