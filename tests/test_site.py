"""The built site in headless Chromium: every page of _build/html, one test each.

Per page: HTTP 200; no console error and no page error (except the one benign
pydata-sphinx-theme message on a first visit, listed in ALLOWED_CONSOLE); MathJax
finished with every formula typeset and no error node (``merror``) and no red
``mtext`` (an undefined macro); no raw ``$$``, ``\\(``, ``\\[``, ``\\begin{`` or
``$...\\...$`` left in the text outside code; every image loaded; every internal
link and ``#anchor`` resolves to an existing file and id; no request to any host
other than 127.0.0.1; every solution of an exercise starts collapsed. A full-page
screenshot goes to _build/screenshots/ and the time until math is ready to
_build/site_timing.json.

Run: ``pytest -m browser tests/test_site.py`` (``make book`` first; the fixtures in
conftest.py build the site if it is missing and fail if that fails).
"""

from __future__ import annotations

import html.parser
import re
import shutil
import time
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import HTML_DIR, SCREENSHOT_DIR, build_site, serve_directory, site_pages

# pydata-sphinx-theme logs this on a first visit (empty local storage), whatever the
# configuration (BOOK-NOTES.md). It is the only console error a page may show.
ALLOWED_CONSOLE = ("Got invalid theme mode: . Resetting to auto.",)
MATH_TIMEOUT_MS = 60_000

# Runs before any script of the page: records when MathJax's startup promise
# (load, then typeset of the whole page) settles, in ms since navigation start.
INIT_SCRIPT = """
(() => {
  const started = performance.now();
  const poll = setInterval(() => {
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      clearInterval(poll);
      mj.startup.promise.then(
        () => { window.__lbMathReady = performance.now(); },
        (err) => { window.__lbMathError = String(err && (err.message || err)); });
    } else if (performance.now() - started > 60000) {
      clearInterval(poll);
    }
  }, 5);
})();
"""

MATH_JS = """
async (timeoutMs) => {
  const out = {hasMathJax: !!(window.MathJax && window.MathJax.startup),
               mathSpans: document.querySelectorAll('.math').length};
  if (!out.hasMathJax) return out;
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('MathJax not ready after ' + timeoutMs + ' ms')),
                       timeoutMs);
  });
  try {
    await Promise.race([MathJax.startup.promise, timeout]);
  } catch (err) {
    out.startupError = String(err && (err.message || err));
    return out;
  } finally {
    clearTimeout(timer);
  }
  out.readyMs = window.__lbMathReady ?? null;
  out.startupError = window.__lbMathError ?? null;
  const items = Array.from(MathJax.startup.document.math);
  out.formulas = items.length;
  out.unrendered = items
    .filter((m) => !m.typesetRoot || !document.contains(m.typesetRoot))
    .map((m) => m.math.slice(0, 160));
  const textOf = (node) => {
    try { return node.childNodes.map((c) => (c.getText ? c.getText() : '')).join(''); }
    catch (e) { return '?'; }
  };
  out.errors = [];
  for (const m of items) {
    const problems = [];
    if (!m.root) { problems.push('not compiled'); }
    else {
      m.root.walkTree((node) => {
        if (node.isKind('merror')) {
          problems.push('merror: ' + (node.attributes.get('data-mjx-error') || textOf(node)));
        }
        if (node.isKind('mtext') && node.attributes.get('mathcolor') === 'red') {
          problems.push('undefined macro (red mtext): ' + textOf(node));
        }
      });
    }
    if (problems.length) out.errors.push({tex: m.math.slice(0, 200), problems});
  }
  // Display formulas wider than the text column (they scroll sideways): reported only.
  out.wide = Array.from(document.querySelectorAll('mjx-container[display="true"]'))
    .filter((c) => c.scrollWidth > c.clientWidth + 1).length;
  // The same, read from the rendered DOM (CHTML output).
  out.domErrors = Array.from(document.querySelectorAll('mjx-merror'))
    .map((e) => e.getAttribute('data-mjx-error') || e.textContent.slice(0, 120));
  return out;
}
"""

RAW_TEX_JS = r"""
() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
  const patterns = [/\$\$/, /\\\(/, /\\\)/, /\\\[/, /\\begin\{/, /\$[^$\n]*[\\^_{}][^$\n]*\$/];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const hits = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    const text = node.textContent;
    if (patterns.some((p) => p.test(text))) hits.push(text.trim().slice(0, 160));
  }
  return hits;
}
"""

