"""Advice on the markup of the edition: what a careful editor would look at twice.

Nothing here is an error: a valid document may have good reasons for each
finding. ``teikit lint`` prints them as ``PATH:LINE:COL: warning: ... [rule]``
and exits 0 (1 with ``--strict`` when there is any). The rules:

``untagged-name``
    A name of a known person, place or organisation occurs in the text without
    a name element around it. Known names are the names in the authority file
    (``persName`` and its ``surname``/``forename``, ``placeName``, ``orgName``)
    and every surface form the edition already tags with ``persName``,
    ``placeName``, ``orgName`` or ``name`` (``rs`` strings such as "President"
    are not names, and are not taken as such). Occurrences in the
    ``teiHeader``, in attribute values, in the editors' words and inside
    an element that already tags them are not reported; inside an ``rs`` (a
    description such as "Zorin's successor"), the name of anyone but the
    described is.
``unused-authority``
    A person, place or organisation record that no document refers to.
``untagged-date``
    A month name followed by a day ("October 27", "December 23, 1962") outside
    any ``date`` element.
``inconsistent-abbr``
    An abbreviation expanded (``choice/abbr`` + ``expan``) in one place and left
    bare in another, or expanded in two different ways.
``ambiguous-surface``
    The same surface form tagged with references to different records.

The rules search the diplomatic reading (:mod:`toolkit.diplomatic`, the one
``teikit diff`` proves unchanged and the text output writes), block by block:
a name broken by ``<lb break="no"/>`` is found whole, and the editors' words
(``corr``, ``expan``, ``reg``, ``supplied``, ``ex``) are never searched.
Positions point at the word in the source file (see
:class:`toolkit.diplomatic.SourceText`): line and column are exact even after
entity references.
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from toolkit import confine, pointers, project
from toolkit.diplomatic import Block, SourceText, blocks, localname, normalise, reading_blocks
from toolkit.errors import Problem
from toolkit.paths import display_path, edition_documents
from toolkit.vocabulary import NAME_ELEMENTS, NAME_FOR_RECORD, POINTER_ATTRIBUTES, REFERRING_ELEMENTS
from toolkit.xmlio import TEI_NS, XML_NS, Document, DocumentError, parse_bytes, read_bytes, xml_tokens

#: Elements that count as tagging a name inside them (nothing inside them is reported as untagged).
TAGGING = NAME_ELEMENTS | {"rs", "geogName", "term", "title", "idno"}
RECORD_TAGS = {kind: NAME_FOR_RECORD[kind] for kind in ("person", "place", "org")}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_DATE_PHRASE = re.compile(
    r"(?<!\w)(?:(?:%s)\s+\d{1,2}(?!\d)(?:\s*,\s*\d{4}(?!\d))?|\d{1,2}\s+(?:%s)(?:\s+\d{4}(?!\d))?)(?!\w)"
    % ("|".join(MONTHS), "|".join(MONTHS)))
_INITIAL = re.compile(r"^\w\.?$")
_XML_ID = f"{{{XML_NS}}}id"


# --------------------------------------------------------------------------- the edition as lint sees it


@dataclass
class _Loaded:
    document: Document
    source: SourceText
    linted: bool

    @functools.cached_property
    def all_blocks(self) -> list[Block]:
        """Every block of the document's reading, read once: the names' rules and the words' rules share them."""
        return blocks(self.document.root)

    @functools.cached_property
    def reading(self) -> list[Block]:
        """What the rules search (:func:`_reading`): the blocks that have words."""
        return [block for block in self.all_blocks if block.text]


@dataclass
class _Record:
    key: tuple[str, str]  # (resolved file, id)
    kind: str  # person, place, org
    element: etree._Element
    loaded: _Loaded
    names: list[str]


@dataclass
class _Tagged:
    element: etree._Element
    tag: str
    surface: str
    ref: str | None
    key: tuple[str, str] | None
    loaded: _Loaded


def _resolve(reference: str, base: Path, root: Path | None = None) -> tuple[str, str] | None:
    """``authority.xml#zorin`` seen from ``base`` -> (real path of authority.xml, "zorin"); None for
    a pointer the confinement rule refuses (``root``: the edition's root; default: ``base``'s folder)."""
    target = pointers.target(reference, base, root)
    if target is None or not target[1]:
        return None
    return str(target[0]), target[1]


