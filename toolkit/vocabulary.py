"""The TEI vocabulary the toolkit reads meaning into, in one place.

Which attributes are pointers, which elements name a person, place or
organisation: the validator (:mod:`toolkit.references`) and the advice
(:mod:`toolkit.lint`) take them from here, and the stylesheets hold the
same sets as variables in ``xslt/common.xsl`` (``t:name-elements``);
tests/test_vocabulary.py proves the two agree, and that every pointer the
grammar allows is in :data:`POINTER_ATTRIBUTES`.

The vocabulary of the diplomatic reading (blocks, containers, word breaks,
the editors' and the source's forms, what stands apart, what is not text) is
not written here but read from ``xslt/reading.json``, the one file that the
stylesheets read too (``json-doc()`` in ``xslt/common.xsl``). Why a file and
not Python constants checked against XSLT copies: the reading is the
edition's proof of fidelity, and two copies of it disagreed (``teikit diff``
read ``one<lb/>two`` as "onetwo", the text output as "one two"); with one
file there is nothing to keep in step, and tests/test_reading.py runs one
table of cases (tests/reading_cases.xml) against every face (diff, lint,
the text output). The algorithm is described once, in docs/encoding.md
("The reading"), and written once per language (:mod:`toolkit.diplomatic`,
mode ``t:read`` in ``xslt/common.xsl``).
"""

from __future__ import annotations

import json

#: Attributes holding pointers (space-separated URIs) that the references step
#: resolves, in the order a document's problems name them.
POINTER_ATTRIBUTES: tuple[str, ...] = ("ref", "target", "corresp", "who", "resp")

#: Attributes whose every pointer must name a record (an id), never just a file.
RECORD_POINTERS = frozenset({"ref", "who", "resp"})

#: Elements that tag a proper name.
NAME_ELEMENTS = frozenset({"persName", "placeName", "orgName", "name"})

#: Elements that refer to an authority record through @ref: the names, and
#: ``rs`` (a referring string such as "the President").
REFERRING_ELEMENTS = NAME_ELEMENTS | {"rs"}

#: The kind of authority record each name element must point to (``rs`` by its @type).
RECORD_KINDS: dict[str, tuple[str, ...]] = {
    "persName": ("person", "personGrp"),
    "placeName": ("place",),
    "orgName": ("org",),
}

#: The name element that tags a mention of each kind of record.
NAME_FOR_RECORD: dict[str, str] = {"person": "persName", "personGrp": "persName", "place": "placeName",
                                   "org": "orgName"}

def _reading_vocabulary() -> dict[str, frozenset[str]]:
    from toolkit.paths import READING_VOCABULARY

    data = json.loads(READING_VOCABULARY.read_text(encoding="utf-8"))
    return {key: frozenset(value) for key, value in data.items() if isinstance(value, list)}


_READING = _reading_vocabulary()

#: Elements whose content is a block of the reading (a paragraph of the plain text).
BLOCK_ELEMENTS: frozenset[str] = _READING["blocks"]

#: Elements that hold blocks: inside a block they end it, as a block element does.
CONTAINER_ELEMENTS: frozenset[str] = _READING["containers"]

#: Milestones that mark a word boundary, as whitespace does, unless ``break="no"``.
WORD_BREAKS: frozenset[str] = _READING["breaks"]

#: The editors' words (``corr``, ``expan``, ``reg``, ``supplied``, ``ex``): not part of what the
#: source says, so not in the diplomatic reading; in a ``choice``, the reading view takes them.
EDITORIAL_FORMS: frozenset[str] = _READING["editorial"]

#: The source's words (``sic``, ``abbr``, ``orig``, ``del``, ``add``): read in both views; in a
#: ``choice``, the diplomatic view takes them.
SOURCE_FORMS: frozenset[str] = _READING["source"]

#: Elements apart from the running text (notes): each is read as blocks of its own.
APART_ELEMENTS: frozenset[str] = _READING["apart"]

#: Elements inside ``text`` whose content is not text of the document (descriptions, records).
NOT_TEXT_ELEMENTS: frozenset[str] = _READING["not-text"]
