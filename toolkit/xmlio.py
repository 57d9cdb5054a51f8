"""Reading TEI documents safely and writing outputs atomically.

Every document the toolkit touches is read through :func:`parse_document`,
which refuses what a TEI edition never needs and an attacker might send: DOCTYPE
declarations (external entities, entity-expansion bombs, DTD loading), XInclude,
network access. Problems come back as :class:`DocumentError` with a line and
column, never as a libxml2 traceback.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import tempfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from toolkit.errors import EXIT_INVALID, Problem, ToolkitError, UsageError
from toolkit.paths import display_path, resolved_path  # noqa: F401 (resolved_path: used here, and by callers)

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
NS = {"tei": TEI_NS}

_ENCODING_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# A declaration, or what may hold the same characters as mere text: a comment, a CDATA
# section, a processing instruction (scanned only when one of those two names is in the file).
_DECLARATION_OR_TEXT = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|(<!DOCTYPE|<!ENTITY)", re.S)
# Byte order marks and the first bytes of "<?" or "<" in the encodings XML allows besides UTF-8.
_WIDE_ENCODINGS = [
    (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"), (b"\xff\xfe", "UTF-16"),
    (b"\x00\x00\x00<", "UTF-32"), (b"<\x00\x00\x00", "UTF-32"),
    (b"\x00<", "UTF-16"), (b"<\x00", "UTF-16"),
]
#: XML's whitespace (XML 1.0, 2.3 S). Nothing else separates the tokens of a pointer list or pads
#: a value: a no-break space (U+00A0), which Python's str.split() and str.strip() take for a space,
#: is part of the pointer, which then points to nothing.
XML_SPACE = " \t\r\n"
_XML_SPACE_RUN = re.compile(r"[ \t\r\n]+")
_LIBXML_POSITION = re.compile(r",? line \d+, column \d+$")


class DocumentError(ToolkitError):
    """A document that cannot be read as a safe, well-formed TEI document."""

    exit_code = EXIT_INVALID

    def __init__(self, problem: Problem):
        super().__init__(problem.message, path=problem.path, hint=problem.hint)
        self.problem = problem

    def __reduce__(self):
        return DocumentError, (self.problem,)


@dataclass
class Document:
    """A parsed document together with what is needed to point into its source."""

    path: Path
    tree: etree._ElementTree
    text: str = field(repr=False)
    resolved: Path | None = field(default=None, repr=False, compare=False)  # path.resolve(), when known
    _lines: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _prefixes: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _map: SourceMap | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def lines(self) -> list[str]:
        """The source text's lines, split where XML ends a line (made on first use: most documents never need them)."""
        if self._lines is None:
            self._lines = xml_lines(self.text)
        return self._lines

    @property
    def display(self) -> str:
        return display_path(self.path)

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    def locate(self, path: str) -> etree._Element | None:
        """The element (or an attribute's owner) a path from a validator's report points at.

        libxml2 and the Schematron skeleton write such paths with the document's
        own prefixes (``/*/*[3]/frus:file[2]``): any namespace a document
        declares is normal TEI practice, so the prefixes are read from the
        document itself when the path needs them. None when the path finds nothing.
        """
        if not path:
            return None
        try:
            found = self.tree.xpath(path)
        except etree.XPathEvalError:
            try:
                found = self.tree.xpath(path, namespaces=self.prefixes)
            except etree.XPathError:
                return None
        except etree.XPathError:
            return None
        node = found[0] if isinstance(found, list) and found else None
        if node is not None and not isinstance(node, etree._Element):
            node = node.getparent() if hasattr(node, "getparent") else None
        return node

    @property
    def prefixes(self) -> dict[str, str]:
        """Every namespace prefix the document declares (the first binding of each), read once."""
        if self._prefixes is None:
            self._prefixes = {}
            for element in self.root.iter(etree.Element):
                for prefix, uri in element.nsmap.items():
                    if prefix:
                        self._prefixes.setdefault(prefix, uri)
        return self._prefixes

    def position(self, node: etree._Element | None) -> tuple[int, int]:
        """Line and column of an element's start tag, its ``<`` (1-based; see :class:`SourceMap`)."""
        if isinstance(node, etree._Element) and isinstance(node.tag, str):
            if self._map is None:
                self._map = SourceMap(self.text, self.root)
            found = self._map.position(node)
            if found is not None:
                return found
        return getattr(node, "sourceline", None) or 1, 1

    def problem(self, node: etree._Element | None, message: str, **extra) -> Problem:
        line, column = self.position(node)
        return Problem(self.display, line, column, message, **extra)


