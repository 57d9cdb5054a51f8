"""Fuzzing: every mutant of the edition and the fixtures, through validate, build, diff and lint.

Each case (first the corpus, then seeded mutants of it) is written beside a copy
of the authority file in a fresh folder and run through the real command line,
in process (``toolkit.cli.main``, ``--jobs 1``), each under a guard against hangs
(``HANG_GUARD``: not a speed limit; speed is bench/'s). For every one:

* no exception escapes (a traceback), no command hangs;
* the exit code is 0, 1 or 2, as documented;
* every error line is located: ``FILE:LINE:COL: error: ...``;
* nothing outside the output folder is created, changed or removed;
* a document's outputs are complete (every file a document gets) or absent, as the build's manifest
  lists them, and no file is in the output folder that the manifest does not list.

The corpus is the issue's cases (tests/fixtures/validate/invalid, valid and
jing, tests/validation_cases.xml and the rules' cases in schemas/telegram.sch:
each the regression case of a defect found by hand), what this test
found (tests/fixtures/fuzz, see its README) and the edition. ``make test`` runs a few seconds of mutants
(``TEIKIT_FUZZ_SECONDS``, default 4); ``make fuzz`` runs ten minutes. A failure
names the seed and the mutant's file, which is kept under the test's tmp_path.

The output folder and the size of inputs (issue 22): builds of changed documents killed at random
moments with SIGTERM, SIGINT or SIGKILL (the folder holds all old or all new files after each),
two or three builds started together into one folder (one at a time: the others exit 2, none is
forgotten by the manifest), one part of a document made large (a paragraph, a title, a division's
paragraphs, one element's attributes, one word: every command handles it, and refuses it, unread, under a
smaller --max-size), and the
edition's header with each part emptied or removed (every stylesheet still runs).

Hostile file names (issue 22): seeded folders of one to four documents, valid
or not, some named twice through a symbolic or a hard link, some in a
subfolder, under names made of newlines, bytes that are not UTF-8, text that
reads like a diagnostic (``a:1:2: error: b.xml``), quotes, globs and look-alike
spaces; named as a folder or one by one; every fourth with ``--engine jing``.
The same layout under plain names is the oracle: validate, build and lint must
give the same exit codes, the same number of problems and the same summaries,
and build the same files; every output is valid UTF-8 with one problem a line.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli_support import Run, teikit
from toolkit.paths import SCHEMATRON_RULES, TEI_DIR
from validation_support import assemble, cases_in, validation_cases

FIXTURES = Path(__file__).parent / "fixtures"
AUTHORITY = TEI_DIR / "authority.xml"
SECONDS = float(os.environ.get("TEIKIT_FUZZ_SECONDS", "4"))
SEED = int(os.environ.get("TEIKIT_FUZZ_SEED", "2477"))
#: How long a command may run before it counts as hung (seconds). A guard against a command that never
#: ends (a loop, a blocked read), not a speed limit: it is far above what any case takes, so that a busy
#: machine never fails a correct run (60 s did, for a large input under load). How fast, and that time
#: and memory grow linearly with the input, is measured by bench/large.py (make bench-large), not here.
HANG_GUARD = int(os.environ.get("TEIKIT_FUZZ_HANG_GUARD", "900"))
_LOCATED = re.compile(r"^(?:teikit: )?(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?:error|warning): \S")
_UNLOCATED_OK = re.compile(r"^(?:teikit: )?(?:error: |usage: |teikit \w+: error: )")
_WHOLE_FILE = re.compile(r"^teikit: (?P<path>[^:\n]+): error: \S")


def _corpus() -> list[tuple[str, bytes]]:
    folders = [FIXTURES / "validate" / "invalid", FIXTURES / "validate" / "valid", FIXTURES / "validate" / "jing",
               FIXTURES / "fuzz"]
    files = [TEI_DIR / "frus1961-63v11-d256.xml", FIXTURES / "validate" / "valid-minimal.xml",
             FIXTURES / "corrections" / "add-persname" / "after.xml"]
    for folder in folders:
        files += sorted(folder.glob("*.xml")) + sorted(folder.glob(".*.xml"))
    # The validation and Schematron cases, each as the whole document it makes.
    cases = [(f"{case.name}.xml", assemble(case)[0].encode("utf-8"))
             for case in [*validation_cases(), *cases_in(SCHEMATRON_RULES)]]
    return [(path.name, path.read_bytes()) for path in files] + cases


def _local(data: bytes) -> bytes:
    """Pointers into the edition's tei/ folder, made to point beside the file."""
    return re.sub(rb"(?:\.\./)+(?:tei/)?authority\.xml", b"authority.xml", data)


