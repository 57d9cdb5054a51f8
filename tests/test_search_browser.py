"""Search in a real browser: headless Chromium (Debian's) over the built site served on 127.0.0.1.

Through Pagefind's JavaScript API (html/pagefind/shards.js, the calls of Pagefind's pagefind.js over
the index's shards, as a reader's own script would use it; and pagefind.js alone with mergeIndex) and
through the search page (html/search/index.html, xslt/search.js): "Kuznetsov" finds the
telegram, documents of volume VI and of the microfiche supplement; the year filter narrows a
search; sorting by date orders the results; a result opens its page at the paragraph with the
words marked; the header's search box reaches the search page without JavaScript; opened from
file://, the search page says search needs HTTP and how to start `teikit serve`.
The site is the one the other browser tests use (browser_support.build_site: the frozen edition
and the two FRUS excerpts), built and served once per test session (per xdist worker): the
fixtures site, origin and browser are conftest.py's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import DOCUMENT_PAGE, MOBILE, SEARCH_PAGE

TELEGRAM = "/html/frus1961-63v11-d256.html"
VOLUME_VI = "/html/frus1961-63v06/"
SUPPLEMENT = "/html/frus1961-63v10-12mSupp/"


# Pagefind's API over the index's shards (html/pagefind/shards.js, the calls of Pagefind's pagefind.js), as
# a reader's script uses it: import, search, read each result's data.
API_SEARCH = """async ([words, options]) => {
  const pagefind = await import('/html/pagefind/shards.js');
  await pagefind.options({highlightParam: 'find'});
  await pagefind.filters();  // loads the filters: a search then counts them
  const search = await pagefind.search(words, options || {});
  const data = await Promise.all(search.results.map(r => r.data()));
  return {urls: data.map(d => d.url.split('?')[0]), years: data.map(d => d.filters.year || []),
          dates: data.map(d => d.meta.datetime || null), counts: search.filters, total: search.totalFilters};
}"""


def api(page, origin: str, words: str | None, options: dict | None = None) -> dict:
    """Search from a page of the site that does not search itself (the home page), as a reader's
    script would: the search page's own script would share the module and race with the test's."""
    page.goto(f"{origin}/html/index.html")
    return page.evaluate(API_SEARCH, [words, options])


def test_api_kuznetsov_finds_the_telegram_volume_vi_and_the_supplement(new_page, origin: str) -> None:
    page, log = new_page()
    found = api(page, origin, "Kuznetsov")
    urls = found["urls"]
    assert TELEGRAM in urls
    assert any(url.startswith(VOLUME_VI) for url in urls)
    assert any(url.startswith(SUPPLEMENT) for url in urls)
    # the filters' counts cover every result: each volume of a result is counted
    assert sum(found["counts"]["volume"].values()) == len(urls)
    assert log.page_errors + log.console_errors == []


# Pagefind's own module alone, the shards merged with its mergeIndex (their folders from shards.js).
MERGED_SEARCH = """async (words) => {
  const pagefind = await import('/html/pagefind/pagefind.js');
  const {shards} = await import('/html/pagefind/shards.js');
  for (const shard of shards.slice(1)) { await pagefind.mergeIndex('/html/pagefind/' + shard.path); }
  const total = await pagefind.filters();
  const search = await pagefind.search(words);
  const data = await Promise.all(search.results.map(r => r.data()));
  return {urls: data.map(d => d.url), counts: search.filters, total: total, shards: shards.map(s => s.path)};
}"""


def test_pagefind_alone_searches_every_shard_with_merge_index(new_page, origin: str) -> None:
    """The index is sharded by input (the edition, each volume): Pagefind's own module finds in all of them
    once the shards are merged (mergeIndex), with the filters' counts added."""
    page, log = new_page()
    page.goto(f"{origin}/html/index.html")
    merged = page.evaluate(MERGED_SEARCH, "Kuznetsov")
    assert merged["shards"] == ["", "shards/frus1961-63v06/", "shards/frus1961-63v10-12mSupp/"]
    assert sorted(merged["urls"]) == sorted(api(page, origin, "Kuznetsov")["urls"])
    assert sum(merged["counts"]["volume"].values()) == len(merged["urls"])
    assert len(merged["total"]["volume"]) == 3  # the edition's volume (XI) and the two volumes'
    assert log.page_errors + log.console_errors == []


