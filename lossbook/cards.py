r"""An Anki deck of the book's formulas, each one taken from a checked derivation.

``python -m lossbook cards -o lossbook.apkg`` builds every registered claim (so every
formula on a card has just been checked; a claim that fails stops the deck) and writes
one note a card-worthy claim: the front shows the chain's first expression and asks for
the other side, the back shows first and last expression with the relation between them
(``=``, ``\le``, ``\approx`` with its limit, or a derivative) and how it was checked.
Formulas are SymPy's LaTeX between MathJax delimiters ``\(...\)`` / ``\[...\]``, which
Anki (2.1+) renders on desktop and phone.

Which claims get a card: every claim whose chain relates expressions *with symbols*
(a definition, an identity, a bound, a limit, a gradient) — those are formulas to know.
A worked example whose first and last lines are plain numbers (``kl.example-pq``:
:math:`\mathrm{KL}(p\,\|\,q) = \log(5/3)` for one pair) is skipped: it is an exercise
to redo, not a formula to memorise; so is a chain whose steps mix ``\le`` and ``\ge``
(no single relation between its ends). :data:`SKIP` names further claims left out on
purpose, each with its reason. The rule needs no list of claims, so a claim added to
a chapter gets its card without touching this module.

Stable ids, so that re-importing a new deck updates a reader's cards (keeping their
review history) and never duplicates them: each note's guid is
``genanki.guid_for("lossbook", claim_id)``; the note model and the decks have fixed
ids (:data:`MODEL_ID`, :data:`DECK_ID` + chapter number). One subdeck a chapter,
``Loss Functions, Checked::02 Distance``; tags name the chapter and the kind of card
(``identity``, ``inequality``, ``limit``, ``gradient``).

References: the Anki manual (deck packages, MathJax); genanki 0.13.1.
"""

from __future__ import annotations

import html
import importlib
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from .derivation.printing import latex as book_latex

__all__ = ["Card", "DECK_NAME", "DECK_ID", "MODEL_ID", "SKIP", "cards", "write_deck",
           "summary"]

DECK_NAME = "Loss Functions, Checked"
#: Fixed ids (random numbers drawn once): never change them, or re-imports duplicate.
MODEL_ID = 1_607_392_319
DECK_ID = 2_059_400_100  # the parent deck; chapter NN's subdeck is DECK_ID + NN

#: Claims left out on purpose (beyond the rule in the module docstring), with why.
SKIP = {
    "mle.bernoulli-maximiser": "a substitution into the score, not a formula to recall "
                               "(the card mle.bernoulli-score carries it)",
}

_RELATION_TEX = {"=": "=", "<=": r"\le", ">=": r"\ge"}


@dataclass(frozen=True)
class Card:
    """One note: ``front`` and ``back`` are HTML with MathJax delimiters."""

    claim: str
    chapter: str
    front: str
    back: str
    checked: str
    kind: str

    @property
    def guid(self) -> str:
        import genanki

        return genanki.guid_for("lossbook", self.claim)


def summary(d) -> tuple[str, str, str, str, str] | None:
    """``(left, relation, right, where, kind)``: LaTeX relating the first and the last
    line of the checked chain ``d`` (``where`` is the limit of an approximation, else
    empty), and the kind of card; None when its steps admit no single relation
    (``<=`` and ``>=`` mixed, two different limits, a derivative of a bound)."""
    left = d.start
    order = None  # None, "<=" or ">="
    limit = None
    derivative = False
    for s in d.steps:
        if s.relation == "d/dx":
            if order or limit:
                return None  # the derivative of a bound or an approximation: no claim
            left = sp.Derivative(left, s.wrt)
            derivative = True
        elif s.relation in ("<=", ">="):
            if limit or (order and order != s.relation):
                return None
            order = s.relation
        elif s.relation == "~":
            if order or (limit and limit != (s.limit, s.approx)):
                return None
            limit = (s.limit, s.approx)
    right = d.lines[-1]
    if limit:
        (sym, point, *_), approx = limit
        rel = r"\sim" if approx == "ratio" else r"\approx"
        where = rf"\quad\text{{as }} {book_latex(sym)} \to {book_latex(point)}"
        return book_latex(left), rel, book_latex(right), where, "limit"
    kind = "inequality" if order else ("gradient" if derivative or left.has(sp.Derivative)
                                       else "identity")
    return book_latex(left), _RELATION_TEX[order or "="], book_latex(right), "", kind


def _is_worked_example(d) -> bool:
    """First and last line are plain numbers (no symbol at all, bound ones included:
    a limit such as lim t log t is a formula)."""
    return not d.start.atoms(sp.Symbol) and not d.lines[-1].atoms(sp.Symbol)


