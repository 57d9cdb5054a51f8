"""Shared by the browser tests (tests/test_browser.py) and `make screenshots`
(tests/screenshots.py): find Debian's Chromium, build the HTML edition, serve it
on 127.0.0.1 and start Chromium through Playwright.

Playwright drives the system Chromium (Debian's `chromium` package, found on
PATH or named by the environment variable CHROMIUM); `playwright install` and
its browser downloads are never used.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Iterator

from toolkit.paths import PROJECT_ROOT
from toolkit.serve import Server, SiteHandler

#: The document page and the index page, relative to the build folder.
DOCUMENT_PAGE = "html/frus1961-63v11-d256.html"
INDEX_PAGE = "html/index.html"
#: A document page and the contents page of a FRUS volume, built from the committed excerpt.
FRUS_DOCUMENT_PAGE = "html/frus1961-63v06/d67.html"
FRUS_VOLUME_PAGE = "html/frus1961-63v06/index.html"
FRUS_VOLUME = PROJECT_ROOT / "tests" / "fixtures" / "frus" / "frus1961-63v06-excerpt.xml"
#: The microfiche supplement's excerpt, built with them: the search runs across the three.
FRUS_SUPPLEMENT = PROJECT_ROOT / "tests" / "fixtures" / "frus" / "frus1961-63v10-12mSupp-excerpt.xml"
#: The search page, and its index (tests/test_search_browser.py).
SEARCH_PAGE = "html/search/index.html"
#: `make axe` fetches axe-core here from the npm registry (never committed).
AXE_JS = PROJECT_ROOT / ".cache" / "axe-core" / "axe.min.js"
#: The pages are built from the frozen copy of the edition, as the other output tests are.
FROZEN_EDITION_DIR = PROJECT_ROOT / "tests" / "fixtures" / "outputs" / "edition"

# Headless Chromium on a closed network: no first-run, sync, component or
# background requests to Google hosts, no QUIC, no GPU, no sandbox (CI runs as root).
# Nor the address bar's suggestions as a WebUI page: headless Chromium 156 starts, for
# every new browser context, a renderer that loads it (chrome://omnibox-popup.top-chrome,
# some 0.6 s of CPU and 0.2 s more of the browser process, seen in a trace), which ran
# beside every test's page and every query bench/firstquery.py times (bench/README.md).
CHROMIUM_ARGS = [
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
]

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


def find_chromium() -> str | None:
    """The Chromium executable: $CHROMIUM, else `chromium` (Debian) or `chromium-browser` on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named if Path(named).is_file() else shutil.which(named)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def build_site(out_dir: Path) -> Path:
    """Build the frozen edition and the FRUS volume and supplement excerpts into ``out_dir``: the HTML
    pages, the search index and the citation and text files they link to."""
    command = [sys.executable, "-m", "toolkit", "build", "--out", str(out_dir), str(FROZEN_EDITION_DIR),
               str(FRUS_VOLUME), str(FRUS_SUPPLEMENT)]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    pages = (DOCUMENT_PAGE, FRUS_DOCUMENT_PAGE, SEARCH_PAGE, "html/pagefind/pagefind.js")
    if completed.returncode != 0 or not all((out_dir / page).is_file() for page in pages):
        raise RuntimeError(f"`{' '.join(command[1:])}` failed (exit {completed.returncode}):\n"
                           f"{completed.stdout}{completed.stderr}")
    return out_dir


#: The library site: the live edition (tei/) with the excerpts of volumes V and VI, for the registers, the
#: chronology and the links between the telegram and the letters it discusses (tests/test_browser_library.py).
FRUS_VOLUME_V = PROJECT_ROOT / "tests" / "fixtures" / "frus" / "frus1961-63v05-excerpt.xml"
LIVE_EDITION_DIR = PROJECT_ROOT / "tei"


def build_library(out_dir: Path) -> Path:
    """Build the live edition and the volume V and VI excerpts into ``out_dir``, as one site."""
    command = [sys.executable, "-m", "toolkit", "build", "--no-validate", "--out", str(out_dir),
               str(LIVE_EDITION_DIR), str(FRUS_VOLUME_V), str(FRUS_VOLUME)]
    completed = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    if completed.returncode != 0 or not (out_dir / "html" / "persons" / "index.html").is_file():
        raise RuntimeError(f"`{' '.join(command[1:])}` failed (exit {completed.returncode}):\n"
                           f"{completed.stdout}{completed.stderr}")
    return out_dir


class _PlainHandler(SimpleHTTPRequestHandler):
    """Files as the standard library sends them: no Cache-Control, nothing about encodings."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@contextlib.contextmanager
def serve(directory: Path, plain: bool = False, answered: list[str] | None = None) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port) in a thread, with the headers `teikit serve`
    sends (toolkit.serve.SiteHandler), or ``plain``: as Python's http.server does; yields the origin.
    ``answered``, if given, gets the address of every request the server answers (what the browser's
    cache did not)."""
    base = _PlainHandler if plain else SiteHandler
    if answered is not None:
        base = type("Counting", (base,), {"handle_one_request": _counting(base.handle_one_request, answered)})
    handler = functools.partial(base, directory=str(directory))
    server = Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="edition-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _counting(handle, answered: list[str]):
    def handle_one_request(self) -> None:
        handle(self)
        if getattr(self, "path", None):
            answered.append(self.path)
    return handle_one_request


def launch(playwright, executable: str):
    """Headless Chromium (a fresh temporary profile: Playwright's launch makes one)."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


class Log:
    """Everything a page did: console messages, script errors, requests, failures."""

    def __init__(self, page) -> None:
        self.console: list[tuple[str, str]] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        self.failures: list[str] = []
        page.on("console", lambda message: self.console.append(
            (message.type, f"{message.text} ({message.location.get('url', '?')})")))
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("requestfailed", lambda request: self.failures.append(f"{request.url}: {request.failure}"))
        page.on("response", lambda response: response.status >= 400
                and self.failures.append(f"{response.url}: HTTP {response.status}"))

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind in ("error", "assert")]

    @property
    def http_errors(self) -> list[str]:
        return [failure for failure in self.failures if ": HTTP " in failure]
