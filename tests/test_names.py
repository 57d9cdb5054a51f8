"""File names are bytes the toolkit carries, never text it parses back (issue 22, classes 1 and 5).

The cases are data (tests/fixtures/hardening/names/names.json): an invalid
document under a hostile name (a newline, bytes that are not UTF-8, a name
that looks like a diagnostic), beside a valid one. Whatever the name, the
verdict is the document's (exit 1, its problem reported under its name) with
either engine, and both outputs are valid UTF-8, one problem a line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.paths import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "hardening" / "names"
CASES = {name: case for name, case in json.loads((FIXTURES / "names.json").read_text(encoding="utf-8")).items()
         if not name.startswith("_")}
TIMEOUT = 180


def teikit(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    run = subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, cwd=cwd, timeout=TIMEOUT,
                         check=False, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert b"Traceback" not in run.stderr, run.stderr.decode("utf-8", "replace")
    run.stdout.decode("utf-8")  # strict: both outputs are UTF-8 whatever the names
    run.stderr.decode("utf-8")
    return run


def make_case(tmp_path: Path, case: dict) -> Path:
    """The case's folder: invalid.xml under the hostile name, valid.xml as b-valid.xml."""
    folder = tmp_path / "case"
    inner = folder / case["folder"] if "folder" in case else folder
    inner.mkdir(parents=True)
    shutil.copy(FIXTURES / "invalid.xml", inner / case["name"])
    shutil.copy(FIXTURES / "valid.xml", folder / "b-valid.xml")
    return folder


def grammar_lines(output: bytes) -> list[str]:
    return [line for line in output.decode("utf-8").split("\n") if line.endswith("[grammar]")]


@pytest.mark.parametrize("engine", ["lxml", "jing"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_verdict_does_not_depend_on_the_name(tmp_path: Path, name: str, engine: str) -> None:
    case = CASES[name]
    folder = make_case(tmp_path, case)
    run = teikit("validate", "--jobs", "1", "--engine", engine, ".", cwd=folder)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = grammar_lines(run.stdout)
    assert len(lines) == 1, run.stdout
    assert lines[0].startswith(f"{case['shown']}:31:"), lines[0]
    assert "<bogus>" in lines[0]
    assert "1 invalid" in run.stderr.decode("utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_name_named_alone_is_invalid_with_jing(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    folder = make_case(tmp_path, case)
    relative = str(Path(case.get("folder", ".")) / case["name"])
    run = teikit("validate", "--engine", "jing", relative, cwd=folder)
    assert run.returncode == 1, run.stdout + run.stderr
    assert len(grammar_lines(run.stdout)) == 1, run.stdout


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_reports_are_utf_8_and_name_the_document(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    folder = make_case(tmp_path, case)
    run = teikit("validate", "--format", "json", ".", cwd=folder)
    assert run.returncode == 1
    report = json.loads(run.stdout.decode("utf-8"))
    invalid = [document for document in report["documents"] if not document["valid"]]
    assert [document["path"] for document in invalid] == [case["shown"]]
    assert invalid[0]["problems"][0]["path"] == case["shown"]


def test_a_build_under_names_that_are_not_utf_8_writes_a_utf_8_manifest(tmp_path: Path) -> None:
    folder = make_case(tmp_path, CASES["latin-1-byte"])
    shutil.copy(FIXTURES / "valid.xml", folder / CASES["latin-1-byte"]["name"])  # valid, under the hostile name
    (folder / "b-valid.xml").unlink()
    for _ in range(2):  # the second build reads the manifest the first wrote
        run = teikit("build", "--jobs", "1", "--out", "out", ".", cwd=folder)
        assert run.returncode == 0, run.stdout + run.stderr
    manifest = json.loads((folder / "out" / ".teikit-manifest.json").read_bytes().decode("utf-8"))
    assert [os.fsencode(source) for source in manifest["documents"]] == [
        os.fsencode(str((folder / CASES["latin-1-byte"]["name"]).resolve()))]
    assert (folder / "out" / "html" / "names-valid-minimal.html").is_file()


@pytest.mark.parametrize("second", ["symlink", "hard-link", "other-spelling"])
def test_one_file_named_twice_is_read_once_and_builds(tmp_path: Path, second: str) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    shutil.copy(FIXTURES / "valid.xml", folder / "a.xml")
    other = {"symlink": "link.xml", "hard-link": "hard.xml", "other-spelling": str(folder / "sub" / ".." / "a.xml")}
    (folder / "sub").mkdir()
    if second == "symlink":
        (folder / "link.xml").symlink_to("a.xml")
    elif second == "hard-link":
        os.link(folder / "a.xml", folder / "hard.xml")
    for command in (["validate"], ["lint"], ["build", "--out", "out"]):
        run = teikit(*command, "a.xml", other[second], cwd=folder)
        assert run.returncode == 0, run.stdout + run.stderr
        warnings = [line for line in run.stdout.decode().split("\n") if line.endswith("[file-named-twice]")]
        assert len(warnings) == 1 and warnings[0].startswith("a.xml:1:1: warning: "), run.stdout
    assert (folder / "out" / "html" / "names-valid-minimal.html").is_file()
