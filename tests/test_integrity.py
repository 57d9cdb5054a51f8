"""Integrity of the edition's files: identifiers, pointers, dates and authority records.

Reads every tei/*.xml with plain lxml (no project imports) and checks that

* every xml:id is unique across all the files;
* every pointer (@ref, @target, @corresp, @who, @resp) resolves: "#id" in the same
  file, "file.xml#id" in that file of tei/; http(s) and mailto URLs are skipped;
* names point to the right kind of record: persName and rs[@type='person'] to a
  person, placeName to a place, orgName to an org;
* every @when (and @notBefore, @notAfter, @from, @to) is a real ISO 8601 date, a
  date and time, a year-month or a year;
* every paragraph of the telegram's body has xml:id and @n, numbered in sequence;
* no name or date in a text is empty;
* every authority record is referred to from the telegram's text at least once.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

TEI_DIR = Path(__file__).resolve().parent.parent / "tei"
TELEGRAM_NAME = "frus1961-63v11-d256.xml"
AUTHORITY_NAME = "authority.xml"

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

POINTER_ATTRIBUTES = ("ref", "target", "corresp", "who", "resp")
DATE_ATTRIBUTES = ("when", "notBefore", "notAfter", "from", "to")
EXTERNAL_SCHEMES = ("http", "https", "mailto")

#: What kind of record each kind of name must point to.
EXPECTED_KIND = {
    "persName": "person",
    "placeName": "place",
    "orgName": "org",
    "rs:person": "person",
    "rs:place": "place",
    "rs:org": "org",
}

#: The authority records the edition's contract names.
REQUIRED_RECORDS = {
    "person": {"mccloy", "yost", "kuznetsov", "zorin", "mendelevich", "kennedy", "khrushchev",
               "thant", "castro", "fedorenko"},
    "place": {"new-york", "moscow", "washington", "cuba", "caribbean", "turkey", "japan", "china"},
    "org": {"un", "un-security-council", "un-general-assembly", "us-mission-un", "department-of-state",
            "white-house", "us-congress", "ussr-council-of-ministers"},
}
AUTHORITY_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


@lru_cache(maxsize=None)
def documents() -> dict[str, etree._ElementTree]:
    """Every TEI file of the edition, by file name."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, collect_ids=False)
    found = {path.name: etree.parse(str(path), parser) for path in sorted(TEI_DIR.glob("*.xml"))}
    assert TELEGRAM_NAME in found and AUTHORITY_NAME in found, f"tei/ holds only {sorted(found)}"
    return found


@lru_cache(maxsize=None)
def ids_by_file() -> dict[str, dict[str, etree._Element]]:
    return {name: {el.get(XML_ID): el for el in tree.iter() if isinstance(el.tag, str) and el.get(XML_ID)}
            for name, tree in documents().items()}


def where(element) -> str:
    return f"{Path(element.getroottree().docinfo.URL or '?').name}:{element.sourceline}"


def owner_kind(element) -> str:
    name = _local(element)
    return f"rs:{element.get('type')}" if name == "rs" else name


def pointers():
    """(file name, element, attribute, one pointer value) for every pointer of the edition."""
    for name, tree in documents().items():
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in POINTER_ATTRIBUTES:
                for token in (element.get(attribute) or "").split():
                    yield name, element, attribute, token


class Unresolved(Exception):
    """A pointer that leads nowhere."""


def resolve(name: str, token: str):
    """The element a pointer leads to; None for external URLs; raises Unresolved if it leads nowhere."""
    parts = urlsplit(token)
    if parts.scheme in EXTERNAL_SCHEMES:
        return None
    if parts.scheme:
        raise Unresolved(f"{token!r}: unexpected URL scheme {parts.scheme!r}")
    file_part, fragment = unquote(parts.path), unquote(parts.fragment)
    target_name = file_part or name
    if "/" in target_name:
        raise Unresolved(f"{token!r} leaves tei/; pointers stay within the edition")
    if target_name not in documents():
        raise Unresolved(f"{token!r} points into {target_name}, which is not a TEI file of tei/")
    if not fragment:
        return documents()[target_name].getroot()
    record = ids_by_file()[target_name].get(fragment)
    if record is None:
        raise Unresolved(f"{token!r}: there is no xml:id {fragment!r} in {target_name}")
    return record


# ------------------------------------------------------------------ identifiers

def test_ids_are_unique_across_files():
    counts = Counter()
    places = {}
    for name, tree in documents().items():
        for element in tree.iter():
            if isinstance(element.tag, str) and element.get(XML_ID):
                ident = element.get(XML_ID)
                counts[ident] += 1
                places.setdefault(ident, []).append(where(element))
    duplicates = {ident: places[ident] for ident, n in counts.items() if n > 1}
    assert not duplicates, f"xml:id used more than once: {duplicates}"


def test_authority_ids_are_lowercase_and_hyphenated():
    records = documents()[AUTHORITY_NAME].xpath("//tei:standOff//*[@xml:id]", namespaces=NS)
    bad = [r.get(XML_ID) for r in records if not AUTHORITY_ID.fullmatch(r.get(XML_ID))]
    assert not bad, f"authority ids must be lowercase words joined by hyphens: {bad}"


