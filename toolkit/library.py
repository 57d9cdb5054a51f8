"""The site-wide pages of a build of many documents: registers and chronology.

Every published page's transformation returns a *record* of it
(``<t:record>``, xslt/library.xsl): its title, date, printed source, sender
and addressee, and every person, place and organisation it names, each under
its register key with the paragraphs that name it. The build keeps each
source's records in the output folder's manifest, so these pages are made
from records alone, without transforming any document again. This module:

* merges the records into registers (:func:`registers`): one entry per key
  and kind. The key is the one rule that makes two records of different
  sources one entry; it is made by the stylesheet (``t:register-key``), from
  the record alone (a person: folded surname and the initials of the given
  names), so a document's page can link its names' register pages. One key
  may hold more than one person: records whose first given names are both
  written out and not alike (:data:`GIVEN_ALIKE`: "Theodore" and "Thomas"
  Sorensen, not "Vasili" and "Vasily" Kuznetsov) are separate entries of the
  key, shown apart on its page;
* finds the near misses (:func:`near_misses`): entries the key keeps apart
  that may be the same (same surname, one set of initials the start of the
  other; or surnames at least :data:`SIMILAR` alike); they are reported,
  never merged;
* writes what the pages are made of (:func:`manifest`, ``<t:library>``,
  rendered by xslt/library.xsl), a JSON file per register (:func:`as_json`)
  and the report of merges and near misses (:func:`report`).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

T_NS = "urn:telegram2477:xslt"
_T = f"{{{T_NS}}}"
#: Register kinds, their folders under html/ (xslt/library.xsl has the same map).
FOLDERS = {"person": "persons", "place": "places", "org": "organisations"}
#: The folders of html/ that the library's pages fill whole (xslt/library.xsl writes them): no
#: document may write into one (toolkit/build.py finds such a clash before anything is written).
SITE_FOLDERS = (*FOLDERS.values(), "chronology")
#: Two folded surnames (persons) or names (places, organisations) at least this alike
#: (difflib's ratio) are reported as a near miss: "Khrushchev" / "Khrushchov" 0.9.
SIMILAR = 0.85
#: Two first given names, both written out, at least this alike are spellings of one name
#: ("vasili" / "vasily" 0.83, "anatoli" / "anatoly" 0.86); below it, two persons ("theodore" / "thomas").
GIVEN_ALIKE = 0.75
_YEAR = re.compile(r"(\d{4})(?:-(\d{2}))?")


@dataclass
class Mention:
    """One document that names an entry: its facts, and where on its page."""

    page: str
    facts: dict[str, str]
    places: dict[str, str] = field(default_factory=dict)  # anchor id -> label ("p3" -> "¶3")
    in_metadata_only: bool = True


@dataclass
class Entry:
    """One entry of a register: every record of that key, merged."""

    kind: str
    key: str
    #: name as written -> the records (source#id) that write it so
    variants: dict[str, list[str]] = field(default_factory=dict)
    dates: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    mentions: dict[str, Mention] = field(default_factory=dict)
    #: Which person of its key (1, 2 ...: see the module docstring) and the first given names written out.
    part: int = 1
    givens: set[str] = field(default_factory=set)

    def accepts(self, given: str) -> bool:
        """Whether a record with this first given name may be this person."""
        return len(given) <= 1 or all(len(other) <= 1 or other == given
                                      or difflib.SequenceMatcher(None, other, given).ratio() >= GIVEN_ALIKE
                                      for other in self.givens)

    @property
    def slot(self) -> str:
        """Its place in its register: the key, and the part when the key holds more than one person."""
        return self.key if self.part == 1 else f"{self.key}~{self.part}"

    @property
    def name(self) -> str:
        """The form most records write; of equals, one written surname first ("Kennedy, John F."), for A–Z."""
        return max(sorted(self.variants), key=lambda name: (len(self.variants[name]), "," in name))

    @property
    def sources(self) -> list[str]:
        return sorted({source for sources in self.variants.values() for source in sources})

    def ordered_mentions(self) -> list[Mention]:
        """In date order (undated last), then by printed source and page."""
        return sorted(self.mentions.values(),
                      key=lambda mention: (mention.facts.get("when") or "9999", mention.facts.get("printed", ""),
                                           mention.page))


def parse_records(texts: list[str]) -> list[etree._Element]:
    """The ``<t:record>`` elements of the records each source's transformation returned."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    found = []
    for text in texts:
        found.extend(etree.fromstring(text.encode("utf-8"), parser).iterchildren(f"{_T}record"))
    return found


_FACTS = ("title", "when", "printed", "sender", "addressee", "place")