# Where XML ends a line (XML 1.0, 2.11): CR LF, CR and LF, nothing else. Python's splitlines() also
# breaks at U+0085, U+2028, form feeds ...: text to XML, and a column count gone wrong after them.
_XML_LINE_END = re.compile(r"\r\n?|\n")
# What may hold a "<" that starts no element (a comment, CDATA, a processing instruction), or a start tag.
_MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<([^\s/!?>][^\s/>]*)", re.S)


# Above this many attributes on one element, attributes() reads them through XPath.
_FEW_ATTRIBUTES = 16
_ALL_ATTRIBUTES = etree.XPath("@*")


def attributes(element: etree._Element) -> list[tuple[str, str]]:
    """The element's attributes as (Clark name, value), in document order, in time linear in their number.

    lxml's ``element.items()``, ``.values()`` and ``.attrib.items()`` look each value up again by its
    name, which is quadratic in the attributes of one element (100,000 attributes: minutes); an
    XPath ``@*`` reads them in one pass. Most elements have a handful: those take the direct way."""
    if len(element.attrib) <= _FEW_ATTRIBUTES:
        return element.items()
    return [(value.attrname, str(value)) for value in _ALL_ATTRIBUTES(element)]


def xml_tokens(value: str) -> list[str]:
    """The tokens of an attribute value of list type (``ref="#a #b"``), split at XML's whitespace only."""
    if value.isascii():  # the ASCII spaces str.split() adds (VT, FF, FS ...) are not XML characters at all
        return value.split()
    return [token for token in _XML_SPACE_RUN.split(value) if token]


def xml_lines(text: str) -> list[str]:
    """``text`` split into lines where XML ends a line."""
    return _XML_LINE_END.split(text)


def line_starts(text: str) -> array:
    """The offset at which each line of ``text`` starts, lines ending where XML ends them."""
    starts = array("q", [0])
    starts.extend(match.end() for match in _XML_LINE_END.finditer(text))
    return starts


def offset_position(starts: array, offset: int) -> tuple[int, int]:
    """Line and column (1-based, in characters) of ``offset``, given :func:`line_starts`."""
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1


def text_position(text: str, offset: int) -> tuple[int, int]:
    """Line and column (1-based, in characters) of ``offset`` in ``text``, lines ending where XML ends them."""
    return offset_position(line_starts(text[:offset]), offset)


class SourceMap:
    """Where each element's start tag stands in the source: line and column right for every line ending.

    libxml2 gives an element only a line, the one its start tag *ends* on,
    counting LF alone (a file with CR line endings is one line to it). The
    source is scanned once instead (on the first position asked for): the
    n-th start tag outside comments, CDATA and processing instructions is the
    n-th element in document order ("<" cannot stand anywhere else in
    well-formed XML), so two elements of one name on a line each get their
    own column. Linear in the document, once.
    """

    def __init__(self, text: str, root: etree._Element):
        self.starts = line_starts(text)
        self.offsets: dict[etree._Element, int] = {}
        tags = (match for match in _MARKUP.finditer(text) if match.group(1))
        for element, tag in zip(root.iter(etree.Element), tags):
            if tag.group(1).rpartition(":")[2] != etree.QName(element).localname:
                break  # out of step (cannot happen for a document libxml2 parsed): stop, fall back to lines
            self.offsets[element] = tag.start()

    def position(self, element: etree._Element) -> tuple[int, int] | None:
        offset = self.offsets.get(element)
        return None if offset is None else offset_position(self.starts, offset)


def libxml2_offset(text: str, line: int, column: int) -> int:
    """The offset in ``text`` of a position libxml2 reports: lines counted at LF only, columns in characters."""
    start = 0
    for _ in range(line - 1):
        found = text.find("\n", start)
        if found < 0:
            break
        start = found + 1
    return min(start + max(column, 1) - 1, len(text))


def start_tag_column(lines: list[str], line: int, local: str) -> int:
    """The column of the first start tag of an element named ``local`` on ``line`` (1 when not found)."""
    if 0 < line <= len(lines):
        match = _start_tag(local).search(lines[line - 1])
        if match:
            return match.start() + 1
    return 1


def source_lines(path: Path) -> list[str]:
    """The lines of a document's text as :attr:`Document.lines` has them (empty when unreadable)."""
    try:
        return xml_lines(read_bytes(path).decode("utf-8-sig"))
    except (ToolkitError, UnicodeDecodeError):
        return []


@functools.lru_cache(maxsize=512)
def _start_tag(local: str) -> re.Pattern[str]:
    """The start tag of an element with this local name, any prefix."""
    return re.compile(rf"<(?:[\w.-]+:)?{re.escape(local)}(?=[\s/>])")


