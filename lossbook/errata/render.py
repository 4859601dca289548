r"""The errata appendix as MyST Markdown, generated from :func:`lossbook.errata.all_errata`.

The page ``chapters/90_errata.ipynb`` calls these functions; every check is run when
the page is executed (and again by nbval in ``make test``), and its verdict is part of
the Markdown the page stores, so a check that stops passing changes the page.

* :func:`summary` - a table of counts by source and grade;
* :func:`source_section` - every entry of one source, grouped by grade, each with the
  anchor ``(erratum-<id>)=`` that chapters link to with ``{ref}`erratum-<id>```;
* :func:`quote` - the source's words as Markdown: prose with inline math, or a
  displayed formula.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import GRADES, SOURCES, all_errata, run

__all__ = ["chapter_links", "quote", "source_section", "summary", "verdict"]

_LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$", re.M)
_HEADING = re.compile(r"^#\s+(.+?)\s*$", re.M)
_MD_SPECIAL = re.compile(r"([\\*_`\[\]<>#|])")


def chapter_links(chapters_dir: str | Path = ".") -> dict:
    """``{"labels": {label: chapter}, "chapters": {"ch03": (top label, title)}}`` read
    from the chapter notebooks ``NN_*.ipynb`` in ``chapters_dir``."""
    labels, chapters = {}, {}
    for page in sorted(Path(chapters_dir).glob("[0-8][0-9]_*.ipynb")):
        chapter = f"ch{page.name[:2]}"
        cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
        texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        found = [m.group(1) for t in texts for m in _LABEL.finditer(t)]
        title = next((m.group(1) for t in texts for m in _HEADING.finditer(t)), page.stem)
        for label in found:
            labels[label] = chapter
        chapters[chapter] = (found[0] if found and texts and texts[0].lstrip().startswith(
            f"({found[0]})=") else None, title, page.stem)
    return {"labels": labels, "chapters": chapters}


def _where(entry: dict, links: dict) -> str:
    """Where the book treats the topic, as a MyST reference that resolves."""
    chapter = links["chapters"].get(entry["chapter"])
    if chapter is None:
        return "The chapter that treats this topic is not in the book yet."
    top, title, stem = chapter
    ref = entry.get("ref")
    if ref and links["labels"].get(ref) == entry["chapter"]:
        return f"Treated in {{ref}}`{ref}` ({{doc}}`/chapters/{stem}`)."
    if top:
        return f"Treated in {{ref}}`{top}`."
    return f"Treated in {{doc}}`/chapters/{stem}`."


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def quote(stated: str) -> str:
    """The source's words as a Markdown block quote.

    * Markdown link syntax (``](``) is shown literally, in a code block (long
      addresses scroll inside it instead of widening the page);
    * a piece with ``$`` in it, or without a backslash, is prose: its text is escaped
      and each formula (``$$...$$`` or ``$...$`` in the source) set inline as
      ``$...$``, so the line wraps in the column;
    * any other piece is a formula and is displayed.

    Pieces joined by " … " (passages quoted from two places) are shown one after the
    other, separated by [...].
    """
    out = []
    for piece in (p.strip() for p in stated.split(" … ")):
        if "](" in piece:
            out.append(["> ```text", "> " + " ".join(piece.split()), "> ```"])
        elif "$" in piece or "\\" not in piece:
            parts = piece.replace("$$", "$").split("$")
            if len(parts) % 2 == 0:
                raise ValueError(f"unbalanced $ in quote {piece!r}")
            text = "".join(_escape(p) if k % 2 == 0 else f"${p.strip()}$"
                           for k, p in enumerate(parts))
            out.append(["> " + " ".join(text.split())])
        else:
            out.append(["> $$", "> " + " ".join(piece.split()), "> $$"])
    lines = out[0]
    for more in out[1:]:
        lines += [">", "> [...]", ">"] + more
    return "\n".join(lines)


def verdict(result: dict) -> str:
    """One sentence on a check's result (no time: the page must be deterministic)."""
    if result["status"] == "pass":
        return "**Check, run on this page: passed.** The source's version is refuted."
    first = result["detail"].splitlines()[0] if result["detail"] else ""
    return f"**Check, run on this page: FAILED.** {_escape(first)}"


def _entry(entry: dict, links: dict, results: list) -> str:
    result = run(entry)
    results.append(result)
    claim = (f" The correction is the checked claim `{entry['claim']}`."
             if entry["claim"] else "")
    return "\n\n".join([
        f"({'erratum-' + entry['id']})=",
        f"#### {_escape(entry.get('title') or entry['section'])}",
        f"`{entry['id']}`, in the section \"{_escape(entry['section'])}\" of the source, "
        "states:",
        quote(entry["stated"]),
        f"**Correction** ({GRADES[entry['grade']]}): {entry['correction']}",
        _where(entry, links) + claim,
        verdict(result),
    ])


def source_section(source: str, links: dict, results: list) -> str:
    """Every entry of ``source``, grouped by grade (in the order of ``GRADES``)."""
    entries = [e for e in all_errata() if e["source"] == source]
    if not entries:
        return "No erratum is recorded for this source."
    blocks = []
    for grade, name in GRADES.items():
        mine = [e for e in entries if e["grade"] == grade]
        if not mine:
            continue
        blocks.append(f"### {name.capitalize()} ({len(mine)})")
        blocks += [_entry(e, links, results) for e in mine]
    return "\n\n".join(blocks)


def summary() -> str:
    """A Markdown table: errata by source (rows) and grade (columns), with totals."""
    entries = all_errata()
    head = "| source | " + " | ".join(GRADES.values()) + " | all |"
    rows = [head, "|---|" + "---:|" * (len(GRADES) + 1)]
    for source, (_, key, _title) in SOURCES.items():
        counts = [sum(1 for e in entries if e["source"] == source and e["grade"] == g)
                  for g in GRADES]
        rows.append(f"| {source}, {{cite}}`{key}` | " + " | ".join(map(str, counts))
                    + f" | {sum(counts)} |")
    totals = [sum(1 for e in entries if e["grade"] == g) for g in GRADES]
    rows.append("| **all** | " + " | ".join(f"**{t}**" for t in totals)
                + f" | **{len(entries)}** |")
    return "\n".join(rows)
