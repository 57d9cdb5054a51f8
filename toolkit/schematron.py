"""The Schematron step: the edition's editorial rules in schemas/telegram.sch.

The rules use the XSLT 1.0 query binding and run through lxml.isoschematron,
compiled once per process. Each failed assertion becomes a located
:class:`~toolkit.errors.Problem` carrying the assertion's id as its rule.

Speed: the ISO skeleton's default validator walks the whole document twice per
pattern (once in the pattern's mode, visiting every attribute, and once more in
the default mode, which outputs nothing). When the rules allow it
(:func:`_select_by_key`), the validator is compiled with the skeleton's own
``select-contexts=key`` strategy, which picks each pattern's context nodes with
one ``xsl:key``; the empty default-mode walk and the ``svrl:fired-rule``
elements (a record of every rule that fired, which nothing here reads) are
dropped (:func:`_lean`). Failed assertions and successful reports are the
same, element for element; a document is checked about five times faster.
"""

from __future__ import annotations

import copy
import re
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
        except (OSError, etree.XMLSyntaxError, etree.SchematronParseError, etree.XSLTParseError) as exc:
            raise ToolkitError(f"the Schematron rules cannot be compiled: {exc}", path=display_path(schema)) from None

    def check(self, document: Document) -> list[Problem]:
        if self._validator is None:
            if self.schematron.validate(document.tree):
                return []
            report = self.schematron.validation_report
        else:
            # What Schematron.validate does: invalid only when an assertion failed.
            report = self._validator(document.tree)
            if not isoschematron.svrl_validation_errors(report):
                return []
        return [self._problem(document, finding) for finding in report.iter(*_FINDINGS)]

    @staticmethod
    def _problem(document: Document, finding: etree._Element) -> Problem:
        text = " ".join("".join(finding.itertext()).split())
        node = _locate(document, finding.get("location", ""))
        severity = "warning" if finding.get("role") in ("warning", "warn", "info") else "error"
        return document.problem(node, text, severity=severity, rule=finding.get("id"), step="schematron")


def _select_by_key(schema: etree._ElementTree) -> bool:
    """Whether every rule context can be an ``xsl:key`` pattern that selects what the tree walk would."""
    contexts = [rule.get("context", "") for rule in schema.iter(f"{{{_SCH_NS}}}rule")]
    return bool(contexts) and not any(_NOT_KEYABLE.search(context) for context in contexts)


def _lean(validator: etree._ElementTree | None) -> etree.XSLT | None:
    """The validator without work whose output nothing reads.

    Dropped: the skeleton's default-mode ``apply-templates`` in each active
    pattern (that walk can only output text, and the skeleton's own template
    strips text in the default mode; dropped only when no other default-mode
    template exists), and the ``svrl:fired-rule`` element each rule writes
    whenever it fires. None (use lxml's validator) when the XSLT is not as expected.
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
    for fired in list(root.iter(f"{{{SVRL_NS}}}fired-rule")):
        fired.getparent().remove(fired)
    return etree.XSLT(validator)


def _locate(document: Document, location: str) -> etree._Element | None:
    """The element an SVRL location path points at (its owner for an attribute)."""
    try:
        found = document.tree.xpath(location) if location else []
    except etree.XPathError:
        return None
    node = found[0] if found else None
    if node is not None and not isinstance(node, etree._Element):
        node = node.getparent() if hasattr(node, "getparent") else None
    return node
