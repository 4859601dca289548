"""The built site in headless Chromium: every page of _build/html, one test each.

Per page: HTTP 200; no console error and no page error (except the one benign
pydata-sphinx-theme message on a first visit, listed in ALLOWED_CONSOLE); MathJax
finished with every formula typeset and no error node (``merror``) and no red
``mtext`` (an undefined macro); no raw ``$$``, ``\\(``, ``\\[``, ``\\begin{`` or
``$...\\...$`` left in the text outside code; every image loaded; every internal
link and ``#anchor`` resolves to an existing file and id; no request to any host
other than 127.0.0.1; every solution of an exercise starts collapsed; every image of
the text is a numbered figure with a caption and alt text, stored at twice the
resolution it is shown at.

Then, in the same tab, at the width of a phone (390 px) and of a desktop (1280 px):
every formula fits the text column or, at 390 px only, scrolls sideways with the
visible cue of _ext/static/booksite.css (none is cut off without one), formulas in
closed dropdowns included; a Derivation's reasons sit beside or under their step and
are never cut off; at 390 px the text of every figure (the smallest font of
lossbook.plotting.STYLE, at the figure's displayed scale) is at least as large as the
body text. Per-page counts and timings go to _build/site_timing.json, and, with
LOSSBOOK_SCREENSHOTS=1, a full-page screenshot of each page to _build/screenshots/.

Other tests: the navigation drawers open at 390 and 800 px; search snippets show no
raw TeX; every citation reads like the label of its entry in the reference list; the
landing page lists every chapter.

Run: ``pytest -m browser tests/test_site.py`` (``make book`` first; the fixtures in
conftest.py build the site if it is missing and fail if that fails).
"""

from __future__ import annotations

import html.parser
import os
import re
import shutil
import struct
import time
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_notebooks import toc_files

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
  // The same, read from the rendered DOM (CHTML output).
  out.domErrors = Array.from(document.querySelectorAll('mjx-merror'))
    .map((e) => e.getAttribute('data-mjx-error') || e.textContent.slice(0, 120));
  return out;
}
"""

RAW_TEX_JS = r"""
() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight, .sig';
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


# Formulas that do not fit. Run after booksite.js has fitted the page at the current
# width (window.lbFit). A formula "scrolls" when a scrolling box hides part of it (the
# box must then carry the cue: class lb-scrolls and its ::after label); it is "clipped"
# when it leaves the text column, or a box that clips, without such a scroller.
FIT_JS = r"""
(openAll) => {
  const art = document.querySelector('article.bd-article')
              || document.querySelector('[role="main"]') || document.body;
  if (openAll) {
    for (const d of document.querySelectorAll('details')) d.open = true;
    for (const t of document.querySelectorAll('.toggle-hidden')) {
      t.classList.remove('toggle-hidden');
    }
  }
  if (window.lbFit) window.lbFit();
  const ar = art.getBoundingClientRect(), acs = getComputedStyle(art);
  const colL = ar.left + parseFloat(acs.paddingLeft) - 1;
  const colR = ar.right - parseFloat(acs.paddingRight) + 1;
  const texOf = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const m of MathJax.startup.document.math) texOf.set(m.typesetRoot, m.math);
  }
  const short = (c) => (texOf.get(c) || c.textContent || '')
    .replace(/\s+/g, ' ').trim().slice(0, 90);
  const scrollerOf = (el) => {
    for (let e = el; e && e !== art.parentElement; e = e.parentElement) {
      const ox = getComputedStyle(e).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && e.scrollWidth > e.clientWidth + 1) return e;
    }
    return null;
  };
  const cueOf = (e) => {
    if (!e.classList.contains('lb-scrolls')) return false;
    const a = getComputedStyle(e, '::after');
    return !['none', 'normal', '""'].includes(a.content) && a.display !== 'none'
           && a.visibility !== 'hidden';
  };
  const out = {formulas: 0, scrolling: [], clipped: []};
  for (const c of art.querySelectorAll('mjx-container')) {
    if (!c.getClientRects().length) continue;
    out.formulas++;
    // The formula's own extent: a display container is as wide as the column, its
    // content (mjx-math) may be wider.
    const r = (c.querySelector(':scope > mjx-math') || c).getBoundingClientRect();
    const display = c.getAttribute('display') === 'true';
    const sc = scrollerOf(c);
    if (sc) {
      const sr = sc.getBoundingClientRect();
      if (sc === c || sc.classList.contains('lb-scrolls') || r.right > sr.right + 1
          || r.left < sr.left - 1) {
        out.scrolling.push({tex: short(c), display, cue: cueOf(sc)});
        continue;
      }
    }
    let clipped = r.right > colR || r.left < colL;
    for (let e = c.parentElement; e && e !== art && !clipped; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== 'visible') {
        const er = e.getBoundingClientRect();
        clipped = r.right > er.right + 1 || r.left < er.left - 1;
      }
    }
    if (clipped) out.clipped.push({tex: short(c), display});
  }
  out.derivations = Array.from(art.querySelectorAll('.lb-derivation'))
    .filter((d) => d.getClientRects().length).map((d) => {
      const dr = d.getBoundingClientRect();
      const bad = [];
      let stackedOk = true;
      for (const why of d.querySelectorAll(':scope > .lb-why')) {
        const expr = why.previousElementSibling;
        const w = why.getBoundingClientRect();
        if (w.right > Math.min(dr.right, colR) + 1 || w.left < colL) {
          bad.push('reason cut off: ' + why.textContent.trim().slice(0, 60));
        }
        if (!expr) continue;
        const e = expr.getBoundingClientRect();
        const below = w.top >= e.bottom - 2, beside = w.left >= e.right - 1;
        if (!below) stackedOk = false;
        if (!below && !beside) {
          bad.push('reason overlaps its step: ' + why.textContent.trim().slice(0, 60));
        }
      }
      return {stacked: stackedOk, stackedOk,
              fits: d.scrollWidth <= d.clientWidth + 1, bad,
              text: d.textContent.replace(/\s+/g, ' ').trim().slice(0, 60)};
    });
  return out;
}
"""

