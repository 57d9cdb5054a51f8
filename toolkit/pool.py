"""The one pool of worker processes every command uses (validate, build).

:func:`imap` runs a function over items, in order, in this process when there
are few items or one job, else in ``jobs`` worker processes. The workers are
*spawned* (a fresh interpreter each), never forked: a build's workers load
Saxon, whose native runtime must not be inherited through ``fork()``, and a
spawned worker inherits nothing else either (no open files, no half-compiled
schemas), so every command gets the same, predictable workers. Starting one
costs an interpreter and the toolkit's imports (about 0.1 s of CPU each),
which :data:`PARALLEL_THRESHOLD` keeps off small runs.

Each worker dies with its parent (Linux ``PR_SET_PDEATHSIG``: even when the
parent is killed with ``kill -9``), runs ``initializer`` once (compile the
stylesheets, the schemas), and gets items in small chunks so that a worker that
finishes early is never idle for long. On an exception, Ctrl-C or SIGTERM in
the parent, the workers are stopped at once rather than left to finish their
chunks.

With ``share`` (validate), the parent is one of the ``jobs``: it starts one
worker fewer and works through the chunks from the last one back while the
workers take them from the first, until they meet. That saves a worker's start
(an interpreter and the imports: 0.1-0.15 s of CPU) and the parent works
while the workers are still starting. A build does not share: its initializer
loads Saxon, which the parent keeps out of itself while the workers run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 8
#: The largest chunk of items sent to a worker at once.
MAX_CHUNK = 16


def _die_with_parent() -> None:
    """Linux: the kernel sends this worker SIGTERM when its parent dies, even of kill -9."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    _die_with_parent()
    if initializer is not None:
        initializer(*initargs)


def chunk_size(items: int, workers: int) -> int:
    """Small chunks: a worker finishing its last chunk while the others idle costs at most one chunk."""
    return max(1, min(MAX_CHUNK, items // (workers * 4)))


#: What one worker may take: a Saxon heap and a document's trees (a build's worker on the
#: telegram peaks near 200 MB; bench/README.md). The workers started fit in the memory available.
WORKER_MEMORY = 400 * 1024 * 1024


def cores() -> int:
    """The CPUs this process may run on (its affinity mask, which containers and taskset narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def available_memory() -> int | None:
    """Bytes of memory available for new processes without swapping (Linux MemAvailable), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def job_limit() -> int:
    """The most worker processes worth starting: one per core, and no more than the available memory
    holds at :data:`WORKER_MEMORY` each (at least one). ``--jobs`` asks; this caps it."""
    memory = available_memory()
    by_memory = max(1, memory // WORKER_MEMORY) if memory is not None else cores()
    return max(1, min(cores(), by_memory))


def workers_for(items: int, jobs: int, threshold: int = PARALLEL_THRESHOLD) -> int:
    """How many worker processes :func:`imap` starts for ``items`` items (0: it works in this process):
    ``jobs``, at most one per item and :func:`job_limit`; none for fewer items than ``threshold``."""
    jobs = min(jobs, job_limit())
    if jobs <= 1 or items < max(2, threshold):
        return 0
    return min(jobs, items)


def imap(function: Callable[[Item], Result], items: Iterable[Item], *, jobs: int,
         initializer: Callable[..., None] | None = None, initargs: tuple = (),
         chunksize: int | None = None, threshold: int = PARALLEL_THRESHOLD,
         share: bool = False) -> Iterator[Result]:
    """``function`` over ``items``, results in the order of the items.

    ``function``, ``initializer`` and the items must pickle (module-level
    functions, plain data). In this process (fewer items than ``threshold``, or
    ``jobs`` 1) the initializer runs here, once, before the first item. A caller
    whose items are each a lot of work (whole FRUS volumes) lowers ``threshold``.
    ``share``: this process works too, as one of the ``jobs`` (see the module docstring);
    its results then all come once it is done.
    """
    items = list(items)
    workers = workers_for(len(items), jobs, threshold)
    if not workers or (share and workers == 1):
        if initializer is not None and items:
            initializer(*initargs)
        yield from map(function, items)
        return
    # Imported here: a run on a few documents (make of the edition) needs no pool.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = chunksize or chunk_size(len(items), workers)
    pool = ProcessPoolExecutor(max_workers=workers - share, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(initializer, initargs))
    try:
        if share:
            yield from _shared(pool, function, [items[start:start + size] for start in range(0, len(items), size)],
                               initializer, initargs)
        else:
            yield from pool.map(function, items, chunksize=size)
    except BaseException:
        # A failure, Ctrl-C, SIGTERM or a consumer that stopped early: stop the workers now.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _run_chunk(function: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [function(item) for item in chunk]


def _shared(pool, function: Callable[[Item], Result], chunks: list[list[Item]],
            initializer: Callable[..., None] | None, initargs: tuple) -> Iterator[Result]:
    """The chunks, the workers taking them from the first and this process from the last.

    Every chunk is submitted; a submitted chunk that no worker has taken yet can be
    cancelled, and this process then works it itself. The workers take chunks in order,
    so the first one that cannot be cancelled is where the two meet."""
    futures = [pool.submit(_run_chunk, function, chunk) for chunk in chunks]
    if initializer is not None:
        initializer(*initargs)
    mine: dict[int, list[Result]] = {}
    for index in reversed(range(len(chunks))):
        if not futures[index].cancel():
            break
        mine[index] = _run_chunk(function, chunks[index])
    for index, future in enumerate(futures):
        yield from mine[index] if index in mine else future.result()
