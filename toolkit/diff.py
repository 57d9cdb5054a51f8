"""Compare two versions of a document: did the source's words change, and what markup did?

A markup correction (tagging a name, fixing a date value, adding an expansion)
must leave the diplomatic reading — the words of the telegram, see
:mod:`toolkit.diplomatic` — exactly as it was. :func:`diff_documents` proves it
or shows the words that changed, and lists the markup changes as a person would
describe them::

    + persName ref="authority.xml#zorin" around "Zorin" in ¶17
    ~ date when: "1962-10-27" -> "1962-10-28" on "October 28" in ¶2

How it works. Both versions are read as one string (the blocks of the reading
joined by newlines) and tokenised into words, punctuation, spaces and block
breaks; :mod:`difflib` aligns the tokens. Every element of ``text`` is placed on
that string by the characters it covers (an element inside ``expan`` or ``corr``
covers none: it sits at a point), the old positions are carried over to the new
string through the alignment, and elements are paired by name and position.
Unpaired elements are additions and removals; paired ones are compared
attribute by attribute (and, for editorial content such as an expansion, by
their own text). The ``teiHeader`` and a ``standOff`` are compared field by field.

A document whose text or markup changed must say so in its ``revisionDesc``:
when no new ``change`` entry appeared, the result carries an error and the exit
code is 1, like a change to the words.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
import subprocess
import sys
from array import array
from collections import defaultdict
from copy import deepcopy
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from toolkit import collector, confine, project
from toolkit.diplomatic import Block, SourceText, blocks, normalise
from toolkit.errors import EXIT_INVALID, EXIT_OK, UsageError
from toolkit.paths import display_path
from toolkit.xmlio import TEI_NS, XML_NS, Document, DocumentError, attributes, parse_bytes, parse_document, read_bytes

_TOKEN = re.compile(r"\n|\s+|\w+|[^\w\s]")
_CONTEXT_WORDS = 5
_SHOWN_TEXT = 48


# --------------------------------------------------------------------------- results


@dataclass
class TextChange:
    """Words of the source that differ between the versions, with their context.

    ``line`` and ``column`` point at the change in the new version (for words
    removed: at the place they were removed from).
    """

    block: str
    line: int
    column: int
    old: str
    new: str
    before: str
    after: str

    def format(self) -> str:
        marked = "".join(part for part in (
            f"[-{self.old}-]" if self.old else "", f"{{+{self.new}+}}" if self.new else ""))
        return f"{self.block} (line {self.line}:{self.column}): {self.before}{marked}{self.after}"

    def as_dict(self) -> dict:
        return {"block": self.block, "line": self.line, "column": self.column, "old": self.old, "new": self.new,
                "context": self.format()}


#: The block of a markup change in the prolog: a processing instruction before the root element.
PROLOG = "prolog"


@dataclass
class MarkupChange:
    """One element added (``+``), removed (``-``) or changed (``~``).

    ``line`` is in the new version, except for a removed element: in the old one.
    """

    op: str
    element: str
    attributes: dict[str, str]
    text: str
    block: str
    line: int
    details: list[str] = field(default_factory=list)

    def format(self) -> str:
        if self.block == PROLOG:  # a processing instruction before the root (<?xml-model ...?>)
            line = f"old line {self.line}" if self.op == "-" else f"line {self.line}"
            return f"{self.op} <?{self.element} {_shorten(self.text, 200)}?> before the root element ({line})"
        where = f' in {self.block}' if self.block else ""
        shown = f'"{_shorten(self.text)}"'
        if self.op == "~":
            return f"~ {self.element} {'; '.join(self.details)} on {shown}{where} (line {self.line})"
        attributes = "".join(f' {name}="{value}"' for name, value in self.attributes.items())
        extra = f" ({'; '.join(self.details)})" if self.details else ""
        position = "at" if not self.text else "around"
        line = f"old line {self.line}" if self.op == "-" else f"line {self.line}"
        return f"{self.op} {self.element}{attributes}{extra} {position} {shown}{where} ({line})"

    def as_dict(self) -> dict:
        return {"op": self.op, "element": self.element, "attributes": self.attributes, "text": self.text,
                "block": self.block, "line": self.line, "details": self.details, "description": self.format()}


@dataclass
class FieldChange:
    """A change to the header or to a standOff record, as ``path: old -> new``."""

    op: str
    path: str
    old: str | None
    new: str | None

    def format(self) -> str:
        if self.op == "+":
            return f'+ {self.path} = "{_shorten(self.new or "")}"'
        if self.op == "-":
            return f'- {self.path} = "{_shorten(self.old or "")}"'
        return f'~ {self.path}: "{_shorten(self.old or "")}" -> "{_shorten(self.new or "")}"'

    def as_dict(self) -> dict:
        return {"op": self.op, "path": self.path, "old": self.old, "new": self.new, "description": self.format()}


@dataclass
class DiffResult:
    """Everything :func:`diff_documents` found; ``exit_code`` is what ``teikit diff`` returns."""

    old: str
    new: str
    text_changes: list[TextChange] = field(default_factory=list)
    markup_changes: list[MarkupChange] = field(default_factory=list)
    standoff_changes: list[FieldChange] = field(default_factory=list)
    header_changes: list[FieldChange] = field(default_factory=list)
    new_revision_entries: list[str] = field(default_factory=list)
    #: The document's kind asks for a revisionDesc entry with every change (toolkit.kinds.Kind.revision_entries).
    revision_required: bool = True
    note: str | None = None

    @property
    def text_changed(self) -> bool:
        return bool(self.text_changes)

    @property
    def content_changed(self) -> bool:
        """The text, its markup or the standOff changed: a revisionDesc entry is due."""
        return bool(self.text_changes or self.markup_changes or self.standoff_changes)

    @property
    def missing_revision_entry(self) -> bool:
        return self.revision_required and self.content_changed and not self.new_revision_entries

    @property
    def errors(self) -> list[str]:
        errors = []
        if self.text_changed:
            count = len(self.text_changes)
            errors.append(f"the source text changed ({count} place{'s' if count != 1 else ''}): "
                          "a markup correction must not change a word of the telegram")
        if self.missing_revision_entry:
            errors.append('the text or its markup changed but revisionDesc has no new <change> entry '
                          '(hint: add <change when="YYYY-MM-DD" who="#you">what you changed</change> '
                          'to teiHeader/revisionDesc)')
        return errors

    @property
    def exit_code(self) -> int:
        return EXIT_INVALID if self.errors else EXIT_OK

    def summary(self) -> str:
        if self.note:
            return self.note
        if self.errors:
            return "; ".join(self.errors)
        if not (self.content_changed or self.header_changes or self.new_revision_entries):
            return "no changes"
        return "source text unchanged"

    def format(self) -> str:
        lines = [f"--- {self.old}", f"+++ {self.new}"]
        if self.note:
            lines.append(self.note)
            return "\n".join(lines)
        lines.append(_count("source text change", self.text_changes)
                     + (":" if self.text_changes else " (the diplomatic reading is identical)"))
        lines += [f"  {change.format()}" for change in self.text_changes]
        sections = (("markup change", self.markup_changes), ("authority record change", self.standoff_changes),
                    ("header change", self.header_changes))
        for name, changes in sections:
            if changes:
                lines.append(_count(name, changes) + ":")
                lines += [f"  {change.format()}" for change in changes]
        if not (self.markup_changes or self.standoff_changes):
            lines.append("no markup changes")
        for entry in self.new_revision_entries:
            lines.append(f"new revisionDesc entry: {entry}")
        lines += [f"error: {error}" for error in self.errors]
        if not self.errors:
            lines.append(f"ok: {self.summary()}")
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "old": self.old, "new": self.new,
            "text_changed": self.text_changed,
            "text_changes": [change.as_dict() for change in self.text_changes],
            "markup_changes": [change.as_dict() for change in self.markup_changes],
            "standoff_changes": [change.as_dict() for change in self.standoff_changes],
            "header_changes": [change.as_dict() for change in self.header_changes],
            "new_revision_entries": self.new_revision_entries,
            "missing_revision_entry": self.missing_revision_entry,
            "errors": self.errors, "note": self.note, "exit_code": self.exit_code,
        }


def _count(name: str, items: list) -> str:
    return f"{len(items)} {name}{'s' if len(items) != 1 else ''}" if items else f"no {name}s"


def _shorten(text: str, limit: int = _SHOWN_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- the reading on one line


@dataclass(eq=False, slots=True)  # slots: one record per element of the text, twice
class _Element:
    node: etree._Element
    tag: str
    attributes: dict[str, str]
    start: int = -1
    end: int = -1
    own_text: str | None = None  # for editorial content (expan, corr, reg): what it says
    block: Block | None = None

    @property
    def known(self) -> bool:
        return self.start >= 0


class _Reading:
    """A document's blocks laid end to end, and every element of ``text`` placed on them."""

    def __init__(self, document: Document):
        self.document = document
        self.blocks = blocks(document.root)
        # The text with every line ending a "\n": the text itself unless it has a CR (no copy of it).
        text = document.text if "\r" not in document.text else "\n".join(document.lines)
        self.source = SourceText.read(document.root, text)
        self.starts: list[int] = []
        offset = 0
        for block in self.blocks:
            self.starts.append(offset)
            offset += len(block.text) + 1
        self.string = "\n".join(block.text for block in self.blocks)
        # The tokens as two flat sequences, not a (start, text) tuple each: their starts 8 bytes apiece,
        # their texts interned (a word recurs: one string per distinct token); about 16 bytes a token
        # instead of 140, the largest part of diff's memory (bench/large.py).
        self.token_starts = array("q")
        self.token_texts: list[str] = []
        for match in _TOKEN.finditer(self.string):
            self.token_starts.append(match.start())
            self.token_texts.append(sys.intern(match.group()))
        self.elements = self._place_elements()
        self.by_node = {record.node: record for record in self.elements}
        self.highest_starts: list[int] | None = None  # see _new_position

    def block_at(self, offset: int) -> Block | None:
        if not self.blocks:
            return None
        index = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.blocks[index]

    def where(self, offset: int) -> tuple[Block | None, int, int]:
        """The block at a reading offset, and the line and column of that character in the file."""
        block = self.block_at(offset)
        if block is None:
            return None, 0, 0
        local = offset - self.starts[max(0, bisect.bisect_right(self.starts, offset) - 1)]
        found = self.source.locate_offset(block, min(local, max(0, len(block.text) - 1)))
        line, column = found or (block.line, 1)
        return block, line, column

    def _place_elements(self) -> list[_Element]:
        placed: dict[etree._Element, _Element] = {}
        for index, block in enumerate(self.blocks):
            base = self.starts[index]
            placed[block.element] = self._record(block.element, base, base + len(block.text), block)
            for span in block.spans:
                if span.element in placed:  # a note's anchor: the note is placed as its own block
                    continue
                record = self._record(span.element, base + span.start, base + span.end, block)
                if span.dropped:
                    record.own_text = normalise("".join(span.element.itertext()))
                placed[span.element] = record
        ordered: list[_Element] = []
        for text in self.document.root.iter(f"{{{TEI_NS}}}text"):
            for node in text.iter():
                if not isinstance(node.tag, str):
                    continue
                record = placed.get(node) or self._record(node, -1, -1, None)
                ordered.append(record)
        self._place_containers(ordered)
        return ordered

    def _record(self, node: etree._Element, start: int, end: int, block: Block | None) -> _Element:
        return _Element(node, _name(node), _attributes(node), start, end, None, block)

    def _place_containers(self, ordered: list[_Element]) -> None:
        """Elements outside every block (div, list, body, ...) cover the blocks inside them."""
        by_node = {record.node: record for record in ordered}
        for record in reversed(ordered):  # children before parents
            if record.known:
                continue
            inner = [by_node[child] for child in record.node if child in by_node and by_node[child].known]
            if inner:
                record.start = min(child.start for child in inner)
                record.end = max(child.end for child in inner)
                record.block = next(child.block for child in inner if child.start == record.start)
        following = len(self.string)
        for record in reversed(ordered):  # an empty element sits where the next text starts
            if record.known:
                following = record.start
            else:
                record.start = record.end = following
                record.block = self.block_at(following)

    def covered(self, record: _Element) -> str:
        if record.start < record.end:
            return self.string[record.start:record.end].replace("\n", " ¶ ")
        parent = record.node.getparent()
        while parent is not None:  # editorial content: show what the source has there
            other = self.by_node.get(parent)
            if other is not None and other.start < other.end:
                return self.string[other.start:other.end].replace("\n", " ¶ ")
            parent = parent.getparent()
        return ""


