"""What the `run` command sets going before it imports pytest, for the suite's plugin to take once:
the processes it starts (the embedded reference server, the property worker), so that their
start-up overlaps all of the suite's own, and which the plugin ends when the run turns out not to
use them; and the pause of garbage collection while the suite's process imports."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Early(Generic[T]):
    def __init__(self) -> None:
        self._started: T | None = None

    def put(self, started: T) -> None:
        self._started = started

    def take(self) -> T | None:
        """What was put, once; None when nothing was, or it was taken already."""
        started, self._started = self._started, None
        return started


# Set by the `run` command, which turns garbage collection off until the session starts: importing
# pytest, the suite and their libraries makes little garbage, and each collection meanwhile walked
# every object imported so far (one full collection took 17-23 ms; benchmarks/suite_runtime.py,
# finding 18). The session turns it back on.
GC_PAUSED: Early[bool] = Early()