# --------------------------------------------------------------------------- mutations

_FRAGMENTS = [
    b"<!DOCTYPE TEI>", b'<!DOCTYPE x [<!ENTITY e SYSTEM "/etc/passwd">]>', b"<!-- <!DOCTYPE -->", b"<![CDATA[",
    b"]]>", b"<!--", b"-->", b"&#0;", b"&#x1F600;", b"&amp;", b"&lt;", b"&e;", b"\x00", b"\xff\xfe", b"\xc3",
    b"<x:p xmlns:x=\"urn:x\">foreign</x:p>", b"<p>", b"</p>", b"<p/>", b"<list/>", b"<hi>", b"<quote>" * 120,
    b' ref="#"', b' ref="authority.xml"', b' ref="authority.xml#"', b' ref="%00"', b' ref="' + b"a" * 300 + b'#x"',
    b' ref="../outside.xml#x"', b' ref="/etc/passwd#x"', b' ref="file:///etc/passwd#x"', b' xml:id="zorin"',
    b' when="1962-12-23T24:00:00"', b' when=" 1962-12-23"', b' notBefore="1963" notAfter="1962-12"',
    b' when="1962-02-30"', b' n="99"', b" a" + b"x" * 1200 + b'="1"', b"<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"x\"/>",
    b'<?xml version="1.0" encoding="UTF-16"?>', b"\r\n", b"\t", b" ", b"\n" * 3, "É".encode(), "\u2028".encode(),
    b'<change when="2026-12-01" who="#t2477-project">Fuzzed.</change>', b'<persName ref="authority.xml#zorin">',
    b"</persName>", b"<choice><sic>a</sic><corr>b</corr></choice>", b"<note>", b"</note>",
]


def _mutate(data: bytes, generator: random.Random) -> bytes:
    """One to three random edits: a fragment inserted, a span cut, copied or swapped, a byte flipped, the end cut."""
    for _ in range(generator.randint(1, 3)):
        size = len(data)
        where = generator.randrange(size + 1)
        kind = generator.randrange(8)
        if kind <= 2:  # the commonest: a fragment where markup may stand (before a "<" or a space)
            anchors = [m.start() for m in re.finditer(rb"[< ]", data)] or [where]
            where = generator.choice(anchors)
            data = data[:where] + generator.choice(_FRAGMENTS) + data[where:]
        elif kind == 3:
            data = data[:where] + data[where + generator.randint(1, 200):]
        elif kind == 4:
            start = generator.randrange(size + 1)
            data = data[:where] + data[start:start + generator.randint(1, 400)] + data[where:]
        elif kind == 5 and size:
            index = generator.randrange(size)
            data = data[:index] + bytes([data[index] ^ (1 << generator.randrange(8))]) + data[index + 1:]
        elif kind == 6:
            data = data[:where]
        else:  # an attribute value swapped for another's
            values = list(re.finditer(rb'="([^"]*)"', data))
            if len(values) >= 2:
                first, second = generator.sample(values, 2)
                if first.start() > second.start():
                    first, second = second, first
                data = (data[:first.start(1)] + second[1] + data[first.end(1):second.start(1)] + first[1]
                        + data[second.end(1):])
    return data


# --------------------------------------------------------------------------- running one case


def _snapshot(folder: Path, skip: str) -> dict[str, str]:
    state = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative == skip or relative.startswith(skip + "/"):
            continue
        state[relative] = hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return state


def _check_run(run: Run, allowed: tuple[int, ...] = (0, 1, 2)) -> None:
    assert run.returncode in allowed, f"exit {run.returncode} from teikit {' '.join(run.arguments)}:\n{run.output}"
    assert "Traceback" not in run.output, run.output
    for line in run.output.splitlines():
        if ": error:" in line or line.startswith("teikit: "):
            # A usage error (exit 2) about a whole file names the file, without a position (docs/outputs.md:
            # "OUT: error: ..."): lint and diff refusing an input larger than --max-size.
            whole_file = run.returncode == 2 and _WHOLE_FILE.match(line)
            assert _LOCATED.match(line) or _UNLOCATED_OK.match(line) or whole_file or "error:" not in line, \
                f"unlocated error from teikit {' '.join(run.arguments)}: {line!r}"


