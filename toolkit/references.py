"""The references step: pointers resolve, to the right kind of record, and ids are unique.

Pointers (``@ref``, ``@target``, ``@corresp``, ``@who``, ``@resp``) are
checked here rather than in Schematron because they cross files
(``authority.xml#zorin``) and because a useful message suggests the id that
was probably meant, which XPath 1.0 cannot do. Workers :func:`collect` each
document's ids and pointers; the parent :func:`resolve` s them all at once.

At corpus scale most pointers resolve without the other documents: into the
document itself, or into the shared authority file. A worker therefore settles
those itself (:class:`LocalIndex`) and sends the parent only the ids and the
pointers it could not show to resolve, which the parent checks (and words) as
before. Ten thousand documents then cost the parent a dictionary of ids, not
two million pointers.
"""

from __future__ import annotations

import difflib
import functools
import operator
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple

from lxml import etree

from toolkit import confine, pointers
from toolkit.errors import Problem, ToolkitError
from toolkit.paths import display_path, printable
from toolkit.vocabulary import NAME_FOR_RECORD, POINTER_ATTRIBUTES, RECORD_KINDS, RECORD_POINTERS
from toolkit.xmlio import TEI_NS, XML_NS, XML_SPACE, Document, attributes, parse_document, xml_tokens

if TYPE_CHECKING:
    from toolkit.validate import DocumentResult

_XML_ID = f"{{{XML_NS}}}id"

# What a name-like element's @ref must point at; other pointers may point anywhere.
EXPECTED_KIND = {**RECORD_KINDS, **{f"rs:{kinds[0]}": kinds for kinds in RECORD_KINDS.values()}}
_ARTICLE = {"person": "a person", "personGrp": "a group of people", "place": "a place", "org": "an organisation"}
_TEI_TAG = f"{{{TEI_NS}}}"
_POINTER_ORDER = {attribute: rank for rank, attribute in enumerate(POINTER_ATTRIBUTES)}
# The elements collect() looks at: the TEI elements (those with attributes among them).
_TEI_ELEMENTS = f"{{{TEI_NS}}}*"
# Up to this many attributes, an element's items() (quadratic in them) is the cheapest way to read them.
_FEW_ATTRIBUTES = 16


@dataclass(frozen=True, slots=True)
class Pointer:
    attribute: str
    value: str
    owner: str  # local name, or "rs:TYPE" for rs
    line: int
    column: int


class Target(NamedTuple):
    """An element with an xml:id: its local name, its line (libxml2's) and which of the document's
    elements with an xml:id it is; its position is found when a problem needs it (:func:`_position`)."""

    kind: str
    line: int
    nth: int = 0


@dataclass
class Facts:
    """What the references step needs to know of one document."""

    path: Path
    ids: dict[str, Target] = field(default_factory=dict)
    duplicates: list[tuple[str, Target]] = field(default_factory=list)
    pointers: list[Pointer] = field(default_factory=list)
    #: Other files (resolved paths) the document's pointers were shown to resolve into:
    #: their ids share the edition's namespace of ids (id-unique).
    linked: tuple[str, ...] = ()

    def __reduce__(self):
        # Workers send one Facts per document: plain strings and tuples pickle
        # (and unpickle in the parent) about twice as fast as Path and Target objects.
        ids = self.ids
        return _unpickle_facts, (str(self.path), list(ids), [tuple(t) for t in ids.values()],
                                 self.duplicates, self.pointers, self.linked)


def _unpickle_facts(path: str, identifiers: list[str], targets: list[tuple[str, int]],
                    duplicates: list[tuple[str, Target]], pointers: list[Pointer],
                    linked: tuple[str, ...] = ()) -> Facts:
    return Facts(Path(path), dict(zip(identifiers, map(Target._make, targets))), duplicates, pointers, linked)


