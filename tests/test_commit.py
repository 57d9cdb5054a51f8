"""The commit of a build (issue 22, class 4): one step a signal cannot split, one build at a time per
output folder, clashing names found before anything is written, only the toolkit's own files removed.

Each case builds a small edition ("old"), changes every document ("new") and interrupts the second
build where the issue found it broken: a signal or a crash while the staged files are renamed into
place, a second build into the same folder, a full disk while the manifest is written. After it,
the output folder holds either every old file or every new one, never a mix (once a crashed
commit is completed by the next build). The signal and crash cases patch ``os.replace`` to act at
a chosen rename; ``tests/test_fuzz.py`` does the same with real signals at random times.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import cli_support
from toolkit import cli, output, search
from toolkit.paths import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "outputs" / "minimal.xml"
VOLUME = FIXTURES / "frus" / "frus1961-63v06-excerpt.xml"
TIMEOUT = 120
#: The toolkit's own bookkeeping, not outputs: the lock file holds the last holder's process id.
_BOOKKEEPING = {output.LOCK}


def edition(folder: Path, version: str, count: int = 4) -> list[Path]:
    """``count`` minimal documents, each with its own xml:id and the word ``version`` in its text."""
    folder.mkdir(parents=True, exist_ok=True)
    text = MINIMAL.read_text(encoding="utf-8")
    paths = []
    for number in range(count):
        path = folder / f"doc{number}.xml"
        path.write_text(text.replace("<TEI ", f'<TEI xml:id="doc{number}" ')
                        .replace("Hello, world.", f"Hello, {version} world."), encoding="utf-8")
        paths.append(path)
    return paths


def tree(out: Path) -> dict[str, bytes]:
    """Every output file; of the search index (html/pagefind/, whose other files are named by their
    content, so old and new differ in names) the files of fixed name, whose content tells old from new."""
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and path.name not in _BOOKKEEPING
            and (path.relative_to(out).parts[:2] != ("html", "pagefind")
                 or path.relative_to(out).as_posix() in search.RECORDED_FILES)}


def build(out: Path, folder: Path, *extra: str) -> int:
    """A build with the search index: its files are staged and committed with the pages (the index of the
    same pages is the same bytes from build to build; an index Pagefind left unfinished is made again)."""
    return cli.main(["build", "--no-validate", "--jobs", "1", "--format", "text,html", "--access-date", "2025-01-15",
                     "--out", str(out), *extra, str(folder)])


def teikit_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """teikit in a process of its own: a second build while this process holds the folder's lock."""
    run = subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=cwd,
                         timeout=TIMEOUT, check=False, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert "Traceback" not in run.stderr, run.stderr
    return run


