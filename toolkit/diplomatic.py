"""The diplomatic reading of a TEI document: what the source itself says.

This module is THE one place in Python that turns an encoded document back
into the words of the source. Everything that compares, checks or counts
source text (``teikit diff``, ``teikit lint``, the fidelity tests) goes
through it; the text output's stylesheets follow the same algorithm (mode
``t:read`` in ``xslt/common.xsl``), with the same vocabulary
(``xslt/reading.json``, through :mod:`toolkit.vocabulary`), and
tests/test_reading.py runs one table of cases against both. The rules are
those of docs/encoding.md ("The reading"):

* the editors' words are dropped (``corr``, ``expan``, ``reg``, ``supplied``,
  ``ex``, wherever they stand); the source's are kept (``sic``, ``abbr``,
  ``orig``, ``del``, ``add``); in a ``choice`` the first alternative that is
  not the editors' is read;
* ``lb``, ``cb`` and ``pb`` are word boundaries, as a space is, unless
  ``break="no"``: then they join the words on either side, and the
  whitespace next to them is the file's layout, not a space;
* notes stand apart: each ``note`` leaves an anchor in the running text and
  is read as blocks of its own, listed after the blocks of the running text;
* what is not text (``figDesc``, ``gap``, ``fw``, stand-off lists, elements
  of another namespace, comments) is not read;
* whitespace (XML's: space, tab, CR, LF) is normalised: every run becomes
  one space, and blocks are stripped at both ends.

Blocks: a block element (``head``, ``p``, ``item``, ...) is a block; an
element outside every block that has text of its own is one too. A block
or container element (``list``, ``floatingText``, ...) inside a block ends
it: the words before and after it are two blocks (pieces of the same
element, in document order), the inner blocks between them.

Every :class:`Block` carries its element, ``xml:id``, ``@n`` and source line,
and the :class:`Span` of every element inside it, so a tool can point from a
word of the reading back to the markup around it::

    from toolkit.diplomatic import blocks, reading_text
    for block in blocks(document.root):
        print(block.label, block.line, block.text)

A block with no words (an empty ``p``) is listed, so that its element has a
place, but is not part of the reading (:func:`reading_blocks`).
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field

from lxml import etree

from toolkit.vocabulary import (APART_ELEMENTS, BLOCK_ELEMENTS, CONTAINER_ELEMENTS, EDITORIAL_FORMS,
                                NOT_TEXT_ELEMENTS, WORD_BREAKS)
from toolkit.xmlio import TEI_NS, XML_NS

# XML's whitespace only (the S production), as XPath's normalize-space(): a no-break space is a character.
_WHITESPACE = re.compile(r"([ \t\r\n]+)")
_STRUCTURAL = BLOCK_ELEMENTS | CONTAINER_ELEMENTS
_XML_ID = f"{{{XML_NS}}}id"
_TEI = f"{{{TEI_NS}}}"


@dataclass(eq=False)
class Span:
    """One element inside a block: the characters ``text[start:end]`` of the block it covers.

    ``dropped`` is true for editorial content that is not in the reading
    (``corr``, ``expan``, ``reg`` and everything inside them): such a span covers
    no characters (``start == end``), and so does a note's anchor.
    """

    element: etree._Element
    start: int
    end: int
    dropped: bool = False


class Origins:
    """Where a block's words come from: for each word, its offset in the block's text, its text node
    (the element and "text" or "tail") and its offset in that node's text.

    Four flat sequences, not a tuple a word: a word costs 32 bytes here instead of about 150, and lint
    and diff hold every word of a document (bench/large.py)."""

    __slots__ = ("starts", "nodes", "slots", "positions")

    def __init__(self) -> None:
        self.starts = array("q")
        self.nodes: list[etree._Element] = []
        self.slots: list[str] = []
        self.positions = array("q")

    def append(self, start: int, node: etree._Element, slot: str, position: int) -> None:
        self.starts.append(start)
        self.nodes.append(node)
        self.slots.append(slot)
        self.positions.append(position)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> tuple[int, etree._Element, str, int]:
        return self.starts[index], self.nodes[index], self.slots[index], self.positions[index]


@dataclass(eq=False)
class Block:
    """One block of the diplomatic reading."""

    id: str | None
    n: str | None
    kind: str
    text: str
    element: etree._Element = field(repr=False)
    line: int = 0
    spans: list[Span] = field(default_factory=list, repr=False)
    #: Where the words come from: (offset in ``text``, node, "text" or "tail", offset in that node's text).
    origins: Origins = field(default_factory=Origins, repr=False)
    #: The note the block is read from (None in the running text).
    note: etree._Element | None = field(default=None, repr=False)

    def origin(self, offset: int) -> tuple[etree._Element, str, int] | None:
        """The text node (``node.text`` or ``node.tail``) and index the character at ``offset`` comes from."""
        index = bisect.bisect_right(self.origins.starts, offset) - 1
        if index < 0:
            return None
        start, node, slot, position = self.origins[index]
        return node, slot, position + max(0, offset - start)

    @property
    def label(self) -> str:
        """How a person refers to the block: ``¶17``, ``item 2``, ``note 1``, ``letter ¶1``."""
        if self.kind == "p":
            own = f"¶{self.n}" if self.n else (f"¶ {self.id}" if self.id else "¶")
        elif self.n:
            own = f"{self.kind} {self.n}"
        else:
            own = f"{self.kind} {self.id}" if self.id else self.kind
        # A text inside the text (the letter quoted in the telegram) numbers its paragraphs afresh.
        for ancestor in self.element.iterancestors(f"{{{TEI_NS}}}floatingText"):
            return f"{ancestor.get('type') or 'floatingText'} {own}"
        return own


def localname(node: etree._Element) -> str:
    """The element's name without its namespace ('' for comments and processing instructions)."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())



