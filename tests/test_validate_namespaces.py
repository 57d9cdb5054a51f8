"""Elements and attributes of other namespaces: reported like any other, never a crash.

Foreign namespaces are normal TEI practice (FRUS's ``frus:file``, an added
``frus:attachment``); the validators' reports name such nodes with the
document's own prefixes, which the toolkit must read from the document.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from lxml import etree

from toolkit import validate
from toolkit.paths import PROJECT_ROOT

TELEGRAM = PROJECT_ROOT / "tei" / "frus1961-63v11-d256.xml"
AUTHORITY = PROJECT_ROOT / "tei" / "authority.xml"
FRUS_NS = "http://history.state.gov/frus/ns/1.0"
DOCUMENT_DIV = '<div type="document" xml:id="d256" n="256">'


def _telegram_with(tmp_path: Path, inserted: str, name: str = "telegram.xml") -> tuple[Path, int]:
    """The telegram with ``inserted`` just inside its document div; the path and that line."""
    shutil.copy(AUTHORITY, tmp_path / "authority.xml")
    text = TELEGRAM.read_text(encoding="utf-8")
    assert text.count(DOCUMENT_DIV) == 1
    line = text[:text.index(DOCUMENT_DIV)].count("\n") + 1
    path = tmp_path / name
    path.write_text(text.replace(DOCUMENT_DIV, DOCUMENT_DIV + inserted), encoding="utf-8")
    return path, line


def test_a_foreign_element_in_the_edition_is_a_grammar_error_at_its_place(tmp_path: Path) -> None:
    path, line = _telegram_with(tmp_path, f'<frus:attachment xmlns:frus="{FRUS_NS}"/>')
    report = validate.validate_paths([path], jobs=1)
    assert [(p.line, p.rule) for p in report.errors] == [(line, "grammar")], \
        "\n".join(p.format() for p in report.problems)
    assert "attachment" in report.errors[0].message
    # The column is the foreign element's own start tag, found through its prefix.
    source_line = path.read_text(encoding="utf-8").splitlines()[line - 1]
    assert source_line[report.errors[0].column - 1:].startswith("<frus:attachment")


def test_rules_inside_a_foreign_element_are_located(tmp_path: Path) -> None:
    path, line = _telegram_with(
        tmp_path, f'<frus:attachment xmlns:frus="{FRUS_NS}"><p n="9"><date when="1962-02-30">x</date></p></frus:attachment>')
    report = validate.validate_paths([path], jobs=1)
    calendar = [p for p in report.errors if p.rule == "date-calendar"]
    assert [(p.line, "1962-02-30" in p.message) for p in calendar] == [(line, True)]


def test_many_files_with_foreign_elements_are_each_reported_by_the_pool(tmp_path: Path) -> None:
    paths = [_telegram_with(tmp_path, f'<x:extra xmlns:x="urn:example:{n}"/>', f"t{n}.xml")[0]
             for n in range(validate.PARALLEL_THRESHOLD + 1)]
    report = validate.validate_paths(paths, jobs=2)
    assert len(report.documents) == len(paths)
    # (Copies of one document also share its xml:ids: the edition reports those across files.)
    grammar = [[p.message for p in document.problems if p.rule == "grammar"] for document in report.documents]
    assert grammar == [["<extra> is not allowed here"]] * len(paths)


def test_a_checker_failure_costs_one_document_not_the_run(tmp_path: Path, monkeypatch) -> None:
    path, _ = _telegram_with(tmp_path, "")
    def broken(self, document):
        raise etree.XPathEvalError("Undefined namespace prefix")

    monkeypatch.setattr(validate.schematron.Rules, "check", broken)
    report = validate.validate_paths([path, AUTHORITY], jobs=1)
    first, second = report.documents
    assert [(p.rule, "XPathEvalError" in p.message) for p in first.problems] == [("internal", True)]
    assert [p.rule for p in second.problems] == ["internal"]