def registers(records: list[etree._Element]) -> dict[str, dict[str, Entry]]:
    """kind -> key -> entry, from every record's names."""
    found: dict[str, dict[str, Entry]] = {kind: {} for kind in FOLDERS}
    for record in records:
        page = record.get("page", "")
        facts = {name: record.get(name) for name in _FACTS if record.get(name)}
        for name in record.iterchildren(f"{_T}name"):
            kind, key = name.get("kind", ""), name.get("key", "")
            if kind not in found or not key:
                continue
            entry = _entry_for(found[kind], kind, key, name.get("given", ""))
            sources = entry.variants.setdefault(name.get("name", key), [])
            if name.get("source") and name.get("source") not in sources:
                sources.append(name.get("source"))
            for value, values in ((name.get("dates"), entry.dates), (name.get("role"), entry.roles)):
                if value and value not in values:
                    values.append(value)
            mention = entry.mentions.setdefault(page, Mention(page, facts))
            for place in name.iterchildren(f"{_T}at"):
                mention.in_metadata_only = False
                mention.places.setdefault(place.get("id", ""), place.get("label", ""))
    return found


def _entry_for(register: dict[str, Entry], kind: str, key: str, given: str) -> Entry:
    """The entry of ``key`` a record with this first given name belongs to (a new part if none accepts it)."""
    part = 1
    while True:
        entry = register.get(key if part == 1 else f"{key}~{part}")
        if entry is None:
            entry = Entry(kind, key, part=part)
            register[entry.slot] = entry
            break
        if entry.accepts(given):
            break
        part += 1
    if len(given) > 1:
        entry.givens.add(given)
    return entry


def _parts(entry: Entry) -> tuple[str, str]:
    """A person's key as (surname, initials); a place's or organisation's as (name, "")."""
    if entry.kind == "person":
        surname, _, initials = entry.key.partition("-")
        return surname, initials
    return entry.key.replace("-", ""), ""


def near_misses(register: dict[str, Entry]) -> list[tuple[Entry, Entry, str]]:
    """Pairs of entries the key keeps apart that may be one: reported, never merged.

    Persons: the same surname with initials one the start of the other
    ("kennedy-j" / "kennedy-jf"), or surnames at least :data:`SIMILAR` alike
    with the same initials or one the start of the other. Places and
    organisations: names at least :data:`SIMILAR` alike. Only entries whose
    first letters agree are compared (a register of thousands stays fast).
    """
    by_letter: dict[str, list[Entry]] = defaultdict(list)
    for entry in register.values():
        by_letter[entry.key[:1]].append(entry)
    found = []
    for entries in by_letter.values():
        entries.sort(key=lambda entry: entry.key)
        for index, first in enumerate(entries):
            name_a, initials_a = _parts(first)
            for second in entries[index + 1:]:
                name_b, initials_b = _parts(second)
                compatible = initials_a.startswith(initials_b) or initials_b.startswith(initials_a)
                if first.key == second.key:
                    found.append((first, second, "one key, but their given names differ: "
                                  f"{'/'.join(sorted(first.givens))} and {'/'.join(sorted(second.givens))}"))
                    continue
                if name_a == name_b:
                    if compatible:
                        found.append((first, second, "same surname; initials "
                                      f"{initials_a.upper() or 'none'} and {initials_b.upper() or 'none'}"))
                    continue
                matcher = difflib.SequenceMatcher(None, name_a, name_b)
                if compatible and matcher.real_quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR:
                    found.append((first, second, f"{'surnames' if first.kind == 'person' else 'names'} "
                                                 f"{matcher.ratio():.2f} alike"))
    return found


def manifest(records: list[etree._Element], found: dict[str, dict[str, Entry]]) -> str:
    """The ``<t:library>`` xslt/library.xsl makes the registers' and the chronology's pages from."""
    library = etree.Element(f"{_T}library", nsmap={"t": T_NS})
    for part in _manifest_parts(records, found):
        library.append(part)
    return etree.tostring(library, encoding="unicode")


def manifests(records: list[etree._Element], found: dict[str, dict[str, Entry]]) -> list[str]:
    """What :func:`manifest` holds, one ``<t:library>`` per register and one for the chronology: each makes
    its own pages (xslt/library.xsl renders the children of ``<t:library>`` one by one), so that one
    transformation holds one register's pages, not the whole site's (toolkit/build.py)."""
    parts = []
    for part in _manifest_parts(records, found):
        library = etree.Element(f"{_T}library", nsmap={"t": T_NS})
        library.append(part)
        parts.append(etree.tostring(library, encoding="unicode"))
    return parts


