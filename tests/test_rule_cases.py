"""Every Schematron rule: a failing case, a passing case, a row in docs/validation.md.

The rule ids are read from the .sch files of the kinds of document
(toolkit/kinds: the edition's schemas/telegram.sch, the FRUS volumes'
toolkit/kinds/frus/frus.sch); each rule's cases sit beside it in its .sch
(``t:fails``/``t:passes``, see tests/validation_support.py) and are run here
as ``check(rule_id, fragment)``: the fragment put into the kind's template,
the document checked by the kind's rules. A new rule without its cases or
without its row in docs/validation.md fails these tests; nothing else needs
to change for it.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from lxml import etree

from toolkit import kinds, schematron
from toolkit.paths import PROJECT_ROOT
from toolkit.xmlio import parse_bytes
from validation_support import EDITION_TEMPLATE, FIXTURES, Case, assemble, cases_in

SCH = "{http://purl.oclc.org/dsdl/schematron}"
DOCS = PROJECT_ROOT / "docs" / "validation.md"
#: The document each kind's cases are put into.
TEMPLATES = {"edition": EDITION_TEMPLATE, "frus": FIXTURES / "frus" / "frus1961-63v10-12mSupp-excerpt.xml"}
RULE_FILES = {kind.name: kind.rules for kind in kinds.all_kinds() if kind.rules is not None}


def _rule_ids(path: Path) -> list[str]:
    return [element.get("id") for element in etree.parse(str(path)).iter(f"{SCH}assert", f"{SCH}report")]


CASES = [(kind, case) for kind, path in sorted(RULE_FILES.items()) for case in cases_in(path)]


@functools.cache
def _rules(path: Path) -> schematron.Rules:
    return schematron.Rules(path)


def check(kind: str, case: Case) -> None:
    """Put the case's fragment into the kind's template and check the document with the kind's rules."""
    text, lines = assemble(case, TEMPLATES[kind])
    document = parse_bytes(Path(f"/cases/{case.name}.xml"), text.encode("utf-8"))
    found = [problem for problem in _rules(RULE_FILES[kind]).check(document) if problem.rule == case.rule]
    shown = "\n".join(problem.format() for problem in found)
    if case.fails:
        assert any(case.message in problem.message and problem.line in lines for problem in found), \
            f"[{case.rule}] not reported on lines {sorted(lines)} saying {case.message!r}:\n{shown}"
    else:
        assert not found, shown


def test_every_kind_with_rules_has_a_template() -> None:
    assert set(RULE_FILES) <= set(TEMPLATES), set(RULE_FILES) - set(TEMPLATES)
    assert {"edition", "frus"} <= set(RULE_FILES)


@pytest.mark.parametrize("kind", sorted(RULE_FILES))
def test_every_rule_has_a_failing_and_a_passing_case(kind: str) -> None:
    ids = _rule_ids(RULE_FILES[kind])
    assert ids and all(ids) and len(ids) == len(set(ids)), ids
    cases = cases_in(RULE_FILES[kind])
    failing, passing = {c.rule for c in cases if c.fails}, {c.rule for c in cases if not c.fails}
    assert set(ids) - failing == set(), "rules without a failing case"
    assert set(ids) - passing == set(), "rules without a passing case"
    assert {c.rule for c in cases} <= set(ids), "cases of no rule"
    assert all(c.message for c in cases if c.fails), "a failing case says what the message holds"


@pytest.mark.parametrize("kind", sorted(RULE_FILES))
def test_every_rule_has_a_row_in_the_documentation(kind: str) -> None:
    documented = set(re.findall(r"^\| `([\w-]+)` \|", DOCS.read_text(encoding="utf-8"), flags=re.M))
    assert set(_rule_ids(RULE_FILES[kind])) - documented == set()


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{kind}:{case.name}" for kind, case in CASES])
def test_rule_case(kind: str, case: Case) -> None:
    check(kind, case)
