"""Fuzzing: every mutant of the edition and the fixtures, through validate, build, diff and lint.

Each case (first the corpus, then seeded mutants of it) is written beside a copy
of the authority file in a fresh folder and run through the real command line,
in process (``toolkit.cli.main``, ``--jobs 1``), with a time limit per command.
For every one:

* no exception escapes (a traceback), no command outlives its limit (a hang);
* the exit code is 0, 1 or 2, as documented;
* every error line is located: ``FILE:LINE:COL: error: ...``;
* nothing outside the output folder is created, changed or removed;
* a document's outputs are complete (every file a document gets) or absent.

The corpus is the issue's cases (tests/fixtures/validate/invalid, valid and
jing, tests/validation_cases.xml and the rules' cases in schemas/telegram.sch:
each the regression case of a defect found by hand), what this test
found (tests/fixtures/fuzz, see its README) and the edition. ``make test`` runs a few seconds of mutants
(``TEIKIT_FUZZ_SECONDS``, default 4); ``make fuzz`` runs ten minutes. A failure
names the seed and the mutant's file, which is kept under the test's tmp_path.

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
import os
import random
import re
import shutil
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
#: Longest any one command may take on a small document before it counts as a hang.
LIMIT = int(os.environ.get("TEIKIT_FUZZ_LIMIT", "60"))
_LOCATED = re.compile(r"^(?:teikit: )?(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?:error|warning): \S")
_UNLOCATED_OK = re.compile(r"^(?:teikit: )?(?:error: |usage: |teikit \w+: error: )")


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
            assert _LOCATED.match(line) or _UNLOCATED_OK.match(line) or "error:" not in line, \
                f"unlocated error from teikit {' '.join(run.arguments)}: {line!r}"


def _output_groups(out: Path) -> dict[str, set[str]]:
    """Each document's output files (by the name before its first dot), as format/suffix."""
    groups: dict[str, set[str]] = {}
    for path in out.rglob("*"):
        if path.is_file() and path.parent != out:
            relative = path.relative_to(out)
            if relative.parts[0].startswith("."):  # the build's own records (OUT/.teikit-cache), no document's
                continue
            # the edition's own files: its index and assets, the search page and the search index
            if relative.parts[0] == "html" and (path.name in ("index.html", "edition.css", "edition.js", "search.js")
                                                or relative.parts[1] in ("pagefind", "search")):
                continue
            stem, _, suffix = path.name.partition(".")
            groups.setdefault(stem, set()).add(f"{relative.parts[0]}/{suffix}")
    return groups


def _check_case(data: bytes, folder: Path, reference: Path, complete: set[str] | None) -> set[str] | None:
    """Run one document through the four commands; return the set of files a built document gets."""
    folder.mkdir(parents=True)
    shutil.copyfile(AUTHORITY, folder / "authority.xml")
    document = folder / "doc.xml"
    document.write_bytes(data)
    before = _snapshot(folder, "out")
    validate = teikit("validate", "--jobs", "1", "doc.xml", cwd=folder, timeout=LIMIT)
    _check_run(validate)
    build = teikit("build", "--jobs", "1", "--access-date", "2026-12-01", "--out", "out", "doc.xml", cwd=folder,
                   timeout=LIMIT)
    _check_run(build)
    assert (validate.returncode == 0) == (build.returncode == 0) or 2 in (validate.returncode, build.returncode), \
        f"validate said {validate.returncode}, build {build.returncode}:\n{validate.output}\n{build.output}"
    _check_run(teikit("diff", str(reference), "doc.xml", cwd=folder, timeout=LIMIT))
    _check_run(teikit("lint", "doc.xml", cwd=folder, timeout=LIMIT))
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
    validate = teikit("validate", "--jobs", "1", "--engine", engine, *named, cwd=folder, timeout=LIMIT)
    build = teikit("build", "--jobs", "1", "--access-date", "2026-12-01", "--out", f"../{folder.name}-out",
                   *named, cwd=folder, timeout=LIMIT)
    lint = teikit("lint", *named, cwd=folder, timeout=LIMIT)
    for run in (validate, build, lint):
        _check_run(run)
        _strict_utf_8(run)
    out = folder.parent / f"{folder.name}-out"
    built = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file()
                   and not path.relative_to(out).parts[0].startswith(".")) if out.exists() else []
    # A name may read like a problem: count problems as lines (one each), and take the summary (which
    # names no document) for how many are errors and warnings.
    counts = tuple((run.returncode, len(run.stdout.splitlines()),
                    re.sub(r" in [0-9.]+ s$", "", (run.stderr.splitlines() or [""])[-1]))
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