def collect(document: Document, known: LocalIndex | None = None) -> Facts:
    """Gather a parsed document's ids and outgoing pointers.

    With ``known`` (a worker's :class:`LocalIndex`), the pointers it shows to
    resolve are left out: only those the parent must look at are kept. One
    pass over the elements; source positions are looked up only for the
    pointers kept (an id's column only when a problem names it).
    """
    facts = Facts(document.resolved or document.path.resolve())
    ids, duplicates = facts.ids, facts.duplicates
    # (element, owner, attribute, token) of every pointer token, in document order.
    pending: list[tuple[etree._Element, str, str, str]] = []
    pointer_order, xml_id, prefix = _POINTER_ORDER, _XML_ID, len(_TEI_TAG)
    # Pointers into another file already shown to resolve (most of them: the authority file's records).
    settled = known.settled(facts) if known is not None else frozenset()
    with_id = 0
    # A walk in C, keys() (linear) to skip the elements without attributes, items() for the rest: half
    # the instructions of an XPath for elements with attributes (its predicate is evaluated on each).
    for element in document.root.iter(_TEI_ELEMENTS):
        names = element.keys()
        if not names:
            continue
        identifier = None
        found = None
        for name, value in element.items() if len(names) <= _FEW_ATTRIBUTES else attributes(element):
            if name == xml_id:
                identifier = value
            elif name in pointer_order:
                if found is None:
                    found = [(name, value)]
                else:
                    found.append((name, value))
        if identifier is None and found is None:
            continue
        local = element.tag[prefix:]
        if identifier is not None:
            target = Target(local, element.sourceline or 1, with_id)
            with_id += 1
            if identifier in ids:
                duplicates.append((identifier, target))
            else:
                ids[identifier] = target
        if found is not None:
            owner = f"rs:{element.get('type')}" if local == "rs" else local
            if len(found) > 1:
                found.sort(key=lambda pair: pointer_order[pair[0]])  # in POINTER_ATTRIBUTES order
            for attribute, value in found:
                for token in xml_tokens(value):
                    # A settled pointer has a fragment (LocalIndex.resolves), so it names something.
                    if (token, owner) not in settled:
                        pending.append((element, owner, attribute, token))
    # Only now are all the document's ids known (pointers may point forward).
    kept: dict[etree._Element, list[tuple[str, str, str]]] = {}
    for element, owner, attribute, token in pending:
        if known is not None and not _names_nothing(token, attribute, owner):
            if token[0] == "#":  # the commonest pointer, into this document: what LocalIndex.resolves does
                fragment = pointers.local_fragment(token)
                if not fragment:
                    continue
                record = ids.get(fragment)
                if record is not None:
                    expected = EXPECTED_KIND.get(owner)
                    if not expected or record.kind in expected:
                        continue
            elif known.resolves(facts, token, owner):
                continue
        kept.setdefault(element, []).append((attribute, token, owner))
    if known is not None:
        facts.linked = known.linked(facts)
    for element, tokens in kept.items():
        line, column = document.position(element)
        facts.pointers.extend(Pointer(attribute, token, owner, line, column) for attribute, token, owner in tokens)
    return facts


def _position(facts: Facts, target: Target, documents: dict[Path, Document | None]) -> tuple[int, int]:
    """Line and column of an id's element, as :meth:`Document.position` gives them (parses the file once)."""
    if facts.path not in documents:
        try:
            documents[facts.path] = parse_document(facts.path, require_tei=False)
        except ToolkitError:
            documents[facts.path] = None
    document = documents[facts.path]
    found = _WITH_ID(document.root) if document is not None else []
    if target.nth < len(found):
        return document.position(found[target.nth])
    return target.line, 1


_WITH_ID = etree.XPath("descendant-or-self::tei:*[@*][@xml:id]", namespaces={"tei": TEI_NS})


