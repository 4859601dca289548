"""Sphinx extension: the verification appendix and the flash-card deck, made at build time.

The site build does not execute notebooks, so the verification table cannot be a
notebook's stored output (it would show the state of the last ``make notebooks``, not
of the code being built). Instead, when the builder starts, this extension launches
one fresh interpreter next to Sphinx's own work::

    python -m lossbook verify --json --cards <outdir>/downloads/lossbook.apkg

It re-checks every claim and erratum from scratch (nothing is cached); its JSON goes to
``<outdir>/downloads/verification.json`` (the data the page tabulates, linked from it),
and, if everything passed, the Anki deck is written from the chains just checked (one
build of each chain serves both). A claim or erratum that fails, or a missing deck,
fails the build: the check runs at ``env-updated`` (after every page is read) whether
or not the appendix page was re-read, and again when the directives use the results.

Directives (used in ``chapters/91_verification.md``):

``verification-summary``
    one paragraph: how many claims and errata were checked, how long it took, and a
    link to the JSON;
``verification-counts``
    claims by chapter and method (symbolic, by value, concrete, numeric), with totals,
    and the concrete ranges;
``verification-table``
    every claim: id, chapter (linked to its page), method, status, seconds;
``checked-chain`` *claim-id*
    one chain built here and shown as math, with the method of each step;
``refuted-step`` *claim-id*
    the checker's answer when the claim's last step is replaced by its negative;
``flashcard-deck``
    a paragraph linking the deck, with its number of cards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

__all__ = ["setup"]

LOG = logging.getLogger(__name__)
#: The method families of the table, strongest first (a claim has its weakest step's).
FAMILIES = ("symbolic", "by value", "concrete", "numeric")
_RUNS: dict[int, dict] = {}  # id(app) -> the background run


# ------------------------------------------------------------------- background runs
def _start(app: Sphinx) -> None:
    """builder-inited: launch verify and the deck build in fresh interpreters."""
    downloads = Path(app.outdir) / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    root = Path(app.srcdir)
    json_path = downloads / "verification.json"
    deck_path = downloads / "lossbook.apkg"
    for stale in (json_path, deck_path):  # nothing from an earlier build may be shown
        stale.unlink(missing_ok=True)
    run = {"json": json_path, "deck": deck_path, "t0": time.perf_counter()}
    run["verify_out"] = json_path.open("w", encoding="utf-8")
    run["log"] = Path(app.outdir).parent / "verify.log"  # stderr, beside the site
    run["verify_err"] = run["log"].open("w", encoding="utf-8")
    run["verify"] = subprocess.Popen(
        [sys.executable, "-m", "lossbook", "verify", "--json", "--cards", str(deck_path)],
        cwd=root, env=env, stdout=run["verify_out"], stderr=run["verify_err"])
    _RUNS[id(app)] = run
    LOG.info("[verification] python -m lossbook verify --json --cards started")


def results(app: Sphinx) -> dict:
    """The verify run's JSON (waiting for it); raises ExtensionError if anything failed."""
    run = _RUNS[id(app)]
    if "data" not in run:
        code = run["verify"].wait()
        run["verify_out"].close()
        run["verify_err"].close()
        run["verify_seconds"] = time.perf_counter() - run["t0"]
        try:
            data = json.loads(run["json"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log = run["log"].read_text(encoding="utf-8")
            raise ExtensionError(f"python -m lossbook verify gave no JSON (exit {code}): "
                                 f"{exc}\n{log[-3000:]}") from exc
        failed = [r for r in data["claims"] + data["errata"] if r["status"] != "pass"]
        if failed or code != 0:
            lines = [f"{r.get('id') or r.get('label')}: {r['detail'][:600]}" for r in failed]
            raise ExtensionError(f"{len(failed)} claim(s) or errata FAIL their check "
                                 f"(verify exit {code}):\n" + "\n".join(lines))
        LOG.info(f"[verification] {len(data['claims'])} claims, {len(data['errata'])} "
                 f"errata pass ({data['seconds']:.1f} s in verify)")
        run["data"] = data
    return run["data"]


def deck(app: Sphinx) -> str:
    """The deck's report line (``139 cards in 10 chapter decks -> ...``), once verify
    has passed; raises ExtensionError if the deck was not written."""
    results(app)
    run = _RUNS[id(app)]
    if "deck_report" not in run:
        log = run["log"].read_text(encoding="utf-8")
        lines = [ln for ln in log.splitlines() if " cards in " in ln]
        if not lines or not run["deck"].is_file():
            raise ExtensionError(f"the flash-card deck was not written:\n{log[-3000:]}")
        run["deck_report"] = lines[-1]
        LOG.info(f"[verification] {run['deck_report']}")
    return run["deck_report"]


def _check_all(app: Sphinx, env) -> list:
    """env-updated: fail the build on any failure, even if the page was not re-read."""
    results(app)
    return []


def _finish(app: Sphinx, exception) -> None:
    """build-finished: the deck must be there; no helper process outlives the build."""
    run = _RUNS.get(id(app))
    if run is None:
        return
    try:
        if exception is None:
            deck(app)
    finally:
        if run["verify"].poll() is None:  # the build failed early: stop the helper
            run["verify"].kill()
            run["verify"].wait()
        run["verify_out"].close()
        run["verify_err"].close()
        _RUNS.pop(id(app), None)


# ------------------------------------------------------------------------ node helpers
def _table(header: list[str], rows: list[list], numeric: set[int] = frozenset()):
    """A docutils table; a cell is a string or a node."""
    table = nodes.table(classes=["verification-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    head += _row(header, numeric)
    body = nodes.tbody()
    group += body
    for cells in rows:
        body += _row(cells, numeric)
    return table


def _row(cells, numeric):
    row = nodes.row()
    for j, cell in enumerate(cells):
        entry = nodes.entry(classes=["text-right"] if j in numeric else [])
        para = nodes.paragraph()
        para += cell if isinstance(cell, nodes.Node) else nodes.Text(str(cell))
        entry += para
        row += entry
    return row


def family(method: str) -> str:
    """``concrete n=2..6`` -> ``concrete``; ``by value`` stays."""
    return "by value" if method == "by value" else method.split()[0]


class _VerificationDirective(SphinxDirective):
    has_content = False

    def chapter_doc(self, slug: str) -> str | None:
        """The page of chapter ``chNN`` (``chapters/NN_*``), if it is in the book."""
        number = slug[2:]
        pages = sorted(d for d in self.env.found_docs
                       if d.startswith(f"chapters/{number}_"))
        return pages[0] if pages else None

    def chapter_cell(self, slug: str):
        number = str(int(slug[2:])) if slug[2:].isdigit() else slug
        doc = self.chapter_doc(slug)
        if doc is None:  # a chapter whose page is not written yet: no link
            return nodes.Text(number)
        ref = addnodes.pending_xref("", refdomain="std", reftype="doc",
                                    reftarget="/" + doc, refexplicit=True,
                                    refdoc=self.env.docname, refwarn=True)
        ref += nodes.inline(number, number)
        return ref

    def download_uri(self, name: str) -> str:
        depth = self.env.docname.count("/")
        return "../" * depth + "downloads/" + name


class VerificationSummary(_VerificationDirective):
    def run(self):
        data = results(self.env.app)
        claims, errata = data["claims"], data["errata"]
        counts = Counter(family(r["method"]) for r in claims)
        parts = ", ".join(f"{counts[f]} {f}" for f in FAMILIES if counts[f])
        para = nodes.paragraph()
        para += nodes.Text(
            f"This build of the site re-checked all {len(claims)} claims ({parts}) and "
            f"{len(errata)} errata checks in {data['seconds']:.0f} s; every one passed "
            "(a failure stops the build). The same results as JSON, as ")
        para += nodes.literal("", "python -m lossbook verify --json")
        para += nodes.Text(" prints them: ")
        para += nodes.reference("", "verification.json",
                                refuri=self.download_uri("verification.json"))
        para += nodes.Text(".")
        return [para]


class VerificationCounts(_VerificationDirective):
    def run(self):
        claims = results(self.env.app)["claims"]
        header = ["chapter", *FAMILIES, "claims", "passed", "seconds"]
        rows = []

        def counted(label, records):
            c = Counter(family(r["method"]) for r in records)
            return [label, *(c[f] for f in FAMILIES), len(records),
                    sum(r["status"] == "pass" for r in records),
                    f"{sum(r['seconds'] for r in records):.1f}"]

        for slug in sorted({r["chapter"] for r in claims}):
            rows.append(counted(self.chapter_cell(slug),
                                [r for r in claims if r["chapter"] == slug]))
        rows.append(counted(nodes.strong("all", "all"), claims))
        by_chapter = _table(header, rows, numeric=set(range(1, len(header))))
        ranges = Counter(r["method"] for r in claims if family(r["method"]) == "concrete")
        range_rows = [[nodes.literal(label, label), count]
                      for label, count in sorted(ranges.items())]
        return [by_chapter, _table(["concrete label", "claims"], range_rows, numeric={1})]


class VerificationTable(_VerificationDirective):
    def run(self):
        claims = results(self.env.app)["claims"]
        rows = [[j, nodes.literal(r["id"], r["id"]), self.chapter_cell(r["chapter"]),
                 r["method"], r["status"], f"{r['seconds']:.2f}"]
                for j, r in enumerate(claims, start=1)]
        return [_table(["#", "claim", "chapter", "method", "status", "seconds"], rows,
                       numeric={0, 5})]


def _chain(claim_id: str):
    from lossbook.chains import chain

    return chain(claim_id)


class CheckedChain(_VerificationDirective):
    required_arguments = 1

    def run(self):
        d = _chain(self.arguments[0])
        tex = d.latex()
        math = nodes.math_block(tex, tex, docname=self.env.docname, number=None,
                                label=None, nowrap=False)
        para = nodes.paragraph()
        para += nodes.Text("Steps checked as: " + ", ".join(s.method for s in d.steps)
                           + f"; the claim: {d.method}.")
        return [math, para]


class RefutedStep(_VerificationDirective):
    required_arguments = 1

    def run(self):
        from lossbook.derivation import DerivationError, Refuted

        d = _chain(self.arguments[0])
        last = len(d.steps) - 1
        try:
            d.check_step(last, -d.steps[last].expr)
        except Refuted as err:
            point, previous, claimed = err.counterexample
        except DerivationError as err:
            raise self.error(f"the negated last step of {d.name} was not refuted: {err}") from err
        else:
            raise self.error(f"the checker accepted the negated last step of {d.name}")
        where = ", ".join(f"{sp_latex(s)} = {float(v):.4g}" for s, v in point.items())
        para = nodes.paragraph()
        para += nodes.Text(f"The checker's answer for step {last + 1} of ")
        para += nodes.literal("", d.name)
        para += nodes.Text(" with the sign flipped: refuted by a counterexample. At ")
        para += nodes.math("", where)
        para += nodes.Text(" the previous line is ")
        para += nodes.math("", f"{previous:.6g}")
        para += nodes.Text(" and the claimed line ")
        para += nodes.math("", f"{claimed:.6g}")
        para += nodes.Text(".")
        return [para]


def sp_latex(expr) -> str:
    import sympy

    return sympy.latex(expr)


class FlashcardDeck(_VerificationDirective):
    def run(self):
        report = deck(self.env.app)  # "139 cards in 10 chapter decks -> ... (12.3 s)"
        count = report.split(" -> ")[0]
        para = nodes.paragraph()
        para += nodes.Text("Download the deck: ")
        para += nodes.reference("", "lossbook.apkg", refuri=self.download_uri("lossbook.apkg"))
        para += nodes.Text(f" ({count}, built with this page).")
        return [para]


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _start)
    app.connect("env-updated", _check_all)
    app.connect("build-finished", _finish)
    app.add_directive("verification-summary", VerificationSummary)
    app.add_directive("verification-counts", VerificationCounts)
    app.add_directive("verification-table", VerificationTable)
    app.add_directive("checked-chain", CheckedChain)
    app.add_directive("refuted-step", RefutedStep)
    app.add_directive("flashcard-deck", FlashcardDeck)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
