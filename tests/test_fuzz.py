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
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import time
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
            if relative.parts[0] == "html" and path.name in ("index.html", "edition.css", "edition.js"):
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
