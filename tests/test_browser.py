"""The HTML edition in a real browser: headless Chromium (Debian's package)
driven by Playwright over the built pages, served by a local HTTP server.

Checked: the pages load with no console errors, no failed requests and no
request leaving 127.0.0.1; every link on the page resolves; the text starts on
the first screen (1280x800 and 390x844); a name, an abbreviation or a
correction opens its card in place by mouse, touch and keyboard, Escape or the
close button closes it and focus returns (without JavaScript a name still goes
to its record in the index); corrections, expansions, names and links look
different in both views; the reading / diplomatic switch changes the text and
back; the view and the highlight survive a reload and can be linked (?view=,
#view=) beside a ¶ link; the footnote link goes to the note and back; each
numbered paragraph has a ¶ link to its own citable address; everything is
reachable by keyboard with a visible focus; each "Copy" button of "Cite this
document" puts its citation on the clipboard as plain text (and without
JavaScript the buttons stay hidden); no horizontal scrolling, a one-line
navigation and one-column metadata on a 390 px phone; print fits three pages
(Chromium's PDF, read with pypdf) with the notes' URLs, one citation and no
empty heading; axe-core finds no serious or critical accessibility violation,
in the light and the dark colour scheme.

The pages are built from the frozen copy of the edition (tests/fixtures/outputs/edition/) and
from the FRUS volume excerpt (tests/fixtures/frus/): a document page and the volume's contents
page go through the loading, link, keyboard, narrow-screen and axe checks too.
`make test` installs Chromium when it can (`make tools`); without it (or the
playwright package) these tests are left out, with one line at the end of the
run saying so, and without axe-core the accessibility test skips; under CI
(CI=true) either is a failure.
One build, one server and one browser per test session (per xdist worker).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser_support import (DESKTOP, DOCUMENT_PAGE, FRUS_DOCUMENT_PAGE, FRUS_VOLUME_PAGE, INDEX_PAGE, MOBILE,
                             SEARCH_PAGE)

PAGES = [DOCUMENT_PAGE, INDEX_PAGE, FRUS_DOCUMENT_PAGE, FRUS_VOLUME_PAGE, SEARCH_PAGE]


# ---------------------------------------------------------------------------
# Fixtures: the built site, its server, the browser, a recorded page
# ---------------------------------------------------------------------------

# The built site, its server and the browser are session fixtures of conftest.py (one per
# xdist worker), shared with tests/test_search_browser.py.


@pytest.fixture
def open_page(new_page, origin: str):
    """open_page(path, viewport=DESKTOP, **context options) -> (page, log); a fresh context each time."""

    def open_(path: str = DOCUMENT_PAGE, viewport: dict = DESKTOP, **options):
        page, log = new_page(viewport, **options)
        page.goto(f"{origin}/{path}", wait_until="load")
        return page, log

    return open_


# JavaScript helpers evaluated in the page.
IN_VIEWPORT = """element => {
  const r = element.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;
}"""


def words(page, selector: str, word: str) -> int:
    """How often ``word`` occurs as a whole word in the rendered (visible) text of ``selector``."""
    return len(re.findall(rf"\b{word}\b", page.inner_text(selector)))


def hash_of(page) -> str:
    return page.evaluate("location.hash")


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_locally(open_page, origin: str, path: str) -> None:
    page, log = open_page(path)
    page.wait_for_load_state("networkidle")
    assert page.title(), "the page has no title"
    assert log.page_errors == [], f"script errors: {log.page_errors}"
    assert log.failures == [], f"failed requests: {log.failures}"
    assert log.console_errors == [], f"console errors: {log.console_errors}"
    outside = [url for url in log.requests if not (url.startswith(origin + "/") or url.startswith("data:"))]
    assert outside == [], f"requests that leave the local server: {outside}"
    assert f"{origin}/{path}" in log.requests
    # Without a declared icon a browser asks the host's root for /favicon.ico
    # (outside the edition: a 404), at a moment of its choosing.
    assert page.locator("link[rel~='icon']").count() >= 1, "no <link rel=icon>: browsers will request /favicon.ico"


@pytest.mark.parametrize("path", PAGES)
def test_every_link_resolves(open_page, origin: str, path: str) -> None:
    """Local links reach a file (the citation files, the index); #fragments reach an element."""
    page, _ = open_page(path)
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => [a.getAttribute('href'), a.href])")
    assert links
    here = f"{origin}/{path}"
    missing_ids, broken, insecure, fetched = [], [], [], {here}
    for raw, resolved in links:
        if raw.startswith("#"):
            if not page.evaluate("id => document.getElementById(id) !== null", raw[1:]):
                missing_ids.append(raw)
        elif resolved.startswith(origin + "/"):
            target = resolved.split("#", 1)[0]
            if target not in fetched:
                fetched.add(target)
                response = page.request.get(target)
                if response.status != 200:
                    broken.append(f"{raw}: HTTP {response.status}")
        elif not resolved.startswith("https://"):
            insecure.append(raw)
    assert missing_ids == [], f"links to ids the page does not have: {missing_ids}"
    assert broken == [], f"local links to missing files: {broken}"
    assert insecure == [], f"external links that are not https: {insecure}"
    duplicates = page.evaluate("""() => {
      const seen = new Set(), twice = new Set();
      for (const e of document.querySelectorAll('[id]')) { (seen.has(e.id) ? twice : seen).add(e.id); }
      return [...twice];
    }""")
    assert duplicates == [], f"ids used more than once: {duplicates}"