class _Builder:
    """Collects a block's text, normalising whitespace as it goes, and the spans inside it."""

    def __init__(self, element: etree._Element, kind: str, note: etree._Element | None = None):
        self.element = element
        self.kind = kind
        self.note = note
        self.parts: list[str] = []
        self.length = 0
        self.pending_space = False
        self.joining = False  # after a break="no": whitespace is layout until the next word
        self.spans: list[Span] = []
        self.origins = Origins()

    def add(self, raw: str | None, node: etree._Element | None = None, slot: str = "text") -> None:
        if not raw:
            return
        index = 0
        for piece in _WHITESPACE.split(raw):
            if not piece:
                continue
            if not piece.strip(" \t\r\n"):
                self.pending_space = self.length > 0 and not self.joining
                index += len(piece)
                continue
            self.joining = False
            if self.pending_space:
                self.parts.append(" ")
                self.length += 1
                self.pending_space = False
            if node is not None:
                self.origins.append(self.length, node, slot, index)
            self.parts.append(piece)
            self.length += len(piece)
            index += len(piece)

    def separate(self) -> None:
        """A word boundary sits here: the words on either side must not run together."""
        self.pending_space = self.length > 0
        self.joining = False

    def join(self) -> None:
        """A break inside a word sits here: the words on either side are one, whatever whitespace is around."""
        self.pending_space = False
        self.joining = True

    def position(self) -> int:
        """Where the next word will start."""
        return self.length + (1 if self.pending_space else 0)

    def finish(self) -> Block:
        text = "".join(self.parts)
        for span in self.spans:
            span.start = min(span.start, len(text))
            span.end = max(span.start, min(span.end, len(text)))
            while span.start < span.end and text[span.start] == " ":
                span.start += 1
            while span.end > span.start and text[span.end - 1] == " ":
                span.end -= 1
        element = self.element
        return Block(id=element.get(_XML_ID), n=element.get("n"), kind=self.kind, text=text,
                     element=element, line=element.sourceline or 0, spans=self.spans, origins=self.origins,
                     note=self.note)


def _has_own_text(element: etree._Element) -> bool:
    if element.text and element.text.strip(" \t\r\n"):
        return True
    return any(child.tail and child.tail.strip(" \t\r\n") for child in element)


def _is_text(node: etree._Element) -> bool:
    """A TEI element that may hold words of the document (not a comment, another namespace or a record)."""
    return (isinstance(node.tag, str) and node.tag.startswith(_TEI)
            and node.tag[len(_TEI):] not in NOT_TEXT_ELEMENTS)


