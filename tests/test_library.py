"""One site from many inputs, and every good document of a volume published (issue 18, items 1-2).

The volumes are the real excerpts of tests/fixtures/frus/; a finding is made by
changing a copy in one place, as tests/test_frus_validate.py does. What is
expected is read from the files (document ids, the volume's titles), not
written here. docs/validation.md says which finding keeps what back.
"""

from __future__ import annotations

import re
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


# A pair of volumes built together, from the committed excerpts, each changed in one place: volume V's
# document 37 points to documents 66 and 67 of volume VI, and
# volume VI's document 66 holds an element TEI does not define, which keeps it (alone) back.
POINTS_TO_VI = ("<item>Soviet Crab Meat</item>",
                '<item>Soviet Crab Meat; see <ref target="frus1961-63v06#d66">Document 66</ref> '
                'and <ref target="frus1961-63v06#d67">Document 67</ref>.</item>')
D66_INVALID = ('<div type="document" xml:id="d66" n="66">',
               '<div type="document" xml:id="d66" n="66"><uh-oh>not in the image sequence</uh-oh>')


def pair(tmp_path: Path, d66_invalid: bool = True) -> list[Path]:
    from outputs_support import FRUS_VOLUME_V

    (tmp_path / "v05").mkdir(exist_ok=True)
    (tmp_path / "v06").mkdir(exist_ok=True)
    linking = variant(tmp_path / "v05", FRUS_VOLUME_V, *POINTS_TO_VI)
    linked = variant(tmp_path / "v06", FRUS_VOLUME, *(D66_INVALID if d66_invalid else (D66_INVALID[0],) * 2))
    return [linking, linked]


def links_to_vi(out: Path) -> tuple[list[str], set[str]]:
    """Where volume V's document 37 and the telegram link documents 66 and 67 of volume VI."""
    d37 = html(out / "html" / "frus1961-63v05" / "d37.html").xpath("//main//a/@href")
    telegram = html(out / "html" / "frus1961-63v11-d256.html").xpath("//main//a/@href")
    return ([href for href in d37 if "frus1961-63v06" in href],
            {href for href in telegram if re.search(r"frus1961-63v06/d6[67]\b", href)})


@pytest.mark.parametrize("jobs", [1, 2])  # 2: the inputs made again in workers too (build._settle_site)
def test_a_link_from_another_volume_to_a_document_kept_back_leads_to_history_state_gov(tmp_path: Path,
                                                                                      jobs: int) -> None:
    from outputs_support import LIVE_EDITION

    sources = pair(tmp_path)
    result = build_edition(tmp_path / "out", [LIVE_EDITION.parent, *sources], search_index=False, jobs=jobs)
    assert [problem.rule for problem in result.errors] == ["grammar"]
    assert [list(result.withheld) for result in result.documents if result.withheld] == [["d66"]]
    assert not (tmp_path / "out" / "html" / VOLUME_ID / "d66.html").exists()
    d37, telegram = links_to_vi(tmp_path / "out")
    assert d37 == [f"{HSG}{VOLUME_ID}/d66", f"../{VOLUME_ID}/d67.html", f"../{VOLUME_ID}/index.html"]
    assert telegram == {f"{HSG}{VOLUME_ID}/d66", f"{VOLUME_ID}/d67.html"}
    assert (tmp_path / "out" / "html" / VOLUME_ID / "d67.html").is_file()


def test_a_link_into_a_volume_kept_back_whole_leads_to_history_state_gov(tmp_path: Path) -> None:
    from outputs_support import LIVE_EDITION

    result = build_edition(tmp_path / "out", [LIVE_EDITION.parent, *pair(tmp_path)], strict=True, search_index=False)
    assert not (tmp_path / "out" / "html" / VOLUME_ID).exists() and len(result.built) == 2  # the telegram and volume V
    d37, telegram = links_to_vi(tmp_path / "out")
    assert d37 == [f"{HSG}{VOLUME_ID}/d66", f"{HSG}{VOLUME_ID}/d67", f"{HSG}{VOLUME_ID}"]
    assert telegram == {f"{HSG}{VOLUME_ID}/d66", f"{HSG}{VOLUME_ID}/d67"}


