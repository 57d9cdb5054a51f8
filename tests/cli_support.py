"""The one way tests run the ``teikit`` command: ``toolkit.cli.main(argv)`` in this process.

A test sees what a user's shell sees (exit code, standard output, standard
error, paths relative to the working folder) without starting an interpreter
for each command. What ``main`` changes in the process (the working folder,
the SIGTERM handler, the ``--max-size`` limit) is put back afterwards.

Tests that need a real process keep ``subprocess``: a signal sent to the
command (tests/test_hardening.py), the exit of the interpreter, ``make``.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from toolkit import cli, confine
from toolkit.paths import PROJECT_ROOT


class TimedOut(AssertionError):
    """The command ran longer than the test allowed."""


@dataclass
class Run:
    """What a run of the command gave (named as :class:`subprocess.CompletedProcess` names it)."""

    arguments: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def _on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    raise TimedOut()


def teikit(*arguments: str, cwd: Path | str = PROJECT_ROOT, timeout: int | None = None) -> Run:
    """Run ``teikit ARGUMENTS`` in ``cwd``; with ``timeout`` (seconds), fail a run that takes longer."""
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    terminate = signal.getsignal(signal.SIGTERM)
    max_size, environment = confine.max_size(), os.environ.get("TEIKIT_MAX_SIZE")
    alarm = signal.signal(signal.SIGALRM, _on_alarm) if timeout else None
    try:
        if timeout:
            signal.alarm(timeout)
        os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = cli.main(list(arguments))
            except SystemExit as exit_:  # argparse: --help, usage errors
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    except TimedOut:
        raise TimedOut(f"teikit {' '.join(arguments)} ran over {timeout} s") from None
    finally:
        if timeout:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, alarm)
        os.chdir(previous)
        signal.signal(signal.SIGTERM, terminate)
        confine.set_max_size(max_size)
        if environment is None:
            os.environ.pop("TEIKIT_MAX_SIZE", None)
        else:
            os.environ["TEIKIT_MAX_SIZE"] = environment
    return Run(list(arguments), code, stdout.getvalue(), stderr.getvalue())