FIGURES_JS = """
() => {
  const art = document.querySelector('article.bd-article')
              || document.querySelector('[role="main"]') || document.body;
  const para = art.querySelector('section p') || art.querySelector('p') || art;
  return {bodyPx: parseFloat(getComputedStyle(para).fontSize),
          images: Array.from(art.querySelectorAll('img')).map((img) => {
    const fig = img.closest('figure');
    const cap = fig ? fig.querySelector('figcaption') : null;
    const num = cap ? cap.querySelector('.caption-number') : null;
    const text = cap ? (cap.querySelector('.caption-text') || cap).textContent.trim() : '';
    return {src: img.getAttribute('src'), url: img.currentSrc || img.src,
            alt: (img.getAttribute('alt') || '').trim(), figure: !!fig,
            number: num ? num.textContent.trim() : '', caption: text,
            natural: img.naturalWidth, shown: img.getBoundingClientRect().width};
  })};
}
"""

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
_IMAGE_FILE = re.compile(r"(^|/)[^/\s]+\.(png|svg|jpe?g|gif)$|_images/|jupyter_execute", re.I)


def _min_font_pt() -> float:
    """The smallest text size (points) of the book's figure style."""
    from lossbook.plotting import STYLE

    keys = ("font.size", "axes.labelsize", "legend.fontsize", "xtick.labelsize",
            "ytick.labelsize")
    return min(float(STYLE[k]) for k in keys)


