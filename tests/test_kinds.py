"""A kind of document is a folder (toolkit/kinds/): a kind added from a folder outside the
package, with its own recogniser, grammar, rules, stylesheet module and lint and diff
settings, is validated, built, linted and diffed as that kind, with nothing else edited."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from toolkit import build, kinds, lint, validate
from toolkit.diff import diff_paths
from toolkit.errors import UsageError
from toolkit.xmlio import parse_document

# The kind's folder, as a project would write it: the kind, a grammar, one rule, a stylesheet module.
KIND_INIT = '''"""Letters: TEI documents whose header says idno type="letters"."""
from pathlib import Path

from toolkit.kinds import Kind

HERE = Path(__file__).parent


def recognise(root):
    return bool(root.xpath("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:idno[@type = 'letters']",
                           namespaces={"tei": "http://www.tei-c.org/ns/1.0"}))


KIND = Kind("letters", "a letter of a correspondence edition", recognise,
            grammar=HERE / "letters.rng", rules=HERE / "letters.sch", stylesheets=(HERE / "letters.xsl",),
            lint_rules=frozenset(), revision_entries=False)
'''
# Any TEI document: a TEI root and anything inside it.
KIND_GRAMMAR = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start><element><nsName ns="http://www.tei-c.org/ns/1.0"/><ref name="any"/></element></start>
  <define name="any"><zeroOrMore><choice><attribute><anyName/></attribute><text/>
    <element><anyName/><ref name="any"/></element></choice></zeroOrMore></define>
</grammar>
"""
KIND_RULES = """<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern><rule context="tei:text">
    <assert id="letters-closer" test=".//tei:closer">a letter ends with a closer: "<value-of select="normalize-space()"/>" has none</assert>
  </rule></pattern>
</schema>
"""
# Published as every document is, plus one file of its own: the letter's salutation.
KIND_STYLESHEET = """<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:telegram2477:xslt"
  xpath-default-namespace="http://www.tei-c.org/ns/1.0" exclude-result-prefixes="#all">
  <xsl:template match="document-node()[$t:profile = 'letters']" mode="t:publish" priority="3" as="element()*">
    <xsl:sequence select="t:document-files(., tokenize($t:formats))"/>
    <xsl:if test="tokenize($t:formats) = 'text'">
      <xsl:sequence select="t:file('text', t:doc-id(.) || '.salute.txt', normalize-space(//salute) || '&#10;')"/>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
"""
LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="letter1">
  <teiHeader><fileDesc>
    <titleStmt><title>A letter of October 1962</title></titleStmt>
    <publicationStmt><idno type="letters">1</idno></publicationStmt>
    <sourceDesc><p>A test fixture.</p></sourceDesc>
  </fileDesc></teiHeader>
  <text><body><div>
    <opener><salute>Dear Adlai,</salute></opener>
    <p>I write on October 27 about the talks.</p>
    CLOSER
  </div></body></text>
