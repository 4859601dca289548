r"""Errata of source 001: the flash-card notes (an Anki/Obsidian deck, untitled).

The entries for the softmax and sigmoid derivations (chapters 6-7) are in
``ch06.py``/``ch07.py``. Each ``check`` returns True iff the source's version is refuted
and the correction holds. See :mod:`lossbook.errata`.
"""

from __future__ import annotations

from ..chains import ch05_cross_entropy

ERRATA = [
    dict(
        id="001-ce-discrete-dx",
        source="001",
        section="Discrete Case",
        stated=r"- \sum_{x \in \mathcal{X}} p(x) \log \left( q(x) \right) dx",
        correction=r"$H(P, Q) = -\sum_{x \in \mathcal{X}} p(x) \log q(x)$: a sum has no "
                   r"$dx$ (the factor is left over from the continuous case above it).",
        grade="typo",
        chapter="ch05",
        claim="ce.decomposition",
        check=ch05_cross_entropy._source_dx_in_sum,
    ),
]