def _name(node: etree._Element) -> str:
    qname = etree.QName(node)
    if qname.namespace in (TEI_NS, None):
        return qname.localname
    return node.prefix + ":" + qname.localname if node.prefix else f"{{{qname.namespace}}}{qname.localname}"


def _attributes(node: etree._Element) -> dict[str, str]:
    result = {}
    for name, value in attributes(node):
        qname = etree.QName(name)
        if qname.namespace == XML_NS:
            result[f"xml:{qname.localname}"] = value
        elif qname.namespace:
            result[name] = value
        else:
            result[qname.localname] = value
    return result


# --------------------------------------------------------------------------- text changes


class _Alignment:
    """Token alignment of two readings, and the carrying of old offsets to new ones."""

    def __init__(self, old: _Reading, new: _Reading):
        self.old, self.new = old, new
        self.opcodes = _slide(opcodes(old.token_texts, new.token_texts), old.token_texts, new.token_texts)
        self._opcode_starts = [code[1] for code in self.opcodes]

    def _offset(self, reading: _Reading, index: int) -> int:
        return reading.token_starts[index] if index < len(reading.token_starts) else len(reading.string)

    def carry(self, offset: int, *, end: bool) -> int:
        """The new offset of an old one.

        Inside an unchanged stretch the offset moves with it. An offset at the
        edge of a changed stretch stays at that edge; one inside it goes to the
        stretch's start (``end=False``) or end (``end=True``), so an element
        keeps covering the words that changed inside it. An element that ends
        where words were inserted does not swallow them.
        """
        starts = self.old.token_starts
        if offset >= len(self.old.string) or not starts:
            token, within = len(starts), 0
        else:
            token = max(0, bisect.bisect_right(starts, offset) - 1)
            within = offset - starts[token]
        # The first opcode that holds the token, or an insertion right before it
        # (opcodes are in order: only the one before those starting at the token can hold it).
        first = bisect.bisect_left(self._opcode_starts, token)
        for index in range(max(0, first - 1), len(self.opcodes)):  # not a slice: a copy of the rest per call
            tag, i1, i2, j1, j2 = self.opcodes[index]
            if i1 > token:
                break
            if end and within == 0 and tag == "insert" and i1 == token:
                return self._offset(self.new, j1)
            if i1 <= token < i2:
                if tag == "equal":
                    return self._offset(self.new, j1 + token - i1) + within
                if token == i1 and within == 0:
                    return self._offset(self.new, j1)
                return self._offset(self.new, j2 if end else j1)
        return len(self.new.string)

    def text_changes(self) -> list[TextChange]:
        changes = []
        for tag, i1, i2, j1, j2 in self.opcodes:
            if tag == "equal":
                continue
            old_words = "".join(self.old.token_texts[i1:i2])
            new_words = "".join(self.new.token_texts[j1:j2])
            first = next((k for k in range(j1, j2) if self.new.token_texts[k].strip()), j1)
            block, line, column = self.new.where(self._offset(self.new, first))
            if block is None:
                block, line, column = self.old.where(self._offset(self.old, i1))
            changes.append(TextChange(
                block=block.label if block else "", line=line, column=column,
                old=_visible(old_words), new=_visible(new_words),
                before=_visible(_context(self.new.token_texts, j1, before=True)),
                after=_visible(_context(self.new.token_texts, j2, before=False))))
        return changes


