"""The peak memory of each process of a command, apart (bench/README.md, "One pool, workers replaced").

    python bench/peaks.py COMMAND ARGS...

Runs the command, samples the resident set of every process of its tree every 50 ms (/proc), and
prints its exit code, wall time, CPU seconds (user + system of the command and every process it
waited for, from wait4), the command's own peak, how many Python worker processes it started and the
peak of the largest, and the peaks of its other processes by name (pagefind). bench/run.py's
sampler reports one "largest worker" whatever its name, which puts Pagefind's service and the
build's workers together. The command's stderr goes to peaks.err in the current folder."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from run import _children  # bench/run.py: the same walk of /proc's process tree

MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")


def _sample(root: int, peaks: dict[tuple[int, str], float], done: threading.Event) -> None:
    while not done.is_set():
        stack, tree = [root], []
        while stack:
            pid = stack.pop()
            tree.append(pid)
            stack += _children(pid)
        for pid in tree:
            try:
                with open(f"/proc/{pid}/statm") as statm, open(f"/proc/{pid}/comm") as comm:
                    size, name = int(statm.read().split()[1]) * PAGE / MB, comm.read().strip()
            except (OSError, IndexError, ValueError):
                continue
            peaks[pid, name] = max(peaks.get((pid, name), 0.0), size)
        done.wait(0.05)


def measure(command: list[str], *, cwd: str | os.PathLike | None = None, errors_to: str = "peaks.err") -> dict:
    """Run ``command`` and measure it: exit code, wall and CPU seconds, the command's own peak (MB), the peak of
    each Python process it started (largest first) and of its other processes by name. Its stderr goes to
    ``errors_to``."""
    with open(errors_to, "w") as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors,
                                   stdin=subprocess.DEVNULL)
        peaks: dict[tuple[int, str], float] = {}
        done = threading.Event()
        sampler = threading.Thread(target=_sample, args=(process.pid, peaks, done))
        sampler.start()
        started = time.perf_counter()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
    parent = max((size for (pid, _), size in peaks.items() if pid == process.pid), default=0.0)
    others = sorted(((size, name) for (pid, name), size in peaks.items() if pid != process.pid), reverse=True)
    workers = [size for size, name in others if name.startswith("python")]
    return {"rc": os.waitstatus_to_exitcode(status), "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "parent": parent, "workers": workers,
            "others": [(name, round(size)) for size, name in others if not name.startswith("python")]}


def main(command: list[str]) -> int:
    found = measure(command)
    workers = found["workers"]
    print(f"rc={found['rc']} wall={found['wall']:.1f} cpu={found['cpu']:.1f} "
          f"parent={found['parent']:.0f} workers={len(workers)} largest_worker={max(workers, default=0):.0f} "
          f"others={found['others'][:3]} all_python={[round(size) for size in workers][:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
