"""Re-execute chapter notebooks in place, top to bottom, and store their outputs.

Usage: python scripts/execute_notebooks.py [NOTEBOOK_OR_DIR ...]   (default: chapters/)

Each notebook runs in a fresh ``python3`` kernel of the interpreter running this
script (jupyter_client starts ``python`` kernels with ``sys.executable``), with its
own folder as the working directory and a per-cell timeout. The first error stops
everything with a non-zero exit status and the notebook is left untouched.

So that re-running gives byte-identical files (when the code's outputs are
deterministic), the notebook is normalised before it is written: no execution
timestamps, a fixed kernelspec, ``language_info`` without the Python patch
version, stable cell ids, no ``collapsed``/``scrolled``/``ExecuteTime`` cell
metadata, and nbformat's standard JSON layout (indent 1, sorted keys).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
# The book's own answers must not land in a reader's progress file (lossbook.progress):
# the kernels inherit this.
os.environ.setdefault("LOSSBOOK_PROGRESS", "off")
KERNEL_NAME = "python3"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {
    "name": "python",
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}
# Cell metadata written by editors or by nbclient that changes from run to run.
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip everything that varies between runs or machines (in place; returns nb)."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    for key in ("widgets", "vscode", "toc-autonumbering"):
        nb.metadata.pop(key, None)
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        # nbformat would invent random ids for cells without one: give stable ones.
        cell_id = cell.get("id")
        if not cell_id or cell_id in seen:
            cell["id"] = f"cell-{index:03d}"
        seen.add(cell["id"])
    return nb


def execute(path: Path, timeout: int) -> float:
    """Execute one notebook in place; raise CellExecutionError on the first error."""
    nb = nbformat.read(path, as_version=4)
    if nb.metadata.get("kernelspec", {}).get("name", KERNEL_NAME) != KERNEL_NAME:
        raise SystemExit(f"{path}: kernel must be {KERNEL_NAME!r}")
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=timeout,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    normalise(nb)
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    if not text.endswith("\n"):
        text += "\n"
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return time.perf_counter() - start


def collect(args: list[str]) -> list[Path]:
    paths: list[Path] = []
    for arg in args or [str(ROOT / "chapters")]:
        p = Path(arg)
        if p.is_dir():
            paths.extend(sorted(p.glob("*.ipynb")))
        elif p.suffix == ".ipynb" and p.is_file():
            paths.append(p)
        else:
            raise SystemExit(f"not a notebook or a folder: {arg}")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks or folders (default: chapters/)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    options = parser.parse_args(argv)
    # Deterministic environment for the kernels (they inherit it).
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.pop("MPLBACKEND", None)  # keep the inline backend: figures go into the notebook
    notebooks = collect(options.paths)
    if not notebooks:
        print("no notebook found", file=sys.stderr)
        return 1
    for path in notebooks:
        print(f"executing {path} ...", flush=True)
        try:
            seconds = execute(path, options.timeout)
        except CellExecutionError as err:
            print(f"\nFAILED: {path}\n{err}", file=sys.stderr)
            return 1
        print(f"  done in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