def _in_text(node: etree._Element) -> bool:
    """True for nodes inside the document's ``text`` (never the teiHeader)."""
    for ancestor in node.iterancestors():
        name = localname(ancestor)
        if name == "teiHeader":
            return False
        if name == "text":
            return True
    return localname(node) == "text"


def _ancestry(node: etree._Element, include_self: bool) -> list[str]:
    names = [localname(node)] if include_self else []
    return names + [localname(ancestor) for ancestor in node.iterancestors()]


@dataclass
class _Found:
    """Words a rule found in the diplomatic reading: a block, the characters, and the elements around them."""

    block: Block
    start: int
    text: str
    element: etree._Element  # the element the first character is in
    context: set[str]  # names of the elements any of its characters sit in


def _reading(root: etree._Element) -> list[Block]:
    """What lint reads: the diplomatic reading of the document (toolkit.diplomatic), block by block.

    Words are found in a block's text, not in one text node at a time, so a
    name broken by ``<lb break="no"/>`` or split over two elements is found,
    and the editors' words (``expan``, ``supplied``, ...) are never searched.
    """
    return reading_blocks(root)


def _found(blocks_read: list[Block], pattern: re.Pattern) -> list[_Found]:
    found = []
    for block in blocks_read:
        for match in pattern.finditer(block.text):
            context: set[str] = set()
            element = None
            for offset in (match.start(), match.end() - 1):
                origin = block.origin(offset)
                if origin is None:
                    continue
                node, slot, _ = origin
                inner = node if slot == "text" else node.getparent()
                element = element if element is not None else inner
                context.update(_ancestry(inner, True) if inner is not None else ())
            found.append(_Found(block, match.start(), match.group(), element if element is not None else block.element,
                                context))
    return found


class _Edition:
    def __init__(self, paths: list[Path], root_of: Callable[[Path], Path] = confine.root_of):
        self.root_of = root_of
        self.problems: list[Problem] = []
        self._resolved: dict[tuple[str, Path], tuple[str, str] | None] = {}
        self.loaded: dict[str, _Loaded] = {}
        self.linted: list[_Loaded] = []
        for path in paths:
            loaded = self._load(path, linted=True)
            if loaded:
                self.linted.append(loaded)
        # Bring in the files the documents point to (the authority file). Only when
        # an authority file is itself linted are the documents beside it read too:
        # whether its records are used depends on them. Linting one document never
        # reads the rest of its folder.
        for loaded in list(self.linted):
            for key in self._references(loaded):
                target = Path(key[0])
                if str(target) not in self.loaded and target.is_file():
                    self._load(target, linted=False)
        for loaded in [item for item in self.linted if self._is_authority(item)]:
            for sibling in edition_documents(loaded.document.path.parent):
                if str(sibling.resolve()) not in self.loaded:
                    self._load(sibling, linted=False)
        self.records = self._records()

    def resolve(self, token: str, path: Path) -> tuple[str, str] | None:
        """:func:`_resolve` of a pointer token of the document at ``path``, once per token and document: a
        document names the same few records thousands of times, and each resolution asks the file system
        for real paths (half of lint's time on a 4 MB document before)."""
        key = (token, path)
        if key not in self._resolved:
            self._resolved[key] = _resolve(token, path, self.root_of(path))
        return self._resolved[key]

    def _load(self, path: Path, *, linted: bool) -> _Loaded | None:
        key = str(path.resolve())
        if key in self.loaded:
            self.loaded[key].linted = self.loaded[key].linted or linted
            return self.loaded[key]
        try:
            data = read_bytes(path)
            document = parse_bytes(path, data)
        except DocumentError as exc:
            if linted:
                self.problems.append(exc.problem)
            return None
        except Exception:  # noqa: BLE001 - an unreadable neighbour is simply not consulted
            if linted:
                raise
            return None
        source = SourceText.read(document.root, document.text)
        loaded = _Loaded(document, source, linted)
        self.loaded[key] = loaded
        return loaded

    @staticmethod
    def _is_authority(loaded: _Loaded) -> bool:
        return loaded.document.root.find(f"{{{TEI_NS}}}standOff") is not None

    def _references(self, loaded: _Loaded) -> list[tuple[str, str]]:
        keys = []
        for node in loaded.document.root.iter():
            if not isinstance(node.tag, str):
                continue
            for attribute in POINTER_ATTRIBUTES:
                value = node.get(attribute)
                if value:
                    for token in xml_tokens(value):
                        key = self.resolve(token, loaded.document.path)
                        if key:
                            keys.append(key)
        return keys

    def _records(self) -> dict[tuple[str, str], _Record]:
        records = {}
        for loaded in self.loaded.values():
            root = loaded.document.root
            for standoff in root.iterfind(f"{{{TEI_NS}}}standOff"):
                for kind, name_tag in RECORD_TAGS.items():
                    for element in standoff.iter(f"{{{TEI_NS}}}{kind}"):
                        identifier = element.get(_XML_ID)
                        if not identifier:
                            continue
                        key = (str(loaded.document.path.resolve()), identifier)
                        records[key] = _Record(key, kind, element, loaded, _record_names(element, name_tag))
        return records


