"""toolkit/pool.py: the one worker pool of validate and build keeps order, runs its initializer, and fails whole."""

from __future__ import annotations

import functools
import os
import signal
import time
from pathlib import Path

import pytest

from toolkit import cli, pool, validate

_state: dict = {}


@pytest.fixture(autouse=True)
def _room_for_four_jobs(monkeypatch) -> None:
    """A machine where four jobs may run, whatever this one is (CI has 2 cores): these tests are about
    order, the initializer, failures and the number of items; the cap by cores and memory
    (pool.job_limit) is tests/test_scale.py's."""
    monkeypatch.setattr(pool, "cores", lambda: 8)
    monkeypatch.setattr(pool, "available_memory", lambda: 8 * pool.WORKER_MEMORY)


def _remember(value: int) -> None:
    _state["offset"] = value


def _add_offset(item: int) -> tuple[int, int]:
    return item + _state["offset"], os.getpid()


def _fail_on_five(item: int) -> int:
    if item == 5:
        raise ValueError("five")
    return item


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_come_in_order_with_the_initializer_run_in_each_process(jobs: int) -> None:
    items = list(range(pool.PARALLEL_THRESHOLD * 3))
    results = list(pool.imap(_add_offset, items, jobs=jobs, initializer=_remember, initargs=(100,)))
    assert [value for value, _ in results] == [item + 100 for item in items]
    pids = {pid for _, pid in results}
    assert (os.getpid() in pids) == (jobs == 1)  # jobs 2: worked in other processes only


def test_few_items_stay_in_this_process() -> None:
    results = list(pool.imap(_add_offset, range(pool.PARALLEL_THRESHOLD - 1), jobs=4,
                             initializer=_remember, initargs=(1,)))
    assert {pid for _, pid in results} == {os.getpid()}
    assert pool.workers_for(pool.PARALLEL_THRESHOLD - 1, 4) == 0
    assert pool.workers_for(100, 4) == min(4, pool.job_limit())
    assert pool.workers_for(3, 4, threshold=2) == min(3, pool.job_limit())  # a few large inputs


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_exception_reaches_the_caller(jobs: int) -> None:
    with pytest.raises(ValueError, match="five"):
        list(pool.imap(_fail_on_five, range(pool.PARALLEL_THRESHOLD * 2), jobs=jobs))


def _slow_add_offset(item: int) -> tuple[int, int]:
    time.sleep(0.01)  # long enough that the parent still finds chunks no worker has taken
    return _add_offset(item)


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_sharing_parent_works_too_and_the_order_holds(jobs: int) -> None:
    items = list(range(pool.PARALLEL_THRESHOLD * 8))
    results = list(pool.imap(_slow_add_offset, items, jobs=jobs, initializer=_remember, initargs=(7,), share=True))
    assert [value for value, _ in results] == [item + 7 for item in items]
    pids = [pid for _, pid in results]
    assert os.getpid() in pids  # the parent took chunks (the last ones: it works from the end)
    assert pids[-1] == os.getpid()
    assert len(set(pids)) <= jobs  # one worker fewer than jobs


def test_a_sharing_parent_alone_when_one_job() -> None:
    results = list(pool.imap(_add_offset, range(pool.PARALLEL_THRESHOLD * 2), jobs=1, initializer=_remember,
                             initargs=(3,), share=True))
    assert {pid for _, pid in results} == {os.getpid()}


def test_an_exception_in_the_sharing_parent_or_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="five"):
        list(pool.imap(_fail_on_five, range(pool.PARALLEL_THRESHOLD * 4), jobs=2, share=True))


# --- Workers replaced when past their memory budget (issue 21) ---

def _log_and_add(item: tuple[str, int]) -> tuple[int, int]:
    """Each call leaves one line in a log (O_APPEND: whole lines from any process), so that a task run
    twice or never shows."""
    log, number = item
    with open(log, "a", encoding="ascii") as stream:
        stream.write(f"{number}\n")
    return number * 2, os.getpid()


