"""The tei kind: any TEI P5 document, or a ``teiCorpus`` of them; the kind of every document no other kind claims.

Held to TEI's own grammar, ``tei_all`` (fetched by ``make tei-all``), and
published by the shared stylesheets (a ``teiCorpus`` one page per ``TEI``:
``xslt/collection.xsl``). It is the smallest kind: a name, a description, a
recogniser and a grammar.
"""

from __future__ import annotations

from lxml import etree

from toolkit.kinds import Kind
from toolkit.paths import TEI_ALL


def recognise(root: etree._Element) -> bool:
    """Every document: this kind is tried last."""
    return True


KIND = Kind("tei", "a TEI P5 document", recognise, grammar=TEI_ALL, tei_all=True)