def test_links_follow_a_document_kept_back_from_one_build_to_the_next(tmp_path: Path) -> None:
    # The linking inputs are unchanged between the builds (kept from the cache): their pages are made again
    # only because what they link changed.
    from outputs_support import LIVE_EDITION

    out = tmp_path / "out"
    linking, linked = pair(tmp_path, d66_invalid=False)
    build_edition(out, [LIVE_EDITION.parent, linking, linked], search_index=False)
    assert links_to_vi(out)[1] == {f"{VOLUME_ID}/d66.html", f"{VOLUME_ID}/d67.html"}
    assert pair(tmp_path)[1] == linked  # the same file, now with document 66 invalid
    again = build_edition(out, [LIVE_EDITION.parent, linking, linked], search_index=False)
    assert links_to_vi(out)[1] == {f"{HSG}{VOLUME_ID}/d66", f"{VOLUME_ID}/d67.html"}
    assert links_to_vi(out)[0][0] == f"{HSG}{VOLUME_ID}/d66"
    assert not again.kept
    pair(tmp_path, d66_invalid=False)
    third = build_edition(out, [LIVE_EDITION.parent, linking, linked], search_index=False)
    assert links_to_vi(out)[1] == {f"{VOLUME_ID}/d66.html", f"{VOLUME_ID}/d67.html"}
    assert links_to_vi(out)[0][0] == f"../{VOLUME_ID}/d66.html"
    assert not third.errors


def test_the_site_as_published_answers_each_link_again() -> None:
    from toolkit import site

    surveyed = site.Site({"v5": ["d1", "d2"], "v6": ["d1", "d2"]}, {},
                         {Path("v5.xml"): "v5", Path("v6.xml"): "v6"})
    before = site.links({"a": ("publication", "v5", "d1"), "b": ("publication", "v6", ""),
                         "c": ("publication", "v7", "d1"), "d": ("here", "", "x")}, surveyed.as_json())
    assert before == {"v5#d1": True, "v6": True}  # v7 is not in the build: its links never change
    assert not site.changed(before, site.settled(surveyed, {Path("v5.xml"): {}, Path("v6.xml"): {}}).pages())
    in_part = site.settled(surveyed, {Path("v5.xml"): {"d1": "why"}, Path("v6.xml"): {}})
    assert in_part.published["v5"] == ["d2"] and in_part.withheld == {"v5": {"d1": "why"}}
    assert site.changed(before, in_part.pages())
    whole = site.settled(surveyed, {Path("v5.xml"): {}, Path("v6.xml"): None})
    assert "v6" not in whole.published and site.changed(before, whole.pages())
    assert site.changed({"v5#d1": False}, surveyed.pages())  # published again


# ---------------------------------------------------------------------------
# Registers and chronology (issue 18, items 4-5)
# ---------------------------------------------------------------------------

XML = "http://www.w3.org/XML/1998/namespace"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from outputs_support import EDITION, FRUS_VOLUME_V

    out = tmp_path_factory.mktemp("library")
    result = build_edition(out, [EDITION, FRUS_VOLUME_V, FRUS_VOLUME], validate=False)
    assert not result.errors, [problem.format() for problem in result.errors]
    assert result.library_report == out / "registers-report.txt"
    return out


def naming_pages(source: Path, entry_id: str) -> set[str]:
    """The pages of a volume's documents whose text names the list entry ``entry_id`` (read with lxml)."""
    root = etree.parse(str(source)).getroot()
    volume = root.findtext(".//tei:publicationStmt/tei:idno[@type='frus']", namespaces=NS).strip()
    return {f"{volume}/{div.get(XML_ID)}.html" for div in root.iterfind(".//tei:body//tei:div[@type='document']", NS)
            if div.xpath(".//tei:persName[@corresp = $c]", namespaces=NS, c=f"#{entry_id}")}


