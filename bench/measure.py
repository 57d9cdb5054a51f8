"""What the benchmark scripts share: where the real FRUS volumes are, and one command timed.

The volumes of ../shared/frus (absent on a fresh clone: the scripts that need
them say so) are looked for beside the repository and one level up (a git
worktree). :func:`run` gives a command's wall and CPU seconds, the CPU from
``wait4`` (user + system, its children included), which the load of other
processes on a shared machine does not inflate as it does the wall clock.
:func:`write_bytecode` gives a toolkit tree its bytecode before it is timed.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = next((folder for folder in (ROOT.parent / "shared" / "frus", ROOT.parent.parent / "shared" / "frus")
               if folder.is_dir()), ROOT.parent / "shared" / "frus")


def own_package_data(tree: Path) -> None:
    """Make another source tree's ``toolkit`` find that tree's stylesheets and schemas.

    The venv's editable install maps the packages ``toolkit.xslt`` and ``toolkit.schemas`` to this
    repository's ``xslt/`` and ``schemas/`` (toolkit/paths.py); a tree's ``toolkit``, imported from its
    folder, looks for them inside itself first, then through that mapping: without these links, a
    ``git archive`` of an earlier commit ran its Python with this repository's XSLT."""
    if tree.resolve() == ROOT:
        return
    for name in ("xslt", "schemas"):
        link = tree / "toolkit" / name
        if (tree / name / "__init__.py").is_file() and not link.exists():
            link.symlink_to(Path("..") / name)


def run(command: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall and CPU seconds of a command (run in the repository, or ``cwd``: another source tree, whose
    ``toolkit``, stylesheets and schemas ``python -m`` then uses: :func:`own_package_data`), and its stderr;
    a traceback or an exit code other than 0 (built) or 1 (problems found) stops the benchmark. ``env``: variables
    added to the environment."""
    own_package_data(cwd)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd,
                               env={**os.environ, **env} if env else None)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1) or "Traceback" in stderr:
        raise SystemExit(f"`{' '.join(command)}` failed:\n{stderr}")
    return wall, usage.ru_utime + usage.ru_stime, stderr


def write_bytecode(tree: Path) -> None:
    """Compile the toolkit's modules under ``tree`` to bytecode (``__pycache__``), as pip does on install.

    A session with ``PYTHONDONTWRITEBYTECODE`` set (this machine's is) never writes it, so every
    timed process (the command and each worker) compiled the toolkit's sources again: 0.04-0.05 s
    of CPU a process, which an installed teikit never pays."""
    import sys

    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "toolkit")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