#: How deep elements may nest (libxml2's own limit without its "huge" option).
MAX_DEPTH = 256


def _parser(huge: bool = False) -> etree.XMLParser:
    # One parser per call keeps worker processes and threads independent; the
    # settings are what makes parsing safe, so they live in one place.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        collect_ids=False,
    )


def _beyond_default_limits(exc: etree.XMLSyntaxError) -> bool:
    """libxml2 stopped at one of its default size limits (a text node, name or attribute value of
    10,000,000 characters; not the nesting depth, which stays a limit)."""
    message = exc.msg or ""
    return "XML_PARSE_HUGE" in message and "depth" not in message


def _parse_huge(path: Path, data: bytes, text: str, base_url: str) -> etree._Element:
    """Parse again without libxml2's size limits, holding nesting to :data:`MAX_DEPTH` ourselves.

    Those limits (10,000,000 characters in one text node, one attribute value or one name)
    guard memory; here --max-size does (nothing larger is ever read), so a document with a
    text node of 10 MB is read as the XML it is. No DOCTYPE reaches this parser, so there is
    no entity to expand.
    """
    try:
        root = etree.fromstring(data, _parser(huge=True), base_url=base_url)
    except etree.XMLSyntaxError as exc:
        raise _syntax_problem(path, exc, text) from None
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > MAX_DEPTH:
            document = Document(path=path, tree=etree.ElementTree(root), text=text)
            raise DocumentError(document.problem(
                element, f"not well-formed XML: elements nest deeper than {MAX_DEPTH} levels",
                hint=f"elements may nest at most {MAX_DEPTH} levels deep", step="parse"))
    return root


def _offset_position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, lines ending where XML ends them) of byte ``offset``."""
    before = data[:offset].decode("utf-8", "replace")
    return text_position(before, len(before))


def _refuse(path: Path, data: bytes, offset: int, message: str, hint: str) -> DocumentError:
    line, column = _offset_position(data, offset)
    return DocumentError(Problem(display_path(path), line, column, message, hint=hint, step="parse"))


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file, or a usage error naming why it cannot be read (see :func:`confine.read_regular`)."""
    from toolkit.confine import read_regular

    return read_regular(path)


def _check_bytes(path: Path, data: bytes) -> str:
    """Refuse empty, binary, non-UTF-8 and DTD-bearing input; return the text."""
    if not data.strip():
        raise _refuse(path, data, 0, "the file is empty",
                      'a TEI document starts with <TEI xmlns="http://www.tei-c.org/ns/1.0">')
    wide = next((name for mark, name in _WIDE_ENCODINGS if data.startswith(mark)), None)
    if wide:
        raise _refuse(path, b"", 0, f"the file is encoded as {wide}; the edition is UTF-8 only",
                      f"convert it, e.g. iconv -f {wide} -t UTF-8, and declare encoding=\"UTF-8\"")
    if b"\x00" in data:
        raise _refuse(path, data, data.index(b"\x00"), "the file is binary (it contains NUL bytes), not XML",
                      "check that you named the right file")
    declared = _ENCODING_DECL.match(data)
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise _refuse(path, data, declared.start(1),
                      f'the XML declaration says encoding="{declared.group(1).decode()}"; the edition is UTF-8 only',
                      "convert the file to UTF-8 and declare encoding=\"UTF-8\"")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(path, data, exc.start, f"byte 0x{data[exc.start]:02X} is not valid UTF-8",
                      "the edition is UTF-8 only: re-save the file as UTF-8") from None
    # Two plain searches say whether the regular expression needs to run (a third of its cost).
    doctype = (b"<!DOCTYPE" in data or b"<!ENTITY" in data) and next(
        (found for found in _DECLARATION_OR_TEXT.finditer(data) if found.group(1)), None)
    if doctype:
        raise _refuse(path, data, doctype.start(),
                      "DOCTYPE and ENTITY declarations are refused: they can read other files, "
                      "reach the network or expand into entity bombs",
                      "delete the DOCTYPE; TEI documents are validated with RELAX NG, not a DTD")
    return text


