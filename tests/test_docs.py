"""The docs and the command line agree: the README's commands run as shown (on
a fresh clone, tests/replay_support.py), every `teikit` subcommand and option
the docs name exists, every one that exists is named in the docs, and every
`make` target they name is in the Makefile.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from replay_support import make_clone, replay
from toolkit.cli import build_parser
from toolkit.paths import PROJECT_ROOT

DOCS = [PROJECT_ROOT / "README.md", PROJECT_ROOT / "CONTRIBUTING.md", *sorted((PROJECT_ROOT / "docs").glob("*.md")),
        *sorted((PROJECT_ROOT / "bench").glob("*.md"))]
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```$", re.S | re.M)
INLINE = re.compile(r"`([^`\n]+)`")


def code(text: str) -> list[str]:
    """The lines of a guide's code: fenced blocks and inline code spans."""
    lines = [line for block in FENCE.findall(text) for line in block.splitlines()]
    return lines + INLINE.findall(FENCE.sub("", text))


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings} - {"-h"}


def test_every_command_the_docs_name_exists() -> None:
    known = subcommands()
    wrong = []
    for doc in DOCS:
        for line in code(doc.read_text(encoding="utf-8")):
            line = re.sub(r"\s#\s.*$", "", line)
            for match in re.finditer(r"\bteikit((?:\s+-[-\w]+)*)(?:\s+(\w[-\w]*))?([^|;]*)", line):
                flags, name, rest = match[1], match[2], match[3]
                if name is None or name not in known:  # `teikit --help`, `teikit --version`, or a typo
                    bad = set(re.findall(r"--[\w-]+", flags)) - options(build_parser())
                    if name and not flags:
                        bad.add(f"no subcommand {name}")
                    wrong += [f"{doc.name}: {line.strip()!r}: {item}" for item in sorted(bad)]
                    continue
                used = set(re.findall(r"(?<![\w-])--[a-z][\w-]*", rest))
                wrong += [f"{doc.name}: {line.strip()!r}: teikit {name} has no {option}"
                          for option in sorted(used - options(known[name]))]
    assert wrong == [], "\n".join(wrong)


def test_every_subcommand_and_option_is_documented() -> None:
    """Each subcommand is shown in the docs, and each of its options in a doc that shows it."""
    texts = {doc: doc.read_text(encoding="utf-8") for doc in DOCS}
    missing = [opt for opt in sorted(options(build_parser()) - {"--help"})
               if not any(opt in text for text in texts.values())]
    for name, parser in subcommands().items():
        showing = [text for text in texts.values() if any(f"teikit {name}" in line for line in code(text))]
        if not showing:
            missing.append(f"teikit {name}")
        missing += [f"teikit {name} {option}" for option in sorted(options(parser) - {"--help"})
                    if not any(option in text for text in showing)]
    assert missing == [], "not in README.md, CONTRIBUTING.md, docs/ or bench/: " + ", ".join(missing)


def _make_targets() -> set[str]:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set()
    for match in re.finditer(r"^([^\s:#=][^:=\n]*):(?!=)", makefile, re.M):
        targets.update(word for word in match[1].split() if "$" not in word)
    return targets


def test_every_make_target_the_docs_name_exists() -> None:
    targets = _make_targets()
    assert {"all", "test", "check", "golden", "tools"} <= targets
    wrong = []
    for doc in DOCS:
        for line in code(doc.read_text(encoding="utf-8")):
            for word in re.findall(r"(?:^|[\s(`])make((?:\s+[a-z][\w./-]*)*)", re.sub(r"\s#\s.*$", "", line)):
                wrong += [f"{doc.name}: {line.strip()!r}: no target {target}"
                          for target in word.split() if target not in targets]
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("guide", ["README.md"])
def test_the_readme_commands_run_as_shown(tmp_path: Path, guide: str) -> None:
    assert replay(make_clone(tmp_path), guide) == []  # nothing tracked changes
