"""Insert or update the first cell of every notebook: how to install, in one line.

Usage: python scripts/notebook_header.py [NOTEBOOK_OR_DIR ...]   (default: chapters/)

The cell is a Markdown cell with the id ``lossbook-install`` and the tag ``remove-cell``:
Jupyter (a notebook downloaded from the site, or ``make lab``) shows it first, before
any import; the website and the PDF leave it out (they say it on the landing page). Run
it after adding a chapter (``make notebooks`` runs it first); it changes a notebook
only when the cell is missing or its text differs, and it never touches outputs, so
the notebook needs no re-execution. Exit status 1 with ``--check`` if a notebook
would change (the tests use that).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CELL_ID = "lossbook-install"
TAG = "remove-cell"
TEXT = """\
**Running this notebook on your own computer?** With Python 3.11 or newer, get
`lossbook-notebooks.zip` from the downloads on the book's home page, unzip it, and in
its folder install everything in one line:
`python -m pip install -r requirements.txt` (then `jupyter lab`). In a clone of the
book's repository, `make lab` does the same."""


def header_cell() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(TEXT, id=CELL_ID)
    cell.metadata["tags"] = [TAG]
    return cell


def apply(nb: nbformat.NotebookNode) -> bool:
    """Put the install cell first in ``nb`` (in place); True if anything changed."""
    existing = [i for i, c in enumerate(nb.cells) if c.get("id") == CELL_ID]
    wanted = header_cell()
    if existing == [0]:
        cell = nb.cells[0]
        if cell.cell_type == "markdown" and cell.source == TEXT and \
                cell.metadata.get("tags") == [TAG]:
            return False
    for i in reversed(existing):
        del nb.cells[i]
    nb.cells.insert(0, wanted)
    return True


def notebooks(args: list[str]) -> list[Path]:
    paths = [Path(a) for a in args] or [ROOT / "chapters"]
    out = []
    for p in paths:
        out += sorted(p.glob("*.ipynb")) if p.is_dir() else [p]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a notebook lacks the current cell")
    args = parser.parse_args(argv)
    stale = []
    for path in notebooks(args.paths):
        nb = nbformat.read(path, as_version=4)
        if apply(nb):
            stale.append(path)
            if not args.check:
                text = nbformat.writes(nb)
                path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
                print(f"{path}: install cell written")
    if args.check and stale:
        print("notebooks without the current install cell (run scripts/notebook_header.py):",
              *map(str, stale), sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
