"""Publishing a FRUS volume and a teiCorpus (toolkit/kinds/frus/frus.xsl, xslt/collection.xsl).

The expected values are read from the fixtures with lxml (the documents, the
lists of names and abbreviations, the page breaks), not written here: each
test checks one behaviour of the build against what the volume itself says.
Small inline volumes (cut from the fixture) cover the cases the excerpts lack.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import bibtexparser
import lxml.html
import pytest
from lxml import etree

from outputs_support import FRUS_CORPUS, FRUS_SUPPLEMENT, FRUS_VOLUME, build_edition

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI, "xml": "http://www.w3.org/XML/1998/namespace"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
VOLUME_ID = "frus1961-63v06"
SUPPLEMENT_ID = "frus1961-63v10-12mSupp"


def documents(path: Path) -> list[etree._Element]:
    return etree.parse(str(path)).getroot().findall(".//tei:body//tei:div[@type='document']", NS)


def page(out: Path, relative: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((out / relative).read_bytes())


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("frus")
    result = build_edition(out, [FRUS_VOLUME, FRUS_SUPPLEMENT, FRUS_CORPUS], validate=False)
    assert not result.errors, [problem.format() for problem in result.errors]
    return out


def build_variant(tmp_path: Path, edit) -> Path:
    """Build a copy of the volume VI excerpt after ``edit(root)`` changed it."""
    tree = etree.parse(str(FRUS_VOLUME))
    edit(tree.getroot())
    source = tmp_path / "volume.xml"
    tree.write(str(source), encoding="UTF-8", xml_declaration=True)
    out = tmp_path / "out"
    result = build_edition(out, [source], validate=False)
    assert not result.errors, [problem.format() for problem in result.errors]
    return out


def document_div(root: etree._Element, xml_id: str) -> etree._Element:
    return root.find(f".//tei:div[@{{http://www.w3.org/XML/1998/namespace}}id='{xml_id}']", NS)


# ---------------------------------------------------------------------------
# One page, text and citations per document, in the volume's folder
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "volume"), [(FRUS_VOLUME, VOLUME_ID), (FRUS_SUPPLEMENT, SUPPLEMENT_ID)])
def test_one_page_text_and_citation_per_document(built: Path, source: Path, volume: str) -> None:
    ids = sorted(div.get(XML_ID) for div in documents(source))
    assert ids
    pages = sorted(path.stem for path in (built / "html" / volume).glob("*.html") if path.name != "index.html")
    assert pages == ids
    for suffix in (".reading.txt", ".diplomatic.txt"):
        assert sorted(path.name.removesuffix(suffix) for path in (built / "text" / volume).glob(f"*{suffix}")) == ids
    for suffix in (".txt", ".html", ".bib", ".ris", ".json", ".passages.txt"):
        assert all((built / "cite" / volume / f"{xml_id}{suffix}").is_file() for xml_id in ids)
    assert not (built / "html" / f"{volume}.html").exists()  # no page for the whole volume


def test_document_page_has_its_own_head_dateline_source_note_and_footnotes(built: Path) -> None:
    div = document_div(etree.parse(str(FRUS_VOLUME)).getroot(), "d67")
    html = page(built, f"html/{VOLUME_ID}/d67.html")
    heading = html.get_element_by_id("d67").find("h3")
    assert text_of(heading).startswith("67. Telegram From the Department of State")
    assert "Telegram From the Department of State to the Embassy in the Soviet Union" in html.findtext(".//h1")
    dateline = html.find_class("tei-dateline")[0]
    assert text_of(dateline) == text_of(div.find("tei:dateline", NS))
    source_note = div.find("tei:head/tei:note[@n='0']", NS)
    assert html.get_element_by_id("source").find("p").get("id") == source_note.get(XML_ID)
    footnotes = [note.get(XML_ID) for note in div.iterfind(".//tei:note", NS) if note.get("n") != "0"]
    assert [li.get("id") for li in html.get_element_by_id("notes").iter("li")] == footnotes
    # paragraph numbers start again on every page
    assert html.find_class("pnum")[0].text_content() == "1"


def test_page_breaks_show_the_printed_page_numbers(built: Path) -> None:
    root = etree.parse(str(FRUS_VOLUME)).getroot()
    for div in documents(FRUS_VOLUME):
        shown = [span.text_content() for span in page(built, f"html/{VOLUME_ID}/{div.get(XML_ID)}.html")
                 .find_class("page-break")]
        inside = [f"[Page {pb.get('n')}]" for pb in div.iterfind(".//tei:pb", NS)]
        assert shown[len(shown) - len(inside):] == inside, div.get(XML_ID)
    # a page break between two documents starts the next one's page
    between = root.find(".//tei:body//tei:pb[@n='183']", NS)
    assert between.getparent().get("type") != "document"
    assert "[Page 183]" in [span.text_content() for span in page(built, f"html/{VOLUME_ID}/d68.html")
                            .find_class("page-break")]


def test_persons_link_to_their_entry_from_the_list_of_names(built: Path) -> None:
    root = etree.parse(str(FRUS_VOLUME)).getroot()
    entries = {name.get(XML_ID): text_of(name)
               for name in root.iterfind(".//tei:div[@xml:id='persons']//tei:persName[@xml:id]", NS)}
    checked = 0
    for div in documents(FRUS_VOLUME):
        html = page(built, f"html/{VOLUME_ID}/{div.get(XML_ID)}.html")
        for name in div.iterfind(".//tei:persName[@corresp]", NS):
            person = name.get("corresp").removeprefix("#")
            assert person in entries
            anchor = f"person-{person}"
            assert any(link.get("href") == f"#{anchor}" for link in html.find_class("name")), (div.get(XML_ID), person)
            assert html.get_element_by_id(anchor).text_content() == entries[person]
            checked += 1
    assert checked > 50
    assert "no one with an authority record" not in page(built, f"html/{VOLUME_ID}/d67.html").text_content()


def test_abbreviations_are_expanded_from_the_list_of_abbreviations(built: Path) -> None:
    root = etree.parse(str(FRUS_VOLUME)).getroot()
    terms = {}
    for term in root.iterfind(".//tei:div[@xml:id='terms']//tei:term[@xml:id]", NS):
        item = term.getparent().getparent()
        terms[term.get(XML_ID)] = re.sub(r"^[,\s]+", "", " ".join(
            "".join(item.itertext()).replace("".join(term.itertext()), "", 1).split()))
    html = page(built, f"html/{VOLUME_ID}/d67.html")
    expected = {(text_of(gloss), terms[gloss.get("target")[1:]])
                for gloss in document_div(root, "d67").iterfind(".//tei:gloss[@target]", NS)}
    shown = {(abbr.text_content(), abbr.get("title")) for abbr in html.iter("abbr")}
    assert expected and expected <= shown
    assert ("NATO", "North Atlantic Treaty Organization") in shown
    reading = (built / "text" / VOLUME_ID / "d67.reading.txt").read_text(encoding="utf-8")
    diplomatic = (built / "text" / VOLUME_ID / "d67.diplomatic.txt").read_text(encoding="utf-8")
    assert "North Atlantic Treaty" in " ".join(reading.split()) and "NATO" in diplomatic


def test_links_go_to_the_page_of_the_document_or_to_history_state_gov(built: Path) -> None:
    html = page(built, f"html/{VOLUME_ID}/d67.html")
    hrefs = [link.get("href") for link in html.get_element_by_id("notes").iter("a")]
    assert "d65.html" in hrefs and "d66.html" in hrefs
    folder = built / "html" / VOLUME_ID
    for div in documents(FRUS_VOLUME):
        for link in page(built, f"html/{VOLUME_ID}/{div.get(XML_ID)}.html").iter("a"):
            href = link.get("href")
            if re.fullmatch(r"d\d+\.html(#.*)?", href):
                target, _, fragment = href.partition("#")
                assert (folder / target).is_file(), href
                if fragment:
                    assert page(built, f"html/{VOLUME_ID}/{target}").get_element_by_id(fragment) is not None
    other_volumes = {ref.get("target") for ref in etree.parse(str(FRUS_VOLUME)).iterfind(".//tei:ref", NS)
                     if ref.get("target", "").startswith("frus")}
    assert other_volumes
    every_href = {link.get("href") for path in folder.glob("d*.html") for link in page(built, str(path.relative_to(built))).iter("a")}
    for target in other_volumes:
        volume, _, document = target.partition("#")
        assert f"https://history.state.gov/historicaldocuments/{volume}/{document}" in every_href


def test_a_link_to_a_whole_volume_goes_to_its_page_at_history_state_gov(tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        paragraph = document_div(root, "d67").find("tei:p", NS)
        etree.SubElement(paragraph, f"{{{TEI}}}ref", target="frus1961-63v05").text = "volume V"
    html = page(build_variant(tmp_path, edit), f"html/{VOLUME_ID}/d67.html")
    assert "https://history.state.gov/historicaldocuments/frus1961-63v05" in [a.get("href") for a in html.iter("a")]


def test_hi_strong_smallcaps_and_italic_are_rendered(tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        paragraph = document_div(root, "d67").find("tei:p", NS)
        for rend in ("strong", "smallcaps", "italic"):
            etree.SubElement(paragraph, f"{{{TEI}}}hi", rend=rend).text = f"in {rend}"
    html = page(build_variant(tmp_path, edit), f"html/{VOLUME_ID}/d67.html")
    assert html.xpath("//strong[. = 'in strong']") and html.xpath("//i[. = 'in italic']")
    assert html.xpath("//*[contains(@class, 'smallcaps')][. = 'in smallcaps']")


def test_elements_of_the_frus_namespace_are_not_text(built: Path) -> None:
    for div in documents(FRUS_SUPPLEMENT):
        head = text_of(div.find("tei:head", NS))
        for view in ("reading", "diplomatic"):
            text = (built / "text" / SUPPLEMENT_ID / f"{div.get(XML_ID)}.{view}.txt").read_text(encoding="utf-8")
            assert " ".join(text.split()) == head  # the head, and no stray line of file data


# ---------------------------------------------------------------------------
# Previous / next, the volume page, the edition's index
# ---------------------------------------------------------------------------

def test_previous_and_next_follow_the_volume_order(built: Path) -> None:
    ids = [div.get(XML_ID) for div in documents(FRUS_VOLUME)]
    for position, xml_id in enumerate(ids):
        html = page(built, f"html/{VOLUME_ID}/{xml_id}.html")
        rel = {link.get("rel"): link.get("href") for link in html.iter("a") if link.get("rel") in ("prev", "next")}
        assert rel.get("prev") == (f"{ids[position - 1]}.html" if position else None)
        assert rel.get("next") == (f"{ids[position + 1]}.html" if position + 1 < len(ids) else None)


def test_volume_page_lists_every_document_in_order_under_its_chapter(built: Path) -> None:
    html = page(built, f"html/{SUPPLEMENT_ID}/index.html")
    root = etree.parse(str(FRUS_SUPPLEMENT)).getroot()
    assert text_of(html.find(".//h1")) == text_of(root.find(".//tei:titleStmt/tei:title[@type='complete']", NS))
    entries = html.xpath("//ol[contains(@class, 'contents')]/li")
    divs = documents(FRUS_SUPPLEMENT)
    assert [li.find("a").get("href") for li in entries] == [f"{div.get(XML_ID)}.html" for div in divs]
    assert [li.get("value") for li in entries] == [div.get("n") for div in divs]
    for li, div in zip(entries, divs):
        assert text_of(li.find("a")) == text_of(div.find("tei:head", NS))  # number and title
    chapter = divs[0].getparent()
    section = entries[0].getparent().getparent()
    assert section.tag == "section" and section.find("h3").text_content() == text_of(chapter.find("tei:head", NS))
    compilation = section.getparent()
    assert compilation.find("h2").text_content() == text_of(chapter.getparent().find("tei:head", NS))


def test_volume_page_dates_each_document_from_its_dateline(built: Path) -> None:
    html = page(built, f"html/{VOLUME_ID}/index.html")
    entries = {li.find("a").get("href"): li for li in html.xpath("//ol[contains(@class, 'contents')]/li")}
    for div in documents(FRUS_VOLUME):
        date = div.find("tei:dateline//tei:date", NS)
        time = entries[f"{div.get(XML_ID)}.html"].find("time")
        assert (time.get("datetime") if time is not None else None) == (date.get("when") if date is not None else None)


def test_date_from_frus_doc_datetime_min_without_a_dateline(tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        div = document_div(root, "d67")
        div.remove(div.find("tei:dateline", NS))
        div.set("{http://history.state.gov/frus/ns/1.0}doc-dateTime-min", "1962-10-27T20:05:00-04:00")
    out = build_variant(tmp_path, edit)
    assert "October 27, 1962" in (out / "cite" / VOLUME_ID / "d67.txt").read_text(encoding="utf-8")


def test_edition_index_links_each_volume_page(built: Path) -> None:
    links = [a.get("href") for a in page(built, "html/index.html").iter("a")]
    for volume in (VOLUME_ID, SUPPLEMENT_ID, "corpus"):
        assert f"{volume}/index.html" in links
        assert (built / "html" / volume / "index.html").is_file()


# ---------------------------------------------------------------------------
# Citations from the volume header
# ---------------------------------------------------------------------------

def test_citation_reads_the_volume_header_and_the_document(built: Path) -> None:
    header = etree.parse(str(FRUS_VOLUME)).getroot().find("tei:teiHeader/tei:fileDesc", NS)
    titles = {title.get("type"): text_of(title) for title in header.iterfind("tei:titleStmt/tei:title", NS)}
    library = bibtexparser.parse_string((built / "cite" / VOLUME_ID / "d67.bib").read_text(encoding="utf-8"))
    (entry,) = library.entries
    fields = {field.key: field.value for field in entry.fields}
    assert entry.entry_type == "incollection" and entry.key == "frus1961-63v06d67"
    assert fields["url"] == "https://history.state.gov/historicaldocuments/frus1961-63v06/d67"
    assert fields["pages"] == "Document 67"
    assert fields["origdate"] == "1962-10-27"  # from the dateline
    assert fields["year"] == "1996"
    assert fields["booktitle"] == titles["volume"]
    assert titles["subseries"].replace("–", "--") in fields["series"]
    primary = [text_of(e) for e in header.iterfind("tei:titleStmt/tei:editor[@role='primary']", NS)]
    general = [text_of(e) for e in header.iterfind("tei:titleStmt/tei:editor[@role='general']", NS)]
    assert all(name.split()[-1] in fields["editor"] for name in primary)
    assert not any(name.split()[-1] in fields["editor"] for name in general)
    text = " ".join((built / "cite" / VOLUME_ID / "d67.txt").read_text(encoding="utf-8").split())
    for part in (titles["series"], titles["subseries"], titles["volume"], "Washington: Government Printing Office, 1996",
                 "https://history.state.gov/historicaldocuments/frus1961-63v06/d67"):
        assert part in text, part


# ---------------------------------------------------------------------------
# A teiCorpus: one page per TEI
# ---------------------------------------------------------------------------

def test_a_tei_corpus_publishes_one_page_per_tei(built: Path) -> None:
    members = etree.parse(str(FRUS_CORPUS)).getroot().findall("tei:TEI", NS)
    pages = sorted((built / "html" / "corpus").glob("*.html"))
    assert len(pages) == len(members) + 1  # and the contents page
    contents = page(built, "html/corpus/index.html")
    titles = [text_of(a) for a in contents.xpath("//ol[contains(@class, 'contents')]/li/a")]
    assert titles == [text_of(member.find("tei:teiHeader//tei:title", NS)) for member in members]
    for member, link in zip(members, contents.xpath("//ol[contains(@class, 'contents')]/li/a")):
        html = page(built, f"html/corpus/{link.get('href')}")
        words = text_of(member.find("tei:text//tei:p", NS)).split()[:4]
        assert " ".join(words) in " ".join(html.get_element_by_id("text").text_content().split())


def test_corpus_names_link_to_the_records_of_the_corpus_header(built: Path) -> None:
    root = etree.parse(str(FRUS_CORPUS)).getroot()
    records = {person.get(XML_ID): text_of(person.find("tei:persName", NS))
               for person in root.iterfind("tei:teiHeader//tei:person", NS)}
    members = root.findall("tei:TEI", NS)
    links = page(built, "html/corpus/index.html").xpath("//ol[contains(@class, 'contents')]/li/a")
    for member, link in zip(members, links):
        html = page(built, f"html/corpus/{link.get('href')}")
        pointed = {name.get("corresp")[1:] for name in member.iterfind(".//tei:text//tei:persName[@corresp]", NS)}
        assert pointed
        for person in pointed:
            assert any(a.get("href") == f"#person-{person}" for a in html.find_class("name"))
            assert html.get_element_by_id(f"person-{person}").text_content() == records[person]
