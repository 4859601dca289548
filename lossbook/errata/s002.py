r"""Errata of source 002. See :mod:`lossbook.errata`."""

from __future__ import annotations

ERRATA: list[dict] = []