class LocalIndex:
    """What a worker can settle alone: pointers into the document itself or into a file it has read.

    A pointer is settled here only when it resolves, to a record of the right
    kind, exactly as :func:`resolve` would find; everything else (an unknown
    id, a missing file, the wrong kind, a file beyond the first
    :attr:`MAX_FILES`) is left for the parent, which knows every document and
    words the problem. Outcomes for pointers into other files are remembered,
    so the authority file is read once per worker and each distinct pointer
    into it is checked once.
    """

    MAX_FILES = 64
    MAX_EXTERNAL = 4096

    def __init__(self) -> None:
        self._files: dict[Path, Facts | None] = {}
        self._external: dict[str, bool] = {}
        self._outcomes: dict[tuple[str, str, str], bool] = {}
        self._folder: tuple[Facts | None, str] = (None, "")
        self._settled: dict[Path, set[tuple[str, str]]] = {}
        self._linked: dict[Path, set[str]] = {}

    def linked(self, facts: Facts) -> tuple[str, ...]:
        """The files that pointers from ``facts``' folder were shown to resolve into."""
        return tuple(sorted(self._linked.get(facts.path.parent, ())))

    def settled(self, facts: Facts) -> set[tuple[str, str]]:
        """(pointer, owner) pairs already shown to resolve to a record in another file, from ``facts``' folder."""
        return self._settled.setdefault(facts.path.parent, set())

    def resolves(self, facts: Facts, value: str, owner: str) -> bool:
        if value[:1] == "#":  # the commonest pointer: into the document itself
            return _found(facts, pointers.local_fragment(value), owner)
        scheme, file_part, fragment = pointers.split(value)
        if scheme not in ("", "file", "//"):
            # External: not checked, but for a FRUS address's form; the same addresses recur from
            # document to document (the sources, history.state.gov), so each is looked at once.
            outcome = self._external.get(value)
            if outcome is None:
                if len(self._external) >= self.MAX_EXTERNAL:
                    self._external.clear()
                outcome = self._external[value] = _frus_address_problem(value) is None
            return outcome
        if scheme:
            return False  # refused (file: or a host): the parent words it
        if not file_part:
            return _found(facts, fragment, owner)
        if self._folder[0] is not facts:
            self._folder = (facts, str(facts.path.parent))
        key = (self._folder[1], value, owner)
        outcome = self._outcomes.get(key)
        if outcome is None:
            try:
                # Confined to the document's own folder, which every root holds; the parent,
                # knowing the real root, words what is refused here.
                target_path = pointers.confine_file(file_part, facts.path, facts.path.parent)
            except pointers.Refused:
                return False
            if target_path == facts.path:
                return _found(facts, fragment, owner)
            target = self._read(target_path)
            if target is None:
                return False
            self._linked.setdefault(facts.path.parent, set()).add(str(target_path))
            outcome = self._outcomes[key] = _found(target, fragment, owner)
            if outcome and fragment:
                # Only a pointer to a record: collect() then knows, without asking _names_nothing for
                # each of them (190 a telegram), that it names something (a bare file may not, by attribute).
                self.settled(facts).add((value, owner))
        return outcome

    def _read(self, path: Path) -> Facts | None:
        if path not in self._files:
            if len(self._files) >= self.MAX_FILES:
                return None
            try:
                facts = collect(parse_document(path))
            except ToolkitError:
                facts = None
            if facts is not None:
                facts.pointers.clear()  # only its ids matter here
            self._files[path] = facts
        return self._files[path]


def _names_nothing(token: str, attribute: str, owner: str) -> bool:
    """Whether a pointer names no element though it must: ``#`` alone, or a bare file
    (``authority.xml``, ``authority.xml#``) where a record is due (a name, @who, @resp)."""
    if "#" in token[:-1]:  # a fragment follows the # (the commonest case: decided at once)
        return False
    scheme, file_part, fragment = pointers.split(token.strip(XML_SPACE))
    if scheme not in ("", "file") or fragment:
        return False
    return not file_part or owner in EXPECTED_KIND or attribute in RECORD_POINTERS


def _found(target: Facts, fragment: str, owner: str) -> bool:
    """Whether ``fragment`` names a record in ``target`` that a pointer from ``owner`` may point to."""
    if not fragment:
        return True
    record = target.ids.get(fragment)
    expected = EXPECTED_KIND.get(owner)
    return record is not None and (not expected or record.kind in expected)


class _Index:
    """Ids of every document involved, loading referenced files on demand."""

    def __init__(self, results: list[DocumentResult], root_of: Callable[[Path], Path] | None = None):
        self.facts: dict[Path, Facts | None] = {r.facts.path: r.facts for r in results if r.facts}
        self._targets: dict[tuple[Path, str, str], Path | pointers.Refused] = {}
        self._root_of = root_of or confine.root_of
        #: The other files each document's pointers were found to lead into (checked by the parent).
        self.reached: dict[Path, set[Path]] = {}

    def get(self, path: Path) -> Facts | None:
        """The facts of the file at ``path``; None when it is missing or not readable TEI."""
        if path not in self.facts:
            path = confine.real_path(path) or path
        if path not in self.facts:
            try:
                self.facts[path] = collect(parse_document(path))
            except ToolkitError:
                # Its own problems are reported when that file is validated.
                self.facts[path] = None
        return self.facts[path]

    def target(self, source: Path, file_part: str, scheme: str = "") -> Path | pointers.Refused:
        """The file a pointer's path part names, relative to the pointing document, or why it is refused."""
        if not file_part and not scheme:
            return source
        key = (source.parent, file_part, scheme)
        if key not in self._targets:
            try:
                self._targets[key] = pointers.confine_file(file_part, source, self._root_of(source), scheme=scheme)
            except pointers.Refused as refused:
                self._targets[key] = refused
        return self._targets[key]