# ---------------------------------------------------------------------------
# Names, the view switch, footnotes, paragraph links
# ---------------------------------------------------------------------------

def test_every_name_in_the_text_points_to_its_record(open_page) -> None:
    page, _ = open_page()
    names = page.eval_on_selector_all("#text a.name", """links => links.map(a => {
      const record = document.querySelector('#names ' + a.getAttribute('href'));
      return {href: a.getAttribute('href'), title: a.title, text: a.textContent.trim(),
              record: record ? record.innerText.trim() : null};
    })""")
    assert len(names) > 20
    wrong = [f"{n['text']!r} -> {n['href']}: " + ("no such record in the index" if n["record"] is None
                                                  else f"link title {n['title']!r}, record {n['record']!r}")
             for n in names if n["record"] is None or not n["title"].startswith(n["record"])]
    assert wrong == []


@pytest.mark.parametrize("person, how", [("kuznetsov", "click"), ("zorin", "keyboard")])
def test_without_javascript_a_person_link_goes_to_the_record(open_page, person: str, how: str) -> None:
    page, _ = open_page(java_script_enabled=False)
    link = page.locator(f'#text a.name.person[href="#person-{person}"]').first
    if how == "click":
        link.click()
    else:
        link.focus()
        page.keyboard.press("Enter")
    page.wait_for_function("id => location.hash === '#' + id", arg=f"person-{person}")
    record = page.locator(f"#person-{person}")
    assert record.evaluate("e => e.matches(':target') && e.closest('#names') !== null")
    page.wait_for_function(f"() => ({IN_VIEWPORT})(document.getElementById('person-{person}'))")
    details = record.evaluate("e => e.nextElementSibling.innerText")
    assert record.is_visible()
    assert re.search(r"\b1[89]\d\d\b", details), f"the record shows no dates: {details!r}"
    assert "In the text:" in details


# ---------------------------------------------------------------------------
# Cards in place
# ---------------------------------------------------------------------------

CARD_STATE = """() => {
  const card = document.getElementById('card');
  return {open: !!card && !card.hidden, title: card ? (card.querySelector('.card-title') || {}).textContent : null,
          text: card && !card.hidden ? card.innerText : '', active: document.activeElement.id || document.activeElement.className,
          inCard: !!card && card.contains(document.activeElement), scrollY: window.scrollY,
          onScreen: !!card && !card.hidden && (() => { const r = card.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; })()};
}"""


def open_card(page, locator, how: str) -> None:
    if how == "click":
        locator.click()
    elif how == "tap":
        locator.tap()
    else:
        locator.focus()
        page.keyboard.press("Enter")