</TEI>
"""


@pytest.fixture
def letters(tmp_path: Path):
    folder = tmp_path / "letters"
    folder.mkdir()
    for name, text in (("__init__.py", KIND_INIT), ("letters.rng", KIND_GRAMMAR), ("letters.sch", KIND_RULES),
                       ("letters.xsl", KIND_STYLESHEET)):
        (folder / name).write_text(text, encoding="utf-8")
    kind = kinds.load_folder(folder)
    yield kind
    kinds.unregister("letters")


def _letter(folder: Path, name: str = "letter1.xml", closer: str = "<closer>Yours, John</closer>") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(LETTER.replace("CLOSER", closer), encoding="utf-8")
    return path


def test_a_kind_from_a_folder_is_detected_validated_and_built(letters: kinds.Kind, tmp_path: Path) -> None:
    good = _letter(tmp_path / "docs")
    assert kinds.detect(parse_document(good).root) is letters
    report = validate.validate_paths([good])
    assert report.documents[0].profile == "letters" and not report.problems

    out = tmp_path / "out"
    result = build.build([good], out, ("html", "text"), access_date=datetime.date(2025, 1, 15))
    assert not result.problems
    assert (out / "text" / "letter1.salute.txt").read_text(encoding="utf-8") == "Dear Adlai,\n"
    assert "I write on October 27" in (out / "text" / "letter1.reading.txt").read_text(encoding="utf-8")
    assert (out / "html" / "letter1.html").is_file()


def test_the_kinds_rules_and_grammar_apply(letters: kinds.Kind, tmp_path: Path) -> None:
    bad = _letter(tmp_path / "docs", closer="")
    problems = validate.validate_paths([bad]).problems
    assert [problem.rule for problem in problems] == ["letters-closer"]
    assert "has none" in problems[0].message
    out = tmp_path / "out"
    result = build.build([bad], out, ("text",))
    assert result.failed and not (out / "text").exists()


def test_lint_and_diff_ask_the_kind(letters: kinds.Kind, tmp_path: Path) -> None:
    letter = _letter(tmp_path / "docs")
    # The kind lints no rule: the untagged date "October 27" is not reported for it ...
    assert lint.lint_paths([letter]) == []
    # ... nor does it ask for a revisionDesc entry with a markup change.
    changed = _letter(tmp_path / "new", closer="<closer>Yours, <persName>John</persName></closer>")
    result = diff_paths(letter, changed)
    assert result.markup_changes and not result.missing_revision_entry and result.exit_code == 0


def test_without_the_kind_the_same_letter_is_generic_tei(tmp_path: Path) -> None:
    letter = _letter(tmp_path / "docs")
    assert kinds.detect(parse_document(letter).root).name == "tei"
    assert [problem.rule for problem in lint.lint_paths([letter])] == ["untagged-date"]
    changed = _letter(tmp_path / "new", closer="<closer>Yours, <persName>John</persName></closer>")
    assert diff_paths(letter, changed).missing_revision_entry


def test_the_build_workers_load_the_kind_too(letters: kinds.Kind, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    count = build.PARALLEL_THRESHOLD + 1
    for number in range(count):
        _letter(folder, f"letter{number:02}.xml").write_text(
            LETTER.replace("CLOSER", "<closer>Yours</closer>").replace('"letter1"', f'"letter{number:02}"'),
            encoding="utf-8")
    result = build.build([folder], tmp_path / "out", ("text",), validate=False, jobs=2)
    assert not result.problems and len(result.built) == count
    assert len(list((tmp_path / "out" / "text").glob("*.salute.txt"))) == count


def test_a_folder_without_a_kind_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="__init__.py"):
        kinds.load_folder(tmp_path / "empty")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "__init__.py").write_text("KIND = 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="defines no KIND"):
        kinds.load_folder(broken)
    assert [kind.name for kind in kinds.all_kinds()] == list(kinds.BUILT_IN)


def test_the_built_in_kinds_are_folders_of_the_one_list() -> None:
    assert [kind.name for kind in kinds.all_kinds()] == ["frus", "edition", "tei"] == list(kinds.BUILT_IN)
    package = Path(kinds.__file__).parent
    for kind in kinds.all_kinds():
        assert (package / kind.name / "__init__.py").is_file()
        assert all(path.is_file() for path in kind.stylesheets)
    # What belongs to one kind alone lives in its folder.
    assert kinds.get("frus").rules.parent == package / "frus"


def test_every_kind_folder_reaches_the_wheel() -> None:
    """A built-in kind's folder is a package of pyproject.toml, its own data files package data of it."""
    import tomllib

    from toolkit.paths import PROJECT_ROOT

    setuptools = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    package = Path(kinds.__file__).parent
    for name in kinds.BUILT_IN:
        assert f"toolkit.kinds.{name}" in setuptools["packages"]
        patterns = setuptools.get("package-data", {}).get(f"toolkit.kinds.{name}", [])
        data = [path for path in (package / name).iterdir() if path.is_file() and path.suffix != ".py"]
        assert all(any(path.match(pattern) for pattern in patterns) for path in data), (name, data, patterns)