def test_options_given_while_a_search_runs_apply_to_every_shard(new_page, origin: str) -> None:
    """Pagefind's options() reaches the main shard only once shards are merged: shards.js sets the shards up
    anew with them, without failing the search under way (the search page's own, at its load)."""
    page, log = new_page()
    page.goto(f"{origin}/html/index.html")
    found = page.evaluate("""async () => {
      const pagefind = await import('/html/pagefind/shards.js');
      const running = pagefind.search('Kuznetsov');
      await pagefind.options({highlightParam: 'seen'});
      const [before, after] = [await running, await pagefind.search('Kuznetsov')];
      const data = await Promise.all(after.results.map(r => r.data()));
      return {before: before.results.length, after: data.map(d => d.url)};
    }""")
    assert found["before"] == len(found["after"]) > 3
    assert all("seen=kuznetsov" in url.lower() for url in found["after"])  # the volumes' results too
    assert any(VOLUME_VI in url for url in found["after"])
    assert log.page_errors + log.console_errors == []


def test_a_script_on_the_search_page_searches_with_the_index_the_page_opened(new_page, site: Path) -> None:
    """The search page opens every shard when it loads. A reader's script there that asks for the options the
    page has (its highlightParam) searches with that index: Pagefind's WebAssembly, worker and each shard's
    metadata are fetched once, not a second time for a module of its own (counted by the server)."""
    from browser_support import serve

    answered: list[str] = []
    page, log = new_page()
    with serve(site, answered=answered) as own:
        page.goto(f"{own}/{SEARCH_PAGE}")
        page.wait_for_selector("body.search-ready")
        urls = page.evaluate("""async () => {
          const pagefind = await import('/html/pagefind/shards.js');
          await pagefind.options({highlightParam: 'find'});
          const search = await pagefind.search('Kuznetsov');
          return (await Promise.all(search.results.map(r => r.data()))).map(d => d.url);
        }""")
    assert any(url.startswith(VOLUME_VI) for url in urls) and any(url.startswith(SUPPLEMENT) for url in urls)
    assert all("find=kuznetsov" in url.lower() for url in urls)

    def fetched(ending: str) -> int:
        return sum(1 for url in answered if url.split("?")[0].endswith(ending))

    assert fetched("/pagefind/pagefind.js") == 1 and fetched("pagefind-worker.js") == 1
    assert fetched("wasm.en.pagefind") + fetched("wasm.unknown.pagefind") == 1
    assert fetched("/shards/frus1961-63v06/pagefind-entry.json") == 1
    assert fetched(".pf_meta") == 3  # one a shard
    assert log.page_errors + log.console_errors == []


def test_a_later_page_reads_the_index_from_the_browsers_cache_and_the_browser_inflates_it(new_page,
                                                                                        site: Path) -> None:
    """Every shard's entry is asked for with its tag (a hash of the file, Pagefind's metaCacheTag), and the
    server lets the browser keep it, as it keeps the files named by their content's hash: a second page of
    the same browser that searches the same words asks the server for none of them again. Pagefind's gzip
    files come with Content-Encoding: gzip, so the browser inflates them, not Pagefind's script."""
    import hashlib
    import json

    from browser_support import serve

    listing = next(line for line in (site / "html" / "pagefind" / "shards.js").read_text(encoding="utf-8").splitlines()
                   if line.startswith("export const shards = "))
    shards = json.loads(listing.split("=", 1)[1].strip().rstrip(";"))
    answered: list[str] = []
    page, log = new_page()
    encodings: dict[str, str | None] = {}
    page.on("response", lambda response: encodings.__setitem__(response.url.split("?")[0].split("/html/")[-1],
                                                                response.headers.get("content-encoding")))
    with serve(site, answered=answered) as own:
        page.goto(f"{own}/html/index.html")
        first = page.evaluate(API_SEARCH, ["Kuznetsov", None])
        for shard in shards:
            entry = site / "html" / "pagefind" / shard["path"] / "pagefind-entry.json"
            assert shard["tag"] == hashlib.sha256(entry.read_bytes()).hexdigest()[:16]
            assert answered.count(f"/html/pagefind/{shard['path']}pagefind-entry.json?ts={shard['tag']}") == 1
        assert not [url for url in answered if "pagefind-entry.json" in url and "?ts=" not in url]
        assert [url for url in answered if url.endswith(".pf_index")] and [url for url in answered if url.endswith(".pf_meta")]
        answered.clear()
        page.goto(f"{own}/{DOCUMENT_PAGE}")
        second = page.evaluate(API_SEARCH, ["Kuznetsov", None])
    assert second["urls"] == first["urls"] and TELEGRAM in first["urls"]
    again = [url for url in answered if "pagefind-entry.json" in url or url.endswith((".pf_meta", ".pf_index",
                                                                                     ".pf_filter", ".pf_fragment"))]
    assert again == [], again
    assert encodings["pagefind/wasm.en.pagefind"] == "gzip"
    assert all(value == "gzip" for name, value in encodings.items() if name.endswith((".pf_index", ".pf_meta")))
    assert log.page_errors + log.console_errors == []