#: Above this many token pairs (old x new) a changed stretch is aligned block by block first.
_DIRECT_LIMIT = 250_000


def opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """``difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()``, in about linear time.

    difflib compares every token with every equal token of the other side, so
    two identical 200 KB documents took 22 s. Here the common start and end
    are taken off first (identical documents cost one comparison per token);
    what is left, when it is small, goes to difflib as before; when it is
    large, the blocks (the tokens up to each block break) are aligned first,
    as hashable lines, and only the tokens of blocks that differ are aligned
    with each other, each stretch the same way.
    """
    codes: list[tuple[str, int, int, int, int]] = []
    _align(old, new, 0, len(old), 0, len(new), codes)
    merged: list[tuple[str, int, int, int, int]] = []
    for code in codes:  # neighbouring equal stretches (from different levels) become one
        if merged and code[0] == "equal" and merged[-1][0] == "equal":
            merged[-1] = ("equal", merged[-1][1], code[2], merged[-1][3], code[4])
        elif code[1] < code[2] or code[3] < code[4]:
            merged.append(code)
    return merged or [("equal", 0, 0, 0, 0)]


def _align(old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int,
           codes: list[tuple[str, int, int, int, int]], by_blocks: bool = True) -> None:
    start_i, start_j = i1, j1
    while i1 < i2 and j1 < j2 and old[i1] == new[j1]:
        i1 += 1
        j1 += 1
    end_i, end_j = i2, j2
    while i2 > i1 and j2 > j1 and old[i2 - 1] == new[j2 - 1]:
        i2 -= 1
        j2 -= 1
    codes.append(("equal", start_i, i1, start_j, j1))
    if i1 == i2 or j1 == j2:
        if i1 < i2 or j1 < j2:
            codes.append(("delete" if j1 == j2 else "insert", i1, i2, j1, j2))
    elif (i2 - i1) * (j2 - j1) <= _DIRECT_LIMIT or not by_blocks:
        if (i2 - i1) * (j2 - j1) <= _DIRECT_LIMIT * 16:
            matcher = difflib.SequenceMatcher(None, old[i1:i2], new[j1:j2], autojunk=False)
            codes.extend((tag, a1 + i1, a2 + i1, b1 + j1, b2 + j1) for tag, a1, a2, b1, b2 in matcher.get_opcodes())
        else:  # too far apart to align word by word: one replaced stretch
            codes.append(("replace", i1, i2, j1, j2))
    else:
        _align_blocks(old, new, i1, i2, j1, j2, codes)
    codes.append(("equal", i2, end_i, j2, end_j))


