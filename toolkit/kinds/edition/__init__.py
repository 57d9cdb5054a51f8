"""The edition kind: a document of an edition held to its own grammar and editorial rules.

In a project (toolkit/project.py) the grammar and rules are the project's
(``grammar``, ``rules``: this repository's are ``schemas/telegram.rng`` and
``schemas/telegram.sch``, where the documents' ``xml-model`` declarations name
them), and the project's globs say which documents are of the edition
(``"tei/*.xml" = "edition"``), whatever their header says. Outside the globs, a
document is of the edition when it declares the edition's grammar the TEI way
(``<?xml-model href=".../telegram.rng"?>``, or the project grammar's file
name); never by its publisher. Published by the shared stylesheets alone.
"""

from __future__ import annotations

from lxml import etree

from toolkit.errors import Problem
from toolkit.kinds import Kind
from toolkit.paths import RELAXNG_SCHEMA, SCHEMATRON_RULES
from toolkit.xmlio import TEI_NS, Document


def recognise(root: etree._Element) -> bool:
    """A document (not a teiCorpus) that declares the edition's grammar in an xml-model instruction."""
    if root.tag == f"{{{TEI_NS}}}teiCorpus":
        return False
    return bool(declared_grammars(root) & _grammar_names())


def _grammar_names() -> set[str]:
    from toolkit import project

    found = project.current()
    return {RELAXNG_SCHEMA.name} | ({found.grammar.name} if found is not None and found.grammar else set())


def declared_grammars(root: etree._Element) -> set[str]:
    """The file names of the grammars a document's xml-model instructions declare."""
    names = set()
    node = root.getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            names.add((node.get("href") or "").rsplit("/", 1)[-1])
        node = node.getprevious()
    return names


_P = f"{{{TEI_NS}}}p"
_BODY = f"{{{TEI_NS}}}body"
_TEXT = f"{{{TEI_NS}}}text"


def check_paragraph_numbers(document: Document) -> list[Problem]:
    """Rule ``p-sequence``: paragraph numbers run 1, 2, 3 ... within their division or letter.

    Each numbered ``p`` in a ``text/body`` is the Nth TEI ``p`` among its
    siblings, and its ``@n`` must say N. A rule of the edition's rules step,
    but checked here, once over the file: the Schematron version counted the
    preceding siblings of every paragraph (``count(preceding-sibling::tei:p)``),
    time quadratic in the paragraphs of one division (40,000 paragraphs: 45 s;
    here each parent's count is carried along one walk).
    """
    problems: list[Problem] = []
    counted: dict[etree._Element, int] = {}
    seen: set[etree._Element] = set()
    for body in document.root.iter(_BODY):
        if body.getparent() is None or body.getparent().tag != _TEXT:
            continue
        for paragraph in body.iter(_P):
            if paragraph in seen:  # a body inside another's text (group/text/body) is walked once
                continue
            seen.add(paragraph)
            parent = paragraph.getparent()
            number = counted[parent] = counted.get(parent, 0) + 1
            value = paragraph.get("n")
            if value is not None and value != str(number):
                problems.append(document.problem(
                    paragraph, f'paragraph @n="{value}" is out of sequence: it is paragraph {number} of its division',
                    rule="p-sequence", step="schematron"))
    return problems


KIND = Kind("edition", "a document of the edition, held to its grammar and rules", recognise,
            grammar=RELAXNG_SCHEMA, rules=SCHEMATRON_RULES, shared_ids=True,
            file_checks=check_paragraph_numbers)
