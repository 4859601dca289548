"""The library as a programmer finds it: the API reference page documents every public
name; an unknown claim id gets the closest ids; a Derivation's HTML form keeps every
reason and caveat."""

from __future__ import annotations

import re

import pytest

import lossbook as lb
from conftest import HTML_DIR, build_site


def test_unknown_claim_suggests_the_closest_ids():
    with pytest.raises(KeyError, match=r"did you mean: kl\.gibbs"):
        lb.chain("kl.gibs")
    with pytest.raises(KeyError, match="softmax.jacobian"):
        lb.chain("softmax.jacobain")
    with pytest.raises(KeyError, match="lists all"):
        lb.chain("no-such-topic-at-all")


def test_api_page_documents_every_public_name():
    error = build_site()
    if error:
        pytest.fail(error, pytrace=False)
    page = (HTML_DIR / "backmatter" / "api.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'<dt class="sig sig-object py" id="([^"]+)"', page))
    public = [n for n in lb.__all__ if callable(getattr(lb, n))]
    missing = [n for n in public if f"lossbook.{n}" not in documented]
    assert not missing, f"not in the API reference: {missing}"
    for name in ("check", "get", "ids", "register"):
        assert f"lossbook.exercises.{name}" in documented
    assert "lossbook.progress.record" in documented
    # docstring formulas are math for MathJax, not literal :math: text
    assert ":math:" not in page and 'class="math' in page


def test_derivation_html_keeps_every_reason_and_caveat():
    d = lb.chain("kl.gibbs")
    html = d._repr_html_()
    assert html.count('class="lb-why"') == len(d.steps)
    assert html.count('class="lb-expr"') == len(d.steps)
    for step in d.steps:
        plain = re.sub(r"\$[^$]*\$", "", step.why).strip()
        if plain:
            assert plain.replace("&", "&amp;").replace("<", "&lt;") in html, step.why
    assert "only" in html and "checked for" in html  # the concrete-n caveat of a step
    assert "<" not in re.sub(r"<[^>]+>", "", html.split("</style>")[1])  # TeX is escaped
    assert html.count("\\(") == html.count("\\)")
