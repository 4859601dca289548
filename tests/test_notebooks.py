"""Static checks of the chapter notebooks (their stored form, without running them).

nbval (``make test``) re-runs every chapter and compares outputs; these tests check
what nbval does not: every code cell was executed, once, top to bottom (execution
counts 1, 2, 3, ...); no stored error, traceback or stderr output (warnings); the
kernel is ``python3``; no cell builds a ``Derivation(`` itself (derivations live
in ``lossbook/chains/`` so ``python -m lossbook verify`` sees all of them); and the
chapters on disk are exactly the chapters in ``_toc.yml``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
#: Pages of chapters/ that are MyST Markdown (generated at build time, e.g. the
#: verification appendix): in the table of contents like the notebooks.
MARKDOWN_PAGES = sorted(CHAPTERS.glob("*.md"))
DERIVATION_CALL = re.compile(r"\bDerivation\s*\(")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \".*\", line \d+", re.M)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def notebook_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Everything wrong with one stored notebook, as readable sentences."""
    problems = []
    kernel = nb.metadata.get("kernelspec", {})
    if kernel.get("name") != "python3":
        problems.append(f"kernel is {kernel.get('name')!r}, not 'python3'")
    language = nb.metadata.get("language_info", {}).get("name", kernel.get("language"))
    if language not in (None, "python"):
        problems.append(f"language is {language!r}, not 'python'")

    expected = 1
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"cell {index}"
        source = _text(cell.source)
        if DERIVATION_CALL.search(source):
            problems.append(
                f"{where} constructs Derivation(...) directly: put the chain in a "
                "lossbook/chains module and show it with lb.chain(id)"
            )
        if not source.strip():
            if cell.execution_count is not None or cell.outputs:
                problems.append(f"{where} is empty but has an execution count or outputs")
            continue
        if cell.execution_count is None:
            problems.append(f"{where} was not executed (run `make notebooks`)")
        elif cell.execution_count != expected:
            problems.append(
                f"{where} has execution count {cell.execution_count}, expected {expected} "
                "(cells must be run once, top to bottom: `make notebooks`)"
            )
        expected += 1
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                problems.append(f"{where} has an error output: {output.get('ename')}")
                continue
            if kind == "stream":
                text = _text(output.get("text", ""))
                if output.get("name") == "stderr":
                    problems.append(f"{where} wrote to stderr (a warning?): {text.strip()[:200]}")
                if TRACEBACK.search(text):
                    problems.append(f"{where} output contains a traceback")
            else:
                for mime, value in output.get("data", {}).items():
                    if mime.startswith("text/") and TRACEBACK.search(_text(value)):
                        problems.append(f"{where} output ({mime}) contains a traceback")
    return problems