def _lines(tokens: list[str], start: int, stop: int) -> list[tuple[int, int]]:
    """(start, stop) of each run of tokens up to and including a block break."""
    lines, begin = [], start
    for index in range(start, stop):
        if tokens[index] == "\n":
            lines.append((begin, index + 1))
            begin = index + 1
    if begin < stop:
        lines.append((begin, stop))
    return lines


def _align_blocks(old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int,
                  codes: list[tuple[str, int, int, int, int]]) -> None:
    old_lines, new_lines = _lines(old, i1, i2), _lines(new, j1, j2)
    old_keys = ["\x00".join(old[a:b]) for a, b in old_lines]
    new_keys = ["\x00".join(new[a:b]) for a, b in new_lines]
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        o1 = old_lines[a1][0] if a1 < len(old_lines) else i2
        o2 = old_lines[a2 - 1][1] if a2 > a1 else o1
        n1 = new_lines[b1][0] if b1 < len(new_lines) else j2
        n2 = new_lines[b2 - 1][1] if b2 > b1 else n1
        if tag == "equal":
            codes.append(("equal", o1, o2, n1, n2))
        else:
            _align(old, new, o1, o2, n1, n2, codes, by_blocks=False)


def _slide(opcodes: list[tuple], old: list[str], new: list[str]) -> list[tuple]:
    """Move each pure insertion or deletion to the last place it can take that ends at a block break,
    else as far right as the tokens allow.

    ``progress. New para.`` inserted after ``progress.`` may be aligned as
    ``progress{+. New para+}.``; sliding gives ``progress.{+ New para.+}``, which
    reads better and keeps the insertion off the edge of the block before it.
    """
    codes = [["equal", 0, 0, 0, 0]] + [list(code) for code in opcodes]
    for index in range(1, len(codes) - 1):
        tag, i1, i2, j1, j2 = codes[index]
        previous, following = codes[index - 1], codes[index + 1]
        if tag not in ("insert", "delete") or previous[0] != "equal" or following[0] != "equal":
            continue
        tokens, start, stop = (new, j1, j2) if tag == "insert" else (old, i1, i2)
        shift = 0
        while (shift < following[2] - following[1] and stop + shift < len(tokens)
               and tokens[start + shift] == tokens[stop + shift]):
            shift += 1
        back = 0  # how far it could slide left (the alignment may have put it anywhere in between)
        while (back < previous[2] - previous[1] and start - back > 0
               and tokens[start - back - 1] == tokens[stop - back - 1]):
            back += 1
        # Of the places the change can slide to, prefer one that ends at a block break.
        breaks = [n for n in range(-back, shift + 1) if stop + n >= len(tokens) or tokens[stop + n] == "\n"]
        if breaks:
            shift = breaks[-1]
        if shift:
            previous[2] += shift
            previous[4] += shift
            codes[index] = [tag, i1 + shift, i2 + shift, j1 + shift, j2 + shift]
            following[1] += shift
            following[3] += shift
    return [tuple(code) for code in codes if code[0] != "equal" or code[2] > code[1]]