@pytest.mark.parametrize("how", ["click", "tap", "keyboard"])
def test_a_name_opens_its_card_in_place_and_escape_closes_it(open_page, how: str) -> None:
    options = {"has_touch": True, "is_mobile": True} if how == "tap" else {}
    page, log = open_page(viewport=MOBILE if how == "tap" else DESKTOP, **options)
    link = page.locator('#text a.name.person[href="#person-mccloy"]').first
    link.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    open_card(page, link, how)
    state = page.evaluate(CARD_STATE)
    assert state["open"], "no card opened"
    assert state["title"] == "John J. McCloy"
    assert re.search(r"\b1895–1989\b", state["text"]) and "In the text:" in state["text"]
    assert "Entry in the index" in state["text"]
    assert state["inCard"], "focus did not move into the card"
    assert state["onScreen"], "the card is not on screen"
    assert state["scrollY"] == before and page.evaluate("location.hash") == "", "the page jumped away from the text"
    assert link.get_attribute("aria-expanded") == "true"

    page.keyboard.press("Escape")
    state = page.evaluate(CARD_STATE)
    assert not state["open"], "Escape did not close the card"
    assert page.evaluate("document.activeElement") is not None
    assert link.evaluate("e => document.activeElement === e"), "focus did not return to the name"
    assert link.get_attribute("aria-expanded") == "false"
    assert log.page_errors == [] and log.console_errors == []


@pytest.mark.parametrize("how", ["click", "tap", "keyboard"])
@pytest.mark.parametrize("source, edited, title", [
    ("gong", "going", "Correction"), ("Govt", "Government", "Abbreviation")])
def test_a_correction_or_an_abbreviation_opens_its_card(open_page, how: str, source: str, edited: str,
                                                        title: str) -> None:
    options = {"has_touch": True, "is_mobile": True} if how == "tap" else {}
    page, _ = open_page(viewport=MOBILE if how == "tap" else DESKTOP, **options)
    choice = page.locator(f'#text .choice.card-trigger[data-source="{source}"]').first
    assert choice.get_attribute("role") == "button" and choice.get_attribute("tabindex") == "0"
    choice.scroll_into_view_if_needed()
    open_card(page, choice, how)
    state = page.evaluate(CARD_STATE)
    assert state["open"] and state["title"] == title and state["inCard"]
    assert source in state["text"] and edited in state["text"]
    # the close button closes it too, and focus comes back
    page.locator("#card .card-close").click()
    assert not page.evaluate(CARD_STATE)["open"]
    assert choice.evaluate("e => document.activeElement === e")


def test_an_acronym_stays_as_written_and_its_card_gives_the_expansion(open_page) -> None:
    page, _ = open_page()
    assert words(page, "#text", "USSR") >= 1 and words(page, "#text", "US") >= 10
    assert "Union of Soviet Socialist Republics" not in page.inner_text("#text")
    assert words(page, "#text", "Soviets") >= 1 and words(page, "#text", "Sovs") == 0
    # US is a name: the name's card tells the expansion as well as the record
    us = page.locator('#text a.name:has(.choice.acronym[data-source="US"])').first
    us.click()
    text = page.evaluate(CARD_STATE)["text"]
    assert "Acronym" in text and "United States" in text
    page.mouse.click(5, 790)  # a click elsewhere closes the card
    assert not page.evaluate(CARD_STATE)["open"]