IMAGES_JS = """
async () => {
  const imgs = Array.from(document.images);
  await Promise.all(imgs.map((img) => {
    img.loading = 'eager';
    if (img.complete) return null;
    return new Promise((resolve) => {
      img.addEventListener('load', resolve);
      img.addEventListener('error', resolve);
      setTimeout(resolve, 15000);
    });
  }));
  return {count: imgs.length,
          broken: imgs.filter((i) => !(i.complete && i.naturalWidth > 0))
                      .map((i) => i.getAttribute('src'))};
}
"""

LINKS_JS = """
() => Array.from(document.querySelectorAll('a[href]')).map((a) => a.href)
"""

SOLUTIONS_JS = """
() => Array.from(document.querySelectorAll('.solution')).map((sol) => {
  const body = Array.from(sol.children).filter((c) => !c.classList.contains('admonition-title'));
  const shown = body.filter((c) => {
    const style = getComputedStyle(c);
    return style.display !== 'none' && style.visibility !== 'hidden'
           && c.getBoundingClientRect().height > 0;
  });
  return {id: sol.id, dropdown: sol.classList.contains('dropdown'),
          hidden: sol.classList.contains('toggle-hidden') && shown.length === 0};
})
"""


class _IdCollector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is not None and (name == "id" or (name == "name" and tag == "a")):
                self.ids.add(value)


@cache
def _ids_of(path: Path) -> frozenset[str]:
    collector = _IdCollector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(collector.ids)


def _resolve_local(url_path: str, html_dir: Path) -> Path:
    rel = unquote(url_path).lstrip("/")
    target = html_dir / rel
    if not rel or rel.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def _broken_links(hrefs: list[str], base: str, html_dir: Path) -> list[str]:
    """Internal links whose file or #anchor does not exist in _build/html."""
    host = urlsplit(base).netloc
    broken = []
    for href in sorted(set(hrefs)):
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != host:
            continue  # mailto:, javascript:, and links to other sites (never requested)
        target = _resolve_local(parts.path, html_dir)
        where = target.relative_to(html_dir)
        if not target.is_file():
            broken.append(f"{href} (no file {where})")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in _ids_of(target):
            broken.append(f"{href} (no id {fragment!r} in {where})")
    return broken


