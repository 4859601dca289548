"""Layout of a chain: LaTeX (one ``aligned`` block, a step a row with its reason; the
PDF), HTML (a grid whose reasons move under their steps on a narrow column; the site
and Jupyter) and plain text."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sympy as sp

from .printing import latex as book_latex

if TYPE_CHECKING:
    from .chain import Derivation, Step


_REL_LATEX = {"=": "=", "<=": r"\le", ">=": r"\ge", "~": r"\approx"}


def _relation_latex(step: Step) -> str:
    if step.relation == "d/dx":
        w = book_latex(step.wrt)
        d = r"\partial" if isinstance(step.wrt, sp.Indexed) else "d"
        return r"\overset{" + d + "/" + d + " " + w + r"}{\longmapsto}"
    return _REL_LATEX[step.relation]


_TEXT_SAFE = str.maketrans({"\\": "/", "{": "(", "}": ")", "%": " percent", "&": "and",
                            "#": "no.", "^": "", "~": "-", "$": ""})


def _text(s: str) -> str:
    s = s.translate(_TEXT_SAFE)
    return r"\text{" + s + "}" if s else ""


def _reason_parts(step: Step) -> list[str]:
    """The reason of a step and its notes (how it was checked, the limit, the lemmas),
    each a string with ``$...$`` for math."""
    notes = step.check_notes()  # what the check covered (sizes, numeric, by value)
    if step.relation == "~":
        sym, point = step.limit[0], step.limit[1]
        notes.append(f"as ${book_latex(sym)} \\to {book_latex(point)}$")
    for lem in step.lemmas:
        notes.append(f"by ${lem.latex()}$")
    why = step.why
    if "$" not in why and "\\" in why:  # a reason written as LaTeX math throughout
        why = "$" + why + "$"
    return [why, *notes]


def _mixed_latex(full: str) -> str:
    """Text with ``$...$`` math as LaTeX: the text parts in ``\\text{}``."""
    parts = full.split("$")
    if len(parts) % 2 == 0:  # unbalanced $: treat everything as text
        return _text(full.replace("$", ""))
    return "".join(_text(part) if j % 2 == 0 else part for j, part in enumerate(parts))


def _reason_latex(step: Step, stacked: bool = False) -> str:
    """``\\text{(why; note)}`` with ``$...$`` parts set as math. ``stacked`` sets the
    reason and each note on lines of their own, wrapped at a third of the width budget
    (an ``array`` inside the step's row), for rows too wide for the text column; the
    step keeps one row of the chain."""
    parts = _reason_parts(step)
    if not stacked:
        return _mixed_latex("(" + "; ".join(parts) + ")")
    lines = []
    for j, part in enumerate(parts):
        part = ("(" if j == 0 else "") + part + (";" if j < len(parts) - 1 else ")")
        lines.extend(_wrap(part, _ROW_WIDTH / 3))
    if len(lines) == 1:
        return _mixed_latex(lines[0])
    return r"\begin{array}[t]{l}" + r" \\ ".join(map(_mixed_latex, lines)) + r"\end{array}"


def _wrap(part: str, width: float) -> list[str]:
    """Split text with ``$...$`` math into lines of about ``width`` (see _display_width),
    breaking only at spaces outside the math."""
    pieces = part.split("$")
    if len(pieces) % 2 == 0:  # unbalanced $: leave it whole
        return [part]
    words = []
    for j, piece in enumerate(pieces):
        if j % 2:  # math stays whole, glued to the word before it
            if words and not pieces[j - 1].endswith(" "):
                words[-1] += f"${piece}$"
            else:
                words.append(f"${piece}$")
        else:
            tokens = piece.split(" ")
            if words and tokens and tokens[0] and not piece.startswith(" "):
                words[-1] += tokens.pop(0)
            words.extend(t for t in tokens if t)
    lines, line = [], ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if line and _display_width(_mixed_latex(candidate)) > width:
            lines.append(line)
            candidate = word
        line = candidate
    return [*lines, line] if line else lines


def _latex(expr) -> str:
    return book_latex(expr)


# A rough width budget for a chain, in units of about one math symbol (~14 px in the
# book's theme, whose text column is ~690 px wide); text inside \\text{} counts about half
# a unit a character. Chains wider than this stack their reasons (see Derivation.latex).
_ROW_WIDTH = 44


def _display_width(tex: str) -> float:
    """A rough width of a LaTeX row: a fraction counts its longer part, a command one
    symbol, text about half a symbol a character."""
    text = sum(len(t) for t in re.findall(r"\\text\{([^{}]*)\}", tex))
    tex = re.sub(r"\\text\{[^{}]*\}", "", tex)
    tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
                 lambda m: max(m.group(1), m.group(2), key=len), tex)
    tex = re.sub(r"\\(left|right|,|;|quad|qquad|displaystyle|mathrm|operatorname)", "", tex)
    tex = re.sub(r"\\[a-zA-Z]+", "x", tex)
    return len(re.sub(r"[{}_^&\s]", "", tex)) + 0.5 * text


def chain_latex(d: Derivation) -> str:
    r"""The chain as one ``\begin{aligned}`` block, one line a step with its reason."""
    rows = []
    first = _latex(d.start)
    lines = [f"&{_relation_latex(s)} {_latex(s.expr)}" for s in d.steps]
    # The block is as wide as its widest cell in each column. When the start and the
    # steps side by side would fill most of the text column, the start gets a row of
    # its own (left-aligned above the steps); reasons that would still overflow stack.
    widest = max(map(_display_width, lines), default=0)
    own_row = bool(lines) and _display_width(first) + widest > 0.75 * _ROW_WIDTH
    width = max(_display_width(first), widest) if own_row else _display_width(first) + widest
    if own_row:
        rows.append(f"& {first}")
    for k, (s, line) in enumerate(zip(d.steps, lines, strict=True)):
        reason = _reason_latex(s)
        if width + _display_width(reason) > _ROW_WIDTH:
            reason = _reason_latex(s, stacked=True)  # too wide: one note a line
        rows.append(f"{first if k == 0 and not own_row else ''} {line} && {reason}")
    if not rows:
        rows.append(f"{first} &")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def chain_text(d: Derivation) -> str:
    """The chain as plain text: a line a step, with its reason and how it was checked."""
    head = f"Derivation {d.name!r}" if d.name else "Derivation"
    out = [f"{head} [{d.method}]", f"    {sp.sstr(d.start)}"]
    for s in d.steps:
        rel = {"d/dx": f"d/d{s.wrt} ->"}.get(s.relation, s.relation)
        tag = "" if s.method == "symbolic" else f"; {s.method}"
        out.append(f"  {rel} {sp.sstr(s.expr)}    ({s.why}{tag})")
    return "\n".join(out)


# ------------------------------------------------------------------ HTML (site, Jupyter)
# The HTML form is a CSS grid, one row a step: the relation, the expression, and the
# reason with its notes (how the step was checked). Where the column is wide enough the
# reason stands beside its step; on a narrow column it moves under it, so a phone shows
# every reason and every "checked for n = ... only" caveat without scrolling. The site
# (_ext/static/booksite.js) sets ``lb-stacked`` when the side-by-side grid does not fit;
# a container query does the same in Jupyter, which runs no script. An expression that
# is still wider than the column scrolls with a visible cue (booksite.css). The PDF uses
# the LaTeX form above (``_repr_latex_``).
_HTML_STYLE = """<style>
.lb-derivation-box { container-type: inline-size; margin: 0.8em 0 1em; }
.lb-derivation { display: grid; column-gap: 0.6em; row-gap: 0.3em; align-items: baseline;
  grid-template-columns: max-content minmax(0, max-content) minmax(10em, 1fr); }
.lb-derivation > .lb-start { grid-column: 1 / -1; min-width: 0; }
.lb-derivation > .lb-rel { grid-column: 1; text-align: right; padding-left: 1.2em; }
.lb-derivation > .lb-expr { grid-column: 2; min-width: 0; }
.lb-derivation > .lb-why { grid-column: 3; padding-left: 0.8em; font-size: 0.92em; opacity: 0.85; }
.lb-derivation .lb-note { display: block; font-size: 0.95em; font-style: italic; }
.lb-derivation.lb-stacked { grid-template-columns: max-content minmax(0, 1fr); }
.lb-derivation.lb-stacked > .lb-rel { padding-left: 0.4em; }
.lb-derivation.lb-stacked > .lb-why { grid-column: 2; padding-left: 0; margin-bottom: 0.35em; }
@container (max-width: 34em) {
  .lb-derivation { grid-template-columns: max-content minmax(0, 1fr); }
  .lb-derivation > .lb-rel { padding-left: 0.4em; }
  .lb-derivation > .lb-why { grid-column: 2; padding-left: 0; margin-bottom: 0.35em; }
}
</style>"""


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_math(tex: str, display: bool = False) -> str:
    # Not class "math": the book's theme clips span.math (overflow hidden), which would
    # hide a formula wider than its cell instead of letting it scroll. MyST-NB marks a
    # notebook's cells mathjax_ignore; mathjax_process lets MathJax typeset this one.
    body = r"\displaystyle " + tex if display else tex
    return f'<span class="lb-math mathjax_process">\\({_html_escape(body)}\\)</span>'


def _html_mixed(full: str) -> str:
    """Text with ``$...$`` math as HTML: text escaped, math as ``\\(...\\)``."""
    parts = full.split("$")
    if len(parts) % 2 == 0:  # unbalanced $: treat everything as text
        return _html_escape(full.replace("$", ""))
    return "".join(_html_escape(part) if j % 2 == 0 else _html_math(part)
                   for j, part in enumerate(parts))


def chain_html(d: Derivation) -> str:
    """The chain as HTML: a grid row a step, its reason beside it or, on a narrow
    column, under it (see the comment above ``_HTML_STYLE``)."""
    name = f' data-claim="{_html_escape(d.name)}"' if d.name else ""
    cells = [f'<div class="lb-start">{_html_math(_latex(d.start), display=True)}</div>']
    for s in d.steps:
        why, *notes = _reason_parts(s)
        reason = _html_mixed(why) + "".join(
            f'<span class="lb-note">{_html_mixed(note)}</span>' for note in notes)
        cells += [f'<div class="lb-rel">{_html_math(_relation_latex(s))}</div>',
                  f'<div class="lb-expr">{_html_math(_latex(s.expr), display=True)}</div>',
                  f'<div class="lb-why">{reason}</div>']
    return (f'<div class="lb-derivation-box">{_HTML_STYLE}\n<div class="lb-derivation"{name}>\n'
            + "\n".join(cells) + "\n</div></div>")
