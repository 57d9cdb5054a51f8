"""The frus kind: a volume of *Foreign Relations of the United States*, and its conventions, in one place.

The Office of the Historian encodes one volume per TEI file (see
tests/fixtures/frus/README.md for what such a file holds). What the toolkit
knows of that encoding lives in this folder, and :data:`KIND` is made of it:

* how a volume is recognised (:func:`recognise`: ``idno type="frus"`` or
  :data:`FRUS_TITLE_TYPES`);
* the FRUS namespace, in its 2015 and today's spelling, whose elements
  (``frus:file``, ``frus:pdf``, ``frus:attachment``) and attributes
  (``frus:doc-dateTime-min``) the grammar, TEI's ``tei_all``, accepts
  (:func:`extend_grammar`);
* the rules a grammar cannot state, in ``frus.sch`` (dates, source notes),
  and the checks XPath 1.0 cannot do in linear time (:func:`check_volume`):
  ``xml:id`` unique within the volume, documents numbered in sequence, and
  the FRUS reference model: every pointer attribute names an element of the
  volume (``#d67``; a person's name its entry in the list of names, an
  abbreviation its term), another volume (``frus1961-63v05``,
  ``frus1961-63v05#d183``) or a web address. Pointers are never read as file
  names: a volume has no neighbouring files;
* how a volume is published, ``frus.xsl``: one page per document, in a
  folder named by the volume's id.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from lxml import etree

from toolkit import pointers
from toolkit.errors import Problem
from toolkit.kinds import Kind
from toolkit.paths import TEI_ALL
from toolkit.vocabulary import POINTER_ATTRIBUTES
from toolkit.xmlio import TEI_NS, XML_NS, Document, xml_tokens

#: The FRUS namespace: the 2015 files' spelling and today's.
FRUS_NAMESPACES = ("http://history.state.gov/ns/1.0", "http://history.state.gov/frus/ns/1.0")
#: Title types by which a volume's header describes the printed volume (2015 spelling and today's).
FRUS_TITLE_TYPES = frozenset({"volumenumber", "volume-number", "subseries", "sub-series"})
#: A FRUS volume id, as in ``idno type="frus"`` and in links between volumes:
#: frus1961-63v06, frus1961-63v10-12mSupp, frus1952-54v02p1, frus1945Berlinv01, frus1861.
VOLUME_ID = re.compile(r"frus[0-9]{4}[A-Za-z0-9-]*")
#: Where the Office of the Historian publishes volumes and documents: SITE + "frus1961-63v06/d66".
#: Any document may name a FRUS document by this address (the telegram names the letters it
#: discusses so); the build links it to the local page when the volume is built too.
SITE = "https://history.state.gov/historicaldocuments/"

#: What a pointer of a FRUS volume must name, by (element, attribute): a person's name points
#: to the entry of the list of names (a persName with the xml:id), an abbreviation to the
#: term in the list of abbreviations. Other pointers may name any element.
EXPECTED_TARGETS = {("persName", "corresp"): ("persName", "the list of names"),
                    ("gloss", "target"): ("term", "the list of abbreviations")}

_XML_ID = f"{{{XML_NS}}}id"
_DOCUMENT = f"{{{TEI_NS}}}div"
# ASCII digits only: Python's \d (and int()) also take "٥" (Arabic-Indic five), making n="5٥" document 55.
_DOCUMENT_NUMBER = re.compile(r"(?P<number>[1-9][0-9]*)(?P<suffix>[A-Z]?)")
_URL_SCHEMES = ("http", "https", "mailto", "ftp")
_RNG = "http://relaxng.org/ns/structure/1.0"


def recognise(root: etree._Element) -> bool:
    """Whether a parsed document is a FRUS volume: a ``TEI`` whose header has ``idno type="frus"`` or FRUS
    title types."""
    return root.tag == f"{{{TEI_NS}}}TEI" and is_volume(root)


def is_volume(root: etree._Element) -> bool:
    """Whether a parsed TEI document is a FRUS volume: ``idno type="frus"`` or FRUS title types."""
    header = root.find(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}fileDesc")
    if header is None:
        return False
    if any(idno.get("type") == "frus" for idno in header.iterfind(f"{{{TEI_NS}}}publicationStmt/{{{TEI_NS}}}idno")):
        return True
    return any(title.get("type") in FRUS_TITLE_TYPES for title in header.iterfind(f"{{{TEI_NS}}}titleStmt/{{{TEI_NS}}}title"))


def is_volume_id(name: str) -> bool:
    """Whether a pointer's file part is a FRUS volume id (``frus1961-63v05``): another volume, never a file."""
    return VOLUME_ID.fullmatch(name) is not None


