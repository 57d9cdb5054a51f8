"""Replaying a guide (CONTRIBUTING.md, README.md) on a fresh clone, so that a
guide breaks the build when it goes stale.

A guide marks what a contributor does with HTML comments (invisible on
GitHub) before each block:

* ``<!-- replay: run -->`` before a ``sh`` block: each line is run in the
  clone, in order, and must exit 0 (``<!-- replay: run, exit N -->``: N);
* ``<!-- replay: output -->`` before a ``text`` block: the standard output of
  the command just run, line for line;
* ``<!-- replay: edit PATH -->`` before a ``diff`` block: the edit to make
  (lines `` ``, ``-`` and ``+``; the lines before it must be in the file once);
* ``<!-- replay: undo -->``: the last edit taken back.

The clone is the contributor's fork: ``origin/main`` is the commit it starts
from, its venv is this one's (linked, as bench/run.py does), and ``make check``
runs the tests that read tei/ (the whole suite runs once already, outside).
At the end only files under tei/ have changed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit.paths import PROJECT_ROOT

MARKER = re.compile(r"<!-- replay: (?P<what>[^>]*?) -->\n(?:\n?```(?P<lang>\w*)\n(?P<body>.*?)^```$)?",
                    re.S | re.M)
#: What `make check` and `make test` run in the clone: the tests that read tei/
#: (the goldens read the frozen copy, which no correction touches; they and the
#: rest of the suite run once, outside). The machine's set-up (tools, tei-all,
#: axe) was done by the outer `make test`.
NESTED_TESTS = "tests/test_edition.py tests/test_integrity.py tests/test_fidelity.py tests/test_lint.py"
NESTED_MAKE = ["-o", "tools", "-o", "tei-all", "-o", "axe", "-o", "citeproc-js", f"PYTEST_ARGS=-q -n 0 -p no:cacheprovider {NESTED_TESTS}"]


@dataclass
class Step:
    guide: str
    what: str
    lang: str
    body: str
    line: int

    def where(self) -> str:
        return f"{self.guide}:{self.line}: replay: {self.what}"


def steps(guide: Path) -> list[Step]:
    text = guide.read_text(encoding="utf-8")
    return [Step(guide.name, m["what"].strip(), m["lang"] or "", m["body"] or "", text.count("\n", 0, m.start()) + 1)
            for m in MARKER.finditer(text)]


def commands(body: str) -> list[str]:
    """The block's command lines, without their trailing `# comments`."""
    found = []
    for line in body.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line and not line.startswith("#"):
            found.append(line)
    return found


def hunk(body: str) -> tuple[str, str]:
    """The text an edit block replaces, and its replacement."""
    old, new = [], []
    for line in body.splitlines():
        sign, rest = line[:1], line[1:]
        if sign in (" ", "-"):
            old.append(rest)
        if sign in (" ", "+"):
            new.append(rest)
        assert sign in (" ", "-", "+"), f"not a diff line: {line!r}"
    return "\n".join(old) + "\n", "\n".join(new) + "\n"


def git(clone: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=clone, capture_output=True, text=True, check=True).stdout


def make_clone(tmp_path: Path) -> Path:
    """A fresh clone of this repository's last commit, set up as a contributor's fork."""
    clone = tmp_path / "fork"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_ROOT), str(clone)], check=True)
    git(clone, "update-ref", "refs/remotes/origin/main", "HEAD")
    venv, shared = clone / ".venv", Path(sys.prefix)
    venv.mkdir()
    for part in shared.iterdir():  # this venv's interpreter and packages, linked
        if part.name != ".ready":
            (venv / part.name).symlink_to(part)
    (venv / ".ready").touch()  # newer than pyproject.toml: make must not reinstall the shared venv
    return clone


def environment(clone: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL") and not key.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(clone)  # the clone's toolkit, not the editable install's
    env.update(GIT_AUTHOR_NAME="Jane Doe", GIT_AUTHOR_EMAIL="jdoe@example.org",
               GIT_COMMITTER_NAME="Jane Doe", GIT_COMMITTER_EMAIL="jdoe@example.org")
    return env


def run(clone: Path, command: str) -> subprocess.CompletedProcess:
    argv = ["bash", "-c", command]
    if re.fullmatch(r"make (check|test)\b.*", command):
        argv = ["make", "--no-print-directory", *command.split()[1:], *NESTED_MAKE]
    return subprocess.run(argv, cwd=clone, env=environment(clone), capture_output=True, text=True, timeout=600)


def replay(clone: Path, guide: str) -> list[str]:
    """Replay ``guide`` of the clone; the files it changed (committed or not)."""
    start = git(clone, "rev-parse", "HEAD").strip()
    last: subprocess.CompletedProcess | None = None
    edits: list[tuple[Path, str, str]] = []
    for step in steps(clone / guide):
        kind, _, argument = step.what.partition(" ")
        if kind.rstrip(",") == "run":
            wanted = int(re.search(r"exit (\d+)", step.what)[1]) if "exit" in step.what else 0
            for command in commands(step.body):
                last = run(clone, command)
                assert last.returncode == wanted, (
                    f"{step.where()}: `{command}` exited {last.returncode}, the guide says {wanted}\n"
                    f"{last.stdout}{last.stderr}")
        elif kind == "output":
            assert last is not None, f"{step.where()}: no command before it"
            assert last.stdout.rstrip("\n").splitlines() == step.body.rstrip("\n").splitlines(), (
                f"{step.where()}: the guide's output is stale; the real output:\n{last.stdout}")
        elif kind == "edit":
            path = clone / argument.strip()
            old, new = hunk(step.body)
            text = path.read_text(encoding="utf-8")
            assert text.count(old) == 1, f"{step.where()}: the lines to change are not in {argument} once:\n{old}"
            path.write_text(text.replace(old, new), encoding="utf-8")
            edits.append((path, old, new))
        elif kind == "undo":
            path, old, new = edits.pop()
            path.write_text(path.read_text(encoding="utf-8").replace(new, old), encoding="utf-8")
        else:
            pytest.fail(f"{step.where()}: unknown step")
    return sorted(set(git(clone, "diff", "--name-only", start, "HEAD").split()
                      + [line[3:] for line in git(clone, "status", "--porcelain").splitlines()]))
