"""The project file ([tool.teikit] or teikit.toml): found from the working directory, its globs decide
each document's profile, --profile overrides, and every report names the profile it applied."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli_support import teikit
from toolkit import project
from toolkit.errors import UsageError
from toolkit.paths import PROJECT_ROOT

TELEGRAM = PROJECT_ROOT / "tei" / "frus1961-63v11-d256.xml"
AUTHORITY = PROJECT_ROOT / "tei" / "authority.xml"
FRUS_VOLUME = PROJECT_ROOT / "tests" / "fixtures" / "frus" / "frus1961-63v10-12mSupp-excerpt.xml"


def _teikit(*arguments: str, cwd: Path):
    return teikit(*arguments, cwd=cwd, timeout=300)


def _repository_layout(folder: Path) -> Path:
    """A copy of this repository's edition: its pyproject.toml (the project file), schemas/ and tei/."""
    shutil.copy(PROJECT_ROOT / "pyproject.toml", folder / "pyproject.toml")
    shutil.copytree(PROJECT_ROOT / "schemas", folder / "schemas")
    (folder / "tei").mkdir()
    shutil.copy(AUTHORITY, folder / "tei" / AUTHORITY.name)
    return folder / "tei"


def test_a_document_saved_in_tei_with_another_publisher_is_still_checked_as_the_edition(tmp_path: Path) -> None:
    tei = _repository_layout(tmp_path)
    text = TELEGRAM.read_text(encoding="utf-8")
    # Another publisher, no schema declaration, and a name without its pointer (an edition rule).
    text = text.replace("<publisher>Telegram 2477 project</publisher>", "<publisher>Another press</publisher>")
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("<?xml-model"))
    assert "Telegram 2477 project</publisher>" not in text and "<?xml-model" not in text
    text = text.replace('<persName ref="authority.xml#yost">', "<persName>", 1)
    (tei / "new-letter.xml").write_text(text, encoding="utf-8")

    run = _teikit("validate", "--format", "json", cwd=tmp_path / "tei")  # from a folder below the project's
    assert run.returncode == 1, run.stderr
    report = {document["path"]: document for document in json.loads(run.stdout)["documents"]}
    assert {path: document["profile"] for path, document in report.items()} == {
        "authority.xml": "edition", "new-letter.xml": "edition"}
    assert "name-has-ref" in {problem["rule"] for problem in report["new-letter.xml"]["problems"]}

    text_run = _teikit("validate", cwd=tmp_path)
    assert "profile edition: tei/authority.xml, tei/new-letter.xml" in text_run.stderr.splitlines()