def test_the_search_page_searches_the_words_of_its_address_before_it_loads_its_filters(new_page,
                                                                                     origin: str) -> None:
    """Loading the filters (every shard's filter files) would make the page's first search wait: the words
    of the address are searched first, the filters loaded after, with the counts of that search."""
    page, log = new_page()
    order: list[str] = []
    page.on("request", lambda request: order.append(request.url.split("?")[0]))
    page.goto(f"{origin}/{SEARCH_PAGE}?q=Kuznetsov")
    page.wait_for_selector("body.search-ready")
    chunks = [number for number, url in enumerate(order) if url.endswith(".pf_index")]
    filters = [number for number, url in enumerate(order) if url.endswith(".pf_filter")]
    fragments = [number for number, url in enumerate(order) if url.endswith(".pf_fragment")]
    assert chunks and filters and fragments
    assert max(chunks) < min(filters) and max(fragments) < min(filters)  # the results listed, then the filters
    shown = len(page.locator("#search-results li").all())
    page.click("details[data-filter='volume'] summary")
    page.locator("details[data-filter='volume'] .search-count").first.wait_for()  # made on the group's toggle
    counts = page.eval_on_selector_all("details[data-filter='volume'] .search-count",
                                       "cs => cs.map(c => Number(c.textContent.match(/\\d+/)[0]))")
    total = int(page.inner_text("#search-status").split()[0])
    assert sum(counts) == total >= shown > 0  # the counts of this search, not of every document
    assert log.page_errors + log.console_errors == []


def test_api_the_year_filter_narrows_a_search(new_page, origin: str) -> None:
    page, log = new_page()
    everything = api(page, origin, "Kuznetsov")
    narrowed = page.evaluate(API_SEARCH, ["Kuznetsov", {"filters": {"year": "1962"}}])
    assert 0 < len(narrowed["urls"]) < len(everything["urls"])
    assert all(years == ["1962"] for years in narrowed["years"])
    assert set(narrowed["urls"]) == {url for url, years in zip(everything["urls"], everything["years"])
                                     if years == ["1962"]}
    assert TELEGRAM in narrowed["urls"]


def test_api_sorts_by_date(new_page, origin: str) -> None:
    page, log = new_page()
    oldest = api(page, origin, "Khrushchev", {"sort": {"date": "asc"}})
    newest = page.evaluate(API_SEARCH, ["Khrushchev", {"sort": {"date": "desc"}}])
    assert len(oldest["dates"]) > 3
    assert oldest["dates"] == sorted(oldest["dates"])
    assert newest["dates"] == sorted(newest["dates"], reverse=True)
    # in date order across the shards: the telegram (the edition's shard), dated December 23, 1962, after
    # every document of volume VI (the shard of its own) found, which Pagefind's mergeIndex would not do
    assert TELEGRAM in oldest["urls"] and any(url.startswith(VOLUME_VI) for url in oldest["urls"])
    assert oldest["urls"][-1] == TELEGRAM and newest["urls"][0] == TELEGRAM
    # the filters a reader's script can list, with counts
    assert {"volume", "year", "type", "person", "place"} <= set(oldest["total"])


def results(page) -> list[str]:
    return page.eval_on_selector_all("#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")