def document_address(url: str) -> tuple[str, str] | None:
    """The volume and document a history.state.gov address names ("…/frus1961-63v06/d66" ->
    ("frus1961-63v06", "d66"); a volume's own address gives ""), or None for any other address."""
    if not url.startswith(SITE):
        return None
    volume, _, document = url[len(SITE):].partition("/")
    if VOLUME_ID.fullmatch(volume) and (not document or pointers.ID.fullmatch(document)):
        return volume, document
    return None


def address_problem(url: str) -> tuple[str, str] | None:
    """What is wrong with an address under history.state.gov's FRUS documents (message, hint), if anything."""
    if not url.startswith(SITE) or document_address(url) is not None:
        return None
    return (f"is no address of a FRUS volume or document: {SITE}VOLUME or {SITE}VOLUME/ID expected",
            f"write e.g. {SITE}frus1961-63v06/d66 (the volume's id, then the document's xml:id)")


def extend_grammar(grammar: etree._Element) -> None:
    """Add the FRUS namespace to TEI's grammar (in place): what makes tei_all the FRUS grammar.

    Elements of the FRUS namespace may stand wherever TEI allows its
    ``model.global`` elements (milestones, notes: between paragraphs, in a
    division after its head), with attributes of no namespace and content of
    text, FRUS elements and TEI's ``model.common`` and ``model.global``
    (paragraphs, lists, notes …); attributes of the FRUS namespace may stand
    on any TEI element (``att.global``).
    """
    def pattern(tag: str, parent: etree._Element | None = None, **attributes: str) -> etree._Element:
        if parent is None:
            return etree.Element(f"{{{_RNG}}}{tag}", **attributes)
        return etree.SubElement(parent, f"{{{_RNG}}}{tag}", **attributes)

    def frus_names(parent: etree._Element) -> None:
        names = pattern("choice", parent)
        for namespace in FRUS_NAMESPACES:
            pattern("nsName", names, ns=namespace)

    element = pattern("define", name="frus.element")
    frus_element = pattern("element", element)
    frus_names(frus_element)
    attributes = pattern("zeroOrMore", frus_element)
    pattern("nsName", pattern("attribute", attributes), ns="")
    content = pattern("choice", pattern("zeroOrMore", frus_element))
    pattern("text", content)
    for name in ("frus.element", "model.common", "model.global"):
        pattern("ref", content, name=name)

    anywhere = pattern("define", name="model.global", combine="choice")
    pattern("ref", anywhere, name="frus.element")
    on_any_element = pattern("define", name="att.global.attributes", combine="interleave")
    frus_names(pattern("attribute", pattern("zeroOrMore", on_any_element)))
    grammar.extend([element, anywhere, on_any_element])


def check_volume(document: Document) -> list[Problem]:
    """The volume-wide checks: ids unique, documents in sequence, every pointer resolves. One pass each."""
    ids = _unique_ids(document)
    return ids.problems + _numbering(document) + _pointers(document, ids.elements)


class _Ids:
    def __init__(self) -> None:
        self.elements: dict[str, etree._Element] = {}
        self.problems: list[Problem] = []


def _unique_ids(document: Document) -> _Ids:
    found = _Ids()
    for element in document.root.iter(etree.Element):
        identifier = element.get(_XML_ID)
        if identifier is None:
            continue
        first = found.elements.setdefault(identifier, element)
        if first is not element:
            line, column = document.position(first)
            found.problems.append(document.problem(
                element, f'xml:id "{identifier}" is already used at line {line}, column {column}',
                hint="xml:ids must be unique within the volume: choose another id",
                rule="frus-id-unique", step="references"))
    return found


