"""The edition kind: a document of the Telegram 2477 edition (the telegram, its authority file).

Held to the project's own grammar and editorial rules (``schemas/telegram.rng``,
``schemas/telegram.sch``: they stay in ``schemas/``, where the documents'
``xml-model`` declarations name them) and published by the shared stylesheets
alone. A document is of the edition when its header names the project as its
publisher, or when it declares the edition's grammar the TEI way
(``<?xml-model href=".../telegram.rng"?>``).
"""

from __future__ import annotations

from lxml import etree

from toolkit.errors import Problem
from toolkit.kinds import Kind
from toolkit.paths import RELAXNG_SCHEMA, SCHEMATRON_RULES
from toolkit.xmlio import TEI_NS, Document

#: The edition's own documents say so in their header: the project is their publisher ...
PUBLISHER = "Telegram 2477 project"
# ... or they declare the edition's grammar, <?xml-model href=".../telegram.rng"?>.
_GRAMMAR_NAME = RELAXNG_SCHEMA.name
_PUBLISHER = etree.XPath("normalize-space(tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:publisher[1])",
                         namespaces={"tei": TEI_NS})


def recognise(root: etree._Element) -> bool:
    """A document (not a teiCorpus) whose publisher is the project, or that declares the edition's grammar."""
    if root.tag == f"{{{TEI_NS}}}teiCorpus":
        return False
    return _PUBLISHER(root) == PUBLISHER or _declares_grammar(root)


def _declares_grammar(root: etree._Element) -> bool:
    node = root.getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            if (node.get("href") or "").rsplit("/", 1)[-1] == _GRAMMAR_NAME:
                return True
        node = node.getprevious()
    return False


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


KIND = Kind("edition", "a document of the Telegram 2477 edition", recognise,
            grammar=RELAXNG_SCHEMA, rules=SCHEMATRON_RULES, shared_ids=True,
            file_checks=check_paragraph_numbers)