def settled(page) -> None:
    """Wait until the search the page started has listed its results: it says "Searching…" from the
    moment it starts (with the address) until then. Between the two the list is emptied and refilled, so
    counting its items alone can catch it half-way (seen once in a fresh-clone CI)."""
    page.wait_for_function("() => !document.getElementById('search-status').textContent.startsWith('Searching')")


def test_the_page_finds_narrows_and_sorts(new_page, origin: str) -> None:
    page, log = new_page()
    page.goto(f"{origin}/{SEARCH_PAGE}")
    page.wait_for_selector("body.search-ready")
    assert page.locator("#search-notice").is_hidden()
    page.fill("#search-q", "Kuznetsov")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-results li")
    found = results(page)
    paths = [href.split("?")[0] for href in found]
    assert TELEGRAM in paths and any(p.startswith(VOLUME_VI) for p in paths) and any(p.startswith(SUPPLEMENT) for p in paths)
    assert page.inner_text("#search-status").startswith(f"{len(found)} documents found")
    # every result opens at its words: ?find= and, where the words are in a paragraph, its ¶ id
    assert all("find=kuznetsov" in href for href in found)
    assert any(href.startswith(TELEGRAM) and "#d256-p" in href for href in found)
    assert page.locator("#search-results mark").count() >= len(found) - 1

    page.click("details[data-filter='year'] summary")
    year = page.locator("input[name='year'][value='1962']")
    assert "documents)" in page.locator("label[for='%s']" % year.get_attribute("id")).inner_text()
    year.check()
    settled(page)
    page.wait_for_function("n => document.querySelectorAll('#search-results li').length < n", arg=len(found))
    narrowed = results(page)
    assert 0 < len(narrowed) < len(found)
    assert "year=1962" in page.url and "q=Kuznetsov" in page.url
    assert "(year 1962)" in page.inner_text("#search-status")

    page.select_option("#search-sort", "date:asc")
    page.wait_for_function("() => location.search.includes('sort=date')")
    settled(page)
    page.wait_for_function("n => document.querySelectorAll('#search-results li').length === n", arg=len(narrowed))
    facts = page.eval_on_selector_all("#search-results .search-facts", "ps => ps.map(p => p.textContent)")
    assert facts and "December 23, 1962" in facts[-1], facts  # the telegram is the latest of them
    assert log.page_errors + log.console_errors == []


def test_a_large_filter_shows_the_values_most_documents_have_and_all_on_demand(new_page, origin: str,
                                                                              site: Path) -> None:
    """The page makes a filter's checkboxes when its group opens, not with the page (a library has a
    value per person: counting them all made the first query slow); of a filter of many values it shows
    those most documents have and a "Show all" button, which the keyboard reaches and presses."""
    from outputs_support import search_fragments

    documents: dict[str, int] = {}
    for record in search_fragments(site).values():
        for person in record["filters"].get("person", []):
            documents[person] = documents.get(person, 0) + 1
    assert len(documents) > 15, "the test site has too few persons to show only some"
    page, log = new_page()
    page.goto(f"{origin}/{SEARCH_PAGE}")
    page.wait_for_selector("body.search-ready")
    assert page.locator("#search-filters input").count() == 0  # nothing made before a group is opened
    page.focus("details[data-filter='person'] summary")
    page.keyboard.press("Enter")
    boxes = page.locator("details[data-filter='person'] input[type='checkbox']")
    boxes.first.wait_for()
    shown = boxes.evaluate_all("bs => bs.map(b => b.value)")
    assert len(shown) == 10
    left = set(documents) - set(shown)
    assert min(documents[name] for name in shown) >= max(documents[name] for name in left)
    counts = page.eval_on_selector_all("details[data-filter='person'] .search-count", "cs => cs.map(c => c.textContent)")
    assert counts == [f"({documents[name]} document{'s' * (documents[name] != 1)})" for name in shown]
    show_all = page.locator("details[data-filter='person'] .search-show-all")
    assert show_all.inner_text() == f"Show all {len(documents)}"
    for _ in range(len(shown) + 1):  # Tab past the boxes shown to the button
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('search-show-all')")
    page.keyboard.press("Enter")
    assert sorted(boxes.evaluate_all("bs => bs.map(b => b.value)")) == sorted(documents)
    assert page.evaluate("document.activeElement.name") == "person"  # focus on the first box shown now
    page.keyboard.press("Space")
    page.wait_for_selector("#search-results li")
    assert "person=" in page.url
    assert log.page_errors + log.console_errors == []


