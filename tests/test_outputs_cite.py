"""The citation outputs: BibTeX parses, the CSL-JSON is valid CSL data, the RIS
has its required tags, and the text forms cite the right volume and document."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest

from outputs_support import ACCESS_DATE, DOC_ID, EDITION_URL, FIXTURES, build_edition

PAGE_URL = f"{EDITION_URL}{DOC_ID}.html"


@pytest.fixture(scope="module")
def cite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cite")
    result = build_edition(out, formats=("cite",))
    assert not result.errors, [problem.format() for problem in result.errors]
    return out / "cite"


def read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


# --- BibTeX -----------------------------------------------------------------

def test_bibtex_parses_with_bibtexparser(cite: Path) -> None:
    library = bibtexparser.parse_string(read(cite, f"{DOC_ID}.bib"))
    assert not library.failed_blocks
    assert len(library.entries) == 1
    entry = library.entries[0]
    assert entry.key == "frus1961-63v11d256"
    assert entry.entry_type == "incollection"
    fields = {name: value.strip("{}") for name, value in entry.fields_dict.items() for value in [entry[name]]}
    assert fields["title"] == "Telegram From the Mission to the United Nations to the Department of State"
    assert fields["booktitle"] == "Cuban Missile Crisis and Aftermath"
    assert fields["series"] == "Foreign Relations of the United States, 1961--1963"
    assert fields["volume"] == "11"
    assert fields["pages"] == "Document 256"
    assert fields["editor"] == "Keefer, Edward C. and Sampson, Charles S. and Smith, Louis J."
    assert (fields["year"], fields["origdate"]) == ("1996", "1962-12-23")
    assert fields["url"] == PAGE_URL
    assert fields["urldate"] == ACCESS_DATE.isoformat()
    assert "737.56361/12-2362" in fields["note"]
    assert "New York, December 23, 1962, 2 p.m." in fields["note"]


# --- CSL-JSON ---------------------------------------------------------------
# The essentials of the CSL data schema (citation-style-language/schema,
# csl-data.json, v1.0.2): item types, name and date structures, known keys.
CSL_TYPES = set("""article article-journal article-magazine article-newspaper bill book broadcast chapter classic
collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic hearing interview
legal_case legislation manuscript map motion_picture musical_score pamphlet paper-conference patent performance
periodical personal_communication post post-weblog regulation report review review-book software song speech
standard thesis treaty webpage""".split())
CSL_NAME_VARIABLES = set("""author chair collection-editor compiler composer container-author contributor curator
director editor editorial-director executive-producer guest host interviewer illustrator narrator organizer
original-author performer producer recipient reviewed-author script-writer series-creator translator""".split())
CSL_DATE_VARIABLES = {"accessed", "available-date", "event-date", "issued", "original-date", "submitted"}
CSL_STRING_VARIABLES = set("""id type categories language journalAbbreviation shortTitle abstract annote archive
archive_collection archive_location archive-place authority call-number chapter-number citation-number
citation-key citation-label collection-number collection-title container-title container-title-short dimensions
division DOI edition event event-title event-place first-reference-note-number genre ISBN ISSN issue jurisdiction
keyword locator medium note number number-of-pages number-of-volumes original-publisher original-publisher-place
original-title page page-first part part-title PMCID PMID printing publisher publisher-place references
reviewed-genre reviewed-title scale section source status supplement title title-short URL version volume
volume-title volume-title-short year-suffix custom""".split())
CSL_NAME_KEYS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix", "comma-suffix",
                 "static-ordering", "literal", "parse-names"}


def csl_problems(data: object) -> list[str]:
    """What makes ``data`` invalid CSL data (empty when it is valid)."""
    if not isinstance(data, list):
        return ["CSL data is an array of items"]
    problems = []
    for number, item in enumerate(data):
        where = f"item {number}"
        if not isinstance(item, dict):
            problems.append(f"{where} is not an object")
            continue
        for key in ("id", "type"):
            if key not in item:
                problems.append(f"{where} has no {key}")
        if item.get("type") not in CSL_TYPES:
            problems.append(f"{where}: unknown type {item.get('type')!r}")
        for key, value in item.items():
            if key in CSL_NAME_VARIABLES:
                if not isinstance(value, list) or not value:
                    problems.append(f"{where}: {key} is not a list of names")
                    continue
                for name in value:
                    if not isinstance(name, dict) or set(name) - CSL_NAME_KEYS:
                        problems.append(f"{where}: {key} has a malformed name {name!r}")
                    elif not ("family" in name or "literal" in name):
                        problems.append(f"{where}: {key} name without family or literal: {name!r}")
            elif key in CSL_DATE_VARIABLES:
                parts = value.get("date-parts") if isinstance(value, dict) else None
                if not (isinstance(parts, list) and 1 <= len(parts) <= 2 and all(
                        isinstance(part, list) and 1 <= len(part) <= 3
                        and all(isinstance(n, int) or (isinstance(n, str) and n.isdigit()) for n in part)
                        for part in parts)):
                    problems.append(f"{where}: {key} is not a date with date-parts")
            elif key in CSL_STRING_VARIABLES:
                if not isinstance(value, (str, int, float)):
                    problems.append(f"{where}: {key} is not a string or number")
            else:
                problems.append(f"{where}: {key} is not a CSL variable")
    return problems


def test_csl_json_is_valid_csl_data(cite: Path) -> None:
    data = json.loads(read(cite, f"{DOC_ID}.json"))
    assert csl_problems(data) == []
    item = data[0]
    assert item["id"] == "frus1961-63v11d256"
    assert item["type"] == "chapter"
    # A chapter of a multivolume work, as the Office of the Historian cites it
    # (docs/outputs.md; tests/test_citeproc_js.py renders it).
    assert item["container-title"] == "Foreign Relations of the United States, 1961–1963"
    assert (item["volume"], item["volume-title"]) == ("Volume XI", "Cuban Missile Crisis and Aftermath")
    assert item["number"] == "Document 256" and "page" not in item
    assert not {"collection-title", "collection-number", "collection-editor"} & set(item)
    assert item["editor"][0] == {"family": "Keefer", "given": "Edward C."}
    assert item["issued"] == {"date-parts": [[1996]]}
    assert item["original-date"] == {"date-parts": [[1962, 12, 23]]}
    assert item["accessed"] == {"date-parts": [[ACCESS_DATE.year, ACCESS_DATE.month, ACCESS_DATE.day]]}
    assert item["URL"] == PAGE_URL
    assert not {"archive", "archive_location"} & set(item)  # the source note, not where the reader was
    assert (item["publisher"], item["publisher-place"]) == ("United States Government Printing Office", "Washington")


def test_the_csl_check_catches_invalid_data() -> None:
    assert csl_problems({"id": "x"})
    assert csl_problems([{"id": "x", "type": "telegram"}])
    assert csl_problems([{"id": "x", "type": "book", "editor": [{"first": "A"}]}])
    assert csl_problems([{"id": "x", "type": "book", "issued": {"date-parts": [1962, 12, 23]}}])
    assert csl_problems([{"id": "x", "type": "book", "colour": "red"}])


# --- RIS --------------------------------------------------------------------

def test_ris_has_its_required_tags(cite: Path) -> None:
    lines = read(cite, f"{DOC_ID}.ris").splitlines()
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines
    assert lines[0] == "TY  - CHAP"
    assert lines[-1] == "ER  - "
    tags = {}
    for line in lines:
        tags.setdefault(line[:2], []).append(line[6:])
    for required in ("TI", "T2", "T3", "PY", "PB", "CY", "UR", "VL", "SP", "A2", "Y2"):
        assert required in tags, required
    assert (tags["PY"], tags["SP"], tags["VL"]) == (["1996"], ["Document 256"], ["11"])
    assert tags["M2"] == ["Original Date: 1962-12-23"]
    assert tags["UR"] == [PAGE_URL]
    assert tags["AN"] == ["Department of State, Central Files, 737.56361/12-2362"]


# --- Text and HTML citations --------------------------------------------------

def test_chicago_note_cites_volume_document_and_edition(cite: Path) -> None:
    text = " ".join(read(cite, f"{DOC_ID}.txt").split())
    note = text.split("Chicago, note: ")[1].split(" Chicago, bibliography:")[0]
    assert note == (
        "Telegram 2477 from the United States Mission to the United Nations to the Department of State, "
        "New York, December 23, 1962, 2 p.m., in Foreign Relations of the United States, 1961–1963, vol. 11, "
        "Cuban Missile Crisis and Aftermath, ed. Edward C. Keefer, Charles S. Sampson, and Louis J. Smith "
        "(Washington: United States Government Printing Office, 1996), doc. 256 (source: Department of State, "
        f"Central Files, 737.56361/12-2362), accessed January 15, 2025, {PAGE_URL}.")
    for style in ("Chicago, bibliography:", "MLA (9th edition):", "APA (7th edition):"):
        assert style in text
    assert "Accessed 15 Jan. 2025." in text  # MLA
    assert "Mission to the United Nations. (1996). Telegram From" in text  # APA: the volume's year
    assert text.endswith("(Original work published 1962)")


def test_html_citations_italicise_titles(cite: Path) -> None:
    html = read(cite, f"{DOC_ID}.html")
    assert "<i>Foreign Relations of the United States, 1961–1963</i>" in html
    assert f'<a href="{PAGE_URL}">' in html


def test_a_passage_citation_for_each_paragraph(cite: Path) -> None:
    text = read(cite, f"{DOC_ID}.passages.txt")
    for n in range(1, 18):
        assert f"¶{n}\n" in text
        assert f"para. {n} " in " ".join(text.split())
        assert f"{PAGE_URL}#d256-p{n}." in text.replace("\n", " ")
    assert "¶18" not in text


def test_citations_of_a_generic_document(tmp_path: Path) -> None:
    build_edition(tmp_path, [FIXTURES / "minimal.xml"], formats=("cite",), validate=False)
    library = bibtexparser.parse_string((tmp_path / "cite" / "minimal.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks and library.entries[0].entry_type == "misc"
    assert csl_problems(json.loads((tmp_path / "cite" / "minimal.json").read_text(encoding="utf-8"))) == []
    ris = (tmp_path / "cite" / "minimal.ris").read_text(encoding="utf-8").splitlines()
    assert ris[0] == "TY  - GEN" and ris[-1] == "ER  - "


# --- Passage citations: made once per document, filled in per paragraph -----

def _paragraph_citations(text: str) -> list[list[str]]:
    """For each numbered paragraph of a document: its Chicago note as the build gives it (t:citation, from the
    document's pattern when it can) and as composed the long way (t:styled-citation), both as XML."""
    from toolkit import transform

    saxon = transform._saxon()
    entry = transform.entry_stylesheet().replace("</xsl:stylesheet>", """
  <xsl:template match="/" mode="t:test-passages" as="xs:string*">
    <xsl:variable name="root" as="document-node()" select="."/>
    <xsl:for-each select="//*:text//*:p[t:is-numbered(.)]">
      <xsl:sequence select="serialize(t:citation($root, 'chicago-note', .)) || '|' || serialize(t:styled-citation(
        t:meta($root), 'chicago-note', 'para. ' || t:paragraph-number(.), t:paragraph-id(.)))"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>""")
    stylesheet = saxon.compiler.compile_stylesheet(stylesheet_text=entry, encoding="UTF-8")
    stylesheet.set_initial_mode("{urn:telegram2477:xslt}test-passages")
    stylesheet.set_result_as_raw_value(True)
    saxon.builder.set_base_uri((FIXTURES / "edition" / f"{DOC_ID}.xml").as_uri())
    value = stylesheet.apply_templates_returning_value(xdm_value=saxon.builder.parse_xml(xml_text=text))
    return [item.string_value.split("|") for item in value]


@pytest.mark.parametrize("number", ["7", "3”", "A”.", "iv\ufdd0", "\ufdd1"])
def test_a_passage_citation_is_the_document_s_with_the_paragraph_s_number(number: str) -> None:
    """t:citation fills the document's Chicago note in with a paragraph's number and id; the same text as
    composing the whole note for the paragraph, whatever its number holds (a closing quotation mark, which
    punctuation moves a comma across, or the characters that mark the paragraph's places: the long way)."""
    text = (FIXTURES / "edition" / f"{DOC_ID}.xml").read_text(encoding="utf-8")
    assert 'n="2"' in text
    pairs = _paragraph_citations(text.replace('n="2"', f'n="{number}"', 1))
    assert len(pairs) >= 3
    for made, composed in pairs:
        assert made == composed
    assert all("para. " in made and "#d256-p" in made for made, _ in pairs)
    assert f"para. {number}" in pairs[1][0] or "”" in number  # punctuation may move a full stop into the quotes
