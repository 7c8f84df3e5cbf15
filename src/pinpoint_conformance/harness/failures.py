"""How a check says no: `fail()` raises a `ConformanceFailure` that names the check ID, says what was
received and what the contract wants, and carries the exchanges that show it. What one test saw
besides failures (warnings, and which conditional checks it exercised) is its `Findings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from . import checks
from .exchange import Exchange


class ConformanceFailure(AssertionError):
    """A check's failure. `blocks_run` marks a failure that is not the server's conformance at all
    (the run's own credentials refused): the report calls the run blocked, not the server faulty."""

    def __init__(self, check_id: str, message: str, *exchanges: Exchange | None, blocks_run: bool = False) -> None:
        checks.get(check_id)  # an unknown ID is a bug in the suite, caught at once
        super().__init__(f"{check_id} {message}")
        self.check_id = check_id
        self.message = message
        self.exchanges = [exchange for exchange in exchanges if exchange is not None]
        self.blocks_run = blocks_run

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

    def warn(self, check_id: str, message: str, exchange: Exchange | None = None) -> None:
        checks.get(check_id)
        if not any(w.check_id == check_id and w.message == message for w in self.warnings):
            self.warnings.append(Finding(check_id, message, exchange))

    def observe(self, *check_ids: str) -> None:
        self.observed.update(check_ids)


def observe(findings: Findings | None, *check_ids: str) -> None:
    """Record that the condition of `check_ids` arose, where a test is listening."""
    if findings is not None:
        findings.observe(*check_ids)
