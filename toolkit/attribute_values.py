"""Attribute values against the grammar's own patterns, for messages that name them.

libxml2's RELAX NG validator loses a datatype error inside a choice or an
interleave: under ``tei_all``, ``<date when="abc">`` is reported as "<body>
may not contain p" on the paragraph after it, naming neither the element nor
the attribute. Jing names them. This module gives lxml's report the same
precision, from the grammar itself: each attribute's value pattern (its
``<data>``, ``<value>``, ``<list>`` ... and the defines it refers to) is
compiled alone into a small grammar, once per element and attribute name,
and each distinct value a document gives that attribute is checked against
it, once. Only for documents the grammar already found invalid.
"""

from __future__ import annotations

import copy
from collections import defaultdict

from lxml import etree

RNG_NS = "http://relaxng.org/ns/structure/1.0"
_RNG = f"{{{RNG_NS}}}"
_XSD_LIBRARY = "http://www.w3.org/2001/XMLSchema-datatypes"


def _effective_library(node: etree._Element) -> str:
    """The datatypeLibrary in force at ``node`` (inherited from its ancestors, as RELAX NG has it)."""
    for ancestor in (node, *node.iterancestors()):
        library = ancestor.get("datatypeLibrary")
        if library is not None:
            return library
    return ""


def _attribute_key(pattern: etree._Element) -> str | None:
    """The attribute's name as lxml keys it (``{ns}local`` or ``local``); None for a name class."""
    name = pattern.get("name")
    if not name:
        return None
    name = name.strip()
    if ":" in name:
        prefix, local = name.split(":", 1)
        namespace = pattern.nsmap.get(prefix) or ("http://www.w3.org/XML/1998/namespace" if prefix == "xml" else None)
        return f"{{{namespace}}}{local}" if namespace else None
    namespace = pattern.get("ns", "")
    return f"{{{namespace}}}{name}" if namespace else name


class AttributeValues:
    """The value patterns of a grammar's attributes, by element (local name) and attribute."""

    def __init__(self, tree: etree._ElementTree):
        root = tree.getroot()
        self._defines: dict[str, list[etree._Element]] = defaultdict(list)
        for define in root.iter(f"{_RNG}define"):
            self._defines[define.get("name")].append(define)
        self._elements: dict[str, list[etree._Element]] = defaultdict(list)
        for element in root.iter(f"{_RNG}element"):
            if element.get("name"):
                self._elements[element.get("name").split(":")[-1]].append(element)
        self._patterns: dict[str, dict[str, list[etree._Element]]] = {}
        self._schemas: dict[tuple[str, str], etree.RelaxNG | None] = {}

    def patterns(self, element: str) -> dict[str, list[etree._Element]]:
        """Every attribute pattern the grammar gives elements named ``element``, by attribute key."""
        found = self._patterns.get(element)
        if found is None:
            found = defaultdict(list)
            for pattern in self._elements.get(element, ()):
                self._collect(pattern, found, set())
            self._patterns[element] = found
        return found

    def _collect(self, node: etree._Element, found: dict, seen: set[str]) -> None:
        for child in node.iterchildren(f"{_RNG}*"):
            kind = etree.QName(child).localname
            if kind == "attribute":
                key = _attribute_key(child)
                if key:
                    found[key].append(child)
            elif kind == "ref":
                name = child.get("name")
                if name not in seen:
                    seen.add(name)
                    for define in self._defines.get(name, ()):
                        self._collect(define, found, seen)
            elif kind != "element":
                self._collect(child, found, seen)

    def invalid(self, element: str, key: str, values: set[str]) -> set[str]:
        """The ``values`` of attribute ``key`` on ``element`` that match none of its patterns (none
        when the attribute is not the grammar's, or its pattern cannot be checked alone).

        All the values are checked in one document first (one validation, the usual outcome
        being that all are good), each alone only when that fails.
        """
        schema = self._schema(element, key)
        if schema is None or not values or schema.validate(_probes(key, values)):
            return set()
        return {value for value in values if not schema.validate(_probes(key, [value]))}

    def _schema(self, element: str, key: str) -> etree.RelaxNG | None:
        if (element, key) not in self._schemas:
            self._schemas[(element, key)] = self._compile(self.patterns(element).get(key, []))
        return self._schemas[(element, key)]

    def _compile(self, patterns: list[etree._Element]) -> etree.RelaxNG | None:
        """A grammar accepting probes (:func:`_probes`) whose one attribute matches one of ``patterns``."""
        if not patterns:
            return None
        grammar = etree.Element(f"{_RNG}grammar", nsmap={None: RNG_NS}, datatypeLibrary=_XSD_LIBRARY)
        start = etree.SubElement(grammar, f"{_RNG}start")
        probes = etree.SubElement(start, f"{_RNG}element", name="probes")
        probe = etree.SubElement(etree.SubElement(probes, f"{_RNG}zeroOrMore"), f"{_RNG}element", name="probe")
        choice = etree.SubElement(probe, f"{_RNG}choice")
        wanted: list[str] = []
        for pattern in patterns:
            copied = copy.deepcopy(pattern)
            copied.set("datatypeLibrary", _effective_library(pattern))
            choice.append(copied)
            wanted += [ref.get("name") for ref in copied.iter(f"{_RNG}ref")]
        copied_defines: set[str] = set()
        while wanted:
            name = wanted.pop()
            if name in copied_defines:
                continue
            copied_defines.add(name)
            for define in self._defines.get(name, ()):
                if any(True for _ in define.iter(f"{_RNG}element")):
                    return None  # not a value pattern: the grammar's own message stands
                copied = copy.deepcopy(define)
                copied.set("datatypeLibrary", _effective_library(define))
                grammar.append(copied)
                wanted += [ref.get("name") for ref in copied.iter(f"{_RNG}ref")]
        for attribute in grammar.iter(f"{_RNG}attribute"):
            key = _attribute_key(attribute)
            if key is not None:  # the probe's attribute is named as lxml keys it
                attribute.attrib.pop("ns", None)
                namespace, _, local = key[1:].partition("}") if key.startswith("{") else ("", "", key)
                attribute.set("name", local)
                if namespace:
                    attribute.set("ns", namespace)
        try:
            return etree.RelaxNG(grammar)
        except etree.RelaxNGParseError:
            return None


def _probes(key: str, values) -> etree._Element:
    """``<probes><probe KEY="value"/>...</probes>``: one probe a value."""
    probes = etree.Element("probes")
    for value in values:
        etree.SubElement(probes, "probe").set(key, value)
    return probes
