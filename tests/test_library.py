"""One site from many inputs, and every good document of a volume published (issue 18, items 1-2).

The volumes are the real excerpts of tests/fixtures/frus/; a finding is made by
changing a copy in one place, as tests/test_frus_validate.py does. What is
expected is read from the files (document ids, the volume's titles), not
written here. docs/validation.md says which finding keeps what back.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from outputs_support import FRUS_SUPPLEMENT, FRUS_VOLUME, build_edition
from toolkit import cli

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SUPPLEMENT_ID = "frus1961-63v10-12mSupp"
VOLUME_ID = "frus1961-63v06"

pytestmark = pytest.mark.usefixtures("tei_all_rng")


def document_ids(path: Path) -> list[str]:
    return [div.get(XML_ID) for div in etree.parse(str(path)).getroot().iterfind(".//tei:body//tei:div[@type='document']", NS)]


def variant(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def pages(out: Path, volume: str) -> list[str]:
    return sorted(path.stem for path in (out / "html" / volume).glob("d*.html"))


def html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


# An element TEI does not define inside document 581 of the supplement: the
# supplement's encoders left 17 such notes (<uh-oh>) in the real volume.
UH_OH = ('<frus:pdf bytes="215230"', '<uh-oh>page 3 is not in the image sequence</uh-oh><frus:pdf bytes="215230"')


def test_a_document_with_an_error_is_left_out_alone(tmp_path: Path) -> None:
    source = variant(tmp_path, FRUS_SUPPLEMENT, *UH_OH)
    result = build_edition(tmp_path / "out", [source])
    assert [problem.rule for problem in result.errors] == ["grammar"]
    expected = [identifier for identifier in document_ids(source) if identifier != "d581"]
    assert pages(tmp_path / "out", SUPPLEMENT_ID) == sorted(expected)
    assert result.documents[0].withheld.keys() == {"d581"}
    assert "kept back" in result.summary()

    contents = html(tmp_path / "out" / "html" / SUPPLEMENT_ID / "index.html")
    (entry,) = contents.xpath("//li[@class='withheld']")
    assert entry.get("value") == "581"
    assert "<uh-oh> is not a TEI element" in entry.text_content()
    (link,) = entry.xpath(".//a/@href")
    assert link == f"https://history.state.gov/historicaldocuments/{SUPPLEMENT_ID}/d581"
    # its neighbours skip it in their previous / next links
    for neighbour in ("d580", "d582"):
        hrefs = html(tmp_path / "out" / "html" / SUPPLEMENT_ID / f"{neighbour}.html").xpath("//nav[@class='sequence']//a/@href")
        assert "d581.html" not in hrefs


def test_strict_publishes_nothing_of_a_volume_with_an_error(tmp_path: Path) -> None:
    source = variant(tmp_path, FRUS_SUPPLEMENT, *UH_OH)
    result = build_edition(tmp_path / "out", [source], strict=True)
    assert result.errors and not result.built
    assert not (tmp_path / "out" / "html" / SUPPLEMENT_ID).exists()


def test_cli_strict_exit_code_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = variant(tmp_path, FRUS_SUPPLEMENT, *UH_OH)
    out = tmp_path / "out"
    assert cli.main(["build", "--jobs", "1", "--out", str(out), str(source)]) == 1
    assert "1 document of volumes kept back" in capsys.readouterr().err
    assert (out / "html" / SUPPLEMENT_ID / "d580.html").is_file()


def test_a_pointer_that_leads_nowhere_is_plain_text_on_a_published_page(tmp_path: Path) -> None:
    # The real supplement's front matter has target="d346" (no "#"); here it stands in a document.
    old = "<head>581. Telegram 2416 from USUN, December 19."
    source = variant(tmp_path, FRUS_SUPPLEMENT, old,
                     old + ' See <ref target="d999">document 999</ref> and <ref target="#d998">998</ref>.')
    result = build_edition(tmp_path / "out", [source])
    assert {problem.rule for problem in result.errors} == {"frus-ref"}
    assert pages(tmp_path / "out", SUPPLEMENT_ID) == sorted(document_ids(source))
    page = html(tmp_path / "out" / "html" / SUPPLEMENT_ID / "d581.html")
    assert "document 999" in page.text_content()
    assert not [href for href in page.xpath("//a/@href") if "99" in href]


def test_a_missing_source_note_is_reported_and_the_page_published(tmp_path: Path) -> None:
    tree = etree.parse(str(FRUS_VOLUME))
    note = tree.getroot().find(".//tei:div[@xml:id='d66']/tei:head/tei:note", {**NS, "xml": "http://www.w3.org/XML/1998/namespace"})
    note.getparent().remove(note)
    source = tmp_path / FRUS_VOLUME.name
    tree.write(str(source), encoding="UTF-8", xml_declaration=True)
    result = build_edition(tmp_path / "out", [source])
    assert [problem.rule for problem in result.errors] == ["frus-source-note"]
    assert pages(tmp_path / "out", VOLUME_ID) == sorted(document_ids(source))


def test_an_error_in_the_header_keeps_back_the_whole_volume(tmp_path: Path) -> None:
    source = variant(tmp_path, FRUS_SUPPLEMENT, "<titleStmt>", "<titleStmt><uh-oh/>")
    result = build_edition(tmp_path / "out", [source])
    assert result.errors and not result.built
    assert not (tmp_path / "out" / "html" / SUPPLEMENT_ID).exists()


def test_one_site_lists_the_edition_and_the_volumes_by_series(tmp_path: Path) -> None:
    from outputs_support import EDITION

    build_edition(tmp_path / "out", [EDITION, FRUS_VOLUME, FRUS_SUPPLEMENT], validate=False)
    index = html(tmp_path / "out" / "html" / "index.html")
    assert index.xpath("//section[@aria-labelledby='documents-heading']//a/@href")[0] == "frus1961-63v11-d256.html"
    volumes = index.xpath("//section[@aria-labelledby='volumes-heading']")[0]
    titles = {}
    for source in (FRUS_VOLUME, FRUS_SUPPLEMENT):
        header = etree.parse(str(source)).getroot().find("tei:teiHeader/tei:fileDesc/tei:titleStmt", NS)
        titles[source] = {title.get("type"): " ".join("".join(title.itertext()).split()) for title in header}
    (series,) = {found["series"] for found in titles.values()}
    (subseries,) = {found["subseries"] for found in titles.values()}
    assert volumes.xpath("normalize-space(.//h3)") == series
    assert volumes.xpath("normalize-space(.//h4)") == subseries
    links = volumes.xpath(".//ul[@class='volumes']//a")
    # in the order of the volume numbers: VI before X-XII
    assert [link.get("href") for link in links] == [f"{VOLUME_ID}/index.html", f"{SUPPLEMENT_ID}/index.html"]
    assert links[0].text_content().startswith(titles[FRUS_VOLUME]["volumenumber"])


def test_a_link_into_a_volume_of_the_build_is_local_and_else_history_state_gov(tmp_path: Path) -> None:
    old = "<head>581. Telegram 2416 from USUN, December 19."
    new = old + ' See <ref target="frus1961-63v06#d66">the letter</ref> and <ref target="frus1961-63v06">volume VI</ref>.'
    source = variant(tmp_path, FRUS_SUPPLEMENT, old, new)
    build_edition(tmp_path / "together", [source, FRUS_VOLUME], validate=False)
    page = html(tmp_path / "together" / "html" / SUPPLEMENT_ID / "d581.html")
    hrefs = page.xpath("//a/@href")
    assert "../frus1961-63v06/d66.html" in hrefs and "../frus1961-63v06/index.html" in hrefs
    assert (tmp_path / "together" / "html" / "frus1961-63v06" / "d66.html").is_file()

    build_edition(tmp_path / "alone", [source], validate=False)
    hrefs = html(tmp_path / "alone" / "html" / SUPPLEMENT_ID / "d581.html").xpath("//a/@href")
    assert "https://history.state.gov/historicaldocuments/frus1961-63v06/d66" in hrefs
    assert "https://history.state.gov/historicaldocuments/frus1961-63v06" in hrefs