def png_dpi(path: Path) -> float | None:
    """The resolution stored in a PNG's pHYs chunk (pixels per inch), or None."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"pHYs" and length >= 9:
            ppx, _, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            return ppx * 0.0254 if unit == 1 else None
        if kind == b"IDAT":
            return None  # pHYs must come before the image data
        pos += 12 + length
    return None


def figure_problems(figures: dict, html_dir: Path, phone: bool) -> list[str]:
    """Numbered, captioned, alt text, 2x resolution; at phone width also legible."""
    problems = []
    min_pt = _min_font_pt()
    for img in figures["images"]:
        name = img["src"]
        if not phone:
            if not (img["figure"] and img["number"] and img["caption"]):
                problems.append(f"image {name} is not a numbered figure with a caption "
                                f"(number {img['number']!r}, caption {img['caption'][:40]!r})")
            if not img["alt"] or _IMAGE_FILE.search(img["alt"]):
                problems.append(f"image {name} has no alt text (alt={img['alt']!r})")
        if not img["shown"] or not img["natural"]:
            continue
        if img["natural"] < 1.95 * img["shown"]:
            problems.append(f"image {name} is {img['natural']} px wide, shown at "
                            f"{img['shown']:.0f} px: not sharp on a 2x screen")
        if not phone:
            continue
        path = html_dir / unquote(urlsplit(img["url"]).path).lstrip("/")
        if path.suffix.lower() == ".svg":
            dpi = 96.0  # an SVG's natural size is in CSS px
        else:
            dpi = png_dpi(path) if path.is_file() else None
        if dpi is None:
            problems.append(f"image {name}: no resolution (pHYs) stored, text size unknown")
            continue
        font_px = min_pt * dpi / 72 * img["shown"] / img["natural"]
        if font_px < figures["bodyPx"] - 0.5:
            problems.append(f"figure {name}: its smallest text is {font_px:.1f} px at "
                            f"{PHONE['width']} px, smaller than the body text "
                            f"({figures['bodyPx']:.0f} px)")
    return problems


def fit_problems(fit: dict, phone: bool) -> list[str]:
    """Formulas that do not fit at this width, as sentences."""
    where = f"at {PHONE['width'] if phone else DESKTOP['width']} px"
    problems = []
    if fit["clipped"]:
        problems.append(f"{len(fit['clipped'])} formulas cut off {where}: "
                        f"{[f['tex'] for f in fit['clipped'][:4]]}")
    if phone:
        silent = [f for f in fit["scrolling"] if not f["cue"]]
        if silent:
            problems.append(f"{len(silent)} formulas scroll {where} without a visible cue: "
                            f"{[f['tex'] for f in silent[:4]]}")
    elif fit["scrolling"]:
        problems.append(f"{len(fit['scrolling'])} formulas wider than the text column {where}: "
                        f"{[f['tex'] for f in fit['scrolling'][:4]]}")
    for d in fit["derivations"]:
        if d["bad"]:
            problems.append(f"derivation {d['text']!r} {where}: {d['bad'][:3]}")
        if phone and not d["fits"] and not (d["stacked"] and d["stackedOk"]):
            problems.append(f"derivation {d['text']!r} does not fit {where} and its reasons "
                            "are not under their steps")
    return problems


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
    context = browser.new_context(viewport=DESKTOP)
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
        figures = page.evaluate(FIGURES_JS)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        # Every dropdown opened (solutions, hidden cells): their formulas must fit too.
        fit_desktop = page.evaluate(FIT_JS, True)
        page.set_viewport_size(PHONE)
        fit_phone = page.evaluate(FIT_JS, True)
        figures_phone = page.evaluate(FIGURES_JS)
        final_url = page.url
    finally:
        elapsed = time.perf_counter() - t0
        context.close()

    timing = {
        "math_ready_ms": round(math["readyMs"], 1) if math.get("readyMs") else None,
        "formulas": math.get("formulas", 0),
        "wide_formulas_1280": len(fit_desktop["scrolling"]),
        "clipped_formulas_1280": len(fit_desktop["clipped"]),
        "scrolling_formulas_390": len(fit_phone["scrolling"]),
        "clipped_formulas_390": len(fit_phone["clipped"]),
        "derivations_stacked_390": sum(d["stacked"] for d in fit_phone["derivations"]),
        "derivations": len(fit_phone["derivations"]),
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
    problems += fit_problems(fit_desktop, phone=False)
    problems += fit_problems(fit_phone, phone=True)
    problems += figure_problems(figures, html_dir, phone=False)
    problems += figure_problems(figures_phone, html_dir, phone=True)
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
    # A full-page screenshot costs ~5 s a chapter: only when asked for.
    shot = (SCREENSHOT_DIR / (page_path.replace("/", "__").removesuffix(".html") + ".png")
            if os.environ.get("LOSSBOOK_SCREENSHOTS") else None)
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
<div style="overflow-x: auto"><span class="math">\[S_{\mathrm{wide}} =
a_{1} + a_{2} + a_{3} + a_{4} + a_{5} + a_{6} + a_{7} +
a_{8} + a_{9} + a_{10} + a_{11} + a_{12} + a_{13} + a_{14} + a_{15} + a_{16} +
a_{17} + a_{18} + a_{19} + a_{20} + a_{21} + a_{22} + a_{23} + a_{24} +
a_{25} + a_{26} + a_{27} + a_{28} + a_{29} + a_{30} + a_{31} + a_{32} +
a_{33} + a_{34} + a_{35} + a_{36} + a_{37} + a_{38} + a_{39} + a_{40} +
a_{41} + a_{42} + a_{43} + a_{44} + a_{45} + a_{46} + a_{47} + a_{48} +
a_{49} + a_{50} + a_{51} + a_{52} + a_{53} + a_{54} + a_{55} + a_{56} +
a_{57} + a_{58} + a_{59} + a_{60}\]</span></div>
<div style="overflow: hidden; width: 120px"><span class="math">\(T_{\mathrm{clipped}} =
b_1 + b_2 + b_3 + b_4 + b_5 + b_6 + b_7\)</span></div>
<p><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4
2mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="></p>
<div class="lb-derivation">
<div class="lb-expr" style="display: inline-block; width: 200px">x</div><div class="lb-why"
 style="display: inline-block; margin-left: -150px">an overlapping reason</div></div>
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
        "formula wider than the column at 1280 px": "wider than the text column at 1280 px",
        "formula scrolling without a cue at 390 px": "without a visible cue",
        "formula cut off": "mathrm{clipped}",
        "image that is not a figure": "not a numbered figure",
        "image without alt text": "no alt text",
        "image at 1x resolution": "not sharp on a 2x screen",
        "reason overlapping its step": "overlaps its step",
    }
    missed = [name for name, needle in expected.items() if needle not in report]
    assert not missed, f"not reported: {missed}\nreport:\n{report}"
    assert "#here" not in report


DRAWERS_JS = """
(which) => {
  const dialog = document.getElementById(`pst-${which}-sidebar-modal`);
  if (!dialog) return {exists: false};
  const links = Array.from(dialog.querySelectorAll('a[href]')).filter((a) => {
    const r = a.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  });
  return {exists: true, open: dialog.open, links: links.map((a) => a.getAttribute('href'))};
}
"""


def open_drawer(page, which: str) -> dict:
    """Click the visible toggle of the primary (site) or secondary (page) drawer."""
    toggle = page.locator(f"button.{which}-toggle").filter(visible=True)
    if toggle.count() != 1:
        return {"exists": False, "toggles": toggle.count()}
    toggle.click()
    page.wait_for_timeout(150)
    state = page.evaluate(DRAWERS_JS, which)
    page.keyboard.press("Escape")
    page.wait_for_timeout(100)
    state["closed_after_escape"] = not page.evaluate(DRAWERS_JS, which).get("open")
    return state


@pytest.mark.browser
@pytest.mark.parametrize("width", [PHONE["width"], 800])
def test_navigation_drawers_open(site_url, browser, width):
    """Below 960 px both header buttons open their drawer (pydata-sphinx-theme #2451)."""
    chapters = [f for f in toc_files() if f.startswith("chapters/")]
    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        # From the landing page, whose drawer links to every chapter (a page's link to
        # itself is "#").
        page.goto(f"{site_url}/intro.html", wait_until="load")
        site = open_drawer(page, "primary")
        contents = open_drawer(page, "secondary")
    finally:
        context.close()
    assert site.get("open"), f"the site navigation drawer did not open at {width} px: {site}"
    listed = {h.split("#")[0].removesuffix(".html").lstrip("./") for h in site["links"]}
    missing = [c for c in chapters if Path(c).name not in {Path(h).name for h in listed}]
    assert not missing, f"the drawer does not list {missing}"
    assert site["closed_after_escape"], "Escape did not close the site navigation drawer"
    assert contents.get("open"), f"the page-contents drawer did not open at {width} px: {contents}"
    assert any(h.startswith("#") for h in contents["links"]), "no section link in page contents"


SEARCH_JS = """
() => ({done: /finished|found/i.test((document.querySelector('#search-results')||{}).textContent
                                     || ''),
        results: document.querySelectorAll('#search-results li').length,
        snippets: Array.from(document.querySelectorAll('#search-results p.context'))
                       .map((p) => p.textContent)})
"""
RAW_TEX_SNIPPET = re.compile(r"\\[A-Za-z]+|\\[()\[\]]|\$\$|\{\\|\^\{|_\{")


@pytest.mark.browser
@pytest.mark.parametrize("query", ["divergence", "entropy"])
def test_search_snippets_show_no_raw_tex(site_url, browser, query):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/search.html?q={query}", wait_until="load")
        page.wait_for_function(f"({SEARCH_JS.strip()})().done", timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        found = page.evaluate(SEARCH_JS)
    finally:
        context.close()
    assert found["results"] and found["snippets"], f"no search result for {query!r}: {found}"
    raw = [s for s in found["snippets"] if RAW_TEX_SNIPPET.search(s)]
    assert not raw, f"search snippets with raw TeX: {[s[:160] for s in raw[:3]]}"


def _toc_chapters() -> list[str]:
    return [f for f in toc_files() if f.startswith("chapters/0") or f.startswith("chapters/1")]


class _Links(html.parser.HTMLParser):
    """(href, text, classes) of every <a>, and the label of every citation entry."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []
        self.labels: dict[str, str] = {}
        self._a = None
        self._citation = None
        self._in_label = False
        self._label_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self._a = [a["href"], "", a.get("class", "")]
        if tag == "div" and "citation" in (a.get("class") or "").split():
            self._citation = a.get("id")
        if tag == "span" and a.get("class") == "label" and self._citation:
            self._in_label, self._label_text = True, ""

    def handle_endtag(self, tag):
        if tag == "a" and self._a is not None:
            self.links.append(tuple(self._a))
            self._a = None
        if tag == "span" and self._in_label and self._label_text.endswith("]"):
            self.labels[self._citation] = self._label_text.strip("[]")
            self._in_label, self._citation = False, None

    def handle_data(self, data):
        if self._a is not None:
            self._a[1] += data
        if self._in_label:
            self._label_text += data


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built_site():
    error = build_site()
    if error:
        pytest.fail(error, pytrace=False)
    return HTML_DIR


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+|\d{4}|n\.d\.", text.replace("et al.", "et al"))


def test_citations_read_like_their_reference_labels(built_site):
    """"[Heinzer, 2020]" in the text, "[Heinzer, 2020]" in the reference list."""
    labels = _parse(built_site / "references.html").labels
    assert labels, "references.html has no labelled citation entries"
    assert all(not re.fullmatch(r"\d+", v) for v in labels.values()), f"numeric labels: {labels}"
    mismatched, seen = [], 0
    for page in site_pages():
        for href, text, _ in _parse(built_site / page).links:
            target = urlsplit(href)
            if not target.path.endswith("references.html") or not target.fragment:
                continue
            if target.fragment not in labels or Path(page).name == "references.html":
                continue
            seen += 1
            if _words(text) != _words(labels[target.fragment]):
                mismatched.append(f"{page}: {text!r} -> [{labels[target.fragment]}]")
    assert seen, "no citation found in any page"
    assert not mismatched, "citations unlike their entries:\n  " + "\n  ".join(mismatched[:10])


def test_landing_page_lists_every_chapter(built_site):
    """intro.html links to every chapter of _toc.yml, each with a line of its own."""
    links = _parse(built_site / "intro.html").links
    article = (built_site / "intro.html").read_text(encoding="utf-8")
    body = article[article.find("<article"):article.find("</article>")]
    in_body = [h for h, _, _ in _parse_fragment(body).links]
    missing = [c for c in _toc_chapters()
               if not any(h.split("#")[0].endswith(f"{c}.html") for h in in_body)]
    assert links and not missing, f"the landing page does not link to {missing}"


def _parse_fragment(fragment: str) -> _Links:
    parser = _Links()
    parser.feed(fragment)
    return parser


def test_genindex_has_entries_and_no_raw_labels(built_site):
    """The index is not empty; no page lists raw statement labels (def-kl) as titles."""
    text = (built_site / "genindex.html").read_text(encoding="utf-8")
    entries = re.findall(r"<li><a href=\"[^\"]+\">", text)
    assert len(entries) >= 20, f"genindex.html has {len(entries)} entries"
    assert not (built_site / "prf-prf.html").exists(), "the raw-label proof index is built"
    listing = (built_site / "backmatter" / "statements.html").read_text(encoding="utf-8")
    assert "Definition 1.1" in listing and "def-log" not in re.sub(r'href="[^"]*"', "", listing)