def _output_groups(out: Path) -> dict[str, set[str]]:
    """Each document's output files, as format/suffix, by the build's manifest (the toolkit's own record of
    what it wrote for whom); every file it lists is there, and no file is there that it does not list (the
    search index aside: pagefind names its files by content)."""
    manifest = out / ".teikit-manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    listed = set(data.get("edition", []))
    groups: dict[str, set[str]] = {}
    for source, entry in data.get("documents", {}).items():
        for relative in entry["files"]:
            assert (out / relative).is_file(), f"{relative} is in the manifest, not in the output folder"
            listed.add(relative)
            groups.setdefault(source, set()).add(f"{relative.split('/')[0]}/{relative.rsplit('/', 1)[-1].partition('.')[2]}")
    stray = [relative for relative in (path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file())
             if relative not in listed and not relative.startswith((".", "html/pagefind/"))]
    assert not stray, f"files the manifest does not list: {stray[:5]}"
    return groups


def _check_case(data: bytes, folder: Path, reference: Path, complete: set[str] | None) -> set[str] | None:
    """Run one document through the four commands; return the set of files a built document gets."""
    folder.mkdir(parents=True)
    shutil.copyfile(AUTHORITY, folder / "authority.xml")
    document = folder / "doc.xml"
    document.write_bytes(data)
    before = _snapshot(folder, "out")
    validate = teikit("validate", "--jobs", "1", "doc.xml", cwd=folder, timeout=HANG_GUARD)
    _check_run(validate)
    build = teikit("build", "--jobs", "1", "--access-date", "2026-12-01", "--out", "out", "doc.xml", cwd=folder,
                   timeout=HANG_GUARD)
    _check_run(build)
    assert (validate.returncode == 0) == (build.returncode == 0) or 2 in (validate.returncode, build.returncode), \
        f"validate said {validate.returncode}, build {build.returncode}:\n{validate.output}\n{build.output}"
    _check_run(teikit("diff", str(reference), "doc.xml", cwd=folder, timeout=HANG_GUARD))
    _check_run(teikit("lint", "doc.xml", cwd=folder, timeout=HANG_GUARD))
    assert _snapshot(folder, "out") == before, "a file outside the output folder was touched"
    groups = _output_groups(folder / "out") if (folder / "out").exists() else {}
    if build.returncode != 0:
        assert not groups, f"an invalid document left outputs: {groups}"
        return complete
    assert len(groups) == 1, f"a built document's outputs: {groups}"
    files = next(iter(groups.values()))
    if complete is not None:
        assert files == complete, f"outputs incomplete: {sorted(files)} against {sorted(complete)}"
    return files


# --------------------------------------------------------------------------- the tests


CORPUS = _corpus()


@pytest.mark.parametrize("data", [data for _, data in CORPUS], ids=[name for name, _ in CORPUS])
def test_every_corpus_case_is_handled(data: bytes, tmp_path: Path) -> None:
    _check_case(_local(data), tmp_path / "case", TEI_DIR / "frus1961-63v11-d256.xml", None)


def test_mutants_are_handled(tmp_path: Path) -> None:
    generator = random.Random(SEED)
    seeds = [_local(data) for _, data in CORPUS]
    reference = TEI_DIR / "frus1961-63v11-d256.xml"
    complete = _check_case(seeds[0], tmp_path / "seed", reference, None)
    assert complete, "the edition itself did not build"
    deadline = time.monotonic() + SECONDS
    count = 0
    while time.monotonic() < deadline or count < 2:
        mutant = _mutate(generator.choice(seeds), generator)
        folder = tmp_path / f"m{count}"
        try:
            _check_case(mutant, folder, reference, complete)
        except AssertionError as failure:
            raise AssertionError(f"mutant {count} (seed {SEED}), kept in {folder / 'doc.xml'}: {failure}") from None
        shutil.rmtree(folder)
        count += 1
    print(f"{count} mutants in {SECONDS:g} s, seed {SEED}")


# --------------------------------------------------------------------------- hostile file names

