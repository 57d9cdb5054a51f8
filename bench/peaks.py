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


def main(command: list[str]) -> int:
    with open("peaks.err", "w") as errors:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
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
    named = [(name, round(size)) for size, name in others if not name.startswith("python")]
    print(f"rc={os.waitstatus_to_exitcode(status)} wall={wall:.1f} cpu={usage.ru_utime + usage.ru_stime:.1f} "
          f"parent={parent:.0f} workers={len(workers)} largest_worker={max(workers, default=0):.0f} "
          f"others={named[:3]} all_python={[round(size) for size in workers][:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