@pytest.mark.parametrize("fork", [False, True])
def test_a_worker_past_its_budget_is_replaced_and_no_task_is_lost_or_run_twice(tmp_path, fork: bool) -> None:
    log = str(tmp_path / "calls.log")
    items = [(log, number) for number in range(40)]
    # A budget of one byte: every worker is past it after its first answer.
    results = list(pool.imap(_log_and_add, items, jobs=2, chunksize=2, budget=1, fork=fork))
    assert [value for value, _ in results] == [number * 2 for number in range(40)]
    calls = sorted(int(line) for line in open(log, encoding="ascii"))
    assert calls == list(range(40))  # each task once
    pids = {pid for _, pid in results}
    # 20 chunks, a worker takes at most AHEAD of them before it is retired: fresh workers did the rest.
    assert len(pids) >= 20 // pool.AHEAD
    assert os.getpid() not in pids


def test_a_worker_within_its_budget_is_kept(tmp_path) -> None:
    log = str(tmp_path / "calls.log")
    results = list(pool.imap(_log_and_add, [(log, number) for number in range(40)], jobs=2, chunksize=2,
                             budget=None, fork=True))
    assert len({pid for _, pid in results}) == 2
    assert sorted(int(line) for line in open(log, encoding="ascii")) == list(range(40))


def _fail_on_five_pair(item: tuple[str, int]) -> tuple[int, int]:
    if item[1] == 5:
        raise ValueError("five")
    return _log_and_add(item)


@pytest.mark.parametrize("share", [False, True])
def test_errors_still_reach_the_caller_while_workers_are_replaced(tmp_path, share: bool) -> None:
    items = [(str(tmp_path / "calls.log"), number) for number in range(pool.PARALLEL_THRESHOLD * 4)]
    with pytest.raises(ValueError, match="five"):
        list(pool.imap(_fail_on_five_pair, items, jobs=3, chunksize=1, budget=1, share=share))


def _steps(item: tuple[int, int]) -> pool.Resume | list[tuple[int, int, int]]:
    """A task of four steps that stops, when its worker is past its budget, after each step but the last."""
    number, step = item
    done = [(number, step, os.getpid())]
    while step < 3:
        if pool.over_budget():
            return pool.Resume(done, (number, step + 1))
        step += 1
        done.append((number, step, os.getpid()))
    return done


def _joined(first: list, second: list) -> list:
    return first + second


@pytest.mark.parametrize("share", [False, True])
def test_a_task_past_the_budget_is_resumed_in_a_fresh_worker(share: bool) -> None:
    items = [(number, 0) for number in range(pool.PARALLEL_THRESHOLD * 2)]
    results = list(pool.imap(_steps, items, jobs=3, chunksize=2, budget=1, merge=_joined, share=share, fork=share))
    for number, steps in enumerate(results):
        assert [(n, step) for n, step, _ in steps] == [(number, step) for step in range(4)]
        by_workers = [pid for _, _, pid in steps]
        if os.getpid() not in by_workers:  # worked by workers: each step in a worker of its own
            assert len(set(by_workers)) == 4


def test_a_task_is_not_resumed_in_this_process() -> None:
    results = list(pool.imap(_steps, [(0, 0)], jobs=1, budget=1, merge=_joined))
    assert [step for _, step, _ in results[0]] == [0, 1, 2, 3]
    assert {pid for _, _, pid in results[0]} == {os.getpid()}
    assert not pool.over_budget()  # the parent is never past a worker's budget


# --- Handed on BEFORE the budget would be passed (issue 21: a worker's peak at most 300 MB) ---
# Real memory, real workers: each step keeps STEP bytes (written, so resident); the budget is a fresh
# worker's resident set plus 100 MB, so that two steps fit and a third would pass it. Handing on after
# the budget was passed (the rule before) would take a worker to about 120 MB over its start.

_STEP = 40 * 1024 * 1024
_kept: list[bytes] = []


def _resident_here(_: int) -> int:
    return pool.resident()