def list_entry(source: Path, entry_id: str) -> str:
    root = etree.parse(str(source)).getroot()
    (name,) = root.xpath("//tei:list[@type='names']//tei:persName[@xml:id = $i]", namespaces={**NS, "xml": XML}, i=entry_id)
    return " ".join("".join(name.itertext()).split())


def mention_pages(page: lxml.html.HtmlElement) -> list[str]:
    """The document pages a register page lists, in its order (the first link of each item)."""
    return [item.xpath(".//a/@href")[0].removeprefix("../").split("#")[0]
            for item in page.xpath("//ol[@class='register-mentions']/li")]


@pytest.mark.parametrize(("key", "entries"), [
    ("khrushchev-ns", {"v05": "p_KNS1", "v06": "p_KNS2", "edition": "khrushchev"}),
    ("kuznetsov-vv", {"v05": "p_KVV1", "v06": "p_KVV2", "edition": "kuznetsov"}),
])
def test_one_person_in_two_volumes_and_the_edition_is_one_entry(library: Path, key: str, entries: dict) -> None:
    from outputs_support import EDITION, FRUS_VOLUME_V

    sources = {"v05": FRUS_VOLUME_V, "v06": FRUS_VOLUME}
    expected = set().union(*(naming_pages(sources[volume], entries[volume]) for volume in ("v05", "v06")))
    edition = etree.parse(str(EDITION)).getroot()
    if edition.xpath("//tei:text//*[@ref = $r]", namespaces=NS, r=f"authority.xml#{entries['edition']}"):
        expected.add(f"{edition.get(f'{{{XML}}}id')}.html")
    page = html(library / "html" / "persons" / f"{key}.html")
    listed = mention_pages(page)
    assert sorted(listed) == sorted(expected)
    assert any(path.startswith("frus1961-63v05/") for path in listed) and any(
        path.startswith("frus1961-63v06/") for path in listed)
    # in date order
    dates = [item.xpath("string(.//time/@datetime)") for item in page.xpath("//ol[@class='register-mentions']/li")]
    assert [date for date in dates if date] == sorted(date for date in dates if date)
    # both volumes' spellings are named, and the report says what was merged
    variants = " ".join(page.xpath("string(//p[@class='register-variants'])").split())
    for volume in ("v05", "v06"):
        assert list_entry(sources[volume], entries[volume]) in variants
    report = (library / "registers-report.txt").read_text(encoding="utf-8")
    (line,) = [line for line in report.splitlines() if line.strip().startswith(f"merged {key}:")]
    assert f"#{entries['v05']}" in line and f"#{entries['v06']}" in line and f"edition#{entries['edition']}" in line


@pytest.mark.parametrize(("key", "entries"), [
    ("khrushchev-ns", {"v05": "p_KNS1", "v06": "p_KNS2"}),
    ("kuznetsov-vv", {"v05": "p_KVV1", "v06": "p_KVV2"}),
])
def test_one_person_in_two_volumes_is_one_value_of_the_search_filter(library: Path, key: str, entries: dict) -> None:
    """The search index's person filter is the register's entry: one value, its register page's name, on
    the page of every document the register lists (both volumes and the telegram), though the volumes
    give the person two ids and, for Kuznetsov, two spellings."""
    from outputs_support import FRUS_VOLUME_V, search_fragments

    sources = {"v05": FRUS_VOLUME_V, "v06": FRUS_VOLUME}
    surname = list_entry(FRUS_VOLUME, entries["v06"]).split(",")[0]
    index = search_fragments(library)
    values = {value for record in index.values() for value in record["filters"].get("person", [])
              if value.startswith(surname)}
    (name,) = html(library / "html" / "persons" / f"{key}.html").xpath("//h1/text()")
    assert values == {name}
    filtered = {url.removeprefix("/") for url, record in index.items() if name in record["filters"].get("person", [])}
    assert filtered == set(mention_pages(html(library / "html" / "persons" / f"{key}.html")))
    for volume in ("v05", "v06"):
        assert naming_pages(sources[volume], entries[volume]) <= filtered
    assert "frus1961-63v11-d256.html" in filtered