def resolve(results: list[DocumentResult], root_of: Callable[[Path], Path] | None = None,
            shares_ids: Callable[[DocumentResult], bool] = lambda result: True) -> None:
    """Add reference problems to each result that parsed (in place); ``root_of`` gives a document's
    confinement root (:func:`toolkit.confine.root_of`; default: its own folder). ``shares_ids`` tells
    whether a document's ids must be unique across the edition (its kind says so: the edition's
    documents and the files they point into) or only within itself (any other TEI)."""
    index = _Index(results, root_of)
    loaded: set[str] = set()  # (thousands of documents link the same authority file: loaded once)
    for result in results:
        if result.facts is None:
            continue
        result.problems.extend(_check_pointers(result.facts, index))
        for linked in result.facts.linked:  # validated alone, a document's ids still meet the authority file's
            if linked not in loaded:
                loaded.add(linked)
                index.get(Path(linked))
    shared = [result for result in results if result.facts is not None and shares_ids(result)]
    _check_unique_ids(index, shared, _reached_from(index, shared))
    for result in results:
        if result.facts is not None and not shares_ids(result):
            _check_unique_ids(index, [result], [result.facts])


def _reached_from(index: _Index, results: list[DocumentResult]) -> list[Facts]:
    """The documents, and every file they link or point into: one namespace of ids."""
    paths = {result.facts.path for result in results}
    linked: set[str] = set()
    for result in results:
        linked.update(result.facts.linked)
        paths.update(index.reached.get(result.facts.path, ()))
    paths.update(map(Path, linked))
    return [facts for path, facts in index.facts.items() if facts is not None and path in paths]


def _frus_address_problem(value: str) -> tuple[str, str] | None:
    """A web address is not followed, but one into history.state.gov's FRUS documents must name a volume
    or a document (toolkit/kinds/frus: the build links it locally when that volume is built too)."""
    from toolkit.kinds.frus import address_problem

    return address_problem(value.strip(XML_SPACE))


def _problem(facts: Facts, where: Pointer | tuple[int, int], message: str, hint: str | None, rule: str) -> Problem:
    line, column = (where.line, where.column) if isinstance(where, Pointer) else where
    return Problem(display_path(facts.path), line, column, message, hint=hint, rule=rule, step="references")


def _check_pointers(facts: Facts, index: _Index) -> list[Problem]:
    problems = []
    for pointer in facts.pointers:
        if pointers.is_external(pointer.value):
            wrong = _frus_address_problem(pointer.value)
            if wrong:
                owner = pointer.owner.split(":")[0]
                problems.append(_problem(facts, pointer, f'{owner}/@{pointer.attribute} "{printable(pointer.value)}" '
                                         f"{wrong[0]}", wrong[1], "ref-frus-address"))
            continue
        problem = _check_pointer(facts, pointer, index)
        if problem:
            problems.append(problem)
    return problems


def _check_pointer(facts: Facts, pointer: Pointer, index: _Index) -> Problem | None:
    owner = pointer.owner.split(":")[0]
    # Shown with escapes when it holds what cannot be seen (a no-break space is part of a pointer: "\\xa0").
    label = f'{owner}/@{pointer.attribute} "{printable(pointer.value)}"'
    scheme, file_part, fragment = pointers.split(pointer.value)
    if _names_nothing(pointer.value, pointer.attribute, pointer.owner):
        what = f"the file {file_part}, not a record in it" if file_part else "no element: there is no id after #"
        return _problem(facts, pointer, f"{label} names {what}",
                        f'write the id after #, e.g. "{file_part or "authority.xml"}#zorin"', "ref-resolves")
    target_path = index.target(facts.path, file_part, scheme)
    if isinstance(target_path, pointers.Refused):
        return _problem(facts, pointer, f"{label} {target_path.message}: refused", target_path.hint, "ref-confined")
    target = index.get(target_path)
    if target is None:
        return _missing_file(facts, pointer, label, target_path, file_part)
    if target.path != facts.path:
        index.reached.setdefault(facts.path, set()).add(target.path)
    if _found(target, fragment, pointer.owner):
        return None
    where = "this document" if target.path == facts.path else display_path(target.path)
    expected = EXPECTED_KIND.get(pointer.owner)
    record = target.ids.get(fragment)
    if record is None:
        return _missing_id(facts, pointer, label, target, where, fragment, file_part, expected, index)
    if expected and record.kind not in expected:
        return _problem(facts, pointer,
                        f"{label} points to <{record.kind}>, but a {owner} needs {_ARTICLE[expected[0]]} record",
                        f"point to {_ARTICLE[expected[0]]} in {where}"
                        + (f", or tag the words as <{NAME_FOR_RECORD[record.kind]}>" if record.kind in NAME_FOR_RECORD else ""),
                        "ref-kind")
    return None


