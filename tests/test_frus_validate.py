"""Checking FRUS volumes: the excerpts' recorded outcomes, and one small case per FRUS rule.

The excerpts (tests/fixtures/frus/, cut from the Office of the Historian's
files) must come out exactly as expected.json beside them says. Each rule is
then shown to fire on a copy of the volume VI excerpt changed in one place,
and to stay silent on the real text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit import validate
from toolkit.paths import PROJECT_ROOT
from cli_support import teikit

FIXTURES = Path(__file__).parent / "fixtures" / "frus"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
VOLUME_VI = FIXTURES / "frus1961-63v06-excerpt.xml"
SUPPLEMENT = FIXTURES / "frus1961-63v10-12mSupp-excerpt.xml"

pytestmark = pytest.mark.usefixtures("tei_all_rng")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_outcome_is_as_recorded(name: str) -> None:
    expected = EXPECTED[name]
    report = validate.validate_paths([FIXTURES / name], jobs=1)
    (document,) = report.documents
    assert document.profile == expected["profile"]
    found = [{"line": p.line, "severity": p.severity, "rule": p.rule, "message": p.message} for p in document.problems]
    assert found == expected["problems"], "\n".join(p.format() for p in document.problems)
    assert document.valid == (expected["exit"] == 0)


def _variant(tmp_path: Path, old: str, new: str, source: Path = VOLUME_VI, count: int = 1) -> tuple[Path, int]:
    """The excerpt with ``old`` (which occurs ``count`` times) replaced once; the path and the line changed."""
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times"
    line = text[:text.index(old)].count("\n") + 1
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, line


def _problems(path: Path) -> list[tuple[int, str, str]]:
    report = validate.validate_paths([path], jobs=1)
    return [(p.line, p.severity, p.rule) for p in report.problems if p.rule != "frus-document-sequence"
            or "missing" not in p.message]


D67_DATE = '<date when="1962-10-27T20:05:00">'


@pytest.mark.parametrize(("when", "rule"), [
    ("1962-02-30", "frus-dateline-when"),    # no such day
    ("1962-13-01", "frus-dateline-when"),    # no such month
    ("27/10/1962", "frus-dateline-when"),    # not ISO
    ("1962-10-27 20:05", "frus-dateline-when"),  # a space, not T
    ("1959-10-27", "frus-dateline-range"),   # before the subseries 1961–1963
    ("1964-01-02", "frus-dateline-range"),   # after it
])
def test_dateline_dates_must_be_real_and_inside_the_volume_years(tmp_path: Path, when: str, rule: str) -> None:
    path, line = _variant(tmp_path, D67_DATE, f'<date when="{when}">')
    severity = "warning" if rule == "frus-dateline-range" else "error"
    assert (line, severity, rule) in _problems(path)


@pytest.mark.parametrize("when", ["1962", "1962-10", "1962-10-27", "1962-10-27T20:05:00", "1961-01-01", "1963-12-31"])
def test_good_dateline_dates_pass(tmp_path: Path, when: str) -> None:
    path, _ = _variant(tmp_path, D67_DATE, f'<date when="{when}">')
    assert _problems(path) == []


def test_the_documents_own_date_bounds_win_over_the_subseries(tmp_path: Path) -> None:
    # Today's files bound each document: frus:doc-dateTime-min/max.
    bounds = ('<div type="document" xml:id="d67" n="67" frus:doc-dateTime-min="1962-10-27T20:05:00-04:00" '
              'frus:doc-dateTime-max="1962-10-27T20:05:00-04:00">')
    path, _ = _variant(tmp_path, '<div type="document" xml:id="d67" n="67">', bounds)
    assert _problems(path) == []
    text = path.read_text(encoding="utf-8").replace(D67_DATE, '<date when="1963-10-27">')
    path.write_text(text, encoding="utf-8")
    assert [rule for _, _, rule in _problems(path)] == ["frus-dateline-range"]


def test_a_document_with_text_needs_a_source_note(tmp_path: Path) -> None:
    text = VOLUME_VI.read_text(encoding="utf-8")
    start = text.index('<div type="document" xml:id="d67" n="67">')
    note_start = text.index("<note", start)
    note_end = text.index("</note>", note_start) + len("</note>")
    path = tmp_path / VOLUME_VI.name
    path.write_text(text[:note_start] + text[note_end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    assert _problems(path) == [(line, "error", "frus-source-note")]


def test_todays_typed_source_notes_count(tmp_path: Path) -> None:
    # The 2015 files start the head's first note with "Source:"; today's type it.
    text = VOLUME_VI.read_text(encoding="utf-8")
    start = text.index('<div type="document" xml:id="d67" n="67">')
    note = text.index("<note", start)
    source = text.index("Source:", note)
    changed = text[:note] + '<note type="source" ' + text[note + len("<note "):source] + text[source + len("Source:"):]
    path = tmp_path / VOLUME_VI.name
    path.write_text(changed, encoding="utf-8")
    assert _problems(path) == []


def test_editorial_notes_and_calendar_entries_need_no_source_note() -> None:
    # The supplement's documents are a head and frus:file elements only.
    assert validate.validate_paths([SUPPLEMENT], jobs=1).problems == []


def test_xml_ids_are_unique_within_the_volume(tmp_path: Path) -> None:
    path, line = _variant(tmp_path, '<pb n="172" xml:id="pg_172"', '<pb n="172" xml:id="pg_171"')
    problems = validate.validate_paths([path], jobs=1).errors
    assert [(p.line, p.rule) for p in problems] == [(line, "frus-id-unique")]
    assert '"pg_171" is already used at line' in problems[0].message


@pytest.mark.parametrize(("number", "severity", "message"), [
    ("66", "error", "document 66 follows document 66: numbers must increase"),
    ("64", "error", "document 64 follows document 66: numbers must increase"),
    ("sixty-seven", "error", 'document number n="sixty-seven" is not a number'),
    ("69", "warning", "document 69 follows document 66: documents 67–68 are missing"),
])
def test_documents_are_numbered_in_sequence(tmp_path: Path, number: str, severity: str, message: str) -> None:
    path, line = _variant(tmp_path, 'xml:id="d67" n="67"', f'xml:id="d67" n="{number}"')
    found = [p for p in validate.validate_paths([path], jobs=1).problems if p.line == line]
    assert [(p.severity, p.rule) for p in found][:1] in ([(severity, "frus-document-sequence")],
                                                         [(severity, "frus-document-number")])
    assert message in found[0].message


def test_lettered_documents_continue_the_sequence(tmp_path: Path) -> None:
    # 273, 273A, 273B, 274: documents added to a volume late keep their neighbour's number.
    path, _ = _variant(tmp_path, 'n="579" xml:id="d579"', 'n="578A" xml:id="d579"', source=SUPPLEMENT)
    text = path.read_text(encoding="utf-8").replace('n="580" xml:id="d580"', 'n="578B" xml:id="d580"')
    text = text.replace('n="581" xml:id="d581"', 'n="579" xml:id="d581"')
    text = text.replace('n="582" xml:id="d582"', 'n="580" xml:id="d582"').replace('n="583" xml:id="d583"', 'n="581" xml:id="d583"')
    path.write_text(text, encoding="utf-8")
    assert validate.validate_paths([path], jobs=1).problems == []


@pytest.mark.parametrize("target", ["#d66", "#pg_172", "frus1961-63v05", "frus1961-63v05#d183",
                                    "frus1961-63v10-12mSupp#d581", "https://history.state.gov/"])
def test_links_inside_the_volume_and_to_other_volumes_pass(tmp_path: Path, target: str) -> None:
    path, _ = _variant(tmp_path, 'target="#d59"', f'target="{target}"')
    assert _problems(path) == []


@pytest.mark.parametrize(("target", "fragment", "hint"), [
    ("#d999", "names no element of this volume", 'add xml:id="d999"'),
    ("d66", "is neither an id of this volume", 'write "#d66"'),
    ("frus1961-63v05.xml#d183", "is neither an id of this volume", "FRUS volume id"),
    ("frus1961-63v05#183", "is no id", "frus1961-63v05#d183"),
])
def test_links_that_resolve_nowhere_are_errors_never_read_as_files(tmp_path: Path, target: str, fragment: str,
                                                                   hint: str) -> None:
    path, line = _variant(tmp_path, 'target="#d59"', f'target="{target}"')
    problems = validate.validate_paths([path], jobs=1).errors
    assert [p.line for p in problems] == [line] * len(problems) and problems
    assert fragment in problems[0].message and hint in (problems[0].hint or "")
    assert all(p.rule == "frus-ref" and "did you mean" not in p.message for p in problems)


def test_a_frus_element_where_tei_allows_none_is_a_grammar_error(tmp_path: Path) -> None:
    path, line = _variant(tmp_path, "<teiHeader>", '<teiHeader><frus:file xmlns:frus="http://history.state.gov/ns/1.0"/>')
    assert (line, "error", "grammar") in _problems(path)


def test_an_element_tei_does_not_define_is_named(tmp_path: Path) -> None:
    # The real supplement holds <uh-oh> notes in the TEI namespace.
    path, line = _variant(tmp_path, '<frus:pdf bytes="215230"', '<uh-oh>page 3 missing</uh-oh><frus:pdf bytes="215230"',
                          source=SUPPLEMENT)
    errors = validate.validate_paths([path], jobs=1).errors
    assert [(p.line, p.message) for p in errors] == [(line, "<uh-oh> is not a TEI element")]


def test_cli_validates_a_volume_with_gnu_lines_and_exit_codes(tmp_path: Path) -> None:
    path, line = _variant(tmp_path, 'target="#d59"', 'target="#d999"')
    run = teikit("validate", str(path), str(SUPPLEMENT))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"{path}:{line}:" in run.stdout and "[frus-ref]" in run.stdout
    assert "2 documents checked: 1 invalid" in run.stderr


def _jing_agrees(paths: list[Path]) -> None:
    lxml_report = validate.validate_paths(paths, jobs=1)
    jing_report = validate.validate_paths(paths, jobs=1, engine="jing")
    for ours, theirs in zip(lxml_report.documents, jing_report.documents):
        grammar = {p.line for p in ours.problems if p.rule == "grammar"}
        jing = {p.line for p in theirs.problems if p.rule == "grammar"}
        assert bool(grammar) == bool(jing), (ours.path, grammar, jing)


def test_jing_with_the_whole_tei_all_agrees_with_the_per_vocabulary_grammar(tmp_path: Path, java: str) -> None:
    # The excerpts and the corpus are valid; a FRUS element in the header, a TEI element
    # tei_all does not define and a TEI element out of place are not.
    variants = [
        _variant(tmp_path / "a", "<teiHeader>", '<teiHeader><frus:file xmlns:frus="http://history.state.gov/ns/1.0"/>'),
        _variant(tmp_path / "b", '<frus:pdf bytes="215230"', '<uh-oh/><frus:pdf bytes="215230"', source=SUPPLEMENT),
        _variant(tmp_path / "c", "<dateline>", "<dateline><dateline/>", count=19),
    ]
    _jing_agrees([VOLUME_VI, SUPPLEMENT, FIXTURES / "corpus.xml"] + [path for path, _ in variants])


def test_jing_reports_the_frus_grammar_errors_where_they_are(tmp_path: Path, java: str) -> None:
    path, line = _variant(tmp_path, '<frus:pdf bytes="215230"', '<uh-oh/><frus:pdf bytes="215230"', source=SUPPLEMENT)
    report = validate.validate_paths([path], jobs=1, engine="jing")
    assert [(p.line, p.rule) for p in report.errors] == [(line, "grammar")]
    assert "uh-oh" in report.errors[0].message and "TEI Guidelines" in report.errors[0].hint


@pytest.mark.parametrize(("old", "new", "count"), [
    ('<persName corresp="#p_GAA1">', '<persName corresp="#d67">', 3),       # a name pointing to a document
    ('<gloss target="#t_USSR1">', '<gloss target="#p_KNS2">', 23),          # an abbreviation pointing to a person
])
def test_names_and_abbreviations_point_to_entries_of_their_lists(tmp_path: Path, old: str, new: str, count: int) -> None:
    path, line = _variant(tmp_path, old, new, count=count)
    assert _problems(path) == [(line, "error", "frus-ref-kind")]
