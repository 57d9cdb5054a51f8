"""Kinds of document (profiles): each document is checked as what the project file says it is, else as its
content says; never by its name or its publisher."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from toolkit import kinds, project, relaxng, validate, xmlio
from toolkit.errors import UsageError
from toolkit.paths import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
FRUS = FIXTURES / "frus"
MINIMAL_TEI = FIXTURES / "outputs" / "minimal.xml"


def _profile(path: Path) -> str:
    return kinds.detect(xmlio.parse_document(path).root).name


EDITION_FILES = sorted((PROJECT_ROOT / "tei").glob("*.xml"))
REPOSITORY = PROJECT_ROOT / "pyproject.toml"


@pytest.mark.parametrize("path", EDITION_FILES, ids=lambda p: p.name)
def test_the_edition_is_held_to_its_grammar_and_rules_by_the_project_file(path: Path) -> None:
    found = project.load(REPOSITORY)
    assert found.profile_for(path) == "edition"
    chosen = project.kind_named("edition", found)
    assert (chosen.grammar, chosen.rules) == (PROJECT_ROOT / "schemas" / "telegram.rng",
                                              PROJECT_ROOT / "schemas" / "telegram.sch")


@pytest.mark.parametrize("path", EDITION_FILES, ids=lambda p: p.name)
def test_the_edition_declares_its_grammar_so_a_copy_elsewhere_is_still_the_edition(path: Path) -> None:
    assert _profile(path) == "edition"


def test_the_publisher_no_longer_decides() -> None:
    """Outside the project's globs, a header naming the project as publisher makes no edition document."""
    fixture = FIXTURES / "validate" / "valid-minimal.xml"
    text = fixture.read_text(encoding="utf-8")
    assert "<publisher>Telegram 2477 project</publisher>" in text and "xml-model" not in text
    assert _profile(fixture) == "tei"


@pytest.mark.parametrize(("name", "profile"), [("frus1961-63v06-excerpt.xml", "frus"),
                                               ("frus1961-63v10-12mSupp-excerpt.xml", "frus"),
                                               ("corpus.xml", "tei")])
def test_frus_volumes_and_a_corpus(name: str, profile: str) -> None:
    assert _profile(FRUS / name) == profile


def test_any_other_tei_is_generic() -> None:
    assert _profile(MINIMAL_TEI) == "tei"


def test_the_name_of_a_file_does_not_matter(tmp_path: Path) -> None:
    for source, disguise in [(MINIMAL_TEI, "frus1961-63v11-d256.xml"), (FRUS / "corpus.xml", "frus1961-63v06.xml"),
                             (PROJECT_ROOT / "tei" / "frus1961-63v11-d256.xml", "minimal.xml")]:
        copy = tmp_path / disguise
        shutil.copy(source, copy)
        assert _profile(copy) == _profile(source)


def test_an_xml_model_declaring_the_edition_grammar_makes_an_edition_document(tmp_path: Path) -> None:
    path = tmp_path / "declared.xml"
    text = MINIMAL_TEI.read_text(encoding="utf-8")
    path.write_text(text.replace("<TEI ", '<?xml-model href="../schemas/telegram.rng" '
                                 'type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>\n<TEI ', 1),
                    encoding="utf-8")
    assert _profile(path) == "edition"
    other = tmp_path / "other.xml"
    other.write_text(text.replace("<TEI ", '<?xml-model href="tei_all.rng"?>\n<TEI ', 1), encoding="utf-8")
    assert _profile(other) == "tei"


@pytest.mark.usefixtures("tei_all_rng")
def test_generic_tei_and_a_corpus_are_valid_against_tei_all() -> None:
    report = validate.validate_paths([MINIMAL_TEI, FRUS / "corpus.xml"], jobs=1)
    assert [d.profile for d in report.documents] == ["tei", "tei"]
    assert report.problems == []


@pytest.mark.usefixtures("tei_all_rng")
def test_a_corpus_member_is_held_to_tei_all(tmp_path: Path) -> None:
    text = (FRUS / "corpus.xml").read_text(encoding="utf-8")
    path = tmp_path / "corpus.xml"
    path.write_text(text.replace("<sourceDesc>\n                    <bibl>", "<sourceDesc>\n                    <bibl><p/>", 1),
                    encoding="utf-8")
    errors = validate.validate_paths([path], jobs=1).errors
    # (libxml2 reports the bibl, or the bibl and its new child.)
    assert {p.rule for p in errors} == {"grammar"} and {p.line for p in errors} <= {42, 43}, [p.format() for p in errors]
    assert all("TEI Guidelines" in p.hint for p in errors)


def test_a_corpus_without_a_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corpus.xml"
    path.write_text('<teiCorpus xmlns="http://www.tei-c.org/ns/1.0"><TEI/></teiCorpus>', encoding="utf-8")
    (problem,) = validate.validate_paths([path], jobs=1).problems
    assert problem.message == "<teiCorpus> has no <teiHeader>"


def test_a_missing_tei_all_is_a_usage_error_saying_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        relaxng.TeiGrammar(tmp_path / "tei_all.rng")
    assert "make tei-all" in caught.value.hint


def test_errors_raised_in_a_worker_reach_the_parent_whole() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(UsageError("TEI's tei_all schema is missing", path="x.rng", hint="run `make tei-all`")))
    assert (type(error), error.message, error.path, error.hint) == (
        UsageError, "TEI's tei_all schema is missing", "x.rng", "run `make tei-all`")


@pytest.mark.usefixtures("tei_all_rng")
def test_a_pool_checks_each_document_under_its_own_profile(tmp_path: Path) -> None:
    paths = []
    for n in range(validate.PARALLEL_THRESHOLD // 2):
        for source in (FRUS / "frus1961-63v10-12mSupp-excerpt.xml", MINIMAL_TEI):
            paths.append(tmp_path / f"{n}-{source.name}")
            shutil.copy(source, paths[-1])
    report = validate.validate_paths(paths, jobs=2)
    assert [d.profile for d in report.documents] == ["frus", "tei"] * (len(paths) // 2)
    assert report.problems == []
