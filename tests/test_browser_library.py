"""The library's site-wide pages in a real browser (issue 18): registers, chronology, and the
telegram among the documents it discusses.

One site is built from the live edition (tei/) and the excerpts of FRUS volumes V and VI
(tests/fixtures/frus/): Khrushchev's register page lists the telegram and documents of both
volumes; the chronology lists the telegram under December 1962; the telegram links the letters of
volume VI it discusses to their local pages. The register, chronology and contents pages load
cleanly and locally, every link resolves, they work from file:// with JavaScript off, have no
horizontal scrolling on a phone, and axe-core finds no serious or critical violation in either
colour scheme. Harness: tests/browser_support.py (Debian's Chromium through Playwright).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from browser_support import DESKTOP, FRUS_VOLUME, FRUS_VOLUME_V, MOBILE, build_library, serve

TEI = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
TELEGRAM = "html/frus1961-63v11-d256.html"
KHRUSHCHEV = "html/persons/khrushchev-ns.html"
PAGES = ["html/persons/index.html", KHRUSHCHEV, "html/places/index.html", "html/organisations/index.html",
         "html/chronology/index.html", "html/chronology/1962.html", "html/index.html", TELEGRAM]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_library(tmp_path_factory.mktemp("library-site"))


@pytest.fixture(scope="module")
def origin(site: Path):
    with serve(site) as url:
        yield url


# browser: the session's one (conftest.py): two Playwright sessions cannot run in one process.


@pytest.fixture
def open_page(new_page):
    """open_page(url, viewport=DESKTOP) -> (page, errors): script errors, console errors and HTTP errors."""

    def open_(url: str, viewport: dict = DESKTOP, **options):
        page, log = new_page(viewport, **options)
        page.goto(url, wait_until="load")
        return page, log.page_errors + log.console_errors + log.http_errors

    return open_


def volume_pages(source: Path, entry: str) -> set[str]:
    """The pages of the documents of a volume excerpt that name a list entry (read with lxml)."""
    root = etree.parse(str(source)).getroot()
    volume = root.findtext(".//tei:publicationStmt/tei:idno[@type='frus']", namespaces=NS).strip()
    return {f"{volume}/{div.get(XML_ID)}.html" for div in root.iterfind(".//tei:body//tei:div[@type='document']", NS)
            if div.xpath(".//tei:persName[@corresp = $c]", namespaces=NS, c=f"#{entry}")}


def listed(page) -> list[str]:
    return page.eval_on_selector_all("ol.register-mentions > li > a:first-of-type",
                                     "links => links.map(a => a.getAttribute('href').replace('../', ''))")


def test_khrushchevs_page_lists_the_telegram_and_documents_of_volumes_v_and_vi(open_page, origin: str) -> None:
    page, errors = open_page(f"{origin}/{KHRUSHCHEV}")
    assert page.locator("h1").inner_text().startswith("Khrushchev")
    found = set(listed(page))
    assert "frus1961-63v11-d256.html" in found
    for source, entry in ((FRUS_VOLUME_V, "p_KNS1"), (FRUS_VOLUME, "p_KNS2")):
        expected = volume_pages(source, entry)
        assert expected and expected <= found, (source.name, expected - found)
    # the reader gets there from the telegram: the name's card links the register page
    telegram, _ = open_page(f"{origin}/{TELEGRAM}")
    telegram.locator('#text a.name.person[href="#person-khrushchev"]').first.click()
    telegram.locator("#card a.register-link").click()
    telegram.wait_for_url(re.compile(r"/persons/khrushchev-ns\.html$"))
    assert errors == []


def test_the_chronology_lists_the_telegram_under_december_1962(open_page, origin: str) -> None:
    page, errors = open_page(f"{origin}/html/chronology/index.html")
    page.get_by_role("link", name="1962", exact=True).click()
    page.wait_for_url(re.compile(r"/chronology/1962\.html$"))
    december = page.locator("section", has=page.get_by_role("heading", name="December 1962", exact=True))
    item = december.locator("li").filter(has=page.locator('a[href="../frus1961-63v11-d256.html"]'))
    assert item.count() == 1
    assert "December 23, 1962" in item.inner_text()
    assert errors == []


@pytest.mark.parametrize("path", PAGES)
def test_every_link_resolves_and_nothing_leaves_the_site(open_page, origin: str, path: str) -> None:
    page, errors = open_page(f"{origin}/{path}")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.reload(wait_until="networkidle")
    assert all(url.startswith(origin) or url.startswith("data:") for url in requests), requests
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => [a.getAttribute('href'), a.href])")
    assert links
    broken = []
    for raw, resolved in links:
        if raw.startswith("#"):
            if not page.evaluate("id => document.getElementById(id) !== null", raw[1:]):
                broken.append(raw)
        elif resolved.startswith(origin):
            target, _, anchor = resolved.partition("#")
            response = page.request.get(target)
            if response.status != 200 or (anchor and f'id="{anchor}"' not in response.text()):
                broken.append(raw)
    assert broken == [] and errors == []


@pytest.mark.parametrize("path", [KHRUSHCHEV, "html/chronology/1962.html", "html/persons/index.html"])
def test_from_file_without_javascript(open_page, site: Path, path: str) -> None:
    page, _ = open_page((site / path).as_uri(), java_script_enabled=False)
    assert page.locator("main li").count() > 1
    first = page.locator("main li a").first
    first.click()
    assert page.url.startswith("file://") and page.locator("h1").count() == 1


@pytest.mark.parametrize("path", [KHRUSHCHEV, "html/chronology/1962.html", "html/persons/index.html"])
def test_no_horizontal_scrolling_on_a_phone(open_page, origin: str, path: str) -> None:
    page, _ = open_page(f"{origin}/{path}", MOBILE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path, viewport", [
    (KHRUSHCHEV, DESKTOP), ("html/persons/index.html", MOBILE), (TELEGRAM, DESKTOP), (TELEGRAM, MOBILE), ("html/chronology/index.html", DESKTOP),
    ("html/chronology/1962.html", MOBILE), ("html/index.html", DESKTOP), ("html/frus1961-63v05/index.html", DESKTOP),
])
def test_axe_finds_no_serious_or_critical_violations(open_page, origin: str, axe_js: Path, path: str,
                                                     viewport: dict, scheme: str) -> None:
    page, _ = open_page(f"{origin}/{path}", viewport, color_scheme=scheme)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    luminance = sum(int(c) for c in re.findall(r"\d+", background)[:3])
    assert (luminance < 200) == (scheme == "dark"), f"{scheme} scheme, body background {background}"
    page.add_script_tag(path=str(axe_js))
    serious = [v for v in page.evaluate(AXE_RUN) if v["impact"] in ("serious", "critical")]
    assert serious == [], "axe-core: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in serious)


def test_built_with_volume_vi_the_telegram_links_the_letters_locally(open_page, origin: str, site: Path) -> None:
    page, errors = open_page(f"{origin}/{TELEGRAM}")
    letters = page.eval_on_selector_all("#text sup.ref-targets a", "links => links.map(a => a.getAttribute('href'))")
    volume = etree.parse(str(FRUS_VOLUME)).getroot()
    heads = {f"frus1961-63v06/{div.get(XML_ID)}.html": " ".join("".join(div.find("tei:head", NS).xpath(
                 "text() | *[not(self::tei:note)]//text()", namespaces=NS)).split())
             for div in volume.iterfind(".//tei:body//tei:div[@type='document']", NS)}
    local = {href for href in letters if href.startswith("frus1961-63v06/")}
    assert local == {f"frus1961-63v06/d{n}.html" for n in (66, 67, 68, 69)}
    # a reader follows the first "66" and lands on Khrushchev's letter of October 27
    page.locator('#text sup.ref-targets a[href="frus1961-63v06/d66.html"]').first.click()
    page.wait_for_url(re.compile(r"/frus1961-63v06/d66\.html$"))
    assert heads["frus1961-63v06/d66.html"].endswith(page.locator("h1").inner_text().strip())
    assert "October 27, 1962" in page.locator("main").inner_text()
    assert errors == []