class _Reader:
    """Reads elements in document order into blocks, as docs/encoding.md ("The reading") describes.

    ``owner`` is the element whose content is being read as a block; the block
    it writes to (``block``) is begun when something needs a place in it, so
    that after an inner block the owner's words go on in a new piece.
    """

    def __init__(self) -> None:
        self.flow: list[_Builder] = []
        self.notes: list[_Builder] = []
        self.into = self.flow
        self.owner: tuple[etree._Element, str] | None = None
        self.block: _Builder | None = None
        self.note: etree._Element | None = None  # the note being read, if any

    def current(self) -> _Builder | None:
        if self.block is None and self.owner is not None:
            self.block = _Builder(*self.owner, note=self.note)
            self.into.append(self.block)
        return self.block

    def element(self, node: etree._Element, at_block: bool) -> None:
        kind = localname(node)
        if not _is_text(node) or kind in EDITORIAL_FORMS:
            self.skip(node, at_block)
        elif kind in APART_ELEMENTS:
            if at_block:
                block = self.current()
                anchor = block.position() if not block.pending_space else block.length
                block.spans.append(Span(node, anchor, anchor, dropped=True))
            self.apart(node, kind)
        elif kind in _STRUCTURAL or (not at_block and _has_own_text(node)):
            self.structural(node, kind)
        elif not at_block:
            for child in node:
                self.element(child, False)
        else:
            self.inline(node, kind)

    def structural(self, node: etree._Element, kind: str) -> None:
        """A block (or a container: its blocks) between the words before and after it."""
        saved = self.owner
        self.block = None
        if kind in BLOCK_ELEMENTS or _has_own_text(node):
            self.owner = (node, kind)
            self.current()  # every block element has its block, even an empty one
            self.content(node)
        else:
            self.owner = None
            for child in node:
                self.element(child, False)
        self.owner, self.block = saved, None

    def apart(self, node: etree._Element, kind: str) -> None:
        """A note: blocks of its own, in the notes, whatever it stands in."""
        saved = (self.into, self.owner, self.block, self.note)
        self.into, self.owner, self.block, self.note = self.notes, (node, kind), None, node
        self.current()
        self.content(node)
        self.into, self.owner, self.block, self.note = saved

    def inline(self, node: etree._Element, kind: str) -> None:
        block = self.current()
        if kind in WORD_BREAKS:
            block.spans.append(Span(node, block.position(), block.position()))
            block.join() if node.get("break") == "no" else block.separate()
            return
        span = Span(node, block.position(), 0)
        block.spans.append(span)  # in document order: an element before the elements inside it
        self.content(node)
        # An inner block may have ended this one: the span covers what it holds of the element.
        span.end = max(span.start, block.length)

    def skip(self, node: etree._Element, at_block: bool) -> None:
        """Not read: the element and those inside it sit at one point of the block (if any)."""
        if not at_block or not isinstance(node.tag, str):
            return
        block = self.current()
        where = block.position()
        for inner in node.iter():
            if isinstance(inner.tag, str):
                block.spans.append(Span(inner, where, where, dropped=True))

    def content(self, node: etree._Element) -> None:
        """What is read of an element's content: all of it; of a ``choice``, its text and the
        first alternative that is not the editors'."""
        chosen = None
        if localname(node) == "choice":
            chosen = next((child for child in node if isinstance(child.tag, str)
                           and localname(child) not in EDITORIAL_FORMS), None)
        self.add(node.text, node, "text")
        for child in node:
            if chosen is not None and child is not chosen:
                self.skip(child, True)
            elif isinstance(child.tag, str):
                self.element(child, True)
            self.add(child.tail, child, "tail")

    def add(self, raw: str | None, node: etree._Element, slot: str) -> None:
        if raw and (self.block is not None or raw.strip(" \t\r\n")):
            self.current().add(raw, node, slot)


_MARKUP = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(?P<cdata>.*?)\]\]>|</[^>]*>|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
_REFERENCE = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_SPECIAL = re.compile(r"[&\r]")