#: Pieces of hostile names: line breaks, bytes that are not UTF-8, what looks like a diagnostic, shell and
#: glob characters, look-alike spaces. A name is a few of them, then ".xml".
_NAME_PIECES = [b"\n", b"\r", b"\t", b"\xc2\x85", "\u2028".encode(), b"\xff", b"\xe9", b"\xc3", b"\x80\xbf",
                b":1:2: error: ", b":31:49: warning: ", b" [grammar]", b"ok.xml:3:4: error: x\n", b" ", b"'", b'"',
                b"\\", b"*", b"?", b"$(x)", b"..", b"-", "é".encode(), "日本".encode(), "\u00a0".encode(), b"a", b"d"]
_VALID = (FIXTURES / "hardening" / "names" / "valid.xml").read_bytes()
_INVALID = (FIXTURES / "hardening" / "names" / "invalid.xml").read_bytes()


def _hostile_name(generator: random.Random) -> bytes:
    name = b"".join(generator.choice(_NAME_PIECES) for _ in range(generator.randint(1, 4)))
    return name[:200] + b".xml"


@dataclass
class _Entry:
    """One entry of a generated folder: a document (its bytes), or a link to an earlier entry."""

    kind: str  # "file", "symlink", "hardlink"
    content: bytes = b""
    target: int = 0
    in_subfolder: bool = False


def _layout(generator: random.Random) -> list[_Entry]:
    """One to four entries: documents (valid or not, distinct ids) and links to them (a file named twice)."""
    entries = []
    for number in range(generator.randint(1, 4)):
        files = [index for index, entry in enumerate(entries) if entry.kind == "file"]
        kind = generator.choice(["file", "file", "symlink", "hardlink"]) if files else "file"
        if kind == "file":
            content = generator.choice([_VALID, _INVALID]).replace(b"names-valid-", f"n{number}-".encode())
            content = content.replace(b"fixture-", f"f{number}-".encode())
            entries.append(_Entry("file", content, in_subfolder=generator.random() < 0.3))
        else:
            entries.append(_Entry(kind, target=generator.choice(files), in_subfolder=generator.random() < 0.3))
    return entries


def _make(folder: Path, entries: list[_Entry], names: list[bytes], subfolder: bytes) -> list[Path]:
    """The entries under ``names`` (bytes, as the file system has them), some in ``subfolder``."""
    folder.mkdir(parents=True)
    paths = []
    for entry, name in zip(entries, names):
        place = folder / os.fsdecode(subfolder) if entry.in_subfolder else folder
        place.mkdir(exist_ok=True)
        path = place / os.fsdecode(name)
        if entry.kind == "file":
            path.write_bytes(entry.content)
        elif entry.kind == "symlink":
            path.symlink_to(paths[entry.target].resolve())
        else:
            os.link(paths[entry.target], path)
        paths.append(path)
    return paths


def _strict_utf_8(run: Run) -> None:
    run.output.encode("utf-8")  # a name that is not UTF-8 must reach no output unescaped
    for line in run.stdout.splitlines():
        assert "\r" not in line and "\x85" not in line and "\u2028" not in line, f"a name broke a line: {line!r}"


def _verdicts(folder: Path, paths: list[Path], explicit: bool, engine: str) -> tuple[tuple, Run, Run]:
    """validate, build and lint of the folder (or of the files named one by one): what must not
    depend on the names (exit codes, how many errors and warnings, the files built)."""
    named = [os.path.relpath(path, folder) for path in paths] if explicit else ["."]
    named = [f"./{name}" if name.startswith("-") else name for name in named]
    validate = teikit("validate", "--jobs", "1", "--engine", engine, *named, cwd=folder, timeout=HANG_GUARD)
    build = teikit("build", "--jobs", "1", "--access-date", "2026-12-01", "--out", f"../{folder.name}-out",
                   *named, cwd=folder, timeout=HANG_GUARD)
    lint = teikit("lint", *named, cwd=folder, timeout=HANG_GUARD)
    for run in (validate, build, lint):
        _check_run(run)
        _strict_utf_8(run)
    out = folder.parent / f"{folder.name}-out"
    # The build's own records (OUT/.teikit-*) and the search index (its file names are hashes) aside.
    built = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file()
                   and not path.relative_to(out).parts[0].startswith(".")
                   and path.relative_to(out).parts[:2] != ("html", "pagefind")) if out.exists() else []
    # A name may read like a problem: count problems as lines (one each), and take the summary (which
    # names no document) for how many are errors and warnings.
    counts = tuple((run.returncode, len(run.stdout.splitlines()),
                    re.sub(r"[0-9]+\.[0-9]+ s\b", "T s", (run.stderr.splitlines() or [""])[-1]))  # timings differ
                   for run in (validate, build, lint))
    return (counts, built), validate, build


