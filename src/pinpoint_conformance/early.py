"""Processes the `run` command starts before it imports pytest (the embedded reference server, the
property worker), so that their start-up overlaps all of the suite's own. The suite's plugin takes
each one once, and ends it when the run turns out not to use it."""

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