def _missing_file(facts: Facts, pointer: Pointer, label: str, target_path: Path, file_part: str) -> Problem:
    if target_path.exists():
        return _problem(facts, pointer, f"{label} points into {file_part}, which cannot be read as TEI",
                        f"validate {file_part} and fix it first", "ref-file")
    siblings = [p.name for p in target_path.parent.glob("*.xml")] if target_path.parent.is_dir() else []
    close = difflib.get_close_matches(Path(file_part).name, siblings, n=1)
    hint = f'did you mean "{close[0]}"?' if close else "check the file name; pointers are relative to this document"
    return _problem(facts, pointer, f"{label} points into {printable(file_part)}, and there is no such file", hint, "ref-file")


def _missing_id(facts: Facts, pointer: Pointer, label: str, target: Facts, where: str, fragment: str,
                file_part: str, expected: tuple[str, ...] | None, index: _Index) -> Problem:
    kind_word = _ARTICLE[expected[0]].split(" ", 1)[1] if expected else "element"
    candidates = [i for i, t in target.ids.items() if not expected or t.kind in expected]
    close = difflib.get_close_matches(fragment, candidates, n=1, cutoff=0.6)
    prefix = f"{file_part}#" if file_part else "#"
    message = f"{label} points to no {kind_word} in {where}"
    if close:
        return _problem(facts, pointer, f'{message}; did you mean "{prefix}{close[0]}"?',
                        "correct the id after #", "ref-resolves")
    elsewhere = _find_elsewhere(fragment, index, exclude=target.path)
    if elsewhere:
        relative = Path(elsewhere.path).name
        return _problem(facts, pointer, message,
                        f'"{fragment}" is defined in {relative}: write "{relative}#{fragment}"', "ref-resolves")
    return _problem(facts, pointer, message,
                    f"add a record with xml:id=\"{fragment}\" to {where}, or point to an existing one",
                    "ref-resolves")


def _find_elsewhere(fragment: str, index: _Index, exclude: Path) -> Facts | None:
    for facts in index.facts.values():
        if facts is not None and facts.path != exclude and fragment in facts.ids:
            return facts
    return None


def _check_unique_ids(index: _Index, results: list[DocumentResult], pool: list[Facts]) -> None:
    """xml:ids are unique across ``pool``: the documents ``results`` and the files they point into."""
    # Where each id was first seen: the facts alone when it is the target in their ids (the usual case,
    # recorded in C: 10,000 documents hold 330,000 ids), else the facts and the target.
    first_seen: dict[str, Facts | tuple[Facts, Target]] = {}
    problems_of = {r.facts.path: r.problems for r in results if r.facts}
    # Files that hold records (the authority file) first: a clash with one of their
    # ids is the fault of the document that reuses it, never of the record.
    loaded = sorted(pool, key=_holds_no_records)
    lines: dict[Path, Document | None] = {}  # the files a problem points into, parsed once
    for facts in loaded:
        if not facts.duplicates and first_seen.keys().isdisjoint(facts.ids):
            # The usual case: every id is new, so none is reported and their order does not matter.
            first_seen.update(dict.fromkeys(facts.ids, facts))
            continue
        occurrences = [(t, i) for i, t in facts.ids.items()] + [(t, i) for i, t in facts.duplicates]
        # In source order: by line, and by column among the ids sharing a line.
        shared = {line for line, count in Counter(t.line for t, _ in occurrences).items() if count > 1}
        occurrences.sort(key=lambda pair: _position(facts, pair[0], lines) if pair[0].line in shared
                         else (pair[0].line, 0))
        for target, identifier in occurrences:
            if identifier not in first_seen:
                first_seen[identifier] = (facts, target)
                continue
            seen = first_seen[identifier]
            other_facts, other = (seen, seen.ids[identifier]) if isinstance(seen, Facts) else seen
            if facts.path in problems_of:
                line, column = _position(other_facts, other, lines)
                problems_of[facts.path].append(_problem(
                    facts, _position(facts, target, lines),
                    f'xml:id "{identifier}" is already used at {display_path(other_facts.path)}:{line}:{column}',
                    "xml:ids must be unique across the whole edition: choose another id", "id-unique"))


def _holds_no_records(facts: Facts) -> bool:
    """Whether none of a file's ids is on a record (a person, a place...): the sort key that puts the files
    holding records first (the kind of each id looked up in C, not in a Python loop per id)."""
    return not any(map(NAME_FOR_RECORD.__contains__, map(_KIND, facts.ids.values())))


_KIND = operator.itemgetter(0)  # a Target's kind