def _record_names(element: etree._Element, name_tag: str) -> list[str]:
    names: list[str] = []
    for name in element.iterfind(f"{{{TEI_NS}}}{name_tag}"):
        names.append(normalise("".join(name.itertext())))
        surnames = [normalise("".join(part.itertext())) for part in name.iterfind(f"{{{TEI_NS}}}surname")]
        names += surnames
        for forename in name.iterfind(f"{{{TEI_NS}}}forename"):
            text = normalise("".join(forename.itertext()))
            if not _INITIAL.match(text):
                names.append(text)
    return [name for name in dict.fromkeys(names) if len(name) > 1]


# --------------------------------------------------------------------------- the rules


def _tagged_names(edition: _Edition) -> list[_Tagged]:
    tagged = []
    for loaded in edition.loaded.values():
        for block in loaded.all_blocks:
            for span in block.spans:
                tag = localname(span.element)
                if tag not in REFERRING_ELEMENTS or span.dropped or span.start >= span.end:
                    continue
                ref = span.element.get("ref")
                key = edition.resolve(xml_tokens(ref)[0], loaded.document.path) if ref and xml_tokens(ref) else None
                tagged.append(_Tagged(span.element, tag, block.text[span.start:span.end], ref, key, loaded))
    return tagged


def _warning(loaded: _Loaded, position: tuple[int, int], message: str, hint: str, rule: str) -> Problem:
    return Problem(loaded.document.display, position[0], position[1], message, severity="warning",
                   hint=hint, rule=rule)


def _at_element(loaded: _Loaded, element: etree._Element) -> tuple[int, int]:
    return loaded.document.position(element)


def _at_text(loaded: _Loaded, found: _Found) -> tuple[int, int]:
    position = loaded.source.locate_offset(found.block, found.start)
    return position or _at_element(loaded, found.element)


def _pattern(forms) -> re.Pattern | None:
    forms = sorted({form for form in forms if form}, key=len, reverse=True)
    if not forms:
        return None
    alternatives = "|".join(r"\s+".join(re.escape(word) for word in form.split()) for form in forms)
    return re.compile(rf"(?<![\w&])(?:{alternatives})(?![\w])")


