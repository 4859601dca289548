"""The book's checked derivations: one module per chapter, discovered automatically.

Each module ``lossbook/chains/chNN_*.py`` registers claims with
``@claim(id, chapter="chNN")`` (a zero-argument function that builds, and so checks,
a :class:`~lossbook.derivation.Derivation`). The sources' errors live in
:mod:`lossbook.errata` (one module a source or chapter, each entry with a stable id).

* :func:`load_all` imports every ``lossbook.chains.ch*`` module (pkgutil);
* :func:`chain` builds one claim's derivation afresh (nothing is cached, so a broken
  step always raises) and returns it: in a notebook ``lb.chain("sigmoid.derivative")``
  renders as math;
* :func:`all_claims` lists what is registered, :func:`all_errata` the errata
  (:func:`lossbook.errata.all_errata`);
* :func:`verify` re-checks everything (used by ``python -m lossbook verify``).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
import time
import traceback
from pathlib import Path

from ..derivation import Claim, Derivation, registered_claims

__all__ = ["load_all", "load_file", "chain", "glue_solutions", "all_claims", "all_errata",
           "run_claim", "run_erratum", "verify"]

_EXTRA_MODULES: list = []  # modules loaded from files (``--module``), for all_errata()


def load_all() -> list:
    """Import every ``lossbook.chains.ch*`` module; return the modules, sorted by name."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("ch"):
            modules.append(importlib.import_module(f"{__name__}.{info.name}"))
    return modules


def load_file(path: str | Path):
    """Import a chain module from a file path (e.g. a test fixture) and register its claims."""
    path = Path(path).resolve()
    name = f"lossbook_extra_chains_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load a chain module from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    if module not in _EXTRA_MODULES:
        _EXTRA_MODULES.append(module)
    return module


def all_claims() -> list[Claim]:
    """Every registered claim (after :func:`load_all`), by chapter then id."""
    load_all()
    return registered_claims()


def chain(id: str) -> Derivation:
    """Build and check the derivation registered as ``id``; return it (renders as math)."""
    load_all()
    for c in registered_claims():
        if c.id == id:
            return _build(c)
    import difflib

    known = [c.id for c in registered_claims()]
    close = difflib.get_close_matches(id, known, n=5, cutoff=0.5)
    same_topic = [k for k in known if k.split(".")[0] == id.split(".")[0] and k not in close]
    hint = close + same_topic[: max(0, 5 - len(close))]
    raise KeyError(f"no claim {id!r}; did you mean: {', '.join(hint)}?" if hint else
                   f"no claim {id!r}; `python -m lossbook verify` lists all {len(known)} claims")


def glue_solutions(*ids: str) -> None:
    """Build and check each chain and store it for the book's exercise solutions.

    In a notebook, each chain is glued (MyST-NB) under the key ``solution-<id>`` and
    shown nowhere else: a ``{solution}`` block puts it in place with the directive
    ``{glue} solution-<id>``, so the model answer of a proof exercise is the checked
    derivation itself, folded until the reader opens it, in the same layout as the
    chapter's other chains (reasons under their steps on a narrow screen; LaTeX in the
    PDF). Needs MyST-NB (the book's environment), imported only when called.
    """
    from myst_nb import glue

    for id in ids:
        glue(f"solution-{id}", chain(id), display=False)


def _build(c: Claim) -> Derivation:
    d = c.build()
    if not isinstance(d, Derivation):
        raise TypeError(f"claim {c.id!r} returned {type(d).__name__}, not a Derivation")
    if not d.steps:
        raise TypeError(f"claim {c.id!r} has no steps")
    if d.name is None:
        d.name = c.id
    return d


def all_errata() -> list[dict]:
    """Every erratum: :func:`lossbook.errata.all_errata`, validated, with stable ids.

    A chain module (or a ``--module`` file) that still defines ``ERRATA`` of the old
    form (no id, no grade) is listed after them, so that nothing goes unchecked while
    its entries move to :mod:`lossbook.errata`.
    """
    from .. import errata

    out = errata.all_errata()
    for module in load_all() + _EXTRA_MODULES:
        chapter = module.__name__.rsplit(".", 1)[-1].split("_", 1)[0]
        for e in getattr(module, "ERRATA", []):
            out.append({**e, "module": module.__name__, "chapter": e.get("chapter", chapter)})
    return out


def run_claim(c: Claim, keep: dict | None = None) -> dict:
    """Build one claim; the result record used by ``verify`` (never raises).

    ``keep``: a dict that receives the checked Derivation under the claim's id (the
    flash-card deck is then made from it without building the chain twice)."""
    t0 = time.perf_counter()
    try:
        d = _build(c)
    except AssertionError as exc:  # DerivationError included
        return _record(c, "-", "fail", t0, str(exc))
    except Exception as exc:  # noqa: BLE001 - a crash is a failure, reported in full
        return _record(c, "-", "fail", t0,
                       f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")
    slow = max(d.steps, key=lambda s: s.seconds)
    detail = (f"{len(d.steps)} steps; slowest step {slow.seconds:.2f} s ({slow.why})")
    if keep is not None:
        keep[c.id] = d
    return _record(c, d.method, "pass", t0, detail)


def _record(c: Claim, method, status, t0, detail) -> dict:
    return {"id": c.id, "chapter": c.chapter, "method": method, "status": status,
            "seconds": round(time.perf_counter() - t0, 3), "detail": detail}


def run_erratum(e: dict) -> dict:
    """Run one erratum's check (:func:`lossbook.errata.run`): ``pass`` when the source's
    version is refuted. Never raises."""
    from .. import errata

    record = errata.run(e)
    record["label"] = e.get("id") or f"{e.get('source', '?')} {e.get('section', '')}".strip()
    return record


def verify(extra_files=(), only=None, keep: dict | None = None) -> dict:
    """Re-check every claim (and every erratum); ``{"claims": [...], "errata": [...]}``.

    ``keep`` receives each checked Derivation by claim id (see :func:`run_claim`)."""
    load_all()
    for path in extra_files:
        load_file(path)
    claims = registered_claims()
    if only:
        claims = [c for c in claims if c.id in only or c.chapter in only]
    out = {"claims": [run_claim(c, keep) for c in claims]}
    errata = all_errata()
    if only:
        errata = [e for e in errata if e.get("claim") in only or e.get("chapter") in only
                  or e.get("id") in only]
    out["errata"] = [run_erratum(e) for e in errata]
    return out
