"""Document profiles: what kind of TEI a file is, and what follows from that.

Three kinds of document reach the toolkit, and each is checked and published
by its own conventions:

* ``edition``: the project's own edition (the telegram and its authority
  file), held to the project's grammar and editorial rules;
* ``frus``: a volume of *Foreign Relations of the United States* as the Office
  of the Historian encodes it (one file per volume, documents as
  ``div[@type='document']``);
* ``tei``: any other TEI P5 document, or a ``teiCorpus`` of them.

A profile is chosen by what a document *is* (its root and header), never by
its file name: :func:`detect`. Everything that differs by kind of document
(which grammar, which rules, which reference model, what the stylesheets
read) is a field of :class:`Profile`, so a new kind of document is a new
entry here rather than ``if`` branches across modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from toolkit import frus
from toolkit.errors import Problem
from toolkit.paths import FRUS_RULES, RELAXNG_SCHEMA, SCHEMATRON_RULES, TEI_ALL
from toolkit.xmlio import TEI_NS, Document

# The edition's own documents say so in their header: the project is their publisher ...
EDITION_PUBLISHER = "Telegram 2477 project"
# ... or they declare the edition's grammar the TEI way, <?xml-model href=".../telegram.rng"?>.
EDITION_GRAMMAR_NAME = RELAXNG_SCHEMA.name
_PUBLISHER = etree.XPath("normalize-space(tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:publisher[1])",
                         namespaces={"tei": TEI_NS})


@dataclass(frozen=True)
class Profile:
    """What one kind of document is checked against and how it is published."""

    #: Short name, also passed to the stylesheets as the parameter ``t:profile``.
    name: str
    #: One line for people: what kind of document this is.
    description: str
    #: RELAX NG grammar the document must match (None: no grammar step).
    grammar: Path | None
    #: Schematron rules (None: no rules step).
    rules: Path | None
    #: The grammar is TEI's tei_all, compiled per vocabulary (toolkit.relaxng.TeiGrammar).
    tei_all: bool = False
    #: What the profile adds to the grammar (e.g. the FRUS namespace), in place.
    extend_grammar: Callable[[etree._Element], None] | None = None
    #: Checks over the whole file, in the worker (the FRUS volume's ids, numbering, pointers).
    file_checks: Callable[[Document], list[Problem]] | None = None
    #: Pointers are resolved by toolkit/references.py, within and across files.
    cross_file_references: bool = True
    #: A file of many documents published one by one: given the errors that keep something
    #: back, the documents they keep back ({id: reason}), or None for the whole file. Without
    #: it, a file with an error is not published at all (docs/validation.md).
    withhold: Callable[[etree._Element, list[Problem]], dict[str, str] | None] | None = None
    #: Rules whose errors are reported but keep nothing back from publication.
    publishable_rules: frozenset[str] = frozenset()


EDITION = Profile("edition", "a document of the Telegram 2477 edition", RELAXNG_SCHEMA, SCHEMATRON_RULES)
FRUS = Profile("frus", "a FRUS volume (Office of the Historian encoding)", TEI_ALL, FRUS_RULES,
               tei_all=True, extend_grammar=frus.extend_grammar, file_checks=frus.check_volume,
               cross_file_references=False, withhold=frus.withhold,
               publishable_rules=frus.PUBLISHABLE_RULES)
GENERIC = Profile("tei", "a TEI P5 document", TEI_ALL, None, tei_all=True)

PROFILES: dict[str, Profile] = {profile.name: profile for profile in (EDITION, FRUS, GENERIC)}


def detect(root: etree._Element) -> Profile:
    """The profile of a parsed document, from its root element, header and schema declaration.

    * ``teiCorpus``: generic TEI;
    * a ``TEI`` whose header has ``idno type="frus"`` or FRUS title types: a FRUS volume;
    * a ``TEI`` whose publisher is the project, or that declares the edition's
      grammar in an ``xml-model`` processing instruction: the edition;
    * anything else: generic TEI.
    """
    if root.tag == f"{{{TEI_NS}}}teiCorpus":
        return GENERIC
    if root.tag == f"{{{TEI_NS}}}TEI" and frus.is_volume(root):
        return FRUS
    if _PUBLISHER(root) == EDITION_PUBLISHER or _declares_edition_grammar(root):
        return EDITION
    return GENERIC


def _declares_edition_grammar(root: etree._Element) -> bool:
    node = root.getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            href = node.get("href") or ""
            if href.rsplit("/", 1)[-1] == EDITION_GRAMMAR_NAME:
                return True
        node = node.getprevious()
    return False
