"""The TEI vocabulary the toolkit reads meaning into, in one place.

Which attributes are pointers, which elements name a person, place or
organisation, which alternatives of a ``choice`` are the editors' (and so
dropped from the diplomatic reading), which elements are blocks of the
reading: the validator (:mod:`toolkit.references`), the advice
(:mod:`toolkit.lint`) and the readings (:mod:`toolkit.diplomatic`,
:mod:`toolkit.diff`) all take them from here, and the stylesheets hold the
same sets as variables in ``xslt/common.xsl`` (``t:editorial-forms``,
``t:source-forms``, ``t:name-elements``); tests/test_vocabulary.py proves
the two agree, and that every pointer the grammar allows is in
:data:`POINTER_ATTRIBUTES`.
"""

from __future__ import annotations

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

#: The editors' alternatives inside ``choice``: not part of what the source says.
EDITORIAL_FORMS = frozenset({"corr", "expan", "reg"})

#: The source's alternatives inside ``choice``, each the partner of one editorial form.
SOURCE_FORMS = frozenset({"sic", "abbr", "orig"})

#: Elements whose content is a block of the reading (a paragraph of the plain text).
BLOCK_ELEMENTS = frozenset({
    "head", "dateline", "p", "item", "salute", "signed", "note",
    "ab", "l", "trailer", "byline", "docAuthor", "argument", "epigraph", "postscript",
})
