"""The live edition under tei/, checked by properties that every correct
correction keeps: it builds every output, each output parses, every name of
the text is a link to its record, and the diplomatic text is the source's.

The stylesheets' exact output is pinned on a frozen copy of the edition
(tests/fixtures/outputs/edition/, tests/test_outputs_golden.py), so a markup
correction under tei/ changes no file under tests/. Validity is
tests/test_integrity.py's, the reading's fidelity tests/test_fidelity.py's.
"""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import lxml.html
import pytest
from lxml import etree

from outputs_support import DOC_ID, LIVE_EDITION, build_edition, source_blocks, text_blocks
from toolkit.paths import edition_documents

TEI = "{http://www.tei-c.org/ns/1.0}"
NAMES = {f"{TEI}persName", f"{TEI}placeName", f"{TEI}orgName", f"{TEI}name", f"{TEI}rs"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("live")
    result = build_edition(folder, edition_documents())
    assert not result.errors, [problem.format() for problem in result.errors]
    return folder


def test_every_output_is_built_and_parses(out: Path) -> None:
    for page in sorted(out.rglob("*.html")):
        root = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
        assert root.xpath("//body"), page
    library = bibtexparser.parse_string((out / "cite" / f"{DOC_ID}.bib").read_text(encoding="utf-8"))
    assert len(library.entries) == 1 and not library.failed_blocks
    items = json.loads((out / "cite" / f"{DOC_ID}.json").read_text(encoding="utf-8"))
    assert isinstance(items, list) and items[0]["id"]
    ris = (out / "cite" / f"{DOC_ID}.ris").read_text(encoding="utf-8").splitlines()
    assert ris[0].startswith("TY  - ") and ris[-1].startswith("ER  -")
    for name in (f"{DOC_ID}.txt", f"{DOC_ID}.passages.txt", f"text/{DOC_ID}.reading.txt"):
        path = out / name if "/" in name else out / "cite" / name
        assert path.read_text(encoding="utf-8").strip(), path


def test_diplomatic_text_is_the_source(out: Path) -> None:
    diplomatic = (out / "text" / f"{DOC_ID}.diplomatic.txt").read_text(encoding="utf-8")
    assert text_blocks(diplomatic) == source_blocks()


def _linked_names(document: etree._ElementTree) -> list[etree._Element]:
    """The outermost name elements of the text, but those of the heading, which
    the page shows as its title (the heading's source note keeps its links)."""
    text = document.find(f"{TEI}text")
    found = []
    for element in text.iter(*NAMES):
        ancestors = [ancestor.tag for ancestor in element.iterancestors()]
        in_title = f"{TEI}head" in ancestors and f"{TEI}note" not in ancestors
        if not in_title and not any(tag in NAMES for tag in ancestors):
            found.append(element)
    return found


def test_every_name_of_the_text_links_to_its_record(out: Path) -> None:
    """One link per name of the text, each to the record of its @ref, shown on the page."""
    names = _linked_names(etree.parse(str(LIVE_EDITION)))
    page = lxml.html.document_fromstring((out / "html" / f"{DOC_ID}.html").read_text(encoding="utf-8"))
    links = page.xpath("//section[@id = 'text' or @id = 'notes' or @id = 'source']"
                       "//a[contains(concat(' ', @class, ' '), ' name ')]/@href")
    records = {element.get("id") for element in page.xpath("//section[@id='names']//dt[@id]")}
    assert all(link.startswith("#") and link[1:] in records for link in links), sorted(set(links))
    wanted = sorted(name.get("ref").rsplit("#", 1)[-1] for name in names)
    assert sorted(link.split("-", 1)[1] for link in links) == wanted