def _untagged_names(edition: _Edition, tagged: list[_Tagged]) -> list[Problem]:
    known: dict[str, dict[str, set]] = defaultdict(lambda: {"records": set(), "tags": Counter(), "count": 0})
    for record in edition.records.values():
        for name in record.names:
            known[name]["records"].add(record.key)
            known[name]["tags"][RECORD_TAGS[record.kind]] += 0
    for item in tagged:
        if item.tag == "rs" or len(item.surface) < 2:
            continue
        entry = known[item.surface]
        if item.key:
            entry["records"].add(item.key)
        entry["tags"][item.tag] += 1
        entry["count"] += 1
    pattern = _pattern(known)
    if pattern is None:
        return []
    problems = []
    for loaded in edition.linted:
        for found in _found(loaded.reading, pattern):
            inside = TAGGING.intersection(found.context)
            # Inside an rs (a description: "Zorin's successor"), a name of someone
            # else is a reference of its own; inside any other tagging element, no.
            description = _description(found.element, edition, loaded) if inside == {"rs"} else None
            if inside and description is None:
                continue
            surface = normalise(found.text)
            entry = known[surface]
            if description is not None and (not description or description in entry["records"]):
                continue  # the description's own record (or one it does not name)
            tag = entry["tags"].most_common(1)[0][0] if entry["tags"] else "name"
            refs = sorted(_relative(key, loaded.document.path) for key in entry["records"])
            if entry["count"]:
                why = f"tagged {entry['count']} time{'s' if entry['count'] != 1 else ''} elsewhere"
            else:
                why = "a name in the authority file"
            target = f" ({' or '.join(refs)})" if refs else ""
            suggestion = f'<{tag} ref="{refs[0]}">{surface}</{tag}>' if len(refs) == 1 else f"<{tag} ref=...>"
            problems.append(_warning(
                loaded, _at_text(loaded, found),
                f'"{surface}" is not tagged here; it is a known name{target}, {why}',
                f"wrap it: {suggestion}, or leave it if it names something else", "untagged-name"))
    return problems


def _description(element: etree._Element | None, edition: _Edition, loaded: _Loaded) -> tuple[str, str] | tuple[()]:
    """The record the innermost ``rs`` around words (in ``element``) refers to (``()`` when it refers to none)."""
    while element is not None and localname(element) != "rs":
        element = element.getparent()
    ref = xml_tokens(element.get("ref") or "") if element is not None else []
    path = loaded.document.path
    return (edition.resolve(ref[0], path) or ()) if ref else ()


def _relative(key: tuple[str, str], base: Path) -> str:
    """The reference to record ``key`` as written in the document at ``base``."""
    target = Path(key[0])
    if target == base.resolve():
        return f"#{key[1]}"
    return f"{Path(os.path.relpath(target, base.resolve().parent)).as_posix()}#{key[1]}"


def _unused_authorities(edition: _Edition) -> list[Problem]:
    used = set()
    for loaded in edition.loaded.values():
        used.update(edition._references(loaded))
    problems = []
    for key, record in edition.records.items():
        if not record.loaded.linted or key in used:
            continue
        name = record.names[0] if record.names else key[1]
        problems.append(_warning(
            record.loaded, _at_element(record.loaded, record.element),
            f'{record.kind} record "{key[1]}" ({name}) is never referred to',
            f'tag its mention with ref="{Path(key[0]).name}#{key[1]}", or remove the record', "unused-authority"))
    return problems


def _untagged_dates(edition: _Edition) -> list[Problem]:
    problems = []
    for loaded in edition.linted:
        for found in _found(loaded.reading, _DATE_PHRASE):
            if {"date", "time", "idno", "ref", "title"}.intersection(found.context):
                continue
            phrase = normalise(found.text)
            problems.append(_warning(
                loaded, _at_text(loaded, found),
                f'"{phrase}" looks like a date but has no <date> element',
                f'wrap it: <date when="YYYY-MM-DD">{phrase}</date>', "untagged-date"))
    return problems


