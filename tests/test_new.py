"""`teikit new DIR`: a new edition that validates and builds as it is, never half-written, never over
another folder's files (the installed wheel does the same in tests/test_install.py)."""

from __future__ import annotations

from pathlib import Path

from cli_support import teikit
from toolkit import new


def test_a_new_edition_validates_lints_and_builds_with_no_arguments(tmp_path: Path) -> None:
    run = teikit("new", "--title", "Letters & Papers", "letters", cwd=tmp_path)
    assert run.returncode == 0, run.output
    edition = tmp_path / "letters"
    assert {str(path.relative_to(edition)) for path in edition.rglob("*") if path.is_file()} == {
        *new.FILES.values(), *new.STARTERS.values()}
    assert teikit("validate", cwd=edition).returncode == 0
    lint = teikit("lint", "--strict", cwd=edition / "tei")
    assert lint.returncode == 0, lint.output
    built = teikit("build", cwd=edition)
    assert built.returncode == 0, built.output
    index = (edition / "build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Letters &amp; Papers</h1>" in index
    assert "Letters &amp; Papers" in (edition / "tei" / "document.xml").read_text(encoding="utf-8")


def test_an_existing_folder_with_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    run = teikit("new", "taken", cwd=tmp_path)
    assert run.returncode == 2 and "not empty" in run.stderr and "Traceback" not in run.stderr
    assert [path.name for path in (tmp_path / "taken").iterdir()] == ["notes.txt"]
    assert [path.name for path in tmp_path.iterdir()] == ["taken"]  # no staging folder left behind


def test_an_empty_folder_is_filled(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert teikit("new", "empty", cwd=tmp_path).returncode == 0
    assert (tmp_path / "empty" / "teikit.toml").is_file()
    assert new.title_of(tmp_path / "my-first_edition") == "My first edition"
