"""What a load run counts, beside Locust's own statistics: each operation's statuses, the requests
that got no response, the non-conforming responses (by check, the first few in full) and the stale
reads. A worker sends what it gathered to the master in parts, and the master adds them
up (`merge`): plain data, as Locust's messages carry it (`to_dict`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pinpoint_conformance.harness import checks
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import ConformanceFailure

KEPT_IN_FULL = 10  # non-conforming responses kept with their request, response and curl command
NO_RESPONSE = "no response"


def sample(operation: str, failures: list[ConformanceFailure], exchange: Exchange, phase: str) -> dict[str, Any]:
    """One non-conforming response in full, as the reports show it."""
    return {
        "operation": operation,
        "phase": phase,
        "failures": [
            {"check": f.check_id, "title": checks.get(f.check_id).title, "message": f.message} for f in failures
        ],
        "exchange": exchange.to_dict(),
    }


@dataclass
class Tally:
    statuses: dict[str, Counter[str]] = field(default_factory=dict)  # operation -> status (or NO_RESPONSE) -> n
    judged: int = 0  # responses of the User resource judged
    non_conforming: int = 0  # of those, the ones that broke a rule
    by_check: Counter[str] = field(default_factory=Counter)  # check ID -> responses that broke it
    samples: list[dict[str, Any]] = field(default_factory=list)  # the first KEPT_IN_FULL of them, in full
    stale_reads: int = 0  # GETs that did not list yet a write they had to (see history.py)
    sampled_before: int = 0  # samples the process sent to the master before this tally

    def count(self, operation: str, status: int | None) -> None:
        self.statuses.setdefault(operation, Counter())[NO_RESPONSE if status is None else str(status)] += 1

    def judged_one(
        self, operation: str, failures: list[ConformanceFailure], exchange: Exchange, phase: str = "load"
    ) -> None:
        self.judged += 1
        if failures:
            self.failed_one(operation, failures, exchange, phase)

    def failed_one(
        self, operation: str, failures: list[ConformanceFailure], exchange: Exchange, phase: str, counted: bool = False
    ) -> None:
        """A response that broke `failures`' rules; `counted`: one already counted as non-conforming."""
        self.non_conforming += 0 if counted else 1
        self.by_check.update({failure.check_id for failure in failures})
        if self.sampled_before + len(self.samples) < KEPT_IN_FULL:
            self.samples.append(sample(operation, failures, exchange, phase))

    def successor(self) -> Tally:
        """An empty tally to go on with once this one's counts were sent to the master: it keeps
        count of the samples sent, so that a worker sends KEPT_IN_FULL at most in all."""
        return Tally(sampled_before=self.sampled_before + len(self.samples))

    def merge(self, part: dict[str, Any]) -> None:
        for operation, statuses in part.get("statuses", {}).items():
            self.statuses.setdefault(operation, Counter()).update(statuses)
        self.judged += part.get("judged", 0)
        self.non_conforming += part.get("non_conforming", 0)
        self.by_check.update(part.get("by_check", {}))
        self.samples += part.get("samples", [])[: max(0, KEPT_IN_FULL - len(self.samples))]
        self.stale_reads += part.get("stale_reads", 0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statuses": {operation: dict(statuses) for operation, statuses in self.statuses.items()},
            "judged": self.judged,
            "non_conforming": self.non_conforming,
            "by_check": dict(self.by_check),
            "samples": list(self.samples),
            "stale_reads": self.stale_reads,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tally:
        tally = cls()
        tally.merge(data)
        return tally