def _visible(text: str) -> str:
    return text.replace("\n", " ¶ ")


def _context(tokens: list[str], edge: int, *, before: bool) -> str:
    """A few words on one side of a change (the tokens before ``edge``, or from it on), stopping at the
    block's edge. Read from ``edge`` in place: a slice of what lies before or after it would copy the
    document's tokens once per change."""
    taken: list[str] = []
    words = 0
    sequence = (tokens[index] for index in range(edge - 1, -1, -1)) if before else (
        tokens[index] for index in range(edge, len(tokens)))
    for token in sequence:
        if token == "\n" or words >= _CONTEXT_WORDS:
            break
        taken.append(token)
        if token.strip():
            words += 1
    if before:
        taken.reverse()
    text = "".join(taken)
    truncated = words >= _CONTEXT_WORDS
    if before:
        return ("…" + text if truncated else text)
    return (text + "…" if truncated else text)


# --------------------------------------------------------------------------- markup changes


def _markup_changes(old: _Reading, new: _Reading, alignment: _Alignment) -> list[MarkupChange]:
    candidates: dict[tuple, list[_Element]] = defaultdict(list)
    for record in old.elements:
        start = alignment.carry(record.start, end=False)
        end = alignment.carry(record.end, end=True) if record.end > record.start else start
        candidates[(record.tag, start, end)].append(record)
    paired: list[tuple[_Element, _Element, bool]] = []
    added: list[_Element] = []
    for record in new.elements:
        matches = candidates.get((record.tag, record.start, record.end))
        if matches:
            paired.append((matches.pop(0), record, False))
        else:
            added.append(record)
    removed = [record for records in candidates.values() for record in records]
    # An element whose extent changed (same name and attributes, overlapping text) was moved, not replaced.
    shifted = _moved(added, removed, alignment)
    if shifted:
        gone, came = {pair[0] for pair in shifted}, {pair[1] for pair in shifted}
        removed = [record for record in removed if record not in gone]
        added = [record for record in added if record not in came]
        paired += [(before, after, True) for before, after in shifted]

    changes: list[tuple[float, MarkupChange]] = []
    order = {record.node: index for index, record in enumerate(new.elements)}
    for before, after, moved in paired:
        details = _attribute_details(before.attributes, after.attributes)
        if before.own_text != after.own_text:
            details.append(f'text: "{before.own_text}" -> "{after.own_text}"')
        if moved:
            covered_before, covered_after = old.covered(before), new.covered(after)
            # The same words at a shifted offset (a change next to it) is no change of extent.
            if covered_before.split() != covered_after.split():
                details.append(f'extent: "{_shorten(covered_before)}" -> "{_shorten(covered_after)}"')
        if details:
            changes.append((order[after.node], _describe("~", after, new, details)))
    for record in added:
        details = [f'text: "{record.own_text}"'] if record.own_text else []
        changes.append((order[record.node], _describe("+", record, new, details)))
    for record in removed:
        position = _new_position(record, alignment, new, order)
        details = [f'text: "{record.own_text}"'] if record.own_text else []
        changes.append((position, _describe("-", record, old, details)))
    changes.sort(key=lambda item: item[0])
    return [change for _, change in changes]