def _numbering(document: Document) -> list[Problem]:
    """Documents are numbered 1, 2, 3 … in the order they stand; 273A, 273B may follow 273.

    A number repeated or going backwards is an error. A gap is a warning: a
    volume should have none, but an excerpt (or a document withdrawn in
    review) leaves one, and the documents themselves are sound.
    """
    problems = []
    previous: tuple[int, str, str] | None = None
    for division in document.root.iter(_DOCUMENT):
        if division.get("type") != "document":
            continue
        value = division.get("n")
        match = _DOCUMENT_NUMBER.fullmatch(value or "")
        if match is None:
            problems.append(document.problem(
                division, f'document number n="{value or ""}" is not a number like 67 or 273A',
                hint='number each div type="document" in @n: 1, 2, 3 …', rule="frus-document-number",
                step="references"))
            continue
        current = (int(match["number"]), match["suffix"], value)
        if previous is not None:
            problem = _sequence_problem(document, division, previous, current)
            if problem:
                problems.append(problem)
        previous = current
    return problems


def _sequence_problem(document: Document, division: etree._Element, previous: tuple[int, str, str],
                      current: tuple[int, str, str]) -> Problem | None:
    (last, last_suffix, last_value), (number, suffix, value) = previous, current
    follows = (number == last + 1 and not suffix) or (
        number == last and suffix and (ord(suffix) == ord(last_suffix) + 1 if last_suffix else suffix == "A"))
    if follows:
        return None
    if (number, suffix) <= (last, last_suffix):
        return document.problem(
            division, f'document {value} follows document {last_value}: numbers must increase',
            hint="renumber the documents in the order they stand", rule="frus-document-sequence",
            step="references")
    if number == last + 2 and not suffix:
        missing = f"document {last + 1} is missing"
    elif number > last + 2 and not suffix:
        missing = f"documents {last + 1}–{number - 1} are missing"
    else:
        missing = "the documents between them are missing"
    return document.problem(
        division, f"document {value} follows document {last_value}: {missing}",
        severity="warning", hint="number the documents without gaps, or check that none was left out",
        rule="frus-document-sequence", step="references")


def _pointers(document: Document, ids: dict[str, etree._Element]) -> list[Problem]:
    problems = []
    for element in document.root.iter(etree.Element):
        for attribute in POINTER_ATTRIBUTES:
            value = element.get(attribute)
            if value is None:
                continue
            local = etree.QName(element).localname
            for token in xml_tokens(value):
                message = _pointer_problem(token, ids)
                rule = "frus-ref"
                if message is None:
                    message, rule = _kind_problem(local, attribute, token, ids), "frus-ref-kind"
                if message:
                    text, hint = message
                    problems.append(document.problem(element, f'{local}/@{attribute} "{token}" {text}',
                                                     hint=hint, rule=rule, step="references"))
    return problems


def _kind_problem(local: str, attribute: str, token: str, ids: dict[str, etree._Element]) -> tuple[str, str] | None:
    """A name or abbreviation pointing into the volume, but not to an entry of its list."""
    expected = EXPECTED_TARGETS.get((local, attribute))
    if expected is None or not token.startswith("#"):
        return None
    found = etree.QName(ids[pointers.local_fragment(token)]).localname
    if found == expected[0]:
        return None
    return (f"points to <{found}>, but a <{local}> points to its <{expected[0]}> in {expected[1]}",
            f"point to the entry's xml:id in {expected[1]}")


def _pointer_problem(token: str, ids: dict[str, etree._Element]) -> tuple[str, str] | None:
    """What is wrong with one pointer of a volume (None: it resolves or names another volume)."""
    fragment = pointers.local_fragment(token)
    if fragment is not None:  # "#d67": an element of this volume
        if fragment in ids:
            return None
        return ("names no element of this volume",
                f'add xml:id="{fragment}" to the element meant, or point to an existing id')
    scheme, _, fragment = pointers.split(token)
    volume = token.partition("#")[0]  # as written: what the stylesheets are told names a volume
    if is_volume_id(volume):
        if fragment and not pointers.ID.fullmatch(fragment):
            return (f'names volume {volume}, but "{fragment}" is no id',
                    f"write {volume}#d183 for a document of that volume, or {volume} for the volume")
        return None
    if scheme in _URL_SCHEMES:
        return None
    if token in ids:
        return ("is neither an id of this volume (#d67), another volume (frus1961-63v05#d183) nor a web address",
                f'"{token}" is an id of this volume: write "#{token}"')
    return ("is neither an id of this volume (#d67), another volume (frus1961-63v05#d183) nor a web address",
            "write #ID for this volume or a FRUS volume id such as frus1961-63v05")