# Hints for libxml2's commonest well-formedness errors, by a fragment of its message.
_SYNTAX_HINTS = [
    ("Start tag expected", "the file does not start with an XML element: is it an XML document?"),
    ("tag mismatch", "every start tag needs a matching end tag, properly nested"),
    ("Premature end of data", "the file ends too early: close every open element"),
    ("AttValue", "attribute values need matching quotes"),
    ("EntityRef", 'write a literal "&" as &amp;'),
    ("Extra content at the end", "a document has exactly one root element"),
    ("nest deeper than", "elements may nest at most 256 levels deep"),
    ("not finished", "close the CDATA section with ]]>"),
    ("Comment not terminated", "close the comment with -->"),
    ("redefined", "an element has each attribute once"),
    ("is not defined", "declare the prefix with xmlns:prefix=\"...\" or drop it"),
]
_MISMATCH_LINE = re.compile(r"(mismatch: \S+) line \d+ ")
_LONE_CR = re.compile(r"\r(?!\n)")
# libxml2's words for people: its internal names and options mean nothing to an editor.
_SYNTAX_WORDS = [
    (re.compile(r"Excessive depth in document: (\d+), use XML_PARSE_HUGE option"),
     r"elements nest deeper than \1 levels"),
    (re.compile(r"xmlParseCharRef: invalid xmlChar value (\d+)"), r"character reference &#\1; is not an XML character"),
    (re.compile(r"^xml\w+: "), ""),
]


def _syntax_problem(path: Path, exc: etree.XMLSyntaxError, text: str) -> DocumentError:
    line, column = exc.position if exc.position else (exc.lineno or 1, 1)
    # libxml2 counts lines at LF only: where XML ends lines (CR alone too), the line and column differ.
    line, column = text_position(text, libxml2_offset(text, line or 1, column))
    # libxml2 may add the source text around the error on further lines: one line only.
    message = _LIBXML_POSITION.sub("", (exc.msg or "").strip().split("\n")[0]).strip() or "not well-formed"
    for pattern, words in _SYNTAX_WORDS:
        message = pattern.sub(words, message)
    if _LONE_CR.search(text):  # "mismatch: div line 1 and dvi": libxml2's line, counted at LF only, is wrong
        message = _MISMATCH_LINE.sub(r"\1 ", message)
    hint = next((hint for fragment, hint in _SYNTAX_HINTS if fragment in message), "fix the markup at this place")
    return DocumentError(Problem(display_path(path), line or 1, max(column, 1), f"not well-formed XML: {message}",
                                 hint=hint, step="parse"))


def parse_bytes(path: Path, data: bytes, *, require_tei: bool = True) -> Document:
    """Parse ``data`` (the content of ``path``) safely; see the module docstring."""
    text = _check_bytes(path, data)
    resolved = resolved_path(path)
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser(), base_url=resolved.as_uri()))
    except etree.XMLSyntaxError as exc:
        if not _beyond_default_limits(exc):
            raise _syntax_problem(path, exc, text) from None
        tree = etree.ElementTree(_parse_huge(path, data, text, resolved.as_uri()))
    document = Document(path=path, tree=tree, text=text, resolved=resolved)
    if b"XInclude" in data or b"&#" in data:
        # Without that name (spelt out, or with character references) no
        # element can be in the XInclude namespace: no need to look.
        _refuse_xinclude(document)
    if require_tei:
        _require_tei_root(document)
    return document


def parse_document(path: Path, *, require_tei: bool = True) -> Document:
    """Read and parse one file; raises :class:`DocumentError` or :class:`UsageError`."""
    return parse_bytes(path, read_bytes(path), require_tei=require_tei)


def _refuse_xinclude(document: Document) -> None:
    for node in document.root.iter(f"{{{XINCLUDE_NS}}}*"):
        raise DocumentError(document.problem(
            node, "XInclude is refused: a document must not pull in other files",
            hint="paste the included content into the document itself", step="parse"))


def _require_tei_root(document: Document) -> None:
    root = document.root
    qname = etree.QName(root)
    if qname.namespace == TEI_NS and qname.localname in ("TEI", "teiCorpus"):
        if root.find(f"{{{TEI_NS}}}teiHeader") is None:
            raise DocumentError(document.problem(
                root, f"<{qname.localname}> has no <teiHeader>", step="parse",
                hint="every TEI document starts with a teiHeader holding fileDesc "
                     "(titleStmt, publicationStmt, sourceDesc)"))
        return
    if qname.localname == "TEI" and not qname.namespace:
        message = "the root element <TEI> is in no namespace"
        hint = f'write <TEI xmlns="{TEI_NS}">'
    elif qname.localname == "TEI":
        message = f'the root element <TEI> is in namespace "{qname.namespace}", not the TEI namespace'
        hint = f'write <TEI xmlns="{TEI_NS}">'
    else:
        where = f' in namespace "{qname.namespace}"' if qname.namespace else ""
        message = f"the root element is <{qname.localname}>{where}; a TEI document's root is <TEI> (or <teiCorpus>)"
        hint = f'wrap the document in <TEI xmlns="{TEI_NS}"> with a <teiHeader>'
    raise DocumentError(document.problem(root, message, hint=hint, step="parse"))


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the whole new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
