"""Fidelity of the edition to its source: the encoding keeps every character of the telegram.

The diplomatic reading of the TEI (what the transcription itself says) is rebuilt from
the markup and compared, block by block, with tei/sources/msc_cuba256.txt:

* inside ``choice`` the source's form is read (``sic``, ``abbr``, ``orig``) and the
  editors' form dropped (``corr``, ``expan``, ``reg``);
* a ``note`` is taken out of the running text; a numbered note leaves its marker
  ``(n)`` behind, as the transcription does, an unnumbered one (the source note)
  leaves nothing;
* the notes follow the running text as blocks of their own: numbered notes as
  ``n text`` in the order of their numbers, then the unnumbered ones;
* whitespace is normalised (every run becomes one space, blocks are stripped).

On the source side the blocks are the non-empty lines, without the lines that are
not part of the document (the collection name on line 1, the page footer) and
without the web page's "Back" link after the footnote.

The reading comes from toolkit.diplomatic, the extractor `teikit diff` relies on
too, so this test also proves the diff sees exactly the source's words.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from toolkit import diplomatic

TEI_DIR = Path(__file__).resolve().parent.parent / "tei"
TELEGRAM = TEI_DIR / "frus1961-63v11-d256.xml"
SOURCE = TEI_DIR / "sources" / "msc_cuba256.txt"

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: Lines of the transcription that are not part of the document (see the source README).
EXCLUDED_LINES = {"The Cuban Missile Crisis", "127 Wall Street, New Haven, CT 06511."}
#: The web page's link after the footnote.
BACK_LINK = " Back"

FILE_NUMBER = "737.56361/12-2362"
CLASSIFICATION = "Confidential; Limit Distribution"
SENT = "1962-12-23T14:00:00-05:00"


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _parse(path: Path) -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, collect_ids=False)
    return etree.parse(str(path), parser)


def _label(element) -> str:
    ident = element.get(XML_ID)
    return f"<{_local(element)}>" + (f" {ident}" if ident else "")


def _with_note_markers(block: diplomatic.Block) -> str:
    """The block's text with "(n)" where a numbered note stands, as the transcription writes it."""
    text = block.text
    anchors = [span for span in block.spans if _local(span.element) == "note" and span.element.get("n")]
    for span in sorted(anchors, key=lambda span: span.start, reverse=True):
        text = f"{text[:span.start]}({span.element.get('n')}){text[span.start:]}"
    return text


def diplomatic_blocks(root) -> list[tuple[str, str]]:
    """The diplomatic reading (toolkit.diplomatic, the toolkit's one extractor) as (label, text) pairs.

    Running-text blocks come first, in document order, with note markers put
    back; then the numbered notes (``n text``) in the order of their numbers;
    then the unnumbered notes.
    """
    blocks = diplomatic.blocks(root)
    flow = [(_label(b.element), _with_note_markers(b)) for b in blocks if b.kind != "note"]
    notes = [b for b in blocks if b.kind == "note"]
    numbered = sorted((b for b in notes if b.n), key=lambda b: int(b.n))
    flow += [(_label(b.element), normalise(f"{b.n} {b.text}")) for b in numbered]
    flow += [(_label(b.element), b.text) for b in notes if not b.n]
    return flow


def source_blocks(raw: str) -> list[str]:
    """The blocks of the transcription: its non-empty lines, without what is not the document."""
    blocks = []
    for line in raw.splitlines():
        line = normalise(line)
        if not line or line in EXCLUDED_LINES:
            continue
        if re.fullmatch(r"\d+ .*" + re.escape(BACK_LINK), line):
            line = line[: -len(BACK_LINK)]
        blocks.append(line)
    return blocks


