"""Local Sphinx extension for the lossbook site (loaded via ``sphinx.local_extensions``).

Three fixes, each measured on a stock Jupyter Book 1.0.4 / Sphinx 7.4.7 build:

1. Duplicate inline scripts. Sphinx-thebe and sphinx-togglebutton register their
   inline ``<script>`` bodies on every ``env-before-read-docs`` event, so a page can
   carry the same ``const THEBE_JS_URL = ...`` twice, which throws
   ``SyntaxError: Identifier 'THEBE_JS_URL' has already been declared`` in the
   browser. We keep the first copy of every script (same file, same body).
2. Thebe is switched off in ``_config.yml`` (the site must make no request off the
   machine), but sphinx-thebe still adds its loader script and an inline
   configuration that names a CDN URL. When thebe is off we drop both, so no page
   even mentions that host.
3. Solutions of exercises (sphinx-exercise) are hidden until the reader asks: every
   ``solution`` admonition gets the ``dropdown`` class that sphinx-togglebutton
   turns into a collapsed block, whether or not the chapter wrote ``:class: dropdown``.
4. Narrow screens. pydata-sphinx-theme 0.17 renders a second, always hidden pair of
   sidebar toggles in the top navbar, and its script binds the drawer to the first
   ``.primary-toggle`` it finds, so below 960 px the visible buttons do nothing
   (pydata-sphinx-theme #2451, sphinx-book-theme #988). ``templates/sections/header.html``
   overrides the navbar without those two buttons.
5. ``static/booksite.css`` and ``static/booksite.js`` on every page: formulas wider than
   the column scroll with a visible cue, a Derivation's reasons move under their
   steps on a narrow column, and search snippets show formulas as plain text.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

HERE = Path(__file__).resolve().parent

__all__ = ["setup"]


def _thebe_enabled(app: Sphinx) -> bool:
    options = app.config.html_theme_options or {}
    return bool((options.get("launch_buttons") or {}).get("thebe"))


def _script_key(script) -> tuple[str, str]:
    """Identify a script entry of ``script_files`` by its file name and inline body."""
    filename = getattr(script, "filename", script)
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename or ""), str(attributes.get("body", "")))


def _is_thebe_script(script) -> bool:
    filename, body = _script_key(script)
    return "sphinx-thebe" in filename or "thebe" in filename or "THEBE_JS_URL" in body


def clean_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Drop repeated script entries (and thebe's, when thebe is off) from one page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    drop_thebe = not _thebe_enabled(app)
    seen: set[tuple[str, str]] = set()
    kept = []
    for script in scripts:
        key = _script_key(script)
        if key in seen or (drop_thebe and _is_thebe_script(script)):
            continue
        seen.add(key)
        kept.append(script)
    # The list object is shared with the template context: mutate it in place.
    scripts[:] = kept


def collapse_solutions(app: Sphinx, doctree, docname) -> None:
    """Give every sphinx-exercise solution the ``dropdown`` class (hidden until clicked)."""
    try:
        from sphinx_exercise.nodes import solution_node
    except ImportError:  # sphinx-exercise not loaded: nothing to do
        return
    for node in doctree.findall(solution_node):
        if "dropdown" not in node["classes"]:
            node["classes"].append("dropdown")


def add_paths(app: Sphinx, config: Config) -> None:
    """Our template override and static files, ahead of the themes' own."""
    config.templates_path = [str(HERE / "templates"), *config.templates_path]
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_paths)
    app.add_css_file("booksite.css")
    app.add_js_file("booksite.js", loading_method="defer")
    # After the theme and the other extensions have filled in the page context.
    app.connect("html-page-context", clean_scripts, priority=900)
    app.connect("doctree-resolved", collapse_solutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
