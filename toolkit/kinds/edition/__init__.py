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

from toolkit.kinds import Kind
from toolkit.paths import RELAXNG_SCHEMA, SCHEMATRON_RULES
from toolkit.xmlio import TEI_NS

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


KIND = Kind("edition", "a document of the Telegram 2477 edition", recognise,
            grammar=RELAXNG_SCHEMA, rules=SCHEMATRON_RULES, shared_ids=True)
