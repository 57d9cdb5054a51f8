"""Run the Pagefind binary as the build's Pagefind service and write down the CPU seconds it used.

A build's CPU seconds include its Pagefind services (they are its children). To tell
what Pagefind itself costs from what the toolkit does around it, bench/library.py
points Pagefind's Python API at this script (``PAGEFIND_BINARY_PATH``, which the API
reads before looking for its own binary): it starts the real binary with the same
arguments, standard input and output (the API talks to the service through them),
passes on the SIGTERM with which the API stops the service, and when the binary
has ended appends its user + system CPU seconds, and this script's own (its
Python's start, which bench/library.py takes out of the build's figure), one line
a service, to the file named by ``PAGEFIND_CPU_LOG``.

    PAGEFIND_BINARY_PATH=bench/pagefind_cpu.py PAGEFIND_CPU_LOG=FILE teikit build ...
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys


def main() -> int:
    from pagefind_bin import get_executable

    child = subprocess.Popen([str(get_executable()), *sys.argv[1:]])
    signal.signal(signal.SIGTERM, lambda number, frame: child.send_signal(signal.SIGTERM))
    _, status, usage = os.wait4(child.pid, 0)
    with open(os.environ["PAGEFIND_CPU_LOG"], "a", encoding="utf-8") as log:
        own = resource.getrusage(resource.RUSAGE_SELF)
        log.write(f"{usage.ru_utime + usage.ru_stime:.3f} {own.ru_utime + own.ru_stime:.3f}\n")
    return os.waitstatus_to_exitcode(status) % 256


if __name__ == "__main__":
    sys.exit(main())
