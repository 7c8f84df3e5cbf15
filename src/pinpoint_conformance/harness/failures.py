"""How a check says no: `fail()` raises a `ConformanceFailure` that names the check ID, says what was
received and what the contract wants, and carries the exchanges that show it. What one test saw
besides failures (warnings, and which conditional checks it exercised) is its `Findings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

from . import checks
from .exchange import Exchange


class ConformanceFailure(AssertionError):
    """A check's failure. `blocks_run` marks a failure that is not the server's conformance at all
    (the run's own credentials refused): the report calls the run blocked, not the server faulty."""

    def __init__(self, check_id: str, message: str, *exchanges: Exchange | None, blocks_run: bool = False,
                 unreadable: bool = False) -> None:  # fmt: skip
        checks.get(check_id)  # an unknown ID is a bug in the suite, caught at once
        super().__init__(f"{check_id} {message}")
        self.check_id = check_id
        self.message = message
        self.exchanges = [exchange for exchange in exchanges if exchange is not None]
        self.blocks_run = blocks_run
        # The response cannot be read as an answer at all (a 5xx, an undocumented status, a body that
        # is no EndpointsResponse): a check that needed it cannot go on.
        self.unreadable = unreadable

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check_id, "message": self.message, "blocks_run": self.blocks_run,
                "exchanges": [e.to_dict() for e in self.exchanges]}  # fmt: skip

    def render(self) -> str:
        check = checks.get(self.check_id)
        outcome = "BLOCKED" if self.blocks_run else "FAILED"
        lines = [
            f"{self.check_id} {check.title} — {outcome}",
            f"  {self.message}",
            f"  Requirement: {check.requirement}",
            f"  Cites: {check.cites}",
        ]
        for exchange in self.exchanges[-3:]:
            lines.append("")
            lines += ["  " + line for line in exchange.render().splitlines()]
        return "\n".join(lines)


class NotApplicable(Exception):
    """A check that cannot run in this run (the message says why): reported as skipped. Raised
    where pytest is not imported, in the property worker; the suite's process turns it into a skip."""


def fail(check_id: str, message: str, *exchanges: Exchange | None) -> NoReturn:
    """Fail `check_id`: raises, so that no caller can forget to."""
    raise ConformanceFailure(check_id, message, *exchanges)


def fail_unreadable(check_id: str, message: str, exchange: Exchange) -> NoReturn:
    """Fail `check_id` for a response no check can read an answer from (see `unreadable`)."""
    raise ConformanceFailure(check_id, message, exchange, unreadable=True)


@dataclass
class Finding:
    """A warning: reported, not failing (unless the profile makes it a failure)."""

    check_id: str
    message: str
    exchange: Exchange | None = None


@dataclass
class Findings:
    """What one test saw besides failures: its warnings, and the conditional checks whose
    condition arose (a 429 answered, a CohortId returned…). A conditional check that no test
    observed is reported *not exercised*, never *pass*."""

    warnings: list[Finding] = field(default_factory=list)
    observed: set[str] = field(default_factory=set)
    retries: list[str] = field(default_factory=list)  # requests sent again after a stale connection
    # Failures of other checks met on the wire while the test went on (`record`): the first of each
    # check in full, and how many more of it followed.
    recorded: list[ConformanceFailure] = field(default_factory=list)
    repeats: dict[str, int] = field(default_factory=dict)
    check: str | None = None  # the check the test proves

    def record(self, failure: ConformanceFailure) -> None:
        if any(known.check_id == failure.check_id for known in self.recorded):
            self.repeats[failure.check_id] = self.repeats.get(failure.check_id, 0) + 1
        else:
            self.recorded.append(failure)

    def recorded_dicts(self) -> list[dict[str, Any]]:
        """The recorded failures as the reports take them, each with the count of its repeats."""
        out = []
        for failure in self.recorded:
            more = self.repeats.get(failure.check_id, 0)
            entry = failure.to_dict()
            if more:
                entry["message"] += f" (and {more} more responses like it in this test)"
            out.append(entry)
        return out

    def warn(self, check_id: str, message: str, exchange: Exchange | None = None) -> None:
        checks.get(check_id)
        if not any(w.check_id == check_id and w.message == message for w in self.warnings):
            self.warnings.append(Finding(check_id, message, exchange))

    def observe(self, *check_ids: str) -> None:
        self.observed.update(check_ids)

    def note_retry(self, note: str) -> None:
        self.retries.append(note)

    def merge(self, other: Findings) -> None:
        """Take in what `other` saw (the property worker's findings, into the test's)."""
        for warning in other.warnings:
            self.warn(warning.check_id, warning.message, warning.exchange)
        self.observe(*other.observed)
        self.retries += other.retries
        for failure in other.recorded:
            self.record(failure)
        for check_id, more in other.repeats.items():
            self.repeats[check_id] = self.repeats.get(check_id, 0) + more


def observe(findings: Findings | None, *check_ids: str) -> None:
    """Record that the condition of `check_ids` arose, where a test is listening."""
    if findings is not None:
        findings.observe(*check_ids)