def test_view_switch_changes_the_text_and_back(open_page) -> None:
    page, log = open_page()
    reading = page.get_by_role("button", name="Reading")
    diplomatic = page.get_by_role("button", name="Diplomatic")
    assert diplomatic.is_visible(), "the view switch is hidden: its script did not run"
    gong = page.locator("#text .choice", has=page.locator(".dipl", has_text=re.compile(r"^gong$")))
    sovs = page.locator("#text .choice", has=page.locator(".dipl", has_text=re.compile(r"^Sovs$"))).first
    assert gong.count() == 1

    def assert_reading() -> None:
        assert reading.get_attribute("aria-pressed") == "true"
        assert diplomatic.get_attribute("aria-pressed") == "false"
        assert gong.inner_text() == "going" and sovs.inner_text() == "Soviets"
        assert words(page, "#text", "gong") == 0 and words(page, "#text", "Sovs") == 0
        assert words(page, "#text", "Soviets") >= 1

    assert_reading()
    going_in_reading = words(page, "#text", "going")

    diplomatic.click()
    assert diplomatic.get_attribute("aria-pressed") == "true"
    assert reading.get_attribute("aria-pressed") == "false"
    assert gong.inner_text() == "gong" and sovs.inner_text() == "Sovs"
    assert words(page, "#text", "gong") == 1 and words(page, "#text", "Sovs") >= 1
    assert words(page, "#text", "Soviets") == 0
    assert words(page, "#text", "going") == going_in_reading - 1

    reading.click()
    assert_reading()
    assert log.console_errors == [] and log.page_errors == []


MARK_STYLE = """e => {
  const s = getComputedStyle(e), before = getComputedStyle(e, '::before');
  return {line: s.textDecorationLine, style: s.textDecorationStyle, color: s.textDecorationColor,
          textColor: s.color, skipInk: s.textDecorationSkipInk, before: before.content};
}"""


@pytest.mark.parametrize("view", ["reading", "diplomatic"])
def test_corrections_expansions_names_and_links_look_different(open_page, view: str) -> None:
    """Corrections and expansions each have their own shape of mark, names are quieter than links,
    and no line skips descenders."""
    page, _ = open_page()
    page.locator(f'.view-switch button[data-view="{view}"]').click()
    shown = "read" if view == "reading" else "dipl"
    marks = {
        "correction": page.locator(f"#text .choice.correction .{shown}").first,
        "expansion": page.locator(f"#text .choice.expansion:not(a *) .{shown}").first,
        "name": page.locator("#text a.name:not(:has(.choice))").first,
        "link": page.locator("#notes a[href^='https://']").first,
    }
    styles = {kind: locator.evaluate(MARK_STYLE) for kind, locator in marks.items()}
    # corrections and expansions differ from each other and from every link by shape, not colour alone
    looks = {kind: (s["line"], s["style"], s["before"]) for kind, s in styles.items()}
    for kind in ("correction", "expansion"):
        others = [other for other in looks if other != kind]
        assert all(looks[kind] != looks[other] for other in others), f"{view} view: the {kind} looks like another mark: {looks}"
    # names (links too, to their records) are quiet: the text's colour, a line of another colour than links'
    assert styles["link"]["textColor"] != styles["name"]["textColor"], "names look like links"
    assert styles["link"]["color"] != styles["name"]["color"], "names are underlined like links"
    for kind in ("correction", "expansion", "name"):
        if styles[kind]["line"] != "none":
            assert styles[kind]["skipInk"] == "none", f"the {kind} line skips descenders"


def body_classes(page) -> set[str]:
    return set(page.evaluate("[...document.body.classList]"))