@pytest.fixture
def old_and_new(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """An output folder holding the old build; the documents now new; and both trees, built cleanly."""
    documents = tmp_path / "edition"
    edition(documents, "new")
    assert build(tmp_path / "new-out", documents) == 0
    new = tree(tmp_path / "new-out")
    edition(documents, "old")
    out = tmp_path / "out"
    assert build(out, documents) == 0
    old = tree(out)
    edition(documents, "new")
    assert old != new and set(old) == set(new)
    return out, documents, old, new


def _acting_at_rename(monkeypatch: pytest.MonkeyPatch, out: Path, action, at: int = 3) -> list[str]:
    """Make ``action()`` happen just before the ``at``-th rename of an output into ``out/text``."""
    renamed: list[str] = []
    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        target_path = Path(target)
        if target_path.parent == out / "text":
            renamed.append(target_path.name)
            if len(renamed) == at:
                action()
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    return renamed


def _clean(out: Path) -> None:
    assert not (out / output.JOURNAL).exists()
    assert not list(out.glob(f"{output.STAGING_PREFIX}*"))


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_the_commit_takes_effect_after_it(old_and_new, monkeypatch: pytest.MonkeyPatch,
                                                          signum: int, code: int) -> None:
    out, documents, old, new = old_and_new
    renamed = _acting_at_rename(monkeypatch, out, lambda: os.kill(os.getpid(), signum))
    try:
        exit_code = build(out, documents)  # Ctrl-C: the command returns 130
    except SystemExit as exc:  # SIGTERM: the command's handler exits with 143
        exit_code = exc.code
    assert exit_code == code
    assert len(renamed) > 3, "the signal came before the last rename"
    assert tree(out) == new  # every new file: none of the old ones left among them
    _clean(out)
    monkeypatch.undo()
    assert build(out, documents) == 0 and tree(out) == new  # and the folder is unlocked


class _Killed(BaseException):
    """What kill -9 does to a build, short of ending the test's process: nothing after it runs."""


def test_a_build_killed_during_the_commit_is_completed_by_the_next(old_and_new, monkeypatch) -> None:
    out, documents, old, new = old_and_new

    def die() -> None:
        raise _Killed

    _acting_at_rename(monkeypatch, out, die)
    with pytest.raises(_Killed):
        build(out, documents)
    monkeypatch.undo()
    mixed = tree(out)
    assert mixed != old and mixed != new  # the state a killed commit leaves: a mix, and its journal
    assert (out / output.JOURNAL).is_file()
    output.OutputFolder(out).discard()  # what the next build does first, before anything else
    assert tree(out) == new
    _clean(out)


def test_a_second_build_into_the_same_folder_stops_with_a_clear_message(old_and_new) -> None:
    out, documents, old, _ = old_and_new
    holder = output.OutputFolder(out)
    try:
        run = teikit_process("build", "--no-validate", "--out", str(out), str(documents), cwd=out.parent)
        assert run.returncode == 2, run.stdout + run.stderr
        assert (f"error: another teikit build is writing into this output folder (process {os.getpid()})"
                in run.stderr), run.stderr
        assert "hint: wait until it has finished" in run.stderr
        assert tree(out) == old
    finally:
        holder.discard()
    assert build(out, documents) == 0


def test_two_builds_at_once_are_never_both_forgotten(tmp_path: Path) -> None:
    """Two builds of different documents started together into one folder: each either builds (and the
    manifest then lists its documents) or stops with exit 2; the old defect was both exiting 0 and the
    manifest forgetting one of them."""
    firsts, seconds = edition(tmp_path / "a", "first", 2), edition(tmp_path / "b", "second", 2)
    for number, path in enumerate(seconds):  # other ids than the first edition's
        path.write_text(path.read_text(encoding="utf-8").replace(f'xml:id="doc{number}"', f'xml:id="other{number}"'))
    command = [sys.executable, "-m", "toolkit", "build", "--no-validate", "--format", "text", "--out", "out"]
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    runs = [subprocess.Popen([*command, folder], cwd=tmp_path, env=environment, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for folder in ("a", "b")]
    results = [(run.wait(timeout=TIMEOUT), run.stderr.read()) for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    assert all(code in (0, 2) for code, _ in results) and any(code == 0 for code, _ in results), results
    manifest = json.loads((tmp_path / "out" / output.MANIFEST).read_text(encoding="utf-8"))
    listed = {Path(source).name for source in manifest["documents"]} | {
        Path(source).parent.name for source in manifest["documents"]}
    for (code, stderr), folder in zip(results, ("a", "b")):
        if code == 0:
            assert folder in listed, (folder, manifest)
        else:
            assert "another teikit build is writing into this output folder" in stderr, stderr


def test_a_full_disk_while_the_manifest_is_written_keeps_the_earlier_outputs(old_and_new, monkeypatch) -> None:
    out, documents, old, _ = old_and_new
    real_write = output.write_file

    def full_at_manifest(target: Path, content) -> None:
        if target.name == output.MANIFEST:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(target, content)

    monkeypatch.setattr(output, "write_file", full_at_manifest)
    assert build(out, documents) == 2
    assert tree(out) == old  # "earlier outputs kept" is true
    _clean(out)


def test_a_frus_volume_named_like_the_index_page_fails_before_anything_is_written(tmp_path: Path) -> None:
    """A volume whose idno is ``index.html`` needs html/index.html as a folder; a volume named after
    another document's page (``doc0.html``) likewise: found before the commit, the volume fails and
    names the file in its way, the other documents are built."""
    documents = tmp_path / "edition"
    edition(documents, "new", 1)
    volume = VOLUME.read_text(encoding="utf-8")
    for name in ("index.html", "doc0.html"):
        (documents / "volume.xml").write_text(volume.replace(">frus1961-63v06</idno>", f">{name}</idno>"),
                                              encoding="utf-8")
        out = tmp_path / f"out-{name}"
        run = cli_support.teikit("build", "--no-validate", "--format", "html", "--out", str(out), str(documents),
                                 cwd=tmp_path)
        assert run.returncode == 1, run.stdout + run.stderr
        lines = [line for line in run.stdout.splitlines() if "volume.xml:" in line]
        assert len(lines) == 1 and f"needs html/{name} as a folder" in lines[0], run.stdout
        assert not [path for path in out.rglob("*") if "d65" in path.name]
        assert (out / "html" / "index.html").is_file()
        if name == "doc0.html":  # two documents in each other's way: both fail, each naming the other
            assert "edition/volume.xml" in run.stdout.split("edition/doc0.xml:")[1]
            assert not (out / "html" / "doc0.html").exists()
        else:
            assert (out / "html" / "doc0.html").is_file()
        _clean(out)


@pytest.mark.parametrize("name", ["persons", "chronology", "pagefind"])
def test_a_frus_volume_named_like_a_site_wide_folder_fails_before_anything_is_written(tmp_path: Path,
                                                                                      name: str) -> None:
    """A volume whose idno is the name of a folder the site-wide pages fill (the registers, the
    chronology, the search index) would write its pages among them: it fails, naming the clash."""
    documents = tmp_path / "edition"
    edition(documents, "new", 1)
    volume = VOLUME.read_text(encoding="utf-8")
    (documents / "volume.xml").write_text(volume.replace(">frus1961-63v06</idno>", f">{name}</idno>"), encoding="utf-8")
    out = tmp_path / "out"
    run = cli_support.teikit("build", "--no-validate", "--no-search", "--format", "html", "--out", str(out),
                             str(documents), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if "volume.xml:" in line]
    assert len(lines) == 1 and f"html/{name}/" in lines[0] and "the edition's own file" in lines[0], run.stdout
    # no page of the volume (d65.html ...); the cache's record names are hashes, which may hold "d65"
    assert not [path for path in (out / "html").rglob("*") if "d65" in path.name]
    assert (out / "html" / "doc0.html").is_file()
    _clean(out)


def test_an_output_where_the_folder_holds_a_folder_fails_that_document_only(tmp_path: Path) -> None:
    documents = tmp_path / "edition"
    edition(documents, "new", 2)
    out = tmp_path / "out"
    (out / "text" / "doc1.reading.txt").mkdir(parents=True)
    assert build(out, documents) == 1
    assert (out / "text" / "doc0.reading.txt").is_file() and not (out / "html" / "doc1.html").exists()
    assert (out / "text" / "doc1.reading.txt").is_dir()


def test_files_that_look_temporary_are_not_the_builds_to_remove(tmp_path: Path) -> None:
    """Earlier builds deleted every ``.NAME.XXXXXXXX.tmp`` under the output folder, even in .git."""
    documents = tmp_path / "edition"
    edition(documents, "new", 1)
    out = tmp_path / "out"
    keep = [out / ".git" / "objects" / "pack" / ".pack-1.abcdefgh.tmp", out / "html" / ".doc0.html.k2j4h5g6.tmp",
            out / ".notes.12345678.tmp"]
    for path in keep:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("the user's")
    assert build(out, documents) == 0
    assert all(path.read_text() == "the user's" for path in keep)


def test_outputs_of_unchanged_documents_are_not_touched(tmp_path: Path) -> None:
    """What the commit does not stage it leaves alone: a document built again rewrites its files, the
    others' stay the same inodes (what an incremental build relies on to carry them over)."""
    documents = tmp_path / "edition"
    edition(documents, "new", 2)
    out = tmp_path / "out"
    assert build(out, documents) == 0
    before = {path.name: path.stat().st_ino for path in (out / "text").iterdir()}
    changed = documents / "doc1.xml"  # changed: an unchanged one would be kept whole (tests/test_incremental.py)
    changed.write_text(changed.read_text(encoding="utf-8").replace("Hello, new world.", "Hello, newer world."),
                       encoding="utf-8")
    assert build(out, changed) == 0
    after = {path.name: path.stat().st_ino for path in (out / "text").iterdir()}
    assert {name for name in before if before[name] == after[name]} == {"doc0.reading.txt", "doc0.diplomatic.txt"}
    assert "newer" in (out / "text" / "doc1.reading.txt").read_text(encoding="utf-8")


def test_a_file_made_again_with_the_same_bytes_is_not_touched(tmp_path: Path) -> None:
    """A document transformed again whose outputs come out the same (a comment added to its source), and the
    site-wide pages made again on every build: the commit leaves each such file as it was (inode, time), so
    a rebuild touches only what changed; a file that differs is replaced."""
    documents = tmp_path / "edition"
    edition(documents, "new", 2)
    out = tmp_path / "out"
    assert build(out, documents) == 0
    files = [path for path in out.rglob("*") if path.is_file() and ".teikit" not in path.as_posix()
             and "pagefind" not in path.parts]
    before = {path: (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes()) for path in files}
    changed = documents / "doc1.xml"
    changed.write_text(changed.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
    assert build(out, documents) == 0
    assert {path: (path.stat().st_ino, path.stat().st_mtime_ns, path.read_bytes()) for path in files} == before
    (out / "text" / "doc1.reading.txt").write_text("damaged", encoding="utf-8")  # not what the build makes
    changed.write_text(changed.read_text(encoding="utf-8") + "<!-- edited again -->\n", encoding="utf-8")
    assert build(out, documents) == 0
    assert (out / "text" / "doc1.reading.txt").read_bytes() == before[out / "text" / "doc1.reading.txt"][2]