def test_required_authority_records_exist():
    tree = documents()[AUTHORITY_NAME]
    for kind, required in REQUIRED_RECORDS.items():
        present = {el.get(XML_ID) for el in tree.iter(f"{TEI}{kind}")}
        assert required <= present, f"missing {kind} records: {sorted(required - present)}"


# ------------------------------------------------------------------ pointers

def test_pointers_resolve():
    problems = []
    for name, element, attribute, token in pointers():
        try:
            resolve(name, token)
        except Unresolved as error:
            problems.append(f"{where(element)} <{_local(element)}>/@{attribute}: {error}")
    assert not problems, "pointers that lead nowhere:\n" + "\n".join(problems)


def test_names_point_to_the_right_kind_of_record():
    problems = []
    for name, element, attribute, token in pointers():
        expected = EXPECTED_KIND.get(owner_kind(element))
        if attribute != "ref" or expected is None:
            continue
        try:
            record = resolve(name, token)
        except Unresolved:
            continue  # reported by test_pointers_resolve
        if record is None or _local(record) != expected:
            kind = "an external page" if record is None else f"<{_local(record)}>"
            problems.append(f"{where(element)} <{owner_kind(element)}> {token!r} points to {kind}, not a {expected}")
    assert not problems, "\n".join(problems)


def test_names_in_texts_have_refs():
    problems = []
    for name, tree in documents().items():
        for element in tree.xpath("//tei:text//*[self::tei:persName or self::tei:placeName or self::tei:orgName"
                                  " or self::tei:rs]", namespaces=NS):
            if not (element.get("ref") or "").strip():
                problems.append(f"{where(element)} <{_local(element)}> {''.join(element.itertext())!r}")
    assert not problems, "names without @ref: " + "; ".join(problems)


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


# ------------------------------------------------------------------ dates

def is_iso_date(value: str) -> bool:
    """A real calendar date or date-time in ISO 8601, a year-month or a year."""
    if re.fullmatch(r"\d{4}", value):
        return True
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return 1 <= int(value[5:]) <= 12
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", value):
        try:
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True
    return False


@pytest.mark.parametrize("value, valid", [
    ("1902", True), ("1962-12", True), ("1962-12-23", True), ("1962-12-23T14:00:00-05:00", True),
    ("1962-02-30", False), ("1962-13", False), ("23 December 1962", False), ("19621223", False),
    ("1962-12-23T25:00:00", False), ("", False),
])
def test_date_checker(value, valid):
    assert is_iso_date(value) is valid


def test_dates_are_real_iso_dates():
    problems = []
    for name, tree in documents().items():
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in DATE_ATTRIBUTES:
                value = element.get(attribute)
                if value is not None and not is_iso_date(value):
                    problems.append(f"{where(element)} <{_local(element)}>/@{attribute}={value!r}")
    assert not problems, "not ISO 8601 dates: " + "; ".join(problems)


def test_dates_in_the_text_are_normalised():
    dates = documents()[TELEGRAM_NAME].xpath("//tei:text//tei:date", namespaces=NS)
    assert dates, "the telegram's text has no dates"
    missing = [f"{where(d)} {''.join(d.itertext())!r}" for d in dates if not d.get("when")]
    assert not missing, "dates without @when: " + "; ".join(missing)


# ------------------------------------------------------------------ paragraphs and content

def test_paragraphs_are_citable():
    paragraphs = documents()[TELEGRAM_NAME].xpath("//tei:text/tei:body//tei:p", namespaces=NS)
    assert paragraphs
    problems = [f"{where(p)} {' '.join(''.join(p.itertext()).split())[:40]!r}"
                for p in paragraphs if not (p.get(XML_ID) and p.get("n"))]
    assert not problems, "paragraphs without xml:id or @n: " + "; ".join(problems)


def test_paragraph_numbers_run_in_sequence():
    tree = documents()[TELEGRAM_NAME]
    for parent in {p.getparent() for p in tree.xpath("//tei:text/tei:body//tei:p", namespaces=NS)}:
        numbers = [p.get("n") for p in parent.findall(f"{TEI}p")]
        assert numbers == [str(i) for i in range(1, len(numbers) + 1)], \
            f"paragraphs of {where(parent)} are numbered {numbers}"


def test_document_paragraph_ids_follow_the_convention():
    for p in documents()[TELEGRAM_NAME].xpath("//tei:div[@type='document']/tei:p", namespaces=NS):
        assert p.get(XML_ID) == f"d256-p{p.get('n')}", f"{where(p)}: xml:id {p.get(XML_ID)!r} for paragraph {p.get('n')}"


def test_names_and_dates_are_not_empty():
    problems = []
    for name, tree in documents().items():
        for element in tree.xpath("//*[self::tei:persName or self::tei:placeName or self::tei:orgName"
                                  " or self::tei:rs or self::tei:text//tei:date]", namespaces=NS):
            if not "".join(element.itertext()).strip():
                problems.append(f"{where(element)} <{_local(element)}>")
    assert not problems, "empty names or dates: " + "; ".join(problems)


def test_choices_pair_source_and_editorial_readings():
    allowed = [{"sic", "corr"}, {"abbr", "expan"}, {"orig", "reg"}]
    for name, tree in documents().items():
        for choice in tree.iter(f"{TEI}choice"):
            children = [_local(c) for c in choice if isinstance(c.tag, str)]
            assert len(children) == 2 and set(children) in allowed, f"{where(choice)} <choice> holds {children}"


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
