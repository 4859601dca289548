# ruff: noqa
"""Tiny helpers to build a chapter notebook from a list of cells (nbformat)."""
import json
import textwrap

import nbformat

CELLS = []


def md(text):
    CELLS.append(nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip("\n")))


def code(src, tags=(), **meta):
    cell = nbformat.v4.new_code_cell(textwrap.dedent(src).strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.metadata.update(meta)
    CELLS.append(cell)


def fig(name, caption, alt, src, tags=("hide-input",)):
    code(src, tags=tags, mystnb={"figure": {"name": name, "caption": caption},
                                 "image": {"alt": alt}})


def write(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = CELLS
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i:03d}"
    nbformat.write(nb, path)
