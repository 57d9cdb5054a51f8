"""Run the edition's XSLT 3.0 stylesheets with Saxon (saxonche).

Python only drives the transforms; every rule about what TEI means and how an
output looks lives in ``xslt/``. The protocol between the two is small:

* the build runs one stylesheet once per document, composed by
  :func:`entry_stylesheet` from ``xslt/edition.xsl`` (the shared modules and
  the dispatch), the modules of every output format (:mod:`toolkit.formats`)
  and of every kind of document: it takes the TEI document and returns one
  *envelope* with the files of every output asked for (stylesheet parameter
  ``t:formats``). The output modules make each file as an element::

      <t:file format="cite" name="frus1961-63v11-d256.bib">...finished text...</t:file>

  holding the finished, serialised text of one output file (HTML is
  serialised inside the stylesheet with ``serialize()``; bytes as base64,
  ``encoding="base64"``) and naming the output (the folder) it belongs to;
  with the HTML come the page's ``<t:card>``, what the index page shows of
  it, and its library records (:class:`Envelope`). The envelope is those
  elements flattened into strings (``t:envelope`` in ``xslt/edition.xsl``:
  for a file, ``file``, its format, encoding and name joined by tabs, then its
  text; for a card or record, its name, then its XML), which Python takes as
  Saxon's raw result (``transform_to_value``): no XML wrapper to escape the
  pages into and parse again (:func:`split_envelope`). One transformation for all outputs means
  one parse, one read of the authority file and one header map per document.
  The entry is composed at run time, not kept as a file, so that the modules
  are found wherever the toolkit is installed (each is included by its
  absolute URI) and a format or kind added outside the repository is built
  like the toolkit's own;
* a file of many publications whose kind transforms it in parts
  (:attr:`toolkit.kinds.Kind.parts`: a FRUS volume) is parsed into Saxon
  once and transformed once for its own pages (``t:part`` 0: contents page,
  card) and once per part (``t:part`` (first, last): those documents' files),
  each returning its own envelope (:func:`transform_in_parts`); the build
  writes each part's files before the next part is made, so that Saxon's
  working memory and the envelope follow a part, not the volume;
* a single document of :data:`FORMAT_BY_FORMAT` characters or more is parsed
  into Saxon once and transformed once per output format, each returning its
  own envelope (:func:`transform_in_parts`), so that Saxon holds one format's
  files at a time, not every format's (bench/README.md, "Large documents");
  a document of :data:`SPOOL_PAGE` characters or more published as one page,
  given a folder to spool to (:func:`transform_parted`'s ``spool``), has its HTML
  page written by Saxon straight into a file there (stylesheet parameter
  ``t:spool``, mode ``t:spool`` in ``xslt/html-page.xsl``) and the envelope
  names it with the encoding ``spooled``: the page is never held whole as a
  result tree, a string, the envelope's text and a Python str, which made the
  transformation's heap, and its collector's work per MB, grow with the
  document (bench/README.md, "Large documents, round four");
* Python checks the envelope's files and writes each one atomically
  (:func:`toolkit.xmlio.write_atomic`), so a failed transform never leaves a
  half-written output behind;
* ``edition.xsl`` also accepts an edition manifest (``<t:edition>``, see
  :func:`edition_manifest`) and returns the index page for it, made from the
  cards of the documents just built (others are read again for theirs).

Each stylesheet is compiled once per process (:func:`executable` keeps the
compiled form in a module-level cache). Documents reach Saxon only after
:func:`toolkit.xmlio.parse_document` has refused DTDs, entities and XInclude,
as text with their base URI set. Their pointers are resolved here, by
:func:`toolkit.pointers.for_stylesheets`, as validation resolves them: the
files they may open (the authority file) reach the stylesheets the same way,
parsed, as the parameter ``t:documents`` (only those the confinement rule
allows, so the stylesheets never open a file the validator refused), and
where each pointer leads as the parameter ``t:pointers``: the stylesheets
never parse or resolve a pointer themselves. Saxon's own parser (``doc()`` of
the index page's documents) is told to refuse DOCTYPEs too.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as _dt
import functools
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from toolkit import formats as output_formats
from toolkit import kinds, pointers, project
from toolkit.errors import ToolkitError, TransformError
from toolkit.formats import OutputFile
from toolkit.paths import XSLT_DIR, display_path
from toolkit.xmlio import Document

#: The namespace of every function, mode, parameter and envelope element of ours.
T_NS = "urn:telegram2477:xslt"
#: The module every build includes: the shared modules, and the dispatch from a document to its files.
EDITION_STYLESHEET = XSLT_DIR / "edition.xsl"
#: Where the edition will be published; the HTML pages and citations point here.
DEFAULT_EDITION_URL = "https://telegram2477.github.io/edition/"

#: How deep libxml2 lets elements nest without its "huge" option (toolkit/xmlio.py parses that way).
MAX_DEPTH = 256

# Saxon parses the files that stylesheets open with doc(): no DOCTYPE there either.
_SAXON_SETTINGS = {
    "http://saxon.sf.net/feature/parserFeature?uri=http://apache.org/xml/features/disallow-doctype-decl": "true",
    "http://saxon.sf.net/feature/parserFeature?uri=http://xml.org/sax/features/external-general-entities": "false",
    "http://saxon.sf.net/feature/parserFeature?uri=http://xml.org/sax/features/external-parameter-entities": "false",
    # The JDK parser stops at 100 levels of elements; libxml2 (the validator's parser)
    # at 256. What validates must build: Saxon's limit is above libxml2's.
    "http://saxon.sf.net/feature/parserProperty?uri=http://www.oracle.com/xml/jaxp/properties/maxElementDepth":
        str(MAX_DEPTH * 4),
}


@dataclass(frozen=True)
class Parameters:
    """The stylesheet parameters a build can set (see each stylesheet's comments)."""

    edition_url: str = DEFAULT_EDITION_URL
    #: The date citations give as "accessed"; None means today.
    access_date: _dt.date | None = None
    #: What the inputs built together know of each other (JSON, :class:`toolkit.site.Site`).
    site: str = ""
    #: The site's name (the project file's title); None: each document's publisher.
    site_title: str | None = None
    #: The profile every document is held to (``--profile``); None: the project's, else its content's.
    profile: str | None = None

    def __post_init__(self) -> None:
        if not self.edition_url.endswith("/"):
            object.__setattr__(self, "edition_url", self.edition_url + "/")


@dataclass(frozen=True)
class Envelope:
    """What one transformation returned: the output files, and the page's index card (XML) if HTML was made."""

    files: list[OutputFile]
    card: str | None = None
    #: The library records of its pages (``<t:records>`` of ``<t:record>``, xslt/library.xsl), if HTML was made.
    records: str | None = None
    #: Of a collection's units (a FRUS volume's documents), what each made: unit id -> its files
    #: ("format/name") and its library records (each a ``<t:record>`` serialised). The stylesheet puts a
    #: ``<t:unit id="..."/>`` before each unit's files (xslt/collection.xsl).
    units: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


@dataclass
class _Saxon:
    processor: object
    compiler: object
    builder: object
    executables: dict[str, object] = field(default_factory=dict)


_lock = threading.Lock()


@functools.cache
def _saxon() -> _Saxon:
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    for name, value in _SAXON_SETTINGS.items():
        processor.set_configuration_property(name, value)
    return _Saxon(processor, processor.new_xslt30_processor(), processor.new_document_builder())


def _message(exc: BaseException, detail: str = "") -> str:
    """Saxon's error text on one line, with where in which stylesheet it happened."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    where = _WHERE.search(detail)
    if where and where.group(0) not in message:
        message += f" ({where.group(0)})"
    return message


_WHERE = re.compile(r"on line \d+ column \d+ of [\w.-]+\.xsl")


# The file Saxon's stderr goes to while it runs: one per process, emptied after each use (a new temporary
# file per call cost 0.5 ms of a generated document's 50 in the worker, four calls a document).
_sink: tuple[int, object] | None = None


def _stderr_sink():
    """This process's sink (a process forked from one that had it makes its own: they would share the offset)."""
    global _sink
    if _sink is None or _sink[0] != os.getpid():
        _sink = (os.getpid(), tempfile.TemporaryFile())
    return _sink[1]


@contextlib.contextmanager
def _stderr_captured():
    """Saxon prints its diagnostics to the process's stderr (fd 2): keep them
    out of the user's terminal and hand them to the caller instead. Callers
    hold ``_lock`` (one sink a process)."""
    captured = {"text": ""}
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2: let Saxon print
        yield captured
        return
    sink = _stderr_sink().fileno()
    os.dup2(sink, 2)
    try:
        yield captured
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        size = os.lseek(sink, 0, os.SEEK_CUR)
        if size:
            captured["text"] = os.pread(sink, size, 0).decode("utf-8", "replace")
            os.ftruncate(sink, 0)
            os.lseek(sink, 0, os.SEEK_SET)


def _modules() -> list[Path]:
    """The modules the entry includes: the shared one, then each format's and each kind's, each once."""
    modules = [EDITION_STYLESHEET]
    for output in output_formats.all_formats():
        modules += [module for module in output.modules if module not in modules]
    return modules + [module for module in kinds.stylesheets() if module not in modules]


def entry_stylesheet() -> str:
    """The text of the build's entry stylesheet: it includes ``xslt/edition.xsl`` and the modules of
    every registered format and kind (:mod:`toolkit.kinds`), each by its absolute URI, and maps each
    format's name to its function (``t:outputs``, which ``t:document-files`` calls)."""
    includes = "".join(f'  <xsl:include href="{_xml_attribute(module.resolve().as_uri())}"/>\n'
                       for module in _modules())
    outputs = ", ".join(f"'{output.name}': t:{output.function}#1" for output in output_formats.all_formats())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- The entry stylesheet of this build, composed by toolkit/transform.py (entry_stylesheet). -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="{T_NS}" exclude-result-prefixes="#all">
{includes}  <xsl:variable name="t:outputs" as="map(xs:string, function(document-node()) as element()*)"
    select="map {{ {outputs} }}"/>
</xsl:stylesheet>
"""


def _xml_attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# The entry's text by the registries' entries: composing it costs ~0.2 ms a document.
_entries: dict[tuple, str] = {}


def executable():
    """The compiled entry stylesheet (compiled on first use, then cached while the registry stays as it is)."""
    saxon = _saxon()
    key = output_formats.all_formats() + kinds.all_kinds()
    text = _entries.get(key)
    if text is None:
        if len(_entries) >= 16:
            _entries.clear()
        text = _entries[key] = entry_stylesheet()
    with _lock:
        if text not in saxon.executables:
            with _stderr_captured() as stderr:
                try:
                    compiled = saxon.compiler.compile_stylesheet(stylesheet_text=text, encoding="UTF-8")
                except Exception as exc:  # PySaxonApiError carries the first static error
                    compiled, error = None, exc
                else:
                    compiled.set_result_as_raw_value(True)  # the envelope's strings, not a document of them
            if compiled is None:
                raise TransformError(f"the stylesheet does not compile: {_message(error, stderr['text'])}",
                                     path=display_path(EDITION_STYLESHEET))
            saxon.executables[text] = compiled
        return saxon.executables[text]


def compile_all() -> None:
    """Compile the build's stylesheet up front (a worker process calls this once)."""
    executable()


def _check_formats(formats: tuple[str, ...]) -> None:
    known = output_formats.names()
    unknown = [output for output in formats if output not in known]
    if unknown or not formats:
        raise TransformError(f'unknown output format "{",".join(unknown)}"', hint=f"choose from {', '.join(known)}")


def _set_parameters(compiled, parameters: Parameters, formats: tuple[str, ...], profile: str | None) -> None:
    saxon = _saxon()
    compiled.clear_parameters()
    compiled.set_parameter(f"{{{T_NS}}}formats", saxon.processor.make_string_value(" ".join(formats)))
    if profile is not None:
        compiled.set_parameter(f"{{{T_NS}}}profile", saxon.processor.make_string_value(profile))
    compiled.set_parameter(f"{{{T_NS}}}edition-url", saxon.processor.make_string_value(parameters.edition_url))
    if parameters.site:
        compiled.set_parameter(f"{{{T_NS}}}site", saxon.processor.make_string_value(parameters.site))
    if parameters.site_title:
        compiled.set_parameter(f"{{{T_NS}}}site-title", saxon.processor.make_string_value(parameters.site_title))
    if parameters.access_date is not None:
        compiled.set_parameter(f"{{{T_NS}}}access-date",
                               saxon.processor.make_atomic_value("date", parameters.access_date.isoformat()))


# Files the stylesheets may read, parsed once per process: (real path, size, mtime) -> node.
_linked_nodes: dict[tuple[Path, int, int], object] = {}


def _linked_node(saxon: _Saxon, path: Path):
    """The Saxon tree of a file pointers open, parsed safely by :func:`toolkit.xmlio.parse_document`."""
    from toolkit.xmlio import parse_document

    info = path.stat()
    key = (path, info.st_size, info.st_mtime_ns)
    if key not in _linked_nodes:
        if len(_linked_nodes) >= 64:
            _linked_nodes.clear()
        document = parse_document(path)
        saxon.builder.set_base_uri(path.as_uri())
        _linked_nodes[key] = saxon.builder.parse_xml(xml_text=etree.tostring(document.tree, encoding="unicode"))
    return _linked_nodes[key]


def _documents_map(saxon: _Saxon, linked: dict[str, Path]):
    from saxonche import create_xdm_dict

    nodes = {}
    for raw, path in linked.items():
        try:
            nodes[raw] = _linked_node(saxon, path)
        except (ToolkitError, OSError):
            continue  # unreadable or not TEI: the names stay plain text, as for a missing file
    return saxon.processor.make_map(create_xdm_dict(saxon.processor, nodes))


def _pointers_map(saxon: _Saxon, resolved: dict[str, tuple[str, str, str]]):
    """``t:pointers``: each pointer attribute's value -> [where, name, id] (:func:`toolkit.pointers.for_stylesheets`)."""
    from saxonche import create_xdm_dict

    string = saxon.processor.make_string_value
    arrays = {value: saxon.processor.make_array([string(part) for part in target]) for value, target in resolved.items()}
    return saxon.processor.make_map(create_xdm_dict(saxon.processor, arrays))


class _Transformation:
    """One source document parsed into Saxon once, with its parameters, ready to be transformed whole or
    part by part (:meth:`run`): a FRUS volume's parts each return their own, small envelope."""

    def __init__(self, xml_text: str, base_uri: str, parameters: Parameters, subject: str,
                 formats: tuple[str, ...] = (), profile: str | None = None,
                 targets: pointers.StylesheetTargets | None = None) -> None:
        self.compiled, self.saxon = executable(), _saxon()
        self.parameters, self.subject, self.profile = parameters, subject, profile
        self.formats = formats or output_formats.names()
        self.stylesheet = display_path(EDITION_STYLESHEET)
        error = None
        with _lock, _stderr_captured() as stderr:
            try:
                targets = targets or pointers.StylesheetTargets()
                self.documents = _documents_map(self.saxon, targets.documents)
                self.pointers = _pointers_map(self.saxon, targets.pointers)
                self.saxon.builder.set_base_uri(base_uri)
                self.node = self.saxon.builder.parse_xml(xml_text=xml_text, encoding="UTF-8")
            except Exception as exc:  # PySaxonApiError: Saxon refused the text
                error = exc
        if error is not None:
            raise TransformError(f"{self.stylesheet} failed: {_message(error, stderr['text'])}", path=subject)

    def run(self, part: tuple[int, ...] = (), formats: tuple[str, ...] = (), spool: Path | None = None) -> Envelope:
        """The envelope of the whole document, or of one part of it (``t:part``, xslt/collection.xsl); of
        ``formats`` (default: those the transformation was made for). ``spool``: a file (absent) the
        document's HTML page is written to by Saxon (``t:spool``); the envelope's page is then that
        :class:`pathlib.Path`, not its text."""
        error = None
        with _lock, _stderr_captured() as stderr:
            try:
                _set_parameters(self.compiled, self.parameters, formats or self.formats, self.profile)
                if spool is not None:
                    self.compiled.set_parameter(f"{{{T_NS}}}spool", self.saxon.processor.make_string_value(
                        spool.resolve().as_uri()))
                self.compiled.set_parameter(f"{{{T_NS}}}documents", self.documents)
                self.compiled.set_parameter(f"{{{T_NS}}}pointers", self.pointers)
                part_value = _integers(self.saxon, part) if part else None
                if part_value is not None:
                    self.compiled.set_parameter(f"{{{T_NS}}}part", part_value[0])
                try:
                    value = self.compiled.transform_to_value(xdm_node=self.node)
                    result = [item.string_value for item in value] if value is not None else []
                finally:
                    if part_value is not None:  # unset before its values are freed
                        self.compiled.remove_parameter(f"{{{T_NS}}}part")
            except Exception as exc:  # PySaxonApiError: a dynamic error in the stylesheet
                error = exc
        try:
            if error is not None:
                raise TransformError(f"{self.stylesheet} failed: {_message(error, stderr['text'])}",
                                     path=self.subject)
            envelope = split_envelope(result, stylesheet=self.stylesheet, subject=self.subject, spool=spool)
        except TransformError:
            if spool is not None:
                spool.unlink(missing_ok=True)
            raise
        if spool is not None and not any(item.content is spool for item in envelope.files):
            spool.unlink(missing_ok=True)  # written, but the envelope made the page otherwise: not an output
        return envelope


def _integers(saxon: _Saxon, numbers: tuple[int, ...]) -> tuple[object, list]:
    """A sequence of xs:integer for a stylesheet parameter, and its items: the caller keeps both alive
    while Saxon uses the sequence (a sequence holds its items' native values, which are freed with
    their Python objects)."""
    from saxonche import PyXdmValue

    sequence, items = PyXdmValue(saxon.processor), [saxon.processor.make_integer_value(number) for number in numbers]
    for item in items:
        sequence.add_xdm_item(item)
    return sequence, items


def _run(xml_text: str, base_uri: str, parameters: Parameters, subject: str,
         formats: tuple[str, ...] = (), profile: str | None = None,
         targets: pointers.StylesheetTargets | None = None) -> Envelope:
    return _Transformation(xml_text, base_uri, parameters, subject, formats, profile, targets).run()


def split_envelope(result: list[str], *, stylesheet: str = "stylesheet", subject: str | None = None,
                   spool: Path | None = None) -> Envelope:
    """The files, card and records of an envelope (``t:envelope``, xslt/edition.xsl: a head and a text per
    element), checked: known formats; names plain, relative and unique; a file in base64 as its bytes; the
    one file ``spooled`` (``spool`` was given and Saxon wrote it) as that file's path."""
    if len(result) % 2:
        raise TransformError(f"{stylesheet} returned no envelope: {len(result)} strings, not a head and a text each",
                             path=subject)
    files: list[OutputFile] = []
    seen: set[tuple[str, str]] = set()
    card, records = None, []
    units: dict[str, tuple[list[str], list[str]]] = {}
    unit: tuple[list[str], list[str]] | None = None
    for head, text in zip(result[::2], result[1::2]):
        kind, _, rest = head.partition("\t")
        if kind == "unit":
            unit = units.setdefault(_unit_id(text, stylesheet, subject), ([], []))
        elif kind == "file":
            output, encoding, name = (rest.split("\t", 2) + ["", ""])[:3]
            if output_formats.get(output) is None:
                raise TransformError(f'{stylesheet} made a file for the unknown output "{output}"', path=subject)
            if not _plain_name(name) or (output, name) in seen:
                raise TransformError(f'{stylesheet} named an output file "{name}", which is not a plain, new file '
                                     "name", path=subject)
            seen.add((output, name))
            if encoding == "spooled":
                content: str | bytes | Path = _spooled(spool, name, stylesheet, subject)
                spool = None  # one file a spool
            else:
                content = _content(text, encoding, name, stylesheet, subject)
            files.append(OutputFile(output, name, content))
            if unit is not None:
                unit[0].append(f"{output}/{name}")
        elif kind == "card":
            card = card if card is not None else text
        elif kind == "record":
            records.append(text)
            if unit is not None:
                unit[1].append(text)
    return Envelope(files, card, wrap_records(records), units)


def wrap_records(records: list[str]) -> str | None:
    """Serialised ``<t:record>`` elements as one ``<t:records>`` (None for none). Each record is a whole element
    serialised by Saxon: one wrapper around them, not a parse and a copy."""
    return f'<t:records xmlns:t="{T_NS}">{"".join(records)}</t:records>' if records else None


def _unit_id(text: str, stylesheet: str, subject: str | None) -> str:
    """The id of a ``<t:unit id="..."/>`` as Saxon serialised it."""
    try:
        return etree.fromstring(text).get("id", "")
    except etree.XMLSyntaxError:
        raise TransformError(f"{stylesheet} returned a unit marker that is not XML", path=subject) from None


def _spooled(spool: Path | None, name: str, stylesheet: str, subject: str | None) -> Path:
    """The file Saxon wrote for an envelope's ``spooled`` entry (``t:spool``, xslt/edition.xsl)."""
    if spool is None or not spool.is_file():
        raise TransformError(f'{stylesheet} named the file "{name}" written to a spool, but wrote none',
                             path=subject)
    return spool


def _content(text: str, encoding: str, name: str, stylesheet: str, subject: str | None) -> str | bytes:
    if not encoding:
        return text
    if encoding != "base64":
        raise TransformError(f'{stylesheet} made a file in the unknown encoding "{encoding}"', path=subject)
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        raise TransformError(f'{stylesheet} made the file "{name}" in base64 that does not decode',
                             path=subject) from None


def _assembled(files: list[OutputFile]) -> list[OutputFile]:
    """Each format's files as its ``assemble`` step finishes them (most formats have none)."""
    finished: list[OutputFile] = []
    for output in output_formats.all_formats():
        made = [item for item in files if item.format == output.name]
        if made and output.assemble is not None:
            made = list(output.assemble(made))
            if any(item.format != output.name or not _plain_name(item.name) for item in made):
                raise TransformError(f'the format "{output.name}" assembled a file of another format or a bad name')
        finished += made
    return finished


def _plain_name(name: str) -> bool:
    """A file name, or one folder and a file name ("frus1961-63v06/d67.html"): no
    absolute path, no "..", no hidden file, no backslash."""
    parts = name.split("/")
    return 1 <= len(parts) <= 2 and "\\" not in name and all(part and not part.startswith(".") for part in parts)


def transform(document: Document, formats: tuple[str, ...] = (),
              parameters: Parameters = Parameters(), root: Path | None = None,
              profile: str | None = None, targets: pointers.StylesheetTargets | None = None) -> Envelope:
    """Make the ``formats`` outputs (default: every registered one) of a parsed, checked document in one
    transformation; return their files (and the page's index card). ``root`` is the edition's root, the
    folder pointed-to files must lie in (:mod:`toolkit.confine`; default: the document's folder); ``profile``
    the document's profile name and ``targets`` its pointers resolved (:func:`toolkit.pointers.for_stylesheets`),
    when the caller has them already."""
    formats = formats or output_formats.names()
    _check_formats(formats)
    # Saxon cannot take lxml's tree (libxml2's C structures; Saxon builds its own TinyTree): it parses
    # the document's text again, the text lxml parsed and checked (no DTD, no XInclude).
    kind = (kinds.get(profile) if profile else None) or project.kind_for(document.path, document.root,
                                                                         parameters.profile)
    envelope = _run(document.text, (document.resolved or document.path.resolve()).as_uri(), parameters,
                    document.display, formats, kind.name,
                    pointers.for_stylesheets(document, root, kind) if targets is None else targets)
    return Envelope(_assembled(envelope.files), envelope.card, envelope.records)


#: A document of this many characters or more (and no parts of its own) is transformed once per output
#: format, so that Saxon holds one format's files at a time (and the build's worker pool has a point
#: between runs to carry on from, toolkit/pool.py). What it saves, measured on bench/large.py's 50 MB
#: document in three before/after pairs (bench/README.md, "Large documents"): peak memory 3.0-3.3 GB ->
#: 2.8-2.9 GB (70 to 430 MB less); CPU not shown to be lower (-13 %, +8 %, +29 %: the machine's load
#: moved between the two halves of each pair). Below 20 MB it saves nothing, and each extra
#: transformation costs what the formats share (the header, the names: +15 % at 1 MB).
FORMAT_BY_FORMAT = 20_000_000

#: A document published as one page (:func:`_one_page`) of this many characters or more has its HTML page
#: written by Saxon itself into the build's staging folder (``t:spool``, :func:`transform_parted`), in the
#: run that makes its HTML (with the other formats below :data:`FORMAT_BY_FORMAT`): not held whole as a
#: result tree, a string, the envelope's text and a Python str. Measured on bench/large.py's documents, the
#: HTML's transformation in process (bench/README.md, "Large documents, round four"): 4 MB 0.71 -> 0.50 CPU
#: s per MB, 16 MB 0.77 -> 0.58, 50 MB 0.88 -> 0.68; at 1 MB the same CPU within the noise and a quarter
#: less memory (242 -> 178 MB); the telegram alone (36 kB), no difference: left as it was below 1 MB.
SPOOL_PAGE = 1_000_000


def transform_in_parts(document: Document, formats: tuple[str, ...] = (),
                       parameters: Parameters = Parameters(), root: Path | None = None,
                       profile: str | None = None,
                       targets: pointers.StylesheetTargets | None = None,
                       skip: frozenset[int] | set[int] = frozenset()) -> Iterator[Envelope]:
    """What :func:`transform` makes, one envelope at a time: for a kind that transforms its files in parts
    (:attr:`toolkit.kinds.Kind.parts`, a FRUS volume), first the file's own pages and card, then each
    part's files, so that Saxon's memory follows a part and the caller writes each part's files before the
    next is made; for a document of :data:`FORMAT_BY_FORMAT` characters or more, one envelope per output
    format (the HTML's brings the card); for any other document, one envelope (through a :class:`Parted`
    of one run when its page may be spooled: :data:`SPOOL_PAGE`). The file is parsed into
    Saxon once. A file name made twice, in one envelope or two, is an error, as in one envelope.
    ``skip``: positions of a part's candidates (from 1) whose units are not made (an incremental build
    keeps their files: a part is then the runs of its other positions, and a part with none is not
    transformed at all)."""
    found = parted(document, formats, parameters, root, profile, targets, skip)
    if found is None:
        yield transform(document, formats, parameters, root, profile, targets)
        return
    yield from transform_parted(found, parameters)


@dataclass(frozen=True)
class Parted:
    """A document transformed in several runs (a FRUS volume's parts, a large document's formats), as far
    as Saxon needs it: its text, not its lxml tree. Small enough to hand to another worker, which carries
    on from a run (:func:`transform_parted`'s ``start``) when the first one's memory is spent
    (toolkit/pool.py, ``Resume``)."""

    text: str
    base_uri: str
    display: str
    profile: str
    formats: tuple[str, ...]
    #: Each run: ``t:part`` (``(0,)``: the file's own pages and card) and the formats it makes.
    runs: tuple[tuple[tuple[int, ...], tuple[str, ...]], ...]
    targets: pointers.StylesheetTargets
    #: Whether its HTML page may be spooled (:func:`transform_parted`): one TEI document made format by
    #: format, whose one page is its source's (not a volume's or a corpus's pages).
    spooled: bool = False


def parted(document: Document, formats: tuple[str, ...] = (), parameters: Parameters = Parameters(),
           root: Path | None = None, profile: str | None = None, targets: pointers.StylesheetTargets | None = None,
           skip: frozenset[int] | set[int] = frozenset()) -> Parted | None:
    """The document as :class:`Parted` (see :func:`transform_in_parts`), or None when it is made in one run."""
    formats = formats or output_formats.names()
    _check_formats(formats)
    kind = (kinds.get(profile) if profile else None) or project.kind_for(document.path, document.root,
                                                                         parameters.profile)
    parts = kind.parts(document.root) if kind.parts is not None else None
    if parts:
        runs = [((0,), formats), *((part, formats) for part in (_runs(first, last, skip) for first, last in parts) if part)]
    elif len(document.text) >= FORMAT_BY_FORMAT and (len(formats) > 1 or _one_page(document, kind)):
        runs = [((), (output,)) for output in formats]
    elif len(document.text) >= SPOOL_PAGE and "html" in formats and _one_page(document, kind):
        runs = [((), formats)]  # one run, its page spooled
    else:
        return None
    return Parted(document.text, (document.resolved or document.path.resolve()).as_uri(), document.display,
                  kind.name, formats, tuple(runs),
                  pointers.for_stylesheets(document, root, kind) if targets is None else targets,
                  spooled=len(document.text) >= SPOOL_PAGE and _one_page(document, kind))


def _one_page(document: Document, kind: kinds.Kind) -> bool:
    """Whether the document is published as one HTML page made from it (a TEI document of a kind
    without parts), the page ``t:spool`` may write."""
    return kind.parts is None and etree.QName(document.root).localname == "TEI"


def transform_parted(document: Parted, parameters: Parameters = Parameters(), start: int = 0,
                     made: set[tuple[str, str]] | None = None, spool: Path | None = None) -> Iterator[Envelope]:
    """The envelopes of ``document.runs[start:]``, one a run (the file parsed into Saxon once). ``made``:
    the (format, name) of the files of the runs before ``start``, so that a name made twice is found
    across workers too. ``spool``: a folder (on the file system of the caller's outputs) where Saxon writes
    the HTML page of a :attr:`Parted.spooled` document itself; that envelope's page is then the file's
    :class:`pathlib.Path` (hidden, in ``spool``), which the caller moves into place
    (:func:`toolkit.output.write_file`)."""
    transformation = _Transformation(document.text, document.base_uri, parameters, document.display,
                                     document.formats, document.profile, document.targets)
    made = set(made or ())
    for number, (part, asked) in enumerate(document.runs[start:], start):
        page = None
        if spool is not None and document.spooled and not part and "html" in asked:
            spool.mkdir(parents=True, exist_ok=True)
            page = spool / f".spool-{os.getpid()}-{number}.html"
            page.unlink(missing_ok=True)
        envelope = transformation.run(part, asked, spool=page)
        for item in envelope.files:
            if (item.format, item.name) in made:
                raise TransformError(f'{transformation.stylesheet} named an output file "{item.name}", which is not '
                                     "a plain, new file name", path=document.display)
            made.add((item.format, item.name))
        yield Envelope(_assembled(envelope.files), envelope.card, envelope.records, envelope.units)


def _runs(first: int, last: int, skip: frozenset[int] | set[int]) -> tuple[int, ...]:
    """``t:part`` for the positions ``first`` to ``last`` less ``skip``: (F1, L1, F2, L2, ...), each run
    of consecutive positions as its first and last; () when every position is skipped."""
    runs: list[int] = []
    for position in range(first, last + 1):
        if position in skip:
            continue
        if runs and runs[-1] == position - 1:
            runs[-1] = position
        else:
            runs += [position, position]
    return tuple(runs)


def merge_records(texts: list[str]) -> str | None:
    """The library records of several envelopes (``<t:records>`` each, in order) as one ``<t:records>``."""
    if len(texts) == 1:  # one envelope's, as it is: parsing and writing it again cost 0.45 ms a document
        return texts[0]
    wrapper = None
    for text in texts:
        records = etree.fromstring(text)
        if wrapper is None:
            wrapper = records
        else:
            wrapper.extend(list(records))
    return etree.tostring(wrapper, encoding="unicode") if wrapper is not None else None


#: One document of the index page: its path, its page's file name, and its card if it was just built.
IndexEntry = tuple[Path, str, "str | None"]


def edition_manifest(entries: list[IndexEntry]) -> str:
    """The XML that asks ``edition.xsl`` for the index page: one ``t:document`` per entry, with its card if known."""
    manifest = etree.Element(f"{{{T_NS}}}edition", nsmap={"t": T_NS})
    for path, page, card in entries:
        document = etree.SubElement(manifest, f"{{{T_NS}}}document", href=path.resolve().as_uri(), page=page)
        if card is not None:
            document.append(etree.fromstring(card))
    return etree.tostring(manifest, encoding="unicode", pretty_print=True)


def library_pages(manifest: str, out_dir: Path, parameters: Parameters = Parameters()) -> list[OutputFile]:
    """The registers' and the chronology's pages for a ``<t:library>`` manifest (toolkit/library.py)."""
    base = (out_dir.resolve() / "library.xml").as_uri()
    return _run(manifest, base, parameters, "registers and chronology").files


def index_page(entries: list[IndexEntry], out_dir: Path, parameters: Parameters = Parameters()) -> list[OutputFile]:
    """The index page for the built documents, from ``edition.xsl`` applied to the manifest."""
    base = (out_dir.resolve() / "index.xml").as_uri()
    return _run(edition_manifest(entries), base, parameters, "edition index").files
