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

from toolkit.kinds import Kind
from toolkit.paths import RELAXNG_SCHEMA, SCHEMATRON_RULES
from toolkit.xmlio import TEI_NS


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


KIND = Kind("edition", "a document of the edition, held to its grammar and rules", recognise,
            grammar=RELAXNG_SCHEMA, rules=SCHEMATRON_RULES, shared_ids=True)