def _moved(added: list[_Element], removed: list[_Element], alignment: _Alignment) -> list[tuple[_Element, _Element]]:
    """The elements whose extent changed: each added element (in order) paired with the first element of
    ``removed`` not yet paired that has its name and attributes and whose text, carried to the new
    version, overlaps its own.

    Not by trying every pair (quadratic: 1,088 names retagged in 1 MB were 1.2 million tries, a 25 MB
    document's would be 700 million): the removed elements are grouped by name and attributes, sorted
    by where their text starts in the new version, and only those that start before the added
    element's text ends are looked at, from the nearest back, until none before can reach its start."""
    groups: dict[tuple, list[tuple[int, int, int]]] = defaultdict(list)
    for index, record in enumerate(removed):
        groups[(record.tag, frozenset(record.attributes.items()))].append(
            (alignment.carry(record.start, end=False), alignment.carry(record.end, end=True), index))
    sorted_groups = {}
    for key, entries in groups.items():
        entries.sort()
        # reach[k]: the furthest any of entries[:k + 1] extends; nothing at or before k overlaps a text
        # that starts at or after it
        sorted_groups[key] = (entries, [entry[0] for entry in entries],
                              list(itertools.accumulate((entry[1] for entry in entries), max)))
    taken: set[int] = set()
    pairs = []
    for record in added:
        group = sorted_groups.get((record.tag, frozenset(record.attributes.items())))
        if group is None:
            continue
        entries, starts, reach = group
        best = None
        position = bisect.bisect_left(starts, record.end) - 1  # the last that starts before its text ends
        while position >= 0 and reach[position] > record.start:
            _, end, index = entries[position]
            if end > record.start and index not in taken and (best is None or index < best):
                best = index
            position -= 1
        if best is not None:
            taken.add(best)
            pairs.append((removed[best], record))
    return pairs


def _new_position(record: _Element, alignment: _Alignment, new: _Reading, order: dict) -> float:
    """Just before the first new element (in document order) that starts at or after the removed one."""
    start = alignment.carry(record.start, end=False)
    if new.highest_starts is None:
        # The first element with start >= s is the first whose running maximum of starts reaches s.
        highest, new.highest_starts = -1, []
        for candidate in new.elements:
            highest = max(highest, candidate.start)
            new.highest_starts.append(highest)
    index = bisect.bisect_left(new.highest_starts, start)
    if index < len(new.elements):
        return order[new.elements[index].node] - 0.5
    return len(order)


def _attribute_details(before: dict[str, str], after: dict[str, str]) -> list[str]:
    details = []
    for name, value in after.items():
        if name not in before:
            details.append(f'+{name}="{value}"')
        elif before[name] != value:
            details.append(f'{name}: "{before[name]}" -> "{value}"')
    details += [f'-{name}="{value}"' for name, value in before.items() if name not in after]
    return details


def _describe(op: str, record: _Element, reading: _Reading, details: list[str]) -> MarkupChange:
    block = record.block
    return MarkupChange(op=op, element=record.tag, attributes=record.attributes, text=reading.covered(record),
                        block=block.label if block else "", line=record.node.sourceline or 0, details=details)