def _title(claim_id: str) -> str:
    """``softplus.tail-left`` -> ``softplus: tail left``."""
    head, _, rest = claim_id.partition(".")
    return f"{head}: {rest.replace('-', ' ')}" if rest else head


def _checked_text(method: str) -> str:
    if method == "symbolic":
        return "checked symbolically (SymPy), for every value the assumptions allow"
    if method == "by value":
        return "checked by evaluating the integrals on both sides (SymPy)"
    if method.startswith("concrete"):
        return f"checked for {method.split(' ', 1)[1]} only (SymPy, each size written out)"
    return "checked numerically at random points only"


def _card(c, d) -> Card | None:
    if c.id in SKIP or _is_worked_example(d):
        return None
    parts = summary(d)
    if parts is None:
        return None
    left, rel, right, where, kind = parts
    esc = html.escape
    checked = _checked_text(d.method)
    prompt = f'<div class="prompt">{esc(_title(c.id))}</div>'
    front = prompt + f"\\[ {esc(left)} \\;{esc(rel)}\\; {{?}}{esc(where)} \\]"
    back = prompt + f"\\[ {esc(left)} \\;{esc(rel)}\\; {esc(right)}{esc(where)} \\]"
    return Card(c.id, c.chapter, front, back, checked, kind)


def cards(claims=None, built: dict | None = None) -> list[Card]:
    """Build (and so check) every claim and return the cards, by chapter then id.

    ``claims``: the :class:`~lossbook.derivation.Claim` objects to use (default: all
    registered). A claim that fails its check raises: no card from an unchecked chain.
    ``built``: derivations already built and checked in this process, by claim id
    (``python -m lossbook verify --cards``); the others are built here.
    """
    from .chains import _build, all_claims

    built = built or {}
    out = []
    for c in claims if claims is not None else all_claims():
        card = _card(c, built[c.id] if c.id in built else _build(c))
        if card is not None:
            out.append(card)
    return out


def chapter_title(claim) -> str:
    """``02 Distance``: the chapter number and the title its chain module gives."""
    number = claim.chapter[2:]
    doc = importlib.import_module(claim.module).__doc__ or ""
    m = re.match(r"\s*Chapter\s+\d+\s*(?:\(([^)]*)\)|,\s*([^:]*))", doc)
    title = (m.group(1) or m.group(2)).strip() if m else ""
    return f"{number} {title[:1].upper() + title[1:]}".strip()


_CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: center; }
.prompt { font-size: 16px; color: #555; margin-bottom: 0.5em; }
.checked { font-size: 13px; color: #777; margin-top: 1em; }"""


def _model():
    import genanki

    return genanki.Model(
        MODEL_ID, "lossbook formula",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Claim"},
                {"name": "Chapter"}, {"name": "Checked"}],
        templates=[{
            "name": "Recall",
            "qfmt": "{{Front}}",
            "afmt": '{{Back}}<div class="checked">{{Checked}}<br>claim {{Claim}}, '
                    "chapter {{Chapter}}</div>",
        }],
        css=_CSS)


def _deck_id(chapter: str) -> int:
    """DECK_ID + NN for chapter chNN (an appendix slug: a fixed number from its name)."""
    digits = chapter[2:]
    if chapter.startswith("ch") and digits.isdigit():
        return DECK_ID + int(digits)
    return DECK_ID + 1000 + zlib.crc32(chapter.encode()) % 1000


def write_deck(path, claims=None, only=None, built: dict | None = None) -> dict:
    """Write the deck to ``path`` (an ``.apkg``); returns ``{"cards", "decks", "path"}``.

    ``claims`` (default: every registered claim), restricted to the ids or chapters in
    ``only`` if given; ``built`` as for :func:`cards`. Nothing is written if a claim
    fails its check.
    """
    import genanki

    from .chains import all_claims

    claims = list(claims) if claims is not None else all_claims()
    if only:
        claims = [c for c in claims if c.id in only or c.chapter in only]
    by_id = {c.id: c for c in claims}
    model = _model()
    decks: dict[str, genanki.Deck] = {}
    made = cards(claims, built)
    for card in made:
        c = by_id[card.claim]
        name = f"{DECK_NAME}::{chapter_title(c)}"
        if name not in decks:
            decks[name] = genanki.Deck(_deck_id(card.chapter), name)
        decks[name].add_note(genanki.Note(
            model=model, guid=card.guid, tags=[card.chapter, card.kind],
            fields=[card.front, card.back, card.claim, chapter_title(c), card.checked]))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(list(decks.values())).write_to_file(str(path))
    return {"cards": len(made), "decks": len(decks), "path": str(path)}