def test_every_paragraph_link_of_a_register_lands_on_an_element_of_its_page(library: Path) -> None:
    checked = 0
    for register in ("persons", "places", "organisations"):
        for path in (library / "html" / register).glob("*.html"):
            for href in html(path).xpath("//ol[@class='register-mentions']//a[contains(@href, '#')]/@href"):
                target, _, anchor = href.removeprefix("../").partition("#")
                assert html(library / "html" / target).xpath("//*[@id = $a]", a=anchor), href
                checked += 1
    assert checked > 50


def test_the_json_register_agrees_with_the_pages(library: Path) -> None:
    import json

    data = json.loads((library / "html" / "persons" / "index.json").read_text(encoding="utf-8"))
    assert data["kind"] == "person"
    index = html(library / "html" / "persons" / "index.html")
    assert sorted(entry["page"].removeprefix("persons/") for entry in data["entries"]) == sorted(
        index.xpath("//ul[@class='register-entries']//a/@href"))
    for entry in data["entries"]:
        page = html(library / "html" / entry["page"])
        assert [mention["page"] for mention in entry["mentions"]] == mention_pages(page)


def test_a_names_card_links_its_register_page(library: Path) -> None:
    for page in ("frus1961-63v11-d256.html", "frus1961-63v06/d66.html", "frus1961-63v05/d48.html"):
        links = html(library / "html" / page).xpath("//section[@id='names']//a[@class='register-link']/@href")
        assert links
        for link in links:
            assert (library / "html" / page).parent.joinpath(link).resolve().is_file(), (page, link)


def test_the_chronology_lists_every_dated_document_under_its_month(library: Path) -> None:
    import json

    index = html(library / "html" / "chronology" / "index.html")
    undated = [href.removeprefix("../") for href in index.xpath("//section[@aria-labelledby='undated']//a/@href")]
    assert "frus1961-63v05/d276.html" in undated  # an editorial note without a date
    telegram = html(library / "html" / "chronology" / "1962.html")
    (december,) = telegram.xpath("//section[h2[normalize-space() = 'December 1962']]")
    assert "../frus1961-63v11-d256.html" in december.xpath(".//a/@href")
    data = json.loads((library / "html" / "persons" / "index.json").read_text(encoding="utf-8"))
    dated = {mention["page"]: mention["when"] for entry in data["entries"] for mention in entry["mentions"]
             if mention.get("when")}
    for page, when in dated.items():
        year, month = when[:4], when[5:7]
        heading = html(library / "html" / "chronology" / f"{year}.html").xpath(
            "//section[.//a/@href = $p]/h2/@id", p=f"../{page}")
        assert heading == [f"m{year}-{month}"], (page, when)


def test_near_misses_are_reported_not_merged() -> None:
    from toolkit import library

    entries = {key: library.Entry("person", key, {name: [f"test#{key}"]})
               for key, name in (("khrushchev-ns", "Khrushchev, Nikita S."), ("khrushchev-n", "Khrushchev, Nikita"),
                                 ("khrushchov-ns", "Khrushchov, N. S."), ("kennedy-jf", "Kennedy, John F."),
                                 ("kennedy-rf", "Kennedy, Robert F."))}
    pairs = {(first.key, second.key) for first, second, _ in library.near_misses(entries)}
    assert pairs == {("khrushchev-n", "khrushchev-ns"), ("khrushchev-ns", "khrushchov-ns"),
                     ("khrushchev-n", "khrushchov-ns")}


def test_registers_and_chronology_are_remade_from_kept_inputs(tmp_path: Path) -> None:
    # A second build keeps every input (toolkit/cache.py): the site-wide pages come from their kept records.
    from outputs_support import EDITION

    out = tmp_path / "out"
    build_edition(out, [EDITION, FRUS_VOLUME], validate=False)
    first = {path.relative_to(out): path.read_bytes() for folder in ("persons", "chronology")
             for path in (out / "html" / folder).glob("*")}
    again = build_edition(out, [EDITION, FRUS_VOLUME], validate=False)
    assert all(document.kept for document in again.documents if not document.skipped)
    second = {path.relative_to(out): path.read_bytes() for folder in ("persons", "chronology")
              for path in (out / "html" / folder).glob("*")}
    assert second == first and len(first) > 10


