"""A freshly built teikit wheel, installed in a fresh virtual environment outside the repository.

Built once per test session (``pytest -n`` workers share it: the first one
builds it under a file lock, the others wait and reuse it), from a copy of the
repository's files (tracked and new ones, never build/ or .venv/) so that
setuptools' own build folder lands in the copy, not in the repository's build/.
Installing resolves lxml and saxonche through pip as a user's ``pip install``
does (the pip cache makes it quick).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

from toolkit.paths import PROJECT_ROOT

#: Building and installing take ~30 s; more than this is a hung index.
TIMEOUT = 600


def _repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=PROJECT_ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name and (PROJECT_ROOT / name).is_file()]


def _run(command: list[str], **options) -> None:
    run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, **options)
    assert run.returncode == 0, f"{' '.join(command)} failed:\n{run.stdout}\n{run.stderr}"


def build_and_install(folder: Path) -> Path:
    """Build the wheel from a copy of the repository and install it in ``folder/venv``; the venv's bin/."""
    source, dist, venv = folder / "source", folder / "dist", folder / "venv"
    for name in _repository_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, target)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(source)])
    (wheel,) = dist.glob("teikit-*.whl")
    _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
         cwd=folder)
    return venv / "bin"


def shared_install(session_folder: Path) -> Path:
    """The bin/ of the one install of this session, built by whichever worker asks first."""
    folder = session_folder / "teikit-wheel"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / ".installed"
        if not done.exists():
            shutil.rmtree(folder / "source", ignore_errors=True)
            shutil.rmtree(folder / "dist", ignore_errors=True)
            shutil.rmtree(folder / "venv", ignore_errors=True)
            bin_dir = build_and_install(folder)
            done.write_text(str(bin_dir), encoding="utf-8")
        return Path(done.read_text(encoding="utf-8"))


def session_folder(tmp_path_factory) -> Path:
    """A folder all xdist workers of this session share (their base temp's parent), else the base temp."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
