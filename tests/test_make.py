"""`make` builds again exactly when it must: a deleted output, other BUILD_FLAGS, a document
saved while it built. Each test builds into its own folder (make BUILD=...); `make -q` asks
make whether the build is up to date without running it (exit 0 yes, 1 no)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from toolkit.paths import PROJECT_ROOT


def make(*args: str) -> subprocess.CompletedProcess[str]:
    # -o .venv/.ready: never set the venv up again from a test, even when pyproject.toml is newer.
    return subprocess.run(["make", "--no-print-directory", "-C", str(PROJECT_ROOT), "-o", ".venv/.ready", *args],
                          capture_output=True,
                          text=True, timeout=600, check=False)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    if shutil.which("make") is None or not (PROJECT_ROOT / ".venv" / ".ready").exists():
        pytest.skip("needs make and the project's .venv (make setup)")
    out = tmp_path / "build"
    run = make(f"BUILD={out}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert make("-q", f"BUILD={out}").returncode == 0, "a second make would build again"
    return out


def test_a_deleted_output_is_built_again(built: Path) -> None:
    (built / "html" / "index.html").unlink()
    assert make("-q", f"BUILD={built}").returncode == 1
    assert make(f"BUILD={built}").returncode == 0
    assert (built / "html" / "index.html").is_file()
    assert make("-q", f"BUILD={built}").returncode == 0


def test_other_build_flags_build_again(built: Path) -> None:
    flags = "BUILD_FLAGS=--edition-url https://example.org/edition/"
    assert make("-q", f"BUILD={built}", flags).returncode == 1
    assert make(f"BUILD={built}", flags).returncode == 0
    assert "https://example.org/edition/" in (built / "html" / "index.html").read_text(encoding="utf-8")
    assert make("-q", f"BUILD={built}", flags).returncode == 0
    assert make("-q", f"BUILD={built}").returncode == 1  # and back


def test_the_stamp_is_as_old_as_the_build_so_a_document_saved_meanwhile_is_built_again(built: Path) -> None:
    stamp = (built / ".stamp").stat().st_mtime_ns
    outputs = [path.stat().st_mtime_ns for path in built.rglob("*") if path.is_file() and path.parent != built]
    assert outputs and stamp <= min(outputs)


def test_make_sees_the_documents_the_toolkit_reads(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("needs make")
    from toolkit.paths import edition_documents

    (tmp_path / "tei").mkdir()
    for name in ("a.xml", ".hidden.xml", "notes.txt"):
        (tmp_path / "tei" / name).write_text("<TEI/>", encoding="utf-8")
    shutil.copy(PROJECT_ROOT / "Makefile", tmp_path / "Makefile")
    run = subprocess.run(["make", "--no-print-directory", "-C", str(tmp_path),
                          "--eval", "print-documents: ; @echo $(DOCUMENTS)", "print-documents"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    expected = [str(path.relative_to(tmp_path)) for path in edition_documents(tmp_path / "tei")]
    assert sorted(run.stdout.split()) == sorted(expected) == ["tei/.hidden.xml", "tei/a.xml"]


def test_make_running_the_build_again_keeps_what_did_not_change(built: Path) -> None:
    """When make runs `teikit build` again (here: its stamp is gone), the toolkit's cache
    (toolkit/cache.py) keeps the outputs of every unchanged document: same inode, same time."""
    page = next((built / "html").glob("frus*.html"))
    before = (page.stat().st_ino, page.stat().st_mtime_ns)
    (built / ".stamp").unlink()
    run = make(f"BUILD={built}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "unchanged, outputs kept" in run.stderr + run.stdout
    assert (page.stat().st_ino, page.stat().st_mtime_ns) == before