def test_the_view_and_the_highlight_survive_a_reload(open_page) -> None:
    page, _ = open_page()
    assert body_classes(page) >= {"view-reading"} and "highlight-names" not in body_classes(page)
    page.get_by_role("button", name="Diplomatic").click()
    page.get_by_role("button", name="Highlight people, places, dates").click()
    assert "highlight=on" in page.url and "view=diplomatic" in page.url, "the address does not show the choice"
    page.goto(page.url.split("?")[0])  # the bare address: only localStorage remembers
    assert body_classes(page) >= {"view-diplomatic", "highlight-names"}
    assert page.get_by_role("button", name="Diplomatic").get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="Highlight people, places, dates").get_attribute("aria-pressed") == "true"
    assert words(page, "#text", "Sovs") >= 1
    # the highlight shows: a person's name gets a background of its own
    assert page.locator("#text a.name.person").first.evaluate(
        "e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    page.get_by_role("button", name="Reading").click()
    page.reload()
    assert "view-reading" in body_classes(page)


@pytest.mark.parametrize("address", ["?view=diplomatic", "#view=diplomatic", "?view=diplomatic#d256-p3"])
def test_a_link_opens_the_view_it_names(open_page, origin: str, address: str) -> None:
    page, _ = open_page(f"{DOCUMENT_PAGE}{address}")  # a fresh context: nothing stored
    assert "view-diplomatic" in body_classes(page)
    assert words(page, "#text", "gong") == 1
    if "#d256-p3" in address:
        # the ¶ link's address still works beside the view
        assert page.locator("#d256-p3").evaluate("e => e.matches(':target')")
        page.wait_for_function(f"() => ({IN_VIEWPORT})(document.getElementById('d256-p3'))")
    # a ¶ link clicked in that view keeps the view in the address
    page.locator("#d256-p5 > a.pilcrow").click()
    assert page.url.endswith("?view=diplomatic#d256-p5"), page.url
    assert page.locator("#d256-p5").evaluate("e => e.matches(':target')")


def test_copy_buttons_copy_each_citation_as_plain_text(open_page, site: Path) -> None:
    page, log = open_page(permissions=["clipboard-read", "clipboard-write"])
    buttons = page.locator("#cite button.copy")
    assert buttons.count() == 4 and buttons.first.is_visible(), "the copy buttons are hidden: their script did not run"
    # The plain-text citations file has the same four citations, wrapped at 72 columns.
    blocks = (site / "cite" / f"{Path(DOCUMENT_PAGE).stem}.txt").read_text(encoding="utf-8").split("\n\n")[1:]
    expected = [" ".join(block.split("\n", 1)[1].split()) for block in blocks]
    for index in range(4):
        buttons.nth(index).click()
        page.wait_for_function("document.querySelector('#cite .copy-status').textContent.endsWith('copied.')")
        assert page.evaluate("navigator.clipboard.readText()") == expected[index]
        page.evaluate("document.querySelector('#cite .copy-status').textContent = ''")
    assert log.console_errors == [] and log.page_errors == []


def test_without_javascript_the_citations_are_plain_text(open_page) -> None:
    page, _ = open_page(java_script_enabled=False)
    assert page.locator("#cite button.copy").first.is_hidden()
    assert "(Original work published 1962)" in page.inner_text("#cite-apa")


def test_footnote_link_goes_to_the_note_and_back(open_page) -> None:
    page, _ = open_page()
    ref = page.locator("#text a[role='doc-noteref']").first
    ref_id = ref.get_attribute("id")
    note_id = ref.get_attribute("href")[1:]
    assert ref_id and note_id
    ref.click()
    page.wait_for_function("id => location.hash === '#' + id", arg=note_id)
    note = page.locator(f"#{note_id}")
    assert note.evaluate("e => e.closest('#notes') !== null && e.matches(':target')")
    page.wait_for_function(f"id => ({IN_VIEWPORT})(document.getElementById(id))", arg=note_id)
    assert "Document 253" in note.inner_text()

    note.locator("a[role='doc-backlink']").click()
    page.wait_for_function("id => location.hash === '#' + id", arg=ref_id)
    page.wait_for_function(f"id => ({IN_VIEWPORT})(document.getElementById(id))", arg=ref_id)
    assert page.locator(f"#{note_id}").evaluate(f"e => !({IN_VIEWPORT})(e)"), \
        "the note is still on screen: the back link did not move the reader"


def test_each_paragraph_has_a_citable_link(open_page, origin: str) -> None:
    page, _ = open_page()
    canonical = page.get_attribute("link[rel=canonical]", "href")
    assert canonical and canonical.startswith("https://")
    paragraphs = page.eval_on_selector_all("#text .numbered", """ps => ps.map(p => {
      const links = p.querySelectorAll(':scope > a.pilcrow');
      return {id: p.id, links: links.length, href: links.length ? links[0].getAttribute('href') : null,
              label: links.length ? links[0].getAttribute('aria-label') : null,
              title: links.length ? links[0].title : null};
    })""")
    assert len(paragraphs) >= 5
    assert len({p["id"] for p in paragraphs}) == len(paragraphs)
    for p in paragraphs:
        assert p["id"], f"a numbered paragraph has no id: {p}"
        assert p["links"] == 1 and p["href"] == f"#{p['id']}", p
        assert p["label"], f"the ¶ link of {p['id']} has no accessible name"
        assert f"{canonical}#{p['id']}" in p["title"], f"the ¶ link of {p['id']} does not give its address"

    third = paragraphs[2]["id"]
    page.locator(f"#{third} > a.pilcrow").click()
    assert page.url == f"{origin}/{DOCUMENT_PAGE}#{third}"

    # The address works when opened: the paragraph is the target, on screen.
    cited, _ = open_page(f"{DOCUMENT_PAGE}#{third}")
    paragraph = cited.locator(f"#{third}")
    assert paragraph.evaluate("e => e.matches(':target')")
    cited.wait_for_function(f"id => ({IN_VIEWPORT})(document.getElementById(id))", arg=third)


# ---------------------------------------------------------------------------
# Keyboard
# ---------------------------------------------------------------------------

FOCUSABLE = """() => {
  const selector = 'a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"])';
  const all = [...document.querySelectorAll(selector)]
    .filter(e => !e.disabled && e.checkVisibility({visibilityProperty: true}));
  all.forEach((e, i) => e.setAttribute('data-kb', String(i)));
  return all.map(e => ({kb: String(all.indexOf(e)), tag: e.tagName.toLowerCase(), text: (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40),
                        main: e.closest('main') !== null}));
}"""

# Records every element that gets focus (window.focusLog), with what a reader sees of it.
RECORD_FOCUS = """() => {
  window.focusLog = [];
  document.addEventListener('focusin', event => {
    const e = event.target, s = getComputedStyle(e), r = e.getBoundingClientRect();
    window.focusLog.push({kb: e.getAttribute('data-kb'), tag: e.tagName.toLowerCase(),
      text: (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 40),
      focusVisible: e.matches(':focus-visible'),
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
      shadow: s.boxShadow !== 'none',
      onScreen: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && r.width > 0});
  });
}"""


def tab_through(page, presses: int) -> list[dict]:
    """Press Tab ``presses`` times; the elements focused, in order, up to the first repeat."""
    page.evaluate(RECORD_FOCUS)
    for _ in range(presses):
        page.keyboard.press("Tab")
    reached: list[dict] = []
    for entry in page.evaluate("window.focusLog"):
        if reached and entry["kb"] == reached[0]["kb"]:
            break
        reached.append(entry)
    return reached


@pytest.mark.parametrize("path", PAGES)
def test_everything_is_reachable_by_keyboard_with_a_visible_focus(open_page, path: str) -> None:
    page, _ = open_page(path)
    if path == SEARCH_PAGE:  # its script has loaded the index and put up the filters
        page.wait_for_selector("body.search-ready")
    expected = page.evaluate(FOCUSABLE)
    assert any(e["main"] for e in expected)
    reached = tab_through(page, presses=len(expected) + 2)

    assert reached and reached[0]["text"].lower().startswith("skip"), "the first Tab does not reach a skip link"
    missed = [e for e in expected if e["kb"] not in {r["kb"] for r in reached}]
    assert missed == [], f"not reachable with Tab: {missed}"
    unmarked = [r for r in reached if not (r["focusVisible"] and (r["outline"] or r["shadow"]))]
    assert unmarked == [], f"focused without a visible focus indicator: {unmarked}"
    hidden = [r for r in reached if not r["onScreen"]]
    assert hidden == [], f"focused while off screen: {hidden}"


def test_keyboard_skip_link_view_switch_and_passages(open_page) -> None:
    page, _ = open_page()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#text'")
    # Tab continues from the text: the first control there is the view switch.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-view')") == "reading"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-view')") == "diplomatic"
    page.keyboard.press("Space")
    assert page.evaluate("document.body.classList.contains('view-diplomatic')")
    assert page.locator("#text .choice .dipl", has_text=re.compile(r"^gong$")).is_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.body.classList.contains('view-reading')")

    # The passage citations open from the keyboard, and their links are then reachable.
    summary = page.locator("details.passages > summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.passages").evaluate("d => d.open")
    inside = page.locator("details.passages a[href]")
    assert inside.count() >= 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('details.passages') !== null")


# ---------------------------------------------------------------------------
# Layout on a phone and a desktop
# ---------------------------------------------------------------------------

OVERFLOW = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 0.5 && e.checkVisibility())
  .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))"""


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["mobile-390", "desktop-1280"])
def test_no_horizontal_scrolling(open_page, path: str, viewport: dict) -> None:
    options = {"is_mobile": True, "has_touch": True} if viewport is MOBILE else {}
    page, _ = open_page(path, viewport, **options)
    width = viewport["width"]
    for view in ("reading", "diplomatic"):
        page.evaluate("""view => {
          document.querySelectorAll('details').forEach(d => d.open = true);
          const button = document.querySelector(`.view-switch button[data-view="${view}"]`);
          if (button) { button.click(); }
        }""", view)
        scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
        assert scroll_width <= width, (f"{view} view scrolls sideways at {width} px: {scroll_width} px wide; "
                                       f"too wide: {page.evaluate(OVERFLOW, width)}")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop-1280x800", "phone-390x844"])
def test_the_text_starts_on_the_first_screen(open_page, viewport: dict) -> None:
    options = {"is_mobile": True, "has_touch": True} if viewport is MOBILE else {}
    page, _ = open_page(DOCUMENT_PAGE, viewport, **options)
    top = page.evaluate("document.querySelector('#text .tei-text').getBoundingClientRect().top")
    first_paragraph = page.evaluate("document.getElementById('d256-p1').getBoundingClientRect().top")
    assert 0 < top < viewport["height"], f"the telegram begins {top:.0f} px down, below the first screen"
    assert first_paragraph < viewport["height"], f"paragraph 1 begins {first_paragraph:.0f} px down"
    facts = page.inner_text(".key-facts")
    for fact in ("December 23, 1962", "Department of State", "Confidential", "vol. XI", "doc. 256"):
        assert fact in facts, f"the key facts lack {fact!r}: {facts!r}"


def test_phone_layout_nav_on_one_line_and_metadata_in_one_column(open_page) -> None:
    page, _ = open_page(DOCUMENT_PAGE, MOBILE, is_mobile=True, has_touch=True)
    tops = page.eval_on_selector_all(".site-header li", "items => items.map(li => li.getBoundingClientRect().top)")
    assert len(tops) >= 4 and max(tops) - min(tops) < 2, f"the navigation wraps: item tops {tops}"
    labels = page.eval_on_selector_all(".metadata dt", "ds => ds.map(d => [d.getBoundingClientRect().left, "
                                       "d.nextElementSibling.getBoundingClientRect().left, "
                                       "d.nextElementSibling.getBoundingClientRect().width])")
    assert labels
    for dt_left, dd_left, dd_width in labels:
        assert abs(dt_left - dd_left) < 1, "the metadata is in two columns on a phone"
        assert dd_width > 300, f"a metadata value has only {dd_width:.0f} px"


# ---------------------------------------------------------------------------
# Print
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def printed(browser, origin: str, tmp_path_factory: pytest.TempPathFactory):
    """The document page printed to PDF by Chromium (US Letter and A4), read back with pypdf."""
    pypdf = pytest.importorskip("pypdf")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{origin}/{DOCUMENT_PAGE}", wait_until="load")
    folder = tmp_path_factory.mktemp("print")
    pages = {}
    for size in ("Letter", "A4"):
        path = folder / f"{size}.pdf"
        page.pdf(path=str(path), format=size)
        pages[size] = [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(path).pages]
    context.close()
    return pages


@pytest.mark.parametrize("size", ["Letter", "A4"])
def test_print_fits_three_pages_with_notes_urls_and_one_citation(printed, size: str) -> None:
    pages = printed[size]
    assert 1 <= len(pages) <= 3, f"{len(pages)} pages on {size}"
    text = " ".join(pages)
    assert "McCloy concluded by expressing regret" in text and "Representative of the" in text
    assert "See Document 253" in text
    assert "https://history.state.gov/historicaldocuments/frus1961-63v11/d253" in text.replace(" ", ""), \
        "the footnote's link lost its address"
    assert text.count("Telegram 2477 from the United States Mission") == 1, "not exactly one citation"
    for absent in ("Reference files", "Cite a passage", "BibTeX", "People, places and organisations", "Highlight"):
        assert absent not in text, f"print shows {absent!r}"
    licence = "public domain"
    for number, page_text in enumerate(pages, start=1):
        assert not (licence in page_text and len(page_text) < 600), f"page {number} holds little but the licences"


def test_print_has_no_empty_headings(open_page) -> None:
    page, _ = open_page()
    page.emulate_media(media="print")
    empty = page.evaluate("""() => [...document.querySelectorAll('h1, h2, h3, h4')]
      .filter(h => h.checkVisibility())
      .filter(h => {
        // what follows up to the next heading of the same or a higher level
        const level = Number(h.tagName[1]);
        const all = [...document.querySelectorAll('body *')];
        for (const e of all.slice(all.indexOf(h) + 1)) {
          if (/^H[1-6]$/.test(e.tagName) && Number(e.tagName[1]) <= level && e.checkVisibility()) { return true; }
          if (!/^H[1-6]$/.test(e.tagName) && !h.contains(e) && e.checkVisibility() && e.children.length === 0
              && e.textContent.trim()) { return false; }
        }
        return true;
      }).map(h => h.textContent.trim())""")
    assert empty == [], f"headings printed with nothing under them: {empty}"


# ---------------------------------------------------------------------------
# Accessibility (axe-core)
# ---------------------------------------------------------------------------

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path, view, viewport", [
    (DOCUMENT_PAGE, "reading", DESKTOP),
    (DOCUMENT_PAGE, "diplomatic", DESKTOP),
    (DOCUMENT_PAGE, "highlight", DESKTOP),
    (DOCUMENT_PAGE, "card", DESKTOP),
    (DOCUMENT_PAGE, "reading", MOBILE),
    (INDEX_PAGE, None, DESKTOP),
    (FRUS_DOCUMENT_PAGE, "reading", DESKTOP),
    (FRUS_DOCUMENT_PAGE, "diplomatic", MOBILE),
    (FRUS_VOLUME_PAGE, None, DESKTOP),
    (SEARCH_PAGE + "?q=Kuznetsov", "search", DESKTOP),
    (SEARCH_PAGE + "?q=Kuznetsov&year=1962", "search", MOBILE),
    (FRUS_DOCUMENT_PAGE + "?find=khrushchev", "found", DESKTOP),
], ids=["document-reading", "document-diplomatic", "document-highlight", "document-card", "document-mobile", "index",
        "frus-document-reading", "frus-document-mobile", "frus-volume", "search-results", "search-mobile",
        "search-words-marked"])
def test_axe_finds_no_serious_or_critical_violations(open_page, axe_js: Path, path: str, view: str | None,
                                                     viewport: dict, scheme: str) -> None:
    page, _ = open_page(path, viewport, color_scheme=scheme)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    luminance = sum(int(c) for c in re.findall(r"\d+", background)[:3])
    assert (luminance < 200) == (scheme == "dark"), f"{scheme} scheme, body background {background}"
    if view in ("reading", "diplomatic"):
        page.locator(f'.view-switch button[data-view="{view}"]').click()
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    elif view == "highlight":
        page.get_by_role("button", name="Highlight people, places, dates").click()
    elif view == "card":
        page.locator('#text a.name.person').first.click()
        assert page.evaluate(CARD_STATE)["open"]
    elif view == "search":  # the results listed and every filter open, with all its values
        page.wait_for_selector("#search-results li")
        # the filters are made after the first results (xslt/search.js): open them once they are there
        page.wait_for_selector("body.search-ready")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_function("[...document.querySelectorAll('details.search-filter')].every(d => d.querySelector('fieldset'))")
        page.evaluate("document.querySelectorAll('.search-show-all').forEach(b => b.click())")
    elif view == "found":
        page.wait_for_selector("mark.search-hit")
    page.add_script_tag(path=str(axe_js))
    violations = page.evaluate(AXE_RUN)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], "axe-core: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in serious)