# ---------------------------------------------------------------------------
# Publication document by document (docs/validation.md, "What a finding keeps back")
# ---------------------------------------------------------------------------

#: Rules whose errors are reported but keep no document from being published: the page is
#: right without what they ask for. A missing source note is house style (the Office of the
#: Historian's own schema/frus.sch has no such rule); a pointer that leads nowhere, or to the
#: wrong kind of entry, is rendered as plain text (never as a dead link) or as a plain name.
PUBLISHABLE_RULES = frozenset({"frus-source-note", "frus-ref", "frus-ref-kind"})


def volume_id(root: etree._Element) -> str | None:
    """The volume's id, from ``publicationStmt/idno type="frus"`` (None when the header has none)."""
    for idno in root.iterfind(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}fileDesc/{{{TEI_NS}}}publicationStmt/{{{TEI_NS}}}idno"):
        if idno.get("type") == "frus" and (idno.text or "").strip():
            return idno.text.strip()
    return None


def document_ids(root: etree._Element) -> list[str]:
    """The ``xml:id`` of every ``div type="document"`` of the volume's body, in order."""
    body = root.find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}body")
    if body is None:
        return []
    return [division.get(_XML_ID) for division in body.iter(_DOCUMENT)
            if division.get("type") == "document" and division.get(_XML_ID)]


def withhold(root: etree._Element, problems: list[Problem]) -> dict[str, str] | None:
    """Which documents of a volume the errors ``problems`` keep back, each with the reason.

    An error is located by its line: inside a ``div type="document"``, it keeps
    that document back alone; in the ``teiHeader`` (from which every page's
    title and citation are made) or at no line of the file, the whole volume
    (None). An error elsewhere (front matter, back-of-book index: parts that are
    not published as pages) keeps nothing back; it is still reported.
    """
    lines: list[int] = []
    homes: list[str | None] = []
    _containers(root, None, lines, homes)
    withheld: dict[str, str] = {}
    for problem in problems:
        index = bisect.bisect_right(lines, problem.line) - 1
        if index < 0:
            return None
        home = homes[index]
        if home == _HEADER:
            return None
        if home is not None and home not in withheld:
            withheld[home] = f"{problem.message} (line {problem.line}) [{problem.rule}]"
    return withheld


_HEADER = "\0header"


def _containers(element: etree._Element, home: str | None, lines: list[int], homes: list[str | None]) -> None:
    """Each element's line, and the document (or header) it belongs to, in document order."""
    stack = [(element, home)]
    while stack:
        current, home = stack.pop()
        if not isinstance(current.tag, str):
            continue
        if current.tag == _DOCUMENT and current.get("type") == "document" and current.get(_XML_ID):
            home = current.get(_XML_ID)
        elif current.tag == f"{{{TEI_NS}}}teiHeader":
            home = _HEADER
        if current.sourceline is not None:
            lines.append(current.sourceline)
            homes.append(home)
        stack.extend((child, home) for child in reversed(current))


# ---------------------------------------------------------------------------
# Transformation in parts (toolkit/transform.py, transform_in_parts)
# ---------------------------------------------------------------------------

#: About how much one transformation of a volume makes: bytes of output (pages, texts, citations).
#: Saxon's heap grows with what a transformation makes (and what a process has made before), not with
#: the volume; a part is whole documents, at least one.
PART_SIZE = 1_000_000
#: What a document makes, about: bytes of output per byte of its TEI, and bytes whatever its size (the
#: page's frame, its citations, its plain texts). Measured on the three FRUS volumes of bench/README.md
#: (output = 4.2 x TEI + 22 kB a document within 5 %): a volume of many short documents (the
#: microfiche supplement: 746 in 0.7 MB) makes more than its size says.
OUTPUT_PER_BYTE = 4
OUTPUT_PER_DOCUMENT = 22_000