def test_a_value_in_the_address_is_shown_chosen_though_few_documents_have_it(new_page, origin: str,
                                                                            site: Path) -> None:
    from urllib.parse import quote

    from outputs_support import search_fragments

    documents: dict[str, int] = {}
    for record in search_fragments(site).values():
        for person in record["filters"].get("person", []):
            documents[person] = documents.get(person, 0) + 1
    rare = min(documents, key=lambda name: (documents[name], name))
    page, log = new_page()
    page.goto(f"{origin}/{SEARCH_PAGE}?person={quote(rare)}")
    page.wait_for_selector("#search-results li")
    chosen = page.eval_on_selector_all("details[data-filter='person'] input:checked", "bs => bs.map(b => b.value)")
    assert chosen == [rare] and page.locator("details[data-filter='person']").get_attribute("open") is not None
    assert len(page.locator("#search-results li").all()) == documents[rare]
    assert log.page_errors + log.console_errors == []


def test_a_result_opens_its_page_with_the_words_marked(new_page, origin: str) -> None:
    page, log = new_page()
    page.goto(f"{origin}/{SEARCH_PAGE}?q=Kuznetsov")
    page.wait_for_selector("#search-results li")
    link = page.locator(f"#search-results h2 a[href^='{TELEGRAM}']")
    link.click()
    page.wait_for_selector("mark.search-hit")
    assert page.evaluate("location.pathname") == TELEGRAM
    marks = page.eval_on_selector_all("mark.search-hit", "ms => ms.map(m => m.textContent)")
    assert len(marks) >= 5 and {mark.lower() for mark in marks} == {"kuznetsov"}
    target = page.evaluate("location.hash.slice(1)")
    assert target.startswith("d256-p")
    assert page.locator(f"#{target} mark.search-hit").count() >= 1, "the paragraph linked has no word marked"
    # the page is the page as always: its view switch and cards still work
    assert page.locator(".view-switch").is_visible()
    assert log.page_errors + log.console_errors == []


def test_keyboard_alone_searches_and_reaches_a_result(new_page, origin: str) -> None:
    page, log = new_page(MOBILE, is_mobile=True, has_touch=True)
    page.goto(f"{origin}/{SEARCH_PAGE}")
    page.wait_for_selector("body.search-ready")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'search-q'")  # the skip link leads to the box
    page.keyboard.type("Khrushchev")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#search-results')"):
            break
    assert page.evaluate("document.activeElement.closest('#search-results h2') !== null")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], f"the search page scrolls sideways on a phone ({width} px)"


def test_the_header_search_box_reaches_the_search_page_without_javascript(new_page, origin: str) -> None:
    page, log = new_page(java_script_enabled=False)
    page.goto(f"{origin}/{DOCUMENT_PAGE}")
    page.fill("header input[name='q']", "Zorin")
    page.press("header input[name='q']", "Enter")
    page.wait_for_url("**/html/search/index.html?q=Zorin")
    # no script, no search: the page says what search needs
    assert page.locator("#search-notice").is_visible()
    assert "teikit serve" in page.inner_text("#search-notice")


def test_from_a_file_the_search_page_says_search_needs_http(new_page, site: Path) -> None:
    page, log = new_page()
    page.goto((site / SEARCH_PAGE).as_uri() + "?q=Kuznetsov")
    page.wait_for_load_state("load")
    notice = page.locator("#search-notice")
    assert notice.is_visible()
    text = notice.inner_text()
    assert "HTTP" in text and "teikit serve" in text and "http://127.0.0.1:8000/" in text
    assert page.locator("#search-results li").count() == 0
    assert log.page_errors + log.console_errors == []
    # the rest of the site needs no server: the document page opens from the file and works
    page.goto((site / DOCUMENT_PAGE).as_uri() + "?find=Kuznetsov")
    assert page.locator(".view-switch").is_visible()
    assert page.locator("mark.search-hit").count() == 0
    assert log.page_errors + log.console_errors == []
