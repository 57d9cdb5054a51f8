"""Line endings, separators, padding and digits: every problem where it is (issue 22, class 5).

The cases are data (tests/fixtures/hardening/encodings/expected.json): each
file must be invalid with its problem at the line and column given. The LF
files are the oracle for their CR and CR LF twins: the same document with
other line endings has its problems at the same places.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import cli_support
from toolkit.paths import PROJECT_ROOT

# Documents of the edition outside tei/: held to its profile by name, as `--profile edition` does.
FIXTURES = Path(__file__).parent / "fixtures" / "hardening" / "encodings"
EXPECTED = {name: case for name, case in json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8")).items()
            if not name.startswith("_")}
FRUS_EXCERPT = Path(__file__).parent / "fixtures" / "frus" / "frus1961-63v06-excerpt.xml"
_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): error: (?P<message>.*?)(?: \[(?P<rule>[\w-]+)\])?$")


def teikit(*args: str, cwd: Path = PROJECT_ROOT) -> cli_support.Run:
    run = cli_support.teikit(*args, cwd=cwd, timeout=120)
    assert "Traceback" not in run.stderr, run.stderr
    return run


def errors(output: str) -> list[dict]:
    return [match.groupdict() for match in map(_LINE.match, output.splitlines()) if match]


def test_every_fixture_has_its_expectation() -> None:
    assert {path.name for path in FIXTURES.glob("*.xml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_problem_is_where_it_is(name: str) -> None:
    case = EXPECTED[name]
    run = teikit("validate", "--profile", "edition", str(FIXTURES / name))
    assert run.returncode == 1, run.stdout + run.stderr
    found = errors(run.stdout)
    assert len(found) == 1, run.stdout
    assert (int(found[0]["line"]), int(found[0]["column"])) == (case["line"], case["column"]), run.stdout
    assert found[0]["rule"] == case["rule"], run.stdout
    assert case["message"] in found[0]["message"], run.stdout


@pytest.mark.parametrize("twin", ["two-dates-cr.xml", "two-dates-crlf.xml", "mismatch-cr.xml"])
def test_other_line_endings_put_problems_where_lf_does(twin: str) -> None:
    oracle = twin.replace("-crlf", "-lf").replace("-cr", "-lf")
    ours, theirs = (errors(teikit("validate", "--profile", "edition", str(FIXTURES / name)).stdout) for name in (twin, oracle))
    assert [(p["line"], p["column"]) for p in ours] == [(p["line"], p["column"]) for p in theirs]


def test_the_lf_oracle_agrees_with_libxml2() -> None:
    """Where libxml2 is right (LF, one start tag a line), its line is the scan's."""
    from lxml import etree

    from toolkit.xmlio import parse_document

    document = parse_document(FIXTURES / "two-dates-lf.xml")
    for element in document.root.iter(etree.Element):
        assert document.position(element)[0] == element.sourceline
    first, second = [node for node in document.root.iter("{http://www.tei-c.org/ns/1.0}date") if node.sourceline == 31]
    text = document.lines[30]
    assert document.position(first)[1] == text.index('<date when="1962-12-23"') + 1
    assert document.position(second)[1] == text.index('<date when="1962-02-30"') + 1


def test_non_ascii_digits_are_no_document_number(tmp_path: Path) -> None:
    """n="5٥" (an Arabic-Indic five) is not document 55: the FRUS number rule reads ASCII digits only."""
    text = FRUS_EXCERPT.read_text(encoding="utf-8")
    assert 'xml:id="d55" n="55"' in text
    volume = tmp_path / "volume.xml"
    volume.write_text(text.replace('xml:id="d55" n="55"', 'xml:id="d55" n="5\u0665"'), encoding="utf-8")
    run = teikit("validate", str(volume), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    found = [p for p in errors(run.stdout) if p["rule"] == "frus-document-number"]
    assert len(found) == 1 and 'n="5\u0665"' in found[0]["message"], run.stdout
