"""The one pool of worker processes every command uses (validate, build).

:func:`imap` runs a function over items, in order, in this process when there
are few items or one job, else in ``jobs`` worker processes. The pool is this
module's own (a pipe to each worker, chunks handed out by the parent), not
:mod:`concurrent.futures`: it replaces a worker whose memory passed a budget,
which ``ProcessPoolExecutor(max_tasks_per_child=...)`` does blindly and which
hung at exit now and then on Python 3.11 (bench/README.md, "300 MB").

**Which workers.** By default they are *spawned* (a fresh interpreter each):
a build's workers load Saxon, whose native runtime (a GraalVM isolate and its
threads) must not be inherited through ``fork()``, and a spawned worker
inherits nothing else either. Starting one costs an interpreter and the
toolkit's imports (about 0.1 s of CPU each), which :data:`PARALLEL_THRESHOLD`
keeps off small runs. A caller whose work loads no Saxon (validate) asks for
``fork=True``: the workers are then forked from the parent once it has worked
its first item, so they start with its imports and whatever it compiled
(the schemas, the Schematron rules) instead of doing it again. A parent that
has loaded saxonche gets spawned workers whatever it asks.

**Memory.** ``budget`` (:data:`WORKER_BUDGET`) is the resident set a worker
should never pass. A Saxon worker's heap grows with everything it has
transformed, and saxonche cannot bound it (bench/README.md), so a worker is
replaced when it needs it rather than after every task, and *before* it would
pass the budget, not after: each worker learns how much its steps add (the
peak of its resident set during a step, less the resident set before it,
Linux's ``VmHWM`` reset by ``/proc/self/clear_refs``) and

- takes a task (after its first) only if its resident set now plus the most
  the start of a task has added in it (scaled up by the task's weight,
  ``weigh(item)``, for a heavier one) stays within the budget; otherwise it gives the task back, and
  the rest of its chunk, and leaves: a fresh worker takes them;
- between the steps of a task that can stop half way (a FRUS volume, part by
  part), :func:`over_budget` says whether the next step, adding what the
  largest step so far added, would pass the budget: the task then returns
  :class:`Resume` with what is left, the pool retires the worker and a fresh
  one does the rest (``merge`` joins the two results).

A worker's first task and first step are always done (a fresh worker is the
smallest there is), so the run always moves on. A worker that reports a
resident set past the budget after a chunk gets no more work either.

Each worker dies with its parent (Linux ``PR_SET_PDEATHSIG``: even when the
parent is killed with ``kill -9``), ignores Ctrl-C (the parent answers it),
runs ``initializer`` once, and gets items in small chunks, two at a time so
that it never waits for the parent between chunks. On an exception, Ctrl-C
or SIGTERM in the parent, the workers are stopped at once. A worker that
dies (killed, out of memory) fails the run with :class:`WorkerDied`; an
exception in a worker reaches the caller as itself.

With ``share`` (validate), the parent is one of the ``jobs``: it starts one
worker fewer and works through the chunks from the last one back while the
workers take them from the first, until they meet.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from toolkit.errors import ToolkitError

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 8
#: The largest chunk of items sent to a worker at once.
MAX_CHUNK = 16
#: Chunks a worker holds at once: the one it works and the next, so it never waits for the parent.
AHEAD = 2

#: The resident set a worker should not pass: it hands its next task or its next step (a FRUS part) to a
#: fresh worker when what that adds, learned from its own earlier ones, would take it past. Issue 21 asks
#: for 300 MB at most; 280 leaves 20 for a step that adds more than any before it in that worker (up to 8 MB
#: more, measured) and for handing on the rest of a volume (pickled: up to 12 MB more).
#: Measured: bench/README.md, "Handed on before the budget".
WORKER_BUDGET = 280 * 1024 * 1024


def _die_with_parent() -> None:
    """Linux: the kernel sends this worker SIGTERM when its parent dies, even of kill -9."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


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
    return _proc_bytes("/proc/meminfo", "MemAvailable:")


