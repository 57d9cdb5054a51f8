"""The diplomatic reading: what the source says, block by block, and where each word is in the file."""

from __future__ import annotations

from pathlib import Path

from toolkit.diplomatic import SourceText, blocks, reading_text
from toolkit.paths import TEI_DIR
from toolkit.xmlio import parse_bytes, parse_document

SAMPLE = """<TEI xmlns="http://www.tei-c.org/ns/1.0">
<teiHeader><fileDesc><titleStmt><title>Not read</title></titleStmt></fileDesc></teiHeader>
<text><body><div xml:id="d1">
  <head>Telegram<note type="source" xml:id="src">Source: Files.</note></head>
  <opener><dateline>New York, <date when="1962-12-23">December 23</date></dateline></opener>
  <p xml:id="p1" n="1"><choice><abbr>Sovs</abbr><expan>Soviets</expan></choice>   stood
     on it.<note n="1" xml:id="fn1">See <ref target="#x">Document 253</ref>.</note> No <choice><sic>gong</sic><corr>going</corr></choice>
     <choice><orig>Govt</orig><reg>Government</reg></choice>.</p>
  <list><item n="1">Joint;</item><item n="2">Separate.</item></list>
  <floatingText type="letter"><body><opener><salute>Esteemed,</salute></opener>
    <p n="1">Attached.</p><closer>Yours,<signed>Representative</signed></closer></body></floatingText>
</div></body></text></TEI>"""


def _sample():
    return parse_bytes(Path("/tmp/sample.xml"), SAMPLE.encode())


def test_blocks_in_order_with_their_labels() -> None:
    found = [(block.label, block.id, block.line, block.text) for block in blocks(_sample().root)]
    assert found == [
        ("head", None, 4, "Telegram"),
        ("dateline", None, 5, "New York, December 23"),
        ("¶1", "p1", 6, "Sovs stood on it. No gong Govt."),
        ("item 1", None, 9, "Joint;"),
        ("item 2", None, 9, "Separate."),
        ("letter salute", None, 10, "Esteemed,"),
        ("letter ¶1", None, 11, "Attached."),
        ("letter closer", None, 11, "Yours,"),
        ("letter signed", None, 11, "Representative"),
        ("note src", "src", 4, "Source: Files."),
        ("note 1", "fn1", 7, "See Document 253."),
    ]


def test_reading_text_joins_blocks() -> None:
    document = _sample()
    assert reading_text(document.root, notes=False).split("\n\n")[:3] == [
        "Telegram", "New York, December 23", "Sovs stood on it. No gong Govt."]
    assert reading_text(document).endswith("See Document 253.")


def test_spans_point_into_the_block_text() -> None:
    paragraph = blocks(_sample().root)[2]
    spans = {(span.element.tag.split("}")[1], paragraph.text[span.start:span.end], span.dropped)
             for span in paragraph.spans}
    assert ("abbr", "Sovs", False) in spans and ("expan", "", True) in spans
    assert ("sic", "gong", False) in spans and ("corr", "", True) in spans
    assert ("note", "", True) in spans


def test_origin_and_source_position_of_a_word() -> None:
    document = _sample()
    source = SourceText.read(document.root, SAMPLE)
    paragraph = blocks(document.root)[2]
    lines = SAMPLE.splitlines()
    for word in ("stood", "on", "gong", "Govt", "No"):
        line, column = source.locate_offset(paragraph, paragraph.text.index(word))
        assert lines[line - 1][column - 1:].startswith(word), word


def test_source_positions_after_references_cdata_and_crlf() -> None:
    """Where a word is in the file when the characters before it are not one per byte of text: a
    reference (one character from several), a CDATA section, CR LF line ends (one character from two).
    SourceText keeps such a node's offsets one by one and a plain node's as a range: both must point
    at the word as the file has it."""
    raw = SAMPLE.replace("No <choice>", "No &amp; &#x41;lpha <![CDATA[x < y]]> gamma <choice>").replace("\n", "\r\n")
    document = parse_bytes(Path("/tmp/sample.xml"), raw.encode())
    source = SourceText.read(document.root, "\n".join(raw.split("\r\n")))
    lines = raw.split("\r\n")
    paragraph = blocks(document.root)[2]
    assert "No & Alpha x < y gamma gong Govt." in paragraph.text
    for word, written in [("stood", "stood"), ("on", "on"), ("No", "No"), ("&", "&amp;"), ("Alpha", "&#x41;lpha"),
                          ("lpha", "lpha"), ("y", "y]]>"), ("gamma", "gamma"), ("gong", "gong"), ("Govt", "Govt")]:
        line, column = source.locate_offset(paragraph, paragraph.text.index(word))
        assert lines[line - 1][column - 1:].startswith(written), word
    date = next(document.root.iter("{*}date"))
    note = document.root.xpath("//*[@xml:id = 'fn1']")[0]
    assert isinstance(source.runs[(date, "text")], range)  # "December 23"
    assert not isinstance(source.runs[(note, "tail")], range)  # " No &amp; &#x41;lpha ..."


def test_the_edition_reading_keeps_the_sources_forms() -> None:
    document = parse_document(TEI_DIR / "frus1961-63v11-d256.xml")
    text = reading_text(document)
    assert "we are gong to invade" in text and "Kuzentsov mentioned" in text
    assert "Sovs" in text and "Soviets" not in text
