"""The diplomatic reading of a TEI document: what the source itself says.

This module is THE one place that turns an encoded document back into the
words of the source. Everything that compares, checks or counts source text
(``teikit diff``, ``teikit lint``, the fidelity tests) goes through it, so
they all agree on what "the text" is.

The reading keeps what the source has and drops what the editors added:

* in a ``choice``, ``sic``, ``abbr`` and ``orig`` are kept; ``corr``, ``expan``
  and ``reg`` (the editors' correction, expansion, regularisation) are dropped;
* notes are taken out of the flow: each ``note`` becomes a block of its own,
  listed after the blocks of the running text, and leaves no text behind;
* whitespace is normalised: every run of whitespace becomes one space, and
  blocks are stripped at both ends.

The reading comes block by block: ``head``, ``dateline``, each ``p``, ``item``,
``salute``, ``signed`` (and the few other TEI block elements), then the notes.
Every :class:`Block` carries its element, ``xml:id``, ``@n`` and source line,
and the :class:`Span` of every element inside it, so a tool can point from a
word of the reading back to the markup around it::

    from toolkit.diplomatic import blocks, reading_text
    for block in blocks(document.root):
        print(block.label, block.line, block.text)
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field

from lxml import etree

from toolkit.vocabulary import BLOCK_ELEMENTS, EDITORIAL_FORMS
from toolkit.xmlio import TEI_NS, XML_NS

_WHITESPACE = re.compile(r"(\s+)")
_XML_ID = f"{{{XML_NS}}}id"


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
    origins: list[tuple[int, etree._Element, str, int]] = field(default_factory=list, repr=False)

    def origin(self, offset: int) -> tuple[etree._Element, str, int] | None:
        """The text node (``node.text`` or ``node.tail``) and index the character at ``offset`` comes from."""
        index = bisect.bisect_right(self.origins, offset, key=lambda origin: origin[0]) - 1
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

    def __init__(self, element: etree._Element, kind: str):
        self.element = element
        self.kind = kind
        self.parts: list[str] = []
        self.length = 0
        self.pending_space = False
        self.spans: list[Span] = []
        self.origins: list[tuple[int, etree._Element, str, int]] = []

    def add(self, raw: str | None, node: etree._Element | None = None, slot: str = "text") -> None:
        if not raw:
            return
        index = 0
        for piece in _WHITESPACE.split(raw):
            if not piece:
                continue
            if piece.isspace():
                self.pending_space = self.length > 0
                index += len(piece)
                continue
            if self.pending_space:
                self.parts.append(" ")
                self.length += 1
                self.pending_space = False
            if node is not None:
                self.origins.append((self.length, node, slot, index))
            self.parts.append(piece)
            self.length += len(piece)
            index += len(piece)

    def separate(self) -> None:
        """Something block-like sits here: the words on either side must not run together."""
        self.pending_space = self.length > 0

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
                     element=element, line=element.sourceline or 0, spans=self.spans, origins=self.origins)


def _has_own_text(element: etree._Element) -> bool:
    if element.text and element.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in element)


class _Reader:
    def __init__(self) -> None:
        self.flow: list[_Builder] = []
        self.notes: list[_Builder] = []

    def element(self, node: etree._Element, block: _Builder | None, dropped: bool) -> None:
        kind = localname(node)
        if kind == "note" and not dropped:
            if block is not None:
                anchor = block.position() if not block.pending_space else block.length
                block.spans.append(Span(node, anchor, anchor, dropped=True))
            self._block(node, kind, self.notes)
            return
        if kind in BLOCK_ELEMENTS and not dropped:
            if block is not None:
                block.separate()
            self._block(node, kind, self.flow)
            if block is not None:
                block.separate()
            return
        if block is None:
            if _has_own_text(node):
                # Text outside any block element: the element itself is the block.
                self._block(node, kind, self.flow)
            else:
                for child in node:
                    if isinstance(child.tag, str):
                        self.element(child, None, dropped)
            return
        dropped = dropped or kind in EDITORIAL_FORMS
        span = Span(node, block.position(), 0, dropped=dropped)
        block.spans.append(span)  # in document order: an element before the elements inside it
        self.content(node, block, dropped)
        span.end = span.start if dropped else max(span.start, block.length)

    def _block(self, node: etree._Element, kind: str, into: list[_Builder]) -> None:
        builder = _Builder(node, kind)
        into.append(builder)
        self.content(node, builder, False)

    def content(self, node: etree._Element, block: _Builder, dropped: bool) -> None:
        if not dropped:
            block.add(node.text, node, "text")
        for child in node:
            if isinstance(child.tag, str):
                self.element(child, block, dropped)
            if not dropped:
                block.add(child.tail, child, "tail")


_MARKUP = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[(?P<cdata>.*?)\]\]>|</[^>]*>|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
_REFERENCE = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][\w.-]*);")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


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
    runs: dict[tuple[etree._Element, str], list[int]] = field(default_factory=dict)
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
        offsets: list[int] = []
        position = 0
        started = False

        def close_run() -> None:
            if slot is not None:
                value = slot[0].text if slot[1] == "text" else slot[0].tail
                if value and "".join(chars) == value:
                    self.runs[slot] = array("q", offsets)  # 8 bytes an offset, not a list of ints
            chars.clear()
            offsets.clear()

        for match in _MARKUP.finditer(self.text):
            if started:
                self._decode(self.text, position, match.start(), chars, offsets)
            position = match.end()
            token = match.group()
            if match.group("cdata") is not None:
                if started:
                    start = match.start("cdata")
                    chars.extend(match.group("cdata"))
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
    def _decode(text: str, start: int, end: int, chars: list[str], offsets: list[int]) -> None:
        index = start
        while index < end:
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
        reader.element(element, None, False)
    return [builder.finish() for builder in reader.flow + reader.notes]


def reading_text(root, *, notes: bool = True) -> str:
    """The whole diplomatic reading as one string, one block per paragraph (blank-line separated)."""
    return "\n\n".join(block.text for block in blocks(root)
                       if block.text and (notes or block.kind != "note"))