def _proc_bytes(path: str, field: str) -> int | None:
    """A ``FIELD: N kB`` line of a /proc file, in bytes, or None where it cannot be read."""
    try:
        with open(path, encoding="ascii") as lines:
            for line in lines:
                if line.startswith(field):
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
    ``jobs``, at most one per item and :func:`job_limit`; none for fewer items than ``threshold`` (1: even one
    item goes to a worker, whose memory the pool bounds where this process's it cannot)."""
    jobs = min(jobs, job_limit())
    if jobs <= 1 or items < max(1, threshold):
        return 0
    return min(jobs, items)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident() -> int:
    """This process's resident set in bytes (Linux /proc/self/statm), 0 where unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


#: The budget of the worker this process is (None: not a worker, never replaced).
_budget: int | None = None


class _Growth:
    """What this worker has learned of how much its steps add to its resident set.

    The time of a worker is cut into periods: the start of a task (from its beginning to its first
    :func:`over_budget`, or to its end) and each later step (between two calls, or to the task's end); a
    period ends with the answer sent, so that pickling a large result counts. Each period's growth is its
    peak resident set less the resident set it began with."""

    def __init__(self) -> None:
        self.starts: list[tuple[int, int]] = []  # (growth, weight) of each task's start
        self.step = 0  # the most a later step added (0: none seen)
        self.kind: str | None = None  # the period going on: "start", "step", or None
        self.weight = 1
        self.mark = 0

    def open(self, kind: str, weight: int = 1) -> None:
        self.close()
        self.kind, self.weight = kind, max(1, weight)
        _reset_peak()
        self.mark = resident()

    def close(self) -> None:
        if self.kind is None:
            return
        growth = max(0, _peak() - self.mark)
        if self.kind == "start":
            self.starts.append((growth, self.weight))
        else:
            self.step = max(self.step, growth)
        self.kind = None

    def expected_start(self, weight: int) -> int:
        """What the start of a task of this weight is expected to add: the most a start added, scaled up
        (never down) by how much heavier this task is than that one's."""
        weight = max(1, weight)
        return max((growth * max(weight, seen) // seen for growth, seen in self.starts), default=0)

    def expected_step(self) -> int:
        """What a later step is expected to add: the most one added, else the most a start added."""
        return self.step or max((growth for growth, _ in self.starts), default=0)


_growth = _Growth()
#: Whether this process can reset its peak resident set (Linux 4.0 and later); None: not tried yet.
_can_reset_peak: bool | None = None


def _reset_peak() -> None:
    global _can_reset_peak
    if _can_reset_peak is False:
        return
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")  # reset VmHWM to the resident set now
        _can_reset_peak = True
    except OSError:
        _can_reset_peak = False


def _peak() -> int:
    """The peak resident set since :func:`_reset_peak`, in bytes (where it cannot be reset: the resident set
    now, which misses what a step held and let go)."""
    peak = _proc_bytes("/proc/self/status", "VmHWM:") if _can_reset_peak else None
    return peak if peak is not None else resident()


def over_budget() -> bool:
    """Between two steps of a resumable task: whether this process is a pool worker that the next step
    would take past its budget (its resident set now, plus the most a step has added in it). The task
    then stops and returns :class:`Resume`. Always False outside a worker (the parent cannot be replaced)."""
    if _budget is None:
        return False
    _growth.open("step")  # the step just done is measured; the next one begins
    return resident() + _growth.expected_step() > _budget


def _takes(weight: int) -> bool:
    """Whether this worker, having done a task already, takes one more of this weight within its budget."""
    return _budget is None or resident() + _growth.expected_start(weight) <= _budget


@dataclass
class Resume(Generic[Item, Result]):
    """What a task returns when it stopped half way because :func:`over_budget`: its result so far, and
    the item that does the rest (in a fresh worker). ``imap``'s ``merge`` joins the two results."""
    done: Any
    rest: Any


class WorkerDied(ToolkitError):
    """A worker process stopped without answering (killed, out of memory): the run cannot be whole. The
    command reports it in one line and exits 2, as for any result it could not deliver; nothing was
    committed (a build's outputs are staged until the end)."""

    def __init__(self, exit_code: int | None) -> None:
        if exit_code is not None and exit_code < 0:
            how = f"was killed by signal {-exit_code}" + (", which the kernel's out-of-memory killer sends,"
                                                          if -exit_code == signal.SIGKILL else "")
        elif exit_code is not None:
            how = f"ended with exit code {exit_code}"
        else:
            how = "stopped (killed, or out of memory)"
        super().__init__(f"a worker process {how} before it answered: the run was stopped and nothing was "
                         "written", hint="if the machine ran out of memory, run again with --jobs 1 (one "
                                             "process) or a lower --max-size")


def _died(worker) -> WorkerDied:
    """The error of a worker that stopped without answering, with its exit code: the pipe it closed as it
    ended may be seen before the process can be reaped, so it is waited for (a second at most)."""
    worker.process.join(timeout=1)
    return WorkerDied(worker.process.exitcode)


def imap(function: Callable[[Item], Result], items: Iterable[Item], *, jobs: int,
         initializer: Callable[..., None] | None = None, initargs: tuple = (),
         chunksize: int | None = None, threshold: int = PARALLEL_THRESHOLD,
         share: bool = False, fork: bool = False, budget: int | None | str = "default",
         merge: Callable[[Result, Result], Result] | None = None,
         weigh: Callable[[Item], int] | None = None) -> Iterator[Result]:
    """``function`` over ``items``, results in the order of the items.

    ``function``, ``initializer`` and the items must pickle (module-level
    functions, plain data). In this process (fewer items than ``threshold``, or
    ``jobs`` 1) the initializer runs here, once, before the first item. A caller
    whose items are each a lot of work (whole FRUS volumes) lowers ``threshold``.
    ``share``: this process works too, as one of the ``jobs`` (see the module docstring).
    ``fork``: the work loads no Saxon, forked workers are safe (see the module docstring); its items must
    be small (paths): they are sent from this thread, a large one could wait for a worker waiting for it.
    ``budget``: the resident set in bytes a worker should not pass (None: no limit; by default
    :data:`WORKER_BUDGET` as it is when called).
    ``merge``: how a :class:`Resume`'s result so far and the rest's result make one.
    ``weigh``: an item's weight (its bytes, say; by default 1 each), run in the worker: a task heavier than
    those a worker has done is expected to add proportionally more memory when it starts.
    """
    items = list(items)
    workers = workers_for(len(items), jobs, threshold)
    if not workers or (share and workers == 1):
        if initializer is not None and items:
            initializer(*initargs)
        for item in items:
            yield _whole(function, item, merge)
        return
    if budget == "default":
        budget = WORKER_BUDGET
    size = chunksize or chunk_size(len(items), workers)
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    pool = _Pool(function, workers - share, initializer, initargs, budget,
                 fork=fork and "saxonche" not in sys.modules, share=share, weigh=weigh)
    try:
        yield from pool.run(chunks, merge)
    except BaseException:
        # A failure, Ctrl-C, SIGTERM or a consumer that stopped early: stop the workers now.
        pool.stop()
        raise
    pool.close()


def _whole(function: Callable[[Item], Result], item: Item, merge: Callable | None) -> Result:
    """``function(item)`` in this process: a task that stops half way (it cannot here: :func:`over_budget`
    is False outside a worker, but a task may stop for its own reasons) is carried on at once."""
    result = function(item)
    while isinstance(result, Resume):
        rest = function(result.rest)
        result = _merged(merge, result.done, rest)
    return result


def _merged(merge: Callable | None, done: Any, rest: Any) -> Any:
    if merge is None:
        raise TypeError("a task returned pool.Resume, but imap was given no merge")
    if isinstance(rest, Resume):
        return Resume(merge(done, rest.done), rest.rest)
    return merge(done, rest)


def _hold_ctrl_c() -> bool:
    """Block SIGINT in this thread (POSIX); whether it was blocked here."""
    import signal

    try:
        return signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except (AttributeError, OSError, ValueError):
        return False


def _release_ctrl_c(held: bool) -> None:
    import signal

    if held:
        try:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        except (AttributeError, OSError, ValueError):
            pass


# ---------------------------------------------------------------------------
# The worker's side
# ---------------------------------------------------------------------------

def _worker_main(connection, function: Callable, initializer: Callable[..., None] | None, initargs: tuple,
                 budget: int | None, forked: bool = False, weigh: Callable[[Any], int] | None = None) -> None:
    """A worker's life: the initializer, then chunks until the parent says stop (None) or goes away.

    Every answer is ``(chunk number, ok, results or the exception, resident set)``; a task that returned
    :class:`Resume` ends the chunk there, and so does a task the worker does not take (:func:`_takes`): the
    items not done are left out of the results, and the parent hands them on. The worker leaves
    with ``os._exit``: its outputs are written and closed task by task, and an interpreter's normal exit
    (atexit, Saxon's runtime) is where pools have hung."""
    import signal

    global _budget, _growth
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent answers
    _release_ctrl_c(True)  # held back by the parent while this worker started (_Pool._start)
    _budget, _growth = budget, _Growth()  # a forked worker learns afresh
    took = False  # whether this worker has taken a task: its first one it always takes
    code = 0
    try:
        if initializer is not None:
            initializer(*initargs)
        while True:
            message = connection.recv()
            if message is None:
                break
            number, chunk = message
            try:
                results: list = []
                for item in chunk:
                    weight = weigh(item) if weigh is not None else 1
                    if took and not _takes(weight):
                        break  # given back before it starts: a fresh worker takes it
                    took = True
                    _growth.open("start", weight)
                    results.append(function(item))
                    if isinstance(results[-1], Resume):
                        break
                reply = (number, True, results, resident())
            except Exception as exc:  # noqa: BLE001 - the parent raises it
                reply = (number, False, exc, resident())
            try:
                connection.send(reply)
            except Exception as exc:  # noqa: BLE001 - a result or exception that does not pickle
                connection.send((number, False, RuntimeError(f"a worker's answer could not be sent: {exc!r}"),
                                 resident()))
            _growth.close()  # the last period takes in the answer's pickling
    except (EOFError, OSError, KeyboardInterrupt):
        code = 1  # the parent went away or stopped us
    except BaseException as exc:  # noqa: BLE001 - the initializer failed: tell the parent, which raises it
        try:
            connection.send((-1, False, exc, resident()))
        except Exception:  # noqa: BLE001
            pass
        code = 1
    finally:
        if not forked:  # a forked worker's buffers hold the parent's unwritten output: never written twice
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


# ---------------------------------------------------------------------------
# The parent's side
# ---------------------------------------------------------------------------

class _Worker:
    def __init__(self, process, connection):
        self.process, self.connection = process, connection
        self.holding: deque[int] = deque()  # the messages sent and not yet answered, in order
        self.retiring = False


_PENDING = object()


class _Pool:
    """The parent's half: hands chunks to workers, replaces those past the budget, yields in order.

    A chunk sent is a message: its number and ``(position, item)`` pairs, the position being the item's
    in the caller's list. A task that returned :class:`Resume` has its rest sent first in line to
    another worker, and the items of its chunk after it go back in line too."""

    def __init__(self, function: Callable, workers: int, initializer: Callable | None, initargs: tuple,
                 budget: int | None, *, fork: bool, share: bool, weigh: Callable | None = None):
        import multiprocessing

        self.function, self.size, self.budget, self.weigh = function, workers, budget, weigh
        self.initializer, self.initargs, self.share, self.fork = initializer, initargs, share, fork
        self.context = multiprocessing.get_context("fork" if fork else "spawn")
        self.workers: list[_Worker] = []
        self.gone: list = []  # processes retired or stopped, joined at the end
        self.started = 0  # workers started in all, replacements included
        self.sent: dict[int, list[tuple[int, Any]]] = {}  # message number -> its pairs, until answered
        self.numbers = 0
        # Messages to the workers go out through a thread of their own: a large one (the rest of a volume)
        # may wait for a worker that is itself waiting to send a large answer, which this thread's
        # receiving (never blocked by a send) lets through. Never a deadlock between the two.
        # Forked workers (validate) are sent paths alone, and a process with a thread of its own must not
        # fork: they are sent to from this thread.
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.sender = None if fork else threading.Thread(target=self._send_all, name="pool sender", daemon=True)
        if self.sender is not None:
            self.sender.start()

    def _send(self, connection, message) -> None:
        if self.sender is not None:
            self.outbox.put((connection, message))
            return
        try:
            connection.send(message)
            if message is None:
                connection.close()
        except (OSError, ValueError):
            pass  # the worker is gone: the parent sees it by its sentinel

    def _send_all(self) -> None:
        while True:
            connection, message = self.outbox.get()
            if connection is None:
                return
            try:
                connection.send(message)
                if message is None:  # a retired worker: its last message
                    connection.close()
            except (OSError, ValueError):
                pass  # the worker is gone: the parent sees it by its sentinel

    # -- workers --

    def _start(self) -> None:
        mine, theirs = self.context.Pipe()
        # Forked workers inherit what the parent has initialised (it ran the initializer before forking).
        initializer = None if self.fork else self.initializer
        process = self.context.Process(target=_worker_main, args=(theirs, self.function, initializer,
                                                                   self.initargs, self.budget, self.fork,
                                                                   self.weigh))
        # Ctrl-C held back while the worker starts: a worker starting (an interpreter, fork's hooks) would
        # otherwise die of it with a traceback before it can ignore it. It inherits the blocked signal,
        # ignores it, then lets it through; the parent gets its own at once after.
        held = _hold_ctrl_c()
        try:
            process.start()
            theirs.close()
            self.workers.append(_Worker(process, mine))  # known before Ctrl-C can stop the run: stopped with it
            self.started += 1
        finally:
            _release_ctrl_c(held)

    def _retire(self, worker: _Worker) -> None:
        self._send(worker.connection, None)  # after what it was sent; the sender closes the pipe
        self.workers.remove(worker)
        self.gone.append(worker.process)

    def stop(self) -> None:
        """Stop every worker at once (a failure, Ctrl-C): what they hold is not wanted any more."""
        for worker in self.workers:
            worker.process.terminate()
            self.gone.append(worker.process)
        self.workers.clear()
        self.close()

    def close(self) -> None:
        """Let every worker go and wait for it (one that does not leave within 10 s is killed)."""
        for worker in list(self.workers):
            self._retire(worker)
        if self.sender is not None:
            self.outbox.put((None, None))
        for process in self.gone:
            process.join(10)
            if process.exitcode is None:
                process.kill()
                process.join()
        self.gone.clear()
        if self.sender is not None:
            self.sender.join(10)  # a send to a worker that is gone fails at once

    # -- the run --

    def run(self, chunks: list[list], merge: Callable | None) -> Iterator:
        """The results of every item of ``chunks``, in order."""
        self.merge = merge
        self.results: list = []
        self.partial: dict[int, Any] = {}  # position -> the result so far of a task that was resumed
        waiting: deque[list[tuple[int, Any]]] = deque()
        for chunk in chunks:
            waiting.append([(len(self.results) + offset, item) for offset, item in enumerate(chunk)])
            self.results.extend([_PENDING] * len(chunk))
        if self.initializer is not None and (self.share or self.fork):
            self.initializer(*self.initargs)  # the parent works (share), or its workers inherit it (fork)
        if self.share and self.fork and waiting:
            # One item before forking (the last one): the workers inherit what it compiled (the schemas and
            # rules). Not its whole chunk: the rest of it goes back in line, and the workers start a chunk
            # sooner (validate: 15 documents, about 45 ms of a run that takes 2 s at 1,000).
            last = waiting.pop()
            self._work_here(last[:1])
            if last[1:]:
                waiting.append(last[1:])
        for _ in range(min(self.size, len(waiting))):
            self._start()
        self._fill(waiting)
        following = 0
        while following < len(self.results):
            while following < len(self.results) and self.results[following] is not _PENDING:
                result, self.results[following] = self.results[following], None
                yield result
                following += 1
            if following >= len(self.results):
                break
            if not self.workers and not waiting:
                raise RuntimeError("the pool lost track of a task")  # a pool bug, never a hang
            if self.share and waiting and all(worker.holding for worker in self.workers):
                self._work_here(waiting.pop())  # the parent's own: from the back
                self._receive(waiting, block=False)
            else:
                self._receive(waiting, block=True)
        self.close()

    def _work_here(self, pairs: list[tuple[int, Any]]) -> None:
        for position, item in pairs:
            self._settle(position, _whole(self.function, item, self.merge), None)

    def _fill(self, waiting: deque) -> None:
        """Hand waiting chunks to workers holding fewer than AHEAD; retire the idle ones past their budget,
        and start workers (replacements) while there is work and room."""
        for worker in list(self.workers):
            if worker.retiring:
                if not worker.holding:
                    self._retire(worker)
                continue
            while waiting and len(worker.holding) < AHEAD:
                pairs = waiting.popleft()
                self.numbers += 1
                self.sent[self.numbers] = pairs
                self._send(worker.connection, (self.numbers, [item for _, item in pairs]))
                worker.holding.append(self.numbers)
        if waiting and len(self.workers) < self.size:
            self._start()
            self._fill(waiting)

    def _receive(self, waiting: deque, *, block: bool) -> None:
        """Take the workers' answers (waiting for one when ``block``)."""
        from multiprocessing.connection import wait

        by_channel = {worker.connection: worker for worker in self.workers}
        by_sentinel = {worker.process.sentinel: worker for worker in self.workers}
        ready = wait([*by_channel, *by_sentinel], timeout=None if block else 0)
        answered = [by_channel[channel] for channel in ready if channel in by_channel]
        for worker in answered:
            try:
                number, ok, value, size = worker.connection.recv()
            except (EOFError, OSError):
                raise _died(worker) from None
            if not ok:
                raise value
            if number != worker.holding[0]:
                raise RuntimeError(f"a worker answered message {number}, not {worker.holding[0]}")  # a pool bug
            worker.holding.popleft()
            pairs = self.sent.pop(number)
            if self.budget is not None and size > self.budget:
                worker.retiring = True
            for (position, _), result in zip(pairs, value):
                self._settle(position, result, waiting)
            if len(value) < len(pairs):  # a Resume, or a task not taken, ended the chunk: the rest go back in line
                worker.retiring = True
                waiting.appendleft(pairs[len(value):])
        for channel in ready:
            worker = by_sentinel.get(channel)
            if worker is not None and worker not in answered and worker in self.workers \
                    and not worker.connection.poll():
                raise _died(worker)
        self._fill(waiting)

    def _settle(self, position: int, result: Any, waiting: deque | None) -> None:
        """An item's result in place; a Resume's rest goes first in line, to a fresh worker."""
        if position in self.partial:
            result = _merged(self.merge, self.partial.pop(position), result)
        if isinstance(result, Resume):
            if self.merge is None:
                raise TypeError("a task returned pool.Resume, but imap was given no merge")
            self.partial[position] = result.done
            if waiting is None:  # worked in this process: carry on here
                self._settle(position, _whole(self.function, result.rest, self.merge), None)
            else:
                waiting.appendleft([(position, result.rest)])
            return
        self.results[position] = result