@dataclass
class SourceText:
    """A document's raw text, and for every text node of the tree the file offset of each of its characters.

    lxml knows the line of each start tag, not where a word is. ``SourceText``
    matches the text nodes of the parsed tree, in document order, with the runs
    of character data between the tags of the raw file (decoding entity and
    character references, CDATA and CR LF as the parser does), so a word can be
    pointed at by line and column::

        source = SourceText.read(document.root, raw_text)
        source.locate(node, "tail", 3)          # node.tail[3]
        source.locate_offset(block, 120)        # block.text[120]
    """

    text: str
    #: For each text node, the file offset of each of its characters: a range when they follow one another
    #: in the file (no reference, no CR LF: nearly every node), else an array.
    runs: dict[tuple[etree._Element, str], range | array] = field(default_factory=dict)
    newlines: list[int] = field(default_factory=list)

    @classmethod
    def read(cls, root: etree._Element, text: str) -> "SourceText":
        source = cls(text, {}, [index for index, char in enumerate(text) if char == "\n"])
        source._map(root)
        return source

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a file offset."""
        line = bisect.bisect_left(self.newlines, offset)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def locate_offset(self, block: Block, offset: int) -> tuple[int, int] | None:
        """Line and column of the character at ``offset`` of a block's text."""
        origin = block.origin(offset)
        return self.locate(*origin) if origin else None

    def locate(self, node: etree._Element, slot: str, index: int) -> tuple[int, int] | None:
        """Line and column of character ``index`` of ``node.text`` (slot "text") or ``node.tail``."""
        offsets = self.runs.get((node, slot))
        if not offsets or index >= len(offsets):
            return None
        return self.position(offsets[index])

    def _map(self, root: etree._Element) -> None:
        nodes = list(root.iter())  # elements, comments and processing instructions, in document order
        next_node = 0
        stack: list[etree._Element] = []
        slot: tuple[etree._Element, str] | None = None
        chars: list[str] = []
        offsets = array("q")
        position = 0
        started = False

        def close_run() -> None:
            if slot is not None:
                value = slot[0].text if slot[1] == "text" else slot[0].tail
                if value and "".join(chars) == value:
                    self.runs[slot] = (range(offsets[0], offsets[-1] + 1) if offsets[-1] - offsets[0] == len(offsets) - 1
                                       else array("q", offsets))  # offsets increase: contiguous when they span len
            chars.clear()
            del offsets[:]

        for match in _MARKUP.finditer(self.text):
            if started:
                self._decode(self.text, position, match.start(), chars, offsets)
            position = match.end()
            token = match.group()
            if match.group("cdata") is not None:
                if started:
                    start = match.start("cdata")
                    chars.append(match.group("cdata"))
                    offsets.extend(range(start, match.end("cdata")))
                continue
            if not started:
                if token.startswith(("<?", "<!--")):
                    continue
                started = True
            close_run()
            if token.startswith("</"):
                if not stack:
                    break
                slot = (stack.pop(), "tail")
                if not stack:
                    break
                continue
            if next_node >= len(nodes):
                break
            node = nodes[next_node]
            next_node += 1
            if token.startswith(("<?", "<!--")) or token.endswith("/>"):
                slot = (node, "tail")
            else:
                stack.append(node)
                slot = (node, "text")

    @staticmethod
    def _decode(text: str, start: int, end: int, chars: list[str], offsets: array) -> None:
        """The characters of ``text[start:end]`` as the parser reads them (in pieces), and the file offset of
        each: a stretch without a reference or a CR is taken whole, not character by character."""
        index = start
        while index < end:
            special = _SPECIAL.search(text, index, end)
            stop = special.start() if special is not None else end
            if stop > index:
                chars.append(text[index:stop])
                offsets.extend(range(index, stop))
                index = stop
                continue
            char = text[index]
            if char == "&":
                match = _REFERENCE.match(text, index, end)
                if match:
                    name = match.group(1)
                    if name.startswith("#x"):
                        chars.append(chr(int(name[2:], 16)))
                    elif name.startswith("#"):
                        chars.append(chr(int(name[1:])))
                    else:
                        chars.append(_PREDEFINED.get(name, ""))
                    offsets.append(index)
                    index = match.end()
                    continue
            if char == "\r":
                chars.append("\n")
                offsets.append(index)
                index += 2 if text.startswith("\r\n", index) else 1
                continue
            chars.append(char)
            offsets.append(index)
            index += 1


def _text_elements(root: etree._Element) -> list[etree._Element]:
    if isinstance(root, etree._ElementTree):
        root = root.getroot()
    root = getattr(root, "root", root)  # a toolkit.xmlio.Document
    if localname(root) == "TEI":
        return root.findall(f"{{{TEI_NS}}}text")
    return [root]


def blocks(root) -> list[Block]:
    """The diplomatic reading of ``root``, block by block: running text first, then notes.

    ``root`` is a TEI root element (only its ``text`` is read, never the
    ``teiHeader``), any element inside ``text`` (read as it is), an element
    tree, or a :class:`toolkit.xmlio.Document`.
    """
    reader = _Reader()
    for element in _text_elements(root):
        reader.element(element, False)
    return [builder.finish() for builder in reader.flow + reader.notes]


def reading_blocks(root) -> list[Block]:
    """The blocks of the reading: those of :func:`blocks` that have words."""
    return [block for block in blocks(root) if block.text]


def reading_text(root, *, notes: bool = True) -> str:
    """The whole diplomatic reading as one string, one block per paragraph (blank-line separated)."""
    return "\n\n".join(block.text for block in blocks(root)
                       if block.text and (notes or block.kind != "note"))