def first_difference(encoded: list[tuple[str, str]], source: list[str]) -> str | None:
    """A message naming the first block where the reading and the source part, or None."""
    for index, ((label, got), expected) in enumerate(zip(encoded, source), 1):
        if got != expected:
            at = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
            return (f"block {index} ({label}) differs from source block {index} at character {at}:\n"
                    f"  source : ...{expected[max(0, at - 40):at + 40]!r}\n"
                    f"  encoded: ...{got[max(0, at - 40):at + 40]!r}")
    if len(encoded) != len(source):
        if len(encoded) > len(source):
            label, extra = encoded[len(source)]
            return f"the encoding has {len(encoded) - len(source)} block(s) more than the source; first extra: {label} {extra[:80]!r}"
        return (f"the encoding lacks {len(source) - len(encoded)} block(s) of the source; "
                f"first missing: {source[len(encoded)][:80]!r}")
    return None


@lru_cache(maxsize=None)
def _telegram() -> etree._ElementTree:
    return _parse(TELEGRAM)


@lru_cache(maxsize=None)
def _source_raw() -> str:
    return SOURCE.read_bytes().decode("ascii")


@pytest.fixture(scope="module")
def telegram():
    return _telegram()


@pytest.fixture(scope="module")
def reading(telegram):
    return diplomatic_blocks(telegram)


@pytest.fixture(scope="module")
def source():
    return source_blocks(_source_raw())


def one(tree, xpath: str):
    found = tree.xpath(xpath, namespaces=NS)
    assert len(found) == 1, f"expected exactly one match for {xpath}, found {len(found)}"
    return found[0]


# ------------------------------------------------------------------ the source itself

def test_source_copy_is_the_received_transcription():
    raw = SOURCE.read_bytes()
    assert len(raw) == 8830, f"tei/sources/msc_cuba256.txt has {len(raw)} bytes, the received file 8,830"
    raw.decode("ascii")  # raises if anything outside ASCII crept in
    assert not raw.endswith(b"\n"), "the received transcription has no final newline"


# ------------------------------------------------------------------ the running text

def test_every_block_matches_the_source(reading, source):
    problem = first_difference(reading, source)
    assert problem is None, problem


def test_whole_reading_matches_the_source(reading, source):
    """Independent of block boundaries: the words in order are the source's words."""
    assert " ".join(text for _, text in reading) == " ".join(source)


@pytest.mark.parametrize("xpath, count", [
    ("//tei:text//tei:div[@type='document']/tei:head", 1),
    ("//tei:text//tei:opener/tei:dateline", 1),
    ("//tei:text//tei:div[@type='document']/tei:p", 17),
    ("//tei:text//tei:list/tei:item", 4),
    ("//tei:text//tei:floatingText//tei:salute", 1),
    ("//tei:text//tei:floatingText//tei:p", 2),
    ("//tei:text//tei:floatingText//tei:closer/tei:signed", 2),
    ("//tei:text//tei:note[@place='foot']", 1),
    ("//tei:text//tei:note[@type='source']", 1),
])
def test_each_part_is_in_the_reading_and_the_source(telegram, source, xpath, count):
    """Every kind of block is present and each one's reading is a block of the source."""
    elements = telegram.xpath(xpath, namespaces=NS)
    assert len(elements) == count, f"{xpath}: expected {count}, found {len(elements)}"
    labelled = dict(diplomatic_blocks(telegram))
    for element in elements:
        ident = element.get(XML_ID)
        label = f"<{_local(element)}>" + (f" {ident}" if ident else "")
        assert label in labelled, f"{label} is missing from the diplomatic reading (give it an xml:id)"
        assert labelled[label] in source, f"{label} reads {labelled[label]!r}, which is no block of the source"


def test_footnote_text_and_place(telegram, reading, source):
    note = one(telegram, "//tei:text//tei:note[@place='foot'][@n='1']")
    assert normalise("1 " + "".join(note.itertext())) == "1 See Document 253."
    assert "1 See Document 253." in source
    # the note stands exactly where the transcription has "(1)"
    paragraph = note.getparent()
    assert paragraph.get(XML_ID) == "d256-p1"
    assert dict(reading)["<p> d256-p1"].count("transmitted to UN.(1) No progress") == 1


def test_source_note(telegram, source):
    note = one(telegram, "//tei:text//tei:head/tei:note[@type='source']")
    text = normalise("".join(note.itertext()))
    assert text == f"Source: Department of State, Central Files, {FILE_NUMBER}. {CLASSIFICATION}."
    assert text in source


