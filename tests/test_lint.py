"""``teikit lint``: advice at the exact line and column of the word concerned.

The before/after pairs under tests/fixtures/corrections/ say in expected.json
which warnings lint must give for each version (rule, line, column, a fragment
of the message): the version before a correction shows the problem, the one
after is quiet.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit import lint
from toolkit.paths import PROJECT_ROOT, edition_documents
from cli_support import teikit


CORRECTIONS = Path(__file__).parent / "fixtures" / "corrections"
CASES = sorted(path.name for path in CORRECTIONS.iterdir() if (path / "expected.json").is_file())
AUTHORITY = CORRECTIONS / "authority.xml"


@pytest.mark.parametrize("version", ["before", "after"])
@pytest.mark.parametrize("case", CASES)
def test_lint_gives_the_recorded_warnings(case: str, version: str) -> None:
    expected = json.loads((CORRECTIONS / case / "expected.json").read_text(encoding="utf-8"))["lint"][version]
    # The cases share corrections/authority.xml: their root is corrections/.
    problems = lint.lint_paths([CORRECTIONS / case / f"{version}.xml"], root=CORRECTIONS)
    shown = "\n".join(problem.format() for problem in problems)
    assert [(p.rule, p.line, p.column) for p in problems] == \
        [(w["rule"], w["line"], w["column"]) for w in expected], shown
    for problem, wanted in zip(problems, expected):
        assert wanted["message"] in problem.message, shown
        assert problem.severity == "warning"


def test_the_reported_column_is_the_word() -> None:
    for case in CASES:
        for version in ("before", "after"):
            path = CORRECTIONS / case / f"{version}.xml"
            lines = path.read_text(encoding="utf-8").splitlines()
            for problem in lint.lint_paths([path], root=CORRECTIONS):
                if problem.rule in ("untagged-name", "untagged-date", "inconsistent-abbr"):
                    word = problem.message.split('"')[1]
                    assert lines[problem.line - 1][problem.column - 1:].startswith(word), problem.format()


def test_the_edition_lints_clean() -> None:
    problems = lint.lint_paths(edition_documents())
    assert problems == [], "\n".join(problem.format() for problem in problems)


def _write(folder: Path, body: str, *, header: str = "", name: str = "doc.xml", newline: str = "\n") -> Path:
    shutil.copy(AUTHORITY, folder / "authority.xml")
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>Zorin and October 27{header}</title></titleStmt>
  <publicationStmt><p>P</p></publicationStmt><sourceDesc><p>Zorin</p></sourceDesc></fileDesc></teiHeader>
  <text><body>
{body}
  </body></text>
</TEI>
"""
    path = folder / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


TAGGED = '<persName ref="authority.xml#zorin">Zorin</persName>'


def test_only_untagged_running_text_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, f"""<p n="1" rend="Zorin">{TAGGED} met Kuznetsov.<note n="1">Zorin.</note></p>
<p n="2"><choice><abbr>Z.</abbr><expan>Zorin</expan></choice> and <choice><sic>Zorn</sic><corr>Zorin</corr></choice>.</p>
<p n="3"><rs type="person" ref="authority.xml#zorin">the Soviet Zorin</rs> and <title>Zorin</title>.</p>""")
    problems = lint.lint_paths([path])
    assert [(p.rule, p.line, p.column, p.message.split('"')[1]) for p in problems] == [
        ("untagged-name", 6, 80, "Kuznetsov"),  # a name from the authority file, never tagged here
        ("untagged-name", 6, 102, "Zorin"),     # in the note: notes are text too
    ]
    lines = path.read_text().splitlines()
    assert lines[5][79:88] == "Kuznetsov" and lines[5][101:106] == "Zorin"


def test_a_known_name_inside_a_description_of_someone_else_is_reported(tmp_path: Path) -> None:
    """Inside the rs for Zorin's successor, "Zorin" is a reference of its own; inside
    an rs for Zorin himself, or a name, it is not."""
    path = _write(tmp_path, f"""<p n="1">{TAGGED}: <rs type="person" ref="authority.xml#fedorenko">Zorin's successor</rs>,
<rs type="person" ref="authority.xml#zorin">the Soviet Zorin</rs>, <rs type="person">Zorin's deputy</rs>,
<persName ref="authority.xml#zorin">Valerian Zorin</persName>.</p>""")
    problems = lint.lint_paths([path])
    assert [(p.rule, p.line, p.column, p.message.split('"')[1]) for p in problems] == [
        ("untagged-name", 6, 112, "Zorin")]
    assert path.read_text().splitlines()[5][111:116] == "Zorin"


