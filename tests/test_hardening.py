"""Hostile and unlucky input: nothing read from outside the edition, no hang, no traceback.

The cases are data (tests/fixtures/hardening/): each pointer of pointers.json
is put into document.xml inside a folder ``edition/``, beside a folder
``outside/`` whose people.xml holds a record the edition must never show.
Every command runs as a user runs it (``teikit``, in process: tests/cli_support.py),
with a timeout, so a hang fails the test instead of stalling the suite; the
tests that signal the command or set its process's umask start a process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cli_support
from outputs_support import output_text
from toolkit.paths import PROJECT_ROOT, TEI_DIR

FIXTURES = Path(__file__).parent / "fixtures" / "hardening"
POINTERS = {name: case for name, case in json.loads((FIXTURES / "pointers.json").read_text()).items()
            if not name.startswith("_")}
POINTER_LINE = 32
SECRET = "Outsider Secret"
TIMEOUT = 120


def teikit(*args: str, cwd: Path) -> cli_support.Run:
    run = cli_support.teikit(*args, cwd=cwd, timeout=TIMEOUT)
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
    outputs = [output_text(path) for path in out.rglob("*") if path.is_file()]
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


# --------------------------------------------------------------------------- the output folder

def _documents(folder: Path, ids: list[str]) -> list[Path]:
    """Documents (from the fixture) with these xml:ids, and the authority file, in ``folder``."""
    folder.mkdir(exist_ok=True)
    shutil.copy(TEI_DIR / "authority.xml", folder / "authority.xml")
    text = (FIXTURES / "document.xml").read_text(encoding="utf-8").replace('ref="POINTER"', 'ref="authority.xml#zorin"')
    paths = []
    for number, identifier in enumerate(ids):
        path = folder / f"doc{number}.xml"
        unique = text.replace('"fixture-', f'"f{number}-').replace('"#fixture-', f'"#f{number}-')
        path.write_text(unique.replace('xml:id="hardening-doc"', f'xml:id="{identifier}"'), encoding="utf-8")
        paths.append(path)
    return paths


def _tree(out: Path) -> dict[str, bytes]:
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("length", [227, 251, 300])
def test_a_long_xml_id_names_outputs_or_fails_cleanly(tmp_path: Path, length: int) -> None:
    identifier = "d" * length
    _documents(tmp_path / "edition", [identifier])
    run = teikit("build", "--jobs", "1", "--out", "out", "edition", cwd=tmp_path)
    fits = len(f"{identifier}.passages.txt") <= 255
    assert run.returncode == (0 if fits else 1), run.stdout + run.stderr
    if not fits:
        assert "more than the 255 a file system allows" in run.stdout
        assert not [name for name in _tree(tmp_path / "out") if identifier in name]
    assert not list((tmp_path / "out").glob(".teikit-staging-*"))


def test_a_long_xml_id_in_a_parallel_build_costs_only_its_document(tmp_path: Path) -> None:
    _documents(tmp_path / "edition", [f"doc-{n}" for n in range(8)] + ["d" * 300])
    run = teikit("build", "--jobs", "2", "--format", "text", "--out", "out", "edition", cwd=tmp_path)
    assert run.returncode == 1 and "more than the 255" in run.stdout, run.stdout + run.stderr
    assert len(list((tmp_path / "out" / "text").glob("doc-*.reading.txt"))) == 8


@pytest.mark.parametrize("out", ["a-file", "/dev/null", "/proc", "/proc/teikit-out", "a-file/below"])
def test_an_unusable_output_folder_is_a_usage_error(tmp_path: Path, out: str) -> None:
    _documents(tmp_path / "edition", ["doc"])
    (tmp_path / "a-file").write_text("not a folder")
    run = teikit("build", "--out", out, "edition", cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "error:" in run.stderr and ("output folder" in run.stderr), run.stderr
    assert (tmp_path / "a-file").read_text() == "not a folder"


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_outputs_get_the_mode_open_would_give(tmp_path: Path, umask: int) -> None:
    _documents(tmp_path / "edition", ["doc"])
    run = subprocess.run([sys.executable, "-m", "toolkit", "build", "--out", "out", "edition"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=lambda: os.umask(umask),
                         check=False)
    assert run.returncode == 0, run.stderr
    modes = {path.name: path.stat().st_mode & 0o777 for path in (tmp_path / "out").rglob("*") if path.is_file()}
    assert len(modes) > 5 and set(modes.values()) == {0o666 & ~umask}, modes


def test_two_documents_with_one_id_both_fail_and_nothing_is_overwritten(tmp_path: Path) -> None:
    first, second = _documents(tmp_path / "edition", ["same", "same"])
    # The validator reports the duplicate xml:id too; without it, the build itself must refuse.
    run = teikit("build", "--no-validate", "--out", "out", "edition", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    for path, other in ((first, second), (second, first)):
        lines = [line for line in run.stdout.splitlines() if line.startswith(f"edition/{path.name}:")]
        assert any("two outputs would take the same place" in line and f"edition/{other.name}" in line
                   for line in lines), run.stdout
    assert not (tmp_path / "out" / "html" / "same.html").exists()
    assert "0 documents built" in run.stderr


def test_a_document_may_not_take_the_name_of_an_edition_file(tmp_path: Path) -> None:
    _documents(tmp_path / "edition", ["index"])
    run = teikit("build", "--out", "out", "edition", cwd=tmp_path)
    assert run.returncode == 1 and "html/index.html is the edition's own file" in run.stdout, run.stdout


def test_an_invalid_document_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    (path,) = _documents(tmp_path / "edition", ["doc"])
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 0
    index = tmp_path / "out" / "html" / "index.html"
    before = index.read_text(encoding="utf-8")
    assert "A test telegram" in before
    text = path.read_text(encoding="utf-8")
    # Well-formed but invalid, with another title; then truncated.
    path.write_text(text.replace("A test telegram", "An unvalidated title").replace("<head>", "<head bogus='1'>"))
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 1
    assert index.read_text(encoding="utf-8") == before
    path.write_text(text[: len(text) // 2])
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 1
    assert index.read_text(encoding="utf-8") == before


def test_staging_folders_of_killed_builds_are_removed_and_nothing_else(tmp_path: Path) -> None:
    _documents(tmp_path / "edition", ["doc"])
    out = tmp_path / "out"
    (out / "html").mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    (out / f".teikit-staging-{dead}-abcd1234" / "0" / "html").mkdir(parents=True)
    (out / "html" / ".doc.html.k2j4h5g6.tmp").write_text("half")
    (out / "html" / "mine.html").write_text("a file of the user's")
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 0
    names = set(_tree(out))
    assert not [name for name in names if "staging" in name], names
    assert not list(out.glob(".teikit-staging-*"))
    assert (out / "html" / "mine.html").read_text() == "a file of the user's"
    # A file the toolkit cannot know it wrote is never removed, whatever its name (issue 22).
    assert (out / "html" / ".doc.html.k2j4h5g6.tmp").read_text() == "half"


def test_outputs_of_a_removed_document_are_removed_and_nothing_else(tmp_path: Path) -> None:
    kept, removed = _documents(tmp_path / "edition", ["kept", "gone"])
    out = tmp_path / "out"
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 0
    assert (out / "html" / "gone.html").is_file()
    (out / "html" / "mine.html").write_text("a file of the user's")
    removed.unlink()
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 0
    names = set(_tree(out))
    assert not [name for name in names if "gone" in name], names
    assert "html/kept.html" in names and (out / "html" / "mine.html").is_file()
    assert "gone.html" not in (out / "html" / "index.html").read_text(encoding="utf-8")


def test_a_changed_id_removes_the_files_of_the_old_one(tmp_path: Path) -> None:
    (path,) = _documents(tmp_path / "edition", ["old-name"])
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 0
    path.write_text(path.read_text(encoding="utf-8").replace('xml:id="old-name"', 'xml:id="new-name"'))
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 0
    names = set(_tree(tmp_path / "out"))
    assert "html/new-name.html" in names and not [name for name in names if "old-name" in name], names


def test_a_full_disk_leaves_the_earlier_outputs_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from toolkit import cli, output

    (path,) = _documents(tmp_path / "edition", ["doc"])
    out = tmp_path / "out"
    assert cli.main(["build", "--jobs", "1", "--out", str(out), str(tmp_path / "edition")]) == 0
    before = _tree(out)
    path.write_text(path.read_text(encoding="utf-8").replace("Somebody", "Somebody else"))
    written = []
    real_write = output.write_file

    def write_until_full(target: Path, content) -> None:
        if len(written) == 4:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(target)
        real_write(target, content)

    monkeypatch.setattr(output, "write_file", write_until_full)
    assert cli.main(["build", "--jobs", "1", "--out", str(out), str(tmp_path / "edition")]) == 2
    assert _tree(out) == before
    assert not list(out.glob(".teikit-staging-*"))


def test_sigterm_removes_the_staging_folder_and_stops_the_workers(tmp_path: Path) -> None:
    import signal
    import time
    import uuid

    _documents(tmp_path / "edition", [f"doc-{n}" for n in range(16)])
    mark = f"TEIKIT_TEST_MARK={uuid.uuid4()}"
    build = subprocess.Popen([sys.executable, "-m", "toolkit", "build", "--jobs", "2", "--out", "out", "edition"],
                             cwd=tmp_path, env={**os.environ, mark.split("=")[0]: mark.split("=")[1]},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = tmp_path / "out"
    deadline = time.monotonic() + TIMEOUT
    while not list(out.glob(".teikit-staging-*/*/html/*.html")) and time.monotonic() < deadline:
        time.sleep(0.1)  # wait until workers are writing
    build.send_signal(signal.SIGTERM)
    _, stderr = build.communicate(timeout=TIMEOUT)
    assert "Traceback" not in stderr and build.returncode == 128 + signal.SIGTERM, stderr
    assert not list(out.glob(".teikit-staging-*"))
    time.sleep(1)
    assert not _processes_with(mark), "worker processes outlived the build"


def _processes_with(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_workers_die_when_the_build_is_killed(tmp_path: Path) -> None:
    import signal
    import time
    import uuid

    _documents(tmp_path / "edition", [f"doc-{n}" for n in range(16)])
    mark = str(uuid.uuid4())
    build = subprocess.Popen([sys.executable, "-m", "toolkit", "build", "--jobs", "2", "--out", "out", "edition"],
                             cwd=tmp_path, env={**os.environ, "TEIKIT_TEST_MARK": mark},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = tmp_path / "out"
    deadline = time.monotonic() + TIMEOUT
    while not list(out.glob(".teikit-staging-*/*/html/*.html")) and time.monotonic() < deadline:
        time.sleep(0.1)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=TIMEOUT)
    deadline = time.monotonic() + 10
    while _processes_with(f"TEIKIT_TEST_MARK={mark}") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_with(f"TEIKIT_TEST_MARK={mark}"), "workers outlived a killed build"
    # The next build removes what the killed one left.
    assert teikit("build", "--out", "out", "edition", cwd=tmp_path).returncode == 0
    assert not list(out.glob(".teikit-staging-*"))