def _fresh_worker() -> int:
    """A fresh spawned worker's resident set, as the tests' workers start."""
    return max(pool.imap(_resident_here, [0, 1], jobs=2, chunksize=1, threshold=1, budget=None))


def _grow(item: tuple[str, int]) -> tuple[int, int, int]:
    """A task that keeps STEP bytes and logs itself (once a call: a lost or doubled task shows)."""
    log, number = item
    _kept.append(bytes([number % 250 + 1]) * _STEP)
    with open(log, "a", encoding="ascii") as stream:
        stream.write(f"{number}\n")
    return number, os.getpid(), pool.resident()


def test_a_worker_gives_back_a_task_that_would_take_it_past_its_budget(tmp_path) -> None:
    budget = _fresh_worker() + 100 * 1024 * 1024
    log = str(tmp_path / "calls.log")
    items = [(log, number) for number in range(8)]
    # Two items a chunk and two chunks held: a worker holds four items it must not all do.
    results = list(pool.imap(_grow, items, jobs=2, chunksize=2, threshold=1, budget=budget))
    assert [number for number, _, _ in results] == list(range(8))
    assert sorted(int(line) for line in open(log, encoding="ascii")) == list(range(8))  # each task once
    assert max(size for _, _, size in results) <= budget
    by_worker: dict[int, int] = {}
    for _, pid, _ in results:
        by_worker[pid] = by_worker.get(pid, 0) + 1
    assert max(by_worker.values()) == 2 and len(by_worker) == 4  # two fit, a third is handed on


def _grow_in_steps(item: tuple[int, int]) -> pool.Resume | list[tuple[int, int, int, int]]:
    """Four steps of STEP bytes each, that stop when the next would pass the worker's budget."""
    number, step = item
    done = []
    while True:
        _kept.append(bytes([step + 1]) * _STEP)
        done.append((number, step, os.getpid(), pool.resident()))
        if step == 3:
            return done
        if pool.over_budget():
            return pool.Resume(done, (number, step + 1))
        step += 1


def test_a_part_is_handed_on_before_it_would_take_its_worker_past_the_budget() -> None:
    budget = _fresh_worker() + 100 * 1024 * 1024
    results = list(pool.imap(_grow_in_steps, [(number, 0) for number in range(3)], jobs=2, chunksize=1,
                             threshold=1, budget=budget, merge=_joined))
    for number, steps in enumerate(results):
        assert [(n, step) for n, step, _, _ in steps] == [(number, step) for step in range(4)]
        assert max(size for _, _, _, size in steps) <= budget
        workers = [pid for _, _, pid, _ in steps]
        assert workers[0] == workers[1] != workers[2] == workers[3]  # two steps a worker


def test_a_heavier_task_is_expected_to_add_more() -> None:
    growth = pool._Growth()
    growth.starts = [(30, 1000), (40, 4000)]
    assert growth.expected_start(500) == 40  # never scaled down: the most seen
    assert growth.expected_start(3000) == 90  # 30 for 1000 bytes: 90 for 3000
    assert growth.expected_start(8000) == 240
    assert growth.expected_step() == 40  # no later step seen: what a start added
    growth.step = 12
    assert growth.expected_step() == 12


def _die_on_five(item: int) -> int:
    if item == 5:
        os._exit(3)  # as the kernel's OOM killer would leave it: no answer
    return item


@pytest.mark.parametrize("fork", [False, True])
def test_a_worker_that_dies_fails_the_run_instead_of_hanging(fork: bool) -> None:
    with pytest.raises(pool.WorkerDied, match="exit code 3|killed"):
        list(pool.imap(_die_on_five, range(pool.PARALLEL_THRESHOLD * 2), jobs=2, chunksize=1, fork=fork))


