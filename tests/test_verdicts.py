"""Issue 12's wrong verdicts, refused valid input and broken messages, one test each.

The invalid cases are data that test_validate.py and test_rule_cases.py run:
date-order (its case in schemas/telegram.sch), date-hour-24, ref-file-only,
ref-empty-fragment, ref-hash-only, id-clash-authority (tests/validation_cases.xml),
utf16 (a file under tests/fixtures/validate/invalid/). What needs more than one
file, an engine or another command is here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from toolkit import diff, validate
from toolkit.paths import PROJECT_ROOT, TEI_DIR
from cli_support import teikit
from validation_support import assemble, validation_cases


FIXTURES = Path(__file__).parent / "fixtures" / "validate"
VALID = FIXTURES / "valid"
CORRECTIONS = Path(__file__).parent / "fixtures" / "corrections"
VALID_CASES = sorted(path.name for path in VALID.glob("*.xml")) + [".hidden.xml"]


def _beside_authority(folder: Path, text: str, name: str) -> Path:
    """``text`` (a fixture pointing into tei/authority.xml) written to ``folder`` beside a copy of that file."""
    shutil.copy(TEI_DIR / "authority.xml", folder / "authority.xml")
    path = folder / name
    path.write_text(re.sub(r"(\.\./)+tei/", "", text), encoding="utf-8")
    return path


def _assert_one_located_line_each(output: str) -> None:
    for line in output.splitlines():
        assert "Traceback" not in line
        if ": error: " in line:
            location = line.removeprefix("teikit: ").split(": error: ")[0]
            assert location.count(":") >= 2 and all(part.isdigit() for part in location.split(":")[-2:]), line


# --------------------------------------------------------------------------- valid input refused


def test_every_valid_case_is_there() -> None:
    assert set(VALID_CASES) >= {"leading-space-date.xml", "doctype-in-comment.xml", "doctype-in-cdata.xml",
                                "deep-nesting.xml", ".hidden.xml"}


@pytest.mark.parametrize("name", sorted(set(VALID_CASES)))
def test_valid_input_validates(name: str) -> None:
    report = validate.validate_paths([VALID / name], jobs=1, root=PROJECT_ROOT)
    assert not report.problems, "\n".join(p.format() for p in report.problems)


@pytest.mark.parametrize("name", ["deep-nesting.xml", "leading-space-date.xml", ".hidden.xml"])
def test_valid_input_builds(name: str, tmp_path: Path) -> None:
    # Saxon's parser stopped at 100 levels of elements; libxml2, which validated the file, at 256.
    run = teikit("build", "--root", str(PROJECT_ROOT), "--out", str(tmp_path / "out"), str(VALID / name))
    assert run.returncode == 0, run.stdout + run.stderr
    assert list((tmp_path / "out" / "html").glob("*.html")), run.stderr


def test_a_date_with_spaces_is_read_trimmed(tmp_path: Path) -> None:
    # " 1962-12-23" used to be read as the year " 196" (outside 1800-2100).
    text = (VALID / "leading-space-date.xml").read_text(encoding="utf-8")
    bad = _beside_authority(tmp_path, text.replace('when=" 1962-12-23"', 'when=" 1762-12-23"'), "bad.xml")
    messages = [p.message for p in validate.validate_paths([bad], jobs=1, profile="edition").errors]
    assert any("year 1762 " in message for message in messages), messages


def test_a_real_doctype_after_a_comment_is_still_refused(tmp_path: Path) -> None:
    text = (VALID / "doctype-in-comment.xml").read_text(encoding="utf-8")
    hostile = tmp_path / "hostile.xml"
    hostile.write_text(text.replace("<TEI ", '<!DOCTYPE TEI [<!ENTITY x SYSTEM "/etc/passwd">]>\n<TEI ', 1),
                       encoding="utf-8")
    errors = validate.validate_paths([hostile], jobs=1, root=PROJECT_ROOT).errors
    assert [(p.line, "DOCTYPE" in p.message) for p in errors] == [(2, True)]


# --------------------------------------------------------------------------- wrong verdicts


def test_an_id_clashing_with_the_authority_file_is_the_documents_fault(tmp_path: Path) -> None:
    # Validated together, the document is blamed even when its name sorts before authority.xml.
    shutil.copy(TEI_DIR / "authority.xml", tmp_path / "authority.xml")
    case = next(case for case in validation_cases() if case.name == "id-clash-authority")
    (tmp_path / "a.xml").write_text(assemble(case)[0], encoding="utf-8")
    report = validate.validate_paths([tmp_path], jobs=1)
    assert [(Path(p.path).name, p.rule) for p in report.errors] == [("a.xml", "id-unique")]
    assert 'xml:id "zorin" is already used at' in report.errors[0].message


def test_jing_checks_every_file_after_a_fatal_one(java: str) -> None:
    paths = sorted((FIXTURES / "jing").glob("*.xml"))
    assert [path.name for path in paths] == ["a-name-too-long-for-java.xml", "b-unknown-element.xml"]
    report = validate.validate_paths(paths, engine="jing", jobs=1, root=PROJECT_ROOT)
    by_name = {d.path.name: [p.message for p in d.problems if p.step == "relaxng"] for d in report.documents}
    assert by_name["a-name-too-long-for-java.xml"], by_name
    assert any("<foo> is not allowed here" in message for message in by_name["b-unknown-element.xml"]), by_name


def test_an_edited_old_change_is_not_a_new_entry(tmp_path: Path) -> None:
    case = CORRECTIONS / "missing-change-entry"
    edited = tmp_path / "after.xml"
    text = (case / "after.xml").read_text(encoding="utf-8")
    assert text.count("First complete encoding") == 1
    edited.write_text(text.replace("First complete encoding", "First complete encoding, and Mendelevich tagged"),
                      encoding="utf-8")
    result = diff.diff_paths(case / "before.xml", edited)
    assert result.new_revision_entries == []
    assert result.missing_revision_entry and result.exit_code == 1


def test_a_change_added_beside_an_edited_one_counts(tmp_path: Path) -> None:
    case = CORRECTIONS / "missing-change-entry"
    text = (case / "after.xml").read_text(encoding="utf-8")
    added = text.replace('<change when="2026-11-27"', '<change when="2026-12-01" who="#t2477-project">Tagged '
                         'Mendelevich.</change>\n      <change when="2026-11-27"', 1)
    path = tmp_path / "after.xml"
    path.write_text(added.replace("First complete encoding", "First encoding"), encoding="utf-8")
    result = diff.diff_paths(case / "before.xml", path)
    assert result.new_revision_entries == ["2026-12-01 #t2477-project: Tagged Mendelevich."]
    assert result.exit_code == 0, result.format()


# --------------------------------------------------------------------------- messages and exit codes


def test_libxml2_context_stays_off_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cdata.xml"
    path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><![CDATA[ never closed\nsecond line </TEI>\n')
    problems = validate.validate_paths([path], jobs=1).problems
    assert len(problems) == 1 and "\n" not in problems[0].format()
    assert problems[0].message == "not well-formed XML: CData section not finished"


def test_a_missing_element_at_the_end_is_said_in_words(tmp_path: Path) -> None:
    text = (FIXTURES / "valid-minimal.xml").read_text(encoding="utf-8")
    path = _beside_authority(tmp_path, text.replace("<head>Telegram</head>", "<head>Telegram</head><list/>"),
                             "empty-list.xml")
    messages = [p.message for p in validate.validate_paths([path], jobs=1, profile="edition").errors]
    assert messages == ["an element is missing here: this element ends too early"]


def test_a_foreign_paragraph_does_not_shift_paragraph_errors(tmp_path: Path) -> None:
    text = (FIXTURES / "valid-minimal.xml").read_text(encoding="utf-8")
    path = _beside_authority(tmp_path, text.replace(
        '<p xml:id="fixture-p2" n="2">', '<x:p xmlns:x="urn:example">foreign</x:p>\n<p xml:id="fixture-p2" n="3">'),
        "foreign.xml")
    line = next(i for i, l in enumerate(path.read_text().splitlines(), 1) if 'n="3"' in l)
    sequence = [p for p in validate.validate_paths([path], jobs=1, profile="edition").errors
                if p.rule == "p-sequence"]
    assert [(p.line, p.column) for p in sequence] == [(line, 1)]


@pytest.mark.parametrize("content", [b"", b"\x00\x01binary", b"<a>not TEI</a>", b"<TEI"])
def test_diff_of_unreadable_input_is_a_located_usage_error(content: bytes, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(content)
    good = str(CORRECTIONS / "add-persname" / "before.xml")
    for arguments in ((str(bad), good), (good, str(bad))):
        run = teikit("diff", *arguments)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "bad.xml:" in run.stderr
        _assert_one_located_line_each(run.stderr)


def test_lint_of_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    lint = teikit("lint", str(tmp_path))
    validate_run = teikit("validate", str(tmp_path))
    assert (lint.returncode, validate_run.returncode) == (2, 2)
    assert "holds no .xml documents" in lint.stderr


@pytest.mark.parametrize("command", ["validate", "lint", "build", "diff"])
def test_an_empty_argument_names_no_folder(command: str, tmp_path: Path) -> None:
    # '' is Path('.') to Python: it used to validate the current folder.
    run = teikit(command, "", cwd=tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "empty argument" in run.stderr
