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
jing: each the regression fixture of a defect found by hand), what this test
found (tests/fixtures/fuzz, see its README) and the edition. ``make test`` runs a few seconds of mutants
(``TEIKIT_FUZZ_SECONDS``, default 4); ``make fuzz`` runs ten minutes. A failure
names the seed and the mutant's file, which is kept under the test's tmp_path.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import re
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit import cli
from toolkit.paths import TEI_DIR

FIXTURES = Path(__file__).parent / "fixtures"
AUTHORITY = TEI_DIR / "authority.xml"
SECONDS = float(os.environ.get("TEIKIT_FUZZ_SECONDS", "4"))
SEED = int(os.environ.get("TEIKIT_FUZZ_SEED", "2477"))
#: Longest any one command may take on a small document before it counts as a hang.
LIMIT = int(os.environ.get("TEIKIT_FUZZ_LIMIT", "60"))
_LOCATED = re.compile(r"^(?:teikit: )?(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?:error|warning): \S")
_UNLOCATED_OK = re.compile(r"^(?:teikit: )?(?:error: |usage: |teikit \w+: error: )")


def _corpus() -> list[Path]:
    folders = [FIXTURES / "validate" / "invalid", FIXTURES / "validate" / "valid", FIXTURES / "validate" / "jing",
               FIXTURES / "fuzz"]
    files = [TEI_DIR / "frus1961-63v11-d256.xml", FIXTURES / "validate" / "valid-minimal.xml",
             FIXTURES / "corrections" / "add-persname" / "after.xml"]
    for folder in folders:
        files += sorted(folder.glob("*.xml")) + sorted(folder.glob(".*.xml"))
    return files


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


class _Hang(Exception):
    pass


def _on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise _Hang()


@dataclass
class _Run:
    command: list[str]
    code: int
    output: str


def _teikit(*arguments: str, cwd: Path) -> _Run:
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    handler = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(LIMIT)
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = cli.main(list(arguments))
            except SystemExit as exit_:  # argparse
                code = exit_.code if isinstance(exit_.code, int) else 2
    except _Hang:
        raise AssertionError(f"teikit {' '.join(arguments)} ran over {LIMIT} s") from None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, handler)
        os.chdir(previous)
    return _Run(list(arguments), code, stdout.getvalue() + stderr.getvalue())


def _snapshot(folder: Path, skip: str) -> dict[str, str]:
    state = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative == skip or relative.startswith(skip + "/"):
            continue
        state[relative] = hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return state


def _check_run(run: _Run, allowed: tuple[int, ...] = (0, 1, 2)) -> None:
    assert run.code in allowed, f"exit {run.code} from teikit {' '.join(run.command)}:\n{run.output}"
    assert "Traceback" not in run.output, run.output
    for line in run.output.splitlines():
        if ": error:" in line or line.startswith("teikit: "):
            assert _LOCATED.match(line) or _UNLOCATED_OK.match(line) or "error:" not in line, \
                f"unlocated error from teikit {' '.join(run.command)}: {line!r}"


def _output_groups(out: Path) -> dict[str, set[str]]:
    """Each document's output files (by the name before its first dot), as format/suffix."""
    groups: dict[str, set[str]] = {}
    for path in out.rglob("*"):
        if path.is_file() and path.parent != out:
            relative = path.relative_to(out)
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
    validate = _teikit("validate", "--jobs", "1", "doc.xml", cwd=folder)
    _check_run(validate)
    build = _teikit("build", "--jobs", "1", "--access-date", "2026-12-01", "--out", "out", "doc.xml", cwd=folder)
    _check_run(build)
    assert (validate.code == 0) == (build.code == 0) or validate.code == 2 or build.code == 2, \
        f"validate said {validate.code}, build {build.code}:\n{validate.output}\n{build.output}"
    _check_run(_teikit("diff", str(reference), "doc.xml", cwd=folder))
    _check_run(_teikit("lint", "doc.xml", cwd=folder))
    assert _snapshot(folder, "out") == before, "a file outside the output folder was touched"
    groups = _output_groups(folder / "out") if (folder / "out").exists() else {}
    if build.code != 0:
        assert not groups, f"an invalid document left outputs: {groups}"
        return complete
    assert len(groups) == 1, f"a built document's outputs: {groups}"
    files = next(iter(groups.values()))
    if complete is not None:
        assert files == complete, f"outputs incomplete: {sorted(files)} against {sorted(complete)}"
    return files


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("path", _corpus(), ids=lambda path: path.name)
def test_every_corpus_case_is_handled(path: Path, tmp_path: Path) -> None:
    _check_case(_local(path.read_bytes()), tmp_path / "case", TEI_DIR / "frus1961-63v11-d256.xml", None)


def test_mutants_are_handled(tmp_path: Path) -> None:
    generator = random.Random(SEED)
    seeds = [_local(path.read_bytes()) for path in _corpus()]
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