def _inconsistent_abbreviations(edition: _Edition) -> list[Problem]:
    expansions: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, Counter] = defaultdict(Counter)  # abbreviation -> its @type values
    first: dict[tuple[str, str], tuple[_Loaded, etree._Element]] = {}
    for loaded in edition.loaded.values():
        for choice in loaded.document.root.iter(f"{{{TEI_NS}}}choice"):
            if not _in_text(choice):
                continue
            abbr = choice.find(f"{{{TEI_NS}}}abbr")
            expan = choice.find(f"{{{TEI_NS}}}expan")
            if abbr is None or expan is None:
                continue
            short, long = normalise("".join(abbr.itertext())), normalise("".join(expan.itertext()))
            if short:
                expansions[short][long] += 1
                kinds[short][abbr.get("type", "")] += 1
                first.setdefault((short, long), (loaded, expan))
    problems = []
    for short, counter in expansions.items():
        if len(counter) > 1:
            usual = counter.most_common(1)[0][0]
            for long, count in counter.items():
                loaded, expan = first[(short, long)]
                if long != usual and loaded.linted:
                    problems.append(_warning(
                        loaded, _at_element(loaded, expan),
                        f'"{short}" is expanded as "{long}" here ({count}×) but as "{usual}" '
                        f'{counter[usual]}× elsewhere',
                        "use one expansion for one abbreviation", "inconsistent-abbr"))
    pattern = _pattern(expansions)
    if pattern is None:
        return problems
    for loaded in edition.linted:
        for found in _found(loaded.reading, pattern):
            if {"abbr", "choice", "expan"}.intersection(found.context):
                continue
            short = normalise(found.text)
            usual, count = expansions[short].most_common(1)[0]
            kind = kinds[short].most_common(1)[0][0]
            typed = f' type="{kind}"' if kind else ""
            problems.append(_warning(
                loaded, _at_text(loaded, found),
                f'"{short}" is not expanded here but is expanded as "{usual}" {count}× elsewhere',
                f"mark it up: <choice><abbr{typed}>{short}</abbr><expan>{usual}</expan></choice>",
                "inconsistent-abbr"))
    return problems


def _ambiguous_surfaces(edition: _Edition, tagged: list[_Tagged]) -> list[Problem]:
    by_surface: dict[str, list[_Tagged]] = defaultdict(list)
    for item in tagged:
        if item.key:
            by_surface[item.surface].append(item)
    problems = []
    for surface, items in by_surface.items():
        counts = Counter(item.key for item in items)
        if len(counts) < 2:
            continue
        usual = counts.most_common(1)[0][0]
        described = ", ".join(f"{_relative(key, items[0].loaded.document.path)} ({count}×)"
                              for key, count in counts.most_common())
        reported = set()
        for item in items:
            if item.key == usual or item.key in reported or not item.loaded.linted:
                continue
            reported.add(item.key)
            problems.append(_warning(
                item.loaded, _at_element(item.loaded, item.element),
                f'"{surface}" points to different records: {described}; here to {item.ref}',
                "check that each occurrence means the record it points to", "ambiguous-surface"))
    return problems


def lint_paths(paths: list[Path] | None = None, root: Path | None = None) -> list[Problem]:
    """Every warning for the documents at ``paths`` (files or folders; default: the edition in tei/);
    ``root`` widens the folder pointers are confined to (:mod:`toolkit.confine`)."""
    selection = confine.select(paths or (), root)
    edition = _Edition(selection.files, selection.root_of)
    tagged = _tagged_names(edition)
    problems = list(edition.problems)
    problems += [Problem(display_path(path), 1, 1, f"not read: the entry is {why}", rule="file-confined",
                         hint="the toolkit reads only regular files inside the folder named") for path, why in
                 selection.refused]
    problems += [problem for repeated in selection.repeated_problems().values() for problem in repeated]
    problems += _untagged_names(edition, tagged)
    problems += _unused_authorities(edition)
    problems += _untagged_dates(edition)
    problems += _inconsistent_abbreviations(edition)
    problems += _ambiguous_surfaces(edition, tagged)
    problems = _for_their_kind(problems, edition)
    order = {loaded.document.display: index for index, loaded in enumerate(edition.linted)}
    return sorted(problems, key=lambda problem: (order.get(problem.path, len(order)), problem.path,
                                                 problem.line, problem.column, problem.rule or ""))


def _for_their_kind(problems: list[Problem], edition: _Edition) -> list[Problem]:
    """The warnings whose rule the kind of their document lints (:attr:`toolkit.kinds.Kind.lint_rules`)."""
    rules = {loaded.document.display: project.kind_for(loaded.document.path, loaded.document.root).lint_rules
             for loaded in edition.linted}
    return [problem for problem in problems
            if rules.get(problem.path) is None or problem.rule is None or problem.rule in rules[problem.path]]


def summary(problems: list[Problem]) -> str:
    warnings = sum(problem.severity == "warning" for problem in problems)
    errors = len(problems) - warnings
    parts = [f"{warnings} warning{'s' if warnings != 1 else ''}"]
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    return "lint: " + ", ".join(parts)