def _prolog(root: etree._Element) -> list[etree._ProcessingInstruction]:
    """The processing instructions before the root element, in document order."""
    found = []
    node = root.getprevious()
    while node is not None:
        if isinstance(node, etree._ProcessingInstruction):
            found.append(node)
        node = node.getprevious()
    return found[::-1]


def _prolog_changes(old: etree._Element, new: etree._Element) -> list[MarkupChange]:
    """Processing instructions before the root added or removed (``<?xml-model?>`` schema declarations):
    markup, never text."""
    def key(node: etree._ProcessingInstruction) -> tuple[str, str]:
        return node.target, " ".join((node.text or "").split())

    before, after = _prolog(old), _prolog(new)
    old_keys, new_keys = [key(node) for node in before], [key(node) for node in after]
    changes = [MarkupChange("-", node.target, {}, key(node)[1], PROLOG, node.sourceline or 0)
               for node in before if key(node) not in new_keys]
    changes += [MarkupChange("+", node.target, {}, key(node)[1], PROLOG, node.sourceline or 0)
                for node in after if key(node) not in old_keys]
    return changes


# --------------------------------------------------------------------------- header and standOff


def _fields(element: etree._Element, prefix: str = "") -> dict[str, str]:
    """Flatten an element into ``path/@attribute`` and ``path`` (its own text) entries."""
    fields: dict[str, str] = {}
    counts: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    children = [child for child in element if isinstance(child.tag, str)]
    for child in children:
        totals[_name(child)] += 1
    for name, value in _attributes(element).items():
        if name == "xml:id" and prefix.endswith(f"#{value}"):
            continue  # already in the path
        fields[f"{prefix}/@{name}" if prefix else f"@{name}"] = value
    own = normalise((element.text or "") + " ".join(child.tail or "" for child in element))
    if own:
        fields[prefix or "."] = own
    for child in children:
        name = _name(child)
        counts[name] += 1
        identifier = child.get(f"{{{XML_NS}}}id")
        if identifier:
            step = f"{name}#{identifier}"
        else:
            step = f"{name}[{counts[name]}]" if totals[name] > 1 else name
        fields.update(_fields(child, f"{prefix}/{step}" if prefix else step))
    return fields


def _field_changes(old: etree._Element | None, new: etree._Element | None, prefix: str) -> list[FieldChange]:
    before = _fields(old, prefix) if old is not None else {}
    after = _fields(new, prefix) if new is not None else {}
    changes = []
    for path, value in after.items():
        if path not in before:
            changes.append(FieldChange("+", path, None, value))
        elif before[path] != value:
            changes.append(FieldChange("~", path, before[path], value))
    changes += [FieldChange("-", path, value, None) for path, value in before.items() if path not in after]
    return changes


def _header_without_revisions(root: etree._Element) -> etree._Element | None:
    header = root.find(f"{{{TEI_NS}}}teiHeader")
    if header is None:
        return None
    copy = deepcopy(header)  # not a re-parse of its text: that would read the header's tail too
    copy.tail = None
    for revisions in copy.findall(f"{{{TEI_NS}}}revisionDesc"):
        copy.remove(revisions)
    return copy


def _standoff_changes(old: etree._Element, new: etree._Element) -> list[FieldChange]:
    changes = []
    old_parts = old.findall(f"{{{TEI_NS}}}standOff")
    new_parts = new.findall(f"{{{TEI_NS}}}standOff")
    for index in range(max(len(old_parts), len(new_parts))):
        prefix = "standOff" if max(len(old_parts), len(new_parts)) == 1 else f"standOff[{index + 1}]"
        changes += _field_changes(old_parts[index] if index < len(old_parts) else None,
                                  new_parts[index] if index < len(new_parts) else None, prefix)
    return changes


def revision_entries(root: etree._Element) -> list[str]:
    """The document's revisionDesc entries, each as ``when who: what``."""
    entries = []
    for change in root.iterfind(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}revisionDesc//{{{TEI_NS}}}change"):
        when = change.get("when") or change.get("notBefore") or ""
        who = change.get("who") or ""
        entries.append(" ".join(part for part in (when, who) if part) + ": " + normalise("".join(change.itertext())))
    return entries


def _new_entries(old: etree._Element, new: etree._Element) -> list[str]:
    """The revisionDesc entries added since ``old``; an old entry edited is not one of them.

    An entry of the new version not found word for word in the old one is new,
    unless it takes the place of an old entry that is gone (same date and
    person): that is the old entry edited. There are never more new entries
    than the list grew by.
    """
    before = revision_entries(old)
    after = revision_entries(new)
    gone = list(before)
    fresh = []
    for entry in after:
        if entry in gone:
            gone.remove(entry)
        else:
            fresh.append(entry)
    added = []
    for entry in fresh:
        stamp = entry.split(": ", 1)[0]
        edited = next((old_entry for old_entry in gone if old_entry.split(": ", 1)[0] == stamp), None)
        if edited is not None:
            gone.remove(edited)
        else:
            added.append(entry)
    return added[:max(0, len(after) - len(before))]


