r"""Errata of source 003. See :mod:`lossbook.errata`."""

from __future__ import annotations

ERRATA: list[dict] = []