_INTERRUPTED = r'''
import os, signal, sys, time
from toolkit import pool

def slow(item):
    time.sleep(0.05)
    return os.getpid()

def main():
    seen = set()
    try:
        for number, pid in enumerate(pool.imap(slow, range(400), jobs=2, chunksize=1, budget=1, fork=FORK)):
            seen.add(pid)
            if number == 3:
                print("started", flush=True)
                signal.pause()  # until the test's Ctrl-C
    except KeyboardInterrupt:
        import multiprocessing
        alive = [pid for pid in seen if os.path.exists(f"/proc/{pid}") and
                 open(f"/proc/{pid}/stat").read().split()[2] != "Z"]
        print(f"interrupted children={len(multiprocessing.active_children())} alive={alive}", flush=True)
        sys.exit(130)

if __name__ == "__main__":  # a spawned worker imports this file too
    main()
'''


@pytest.mark.parametrize("fork", [False, True])
def test_ctrl_c_stops_the_workers_cleanly(tmp_path, fork: bool) -> None:
    """Ctrl-C reaches the whole process group: the parent stops its workers, which print nothing."""
    import signal
    import subprocess
    import sys

    script = tmp_path / "interrupted.py"
    script.write_text(_INTERRUPTED.replace("FORK", str(fork)), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    assert process.stdout.readline().strip() == "started"
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    assert out.strip() == "interrupted children=0 alive=[]"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


_BUFFERED = r'''
import sys
from toolkit import pool

def double(item):
    return item * 2

if __name__ == "__main__":
    sys.stdout.write("written once\n")  # still in this process's buffer when the workers are forked
    print(sum(pool.imap(double, range(64), jobs=2, fork=True)))
'''


def test_forked_workers_never_write_the_parents_unwritten_output(tmp_path) -> None:
    import subprocess
    import sys

    script = tmp_path / "buffered.py"
    script.write_text(_BUFFERED, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.stdout == f"written once\n{sum(range(64)) * 2}\n", done.stderr


_LARGE = r'''
from toolkit import pool

def halves(item):
    """Large messages both ways: a large item, a large answer, and a large rest sent back to a worker."""
    number, text = item
    if len(text) > 1_000_000:
        return pool.Resume(text[: len(text) // 2], (number, text[len(text) // 2:]))
    return text

def joined(first, second):
    return first + second

if __name__ == "__main__":
    items = [(number, str(number % 10) * 4_000_000) for number in range(6)]
    results = list(pool.imap(halves, items, jobs=2, chunksize=1, threshold=1, budget=1, merge=joined))
    print(all(result == text for result, (_, text) in zip(results, items)), len(results))
'''


def test_large_messages_both_ways_never_deadlock(tmp_path) -> None:
    """A worker sending a large answer while the parent sends it a large rest: neither waits for the other
    (the parent sends from a thread of its own). In a process of its own, so that a deadlock fails the test."""
    import subprocess
    import sys

    script = tmp_path / "large.py"
    script.write_text(_LARGE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)
    assert done.stdout.strip() == "True 6", done.stderr


_CHECK_ONE = validate._check_one  # toolkit.validate's own: a spawned worker imports this module afresh


def _killed_in_a_worker(parent: int, *args):
    """validate's _check_one, but in a worker process, which it kills as the OOM killer would (SIGKILL)."""
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return _CHECK_ONE(*args)


def test_a_worker_killed_under_a_command_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys) -> None:
    """The kernel's out-of-memory killer stops a worker of `teikit validate`: the command says so in one line
    with a hint and exits 2 (no verdict delivered), never with a traceback. The workers are forked, or spawned
    when this process has loaded Saxon (another test did): both die."""
    source = (Path(__file__).parent / "fixtures" / "validate" / "valid-minimal.xml").read_bytes()
    documents = []
    for number in range(pool.PARALLEL_THRESHOLD * 2):
        documents.append(tmp_path / f"d{number}.xml")
        documents[-1].write_bytes(source)
    monkeypatch.setattr(validate, "_check_one", functools.partial(_killed_in_a_worker, os.getpid()))
    code = cli.main(["validate", "--jobs", "2", *map(str, documents)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "a worker process was killed by signal 9" in err and "(hint: " in err
    assert len([line for line in err.splitlines() if "error:" in line]) == 1
