"""Shared fixtures. The site fixtures serve the built book (``_build/html``) on
127.0.0.1 and drive Debian's Chromium over it (tests/test_site.py, marker ``browser``).

The site is built by ``make book``; when ``_build/html`` is missing these fixtures
build it (``jupyter-book build . -W -n --keep-going``) and fail with the build's
output if that fails. They never skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# tests/fixtures holds chain modules that register deliberately wrong claims; they are
# loaded only by the tests that ask for them (never collected, e.g. by --doctest-modules).
# tests/pdf checks the PDF of `make pdf` and runs only in `make test-pdf`.
collect_ignore = ["fixtures", "pdf"]
HTML_DIR = ROOT / "_build" / "html"
SCREENSHOT_DIR = ROOT / "_build" / "screenshots"
TIMING_FILE = ROOT / "_build" / "site_timing.json"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_site() -> str | None:
    """Build the book into _build/html if it is missing; return an error text or None."""
    if (HTML_DIR / "intro.html").is_file():
        return None
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", ".", "-W", "-n", "--keep-going"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not (HTML_DIR / "intro.html").is_file():
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        return (
            f"_build/html is missing and `{' '.join(cmd)}` failed "
            f"(exit {proc.returncode}); run `make book` and fix the build:\n{tail}"
        )
    return None


def site_pages() -> list[str]:
    """Every HTML page of the built site, as paths relative to _build/html."""
    return sorted(
        p.relative_to(HTML_DIR).as_posix()
        for p in HTML_DIR.rglob("*.html")
        # Theme template fragments shipped as static files are not pages.
        if "_static" not in p.relative_to(HTML_DIR).parts
    )


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextlib.contextmanager
def serve_directory(directory: Path):
    """Serve a directory with http.server on a free port of 127.0.0.1 (in a thread)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_url():
    """Serve _build/html on a free port of 127.0.0.1; yields the base URL."""
    error = build_site()
    if error:
        pytest.fail(error, pytrace=False)
    with serve_directory(HTML_DIR) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def site_timing():
    """Per-page timings collected by the browser tests, written to _build/site_timing.json."""
    timings: dict[str, dict] = {}
    yield timings
    if timings:
        TIMING_FILE.parent.mkdir(parents=True, exist_ok=True)
        TIMING_FILE.write_text(json.dumps(dict(sorted(timings.items())), indent=2) + "\n")


def pytest_sessionfinish(session, exitstatus):
    """A run in which no test passed (all skipped or deselected) is not a success."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if exitstatus == 0 and reporter is not None and not reporter.stats.get("passed"):
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
