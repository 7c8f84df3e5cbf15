"""Clause 11's clients at once (harness/concurrently.py): the tasks really overlap, every one runs to
its end, the results come back in order, and a task's failure is raised, not lost in its thread."""

from __future__ import annotations

import threading

import pytest

from pinpoint_conformance.harness.concurrently import CLIENTS, at_once
from pinpoint_conformance.harness.failures import ConformanceFailure, fail


def test_the_tasks_run_at_the_same_time_and_their_results_keep_their_order() -> None:
    # Each task passes only when every other one is running too: run one after another, they would time out.
    together = threading.Barrier(CLIENTS)

    def task(number: int) -> int:
        together.wait(timeout=10)
        return number

    assert at_once(*(lambda n=n: task(n) for n in range(CLIENTS))) == list(range(CLIENTS))


def test_every_task_ends_before_the_first_failure_is_raised() -> None:
    ended: list[str] = []

    def failing() -> None:
        ended.append("failing")
        fail("PCB01", "a write was lost")

    def slow() -> None:
        threading.Event().wait(0.2)
        ended.append("slow")

    with pytest.raises(ConformanceFailure, match="a write was lost"):
        at_once(failing, slow)
    assert sorted(ended) == ["failing", "slow"]
