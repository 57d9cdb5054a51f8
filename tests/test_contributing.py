"""CONTRIBUTING.md's walkthrough, replayed on a fresh clone (tests/replay_support.py):
the documented commands in order, with the documented exit codes and output,
the documented edits; at the end only files under tei/ have changed. When the
edition or the toolkit moves on, this fails and says which line of the guide
to update, with the real output.
"""

from __future__ import annotations

from pathlib import Path

from replay_support import commands, make_clone, replay, steps
from toolkit.paths import PROJECT_ROOT

GUIDE = "CONTRIBUTING.md"


def test_the_guide_has_a_walkthrough_to_replay() -> None:
    found = steps(PROJECT_ROOT / GUIDE)
    kinds = [step.what.split(",")[0].split()[0] for step in found]
    assert {"run", "output", "edit", "undo"} <= set(kinds), kinds
    assert "make check" in [line for step in found if step.what.startswith("run") for line in commands(step.body)]


def test_the_walkthrough_replays_on_a_fresh_clone(tmp_path: Path) -> None:
    changed = replay(make_clone(tmp_path), GUIDE)
    assert changed == ["tei/frus1961-63v11-d256.xml"], changed