def toc_files(toc_path: Path = ROOT / "_toc.yml") -> list[str]:
    """Every ``file:`` of the table of contents (root included), without suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [str(Path(f).with_suffix("")) if Path(f).suffix in (".md", ".ipynb") else f
            for f in files]


EXERCISE_BLOCK = re.compile(r"^(:{3,}|`{3,})\{exercise\}[^\n]*\n(.*?)^\1\s*$", re.S | re.M)
SOLUTION_BLOCK = re.compile(r"^(:{3,}|`{3,})\{solution\}[^\n]*\n(.*?)^\1\s*$", re.S | re.M)
CHECK_CALL = re.compile(r'check\("(ch\d\d-ex\d+)"')
CORRECT_SHOWN = re.compile(r"\u2713 \*\*(ch\d\d-ex\d+)\*\*|CheckResult\([^)]*correct=True")


def exercise_problems(nb: nbformat.NotebookNode, known_ids: set[str]) -> list[str]:
    """Every exercise names its id in the check call a student runs; no stored output
    shows a correct answer (a check that passed) before the student asks for it."""
    problems = []
    markdown = "\n".join(_text(c.source) for c in nb.cells if c.cell_type == "markdown")
    for match in EXERCISE_BLOCK.finditer(markdown):
        body = match.group(2)
        label = re.search(r":label:\s*(\S+)", body)
        name = label.group(1) if label else body.strip().splitlines()[0][:40]
        ids = CHECK_CALL.findall(body)
        if not ids:
            problems.append(f"exercise {name} shows no lb.exercises.check(\"chNN-exK\", ...) call")
        for exercise_id in ids:
            if exercise_id not in known_ids:
                problems.append(f"exercise {name} checks {exercise_id!r}, which is not registered")
    # Jupyter (jupyterlab-myst) folds a solution only if the source asks for it; the
    # site folds every solution anyway (_ext/booksite.py).
    for match in SOLUTION_BLOCK.finditer(markdown):
        if not re.search(r"^:class:.*\bdropdown\b", match.group(2), re.M):
            first = match.group(0).splitlines()[0]
            problems.append(f"{first.strip()} has no ':class: dropdown' (shown open in Jupyter)")
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            texts = [_text(v) for k, v in output.get("data", {}).items() if k.startswith("text/")]
            texts.append(_text(output.get("text", "")))
            for text in texts:
                shown = CORRECT_SHOWN.search(text)
                if shown:
                    problems.append(f"cell {index} shows a correct answer ({shown.group(0)[:40]})")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_exercises_name_their_check_and_hide_answers(path):
    from lossbook import exercises

    problems = exercise_problems(nbformat.read(path, as_version=4), set(exercises.ids()))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_exercise_checks_catch_bad_cells():
    new = nbformat.v4
    nb = new.new_notebook()
    nb.cells = [
        new.new_markdown_cell(":::{exercise} One\n:label: ch01-ex1\n\nNo call here.\n:::\n\n"
                              ":::{exercise} Two\n:label: ch01-ex2\n\n"
                              '`lb.exercises.check("ch77-ex9", x)`\n:::\n\n'
                              ":::{solution} ch01-ex2\n\nOpen.\n:::"),
        new.new_code_cell('check("ch01-ex1", "log(t)/log(10)")', execution_count=1, outputs=[
            new.new_output("execute_result", execution_count=1,
                           data={"text/markdown": "\u2713 **ch01-ex1**: Correct."})]),
    ]
    report = "\n".join(exercise_problems(nb, {"ch01-ex1", "ch01-ex2"}))
    for needle in ("exercise ch01-ex1 shows no", "'ch77-ex9', which is not registered",
                   "cell 1 shows a correct answer", "has no ':class: dropdown'"):
        assert needle in report, f"not reported: {needle}\n{report}"


def test_there_are_chapters():
    assert NOTEBOOKS, "no chapter notebook in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_cleanly_executed(path):
    problems = notebook_problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_toc_lists_exactly_the_chapters():
    listed = toc_files()
    on_disk = {f"chapters/{p.stem}" for p in NOTEBOOKS + MARKDOWN_PAGES}
    assert len(on_disk) == len(NOTEBOOKS) + len(MARKDOWN_PAGES), "a page is both .md and .ipynb"
    in_toc = {f for f in listed if f.startswith("chapters/")}
    assert not on_disk - in_toc, f"chapters missing from _toc.yml: {sorted(on_disk - in_toc)}"
    assert not in_toc - on_disk, f"_toc.yml lists missing chapters: {sorted(in_toc - on_disk)}"
    assert len(listed) == len(set(listed)), "a file appears twice in _toc.yml"
    missing = [
        f for f in listed if not any((ROOT / f"{f}{s}").is_file() for s in (".md", ".ipynb"))
    ]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_checks_catch_bad_notebooks():
    """Each defect above is reported on a notebook built to have it."""
    new = nbformat.v4
    kernel = {"name": "ir", "language": "R", "display_name": "R"}
    nb = new.new_notebook(metadata={"kernelspec": kernel})
    nb.cells = [
        new.new_code_cell("x = 1", execution_count=2),
        new.new_code_cell("y = 2", execution_count=None),
        new.new_code_cell("d = lb.Derivation(x)", execution_count=3),
        new.new_code_cell("1/0", execution_count=4, outputs=[
            new.new_output("error", ename="ZeroDivisionError", evalue="", traceback=[])]),
        new.new_code_cell("import warnings", execution_count=5, outputs=[
            new.new_output("stream", name="stderr", text="UserWarning: careful\n")]),
        new.new_code_cell("print(tb)", execution_count=6, outputs=[
            new.new_output("stream", name="stdout",
                           text="Traceback (most recent call last):\n  boom\n")]),
    ]
    report = "\n".join(notebook_problems(nb))
    for needle in ("kernel is 'ir'", "language is 'R'", "execution count 2, expected 1",
                   "cell 1 was not executed", "constructs Derivation", "error output",
                   "stderr", "contains a traceback"):
        assert needle in report, f"not reported: {needle}\n{report}"
    good = new.new_notebook(metadata={"kernelspec": {
        "name": "python3", "language": "python", "display_name": "Python 3"}})
    good.cells = [new.new_markdown_cell("The `Derivation(...)` class."),
                  new.new_code_cell("x = 1", execution_count=1),
                  new.new_code_cell("", execution_count=None),
                  new.new_code_cell("x", execution_count=2, outputs=[
                      new.new_output("execute_result", data={"text/plain": "1"},
                                     execution_count=2)])]
    assert notebook_problems(good) == []


def test_nbval_honours_a_trailing_semicolon(tmp_path):
    """With the root conftest.py's fix, strict nbval accepts a cell whose output ';' suppressed."""
    new = nbformat.v4
    nb = new.new_notebook(metadata={"kernelspec": {
        "name": "python3", "language": "python", "display_name": "Python 3"}})
    nb.cells = [new.new_code_cell("x = [1, 2]", execution_count=1),
                new.new_code_cell("len(x);", execution_count=2),
                new.new_code_cell("len(x)", execution_count=3, outputs=[
                    new.new_output("execute_result", data={"text/plain": "2"},
                                   execution_count=3)])]
    nbformat.write(nb, tmp_path / "semicolon.ipynb")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the root conftest.py holds the fix
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:randomly",
           "--nbval", "--nbval-current-env", "--rootdir", str(tmp_path), "-c", os.devnull,
           str(tmp_path / "semicolon.ipynb")]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout[-3000:]


def test_every_notebook_starts_with_the_install_cell():
    """scripts/notebook_header.py has put the one-line install instructions first."""
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "notebook_header.py"),
                           "--check", str(CHAPTERS)], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for path in NOTEBOOKS:
        first = nbformat.read(path, as_version=4).cells[0]
        assert first.cell_type == "markdown" and "pip install -r requirements.txt" in first.source
