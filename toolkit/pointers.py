"""Pointers: what ``authority.xml#zorin`` means, in one place: parse, confine, resolve.

Validation (:mod:`toolkit.references`), lint, the build and the FRUS checks
all read pointers (``@ref``, ``@target``, ``@corresp``, ``@who``, ``@resp``:
:data:`toolkit.vocabulary.POINTER_ATTRIBUTES`) through this module, and the
stylesheets get its answers instead of resolving anything themselves:

* **parse** (:func:`split`): a token of a pointer attribute (tokens are split
  at XML's whitespace, :func:`toolkit.xmlio.xml_tokens`) is a URI reference:
  its scheme, its file part and its fragment, the last two unquoted;
  :func:`is_external` says which are web addresses (``https:``), neither
  checked nor followed;
* **confine** (:func:`confine_file`): the file part opens a file only inside
  the edition's root, as a plain relative path to a regular file
  (:mod:`toolkit.confine` holds the rest of the confinement rule: which files
  the toolkit reads at all); :class:`Refused` says why not;
* **resolve** (:func:`target`): the file and the id a pointer names, seen from
  the document that holds it; :func:`for_stylesheets` resolves every pointer
  of a document for the XSLT: the files its pointers may open (the parameter
  ``t:documents``) and, for each pointer attribute's value as written, where
  its first token leads (the parameter ``t:pointers``): ``["here", "", id]``
  (the document the pointer stands in), ``["file", key, id]`` (an id in a
  file of ``t:documents``) or ``["publication", name, id]`` (another
  publication of the document's kind, named rather than opened: a FRUS
  volume, :attr:`toolkit.kinds.Kind.publication_name`). The stylesheets look
  a pointer up there and find the element with ``key()``; they never split,
  unquote or resolve a URI, and never open a file.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit

from lxml import etree

from toolkit.confine import _shown, describe, inside, real_path, root_of
from toolkit.vocabulary import POINTER_ATTRIBUTES
from toolkit.xmlio import XML_SPACE, Document, xml_tokens

if TYPE_CHECKING:
    from toolkit.kinds import Kind

#: What may name an element of another publication: an xml:id's form (a name start character, then name
#: characters), in ASCII as publishers write them.
ID = re.compile(r"[A-Za-z_][\w.-]*")
#: Longest pointer file part and file name followed (PATH_MAX and NAME_MAX of Linux).
MAX_PATH = 4096
MAX_NAME = 255


class Parts(NamedTuple):
    """A pointer's parts: its scheme (``"//"`` for a host without one), its file part and its fragment."""

    scheme: str
    file: str
    fragment: str