def _manifest_parts(records: list[etree._Element], found: dict[str, dict[str, Entry]]) -> Iterator[etree._Element]:
    """Each register's ``<t:register>``, then the ``<t:chronology>``."""
    for kind, register in found.items():
        element = etree.Element(f"{_T}register", kind=kind, nsmap={"t": T_NS})
        for entry in sorted(register.values(), key=lambda entry: (entry.key, entry.part)):
            item = etree.SubElement(element, f"{_T}entry", key=entry.key, part=str(entry.part), name=entry.name,
                                    letter=entry.key[:1].upper())
            if entry.dates:
                item.set("dates", entry.dates[0])
            for role in entry.roles:
                etree.SubElement(item, f"{_T}role").text = role
            for name, sources in entry.variants.items():
                etree.SubElement(item, f"{_T}variant", name=name, sources=", ".join(sources))
            for mention in entry.ordered_mentions():
                at = etree.SubElement(item, f"{_T}mention", page=mention.page, **mention.facts)
                for anchor, label in mention.places.items():
                    etree.SubElement(at, f"{_T}at", id=anchor, label=label)
        yield element
    chronology = etree.Element(f"{_T}chronology", nsmap={"t": T_NS})
    for record in sorted(records, key=lambda record: (record.get("when") or "9999", record.get("page", ""))):
        document = etree.SubElement(chronology, f"{_T}document", page=record.get("page", ""),
                                    **{name: record.get(name) for name in _FACTS if record.get(name)})
        year = _YEAR.match(record.get("when") or "")
        if year:
            document.set("year", year.group(1))
            month = year.group(2) or "00"
            document.set("month", month if "01" <= month <= "12" else "00")
    yield chronology


#: The registers whose entries are filters of the search index, named as the kind (xslt/search.xsl
#: gives each page the filters that need no other page: volume, year, type).
SEARCH_FILTERS = ("person", "place")


def search_filters(records: list[etree._Element], found: dict[str, dict[str, Entry]]) -> dict[str, dict[str, list[str]]]:
    """Page (its address under html/) -> filter -> values: the ``person`` and ``place`` filters of the search
    index, each value a merged entry's name as its register page shows it, so that one person of two volumes
    ("Khrushchev" as p_KNS1 and p_KNS2, "Vasili" and "Vasily" Kuznetsov) is one value of the filter, as
    they are one entry of the register; ``place`` also holds the page's place of writing (its card's)."""
    found_values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for kind in SEARCH_FILTERS:
        for entry in found[kind].values():
            for page in entry.mentions:
                found_values[page][kind].add(entry.name)
    for record in records:
        if record.get("place") and record.get("page"):
            found_values[record.get("page")]["place"].add(record.get("place"))
    return {page: {name: sorted(values, key=str.lower) for name, values in filters.items()}
            for page, filters in found_values.items()}


def as_json(kind: str, register: dict[str, Entry]) -> str:
    """A register for reuse: every entry with its names, sources and mentions (pages relative to html/)."""
    entries = []
    for entry in sorted(register.values(), key=lambda entry: (entry.key, entry.part)):
        entries.append({
            "key": entry.key, "person": entry.part, "name": entry.name, "page": f"{FOLDERS[kind]}/{entry.key}.html",
            "dates": entry.dates, "roles": entry.roles,
            "variants": [{"name": name, "sources": sources} for name, sources in entry.variants.items()],
            "mentions": [{"page": mention.page, **mention.facts,
                          "anchors": [{"id": anchor, "label": label} for anchor, label in mention.places.items()]}
                         for mention in entry.ordered_mentions()],
        })
    # No indent: json's C encoder works only without one (indent=1 took 2.1 of 14 CPU s of a 200-document build).
    return json.dumps({"kind": kind, "entries": entries}, ensure_ascii=False, separators=(",", ":")) + "\n"


def report(found: dict[str, dict[str, Entry]]) -> str:
    """The merges (entries of more than one record) and the near misses, one line each."""
    lines = ["# Registers of this build: what was merged, and what may be the same but was not.",
             "# Rule (docs/outputs.md, Registers): a person is one entry per folded surname and initials of the",
             f"# given names; a place or organisation per folded name. Near miss: see toolkit/library.py (>= {SIMILAR}).",
             ""]
    for kind, register in found.items():
        merged = [entry for entry in register.values() if len(entry.sources) > 1]
        misses = near_misses(register)
        records = sum(len(entry.sources) for entry in register.values())
        lines.append(f"{FOLDERS[kind]}: {len(register)} entries from {records} records; "
                     f"{len(merged)} merged; {len(misses)} near misses")
        for entry in sorted(merged, key=lambda entry: (entry.key, entry.part)):
            forms = "; ".join(f'"{name}" ({", ".join(sources)})' for name, sources in entry.variants.items())
            check = f" CHECK: life dates differ ({', '.join(entry.dates)})" if len(entry.dates) > 1 else ""
            lines.append(f"  merged {entry.key}: {forms}{check}")
        for first, second, why in misses:
            lines.append(f'  near miss, not merged: {first.key} "{first.name}" / {second.key} "{second.name}": {why}')
        lines.append("")
    return "\n".join(lines)
