"""Hostile and unlucky input: nothing read from outside the edition, no hang, no traceback.

The cases are data (tests/fixtures/hardening/): each pointer of pointers.json
is put into document.xml inside a folder ``edition/``, beside a folder
``outside/`` whose people.xml holds a record the edition must never show.
Every command runs as a user runs it (``python -m toolkit``), with a timeout,
so a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.paths import PROJECT_ROOT, TEI_DIR

FIXTURES = Path(__file__).parent / "fixtures" / "hardening"
POINTERS = {name: case for name, case in json.loads((FIXTURES / "pointers.json").read_text()).items()
            if not name.startswith("_")}
POINTER_LINE = 32
SECRET = "Outsider Secret"
TIMEOUT = 120


def teikit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    run = subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=cwd,
                         timeout=TIMEOUT, check=False, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode in (0, 1, 2), run.stderr
    return run


def _setup(edition: Path, kind: str | None) -> None:
    if kind == "fifo":
        os.mkfifo(edition / "pipe.xml")
    elif kind == "link-out":
        (edition / "link.xml").symlink_to(Path("..") / "outside" / "people.xml")
    elif kind == "loop":
        (edition / "loop.xml").symlink_to("loop.xml")
    elif kind == "folder":
        (edition / "sub").mkdir()


def make_edition(tmp_path: Path, pointer: str, setup: str | None = None) -> Path:
    """edition/document.xml (with ``pointer``) and its authority file, beside outside/people.xml."""
    edition, outside = tmp_path / "edition", tmp_path / "outside"
    edition.mkdir()
    outside.mkdir()
    shutil.copy(FIXTURES / "people.xml", outside / "people.xml")
    shutil.copy(TEI_DIR / "authority.xml", edition / "authority.xml")
    pointer = pointer.replace("{OUTSIDE}", str(outside)).replace("{LONG}", "n" * 300)
    text = (FIXTURES / "document.xml").read_text(encoding="utf-8")
    (edition / "document.xml").write_text(text.replace('ref="POINTER"', f'ref="{pointer}"'), encoding="utf-8")
    _setup(edition, setup)
    return edition


@pytest.mark.parametrize("name", sorted(POINTERS))
def test_validate_refuses_the_pointer_where_it_is(tmp_path: Path, name: str) -> None:
    case = POINTERS[name]
    edition = make_edition(tmp_path, case["ref"], case.get("setup"))
    root = ["--root", case["root"]] if "root" in case else []
    run = teikit("validate", *root, str(edition / "document.xml"), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if line.endswith("[ref-confined]")]
    assert len(lines) == 1, run.stdout
    assert lines[0].startswith(f"edition/document.xml:{POINTER_LINE}:"), lines[0]
    assert case["message"] in lines[0], lines[0]


@pytest.mark.parametrize("name", sorted(POINTERS))
def test_lint_neither_hangs_nor_crashes_nor_reads_outside(tmp_path: Path, name: str) -> None:
    case = POINTERS[name]
    edition = make_edition(tmp_path, case["ref"], case.get("setup"))
    run = teikit("lint", str(edition / "document.xml"), cwd=tmp_path)
    assert SECRET not in run.stdout
    # A sibling holding the pointer is read too (the authority file's neighbours are).
    (edition / "document.xml").rename(edition / "sibling.xml")
    shutil.copy(FIXTURES / "document.xml", edition / "document.xml")
    (edition / "document.xml").write_text(
        (FIXTURES / "document.xml").read_text().replace('ref="POINTER"', 'ref="authority.xml#zorin"'))
    teikit("lint", str(edition / "document.xml"), cwd=tmp_path)


@pytest.mark.parametrize("name", sorted(POINTERS))
def test_the_stylesheets_open_nothing_the_validator_refused(tmp_path: Path, name: str) -> None:
    case = POINTERS[name]
    edition = make_edition(tmp_path, case["ref"], case.get("setup"))
    out = tmp_path / "out"
    # --no-validate: the build's own resolution is what is tested, not the validator's verdict.
    run = teikit("build", "--no-validate", "--jobs", "1", "--out", str(out), str(edition / "document.xml"),
                 cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    outputs = [path.read_text(encoding="utf-8") for path in out.rglob("*") if path.is_file()]
    assert len(outputs) > 3
    assert not any(SECRET in text for text in outputs)
    page = (out / "html" / "hardening-doc.html").read_text(encoding="utf-8")
    assert "Zorin" in page and "Somebody" in page


def test_records_inside_the_edition_still_reach_the_page(tmp_path: Path) -> None:
    """The other side of the rule: a record in the edition's folder is shown (the test above can fail)."""
    edition = make_edition(tmp_path, "inside.xml#x")
    shutil.copy(FIXTURES / "people.xml", edition / "inside.xml")
    out = tmp_path / "out"
    document = str(edition / "document.xml")
    assert teikit("validate", document, cwd=tmp_path).returncode == 0
    assert teikit("build", "--jobs", "1", "--out", str(out), document, cwd=tmp_path).returncode == 0
    assert SECRET in (out / "html" / "hardening-doc.html").read_text(encoding="utf-8")


