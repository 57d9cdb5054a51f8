"""`--format github`: each problem a GitHub Actions workflow command (::error / ::warning with file, line,
col and the rule as title), escaped by GitHub's rules so that any file name or message stays one command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from cli_support import teikit
from toolkit.errors import Problem
from toolkit.paths import PROJECT_ROOT

TELEGRAM = PROJECT_ROOT / "tei" / "frus1961-63v11-d256.xml"
COMMAND = re.compile(r"^::(?P<command>error|warning) (?P<properties>[^:]*)::(?P<message>[^\r\n]*)$")


def _unescape(text: str) -> str:
    """GitHub's reading of an escaped value (the oracle: the inverse of its documented escapes)."""
    for escaped, character in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, character)
    return text


def _read(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    properties = dict(item.split("=", 1) for item in match["properties"].split(","))
    return match["command"], {key: _unescape(value) for key, value in properties.items()}, _unescape(match["message"])


def test_any_name_and_message_round_trip_as_one_command() -> None:
    problem = Problem("odd, name: 100%.xml", 7, 3, "50% of <p>\nis wrong:\r yes", severity="warning",
                      hint="fix, then: retry", rule="rule:with,comma")
    line = problem.github()
    assert "\n" not in line and "\r" not in line
    command, properties, message = _read(line)
    assert command == "warning"
    assert properties == {"file": "odd, name: 100%.xml", "line": "7", "col": "3", "title": "rule:with,comma"}
    assert message == "50% of <p>\nis wrong:\r yes (hint: fix, then: retry)"


def test_validate_and_lint_write_annotations_on_the_lines_of_the_problems(tmp_path: Path) -> None:
    shutil.copy(PROJECT_ROOT / "tei" / "authority.xml", tmp_path / "authority.xml")
    text = TELEGRAM.read_text(encoding="utf-8").replace('ref="authority.xml#zorin"', 'ref="authority.xml#zorn"', 1)
    # A name left untagged: advice for lint.
    text = text.replace('<persName ref="authority.xml#mccloy">McCloy</persName>', "McCloy", 1)
    (tmp_path / "a,b: c.xml").write_text(text, encoding="utf-8")
    text_run = teikit("validate", "a,b: c.xml", cwd=tmp_path)
    github_run = teikit("validate", "--format", "github", "a,b: c.xml", cwd=tmp_path)
    assert github_run.returncode == text_run.returncode == 1
    expected = [line for line in text_run.stdout.splitlines() if line]
    found = [_read(line) for line in github_run.stdout.splitlines() if line]
    assert len(found) == len(expected) >= 1
    for (command, properties, message), plain in zip(found, expected):
        assert command == "error" and properties["file"] == "a,b: c.xml"
        assert plain.startswith(f"a,b: c.xml:{properties['line']}:{properties['col']}: error: {message}")
        assert plain.endswith(f"[{properties['title']}]")
    lint_text = [line for line in teikit("lint", "a,b: c.xml", cwd=tmp_path).stdout.splitlines() if ": warning: " in line]
    lint = [_read(line) for line in teikit("lint", "--format", "github", "a,b: c.xml", cwd=tmp_path).stdout.splitlines()
            if line.startswith("::warning")]
    assert len(lint) == len(lint_text) >= 1
    assert any(properties["title"] == "untagged-name" for _command, properties, _message in lint)
