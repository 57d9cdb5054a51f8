"""Validation scenarios as data: a small TEI fragment put into a template document.

XSpec's idea of an inline context: a case names a slot of a template (an
element, by its xml:id, ``#fixture-p1``, or by name, the first of it: ``div``,
``revisionDesc``...) and gives the slot's new content; :func:`assemble` makes the whole document. The cases live in two
places, each beside what it tests:

* every Schematron rule's cases are in its ``.sch`` file, next to the rule
  (``<t:fails rule="ID" in="SLOT" message="...">`` and ``<t:passes ...>``, in
  the namespace :data:`CASES_NS`, which Schematron ignores): a new rule is its
  ``.sch`` and its row in docs/validation.md (tests/test_rule_cases.py);
* the grammar's and the reference checks' cases are tests/validation_cases.xml.

The edition's template is tests/fixtures/validate/valid-minimal.xml with its
pointers made to point beside it (``authority.xml#zorin``): :func:`write`
puts a case beside a copy of tei/authority.xml.
"""

from __future__ import annotations

import copy
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from toolkit.paths import TEI_DIR

CASES_NS = "urn:teikit:cases"
TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
FIXTURES = Path(__file__).parent / "fixtures"
EDITION_TEMPLATE = FIXTURES / "validate" / "valid-minimal.xml"
EDITION_MODEL = ('<?xml-model href="../schemas/telegram.rng" type="application/xml" '
                 'schematypens="http://relaxng.org/ns/structure/1.0"?>\n')
CASES_FILE = Path(__file__).parent / "validation_cases.xml"
# A case may hold what the validator must refuse: the same xml:id twice.
_PARSER = etree.XMLParser(collect_ids=False, resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Case:
    """One scenario: its name, the slot and content it puts into a template, what it expects."""

    name: str
    slot: str
    content: etree._Element  # the case element: its text and children are the slot's new content
    rule: str | None
    message: str | None
    fails: bool = True


def cases_in(path: Path) -> list[Case]:
    """The cases of a file (a ``.sch``, or tests/validation_cases.xml), in document order."""
    found = []
    for element in etree.parse(str(path), _PARSER).iter(f"{{{CASES_NS}}}fails", f"{{{CASES_NS}}}passes"):
        fails = etree.QName(element).localname == "fails"
        rule = element.get("rule")
        name = element.get("name") or f"{rule}-{'fails' if fails else 'passes'}"
        found.append(Case(name, element.get("in", "body"), element, rule, element.get("message"), fails))
    return found


def validation_cases() -> list[Case]:
    return cases_in(CASES_FILE)


def template_text(template: Path = EDITION_TEMPLATE) -> str:
    """The template with its pointers into the edition made to point beside it."""
    return re.sub(r"(\.\./)+tei/authority\.xml", "authority.xml", template.read_text(encoding="utf-8"))


def assemble(case: Case, template: Path = EDITION_TEMPLATE) -> tuple[str, set[int]]:
    """The whole document of a case, and where a problem with it may be: the lines of its
    fragment and of the elements around it."""
    root = etree.fromstring(template_text(template).encode("utf-8"), _PARSER)
    slot = _slot(root, case.slot)
    assert slot is not None, f"{case.name}: the template has no {case.slot}"
    for child in list(slot):
        slot.remove(child)
    slot.text = case.content.text
    for child in case.content:
        slot.append(copy.deepcopy(child))
    etree.cleanup_namespaces(root, top_nsmap={None: TEI_NS})
    # A document of the edition outside tei/ declares the edition's grammar, as the edition's own do.
    declaration = EDITION_MODEL if template == EDITION_TEMPLATE else ""
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + declaration + etree.tostring(root, encoding="unicode") + "\n"
    assembled = etree.fromstring(text.encode("utf-8"), _PARSER)
    placed = _slot(assembled, case.slot)
    first = placed.sourceline
    lines = set(range(first, first + etree.tostring(placed, encoding="unicode", with_tail=False).count("\n") + 1))
    # A rule about an element around the fragment (the header of a profileDesc) reports that element.
    return text, lines | {ancestor.sourceline for ancestor in placed.iterancestors()}


def _slot(root: etree._Element, slot: str) -> etree._Element | None:
    """The template's element a case fills: ``#ID`` by its xml:id, else the first of that name."""
    if slot.startswith("#"):
        return next((e for e in root.iter() if e.get(f"{{{XML_NS}}}id") == slot[1:]), None)
    return next(root.iter(f"{{{TEI_NS}}}{slot}"), None)


def write(case: Case, folder: Path, template: Path = EDITION_TEMPLATE) -> tuple[Path, set[int]]:
    """The case as ``folder/NAME.xml`` beside a copy of tei/authority.xml, and where its problem may be."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "authority.xml").exists():
        shutil.copy(TEI_DIR / "authority.xml", folder / "authority.xml")
    text, lines = assemble(case, template)
    path = folder / f"{case.name}.xml"
    path.write_text(text, encoding="utf-8")
    return path, lines