_REFRESH = re.compile(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', re.IGNORECASE)


def check_page(browser, base_url: str, page_path: str, html_dir: Path, screenshot: Path | None):
    """Open one page and return (problems, timing); problems is empty for a good page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    host = urlsplit(base_url).netloc
    off_site: list[str] = []
    failed: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []
    problems: list[str] = []

    def route(route, request):
        if urlsplit(request.url).netloc == host or request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            off_site.append(request.url)
            route.abort()

    context.route("**/*", route)
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url} {r.failure}"))

    # A page that only redirects (the landing index.html): follow it, then check the target.
    redirect = _REFRESH.search((html_dir / page_path).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    try:
        response = page.goto(f"{base_url}/{page_path}", wait_until="load")
        if response is None or response.status != 200:
            problems.append(f"HTTP {response.status if response else 'no response'}")
        if redirect:
            target = urlsplit(f"{base_url}/{page_path}")._replace(path="/")  # base
            target_url = f"{target.geturl().rstrip('/')}/{redirect.group(1)}"
            page.wait_for_url(target_url, wait_until="load", timeout=15_000)
        math = page.evaluate(MATH_JS, MATH_TIMEOUT_MS)
        images = page.evaluate(IMAGES_JS)
        raw_tex = page.evaluate(RAW_TEX_JS)
        links = page.evaluate(LINKS_JS)
        solutions = page.evaluate(SOLUTIONS_JS)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        final_url = page.url
    finally:
        elapsed = time.perf_counter() - t0
        context.close()

    timing = {
        "math_ready_ms": round(math["readyMs"], 1) if math.get("readyMs") else None,
        "formulas": math.get("formulas", 0),
        "wide_formulas": math.get("wide", 0),
        "images": images["count"],
        "seconds_in_test": round(elapsed, 2),
    }
    unexpected = [m for m in console_errors if m not in ALLOWED_CONSOLE]
    if unexpected:
        problems.append(f"console errors: {unexpected}")
    if page_errors:
        problems.append(f"page errors: {page_errors}")
    if off_site:
        problems.append(f"requests off 127.0.0.1: {sorted(set(off_site))}")
    if failed:
        problems.append(f"failed requests: {failed}")
    if math["mathSpans"] and not math["hasMathJax"]:
        problems.append(f"{math['mathSpans']} math elements but MathJax is not loaded")
    if math["hasMathJax"]:
        if math.get("startupError"):
            problems.append(f"MathJax startup failed: {math['startupError']}")
        else:
            if math["unrendered"]:
                problems.append(f"formulas not typeset: {math['unrendered'][:5]}")
            if math["errors"] or math["domErrors"]:
                problems.append(f"MathJax errors: {math['errors'][:5]} {math['domErrors'][:5]}")
            if math["mathSpans"] and not math["formulas"]:
                problems.append("math elements on the page but MathJax found no formula")
    if raw_tex:
        problems.append(f"raw TeX left in the text: {raw_tex[:5]}")
    if images["broken"]:
        problems.append(f"images not loaded: {images['broken']}")
    broken = _broken_links(links, final_url, html_dir)
    if broken:
        problems.append(f"broken internal links: {broken[:10]}")
    source = html_dir / "_sources" / Path(page_path).with_suffix(".ipynb")
    if source.is_file() and not any(h.split("#")[0].endswith(
            f"_sources/{Path(page_path).with_suffix('.ipynb').as_posix()}") for h in links):
        problems.append("no download link to the chapter's .ipynb")
    bad_solutions = [s["id"] for s in solutions if not (s["dropdown"] and s["hidden"])]
    if bad_solutions:
        problems.append(f"solutions shown before a click: {bad_solutions}")
    return problems, timing


def pytest_generate_tests(metafunc):
    if "page_path" not in metafunc.fixturenames:
        return
    markexpr = metafunc.config.option.markexpr or ""
    if not (HTML_DIR / "intro.html").is_file() and "not browser" in markexpr:
        pages = []  # deselected anyway: do not build the site for nothing
    else:
        pages = [] if build_site() else site_pages()
    if pages:
        metafunc.parametrize("page_path", pages)
    else:
        # Collected as one failing test, never as zero tests.
        metafunc.parametrize("page_path", [pytest.param(None, id="site-not-built")])


@pytest.mark.browser
def test_page(page_path, site_url, browser, site_timing):
    if page_path is None:
        pytest.fail(build_site() or "no HTML page found in _build/html", pytrace=False)
    shot = SCREENSHOT_DIR / (page_path.replace("/", "__").removesuffix(".html") + ".png")
    problems, timing = check_page(browser, site_url, page_path, HTML_DIR, shot)
    site_timing[page_path] = timing
    assert not problems, f"{page_path}:\n  " + "\n  ".join(problems)


BROKEN_PAGE = r"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script>window.MathJax = {options: {processHtmlClass: "math"}};</script>
<script defer src="_static/tex-mml-chtml.js"></script>
</head><body>
<p id="here">Unbalanced brace: <span class="math">\(x^{2}}\)</span>.</p>
<p>Undefined macro: <span class="math">\(\bm{x}\)</span>.</p>
<p>Never recognised as math: $\frac{1}{2$.</p>
<p><img src="missing.png" alt="missing"></p>
<p><img src="https://example.invalid/x.png" alt="remote"></p>
<p><a href="#nowhere">dead anchor</a> <a href="nofile.html">dead page</a>
   <a href="#here">good anchor</a></p>
<div class="admonition solution" id="sol-1"><p class="admonition-title">Solution</p>
<p>Shown at once.</p></div>
<script>console.error("deliberate");</script>
</body></html>
"""


@pytest.mark.browser
def test_checks_catch_a_broken_page(browser, tmp_path):
    """The page checks can fail: a page with known defects must be reported for each."""
    static = HTML_DIR / "_static" / "tex-mml-chtml.js"
    if not static.is_file() and build_site():
        pytest.fail(build_site(), pytrace=False)
    shutil.copytree(HTML_DIR / "_static", tmp_path / "_static")
    (tmp_path / "broken.html").write_text(BROKEN_PAGE, encoding="utf-8")
    with serve_directory(tmp_path) as url:
        problems, _ = check_page(browser, url, "broken.html", tmp_path, None)
    report = "\n".join(problems)
    expected = {
        "console error": "deliberate",
        "off-site request": "example.invalid",
        "TeX error (merror)": "merror",
        "undefined macro": "bm",
        "raw TeX": "frac{1}{2",
        "missing image": "missing.png",
        "dead anchor": "nowhere",
        "dead page": "nofile.html",
        "open solution": "sol-1",
    }
    missed = [name for name, needle in expected.items() if needle not in report]
    assert not missed, f"not reported: {missed}\nreport:\n{report}"
    assert "#here" not in report
