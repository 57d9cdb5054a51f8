"""The Schematron step: the edition's editorial rules in schemas/telegram.sch.

The rules use the XSLT 1.0 query binding and run through lxml.isoschematron,
compiled once per process. Each failed assertion becomes a located
:class:`~toolkit.errors.Problem` carrying the assertion's id as its rule.

Speed: the ISO skeleton's default validator walks the whole document twice per
pattern (once in the pattern's mode, visiting every attribute, and once more in
the default mode, which outputs nothing). When the rules allow it
(:func:`_select_by_key`), the validator is compiled with the skeleton's own
``select-contexts=key`` strategy, which picks each pattern's context nodes with
one ``xsl:key``; then (:func:`_lean`) each distinct context path is selected
once, in a global variable, instead of once per key (the three date patterns
share one context; ``//E[@a | @b]`` is found in one walk of the descendant
axis, :func:`_by_attributes`, and so is ``x:a | x:b``, :func:`_one_step`; a
first step several contexts share is walked to once), and the empty default-mode walk and the ``svrl:fired-rule`` elements
(a record of every rule that fired, which nothing here reads) are dropped.
Last (:func:`_failing_only`), each single-rule pattern's context nodes are
filtered by the rule's own tests, so its template, which writes the SVRL,
runs only for the nodes it reports on (or, for a rule whose lets would make
that filter long, by the parts of its tests that read no let:
:func:`_necessary_condition`). Failed assertions and successful
reports are the same, element for element and in the same order
(tests/test_validate_schematron.py); a document is checked about ten times
faster than with the default validator. No context is a union of node-sets:
libxml2 merges those with a duplicate check that is quadratic in their size
(a 5 MB document took 4.7 s, a 50 MB one minutes; now the step is linear,
bench/large.py).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

from lxml import etree, isoschematron

from toolkit.errors import Problem, ToolkitError
from toolkit.paths import display_path
from toolkit.xmlio import Document

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
_FINDINGS = (f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report")
_SCH_NS = "http://purl.oclc.org/dsdl/schematron"
_XSL_NS = "http://www.w3.org/1999/XSL/Transform"
# Rule contexts that an xsl:key cannot take (variables, key()) or that could
# select nodes the tree walk never visits (text, comments, processing instructions).
_NOT_KEYABLE = re.compile(r"\$|\bkey\s*\(|\b(?:text|node|comment|processing-instruction)\s*\(")
_KEY_CALL = re.compile(r"key\('M',\s*'(M\d+)'\)")
_CONTEXT_VARIABLE = "teikit-context-"


class Rules:
    """A Schematron schema compiled once and applied to many documents."""

    def __init__(self, schema: Path):
        try:
            tree = etree.parse(str(schema))
            by_key = _select_by_key(tree)
            self.schematron = isoschematron.Schematron(
                tree, store_report=True, store_xslt=by_key,
                compile_params={"select-contexts": "key"} if by_key else {})
            self._validator = _lean(self.schematron.validator_xslt) if by_key else None
            small = _lean(self.schematron.validator_xslt, small=True) if self._validator is not None else None
            self._small = small if small is not None else self._validator
        except (OSError, etree.XMLSyntaxError, etree.SchematronParseError, etree.XSLTParseError) as exc:
            raise ToolkitError(f"the Schematron rules cannot be compiled: {exc}", path=display_path(schema)) from None

    def check(self, document: Document) -> list[Problem]:
        if self._validator is None:
            if self.schematron.validate(document.tree):
                return []
            report = self.schematron.validation_report
        else:
            # What Schematron.validate does: invalid only when an assertion failed. Elements
            # never outnumber the "<" of the text (a count in C, microseconds).
            small = document.text.count("<") <= SMALL_MARKUP
            report = (self._small if small else self._validator)(document.tree)
            if not isoschematron.svrl_validation_errors(report):
                return []
        siblings: dict = {}
        return [self._problem(document, finding, siblings) for finding in report.iter(*_FINDINGS)]

    @staticmethod
    def _problem(document: Document, finding: etree._Element, siblings: dict) -> Problem:
        text = " ".join("".join(finding.itertext()).split())
        node = _locate(document, finding.get("location", ""), siblings)
        severity = "warning" if finding.get("role") in ("warning", "warn", "info") else "error"
        return document.problem(node, text, severity=severity, rule=finding.get("id"), step="schematron")


def _select_by_key(schema: etree._ElementTree) -> bool:
    """Whether every rule context can be an ``xsl:key`` pattern that selects what the tree walk would."""
    contexts = [rule.get("context", "") for rule in schema.iter(f"{{{_SCH_NS}}}rule")]
    return bool(contexts) and not any(_NOT_KEYABLE.search(context) for context in contexts)


def _lean(validator: etree._ElementTree | None, small: bool = False) -> etree.XSLT | None:
    """The validator without work whose output nothing reads; with ``small``, the variant for
    documents of at most :data:`SMALL_MARKUP` ``<`` (see :func:`_contexts_once`).

    Dropped: the skeleton's default-mode ``apply-templates`` in each active
    pattern (that walk can only output text, and the skeleton's own template
    strips text in the default mode; dropped only when no other default-mode
    template exists), the ``svrl:fired-rule`` element each rule writes
    whenever it fires, and the ``svrl:active-pattern``, ``svrl:ns-prefix-in-attribute-values``
    and comment the report starts with (only the findings are read). None (use lxml's
    validator) when the XSLT is not as expected.
    """
    if validator is None:
        return None
    validator = copy.deepcopy(validator)
    root = validator.getroot()
    default_mode = sorted(t.get("match", "") for t in root.iterchildren(f"{{{_XSL_NS}}}template") if not t.get("mode"))
    if default_mode != ["/", "text()"]:
        return None
    for pattern in root.iter(f"{{{SVRL_NS}}}active-pattern"):
        for walk in pattern.findall(f"{{{_XSL_NS}}}apply-templates"):
            if walk.get("select") is None and walk.get("mode") is None and len(walk) == 0:
                pattern.remove(walk)
    # Nor the record of each pattern, of the namespace prefixes and of the skeleton's parameters:
    # only the findings are read.
    for unread in list(root.iter(f"{{{SVRL_NS}}}fired-rule", f"{{{SVRL_NS}}}active-pattern",
                                 f"{{{SVRL_NS}}}ns-prefix-in-attribute-values")):
        unread.getparent().remove(unread)
    for output in root.iterfind(f"{{{_XSL_NS}}}template[@match='/']/{{{SVRL_NS}}}schematron-output"):
        for comment in output.findall(f"{{{_XSL_NS}}}comment"):
            output.remove(comment)
    _contexts_once(root, small)
    _failing_only(root)
    return etree.XSLT(validator)


#: Documents with at most this many "<" (so at most this many elements) are checked by the
#: validator that selects contexts as unions of plain paths (``//tei:sic | //tei:corr``): on a
#: telegram of 500 elements a third of the Schematron step's time less than the linear forms'
#: predicates evaluated on every element (``/descendant::*[self::tei:sic or self::tei:corr]``).
#: libxml2 merges a union in time |A| x |B|, so larger documents take the linear forms: at this
#: size the worst case (half the elements in each branch) is 1,250 x 1,250 comparisons, a few ms.
SMALL_MARKUP = 2500


def _contexts_once(root: etree._Element, small: bool = False) -> None:
    """Select each distinct context path once, in a global variable, instead of through ``xsl:key``.

    A node matches an XSLT 1.0 pattern exactly when it is in the pattern
    evaluated as an expression from the root with ``//`` before each relative
    branch (patterns only step down, by child, attribute and ``//``), so
    ``key('M', 'M3')`` and the union of those expressions are the same nodes, in
    document order. Left as it is when a context starts with ``id(`` or a
    variable name is taken. ``small``: each branch a plain path and a union of attributes
    (:func:`_attributes_first`) instead of the one-walk forms of :func:`_one_step` and
    :func:`_by_attributes`, which are linear but evaluate a predicate on every element.
    """
    keys = list(root.iterchildren(f"{{{_XSL_NS}}}key"))
    calls = [a for a in root.iter(f"{{{_XSL_NS}}}apply-templates") if _KEY_CALL.fullmatch(a.get("select", ""))]
    taken = [v.get("name", "") for v in root.iterchildren(f"{{{_XSL_NS}}}variable", f"{{{_XSL_NS}}}param")]
    if not keys or any(name.startswith(_CONTEXT_VARIABLE) for name in taken):
        return
    branches: dict[str, list[str]] = {}
    for key in keys:
        use = key.get("use", "")
        if key.get("name") != "M" or not re.fullmatch(r"'M\d+'", use):
            return
        parts = _branches(key.get("match", ""))
        for branch in parts if small else _one_step(parts):
            if not branch or branch.startswith(("id(", "id (")):
                return
            branches.setdefault(use.strip("'"), []).append(
                branch if branch.startswith("/") else
                (_attributes_first(branch) if small else _by_attributes(branch)) or "//" + branch)
    names: dict[str, str] = {}
    variables: list[etree._Element] = []
    for expressions in branches.values():
        for expression in expressions:
            if expression not in names:
                names[expression] = f"{_CONTEXT_VARIABLE}{len(names) + 1}"
                variables.append(etree.Element(f"{{{_XSL_NS}}}variable", name=names[expression], select=expression))
    # A first step several contexts start with (//tei:text//tei:persName, //tei:text//tei:rs ...)
    # is walked to once: $first//tei:persName selects what //tei:text//tei:persName does.
    # A first step that is a context of its own (//tei:choice, and //tei:choice/tei:abbr) is reused.
    firsts = Counter(match[1] for e in names if (match := _FIRST_STEP.fullmatch(e)))
    own = {step: names[f"//{step}"] for step in firsts if f"//{step}" in names}
    shared = {step: f"{_CONTEXT_VARIABLE}{len(names) + n + 1}"
              for n, step in enumerate(s for s, c in firsts.items() if c > 1 and s not in own)}
    for variable in variables:
        match = _FIRST_STEP.fullmatch(variable.get("select"))
        if match and (match[1] in shared or match[1] in own):
            variable.set("select", f"${shared.get(match[1]) or own[match[1]]}{match[2]}")
    variables += [etree.Element(f"{{{_XSL_NS}}}variable", name=name, select=f"//{step}") for step, name in shared.items()]
    for variable in variables:
        root.insert(0, variable)
    for call in calls:
        mode = _KEY_CALL.fullmatch(call.get("select"))[1]
        call.set("select", " | ".join(dict.fromkeys(f"${names[e]}" for e in branches.get(mode, ()))) or "/..")
    for key in keys:
        root.remove(key)


_NAME = r"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?"
_FIRST_STEP = re.compile(rf"//({_NAME})(/.+)")
_ATTRIBUTE_TEST = re.compile(rf"(?P<step>(?:[A-Za-z_][\w.-]*:)?\*|{_NAME})\[\s*(?P<test>@{_NAME}(?:\s*(?:\||or|and)\s*@{_NAME})*)\s*\]")


def _by_attributes(branch: str) -> str | None:
    """``//E[@a | @b]`` as ``/descendant::E[@a or @b]`` (``[@a and @b]``: ``//E/@a/parent::*[@b]``).

    The same elements, in document order: ``or`` stops at the first attribute
    found where the union builds a node-set on every element, and the
    descendant axis is one walk where ``//E[p]`` is a step per node. None for
    any other pattern.
    """
    match = _ATTRIBUTE_TEST.fullmatch(branch)
    if not match:
        return None
    step, names = match["step"], re.findall(rf"@({_NAME})", match["test"])
    operators = set(re.findall(r"\||\bor\b|\band\b", match["test"]))
    if operators <= {"|", "or"}:
        # Not a union of the attributes' node-sets: libxml2 merges those in
        # quadratic time (50 MB: 38 s against 1 s for this).
        return f"/descendant::{step}[" + " or ".join(f"@{name}" for name in names) + "]"
    if operators == {"and"}:
        rest = " and ".join(f"@{name}" for name in names[1:])
        return f"//{step}/@{names[0]}/parent::*[{rest}]"
    return None


def _attributes_first(branch: str) -> str | None:
    """``//E[@a | @b]`` as ``(/descendant::*/@a | /descendant::*/@b)/parent::E``: the same elements in document order, found by
    walks that test names only (a union: for small documents, :data:`SMALL_MARKUP`). ``[@a and @b]``
    as :func:`_by_attributes` has it; None for any other pattern."""
    match = _ATTRIBUTE_TEST.fullmatch(branch)
    if not match or not set(re.findall(r"\||\bor\b|\band\b", match["test"])) <= {"|", "or"}:
        return _by_attributes(branch)
    names = re.findall(rf"@({_NAME})", match["test"])
    # /descendant::*/@a, not //@a (descendant-or-self::node()/@a): the same attributes, but the
    # attribute step is taken from the elements only, not from every text node too (0.8 against 1.3 M
    # instructions a telegram for the five date attributes).
    return "(" + " | ".join(f"/descendant::*/@{name}" for name in names) + f")/parent::{match['step']}"


_LAST_STEP = re.compile(rf"(?P<prefix>(?:[^\[\]()|'\"@$]*/)?)(?P<name>{_NAME})")


def _one_step(branches: list[str]) -> list[str]:
    """``A//x:a | A//x:b`` as the one path ``A//*[self::x:a or self::x:b]``; else the branches unchanged.

    The same elements in document order, in linear time: libxml2 merges the
    node-sets of a union with a duplicate check that compares every node of
    one set with every node of the other, which made the name rules
    quadratic in the size of the document (5 MB: 2.4 s of a 4.7 s step;
    one path: 0.16 s). Only when every branch is a plain path that differs
    from the others in the name of its last step.
    """
    if len(branches) < 2:
        return branches
    matches = [_LAST_STEP.fullmatch(branch) for branch in branches]
    if not all(matches) or len({match["prefix"] for match in matches}) != 1:
        return branches
    tests = " or ".join(f"self::{match['name']}" for match in matches)
    prefix = matches[0]["prefix"]
    if prefix.endswith("/") and not prefix.endswith("//"):
        return [f"{prefix}*[{tests}]"]
    # ``A//*[p]`` is ``A/descendant-or-self::node()/child::*[p]``, which libxml2
    # evaluates node by node; with a predicate that reads no position, the
    # descendant axis selects the same nodes in one walk.
    return [f"{prefix.removesuffix('//')}/descendant::*[{tests}]"]


_LIMIT = 4  # how much longer than the rule's own tests the failure condition may grow by inlining lets


def _failing_only(root: etree._Element) -> None:
    """Apply each single-rule pattern's template only to the context nodes where an assertion fails.

    The rule's own tests become a predicate on its context nodes
    (``$contexts[not(assert-test) or report-test]``), so the template, which
    writes the same SVRL as before, runs only for the nodes it reports on.
    That holds when the tests mean the same in a predicate as in the
    template: a ``let`` is written out in place (only where it stands
    outside a predicate, whose context node would differ), and a rule
    reading ``current()``, ``position()`` or ``last()`` is left as it was.
    """
    global_names = {v.get("name") for v in root.iterchildren(f"{{{_XSL_NS}}}variable", f"{{{_XSL_NS}}}param")}
    templates: dict[str, list[etree._Element]] = {}
    for template in root.iterchildren(f"{{{_XSL_NS}}}template"):
        templates.setdefault(template.get("mode") or "", []).append(template)
    for call in root.iter(f"{{{_XSL_NS}}}apply-templates"):
        mode, select = call.get("mode") or "", call.get("select", "")
        if not re.fullmatch(r"M\d+", mode) or not select.startswith("$") or len(templates.get(mode, ())) != 1:
            continue
        condition = _failure_condition(templates[mode][0], global_names)
        if condition:
            call.set("select", f"({select})[{condition}]")


def _failure_condition(template: etree._Element, global_names: set[str]) -> str | None:
    """An XPath true for the context nodes where the rule reports something; None when unsure."""
    if re.search(r"\b(?:current|position|last)\s*\(", etree.tostring(template, encoding="unicode")):
        return None
    lets: dict[str, str] = {}
    checks: list[tuple[str, bool]] = []  # (test, whether the rule reports when it is false: an assert)
    for child in template:
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{{{_XSL_NS}}}variable" and child.get("select") is not None and len(child) == 0:
            lets[child.get("name", "")] = child.get("select")
            continue
        if child.tag == f"{{{_XSL_NS}}}choose" and [c.tag for c in child] == [f"{{{_XSL_NS}}}when", f"{{{_XSL_NS}}}otherwise"]:
            when, otherwise = child
            if len(when) or otherwise.find(f"{{{SVRL_NS}}}failed-assert") is None:
                return None
            checks.append((when.get("test", ""), True))
        elif child.tag == f"{{{_XSL_NS}}}if" and child.find(f"{{{SVRL_NS}}}successful-report") is not None:
            checks.append((child.get("test", ""), False))
        else:
            return None
    if not checks:
        return None
    conditions = []
    for test, negate in checks:
        inlined = _inline(test, lets, global_names)
        if inlined is None:
            break
        conditions.append(f"not({inlined})" if negate else f"({inlined})")
    else:
        if sum(map(len, conditions)) <= _LIMIT * sum(len(test) for test, _ in checks) + 100:
            return " or ".join(conditions)
    return _necessary_condition(checks, global_names)


def _necessary_condition(checks: list[tuple[str, bool]], global_names: set[str]) -> str | None:
    """A condition true at least for the context nodes where the rule reports, from the parts of its
    tests that read no ``let``; None when there is none.

    For a rule whose lets would make the exact condition long (every let written out wherever
    it is read), an assertion ``A or B`` with ``A`` free of lets fails only where ``A`` is false:
    ``not(A)`` keeps the nodes where it may fail, and the template, which evaluates the whole
    test, decides (date-order: only the dated elements with a range, a handful of the dates)."""
    conditions = []
    for test, negate in checks:
        parts = _top_level_or(test) if negate else [test]
        free = [part for part in parts or () if _inline(part, {}, global_names) is not None]
        if not free or (not negate and len(free) < len(parts)):
            return None  # a part of every test must decide, or the rule may report anywhere
        conditions.append(" and ".join(f"not({part})" for part in free) if negate else f"({test})")
    return " or ".join(f"({condition})" for condition in conditions)


# " or " between operands; what stands before "or" decides whether it is the operator (XPath 1.0, 3.7).
_OR = re.compile(r"\s+or\s+")


def _top_level(expression: str):
    """The positions in ``expression`` outside strings and outside any bracket or call, with their
    character: where a top-level operator (``or``, ``|``) may stand."""
    depth, quote = 0, ""
    for index, char in enumerate(expression):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif depth == 0:
            yield index, char


def _top_level_or(expression: str) -> list[str] | None:
    """The operands of ``expression``'s top-level ``or`` (not inside brackets, calls or strings);
    None when an ``or`` there could be a name rather than the operator."""
    parts, start = [], 0
    for index, _ in _top_level(expression):
        if index < start or not (match := _OR.match(expression, index)):
            continue
        before = expression[:index].rstrip()
        if not before or before[-1] in "@:([,/|+-=<>*!":
            return None  # "or" after an operator (or "*", which may be one) is a name
        parts.append(expression[start:index].strip())
        start = match.end()
    parts.append(expression[start:].strip())
    return parts if all(parts) else None


_TOKEN = re.compile(rf"'[^']*'|\"[^\"]*\"|\$(?P<variable>{_NAME})|[\[\]]")


def _inline(expression: str, lets: dict[str, str], global_names: set[str], depth: int = 0) -> str | None:
    """``expression`` with each local variable written out; None when one stands inside a predicate."""
    if depth > 16:
        return None
    parts, position, brackets = [], 0, 0
    for token in _TOKEN.finditer(expression):
        text = token.group()
        if text == "[":
            brackets += 1
        elif text == "]":
            brackets -= 1
        elif token["variable"]:
            name = token["variable"]
            if name in lets:
                if brackets:
                    return None
                value = _inline(lets[name], lets, global_names, depth + 1)
                if value is None:
                    return None
                parts.append(expression[position:token.start()] + f"({value})")
                position = token.end()
            elif name not in global_names:
                return None
    parts.append(expression[position:])
    return "".join(parts)


def _branches(pattern: str) -> list[str]:
    """The branches of a union pattern (top-level ``|``; not inside predicates, calls or strings)."""
    cuts = [index for index, char in _top_level(pattern) if char == "|"]
    bounds = zip([-1, *cuts], [*cuts, len(pattern)])
    return [pattern[start + 1:end].strip() for start, end in bounds]


_SKELETON_STEP = re.compile(r"/\*\[local-name\(\)='(?P<local>[^']*)' and namespace-uri\(\)='(?P<uri>[^']*)'\](?:\[(?P<index>\d+)\])?")


def _locate(document: Document, location: str, siblings: dict | None = None) -> etree._Element | None:
    """The element an SVRL location path points at (its owner for an attribute).

    The skeleton numbers a step among the siblings of the same *local* name in
    any namespace (``count(preceding-sibling::*[local-name()=...])``) but writes
    the step with a namespace test, so after a foreign ``<x:p>`` its ``p[3]``
    names the second TEI ``p`` (or none): such paths are walked here as they
    were counted, each parent's children grouped by local name once
    (``siblings``), so locating every finding costs linear time in all.
    """
    steps = list(_SKELETON_STEP.finditer(location))
    if not steps or steps[0].start() != 0:
        return document.locate(location)
    siblings = {} if siblings is None else siblings
    node: etree._Element | None = None
    for step in steps:
        candidates = [document.root] if node is None else _children_named(node, step["local"], siblings)
        index = int(step["index"] or 1)
        if index > len(candidates):
            return document.locate(location)
        node = candidates[index - 1]
        if etree.QName(node).localname != step["local"] or (etree.QName(node).namespace or "") != step["uri"]:
            return document.locate(location)
    rest = location[steps[-1].end():]
    return node if not rest or rest.startswith("/@") else document.locate(location)


def _children_named(parent: etree._Element, local: str, siblings: dict) -> list[etree._Element]:
    groups = siblings.get(parent)
    if groups is None:
        groups = siblings[parent] = {}
        for child in parent.iterchildren(etree.Element):
            groups.setdefault(etree.QName(child).localname, []).append(child)
    return groups.get(local, [])