# ---------------------------------------------------------------------------
# The telegram in its context (issue 18, item 6): the live edition's markup
# ---------------------------------------------------------------------------

HSG = "https://history.state.gov/historicaldocuments/"


def telegram_targets() -> set[str]:
    """Every web address the live telegram's refs name (read with lxml)."""
    from outputs_support import LIVE_EDITION

    root = etree.parse(str(LIVE_EDITION)).getroot()
    return {token for value in root.xpath("//tei:text//tei:ref/@target", namespaces=NS)
            for token in value.split() if token.startswith("https://")}


def test_built_with_volume_vi_the_telegram_links_the_letters_locally(tmp_path: Path) -> None:
    from outputs_support import LIVE_EDITION

    letters = {target for target in telegram_targets() if target.startswith(HSG + VOLUME_ID + "/")}
    in_excerpt = {f"{HSG}{VOLUME_ID}/{identifier}" for identifier in document_ids(FRUS_VOLUME)}
    assert len(letters) == 4 and letters <= in_excerpt  # documents 66-69, all in the excerpt
    build_edition(tmp_path / "together", [LIVE_EDITION.parent, FRUS_VOLUME])
    hrefs = set(html(tmp_path / "together" / "html" / "frus1961-63v11-d256.html").xpath("//main//a/@href"))
    local = {f"{VOLUME_ID}/{target.rsplit('/', 1)[1]}.html" for target in letters}
    assert local <= hrefs and not letters & hrefs
    assert all((tmp_path / "together" / "html" / page).is_file() for page in local)

    build_edition(tmp_path / "alone", [LIVE_EDITION.parent])
    hrefs = set(html(tmp_path / "alone" / "html" / "frus1961-63v11-d256.html").xpath("//main//a/@href"))
    assert letters <= hrefs and not local & hrefs
    statements = {target for target in telegram_targets() if not target.startswith(HSG)}
    assert len(statements) == 2 and statements <= hrefs  # the White House's and the President's: their own addresses


def test_a_frus_address_that_names_no_volume_or_document_is_an_error(tmp_path: Path) -> None:
    from outputs_support import LIVE_EDITION
    from toolkit import validate

    folder = tmp_path / "tei"
    folder.mkdir()
    (folder / "authority.xml").write_bytes((LIVE_EDITION.parent / "authority.xml").read_bytes())
    text = LIVE_EDITION.read_text(encoding="utf-8")
    good = f'{HSG}{VOLUME_ID}/d66"'
    assert good in text
    (folder / LIVE_EDITION.name).write_text(text.replace(good, f'{HSG}{VOLUME_ID}/d66/print"', 1), encoding="utf-8")
    report = validate.validate_paths([folder], jobs=1)
    assert [problem.rule for problem in report.errors] == ["ref-frus-address"]
    assert f"{VOLUME_ID}/d66/print" in report.errors[0].message


