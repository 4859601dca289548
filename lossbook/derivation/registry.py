"""The claims registry: ``@claim(id, chapter=...)`` and :func:`registered_claims`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .chain import Derivation


@dataclass(frozen=True)
class Claim:
    """A registered claim: ``build()`` makes (and so checks) its Derivation."""

    id: str
    chapter: str
    build: Callable[[], Derivation]
    module: str


_REGISTRY: dict[str, Claim] = {}
_CHAPTER = re.compile(r"ch\d\d|app[a-z0-9-]*")


def claim(id: str, chapter: str):
    """Register a zero-argument function returning a :class:`Derivation` under ``id``.

    ``chapter`` is the chapter slug ``"chNN"``. Re-registering the same function (a
    reloaded module) replaces it; another function with the same id is an error.
    """
    if not isinstance(id, str) or not id.strip():
        raise ValueError("claim id must be a non-empty string")
    if not isinstance(chapter, str) or not _CHAPTER.fullmatch(chapter):
        raise ValueError(f"chapter must look like 'ch06', got {chapter!r}")

    def register(fn):
        key = f"{fn.__module__}.{fn.__qualname__}"
        old = _REGISTRY.get(id)
        if old is not None and f"{old.module}.{old.build.__qualname__}" != key:
            raise ValueError(f"claim id {id!r} is already registered by {old.module}")
        _REGISTRY[id] = Claim(id, chapter, fn, fn.__module__)
        return fn

    return register


def registered_claims() -> list[Claim]:
    """Every registered claim, by chapter then id (modules must be imported first)."""
    return sorted(_REGISTRY.values(), key=lambda c: (c.chapter, c.id))
