r"""Errata of source 004. See :mod:`lossbook.errata`."""

from __future__ import annotations

ERRATA: list[dict] = []
