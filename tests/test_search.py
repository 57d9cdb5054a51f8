"""The search index a build writes (toolkit/search.py, xslt/search.xsl), read back without a browser.

Pagefind stores each indexed page as a "fragment": gzip of ``pagefind_dcd`` and a
JSON record (url, content, filters, meta, anchors). The tests read those files
themselves (outputs_support.search_fragments), as an oracle independent of Pagefind's JavaScript, and compare them
with what the sources say (read with lxml): the titles, the people each document
names, its date. The browser tests (tests/test_search_browser.py) search the
same site through Pagefind's JavaScript API and the search page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from browser_support import FRUS_SUPPLEMENT, FRUS_VOLUME
from outputs_support import search_entries, search_fragments as fragments, search_page_count
from toolkit.paths import PROJECT_ROOT

TEI = {"tei": "http://www.tei-c.org/ns/1.0"}
EDITION = PROJECT_ROOT / "tei" / "frus1961-63v11-d256.xml"
TELEGRAM = "/frus1961-63v11-d256.html"


# site: the site of the browser tests (conftest.py), built once per session.


@pytest.fixture(scope="module")
def index(site: Path) -> dict[str, dict]:
    return fragments(site)


def volume_documents(path: Path) -> list[etree._Element]:
    return etree.parse(str(path)).getroot().findall(".//tei:body//tei:div[@type='document']", TEI)


def test_every_document_page_and_nothing_else_is_indexed(site: Path, index: dict[str, dict]) -> None:
    folders = {FRUS_VOLUME: "frus1961-63v06", FRUS_SUPPLEMENT: "frus1961-63v10-12mSupp"}
    expected = {TELEGRAM} | {f"/{folder}/{div.get('{http://www.w3.org/XML/1998/namespace}id')}.html"
                             for volume, folder in folders.items() for div in volume_documents(volume)}
    assert set(index) == expected
    assert search_page_count(site) == len(expected)
    assert (site / "html" / "pagefind" / "pagefind-highlight.js").is_file()


def test_the_reading_text_is_indexed_without_the_page_furniture(index: dict[str, dict]) -> None:
    telegram = index[TELEGRAM]["content"]
    # the reading text: expansions and corrections, not the source's forms beside them
    assert "Soviets" in telegram and "Sovs" not in telegram.split()
    assert "Kuznetsov" in telegram and "Kuzentsov" not in telegram
    for furniture in ("¶", "Reading text:", "Diplomatic text:", "Cite this document", "Highlight people",
                      "People, places and organisations", "[Page"):
        assert furniture not in telegram, furniture
    # the notes and the source note are searched too
    assert "737.56361/12-2362" in telegram
    for record in index.values():
        assert "[Page" not in record["content"] and "¶" not in record["content"]


def test_the_filters_of_the_telegram(index: dict[str, dict]) -> None:
    filters = index[TELEGRAM]["filters"]
    assert filters["volume"] == ["FRUS 1961–1963, vol. XI"]
    assert filters["year"] == ["1962"]
    assert filters["type"] == ["telegram"]
    assert {"Kuznetsov, Vasily V.", "Khrushchev, Nikita S.", "Kennedy, John F.", "U Thant"} <= set(filters["person"])
    assert {"New York", "Moscow", "Cuba"} <= set(filters["place"])
    meta = index[TELEGRAM]["meta"]
    assert meta["title"] == "Telegram From the Mission to the United Nations to the Department of State"
    assert meta["printed"] == "FRUS 1961–1963, vol. XI, doc. 256"
    assert meta["datetime"] == "1962-12-23"


def test_the_filters_of_a_volume_follow_its_markup(index: dict[str, dict]) -> None:
    """Year from each document's dateline; persons from its persName/@corresp into the list of
    names (in the list's own form, "Kuznetsov, Vasily V."); volume from the header."""
    root = etree.parse(str(FRUS_VOLUME)).getroot()
    names = {item.get("{http://www.w3.org/XML/1998/namespace}id"): " ".join("".join(item.itertext()).split())
             for item in root.iterfind(".//tei:div[@xml:id='persons']//tei:persName[@xml:id]",
                                       {**TEI, "xml": "http://www.w3.org/XML/1998/namespace"})}
    for div in volume_documents(FRUS_VOLUME):
        record = index[f"/frus1961-63v06/{div.get('{http://www.w3.org/XML/1998/namespace}id')}.html"]
        filters = record["filters"]
        assert filters["volume"] == ["FRUS 1961–1963, vol. VI"]
        whens = div.xpath("(tei:dateline | tei:opener/tei:dateline)//tei:date/@when", namespaces=TEI)
        assert filters.get("year", []) == ([whens[0][:4]] if whens else [])
        pointed = {names[ref[1:]] for ref in div.xpath(".//tei:persName/@corresp", namespaces=TEI)
                   if ref[1:] in names}
        assert set(filters.get("person", [])) == {name.rstrip(",") for name in pointed}


@pytest.mark.parametrize("page, kind", [
    ("/frus1961-63v06/d66.html", "letter"),           # "Letter From Chairman Khrushchev to President Kennedy"
    ("/frus1961-63v06/d67.html", "telegram"),         # "Telegram From the Department of State to ..."
    ("/frus1961-63v10-12mSupp/d581.html", "telegram"),  # "Telegram 2416 from USUN, December 19. ..."
    ("/frus1961-63v10-12mSupp/d579.html", "memorandum"),
])
def test_the_type_comes_from_the_title(index: dict[str, dict], page: str, kind: str) -> None:
    record = index[page]
    assert record["filters"]["type"] == [kind], record["meta"]["title"]
    first_words = record["meta"]["title"].lower().split()[:5]
    assert any(word.startswith(kind) for word in first_words)


def test_paragraph_ids_are_anchors_of_the_index(site: Path, index: dict[str, dict]) -> None:
    """A result can link to the paragraph: the page's ¶ ids are anchors, at the word they start at."""
    anchors = {anchor["id"]: anchor for anchor in index[TELEGRAM]["anchors"]}
    page = (site / "html" / TELEGRAM.lstrip("/")).read_text(encoding="utf-8")
    for number in range(1, 5):
        assert f'id="d256-p{number}"' in page
        assert anchors[f"d256-p{number}"]["element"] == "p"
    assert anchors["d256-p1"]["location"] < anchors["d256-p2"]["location"]


def test_every_page_has_a_search_box_that_reaches_the_search_page(site: Path) -> None:
    html = site / "html"
    pages = [html / "index.html", html / "frus1961-63v11-d256.html", html / "frus1961-63v06" / "d67.html",
             html / "frus1961-63v06" / "index.html"]
    for page in pages:
        tree = etree.parse(str(page), etree.HTMLParser())
        forms = tree.xpath("//header//form[@role='search']")
        assert len(forms) == 1, page
        assert forms[0].get("method") == "get"
        assert forms[0].xpath(".//input[@name='q'][@type='search']/@id") == forms[0].xpath(".//label/@for")
        assert (page.parent / forms[0].get("action")).resolve() == (html / "search" / "index.html").resolve()


def _build(out: Path, *paths: Path, env: dict | None = None, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", "build", "--out", str(out), "--format", "html",
                           *extra, *map(str, paths)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_a_new_build_replaces_the_index_whole_and_no_search_keeps_it(tmp_path: Path) -> None:
    first = _build(tmp_path, EDITION, FRUS_SUPPLEMENT)
    assert first.returncode == 0, first.stderr
    assert "search index of 7 pages" in first.stderr
    before = set(fragments(tmp_path))
    assert len(before) == 7
    second = _build(tmp_path, EDITION)  # the supplement is no longer built with it; its pages stay
    assert second.returncode == 0, second.stderr
    assert set(fragments(tmp_path)) == before
    files = list((tmp_path / "html" / "pagefind").rglob("fragment/*"))
    assert len(files) == 7, "the folder of the earlier index was not replaced"
    (tmp_path / "html" / "frus1961-63v11-d256.html").unlink()
    kept = _build(tmp_path, FRUS_SUPPLEMENT, extra=("--no-search",))
    assert kept.returncode == 0 and "search index" not in kept.stderr
    assert set(fragments(tmp_path)) == before
    assert not list(tmp_path.glob(".teikit-staging-*"))


def test_without_pagefind_the_build_fails_cleanly_and_changes_nothing(tmp_path: Path) -> None:
    result = _build(tmp_path, EDITION, env={"PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind")})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "the search index cannot be built" in result.stderr and "--no-search" in result.stderr
    assert not (tmp_path / "html").exists()
    assert not list(tmp_path.glob(".teikit-staging-*"))


def test_documents_in_several_languages_make_one_index(tmp_path: Path) -> None:
    """Pagefind makes an index per language, and a search page reads only one: the build makes one,
    in the language of most pages, so that every document can be found from the search page."""
    text = (PROJECT_ROOT / "tests" / "fixtures" / "outputs" / "minimal.xml").read_text(encoding="utf-8")
    sources = tmp_path / "sources"
    sources.mkdir()
    for name, language, words in (("one", "en", "Hello, world."), ("two", "en", "Good morning."),
                                  ("trois", "fr", "Bonjour, Kouznetsov.")):
        (sources / f"{name}.xml").write_text(text.replace("<TEI ", f'<TEI xml:lang="{language}" ')
                                             .replace("Hello, world.", words), encoding="utf-8")
    result = _build(tmp_path / "out", sources, extra=("--no-validate",))
    assert result.returncode == 0, result.stderr
    entry = json.loads((tmp_path / "out" / "html" / "pagefind" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == 3
    assert "Bonjour, Kouznetsov." in fragments(tmp_path / "out")["/trois.html"]["content"]


def _losing_writes(monkeypatch: pytest.MonkeyPatch, times: int, damage) -> list[str]:
    """Make Pagefind's real index lose a write the first ``times`` times, as it does when the service is
    stopped before its queued writes ran (toolkit/search.py; the build waits for them, at most
    search.SETTLE seconds): ``damage(target)`` after each run."""
    from toolkit import search

    real_index, runs = search._index, []

    async def index(folder: Path, language: str, target: Path, pages: int) -> int:
        indexed = await real_index(folder, language, target, pages)
        runs.append(str(target))
        if len(runs) <= times:
            damage(target)
        return indexed

    monkeypatch.setattr(search, "_index", index)
    return runs


def _emptied(name: str):
    return lambda target: (target / name).write_bytes(b"")


def _cut_short(target: Path) -> None:
    fragment = sorted((target / "fragment").iterdir())[0]
    fragment.write_bytes(fragment.read_bytes()[:-9])


@pytest.mark.parametrize("damage", [_emptied("pagefind-entry.json"), _emptied("pagefind.js"), _cut_short],
                         ids=["entry emptied", "script emptied", "fragment cut short"])
def test_an_index_pagefind_left_unfinished_is_made_again_not_published(tmp_path: Path, monkeypatch, damage) -> None:
    from outputs_support import build_edition

    runs = _losing_writes(monkeypatch, 1, damage)
    build_edition(tmp_path / "out", [EDITION], validate=False)
    assert len(runs) == 2  # once damaged, once whole
    folder = tmp_path / "out" / "html" / "pagefind"
    assert all(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    assert sum(language["page_count"] for language in
               json.loads((folder / "pagefind-entry.json").read_bytes())["languages"].values()) == 1
    assert list(fragments(tmp_path / "out")) == [TELEGRAM]


def test_an_index_never_whole_stops_the_build_and_changes_nothing(tmp_path: Path, monkeypatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from toolkit import cli, search

    runs = _losing_writes(monkeypatch, search.ATTEMPTS, _emptied("pagefind-entry.json"))
    out = tmp_path / "out"
    code = cli.main(["build", "--no-validate", "--jobs", "1", "--out", str(out), str(EDITION)])
    assert code == 2 and len(runs) == search.ATTEMPTS
    assert "the search index Pagefind wrote is not whole: pagefind-entry.json is missing, empty" in capsys.readouterr().err
    assert not (out / "html").exists() and not list(out.glob(".teikit-staging-*"))


def test_the_copy_pagefind_reads_leaves_out_only_what_it_would_not_index(site: Path) -> None:
    """The build gives Pagefind each page without its head and its names and citation sections
    (toolkit/search.py, UNREAD), with the registers' filters added: every Pagefind attribute of the page
    is still there; a part that holds one is kept whole."""
    from toolkit import search

    page = (site / "html" / TELEGRAM.lstrip("/")).read_bytes()
    copy = search._for_the_index(page, {"person": ["Smith & Jones"]})
    assert copy.count(b"data-pagefind-") == page.count(b"data-pagefind-") + 1
    assert b'<span data-pagefind-filter="person">Smith &amp; Jones</span></div></body>' in copy
    for gone in (b"<title>", b"<meta charset=", b'<section id="names"', b'<section id="cite"', b'name="citation_title"'):
        assert gone in page and gone not in copy, gone
    assert b"<head></head>" in b"".join(copy.split()) and b"</section></article></main>" in b"".join(copy.split())
    assert len(copy) < len(page) * 0.8
    marked = page.replace(b"<title>", b'<title data-pagefind-meta="title">', 1)
    assert b"<title" in search._for_the_index(marked, None)


def test_a_document_whose_head_is_its_title_alone_is_found_by_its_title(tmp_path: Path) -> None:
    """A head that is the document's title (no number before it) is not repeated in the text; its
    words are still searched (the page's h1), and a page without other words is not left out of the
    index (Pagefind drops a page with no words: the build used to stop, "counts 6 pages of 7")."""
    text = FRUS_SUPPLEMENT.read_text(encoding="utf-8")
    first_head = text.index("<head>", text.index('type="document"'))
    volume = tmp_path / FRUS_SUPPLEMENT.name
    volume.write_text(text[:first_head] + "<head>Corrected: " + text[first_head + len("<head>"):], encoding="utf-8")
    result = _build(tmp_path / "out", EDITION, volume)
    assert result.returncode == 0, result.stderr
    index = fragments(tmp_path / "out")
    first = next(record for record in index.values() if record["meta"]["title"].startswith("Corrected: "))
    assert first["content"].startswith("Corrected: ")
    assert search_page_count(tmp_path / "out") == len(index) == 7


def fragments_of(shard: Path) -> dict[str, dict]:
    """The pages of one shard's index folder, by address (as outputs_support.search_fragments)."""
    import gzip

    records = [json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])
               for path in (shard / "fragment").iterdir()]
    return {record["url"]: record for record in records}


def _document_pages(site: Path) -> dict[str, Path]:
    html = site / "html"
    return {path.relative_to(html).as_posix(): path for path in html.rglob("*.html")
            if path.relative_to(html).parts[0] not in ("pagefind", "search", "persons", "places", "organisations",
                                                       "chronology")}


def test_a_shard_is_made_again_when_a_filter_of_one_of_its_pages_changes_and_only_then(site: Path,
                                                                                     tmp_path: Path) -> None:
    """The index is sharded by input (the edition's pages, each volume's); a shard's key is what Pagefind
    reads of its pages, the registers' filters included: a merge of the registers that changes a person's
    name on a page of volume VI makes that shard again, the others are kept as they are."""
    from toolkit import search

    pages = _document_pages(site)
    first = search.write_index(pages, tmp_path / "first" / "pagefind")
    assert first.made == ["", "frus1961-63v06", "frus1961-63v10-12mSupp"] and first.kept == []
    again = search.write_index(pages, tmp_path / "again" / "pagefind", earlier=tmp_path / "first" / "pagefind")
    assert again.made == [] and len(again.kept) == 3
    assert again.kept_files == {path.relative_to(tmp_path / "first" / "pagefind").as_posix()
                                for path in (tmp_path / "first" / "pagefind").rglob("*")
                                if path.is_file() and path.name not in (search.SHARDS_MODULE, search.DATES_MODULE)}
    merged = {"frus1961-63v06/d67.html": {"person": ["Khrushchev, Nikita Sergeyevich"]}}
    changed = search.write_index(pages, tmp_path / "changed" / "pagefind", merged, earlier=tmp_path / "first" / "pagefind")
    assert changed.made == ["frus1961-63v06"] and changed.kept == ["", "frus1961-63v10-12mSupp"]
    changed_index = tmp_path / "changed" / "pagefind"
    volume_pages = [url for url in pages if url.startswith("frus1961-63v06/") and b"data-pagefind-body" in pages[url].read_bytes()]
    assert len(volume_pages) > 1
    assert search._incomplete(changed_index / "shards" / "frus1961-63v06", len(volume_pages)) is None
    written = {path.relative_to(changed_index).as_posix() for path in changed_index.rglob("*") if path.is_file()}
    assert all(name.startswith("shards/frus1961-63v06/") for name in written - {search.SHARDS_MODULE, search.DATES_MODULE})
    assert fragments_of(changed_index / "shards" / "frus1961-63v06")["/frus1961-63v06/d67.html"]["filters"]["person"] \
        == ["Khrushchev, Nikita Sergeyevich"]


def test_a_rebuild_after_one_volume_changed_makes_its_shard_alone(tmp_path: Path) -> None:
    """After a word of volume VI changed, the build indexes volume VI again and keeps the index of the
    edition and of the supplement as they were (their files untouched); the index finds the new word and
    every shard is whole."""
    from toolkit import search

    volume = tmp_path / FRUS_VOLUME.name
    volume.write_text(FRUS_VOLUME.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    first = _build(out, EDITION, volume, FRUS_SUPPLEMENT)
    assert first.returncode == 0, first.stderr
    assert "(3 shards made)" in first.stderr
    index = out / "html" / "pagefind"
    untouched = {path: path.stat().st_mtime_ns for path in index.rglob("*") if path.is_file()
                 and not path.relative_to(index).as_posix().startswith("shards/frus1961-63v06/")
                 and path.name not in (search.SHARDS_MODULE, search.DATES_MODULE)}
    text = volume.read_text(encoding="utf-8")
    paragraph = text.index("<p>", text.index('xml:id="d67"'))
    volume.write_text(text[:paragraph] + "<p>Zyxwvutsrq " + text[paragraph + 3:], encoding="utf-8")
    second = _build(out, EDITION, volume, FRUS_SUPPLEMENT)
    assert second.returncode == 0, second.stderr
    assert "(1 shard made, 2 kept)" in second.stderr
    assert {path: path.stat().st_mtime_ns for path in untouched} == untouched
    assert "Zyxwvutsrq" in fragments(out)["/frus1961-63v06/d67.html"]["content"]
    counts = {folder: sum(language["page_count"] for language in entry["languages"].values())
              for folder, entry in search_entries(out).items()}
    for folder, count in counts.items():
        assert search._incomplete(index / folder, count) is None, folder
    assert sum(counts.values()) == len(fragments(out))


def test_the_dates_of_two_pages_two_shards_name_alike_are_both_kept(tmp_path: Path) -> None:
    """Pagefind names a page by 7 hex digits of its hash, unique within one shard only: the dates module of
    the index (what a search sorted by date orders by) gives such a name the list of both dates, and the
    search page then reads the page's own (xslt/shards.js)."""
    from toolkit import search

    main, volume = search._Shard(search.MAIN), search._Shard("frus1961-63v06", place="shards/frus1961-63v06/")
    (tmp_path / "shards" / "frus1961-63v06").mkdir(parents=True)
    (tmp_path / search.SHARD_DATES).write_text(json.dumps({"en_1234567": "1962-12-23", "en_aaaaaaa": "1962-10-27"}))
    (tmp_path / "shards" / "frus1961-63v06" / search.SHARD_DATES).write_text(json.dumps({"en_1234567": "1963-01-02"}))
    module = search._dates_module([main, volume], tmp_path, None, set())
    assert module.startswith("export default ") and module.rstrip().endswith(";")
    table = json.loads(module.removeprefix("export default ").rstrip().rstrip(";"))
    assert table == {"en_1234567": ["1962-12-23", "1963-01-02"], "en_aaaaaaa": "1962-10-27"}


def test_beyond_the_most_shards_volumes_are_grouped_whole(site: Path, tmp_path: Path, monkeypatch) -> None:
    """A first query loads a little of every shard: beyond search.MAX_SHARDS volumes, a shard holds several
    whole volumes (about volumes / MAX_SHARDS each), every page indexed once."""
    from toolkit import search

    pages = _document_pages(site)
    monkeypatch.setattr(search, "MAX_SHARDS", 1)
    result = search.write_index(pages, tmp_path / "pagefind")
    assert result.made == ["", "frus1961-63v06"]  # the two volumes in one shard, named by the first
    shard = fragments_of(tmp_path / "pagefind" / "shards" / "frus1961-63v06")
    assert {url.split("/")[1] for url in shard} == {"frus1961-63v06", "frus1961-63v10-12mSupp"}
    assert len(shard) + len(fragments_of(tmp_path / "pagefind")) == result.pages


def test_grouped_volumes_stay_grouped_when_a_volume_is_added(monkeypatch) -> None:
    """The groups depend on the volumes' names, not on their number or place: a volume added to a library of
    560 changes its own group (split or joined with a neighbour), the others stay as they were."""
    from toolkit import search

    monkeypatch.setattr(search, "MAX_SHARDS", 128)

    def groups(names: list[str]) -> set[tuple[str, ...]]:
        shards = {name: search._Shard(name, pages=[search._Page(f"{name}/d1.html", Path("d1.html"), None, "", None)])
                  for name in names}
        return {tuple(page.url.split("/")[0] for page in shard.pages) for shard in search._grouped(shards).values()}

    names = [f"frus{1900 + number // 20}v{number % 20:02d}" for number in range(560)]
    before = groups(names)
    assert 100 <= len(before) <= 150 and max(map(len, before)) <= 10
    assert sorted(name for group in before for name in group) == sorted(names)
    after = groups(names + ["frus1950v07a"])
    assert len(before - after) <= 2 and len(after - before) <= 2