def test_profile_overrides_the_project_and_the_content(tmp_path: Path) -> None:
    """A FRUS volume is valid as what it is, and held to tei_all alone (without the FRUS namespace) when told."""
    run = _teikit("validate", "--format", "json", str(FRUS_VOLUME), cwd=PROJECT_ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["documents"][0]["profile"] == "frus"
    run = _teikit("validate", "--format", "json", "--profile", "tei", str(FRUS_VOLUME), cwd=PROJECT_ROOT)
    assert run.returncode == 1, run.stdout + run.stderr
    (document,) = json.loads(run.stdout)["documents"]
    assert document["profile"] == "tei" and {problem["rule"] for problem in document["problems"]} == {"grammar"}


def test_globs_give_profiles_first_match_wins_and_auto_leaves_it_to_the_content(tmp_path: Path) -> None:
    (tmp_path / "teikit.toml").write_text(
        '[documents]\n"volumes/special-*.xml" = "tei"\n"volumes/*.xml" = "frus"\n"misc/**/*.xml" = "auto"\n',
        encoding="utf-8")
    (tmp_path / "volumes").mkdir()
    for name in ("special-1.xml", "v06.xml"):
        shutil.copy(FRUS_VOLUME, tmp_path / "volumes" / name)
    (tmp_path / "misc" / "deep").mkdir(parents=True)
    shutil.copy(FRUS_VOLUME, tmp_path / "misc" / "deep" / "volume.xml")
    run = _teikit("validate", "--format", "json", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr  # the volume held to tei_all alone is not valid TEI
    assert {d["path"]: d["profile"] for d in json.loads(run.stdout)["documents"]} == {
        "misc/deep/volume.xml": "frus", "volumes/special-1.xml": "tei", "volumes/v06.xml": "frus"}


@pytest.mark.parametrize("pattern", ["*.xml", "tei/*.xml", "**/*.xml", "a/**/b/*.xml", "a/*/c.xml", "[ab]*/**/*.x?l",
                                     "**/.hidden.xml"])
def test_a_glob_matches_what_pathlib_lists(tmp_path: Path, pattern: str) -> None:
    """The oracle: pathlib's own glob over a tree of files."""
    for name in ("x.xml", "tei/a.xml", "tei/.hidden.xml", "a/b/y.xml", "a/q/b/z.xml", "a/b/c.xml", "a/x/c.xml",
                 "b/c/d/e.xml", "tei/sub/deeper.xml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<x/>")
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    listed = {path for path in tmp_path.glob(pattern) if path.is_file()}
    matched = {path for path in files if project.glob_match(pattern, path.relative_to(tmp_path).as_posix())}
    assert matched == listed


def test_the_project_file_is_found_walking_up_teikit_toml_first(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")  # no [tool.teikit]
    below = tmp_path / "edition"
    (below / "deep" / "er").mkdir(parents=True)
    (below / "pyproject.toml").write_text('[tool.teikit]\ntitle = "From pyproject"\n', encoding="utf-8")
    assert project.find(below / "deep" / "er").title == "From pyproject"
    (below / "teikit.toml").write_text('title = "From teikit.toml"\n', encoding="utf-8")
    assert project.find(below / "deep").title == "From teikit.toml"
    assert project.find(tmp_path) is None  # a pyproject.toml without [tool.teikit] is no project


@pytest.mark.parametrize(("content", "says"), [
    ('title = "x"\noutput = \n', "pyproject.toml:3:10: error: the project file is not valid TOML"),
    ('titel = "x"\n', 'unknown key "titel"'),
    ('[tool.teikit.documents]\n"tei/*.xml" = "letters"\n', 'unknown profile "letters"'),
    ('[tool.teikit.documents]\n"../tei/*.xml" = "edition"\n', 'without ".."'),
    ('grammar = "schemas/none.rng"\n', 'the grammar "schemas/none.rng" is not a file'),
])
def test_a_wrong_project_file_is_one_located_usage_error(tmp_path: Path, content: str, says: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.teikit]\n" + content, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        project.find(tmp_path)
    assert says in str(caught.value)
    run = _teikit("validate", str(TELEGRAM), cwd=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr and says in run.stderr
    assert run.stderr.count("\n") == 1


def test_outside_any_project_documents_must_be_named(tmp_path: Path) -> None:
    run = _teikit("validate", cwd=tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "no project file here or in any folder above" in run.stderr and "teikit new" in run.stderr


def test_build_takes_its_output_folder_base_url_and_title_from_the_project(tmp_path: Path) -> None:
    _repository_layout(tmp_path)
    shutil.copy(TELEGRAM, tmp_path / "tei" / TELEGRAM.name)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8")
                         .replace('output = "build"', 'output = "site"')
                         .replace('title = "Telegram 2477 project"', 'title = "A Test Edition"')
                         .replace('base-url = "https://telegram2477.github.io/edition/"',
                                  'base-url = "https://example.org/test/"'), encoding="utf-8")
    run = _teikit("build", "--format", "html", cwd=tmp_path / "tei")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "profile edition: authority.xml, frus1961-63v11-d256.xml" in run.stderr.splitlines()
    index = (tmp_path / "site" / "html" / "index.html").read_text(encoding="utf-8")
    assert "<h1>A Test Edition</h1>" in index and "<title>A Test Edition: documents</title>" in index
    page = (tmp_path / "site" / "html" / "frus1961-63v11-d256.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/test/frus1961-63v11-d256.html"' in page


def test_a_project_adds_its_own_kinds_and_gives_them_documents(tmp_path: Path) -> None:
    from test_kinds import KIND_GRAMMAR, KIND_INIT, KIND_RULES, KIND_STYLESHEET
    from toolkit import kinds

    folder = tmp_path / "kinds" / "letters"
    folder.mkdir(parents=True)
    for name, text in (("__init__.py", KIND_INIT), ("letters.rng", KIND_GRAMMAR), ("letters.sch", KIND_RULES),
                       ("letters.xsl", KIND_STYLESHEET)):
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "teikit.toml").write_text('kinds = ["kinds/letters"]\n\n[documents]\n"letters/*.xml" = "letters"\n',
                                          encoding="utf-8")
    (tmp_path / "letters").mkdir()
    # No idno type="letters": the kind's recogniser would not claim it; the project's glob does.
    (tmp_path / "letters" / "dear.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>A letter</title>'
        "</titleStmt><publicationStmt><p>Unpublished.</p></publicationStmt><sourceDesc><p>A draft.</p></sourceDesc>"
        "</fileDesc></teiHeader><text><body><p>Dear friend, no closer.</p></body></text></TEI>", encoding="utf-8")
    try:
        run = _teikit("validate", "--format", "json", cwd=tmp_path)
        assert run.returncode == 1, run.output
        (document,) = json.loads(run.stdout)["documents"]
        assert document["profile"] == "letters"
        assert [problem["rule"] for problem in document["problems"]] == ["letters-closer"]
    finally:
        kinds.unregister("letters")