class Refused(Exception):
    """A pointer the confinement rule does not follow; ``message`` says why, ``hint`` what to do."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


@functools.lru_cache(maxsize=8192)
def split(value: str) -> Parts:
    """A pointer's scheme, file part and fragment (the last two unquoted); XML's whitespace around it is
    not part of it (a no-break space is)."""
    try:
        parts = urlsplit(value.strip(XML_SPACE))
    except ValueError:  # e.g. "//[": no URL at all, refused as a host URL
        return Parts("//", value, "")
    scheme = parts.scheme or ("//" if parts.netloc else "")
    return Parts(scheme, unquote(parts.path), unquote(parts.fragment))


def local_fragment(token: str) -> str | None:
    """The id a same-document pointer token names (``"#zorin"`` -> ``"zorin"``), what :func:`split` finds,
    without parsing a URI: the commonest pointer by far; None for any other pointer."""
    if token[:1] != "#":
        return None
    fragment = token[1:]
    return unquote(fragment) if "%" in fragment else fragment


def is_external(value: str) -> bool:
    """An ``https:`` (or other network) pointer: neither checked nor followed."""
    return split(value).scheme not in ("", "file", "//")


def confine_file(file_part: str, source: Path, root: Path, *, scheme: str = "") -> Path:
    """The real path of the file a pointer names, or :class:`Refused`.

    ``file_part`` is the pointer's unquoted path (``authority.xml``), seen from
    the document at ``source``; ``root`` is the real path of the edition's
    root. The file need not exist (the caller says "no such file"), but when
    it does it must be a regular file.
    """
    hint = "point to a file inside the edition's folder with a relative path, e.g. authority.xml#id"
    if scheme == "file" or scheme == "//":
        raise Refused("is a file: or host URL, which is never followed", hint)
    if scheme:
        raise Refused(f'has the scheme "{scheme}:", which is never followed', hint)
    if any(ord(character) < 32 or character == "\x7f" for character in file_part):
        raise Refused("contains a control character (such as NUL)", "remove it from the pointer")
    if file_part.startswith(("/", "\\")) or (len(file_part) > 1 and file_part[1] == ":"):
        raise Refused("is an absolute path, which is never followed", hint)
    if len(file_part.encode("utf-8", "surrogatepass")) > MAX_PATH or any(
            len(part.encode("utf-8", "surrogatepass")) > MAX_NAME for part in file_part.split("/")):
        raise Refused("names a file longer than the file system allows", "shorten the file name")
    located = real_path(source.parent) or source.parent
    resolved = real_path(located / file_part)
    if resolved is None:
        raise Refused("cannot be resolved (a symbolic link that loops?)", "remove the link")
    if not inside(resolved, root):
        raise Refused(f"leads outside the edition's folder {_shown(root)}", hint + " (or widen it with --root)")
    try:
        info = os.stat(resolved)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("is a symbolic link that loops", "remove the link") from None
        return resolved  # missing (or unreadable): the caller reports it
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"names {describe(info.st_mode)}, not a regular file", "point to an .xml file")
    return resolved


def target(value: str, source: Path, root: Path | None = None) -> tuple[Path, str] | None:
    """The file and the id a pointer names, seen from the document at ``source``.

    ``authority.xml#zorin`` -> (the authority file's real path, "zorin");
    ``#d256-p1`` -> (``source`` itself, "d256-p1"); None for an external URL
    and for a file the confinement rule refuses (``root`` defaults to the
    document's own folder).
    """
    scheme, file_part, fragment = split(value.strip(XML_SPACE))
    if scheme not in ("", "file", "//") or (not file_part and scheme):
        return None
    if not file_part:
        return real_path(source) or source, fragment
    try:
        return confine_file(file_part, source, root or root_of(source), scheme=scheme), fragment
    except Refused:
        return None


@dataclass
class StylesheetTargets:
    """Every pointer of a document, resolved for the stylesheets (see the module docstring)."""

    #: The files pointers may open, by their file part as written ("authority.xml"): ``t:documents``.
    documents: dict[str, Path] = field(default_factory=dict)
    #: A pointer attribute's value as written -> (where, name, id): ``t:pointers``.
    pointers: dict[str, tuple[str, str, str]] = field(default_factory=dict)


_POINTER_NAMES = frozenset(POINTER_ATTRIBUTES)


def _pointer_values(root: etree._Element) -> set[str]:
    """The distinct values of every pointer attribute of the tree, in one walk of it.

    Not the XPath union ``//@ref | //@target | ...``: libxml2 merges the node
    sets of a union checking each node against those already in, which is
    quadratic in the number of attributes (an 8 MB document: 1.1 s, against
    0.04 s for this walk; bench/large.py)."""
    return {value for element in root.iter(etree.Element) for name, value in element.items()
            if name in _POINTER_NAMES}


def for_stylesheets(document: Document, root: Path | None = None, kind: Kind | None = None) -> StylesheetTargets:
    """Resolve, for the stylesheets, the first token of every pointer attribute of ``document``.

    A pointer into another file is followed only when the document's kind
    resolves pointers across files and the confinement rule allows the file
    (``root``: the edition's root; default: the document's folder); a kind
    that names other publications instead (:attr:`~toolkit.kinds.Kind.publication_name`)
    gets those as such. A same-document pointer is also entered in its plain
    form ``#id``, the form the stylesheets write when they copy a part of a
    document into a page of its own (a FRUS unit's names).
    """
    resolved = StylesheetTargets()
    follow_files = kind is None or kind.cross_file_references
    publication = kind.publication_name if kind is not None else None
    root = root or root_of(document.path)
    outcome: dict[str, tuple[str, str, str] | None] = {}  # by first token: values share them
    from toolkit.kinds.frus import document_address

    for value in _pointer_values(document.root):
        tokens = xml_tokens(value)
        if not tokens:
            continue
        # A FRUS document's address at history.state.gov, or another publication the kind names ("frus1961-63v05#d183"),
        # is one the build may hold: the stylesheets link its local page then. Any token: a reference may
        # name several documents, and each is linked.
        for token in tokens:
            address = document_address(token)
            if address is not None:
                resolved.pointers.setdefault(token, ("publication", *address))
            elif publication is not None and token not in resolved.pointers:
                named = _publication(token, publication)
                if named is not None:
                    resolved.pointers[token] = named
        first = tokens[0]
        if first not in outcome:
            outcome[first] = _stylesheet_target(first, document, root, follow_files, publication, resolved)
        if outcome[first] is not None:
            resolved.pointers[value] = outcome[first]
            if outcome[first][0] == "here":
                resolved.pointers.setdefault("#" + outcome[first][2], outcome[first])
    return resolved


def _publication(token: str, publication) -> tuple[str, str, str] | None:
    """``["publication", name, id]`` for a token naming another publication of the kind
    ("frus1961-63v05#d183", or the volume "frus1961-63v05"), else None."""
    raw, hash_mark, _ = token.partition("#")
    if not publication(raw):
        return None
    fragment = split(token).fragment
    return ("publication", raw, fragment) if (ID.fullmatch(fragment) if fragment else not hash_mark) else None


def _stylesheet_target(token: str, document: Document, root: Path, follow_files: bool, publication,
                       resolved: StylesheetTargets) -> tuple[str, str, str] | None:
    scheme, file_part, fragment = split(token)
    raw = token.split("#", 1)[0]  # the file part as written: the key of t:documents
    if publication is not None and (named := _publication(token, publication)) is not None:
        return named
    if not fragment or scheme:
        return None
    if not file_part:
        return ("here", "", fragment)
    if not follow_files:
        return None
    if raw not in resolved.documents:
        try:
            path = confine_file(file_part, document.path, root)
        except Refused:
            return None
        if not path.is_file():
            return None
        resolved.documents[raw] = path
    return ("file", raw, fragment)
