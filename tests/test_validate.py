"""The validator: each broken input fails where and how its case says; good documents pass.

What is about the file itself (empty, binary, encodings, well-formedness,
DOCTYPE, XInclude, the root) is a real file in tests/fixtures/validate/invalid/,
with what a user must see for each (exit code, line, a fragment of the
message, the rule id) recorded beside them in expected.json. What the grammar
and the reference checks refuse is a small TEI fragment put into a template
(tests/validation_cases.xml, tests/validation_support.py); the Schematron
rules' cases are in their .sch files (tests/test_rule_cases.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit import validate
from toolkit.paths import PROJECT_ROOT
from cli_support import teikit
from validation_support import validation_cases, write


FIXTURES = Path(__file__).parent / "fixtures" / "validate"
INVALID = FIXTURES / "invalid"
EXPECTED = json.loads((INVALID / "expected.json").read_text(encoding="utf-8"))
# The fixtures point into the edition's own tei/authority.xml: their root is the project.
ROOT = PROJECT_ROOT
# They are documents of the edition kept outside its tei/ folder: held to its profile as
# `teikit validate --profile edition` holds them (the project file's globs name tei/ only).
EDITION = "edition"


def test_every_invalid_fixture_has_an_expectation() -> None:
    on_disk = {path.name for path in INVALID.glob("*.xml")}
    assert on_disk == set(EXPECTED), "fixtures and expected.json disagree"
    assert len(on_disk) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_fixture_is_reported_where_and_as_recorded(name: str) -> None:
    expected = EXPECTED[name]
    report = validate.validate_paths([INVALID / name], jobs=1, root=ROOT, profile=EDITION)
    assert report.errors, f"{name} passed validation"
    matching = [p for p in report.errors
                if p.line == expected["line"] and expected["message"] in p.message
                and expected.get("rule", p.rule) == p.rule]
    assert matching, f"{name}: no error at line {expected['line']} saying {expected['message']!r}; got:\n" + \
        "\n".join(p.format() for p in report.errors)


CASES = validation_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_validation_case_is_reported_where_and_as_its_case_says(case, tmp_path: Path) -> None:
    path, where = write(case, tmp_path)
    errors = validate.validate_paths([path], jobs=1).errors
    matching = [p for p in errors if p.line in where and case.message in p.message and case.rule in (None, p.rule)]
    assert matching, f"{case.name}: no error on lines {sorted(where)} saying {case.message!r}; got:\n" + \
        "\n".join(p.format() for p in errors)


def test_the_minimal_fixture_is_valid() -> None:
    report = validate.validate_paths([FIXTURES / "valid-minimal.xml"], jobs=1, root=ROOT, profile=EDITION)
    assert not report.problems, "\n".join(p.format() for p in report.problems)


def test_parallel_validation_reports_the_same_as_serial() -> None:
    paths = sorted(INVALID.glob("*.xml"))
    serial = validate.validate_paths(paths, jobs=1, root=ROOT, profile=EDITION)
    parallel = validate.validate_paths(paths, jobs=2, root=ROOT, profile=EDITION)
    assert [p.format() for p in parallel.problems] == [p.format() for p in serial.problems]


def test_cli_reports_gnu_lines_a_summary_and_exit_1_without_tracebacks() -> None:
    run = teikit("validate", "--profile", "edition", str(INVALID))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    lines = run.stdout.splitlines()
    assert lines and all(": error: " in line or ": warning: " in line for line in lines)
    assert f"{len(EXPECTED)} documents checked" in run.stderr


def test_cli_exit_0_on_the_edition() -> None:
    run = teikit("validate")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == ""
    assert "all valid" in run.stderr


@pytest.mark.parametrize("args", [("validate", "no/such/file.xml"), ("validate", "--jobs", "0"),
                                  ("validate", "--engine", "xerces"), ("frobnicate",)])
def test_cli_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    run = teikit(*args)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr


def test_cli_json_format_is_machine_readable(tmp_path: Path) -> None:
    path, _ = write(next(case for case in CASES if case.name == "dangling-ref"), tmp_path)
    run = teikit("validate", "--format", "json", str(path))
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["valid"] is False and data["documents"][0]["profile"] == "edition"
    problem = data["documents"][0]["problems"][0]
    assert {"path", "line", "column", "message", "severity", "hint", "rule"} <= set(problem)


def test_hostile_input_never_leaks_outside_content() -> None:
    hostile = [INVALID / name for name in ("xxe-external-entity.xml", "xinclude.xml", "entity-bomb.xml")]
    run = teikit("validate", "--format", "json", *map(str, hostile))
    assert run.returncode == 1
    assert "root:" not in run.stdout and "lollol" not in run.stdout


@pytest.mark.parametrize("engine", ["lxml", "jing"])
def test_an_impossible_date_is_reported_once(engine: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """1962-02-30 breaks the grammar's date type and the date-calendar rule: one
    message, the rule's, which says what is wrong."""
    if engine == "jing":
        request.getfixturevalue("java")
    path, where = write(next(case for case in CASES if case.name == "impossible-date"), tmp_path)
    report = validate.validate_paths([path], engine=engine, jobs=1)
    on_the_date = [p for p in report.problems if p.line in where and p.rule in ("grammar", "date-calendar")]
    assert [p.rule for p in on_the_date] == ["date-calendar"], [p.format() for p in on_the_date]
    assert "no day 30" in on_the_date[0].message


def test_each_run_reads_a_relative_path_in_its_own_working_folder(tmp_path: Path) -> None:
    """Runs in one process (as these tests run the command) must not share a folder resolved earlier:
    the same doc.xml is valid beside its authority file, and not in a folder without one."""
    text = (FIXTURES / "valid-minimal.xml").read_text(encoding="utf-8")
    text = text.replace("../../../tei/authority.xml", "authority.xml")
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "doc.xml").write_text(text, encoding="utf-8")
    shutil.copy(PROJECT_ROOT / "tei" / "authority.xml", tmp_path / "one" / "authority.xml")
    assert teikit("validate", "--profile", "edition", "doc.xml", cwd=tmp_path / "one").returncode == 0
    second = teikit("validate", "--profile", "edition", "doc.xml", cwd=tmp_path / "two")
    assert second.returncode == 1 and "[ref-file]" in second.stdout, second.output