def parts(root: etree._Element) -> list[tuple[int, int]]:
    """The volume's documents in parts that make about :data:`PART_SIZE` bytes of output each, whole
    documents, in order: each part's first and last positions among the documents
    (``text/body//div[@type = 'document']``, nested ones too, in document order: as ``frus.xsl``,
    ``t:frus-documents``, counts them)."""
    body = root.find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}body")
    if body is None:
        return []
    found: list[tuple[int, int]] = []
    first, size, position = 1, 0, 0
    for division in body.iter(_DOCUMENT):
        if division.get("type") != "document":
            continue
        position += 1
        size += OUTPUT_PER_BYTE * len(etree.tostring(division, with_tail=False)) + OUTPUT_PER_DOCUMENT
        if size >= PART_SIZE:
            found.append((first, position))
            first, size = position + 1, 0
    if first <= position:
        found.append((first, position))
    return found


# ---------------------------------------------------------------------------
# What each document's outputs depend on (incremental builds: toolkit/build.py, docs/outputs.md)
# ---------------------------------------------------------------------------

_PB = f"{{{TEI_NS}}}pb"
_HEAD = f"{{{TEI_NS}}}head"
_LIST = f"{{{TEI_NS}}}list"
_ITEM = f"{{{TEI_NS}}}item"