# --------------------------------------------------------------------------- public API


def diff_documents(old: Document, new: Document, *, old_label: str | None = None,
                   new_label: str | None = None) -> DiffResult:
    """Compare two versions of a document; see the module docstring."""
    # A diff makes millions of small containers and keeps them all until it is done, none a cycle:
    # the collector's walks over them cost a third of its time (toolkit/collector.py).
    with collector.paused():
        return _diff(old, new, old_label, new_label)


def _diff(old: Document, new: Document, old_label: str | None, new_label: str | None) -> DiffResult:
    old_reading, new_reading = _Reading(old), _Reading(new)
    alignment = _Alignment(old_reading, new_reading)
    return DiffResult(
        old=old_label or old.display, new=new_label or new.display,
        text_changes=alignment.text_changes(),
        markup_changes=_prolog_changes(old.root, new.root) + _markup_changes(old_reading, new_reading, alignment),
        standoff_changes=_standoff_changes(old.root, new.root),
        header_changes=_field_changes(_header_without_revisions(old.root), _header_without_revisions(new.root),
                                      "teiHeader"),
        new_revision_entries=_new_entries(old.root, new.root),
        revision_required=project.kind_for(new.path, new.root).revision_entries,
    )


def diff_paths(old: Path, new: Path) -> DiffResult:
    """``teikit diff OLD NEW``: compare two files."""
    return diff_documents(parse_document(old), parse_document(new))


def _git(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed; --rev needs git") from None


def repository_root(start: Path) -> Path:
    """The top folder of the git work tree that holds ``start``."""
    folder = start if start.is_dir() else start.parent
    result = _git(["rev-parse", "--show-toplevel"], folder)
    if result.returncode != 0:
        raise UsageError("not inside a git repository", path=display_path(start),
                         hint="--rev compares with a git revision; use `teikit diff OLD NEW` for two files")
    return Path(result.stdout.decode().strip()).resolve()


def check_revision(rev: str, root: Path) -> None:
    """Raise a usage error unless ``rev`` names a commit of the repository at ``root``."""
    if rev.startswith("-") or not rev.strip():
        raise UsageError(f'"{rev}" is not a git revision')
    result = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root)
    if result.returncode != 0:
        raise UsageError(f'"{rev}" is not a revision of the git repository at {root}',
                         hint="name a branch, tag or commit, e.g. HEAD, main, origin/main or HEAD~1")


def revision_bytes(rev: str, path: Path) -> bytes | None:
    """The content of ``path`` at revision ``rev`` (``None`` when the file is new since then)."""
    root = repository_root(path)
    check_revision(rev, root)
    try:
        relative = path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"is not inside the git repository at {root}",
                         path=display_path(path)) from None
    if _git(["cat-file", "-e", f"{rev}:{relative}"], root).returncode != 0:
        return None
    # The size first: the old version is held to --max-size like any file, before a byte of it is read.
    sized = _git(["cat-file", "-s", f"{rev}:{relative}"], root)
    size = sized.stdout.decode("ascii", "replace").strip()
    if sized.returncode != 0 or not size.isdigit():
        raise UsageError(f"git could not read {relative} at {rev}: {sized.stderr.decode(errors='replace').strip()}")
    if int(size) > confine.max_size():
        raise confine.too_large(Path(f"{relative} ({rev})"), int(size), confine.max_size())
    result = _git(["cat-file", "blob", f"{rev}:{relative}"], root)
    if result.returncode != 0:
        raise UsageError(f"git could not read {relative} at {rev}: {result.stderr.decode().strip()}")
    return result.stdout


def diff_revision(rev: str, path: Path) -> DiffResult:
    """``teikit diff --rev REV PATH``: compare ``PATH`` at ``rev`` with the file as it is now."""
    if not path.is_file():
        read_bytes(path)  # the usage error that names why (no such file, a folder, ...)
    new = parse_document(path)
    old_data = revision_bytes(rev, path)
    label = f"{new.display} ({rev})"
    if old_data is None:
        return DiffResult(old=label, new=new.display,
                          note=f"new document: {new.display} did not exist at {rev}; nothing to compare")
    try:
        old = parse_bytes(path.resolve(), old_data)
    except DocumentError as exc:
        problem = replace(exc.problem, path=label)
        raise DocumentError(problem) from None
    return diff_documents(old, new, old_label=label, new_label=new.display)
