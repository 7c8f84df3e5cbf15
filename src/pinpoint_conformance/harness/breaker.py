"""The suite stops waiting on what the server has stopped answering.

A server that hangs on a kind of request (a method on one resource) would otherwise cost the
run --timeout for each of the hundreds of such requests. After a few timeouts of one kind in a
row, with no answer of that kind between, that kind is no longer sent; after a few more timeouts
in a row of any kinds, nothing is. A request not sent raises `NotSent`, a failure of PC803 that
blocks the check that needed it; its message is the same for every request of its kind, so that
the reports fold them into one failure with a count (`reporting/results.py`).

An answer, whatever its status, ends the run of timeouts of its kind and the run of timeouts of
any kinds: a server that hangs now and then (every 40th request, say) is sent every request, and
fails PC803 each time it hangs (tests/suite/test_breaker.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .failures import ConformanceFailure

# Timeouts of one kind in a row after which that kind is not sent again.
KIND_IN_A_ROW = 3
# Timeouts in a row, whatever their kinds, after which no request is sent again.
ANY_IN_A_ROW = 4
EVERY_KIND = "any request"

_RESOURCES = (
    (re.compile(r"/v1/apps/[^/]*/users/"), "the User resource"),
    (re.compile(r"/v1/apps/[^/]*/endpoints/[^/]+$"), "an endpoint"),
    (re.compile(r"/v1/apps/[^/]*/endpoints$"), "an application's endpoints"),
    (re.compile(r"/v1/apps/[^/]+$"), "an application"),
    (re.compile(r"/v1/apps$"), "the applications"),
)


def kind(method: str, path: str) -> str:
    """What a request is, for the breaker: its method and the resource its path names, e.g.
    "GET of the User resource". `path` is relative to the base URL."""
    path = path.split("?", 1)[0]
    resource = next((name for pattern, name in _RESOURCES if pattern.match(path)), "another path")
    return f"{method.upper()} of {resource}"


def relative(url: str, base_url: str) -> str:
    """`url`'s path relative to `base_url`'s (a base URL may carry a path prefix)."""
    path, base = urlsplit(url).path, urlsplit(base_url).path.rstrip("/")
    return path[len(base) :] if base and path.startswith(base) else path


class NotSent(ConformanceFailure):
    """A request the breaker did not send: PC803, already failed by the timeouts that tripped it.
    `kind` is what was stopped (a kind of request, or EVERY_KIND): the terminal tells its first
    refusal in full and each later one in a line; `what` is the kind of the request refused."""

    def __init__(self, kind: str, what: str, message: str) -> None:
        super().__init__("PC803", message)
        self.kind = kind
        self.what = what

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "not_sent": self.kind, "what": self.what}


@dataclass
class Breaker:
    """Counts timeouts in a row, per kind and in all, and refuses what they stopped. Picklable: the
    property worker takes the suite's breaker with the run's data, and gives it back."""

    timeout: float
    in_a_row: Counter[str] = field(default_factory=Counter)
    any_in_a_row: int = 0
    stopped: dict[str, str] = field(default_factory=dict)  # kind (or EVERY_KIND): why

    def admit(self, method: str, path: str) -> None:
        """Raise NotSent if requests like this one are no longer sent."""
        what = kind(method, path)
        for stopped in (what, EVERY_KIND):
            if stopped in self.stopped:
                raise NotSent(stopped, what, f"{what} not sent: {self.stopped[stopped]}")

    def answered(self, method: str, path: str) -> None:
        self.in_a_row[kind(method, path)] = 0
        self.any_in_a_row = 0

    def timed_out(self, method: str, path: str) -> None:
        what = kind(method, path)
        self.in_a_row[what] += 1
        self.any_in_a_row += 1
        wait = f"within {self.timeout:g} s"
        if self.any_in_a_row >= ANY_IN_A_ROW:
            self.stopped[EVERY_KIND] = (f"the server answered none of the last {self.any_in_a_row} requests "
                                        f"{wait}; the suite stopped sending, and every check still to run is "
                                        "blocked")  # fmt: skip
        elif self.in_a_row[what] >= KIND_IN_A_ROW:
            self.stopped[what] = (f"the server answered none of the last {self.in_a_row[what]} requests of this "
                                  f"kind {wait}; the suite stopped sending them, and every check that needs one "
                                  "is blocked")  # fmt: skip