def test_positions_survive_entities_crlf_and_comments(tmp_path: Path) -> None:
    path = _write(tmp_path, f"""<p n="1">{TAGGED} &amp; <!-- a comment -->&#x201C;Sovs&#x201D; met Zorin
  on October 27<![CDATA[ & ]]>Zorin.</p>""", newline="\r\n")
    problems = lint.lint_paths([path])
    raw_lines = path.read_bytes().decode().split("\r\n")
    found = [(p.rule, p.line, p.column) for p in problems]
    assert found == [("untagged-name", 6, 112), ("untagged-date", 7, 6), ("untagged-name", 7, 31)]
    for problem in problems:
        word = problem.message.split('"')[1]
        assert raw_lines[problem.line - 1][problem.column - 1:].startswith(word)


def test_unused_authority_records_are_reported_at_the_record(tmp_path: Path) -> None:
    document = _write(tmp_path, f"<p>{TAGGED}.</p>")
    problems = lint.lint_paths([document, tmp_path / "authority.xml"])
    unused = [p for p in problems if p.rule == "unused-authority"]
    authority_lines = (tmp_path / "authority.xml").read_text().splitlines()
    assert "zorin" not in {p.message.split('"')[1] for p in unused}
    assert "mccloy" in {p.message.split('"')[1] for p in unused}
    for problem in unused:
        record = problem.message.split('"')[1]
        assert f'xml:id="{record}"' in authority_lines[problem.line - 1]
    # Linting only the document does not judge the authority file.
    assert not [p for p in lint.lint_paths([document]) if p.rule == "unused-authority"]


def test_different_expansions_of_one_abbreviation(tmp_path: Path) -> None:
    path = _write(tmp_path, """<p><choice><abbr>Govt</abbr><expan>Government</expan></choice>,
<choice><abbr>Govt</abbr><expan>Government</expan></choice>,
<choice><abbr>Govt</abbr><expan>Governments</expan></choice>.</p>""")
    problems = lint.lint_paths([path])
    assert [(p.rule, p.line) for p in problems] == [("inconsistent-abbr", 8)]
    assert 'expanded as "Governments" here' in problems[0].message


def test_dates_inside_date_elements_and_attributes_are_not_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, """<p n="October 28"><date when="1962-10-27">October 27</date>, 28 days, May 1962,
December 23, 1962, 27 October.</p>""")
    problems = lint.lint_paths([path])
    assert [(p.rule, p.message.split('"')[1]) for p in problems] == [
        ("untagged-date", "December 23, 1962"), ("untagged-date", "27 October")]


def test_cli_exit_codes_and_format(tmp_path: Path) -> None:
    before = str(CORRECTIONS / "add-persname" / "before.xml")
    result = teikit("lint", before)
    assert result.returncode == 0
    assert result.stdout.startswith("tests/fixtures/corrections/add-persname/before.xml:61:36: warning: ")
    assert result.stdout.rstrip().endswith("[untagged-name]")
    assert "lint: 1 warning" in result.stderr
    assert teikit("lint", "--strict", before).returncode == 1
    assert teikit("lint", "--strict", str(CORRECTIONS / "add-persname" / "after.xml")).returncode == 0
    data = json.loads(teikit("lint", "--format", "json", before).stdout)
    assert [(p["rule"], p["line"], p["column"], p["severity"]) for p in data["problems"]] == [
        ("untagged-name", 61, 36, "warning")]


def test_cli_errors(tmp_path: Path) -> None:
    assert teikit("lint", str(tmp_path / "missing.xml")).returncode == 2
    broken = tmp_path / "broken.xml"
    broken.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>')
    result = teikit("lint", str(broken))
    assert result.returncode == 1
    assert "error: not well-formed" in result.stdout


def test_linting_one_document_reads_only_the_files_it_points_to(tmp_path: Path, monkeypatch) -> None:
    # teikit lint FILE used to read every document beside the authority file (67 s beside 70 MB of them).
    document = _write(tmp_path, f"<p>{TAGGED} spoke.</p>")
    _write(tmp_path, f"<p>{TAGGED} again.</p>", name="sibling.xml")
    read: list[str] = []
    original = lint.parse_bytes
    monkeypatch.setattr(lint, "parse_bytes", lambda path, data, **kw: read.append(Path(path).name) or original(path, data, **kw))
    lint.lint_paths([document])
    assert sorted(read) == ["authority.xml", "doc.xml"]
    # Linting the authority file needs the documents that may use its records.
    read.clear()
    lint.lint_paths([tmp_path / "authority.xml"])
    assert sorted(read) == ["authority.xml", "doc.xml", "sibling.xml"]