def units(root: etree._Element, site: dict, resolved: dict, name: str) -> list[tuple[str, bytes | None]] | None:
    """For each document of the volume, in ``parts``' order (``t:frus-documents``), its id and everything
    its outputs read of the volume and the site (None for one kept back: it has none), as ``frus.xsl``
    makes a unit (``t:frus-units``, ``t:frus-document``):

    * the volume's header and its root's attributes (title, citation, language: every page);
    * the document's own ``div``, whole (nested documents included), and the page breaks between
      documents that belong to it (``t:frus-leading-pbs``);
    * the previous and next published documents' ids, numbers and heads (the page's links and their titles);
    * every id its attributes name (``t:pointers``' answer for each value and token, and each token as
      an id): the element's name, how many elements carry the id, the document it stands in and whether
      that one is kept back (``t:frus-id-href``), and, for an entry of a list (names, abbreviations), the
      list types and the entry itself (``t:frus-person``, ``t:frus-entry-gloss``);
    * whether each document nested in it is kept back (its link, or plain text);
    * for each other volume or document it names (``["publication", volume, id]``), whether the site
      has that volume and that document's page (``t:volume-link``).

    Anything else of the volume (front and back matter outside the entries named, other documents,
    chapters) only reaches the contents page, which is made again whenever the volume changed. None when
    the documents are not told apart by their ids (one missing or repeated)."""
    body = root.find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}body")
    if body is None:
        return None
    # As the stylesheet knows them: its volume's documents kept back (t:withheld, by t:frus-volume-id) and
    # each volume's documents with a page (t:local-volumes).
    withheld = set((site.get("withheld") or {}).get(volume_id(root) or name) or {})
    pages = {volume: set(documents) for volume, documents in (site.get("volumes") or {}).items()}
    documents = [division for division in body.iter(_DOCUMENT) if division.get("type") == "document"]
    identifiers = [division.get(_XML_ID) or "" for division in documents]
    if not all(identifiers) or len(set(identifiers)) != len(identifiers):
        return None
    order: dict[etree._Element, int] = {}
    first: dict[str, etree._Element] = {}
    carriers: dict[str, int] = {}
    starts: list[int] = []  # document order of every div type="document" of the file, for following::
    starting: list[etree._Element] = []
    for number, element in enumerate(root.iter(etree.Element)):
        order[element] = number
        identifier = element.get(_XML_ID)
        if identifier is not None:
            carriers[identifier] = carriers.get(identifier, 0) + 1
            first.setdefault(identifier, element)
        if element.tag == _DOCUMENT and element.get("type") == "document":
            starts.append(number)
            starting.append(element)

    def enclosing(element: etree._Element) -> etree._Element | None:
        for ancestor in element.iterancestors(_DOCUMENT):
            if ancestor.get("type") == "document":
                return ancestor
        return None

    def following(element: etree._Element) -> etree._Element | None:
        index = bisect.bisect_right(starts, order[element])
        return starting[index] if index < len(starting) else None

    def home(element: etree._Element) -> etree._Element | None:  # t:frus-home
        if element.tag == _DOCUMENT and element.get("type") == "document":
            return element
        inside = enclosing(element)
        if inside is None and element.tag == _PB and any(a.tag == f"{{{TEI_NS}}}body" for a in element.iterancestors()):
            return following(element)
        return inside

    def serialised(element: etree._Element | None) -> bytes:
        return b"-" if element is None else etree.tostring(element, with_tail=False)

    def resolution(identifier: str) -> bytes:
        element = first.get(identifier)
        if element is None:
            return b"none"
        where = home(element)
        where_id = where.get(_XML_ID) or "" if where is not None else ""
        facts = [str(carriers[identifier]), element.tag, where_id, str(where_id in withheld)]
        lists = [ancestor.get("type") or "" for ancestor in element.iterancestors(_LIST)]
        text = b""
        if lists:
            facts += lists
            text = serialised(next(element.iterancestors(_ITEM), element))
        return "\0".join(facts).encode() + b"\0" + text

    leading: dict[str, list[etree._Element]] = {}
    for pb in body.iter(_PB):
        if enclosing(pb) is None:
            after = following(pb)
            leading.setdefault(after.get(_XML_ID) or "" if after is not None else "", []).append(pb)

    def neighbour(division: etree._Element | None) -> bytes:
        if division is None:
            return b"none"
        return "\0".join((division.get(_XML_ID) or "", division.get("n") or "")).encode() + b"\0" + serialised(
            division.find(_HEAD))

    volume = etree.tostring(root.find(f"{{{TEI_NS}}}teiHeader"), with_tail=False) if root.find(
        f"{{{TEI_NS}}}teiHeader") is not None else b"-"
    volume += repr(sorted(root.attrib.items())).encode()
    published = [division for division in documents if division.get(_XML_ID) not in withheld]
    position = {id(division): index for index, division in enumerate(published)}
    found: list[tuple[str, bytes | None]] = []
    for division, identifier in zip(documents, identifiers):
        if identifier in withheld:
            found.append((identifier, None))
            continue
        index = position[id(division)]
        parts = [volume, serialised(division), b"".join(map(serialised, leading.get(identifier, []))),
                 neighbour(published[index - 1] if index > 0 else None),
                 neighbour(published[index + 1] if index + 1 < len(published) else None)]
        named: set[str] = set()
        answers: list[str] = []
        for element in [division, *leading.get(identifier, [])]:
            for descendant in element.iter(etree.Element):
                if descendant is not division and descendant.tag == _DOCUMENT and descendant.get("type") == "document":
                    parts.append(f"nested {descendant.get(_XML_ID)} {descendant.get(_XML_ID) in withheld}".encode())
                for value in descendant.attrib.values():
                    for key in (value, *xml_tokens(value)):
                        target = resolved.get(key)
                        if target is not None:
                            answer = f"{key}\0{chr(0).join(target)}"
                            if target[0] == "here":
                                named.add(target[2])
                            elif target[0] == "publication":  # is the volume local, has the document a page
                                volume_pages = pages.get(target[1])
                                answer += f"\0{volume_pages is not None}\0{volume_pages is not None and target[2] in volume_pages}"
                            answers.append(answer)
                        named.update((key, key.lstrip("#"), key.partition("#")[2]))
        parts += [resolution(name) + name.encode() for name in sorted(named) if name]
        parts += [answer.encode() for answer in sorted(set(answers))]
        found.append((identifier, b"\1".join(parts)))
    return found


_HERE = Path(__file__).parent
KIND = Kind("frus", "a FRUS volume (Office of the Historian encoding)", recognise,
            grammar=TEI_ALL, rules=_HERE / "frus.sch", tei_all=True, extend_grammar=extend_grammar,
            file_checks=check_volume, cross_file_references=False, publication_name=is_volume_id,
            stylesheets=(_HERE / "frus.xsl",), withhold=withhold, publishable_rules=PUBLISHABLE_RULES, parts=parts,
            units=units)
