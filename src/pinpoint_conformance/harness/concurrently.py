"""A handful of clients at once (clause 11): each task in a thread of its own, all released together,
so that their requests overlap at the server.

The clause tests races, not capacity: CLIENTS is small enough for a server that listens with a
backlog of 5 (Python's socketserver). The tasks share the run's Client: its connection pool is
thread-safe and holds CLIENTS connections, and every response is still held to the wire checks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

CLIENTS = 4
# How long a task waits for the others to be ready: only a suite that cannot start threads waits so long.
RELEASE_WITHIN = 30.0


def at_once(*tasks: Callable[[], T]) -> list[T]:
    """Run every task in its own thread, released together; return their results in order. Every
    task runs to its end; then the first failure any of them raised (in the order given) is raised."""
    release = threading.Barrier(len(tasks))

    def started_together(task: Callable[[], T]) -> T:
        release.wait(RELEASE_WITHIN)
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks), thread_name_prefix="pinpoint-client") as pool:
        futures = [pool.submit(started_together, task) for task in tasks]
    for future in futures:
        error = future.exception()
        if error is not None:
            raise error
    return [future.result() for future in futures]
