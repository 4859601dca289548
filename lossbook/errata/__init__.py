r"""The errors of the five source documents, one checked entry each.

Every module of this package (``s000`` ... ``s004``: one a source document;
``chNN``: entries written with a chapter) defines ``ERRATA``, a list of dicts::

    {"id": "000-log-sigmoid-sign",      # "<source>-<slug>", stable forever
     "source": "000",                   # which document (see SOURCES)
     "section": "Basic concepts and notation",   # the source's own heading
     "stated": r"...",                  # what the source states, quoted exactly
     "correction": r"...",              # text; $math$ allowed
     "grade": "meaning",                # "meaning" | "typo" | "missing"
     "chapter": "ch01",                 # the chapter that treats the topic
     "claim": "log-sigmoid.softplus",   # the registered claim of the correction, or None
     "check": fn}                       # zero-argument callable, see below

and may add ``"ref"``, the label of the chapter section that treats the topic (the
appendix links to it; without it, to the chapter's top label), and ``"title"``, a
short plain-text name of the error (the appendix's heading; without it, the section).

Grades:

* ``"meaning"``: read as written, the statement is false and a reader would learn
  something wrong from it (a wrong result, a wrong formula, a false claim);
* ``"typo"``: a slip of writing or notation whose intended statement is clear from
  the context and does not carry into the result;
* ``"missing"``: a figure that is not there, an empty section, an open TODO, a dead
  link: content the source promises or needs but does not give.

``check()`` returns True iff the source's version is *refuted* and the correction
accepted. Refuted means a counterexample that satisfies the source's own assumptions
(evaluated at high precision), a computed value or limit that differs, or a
shape/type impossibility; never "SymPy could not prove it". For a ``"missing"`` entry
the check computes what the book supplies in its place (the figure's data, the
section's result, the answer to the TODO) and checks it.

:func:`all_errata` gathers and validates every entry (pkgutil over this package);
:func:`get` finds one by id; :func:`run` runs one check and never raises.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
import traceback

__all__ = ["GRADES", "SOURCES", "REQUIRED", "ErratumSchemaError", "all_errata", "get",
           "run", "run_all", "validate", "verdict", "modules"]

#: source id -> (stored copy in ../shared/sources, key in references.bib, short title)
SOURCES = {
    "000": ("000_d52b67203b30a4ab.txt", "heinzer2020",
            "Heinzer, On Loss Functions, Part I"),
    "001": ("001_2374ed093ae10426.txt", "flashcards001", "The flash-card notes"),
    "002": ("002_78ddf648184b3e04.txt", "mao_logloss",
            "Mao, on log loss and cross-entropy"),
    "003": ("003_e36c979a3bc37125.txt", "chen_lossfunctions", "Chen, Loss Functions"),
    "004": ("004_e81d6a4a1fca4c8d.txt", "varma_picking",
            "Varma, Picking Loss Functions"),
}
#: grade -> how the appendix names it
GRADES = {
    "meaning": "changes the meaning",
    "typo": "typo or notation",
    "missing": "missing content",
}
REQUIRED = ("id", "source", "section", "stated", "correction", "grade", "chapter",
            "claim", "check")
OPTIONAL = ("ref", "title")
_ID = re.compile(r"(?P<source>\d{3})-[a-z0-9]+(?:-[a-z0-9]+)*")
_CHAPTER = re.compile(r"ch\d\d")
_LABEL = re.compile(r"[a-z0-9][a-z0-9-]*")


class ErratumSchemaError(ValueError):
    """An ``ERRATA`` entry that does not follow the schema of this package."""


#: the modules that hold entries: one a source (s000 ...) or a chapter (ch06 ...)
DATA_MODULE = re.compile(r"s\d{3}|ch\d\d")


def modules() -> list:
    """Import every data module of this package (``sNNN``, ``chNN``), sorted by name."""
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)
            if DATA_MODULE.fullmatch(info.name)]


def validate(entry: dict, where: str = "") -> None:
    """Raise :class:`ErratumSchemaError` unless ``entry`` follows the schema."""
    label = f"erratum {entry.get('id', '?')!r}{' in ' + where if where else ''}"
    if not isinstance(entry, dict):
        raise ErratumSchemaError(f"{label}: expected a dict, got {type(entry).__name__}")
    missing = [k for k in REQUIRED if k not in entry]
    if missing:
        raise ErratumSchemaError(f"{label}: missing key(s) {', '.join(missing)}")
    unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL) - {"module"})
    if unknown:
        raise ErratumSchemaError(f"{label}: unknown key(s) {', '.join(unknown)}")
    for key in ("id", "source", "section", "stated", "correction", "grade", "chapter"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise ErratumSchemaError(f"{label}: {key!r} must be a non-empty string")
    m = _ID.fullmatch(entry["id"])
    if m is None:
        raise ErratumSchemaError(
            f"{label}: id must look like '<source>-<slug>' (e.g. '000-log-sigmoid-sign': "
            "lower-case words joined by '-')")
    if entry["source"] not in SOURCES:
        raise ErratumSchemaError(f"{label}: source must be one of {', '.join(SOURCES)}")
    if m.group("source") != entry["source"]:
        raise ErratumSchemaError(f"{label}: the id must start with its source "
                                 f"{entry['source']!r}")
    if entry["grade"] not in GRADES:
        raise ErratumSchemaError(f"{label}: grade must be one of {', '.join(GRADES)}, "
                                 f"got {entry['grade']!r}")
    if not _CHAPTER.fullmatch(entry["chapter"]):
        raise ErratumSchemaError(f"{label}: chapter must look like 'ch07', "
                                 f"got {entry['chapter']!r}")
    if entry["claim"] is not None and (not isinstance(entry["claim"], str)
                                       or not entry["claim"].strip()):
        raise ErratumSchemaError(f"{label}: claim must be a claim id or None")
    if "ref" in entry and not (isinstance(entry["ref"], str)
                               and _LABEL.fullmatch(entry["ref"])):
        raise ErratumSchemaError(f"{label}: ref must be a section label, e.g. "
                                 "'sec-ch02-least-squares'")
    if "title" in entry and not (isinstance(entry["title"], str) and entry["title"].strip()
                                 and "$" not in entry["title"]):
        raise ErratumSchemaError(f"{label}: title must be non-empty plain text (no $)")
    if not callable(entry["check"]):
        raise ErratumSchemaError(f"{label}: check must be a zero-argument callable")


def all_errata() -> list[dict]:
    """Every entry of every module, validated, each a copy with its ``module``.

    Sorted by source, then by id. Raises :class:`ErratumSchemaError` on an entry that
    breaks the schema or on an id used twice.
    """
    out, seen = [], {}
    for module in modules():
        entries = getattr(module, "ERRATA", [])
        if not isinstance(entries, list | tuple):
            raise ErratumSchemaError(f"{module.__name__}.ERRATA must be a list")
        for entry in entries:
            validate(entry, module.__name__)
            if entry["id"] in seen:
                raise ErratumSchemaError(f"erratum id {entry['id']!r} is used twice: in "
                                         f"{seen[entry['id']]} and {module.__name__}")
            seen[entry["id"]] = module.__name__
            out.append({**entry, "module": module.__name__})
    return sorted(out, key=lambda e: (e["source"], e["id"]))


def get(id: str) -> dict:
    """The entry with this id (KeyError naming the known ids if there is none)."""
    for entry in all_errata():
        if entry["id"] == id:
            return entry
    known = ", ".join(e["id"] for e in all_errata())
    raise KeyError(f"no erratum {id!r}; known: {known}")


def run(entry: dict | str) -> dict:
    """Run one erratum's check (an entry or its id); never raises.

    Returns ``{"id", "source", "chapter", "claim", "grade", "status", "seconds",
    "detail"}``; ``status`` is ``"pass"`` iff the check returned True (the source's
    version refuted, the correction accepted).
    """
    t0 = time.perf_counter()
    try:
        if isinstance(entry, str):
            entry = get(entry)
        ok = entry["check"]()
        if ok is True:
            status, detail = "pass", "the source's version is refuted"
        else:
            status, detail = "fail", (f"check returned {ok!r}: the source's version was "
                                      "NOT refuted")
    except Exception as exc:  # noqa: BLE001 - a crash is a failure, reported in full
        status = "fail"
        detail = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"
    if not isinstance(entry, dict):
        entry = {"id": entry}
    return {"id": entry.get("id"), "source": entry.get("source"),
            "chapter": entry.get("chapter"), "claim": entry.get("claim"),
            "grade": entry.get("grade"), "status": status,
            "seconds": round(time.perf_counter() - t0, 3), "detail": detail}


def verdict(id: str) -> str:
    """One sentence for a chapter's erratum note: does the check refute the source?

    >>> verdict("000-squaring-increasing")
    "erratum 000-squaring-increasing: the checker refutes the source's version"
    """
    outcome = "refutes" if get(id)["check"]() is True else "does NOT refute"
    return f"erratum {id}: the checker {outcome} the source's version"


def run_all(only=None) -> list[dict]:
    """:func:`run` for every entry (or those whose id, chapter or claim is in ``only``)."""
    entries = all_errata()
    if only:
        entries = [e for e in entries
                   if e["id"] in only or e["chapter"] in only or e["claim"] in only]
    return [run(e) for e in entries]