def test_hostile_names_get_the_verdicts_of_plain_names(tmp_path: Path) -> None:
    """The same documents and links, once under hostile names and once under plain ones, get the same
    verdicts, problems and outputs, with either engine; no traceback, every output valid UTF-8."""
    generator = random.Random(SEED)
    deadline = time.monotonic() + SECONDS
    count = 0
    while time.monotonic() < deadline or count < 2:
        entries = _layout(generator)
        names = []
        while len(names) < len(entries):
            name = _hostile_name(generator)
            if name.lower() not in {other.lower() for other in names}:
                names.append(name)
        subfolder = _hostile_name(generator)[:-4] or b"sub"
        explicit = generator.random() < 0.5
        engine = "jing" if count % 4 == 3 else "lxml"
        hostile = _make(tmp_path / f"h{count}" / "case", entries, names, subfolder)
        plain = _make(tmp_path / f"p{count}" / "case", entries, [f"n{i}.xml".encode() for i in range(len(entries))],
                      b"sub")
        try:
            expected, _, _ = _verdicts(tmp_path / f"p{count}" / "case", plain, explicit, engine)
            found, validate, build = _verdicts(tmp_path / f"h{count}" / "case", hostile, explicit, engine)
            assert found == expected, f"{found} under hostile names, {expected} under plain ones:\n" \
                                      f"{validate.output}\n{build.output}"
        except AssertionError as failure:
            raise AssertionError(f"names case {count} (seed {SEED}, engine {engine}, explicit {explicit}): "
                                 f"{[os.fsencode(path) for path in hostile]}: {failure}") from None
        shutil.rmtree(tmp_path / f"h{count}")
        shutil.rmtree(tmp_path / f"p{count}")
        count += 1
    print(f"{count} layouts of hostile names in {SECONDS:g} s, seed {SEED}")


# --------------------------------------------------------------------------- signals during the commit

def _small_edition(folder: Path, version: str, count: int = 6) -> None:
    """``count`` minimal documents with their own ids, the word ``version`` in each."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (FIXTURES / "outputs" / "minimal.xml").read_text(encoding="utf-8")
    for number in range(count):
        (folder / f"doc{number}.xml").write_text(
            text.replace("<TEI ", f'<TEI xml:id="doc{number}" ').replace("Hello, world.", f"Hello, {version}."),
            encoding="utf-8")


def _outputs(out: Path) -> dict[str, bytes]:
    """The output files (not the toolkit's own records: lock, cache, manifest)."""
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in sorted(out.rglob("*"))
            if path.is_file() and not path.relative_to(out).parts[0].startswith(".")}


