r"""Small helpers shared by the errata checks: values at high precision.

A check refutes a source's statement by a computation, never by a failed proof:

* :func:`value` evaluates a SymPy expression at a point with 50 significant digits;
* :func:`differ` / :func:`agree` compare two expressions at a point at that precision
  (``differ`` needs a gap far above the rounding of the evaluation);
* :func:`refuted` is the usual shape of a check: at a point that satisfies the
  source's assumptions, the source's version differs from the true value and the
  correction agrees with it.
"""

from __future__ import annotations

import sympy as sp

DIGITS = 50
#: two values "agree" within this (relative to their size, at 50 digits)
TOL = sp.Float("1e-40", DIGITS)
#: two values "differ" only if they are at least this far apart (relative)
GAP = sp.Float("1e-12", DIGITS)


def value(expr, at=None, digits: int = DIGITS):
    """``expr`` (anything ``sympify`` accepts) at the point ``at`` (a dict), evaluated
    with ``digits`` significant digits; a SymPy number (possibly ``oo``)."""
    e = sp.sympify(expr)
    if at:
        e = e.subs(at)
    e = e.doit()
    if e.free_symbols:
        raise ValueError(f"value: {e} still has free symbols {sorted(map(str, e.free_symbols))}")
    return sp.N(e, digits)


def _scale(a, b):
    return max(1, abs(a), abs(b))


def agree(a, b, at=None) -> bool:
    """True iff ``a`` and ``b`` have the same value at ``at`` (to 40 digits, relative)."""
    va, vb = value(a, at), value(b, at)
    if va.is_infinite or vb.is_infinite:
        return bool(va == vb)
    return bool(abs(va - vb) <= TOL * _scale(va, vb))


def differ(a, b, at=None) -> bool:
    """True iff ``a`` and ``b`` have clearly different values at ``at``."""
    va, vb = value(a, at), value(b, at)
    if va.is_infinite or vb.is_infinite:
        return bool(va != vb)
    return bool(abs(va - vb) > GAP * _scale(va, vb))


def refuted(stated, correction, truth, at=None) -> bool:
    """At the point ``at``: the source's ``stated`` expression differs from ``truth``
    and ``correction`` agrees with it."""
    return differ(stated, truth, at) and agree(correction, truth, at)


# ------------------------------------------------------------- formulas and links as text
# For a slip of typesetting (a bracket never closed, a link never closed) the
# refutation is structural: the text as written is not a well-formed formula or link.

_PAIRS = {"(": ")", "[": "]", "{": "}"}


def balanced(tex: str) -> bool:
    """True iff every (, [ and { in ``tex`` is closed in order (escaped \\{ \\} ignored)."""
    stack = []
    text = tex.replace(r"\{", "").replace(r"\}", "")
    for ch in text:
        if ch in _PAIRS:
            stack.append(_PAIRS[ch])
        elif ch in _PAIRS.values():
            if not stack or stack.pop() != ch:
                return False
    return not stack


def links(markdown: str) -> list[tuple[bool, str, str | None]]:
    """The inline links of a Markdown text: ``(is_image, label, target)``.

    ``target`` is the text between ``](`` and its matching ``)`` (nested parentheses
    allowed, as in Wikipedia addresses), or None if the parenthesis is never closed or
    the target contains a blank (Markdown then shows the text, not a link).
    """
    out, start = [], 0
    while (k := markdown.find("](", start)) != -1:
        open_ = markdown.rfind("[", 0, k)
        label = markdown[open_ + 1:k]
        image = open_ > 0 and markdown[open_ - 1] == "!"
        depth, j = 1, k + 2
        while j < len(markdown) and depth:
            depth += {"(": 1, ")": -1}.get(markdown[j], 0)
            j += 1
        target = markdown[k + 2:j - 1] if depth == 0 else None
        if target is not None and any(c.isspace() for c in target):
            target = None
        out.append((image, label, target))
        start = k + 2
    return out


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def is_image_address(url: str) -> bool:
    """True iff the path of ``url`` ends like an image file."""
    from urllib.parse import urlparse

    return urlparse(url).path.lower().endswith(IMAGE_SUFFIXES)


def web_address(url: str | None) -> bool:
    """True iff ``url`` is an http(s) address whose host is a domain name (has a dot)."""
    from urllib.parse import urlparse

    if not url:
        return False
    parts = urlparse(url)
    return parts.scheme in ("http", "https") and "." in (parts.hostname or "")