def test_a_root_given_widens_the_rule(tmp_path: Path) -> None:
    edition = make_edition(tmp_path, "../outside/people.xml#x")
    run = teikit("validate", "--root", str(tmp_path), str(edition / "document.xml"), cwd=tmp_path)
    assert run.returncode == 0, run.stdout


# --------------------------------------------------------------------------- entries of a folder

FOLDER_ENTRIES = {
    "fifo": ("a named pipe", lambda folder: os.mkfifo(folder / "pipe.xml")),
    "symlink-loop": ("a symbolic link that loops", lambda folder: (folder / "loop.xml").symlink_to("loop.xml")),
    "symlink-out": ("leads outside", lambda folder: (folder / "link.xml").symlink_to(
        Path("..") / "outside" / "people.xml")),
    "device": ("a character device", lambda folder: (folder / "zero.xml").symlink_to("/dev/zero")),
}


@pytest.mark.parametrize("name", sorted(FOLDER_ENTRIES))
@pytest.mark.parametrize("command", ["validate", "lint", "build"])
def test_a_strange_entry_in_the_folder_is_reported_not_read(tmp_path: Path, name: str, command: str) -> None:
    message, make = FOLDER_ENTRIES[name]
    edition = make_edition(tmp_path, "authority.xml#zorin")
    make(edition)
    extra = ["--out", str(tmp_path / "out"), "--jobs", "1"] if command == "build" else []
    run = teikit(command, *extra, str(edition), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    refused = [line for line in run.stdout.splitlines() if line.endswith("[file-confined]")]
    assert len(refused) == 1 and ":1:1: error: not read" in refused[0] and message in refused[0], run.stdout
    if command == "build":
        assert (tmp_path / "out" / "html" / "hardening-doc.html").is_file()


def test_the_edition_list_skips_what_is_not_a_regular_file(tmp_path: Path) -> None:
    from toolkit.paths import edition_documents

    (tmp_path / "a.xml").write_text("<x/>")
    os.mkfifo(tmp_path / "b.xml")
    (tmp_path / "c.xml").symlink_to("c.xml")
    assert edition_documents(tmp_path) == [tmp_path / "a.xml"]


# --------------------------------------------------------------------------- files named, and their size

NAMED = {
    "dev-zero": ("/dev/zero", "is a character device, not a regular file"),
    "dev-null": ("/dev/null", "is a character device, not a regular file"),
}


@pytest.mark.parametrize("name", sorted(NAMED))
@pytest.mark.parametrize("command", ["validate", "lint", "build"])
def test_a_path_named_that_is_no_file_is_a_usage_error(tmp_path: Path, name: str, command: str) -> None:
    path, message = NAMED[name]
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    run = teikit(command, *extra, path, cwd=tmp_path)
    assert run.returncode == 2 and message in run.stderr, run.stderr


def test_a_named_pipe_named_is_refused_without_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.xml")
    run = teikit("validate", "pipe.xml", cwd=tmp_path)
    assert run.returncode == 2 and "is a named pipe, not a regular file" in run.stderr, run.stderr


def test_a_file_over_the_size_limit_is_refused_and_the_limit_can_be_raised(tmp_path: Path) -> None:
    edition = make_edition(tmp_path, "authority.xml#zorin")
    document = edition / "document.xml"
    text = document.read_text(encoding="utf-8")
    document.write_text(text.replace("<text>", "<!--" + "x" * 300_000 + "-->\n  <text>"), encoding="utf-8")
    run = teikit("validate", "--max-size", "200K", str(document), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.startswith("edition/document.xml:1:1: error: is larger than the limit of 204800 bytes")
    assert "--max-size" in run.stdout
    assert teikit("validate", "--max-size", "1M", str(document), cwd=tmp_path).returncode == 0
    assert teikit("validate", str(document), cwd=tmp_path).returncode == 0  # the default admits it


def test_the_default_limit_admits_the_largest_frus_volumes() -> None:
    from toolkit.confine import DEFAULT_MAX_SIZE

    assert DEFAULT_MAX_SIZE >= 50 * 1024 * 1024  # FRUS volumes reach 10 to 20 MB


def test_a_bad_size_is_a_usage_error(tmp_path: Path) -> None:
    run = teikit("validate", "--max-size", "lots", "x.xml", cwd=tmp_path)
    assert run.returncode == 2 and "is not a size" in run.stderr
