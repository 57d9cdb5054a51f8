"""The fast Schematron validator reports exactly what lxml's own ISO Schematron validator reports.

toolkit/schematron.py rewrites the validator the ISO skeleton generates from
schemas/telegram.sch (contexts selected once, rules applied only where their
tests fail). These tests hold it to the untouched validator, finding for
finding (assertion id, location, message, in order), on the edition, the
fixtures and documents broken on purpose in every way the rules look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree, isoschematron

from toolkit import schematron
from toolkit.paths import PROJECT_ROOT, SCHEMATRON_RULES
from validation_support import assemble, cases_in, validation_cases

#: The frozen copy of the edition (tests/fixtures/outputs/edition/): the mutations
#: below search its text, which a correction under tei/ must not move.
TELEGRAM = PROJECT_ROOT / "tests" / "fixtures" / "outputs" / "edition" / "frus1961-63v11-d256.xml"
FIXTURES = Path(__file__).parent / "fixtures" / "validate"

# (name, what to change in the telegram's text): each breaks one or more rules.
MUTATIONS = [
    ("impossible-day", lambda t: re.sub(r'<date when="1962-12-23"', '<date when="1962-02-30"', t, count=1)),
    ("leap-day", lambda t: re.sub(r'<date when="1962-12-23"', '<date when="1900-02-29"', t, count=1)),
    ("month-13", lambda t: re.sub(r'<date when="1962-12-23"', '<date when="1962-13-01"', t, count=1)),
    ("year-range", lambda t: re.sub(r'<date when="1962-12-23"', '<date when="1762-12-23"', t, count=1)),
    ("backwards", lambda t: re.sub(r'<date when="[^"]*"', '<date notBefore="1962-12-24" notAfter="1962-12-22"', t,
                                   count=2)),
    ("backwards-from-to", lambda t: re.sub(r'<date when="[^"]*"', '<date from="1962-11-24" to="1962-10-22"', t,
                                           count=1)),
    ("abbr-alone", lambda t: re.sub(r"<choice>(<abbr[^>]*>[^<]*</abbr>)<expan>[^<]*</expan></choice>", r"\1", t,
                                    count=2)),
    ("expan-alone", lambda t: re.sub(r"<choice><abbr[^>]*>[^<]*</abbr>(<expan>[^<]*</expan>)</choice>", r"\1", t,
                                     count=1)),
    ("sic-alone", lambda t: re.sub(r"<choice>(<sic>[^<]*</sic>)<corr>[^<]*</corr></choice>", r"\1", t, count=1)),
    ("corr-alone", lambda t: re.sub(r"<choice><sic>[^<]*</sic>(<corr>[^<]*</corr>)</choice>", r"\1", t, count=1)),
    ("abbr-untyped", lambda t: re.sub(r'<abbr type="[^"]*">', "<abbr>", t, count=3)),
    ("mixed-choice", lambda t: re.sub(r"<choice><sic>([^<]*)</sic>", r"<choice><abbr>\1</abbr>", t, count=1)),
    ("three-in-choice", lambda t: t.replace("</choice>", "<orig>o</orig></choice>", 1)),
    ("empty-name", lambda t: re.sub(r'(<persName ref="[^"]*">)[^<]*(</persName>)', r"\1 \2", t, count=2)),
    ("no-ref", lambda t: re.sub(r'<orgName ref="[^"]*">', "<orgName>", t, count=3)),
    ("p-no-id", lambda t: re.sub(r'<p xml:id="[^"]*" n="3"', '<p n="3"', t, count=1)),
    ("p-no-n", lambda t: re.sub(r'<p xml:id="([^"]*)" n="4"', r'<p xml:id="\1"', t, count=1)),
    ("change-no-when", lambda t: re.sub(r"<change when=\"[^\"]*\"", "<change", t, count=1)),
    ("no-creation-date", lambda t: re.sub(r"<creation>.*?</creation>", "<creation><date>x</date></creation>", t,
                                          count=1, flags=re.S)),
    ("two-dates-one-line", lambda t: re.sub(r'<date when="1962-12-23"([^>]*)>', r'<date when="1962-02-30"\1>'
                                            r'<date when="1562-12-23">x</date>', t, count=1)),
]


def _findings(report: etree._ElementTree) -> list[tuple[str, str, str, str]]:
    svrl = isoschematron.SVRL_NS
    return [(etree.QName(f).localname, f.get("id", ""), f.get("location", ""), " ".join("".join(f.itertext()).split()))
            for f in report.iter(f"{{{svrl}}}failed-assert", f"{{{svrl}}}successful-report")]


@pytest.fixture(scope="module")
def validators() -> tuple[isoschematron.Schematron, list[etree.XSLT]]:
    reference = isoschematron.Schematron(etree.parse(str(SCHEMATRON_RULES)), store_report=True)
    rules = schematron.Rules(SCHEMATRON_RULES)
    assert rules._validator is not None, "the fast validator was not built: the generated XSLT is not as expected"
    assert rules._small is not rules._validator, "the rules have unions: small documents get a validator of their own"
    # Both, on every document: the one for large documents (linear forms) and the one for small ones (unions).
    return reference, [rules._validator, rules._small]


def _parse(data: bytes) -> etree._ElementTree | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError:
        return None  # not well-formed: never reaches Schematron


def _documents() -> list[tuple[str, bytes]]:
    telegram = TELEGRAM.read_text(encoding="utf-8")
    documents = [(name, change(telegram).encode("utf-8")) for name, change in MUTATIONS]
    documents += [(path.name, path.read_bytes()) for path in sorted(FIXTURES.rglob("*.xml"))]
    # Every validation case and every rule's case, failing and passing, as the whole document it makes.
    documents += [(case.name, assemble(case)[0].encode("utf-8"))
                  for case in [*validation_cases(), *cases_in(SCHEMATRON_RULES)]]
    documents.append(("telegram", telegram.encode("utf-8")))
    return [(name, data) for name, data in documents if _parse(data) is not None]


DOCUMENTS = _documents()


@pytest.mark.parametrize(("name", "data"), DOCUMENTS, ids=[name for name, _ in DOCUMENTS])
def test_fast_validator_finds_what_the_iso_validator_finds(validators, name: str, data: bytes) -> None:
    reference, fast = validators
    tree = _parse(data)
    reference.validate(tree)
    expected = _findings(reference.validation_report)
    for validator in fast:
        assert _findings(validator(tree)) == expected
    if name in dict(MUTATIONS):
        assert expected, f"{name} breaks no rule: the mutation no longer applies to the telegram"


FRUS_RULES = PROJECT_ROOT / "toolkit" / "kinds" / "frus" / "frus.sch"
FRUS_FIXTURES = sorted((Path(__file__).parent / "fixtures" / "frus").glob("*.xml"))


@pytest.mark.parametrize("path", FRUS_FIXTURES, ids=[path.name for path in FRUS_FIXTURES])
def test_the_frus_rules_fast_validators_find_what_the_iso_validator_finds(path: Path) -> None:
    reference = isoschematron.Schematron(etree.parse(str(FRUS_RULES)), store_report=True)
    rules = schematron.Rules(FRUS_RULES)
    tree = etree.parse(str(path))
    reference.validate(tree)
    expected = _findings(reference.validation_report)
    for validator in (rules._validator, rules._small):
        assert validator is not None
        assert _findings(validator(tree)) == expected
