"""The whole-book PDF built by `make pdf` (run by `make test-pdf`, not by `make test`).

Checks _build/latex/lossbook.pdf and its LaTeX log: the PDF has the book's chapters and
a last chapter with every exercise's solution, each exercise points to it instead of
showing its solution in place, every figure is included, and nothing runs off the page
by more than a few points (XeLaTeX's "Overfull \\hbox" warnings).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LATEX = ROOT / "_build" / "latex"
PDF = LATEX / "lossbook.pdf"
# Lines may stick out of the text block by a hair (a few points are invisible in print).
OVERFULL_PT = 12.0


@pytest.fixture(scope="module")
def text() -> str:
    if not PDF.is_file():
        pytest.fail(f"{PDF} is missing: run `make pdf`", pytrace=False)
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: `make texlive` installs poppler-utils", pytrace=False)
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_pdf_has_pages_and_the_chapters(text):
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 40, f"only {pages} pages"
    for title in ("Preliminaries", "Distance", "Entropy", "Cross-entropy",
                  "Errata of the sources", "Notation"):
        assert title in text, f"no {title!r} in the PDF"


def test_solutions_are_in_an_appendix_not_in_place(text):
    tex = (LATEX / "lossbook.tex").read_text(encoding="utf-8")
    pointers = tex.count("Solution: see the appendix")
    appendix = text.rfind("Solutions to the exercises")
    assert pointers >= 20, f"{pointers} exercises point to the appendix"
    assert appendix > 0, "no appendix 'Solutions to the exercises'"
    after = text[appendix:]
    solutions = len(re.findall(r"Solution to Exercise \d+\.\d+", after))
    assert solutions == pointers, f"{solutions} solutions in the appendix, {pointers} pointers"
    before = text[:text.find("Solutions to the exercises")]
    assert not re.search(r"Solution to Exercise \d+\.\d+", before.split("Contents")[-1]), \
        "a solution is still shown in its chapter"


def test_every_figure_is_included():
    tex = (LATEX / "lossbook.tex").read_text(encoding="utf-8")
    graphics = re.findall(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?([^}]+)\}", tex)
    assert graphics, "no figure in the PDF"
    missing = [g for g in graphics if not any((LATEX / f"{g}{s}").is_file()
                                              for s in ("", ".png", ".pdf", ".jpg"))]
    assert not missing, f"figures missing from the LaTeX build: {missing}"


def test_nothing_runs_off_the_page():
    log = (LATEX / "lossbook.log").read_text(encoding="utf-8", errors="replace")
    wide = [float(m) for m in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    bad = [w for w in wide if w > OVERFULL_PT]
    assert not bad, (f"{len(bad)} lines stick out of the text block by more than "
                     f"{OVERFULL_PT} pt (widest {max(bad):.0f} pt); see {LATEX / 'lossbook.log'}")
