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

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from toolkit.paths import RELAXNG_SCHEMA, SCHEMATRON_RULES
from toolkit.xmlio import TEI_NS

_HEADER = f"{{{TEI_NS}}}teiHeader"
# Title types by which a FRUS volume's header describes the printed volume
# (the 2015 spelling and today's, see ../shared/frus/README.md).
FRUS_TITLE_TYPES = frozenset({"volumenumber", "volume-number", "subseries", "sub-series"})
_FRUS_MARKS = etree.XPath(
    "tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:idno[@type = 'frus']"
    " | tei:teiHeader/tei:fileDesc/tei:titleStmt/tei:title[@type = 'volumenumber' or @type = 'volume-number'"
    " or @type = 'subseries' or @type = 'sub-series']",
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


EDITION = Profile("edition", "a document of the Telegram 2477 edition", RELAXNG_SCHEMA, SCHEMATRON_RULES)
FRUS = Profile("frus", "a FRUS volume (Office of the Historian encoding)", None, None)
GENERIC = Profile("tei", "a TEI P5 document", None, None)

PROFILES: dict[str, Profile] = {profile.name: profile for profile in (EDITION, FRUS, GENERIC)}


def detect(root: etree._Element) -> Profile:
    """The profile of a parsed document, from its root element and header."""
    if root.tag == f"{{{TEI_NS}}}teiCorpus":
        return GENERIC
    if root.tag == f"{{{TEI_NS}}}TEI" and _FRUS_MARKS(root):
        return FRUS
    return EDITION