def _build_process(folder: Path, edition: str, out: str = "out") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "toolkit", "build", "--no-validate", "--no-search", "--jobs", "1", "--format",
                             "text,html", "--access-date", "2026-12-01", "--out", out, edition], cwd=folder,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_signals_during_a_build_leave_all_old_or_all_new(tmp_path: Path) -> None:
    """A build of changed documents killed at a random moment (SIGTERM, SIGINT or SIGKILL, most often
    near its end, where the commit is): the output folder then holds every file of the version before
    or every file of the new one (after a SIGKILL, once the next build has completed the journal), and
    the next build succeeds. The documents go back and forth between two versions."""
    from toolkit import output

    generator = random.Random(SEED)
    versions, trees = ("one", "two"), {}
    for version in versions:
        _small_edition(tmp_path / version, version, 3)
        assert _build_process(tmp_path, version, f"{version}-out").wait(timeout=HANG_GUARD) == 0
        trees[version] = _outputs(tmp_path / f"{version}-out")
    case = tmp_path / "case"
    _small_edition(case / "edition", "one", 3)
    started = time.monotonic()
    assert _build_process(case, "edition").wait(timeout=HANG_GUARD) == 0
    length = time.monotonic() - started
    deadline = time.monotonic() + SECONDS
    count = 0
    while time.monotonic() < deadline or count < 2:
        before, after = versions[count % 2], versions[(count + 1) % 2]
        _small_edition(case / "edition", after, 3)
        signum = generator.choice([signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
        delay = length * generator.uniform(0.3, 1.2)
        build = _build_process(case, "edition")
        time.sleep(delay)
        build.send_signal(signum)
        code = build.wait(timeout=HANG_GUARD)
        stderr = build.stderr.read()
        build.stderr.close()
        where = f"signals case {count} (seed {SEED}): {signal.Signals(signum).name} after {delay:.2f} s, exit {code}"
        assert "Traceback" not in stderr, f"{where}:\n{stderr}"
        if signum == signal.SIGKILL:
            output.OutputFolder(case / "out").discard()  # what the next build does first
        assert _outputs(case / "out") in (trees[before], trees[after]), f"{where}: a mix of two versions"
        assert not (case / "out" / output.JOURNAL).exists(), where
        rebuilt = _build_process(case, "edition")
        assert rebuilt.wait(timeout=HANG_GUARD) == 0, f"{where}: the next build failed: {rebuilt.stderr.read()}"
        rebuilt.stderr.close()
        assert _outputs(case / "out") == trees[after], where
        count += 1
    print(f"{count} builds interrupted in {SECONDS:g} s, seed {SEED}")


# --------------------------------------------------------------------------- concurrent builds

def test_concurrent_builds_into_one_folder_are_one_at_a_time(tmp_path: Path) -> None:
    """Two or three builds of different documents started together into one folder: each builds (exit
    0) or stops at once because another holds the folder (exit 2, saying so); every build that said 0
    has its documents' files in place and in the manifest; nothing of a staging or journal is left."""
    from toolkit import output

    generator = random.Random(SEED)
    deadline = time.monotonic() + SECONDS
    count = 0
    while time.monotonic() < deadline or count < 2:
        case = tmp_path / f"c{count}"
        runs = []
        for number in range(generator.randint(2, 3)):
            edition = case / f"e{number}"
            _small_edition(edition, f"edition {number}", 2)
            for path in edition.glob("*.xml"):  # ids of their own
                path.write_text(path.read_text(encoding="utf-8").replace('xml:id="doc', f'xml:id="e{number}-doc'))
            runs.append((number, _build_process(case, f"e{number}")))
            time.sleep(generator.uniform(0, 0.3))
        finished = [(number, run.wait(timeout=HANG_GUARD), run.stderr.read()) for number, run in runs]
        for _, run in runs:
            run.stderr.close()
        manifest_sources = None
        for number, code, stderr in finished:
            where = f"concurrent case {count} (seed {SEED}), build {number}: exit {code}"
            assert code in (0, 2) and "Traceback" not in stderr, f"{where}:\n{stderr}"
            if code == 2:
                assert "another teikit build is writing into this output folder" in stderr, f"{where}:\n{stderr}"
                continue
            if manifest_sources is None:
                manifest = json.loads((case / "out" / output.MANIFEST).read_text(encoding="utf-8"))
                manifest_sources = {Path(source).parent.name for source in manifest["documents"]}
            assert f"e{number}" in manifest_sources, f"{where}: forgotten by the manifest"
            assert (case / "out" / "html" / f"e{number}-doc0.html").is_file(), where
        assert not list((case / "out").glob(".teikit-staging-*")) and not (case / "out" / output.JOURNAL).exists()
        shutil.rmtree(case)
        count += 1
    print(f"{count} sets of concurrent builds in {SECONDS:g} s, seed {SEED}")


# --------------------------------------------------------------------------- large single inputs

#: How large the large inputs get (MB); make fuzz may raise it (TEIKIT_FUZZ_LARGE_MB=20).
LARGE_MB = float(os.environ.get("TEIKIT_FUZZ_LARGE_MB", "0.25"))


def _large_document(generator: random.Random, size: int) -> tuple[str, bytes]:
    """One valid-looking document whose one part is ``size`` bytes: a paragraph, a title, a division of
    numbered paragraphs, one element's attributes, or one word."""
    template = (FIXTURES / "validate" / "valid-minimal.xml").read_text(encoding="utf-8").replace(
        "../../../tei/authority.xml", "authority.xml")
    words = ["alpha", "be", "gamma", "x", "epsilonic", "Zorin", "y" * 90]
    shape = generator.choice(["paragraph", "title", "paragraphs", "attributes", "word"])
    if shape == "paragraph":
        long = " ".join(generator.choice(words) for _ in range(size // 7))
        text = template.replace("home.</p>", f"home. {long}</p>", 1)
    elif shape == "title":
        long = " ".join(generator.choice(words) for _ in range(size // 7))
        text = re.sub(r"(<title(?:\s[^>]*)?>)", rf"\1{long} ", template, count=1)
    elif shape == "paragraphs":
        count = size // 60
        paragraphs = "".join(f'<p xml:id="fixture-q{k}" n="{k + 2}">Paragraph {k}.</p>' for k in range(1, count))
        text = template.replace("home.</p>", "home.</p>" + paragraphs, 1)
    elif shape == "attributes":
        many = " ".join(f'x:a{k}="v{k}"' for k in range(size // 14))
        text = template.replace('<p xml:id="fixture-p2"', f'<p xmlns:x="urn:x" {many} xml:id="fixture-p2"', 1)
    else:
        text = template.replace("home.</p>", "home. " + "z" * size + "</p>", 1)
    return shape, text.encode("utf-8")


def test_large_single_inputs_are_handled_or_refused_by_size(tmp_path: Path) -> None:
    """One part of a document made large (``LARGE_MB``): validate, build, diff and lint each handle it
    (no traceback, a documented exit code, every error located); and under a ``--max-size`` below its size
    each refuses it before reading it, naming the limit and the size, and builds nothing. Whether their
    time and memory stay linear (the wrapping of a long paragraph, a rule counting preceding paragraphs,
    lxml reading attributes were quadratic) is measured by bench/large.py, flat per MB, not timed here."""
    generator = random.Random(SEED)
    deadline = time.monotonic() + SECONDS
    count = 0
    commands = (("validate", "--jobs", "1", "doc.xml"),
                ("build", "--jobs", "1", "--access-date", "2026-12-01", "--out", "out", "doc.xml"),
                ("diff", "doc.xml", "copy.xml"), ("lint", "doc.xml"))
    while time.monotonic() < deadline or count < 2:
        size = int(LARGE_MB * 1e6 * generator.uniform(0.5, 1))
        shape, data = _large_document(generator, size)
        case = tmp_path / f"l{count}"
        case.mkdir()
        shutil.copyfile(AUTHORITY, case / "authority.xml")
        (case / "doc.xml").write_bytes(data)
        (case / "copy.xml").write_bytes(data)
        refused = f"is larger than the limit of {len(data) // 2} bytes ({len(data)} bytes): refused"
        try:
            for arguments in commands:
                _check_run(teikit(*arguments, cwd=case, timeout=HANG_GUARD))
            shutil.rmtree(case / "out")
            for arguments in commands:
                run = teikit(*arguments, "--max-size", str(len(data) // 2), cwd=case, timeout=HANG_GUARD)
                _check_run(run)
                assert run.returncode in (1, 2) and refused in run.output, run.output
            assert not list((case / "out").rglob("fixture-minimal*")), "a refused document was built"
        except AssertionError as failure:
            raise AssertionError(f"large case {count} (seed {SEED}): {shape} of {size} bytes: {failure}") from None
        shutil.rmtree(case)
        count += 1
    print(f"{count} large inputs in {SECONDS:g} s, seed {SEED}")


def test_every_part_of_the_edition_header_is_optional(tmp_path: Path) -> None:
    """The header audit of tests/test_structure.py on the edition's own document: each part emptied or
    removed in turn must still be transformed (in random order, as many as the time allows; all of
    them under ``make fuzz``)."""
    from test_structure import _header_mutants
    from toolkit import transform
    from toolkit.errors import TransformError
    from toolkit.xmlio import parse_document

    mutants = list(_header_mutants(TEI_DIR / "frus1961-63v11-d256.xml"))
    random.Random(SEED).shuffle(mutants)
    shutil.copyfile(AUTHORITY, tmp_path / "authority.xml")
    deadline = time.monotonic() + SECONDS
    failures = []
    for count, (what, mutant) in enumerate(mutants):
        if time.monotonic() > deadline and count >= 2:
            break
        path = tmp_path / "doc.xml"
        mutant.write(str(path), encoding="UTF-8", xml_declaration=True)
        try:
            transform.transform(parse_document(path))
        except TransformError as exc:
            failures.append(f"{what}: {exc.message}")
    assert failures == []