def test_excluded_lines_are_not_encoded(reading):
    text = " ".join(t for _, t in reading)
    for line in EXCLUDED_LINES:
        assert line not in text, f"{line!r} is not part of the document and must not be encoded"
    assert not re.search(r"\bBack\b", text), "the web page's 'Back' link must not be encoded"


def test_editorial_readings_are_not_in_the_reading(reading):
    text = " ".join(t for _, t in reading)
    assert "gong to invade" in text and "going to invade" not in text
    assert "Kuzentsov mentioned" in text
    assert "Sovs stood" in text and "Soviets stood" not in text


# ------------------------------------------------------------------ header facts

def test_creation_date(telegram):
    date = one(telegram, "//tei:profileDesc/tei:creation/tei:date")
    assert date.get("when") == SENT
    sent = one(telegram, "//tei:correspDesc/tei:correspAction[@type='sent']/tei:date")
    assert sent.get("when") == SENT
    dateline = one(telegram, "//tei:text//tei:dateline/tei:date")
    assert dateline.get("when") == SENT


def test_file_number(telegram):
    assert one(telegram, "//tei:msDesc/tei:msIdentifier/tei:idno[@type='file']").text == FILE_NUMBER
    assert one(telegram, "//tei:text//tei:note[@type='source']//tei:idno[@type='file']").text == FILE_NUMBER
    assert FILE_NUMBER in _source_raw()


def test_classification(telegram):
    availability = one(telegram, "//tei:msDesc/tei:additional/tei:adminInfo/tei:availability")
    assert availability.get("status") == "restricted"
    assert normalise("".join(availability.itertext())).rstrip(".") == CLASSIFICATION
    note = one(telegram, "//tei:text//tei:note[@type='source']")
    assert CLASSIFICATION in normalise("".join(note.itertext()))


def test_telegram_number(telegram, source):
    idno = one(telegram, "//tei:text//tei:idno[@type='telegram']")
    assert idno.text == "2477"
    assert idno.getparent().get(XML_ID) == "d256-p1"
    assert idno.getparent().text is None or not idno.getparent().text.strip(), "2477 opens the first paragraph"
    assert source[2].startswith("2477. Cuba. "), "source block 3 (after head and dateline) opens with the number"


# ------------------------------------------------------------------ the checker can fail

def _mutated(xpath: str, change) -> etree._ElementTree:
    tree = copy.deepcopy(_telegram())
    change(tree.xpath(xpath, namespaces=NS)[0])
    return tree


def test_checker_catches_a_deleted_word(source):
    def delete_word(p):
        p.text = p.text.replace("opened meeting", "opened", 1) if "opened meeting" in (p.text or "") else p.text
        for node in p.iter():
            if node.tail and "opened meeting" in node.tail:
                node.tail = node.tail.replace("opened meeting", "opened", 1)
    tree = _mutated("//tei:p[@xml:id='d256-p2']", delete_word)
    problem = first_difference(diplomatic_blocks(tree), source)
    assert problem is not None and "d256-p2" in problem


def test_checker_catches_a_correction_read_as_the_source(source):
    def swap(choice):
        sic, corr = choice.find(f"{TEI}sic"), choice.find(f"{TEI}corr")
        sic.text, corr.text = corr.text, sic.text
    tree = _mutated("//tei:choice[tei:sic='gong']", swap)
    problem = first_difference(diplomatic_blocks(tree), source)
    assert problem is not None and "d256-p10" in problem


def test_checker_catches_a_lost_footnote(source):
    def remove_keeping_tail(note):
        previous = note.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + (note.tail or "")
        else:
            note.getparent().text = (note.getparent().text or "") + (note.tail or "")
        note.getparent().remove(note)
    tree = _mutated("//tei:note[@xml:id='d256-fn1']", remove_keeping_tail)
    problem = first_difference(diplomatic_blocks(tree), source)
    assert problem is not None and "d256-p1" in problem
