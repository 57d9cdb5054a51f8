"""One diplomatic reading, one table of cases, every face.

tests/reading_cases.xml holds the cases (a TEI text and the blocks it reads
as); each runs against every face of the reading: ``teikit diff``'s
(toolkit/diplomatic.py, as diff reads it), ``teikit lint``'s, and the text
output (the build's stylesheets, through Saxon), in both the diplomatic and the
reading view. The two languages share the vocabulary (xslt/reading.json);
these cases prove they share the algorithm.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from toolkit import diff, diplomatic, lint, transform
from toolkit.paths import READING_VOCABULARY
from toolkit.xmlio import parse_bytes

CASES_FILE = Path(__file__).parent / "reading_cases.xml"
TEI = "http://www.tei-c.org/ns/1.0"
CASES = etree.parse(str(CASES_FILE)).getroot().findall("case")
CASE_IDS = [case.get("id") for case in CASES]


def _document_text(case: etree._Element) -> str:
    """The case as a whole TEI document."""
    fragment = next(child for child in case if isinstance(child.tag, str) and child.tag.startswith(f"{{{TEI}}}"))
    if etree.QName(fragment).localname == "TEI":
        return etree.tostring(fragment, encoding="unicode")
    return (f'<TEI xmlns="{TEI}" xml:id="case"><teiHeader><fileDesc><titleStmt><title>Not read</title>'
            f"</titleStmt></fileDesc></teiHeader>{etree.tostring(fragment, encoding='unicode')}</TEI>")


def _expected(case: etree._Element, view: str) -> list[str]:
    found = case.find(view)
    if found is None:
        found = case.find("diplomatic")
    return [block.text or "" for block in found.iterfind("block")]


def _laid_out(blocks: list[diplomatic.Block]) -> list[str]:
    """Python's blocks laid out as the text output writes them: a footnote's marker "(n)" at its
    anchor, then the footnotes ("n" before the first block of each), then the source notes."""
    read = [block for block in blocks if block.text]
    running, notes = [], {}
    for block in read:
        text = block.text
        anchors = [span for span in block.spans if diplomatic.localname(span.element) == "note"
                   and span.element.get("type") != "source"]
        for span in sorted(anchors, key=lambda span: span.start, reverse=True):
            text = f"{text[:span.start]}({span.element.get('n')}){text[span.start:]}"
        if block.note is None:
            running.append(text)
        else:
            notes.setdefault(block.note, []).append(text)
    footnotes = [(note, texts) for note, texts in notes.items() if note.get("type") != "source"]
    laid = running
    for note, texts in footnotes:
        laid += [f"{note.get('n')} {texts[0]}", *texts[1:]]
    return laid + [text for note, texts in notes.items() if note.get("type") == "source" for text in texts]


def _parsed(case: etree._Element):
    return parse_bytes(Path(f"/cases/{case.get('id')}.xml"), _document_text(case).encode("utf-8"))


def _text_output(case: etree._Element, view: str) -> list[str]:
    """The blocks of the text output's file for the view, as the build makes it (one Saxon
    transformation of the composed stylesheet), lines unwrapped: the wrap breaks only at spaces."""
    envelope = transform.transform(_parsed(case), ("text",))
    text = next(file.content for file in envelope.files if file.name.endswith(f".{view}.txt"))
    return [" ".join(block.split("\n")) for block in text.strip("\n").split("\n\n") if block]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_diff_reads_the_case(case: etree._Element) -> None:
    reading = diff._Reading(_parsed(case))
    assert _laid_out(reading.blocks) == _expected(case, "diplomatic")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_lint_reads_the_case(case: etree._Element) -> None:
    assert _laid_out(lint._reading(_parsed(case).root)) == _expected(case, "diplomatic")


@pytest.mark.parametrize("view", ["diplomatic", "reading"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_text_output_writes_the_case(case: etree._Element, view: str) -> None:
    assert _text_output(case, view) == _expected(case, view)


def test_every_element_the_vocabulary_names_has_a_case() -> None:
    vocabulary = json.loads(READING_VOCABULARY.read_text(encoding="utf-8"))
    named = {name for key, names in vocabulary.items() if isinstance(names, list) for name in names}
    used = {etree.QName(element).localname for case in CASES for element in case.iter(f"{{{TEI}}}*")}
    assert named - used == set()
    assert len(named) >= 50


def test_the_cases_are_distinct_and_expect_something() -> None:
    assert len(set(CASE_IDS)) == len(CASES) >= 20
    assert all(_expected(case, "diplomatic") for case in CASES)


def test_a_line_break_between_words_is_no_change_to_the_source() -> None:
    """The issue's example: adding <lb/> between two words (or inside one, with break="no") changes markup only."""
    def document(body: str):
        return parse_bytes(Path("/cases/lb.xml"), (
            f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt></fileDesc>'
            f'<revisionDesc><change when="2026-01-01">{body}</change></revisionDesc></teiHeader>'
            f"<text><body><p>{body}</p></body></text></TEI>").encode("utf-8"))

    for old, new in (("one two", "one<lb/>two"), ("something", "some<lb break='no'/>thing"),
                     ("the problem. The", "the problem.<pb n='2'/>The")):
        result = diff.diff_documents(document(old), document(new))
        assert result.text_changes == [], (old, new, [change.format() for change in result.text_changes])
        assert [change.element for change in result.markup_changes] in (["lb"], ["pb"])


def test_lint_finds_words_across_a_line_break(tmp_path: Path) -> None:
    """lint reads the reading: a date phrase over <lb/> or <lb break="no"/> is found, at its first word."""
    text = (f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt></fileDesc></teiHeader>'
            '<text><body><p>On October<lb/>27 and on Octo<lb break="no"/>ber 28 he spoke.</p></body></text></TEI>')
    path = tmp_path / "case.xml"
    path.write_text(text, encoding="utf-8")
    problems = lint.lint_paths([path])
    found = [(problem.rule, problem.line, problem.column, problem.message) for problem in problems]
    assert [(rule, message.split('"')[1]) for rule, _, _, message in found] == [
        ("untagged-date", "October 27"), ("untagged-date", "October 28")]
    assert [column for _, _, column, _ in found] == [text.index("October") + 1, text.index("Octo<lb") + 1]

