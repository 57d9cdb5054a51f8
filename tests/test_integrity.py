"""Integrity of the edition's files: identifiers, pointers, dates and authority records.

The generic rules (every xml:id unique across the files, every pointer resolves
to the right kind of record, every date a real ISO 8601 date, paragraphs
citable, names neither empty nor unlinked) are the validator's: the edition
must pass `teikit validate` with no problem at all, and a broken copy of the
real edition shows the validator really checks each rule on it. The tests
after that are the edition's own conventions: which records exist, how ids
look, that every record is used.
"""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

from toolkit import validate

TEI_DIR = Path(__file__).resolve().parent.parent / "tei"
#: The breakages are made to the frozen copy of the edition (a correction under
#: tei/ must not invalidate a test's search string).
FROZEN_DIR = Path(__file__).resolve().parent / "fixtures" / "outputs" / "edition"
TELEGRAM_NAME = "frus1961-63v11-d256.xml"
AUTHORITY_NAME = "authority.xml"

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

#: The authority records the edition's contract names.
REQUIRED_RECORDS = {
    "person": {"mccloy", "yost", "kuznetsov", "zorin", "mendelevich", "kennedy", "khrushchev",
               "thant", "castro", "fedorenko"},
    "place": {"new-york", "moscow", "washington", "cuba", "caribbean", "turkey", "japan", "china"},
    "org": {"un", "un-security-council", "un-general-assembly", "us-mission-un", "department-of-state",
            "white-house", "us-congress", "ussr-council-of-ministers"},
}
AUTHORITY_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


@lru_cache(maxsize=None)
def documents() -> dict[str, etree._ElementTree]:
    """Every TEI file of the edition, by file name."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, collect_ids=False)
    found = {path.name: etree.parse(str(path), parser) for path in sorted(TEI_DIR.glob("*.xml"))}
    assert TELEGRAM_NAME in found and AUTHORITY_NAME in found, f"tei/ holds only {sorted(found)}"
    return found


def where(element) -> str:
    return f"{Path(element.getroottree().docinfo.URL or '?').name}:{element.sourceline}"


# ------------------------------------------------------------------ the validator's rules

def test_the_edition_passes_every_validation_step():
    report = validate.validate_paths([TEI_DIR / TELEGRAM_NAME, TEI_DIR / AUTHORITY_NAME], jobs=1)
    assert not report.problems, "\n".join(p.format() for p in report.problems)


# Each breaks one rule in a copy of the real edition: (what is replaced, by what, the rule that must fire).
BREAKAGES = {
    "duplicate id": ('xml:id="d256-p2"', 'xml:id="d256-p1"', "id-unique"),
    "dangling pointer": ('ref="authority.xml#zorin"', 'ref="authority.xml#zorn"', "ref-resolves"),
    "wrong kind of record": ('<placeName ref="authority.xml#moscow">', '<placeName ref="authority.xml#mccloy">',
                             "ref-kind"),
    "impossible date": ('when="1962-11-20"', 'when="1962-11-31"', "date-calendar"),
    "unlinked name": ('<persName ref="authority.xml#yost">', "<persName>", "name-has-ref"),
    "paragraph not citable": ('<p xml:id="d256-p3" n="3">', "<p>", "p-citable"),
}

@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_the_validator_catches_each_breakage_of_the_real_edition(breakage, tmp_path):
    old, new, rule = BREAKAGES[breakage]
    shutil.copy(FROZEN_DIR / AUTHORITY_NAME, tmp_path / AUTHORITY_NAME)
    text = (FROZEN_DIR / TELEGRAM_NAME).read_text(encoding="utf-8")
    assert old in text, f"the edition no longer contains {old!r}: update this test"
    (tmp_path / TELEGRAM_NAME).write_text(text.replace(old, new, 1), encoding="utf-8")
    report = validate.validate_paths([tmp_path / TELEGRAM_NAME], jobs=1, profile="edition")
    assert rule in {p.rule for p in report.errors}, "\n".join(p.format() for p in report.errors)


# ------------------------------------------------------------------ the edition's conventions


def test_authority_ids_are_lowercase_and_hyphenated():
    records = documents()[AUTHORITY_NAME].xpath("//tei:standOff//*[@xml:id]", namespaces=NS)
    bad = [r.get(XML_ID) for r in records if not AUTHORITY_ID.fullmatch(r.get(XML_ID))]
    assert not bad, f"authority ids must be lowercase words joined by hyphens: {bad}"


def test_required_authority_records_exist():
    tree = documents()[AUTHORITY_NAME]
    for kind, required in REQUIRED_RECORDS.items():
        present = {el.get(XML_ID) for el in tree.iter(f"{TEI}{kind}")}
        assert required <= present, f"missing {kind} records: {sorted(required - present)}"


def test_every_authority_record_is_referred_to_by_the_telegram():
    text = documents()[TELEGRAM_NAME].xpath("//tei:text", namespaces=NS)[0]
    referred = set()
    for element in text.iter():
        if not isinstance(element.tag, str):
            continue
        for token in (element.get("ref") or "").split():
            parts = urlsplit(token)
            if unquote(parts.path) == AUTHORITY_NAME:
                referred.add(unquote(parts.fragment))
    records = documents()[AUTHORITY_NAME].xpath(
        "//tei:standOff//*[self::tei:person or self::tei:place or self::tei:org]/@xml:id", namespaces=NS)
    unused = sorted(set(records) - referred)
    assert not unused, f"authority records never referred to in the telegram's text: {unused}"


def test_dates_in_the_text_are_normalised():
    dates = documents()[TELEGRAM_NAME].xpath("//tei:text//tei:date", namespaces=NS)
    assert dates, "the telegram's text has no dates"
    missing = [f"{where(d)} {''.join(d.itertext())!r}" for d in dates if not d.get("when")]
    assert not missing, "dates without @when: " + "; ".join(missing)


def test_document_paragraph_ids_follow_the_convention():
    for p in documents()[TELEGRAM_NAME].xpath("//tei:div[@type='document']/tei:p", namespaces=NS):
        assert p.get(XML_ID) == f"d256-p{p.get('n')}", f"{where(p)}: xml:id {p.get(XML_ID)!r} for paragraph {p.get('n')}"


def test_places_have_decimal_coordinates():
    for place in documents()[AUTHORITY_NAME].iter(f"{TEI}place"):
        geo = place.find(f"{TEI}location/{TEI}geo")
        assert geo is not None, f"place {place.get(XML_ID)} has no location/geo"
        latitude, longitude = (float(v) for v in geo.text.split())
        assert -90 <= latitude <= 90 and -180 <= longitude <= 180, f"{place.get(XML_ID)}: {geo.text}"


def test_people_have_a_name_and_an_occupation():
    for person in documents()[AUTHORITY_NAME].iter(f"{TEI}person"):
        assert person.find(f"{TEI}persName") is not None, person.get(XML_ID)
        assert person.find(f"{TEI}occupation") is not None, person.get(XML_ID)
        birth, death = person.find(f"{TEI}birth"), person.find(f"{TEI}death")
        if birth is not None and death is not None:
            assert birth.get("when")[:4] < death.get("when")[:4], f"{person.get(XML_ID)} dies before birth"
