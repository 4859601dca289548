"""The whole-book PDF (``make pdf``): solutions in an appendix, not in place.

Loaded through ``sphinx.local_extensions`` in ``_config.yml``; it acts only for the
LaTeX builder. The LaTeX builder assembles the whole book into one doctree and emits
``doctree-resolved`` for it; there every sphinx-exercise solution is taken out of its
chapter and replaced by one line that links to it, and all of them are appended,
in book order, to a last chapter "Solutions to the exercises". On the website nothing
changes: each solution stays folded under its exercise (``booksite.py``).

The output file is ``_build/latex/lossbook.pdf`` (``latex_documents`` in ``_config.yml``).
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["setup", "SOLUTIONS_ID"]

SOLUTIONS_ID = "lb-solutions-appendix"


def _solution_nodes(doctree):
    try:
        from sphinx_exercise.nodes import solution_node
    except ImportError:  # pragma: no cover - sphinx-exercise is always loaded by the book
        return []
    return list(doctree.findall(solution_node))


# MathJax reads ``\int_\mathbb{R}``; XeLaTeX with unicode-math (which Jupyter Book's
# LaTeX preamble loads) does not: a sub- or superscript must be braced there.
_UNBRACED = re.compile(r"([_^])\s*(\\(?:mathbb|mathrm|mathcal|mathbf|operatorname|text)\s*"
                       r"\{[^{}]*\})")


def brace_scripts(doctree) -> int:
    r"""``x_\mathbb{R}`` -> ``x_{\mathbb{R}}`` in every formula; returns how many."""
    count = 0
    for node in list(doctree.findall(lambda n: isinstance(n, nodes.math | nodes.math_block))):
        text = node.astext()
        fixed, n = _UNBRACED.subn(r"\1{\2}", text)
        if n:
            count += n
            node.children = [nodes.Text(fixed)]
            if "latex" in node.attributes and isinstance(node["latex"], str):
                node["latex"] = fixed
    return count


# A derivation's LaTeX form (lossbook/derivation/layout.py, chain_latex) is an aligned
# block, "lhs & rel expr && reason" a row, sized for the website's column. On the PDF's
# narrower text block a row that would stick out gets its reason on a line of its own,
# under its expression, as the site does on a phone.
PDF_ROW_WIDTH = 40


def stack_wide_reasons(doctree) -> int:
    """Move the reason of each too-wide derivation row under its expression."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from lossbook.derivation.layout import _display_width

    count = 0
    for node in list(doctree.findall(nodes.math_block)):
        text = node.astext()
        if "\\begin{aligned}" not in text or "&&" not in text:
            continue
        head, _, rest = text.partition("\\begin{aligned}")
        body, _, tail = rest.rpartition("\\end{aligned}")
        rows = body.strip().split(" \\\\\n")
        widest = max(_display_width(r.split("&&")[0]) for r in rows)
        out = []
        for row in rows:
            expr, sep, reason = row.partition("&&")
            if sep and widest + _display_width(reason) > PDF_ROW_WIDTH:
                out += [expr.rstrip(), f"& \\qquad {reason.strip()}"]
                count += 1
            else:
                out.append(row)
        if out != rows:
            fixed = head + "\\begin{aligned}\n" + " \\\\\n".join(out) + "\n\\end{aligned}" + tail
            node.children = [nodes.Text(fixed)]
    return count


#: A table with this many columns or more is set small, with wrapping columns.
WIDE_TABLE_COLUMNS = 5


def _breakable_identifiers(table) -> None:
    r"""Let a long identifier in a table cell (``binary_cross_entropy_with_logits``, the
    claim id ``entropy.mutual-information-nonnegative``) break after an underscore, and
    in code also after a hyphen or a dot, where LaTeX would otherwise never break it."""
    for text in list(table.findall(nodes.Text)):
        parent = text.parent
        if len(text) < 16 or isinstance(
                parent, (nodes.raw, nodes.math, nodes.math_block, nodes.literal_block)):
            continue
        marks = "_.-" if isinstance(parent, nodes.literal) else "_"
        parts = re.split(f"(?<=[{re.escape(marks)}])", str(text))
        if len(parts) < 2:
            continue
        pieces = [nodes.Text(parts[0])]
        for part in parts[1:]:
            pieces += [nodes.raw("", "\\allowbreak{}", format="latex"), nodes.Text(part)]
        parent.replace(text, pieces)


def fit_wide_tables(doctree) -> int:
    r"""Let long identifiers in any table break after an underscore; set every table of
    WIDE_TABLE_COLUMNS or more columns in ``\footnotesize``, with wrapping columns
    (``\Y``) whose widths follow the length of their longest cell, so that it fits the
    text block (a table of ``l`` columns, LaTeX's default for a long table, never
    wraps). Returns how many tables were set small."""
    from sphinx import addnodes

    count = 0
    for table in list(doctree.findall(nodes.table)):
        _breakable_identifiers(table)
        groups = list(table.findall(nodes.tgroup))
        if not groups:
            continue
        ncols = int(groups[0].get("cols", 0))
        if ncols < WIDE_TABLE_COLUMNS:
            continue
        longest = [4] * ncols
        for row in groups[0].findall(nodes.row):
            for j, entry in enumerate(row.findall(nodes.entry)):
                if j < ncols:
                    longest[j] = max(longest[j], min(len(entry.astext()), 28))
        total = sum(longest)
        spec = "".join(f"\\Y{{{0.96 * w / total:.3f}}}" for w in longest)
        parent = table.parent
        index = parent.index(table)
        parent.insert(index + 1, nodes.raw("", "\\endgroup", format="latex"))
        parent.insert(index, addnodes.tabular_col_spec(spec=spec))
        parent.insert(index, nodes.raw("", "\\begingroup\\footnotesize", format="latex"))
        count += 1
    return count


def move_solutions(app: Sphinx, doctree, docname: str) -> None:
    if app.builder.format != "latex":
        return
    brace_scripts(doctree)
    stack_wide_reasons(doctree)
    fit_wide_tables(doctree)
    solutions = _solution_nodes(doctree)
    if not solutions:
        return
    appendix = nodes.section(ids=[SOLUTIONS_ID], names=["solutions to the exercises"])
    appendix += nodes.title("", "Solutions to the exercises")
    appendix += nodes.paragraph("", "The model answer of every exercise, in the order of the "
                                    "chapters; each exercise links to its solution here.")
    for solution in solutions:
        target = solution["ids"][0] if solution.get("ids") else None
        pointer = nodes.paragraph(classes=["lb-solution-pointer"])
        if target:
            ref = nodes.reference("", "", internal=True, refid=target)
            ref += nodes.emphasis("", "Solution: see the appendix, Solutions to the exercises")
            pointer += ref
        else:
            pointer += nodes.emphasis("", "Solution: see the appendix.")
        solution.replace_self(pointer)
        appendix += solution
    doctree += appendix


def setup(app: Sphinx) -> dict:
    # After sphinx-exercise has numbered and titled the solutions.
    app.connect("doctree-resolved", move_solutions, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
