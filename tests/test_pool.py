"""toolkit/pool.py: the one worker pool of validate and build keeps order, runs its initializer, and fails whole."""

from __future__ import annotations

import os
import time

import pytest

from toolkit import pool

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
