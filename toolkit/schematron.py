"""The Schematron step: the edition's editorial rules in schemas/telegram.sch.

The rules use the XSLT 1.0 query binding and run through lxml.isoschematron,
compiled once per process. Each failed assertion becomes a located
:class:`~toolkit.errors.Problem` carrying the assertion's id as its rule.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree, isoschematron

from toolkit.errors import Problem, ToolkitError
from toolkit.paths import display_path
from toolkit.xmlio import Document

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
_FINDINGS = (f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report")


class Rules:
    """A Schematron schema compiled once and applied to many documents."""

    def __init__(self, schema: Path):
        try:
            self.schematron = isoschematron.Schematron(etree.parse(str(schema)), store_report=True)
        except (OSError, etree.XMLSyntaxError, etree.SchematronParseError, etree.XSLTParseError) as exc:
            raise ToolkitError(f"the Schematron rules cannot be compiled: {exc}", path=display_path(schema)) from None

    def check(self, document: Document) -> list[Problem]:
        if self.schematron.validate(document.tree):
            return []
        report = self.schematron.validation_report
        return [self._problem(document, finding) for finding in report.iter(*_FINDINGS)]

    @staticmethod
    def _problem(document: Document, finding: etree._Element) -> Problem:
        text = " ".join("".join(finding.itertext()).split())
        node = _locate(document, finding.get("location", ""))
        severity = "warning" if finding.get("role") in ("warning", "warn", "info") else "error"
        return document.problem(node, text, severity=severity, rule=finding.get("id"), step="schematron")


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
