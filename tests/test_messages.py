"""Every message names what is wrong where it is; never a traceback; exit codes as documented
(issue 22, class 6). Cases and expectations: tests/fixtures/hardening/messages/expected.json."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.paths import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "hardening" / "messages"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
VALID = Path(__file__).parent / "fixtures" / "hardening" / "names" / "valid.xml"
INVALID = Path(__file__).parent / "fixtures" / "hardening" / "names" / "invalid.xml"
TIMEOUT = 180


def teikit(*args: str, cwd: Path, env: dict | None = None, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "toolkit", *args], stdout=stdout, stderr=subprocess.PIPE, cwd=cwd,
                         timeout=TIMEOUT, check=False,
                         env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})})
    stderr = run.stderr.decode("utf-8")
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert run.returncode in (0, 1, 2), stderr
    return run


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


# --------------------------------------------------------------------------- a bad attribute value under tei_all


@pytest.mark.parametrize("engine", ["lxml", "jing"])
def test_a_bad_value_under_tei_all_is_named_at_its_element(engine: str) -> None:
    case = EXPECTED["tei-bad-when"]
    run = teikit("validate", "--engine", engine, "tei-bad-when.xml", cwd=FIXTURES)
    assert run.returncode == 1
    lines = [line for line in run.stdout.decode().splitlines() if ": error: " in line]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"tei-bad-when.xml:{case['line']}:"), lines[0]
    assert '"when"' in lines[0] or "@when" in lines[0], lines[0]
    if engine == "lxml":
        assert lines[0].startswith(f"tei-bad-when.xml:{case['line']}:{case['column']}: error: {case['message']}")


def test_two_bad_values_are_each_named_at_their_element(tmp_path: Path) -> None:
    text = (FIXTURES / "tei-bad-when.xml").read_text(encoding="utf-8")
    (tmp_path / "two.xml").write_text(text.replace("<p>Third.</p>", '<p>Third <date notBefore="soon">later</date>.</p>'),
                                      encoding="utf-8")
    run = teikit("validate", "two.xml", cwd=tmp_path)
    lines = [line for line in run.stdout.decode().splitlines() if ": error: " in line]
    assert len(lines) == 2, lines
    assert lines[0].startswith('two.xml:13:13: error: <date> has an invalid value for @when: "abc"'), lines
    assert lines[1].startswith('two.xml:14:16: error: <date> has an invalid value for @notBefore: "soon"'), lines


def test_a_bad_value_beside_another_error_leaves_that_error_reported(tmp_path: Path) -> None:
    """The project grammar: the other error (an element out of place) is still reported, where it is."""
    text = INVALID.read_text(encoding="utf-8")
    assert '<date when="2026-11-27">' in text
    (tmp_path / "two.xml").write_text(text.replace('<date when="2026-11-27">', '<date when="abc">'), encoding="utf-8")
    run = teikit("validate", "--profile", "edition", "two.xml", cwd=tmp_path)
    lines = [line for line in run.stdout.decode().splitlines() if ": error: " in line]
    assert any(line.startswith('two.xml:14:9: error: <date> has an invalid value for @when: "abc"') for line in lines), lines
    assert any(line.startswith("two.xml:31:49: error: <bogus> is not allowed here") for line in lines), lines


# --------------------------------------------------------------------------- standard output that cannot be written


def _read_only_stdout():
    return open(os.devnull, "rb")  # noqa: SIM115 - a descriptor open for reading only: writes fail with EBADF


def _closed_pipe():
    read, write = os.pipe()
    os.close(read)  # nothing will ever read: writes fail with EPIPE
    return os.fdopen(write, "wb")


def _full_disk():
    return open("/dev/full", "wb")  # noqa: SIM115 - writes fail with ENOSPC


@pytest.mark.parametrize("document", [VALID, INVALID], ids=["valid", "invalid"])
@pytest.mark.parametrize("make_stdout", [_read_only_stdout, _closed_pipe, _full_disk],
                         ids=["read-only", "closed-pipe", "full-disk"])
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_an_unwritable_stdout_is_exit_2_whatever_the_verdict(tmp_path: Path, document: Path, make_stdout,
                                                             output_format: str) -> None:
    if make_stdout is _full_disk and not Path("/dev/full").exists():
        pytest.fail("/dev/full is missing")
    with make_stdout() as stdout:
        run = teikit("validate", "--format", output_format, str(document), cwd=tmp_path, stdout=stdout)
    if document == VALID and output_format == "text":  # nothing to write (the summary goes to stderr): no loss
        assert run.returncode == 0, run.stderr
        return
    assert run.returncode == 2, run.stderr
    assert "could not be written to standard output" in run.stderr.decode(), run.stderr


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_into_a_closed_pipe_is_no_traceback(tmp_path: Path, option: str) -> None:
    """argparse drops a failed write of its help quietly (exit 0); whatever is left is never a traceback."""
    with _closed_pipe() as stdout:
        run = teikit(option, cwd=tmp_path, stdout=stdout)
    assert run.returncode in (0, 2), run.stderr


def test_a_closed_stdout_is_exit_2(tmp_path: Path) -> None:
    command = f"exec {sys.executable} -m toolkit validate {VALID} >&-"
    run = subprocess.run(["sh", "-c", command], capture_output=True, cwd=tmp_path, timeout=TIMEOUT, check=False,
                         env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    assert run.returncode == 2, run.stderr
    assert b"Traceback" not in run.stderr and b"standard output is closed" in run.stderr


def test_the_lost_output_errors_are_the_streams() -> None:
    from toolkit import cli

    assert {errno.EPIPE, errno.EBADF, errno.ENOSPC} <= cli._LOST_OUTPUT


# --------------------------------------------------------------------------- the build manifest


@pytest.mark.parametrize("name", sorted(EXPECTED["manifests"]))
def test_a_malformed_manifest_stops_the_build_before_anything_is_written(tmp_path: Path, name: str) -> None:
    text, message = EXPECTED["manifests"][name]
    document = tmp_path / "doc.xml"
    document.write_bytes(VALID.read_bytes())
    assert teikit("build", "--jobs", "1", "--out", "out", "doc.xml", cwd=tmp_path).returncode == 0
    manifest = tmp_path / "out" / ".teikit-manifest.json"
    manifest.write_bytes(text.replace("SOURCE", str(document.resolve())).encode("latin-1"))
    before = _snapshot(tmp_path / "out")
    document.write_bytes(INVALID.read_bytes())  # would change outputs, were the build to go on
    run = teikit("build", "--jobs", "1", "--out", "out", "doc.xml", cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    stderr = run.stderr.decode()
    assert "out/.teikit-manifest.json: error: the build manifest" in stderr and message in stderr, stderr
    after = _snapshot(tmp_path / "out")
    after.pop(".teikit-lock", None)
    before.pop(".teikit-lock", None)
    assert after == before


# --------------------------------------------------------------------------- sizes and paths


@pytest.mark.parametrize("name", sorted(EXPECTED["environment"]))
def test_a_bad_teikit_max_size_is_a_usage_error(tmp_path: Path, name: str) -> None:
    value = EXPECTED["environment"][name]
    run = teikit("validate", str(VALID), cwd=tmp_path, env={"TEIKIT_MAX_SIZE": value})
    assert run.returncode == 2
    assert f'TEIKIT_MAX_SIZE="{value}"' in run.stderr.decode(), run.stderr


def test_teikit_max_size_is_honoured_and_max_size_wins(tmp_path: Path) -> None:
    small = teikit("validate", str(VALID), cwd=tmp_path, env={"TEIKIT_MAX_SIZE": "1K"})
    assert small.returncode == 1 and b"larger than the limit of 1024 bytes" in small.stdout
    wider = teikit("validate", "--max-size", "64K", str(VALID), cwd=tmp_path, env={"TEIKIT_MAX_SIZE": "1K"})
    assert wider.returncode == 0, wider.stdout


def test_max_size_below_the_toolkits_own_css_still_builds(tmp_path: Path) -> None:
    css = PROJECT_ROOT / "xslt" / "edition.css"
    limit = VALID.stat().st_size + 1024
    assert css.stat().st_size > limit
    run = teikit("build", "--jobs", "1", "--max-size", str(limit), "--out", "out", str(VALID), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "html" / "edition.css").read_bytes() == css.read_bytes()


@pytest.mark.parametrize("option", ["--out", "--root"])
def test_an_empty_folder_option_is_refused(tmp_path: Path, option: str) -> None:
    run = teikit("build", "--jobs", "1", option, "", str(VALID), cwd=tmp_path)
    assert run.returncode == 2
    assert f"argument {option}: an empty argument names no file or folder" in run.stderr.decode()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- a huge text node


def _huge(tmp_path: Path, nesting: int = 0) -> Path:
    text = VALID.read_text(encoding="utf-8")
    words = "word " * 2_100_000  # 10.5 MB in one text node: beyond libxml2's default 10,000,000
    inner = "<hi>" * nesting + "deep" + "</hi>" * nesting
    path = tmp_path / "huge.xml"
    path.write_text(text.replace("McCloy met Zorin", f"McCloy met Zorin {inner}{words}"), encoding="utf-8")
    return path


def test_a_10_mb_text_node_is_read_within_max_size(tmp_path: Path) -> None:
    path = _huge(tmp_path)
    assert teikit("validate", path.name, cwd=tmp_path).returncode == 0
    run = teikit("build", "--format", "text", "--out", "out", path.name, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    reading = (tmp_path / "out" / "text" / "names-valid-minimal.diplomatic.txt").read_text(encoding="utf-8")
    assert reading.count("word") == 2_100_000
    refused = teikit("validate", "--max-size", "10M", path.name, cwd=tmp_path)
    assert refused.returncode == 1 and b"larger than the limit" in refused.stdout


def test_a_huge_text_node_does_not_lift_the_nesting_limit(tmp_path: Path) -> None:
    path = _huge(tmp_path, nesting=300)
    run = teikit("validate", path.name, cwd=tmp_path)
    assert run.returncode == 1
    line = run.stdout.decode().splitlines()[0]
    assert re.match(r"huge\.xml:31:\d+: error: not well-formed XML: elements nest deeper than 256 levels", line), line
    # The oracle: libxml2's own limit, met in the same document without the huge text node.
    text = path.read_text(encoding="utf-8")
    (tmp_path / "small.xml").write_text(text.replace("word " * 2_100_000, ""), encoding="utf-8")
    oracle = teikit("validate", "small.xml", cwd=tmp_path).stdout.decode().splitlines()[0]
    assert oracle.replace("small.xml", "huge.xml") == line