def test_one_key_keeps_apart_persons_whose_given_names_differ(tmp_path: Path) -> None:
    # Volume V lists both Theodore C. and Thomas C. Sorensen (p_STC1, p_STC2): one key, two persons;
    # "Vasili" and "Vasily" Kuznetsov are one person, and so is an entry that gives initials only.
    from toolkit import library

    def record(page: str, *names: tuple[str, str, str]) -> str:
        items = "".join(f'<t:name kind="person" key="{key}" name="{name}" given="{given}" source="{page}#{given}">'
                        f'<t:at id="p1" label="¶1"/></t:name>' for key, name, given in names)
        return f'<t:records xmlns:t="urn:telegram2477:xslt"><t:record page="{page}">{items}</t:record></t:records>'

    found = library.registers(library.parse_records([
        record("a.html", ("sorensen-tc", "Sorensen, Theodore C.", "theodore"),
               ("kuznetsov-vv", "Kuznetsov, Vasili V.", "vasili")),
        record("b.html", ("sorensen-tc", "Sorensen, Thomas C.", "thomas"),
               ("kuznetsov-vv", "Kuznetsov, Vasily V.", "vasily"), ("sorensen-tc", "Sorensen, T. C.", "t")),
    ]))["person"]
    assert sorted(found) == ["kuznetsov-vv", "sorensen-tc", "sorensen-tc~2"]
    assert set(found["kuznetsov-vv"].mentions) == {"a.html", "b.html"}
    assert set(found["sorensen-tc"].variants) == {"Sorensen, Theodore C.", "Sorensen, T. C."}
    assert set(found["sorensen-tc~2"].variants) == {"Sorensen, Thomas C."}
    (miss,) = [why for first, second, why in library.near_misses(found) if first.key == second.key]
    assert "theodore" in miss and "thomas" in miss
    # the register's index links each person of the shared key to its section of the key's page, and
    # the search index's person filter has one value per entry, as the register names it
    from toolkit import transform

    records = library.parse_records([
        record("a.html", ("sorensen-tc", "Sorensen, Theodore C.", "theodore"), ("kuznetsov-vv", "Kuznetsov, Vasili V.", "vasili")),
        record("b.html", ("sorensen-tc", "Sorensen, Thomas C.", "thomas"), ("kuznetsov-vv", "Kuznetsov, Vasily V.", "vasily")),
    ])
    registers = library.registers(records)
    pages = {item.name: item.content for item in transform.library_pages(library.manifest(records, registers), tmp_path)}
    links = lxml.html.fromstring(pages["persons/index.html"]).xpath("//ul[@class='register-entries']//a/@href")
    assert sorted(links) == ["kuznetsov-vv.html", "sorensen-tc.html#person-1", "sorensen-tc.html#person-2"]
    assert lxml.html.fromstring(pages["persons/sorensen-tc.html"]).xpath("//section/h2/@id") == ["person-1", "person-2"]
    filters = library.search_filters(records, registers)
    kuznetsov = registers["person"]["kuznetsov-vv"].name
    assert filters["a.html"]["person"] == [kuznetsov, "Sorensen, Theodore C."]
    assert filters["b.html"]["person"] == [kuznetsov, "Sorensen, Thomas C."]


@pytest.mark.parametrize("sizes, jobs, saxon_here, workers", [
    ([3_396, 632_772, 4_017, 7_694, 361_251], 2, False, 1),  # the edition and three volumes: 1 MB of manifests
    ([9 << 20, 1 << 20], 2, False, 2),
    ([9 << 20, 1 << 20], 8, False, 2),  # one a 4 MB
    ([9 << 20], 1, False, 0),  # --jobs 1: all in the command's process
    ([9 << 20], 2, True, 0),  # the documents were transformed here: Saxon is loaded already
])
def test_the_site_wide_pages_start_no_more_workers_than_their_work_is_worth(sizes, jobs, saxon_here, workers) -> None:
    from toolkit import build

    assert build.site_workers(sizes, jobs, saxon_here) == workers


def test_a_build_of_a_few_documents_makes_its_site_pages_without_a_worker(tmp_path: Path, monkeypatch) -> None:
    """The edition's documents are transformed in the command's own process, so its index page, registers and
    chronology are made there too: before, two worker processes started to load Saxon and compile the
    stylesheet again for them (1.7-2.3 of the 3.5-4.5 s a build of the edition took)."""
    from toolkit import pool

    started = []
    original = pool._Pool._start
    monkeypatch.setattr(pool._Pool, "_start", lambda self: started.append(self) or original(self))
    build_edition(tmp_path / "out", jobs=2, search_index=False)
    assert started == []
    assert "Zorin" in (tmp_path / "out" / "html" / "persons" / "index.html").read_text(encoding="utf-8")
