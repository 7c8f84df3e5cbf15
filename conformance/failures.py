"""How a check says no: a `ConformanceFailure` names the check ID, says what was received and what
the contract wants, and carries the exchanges that show it."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import catalog
from .exchange import Exchange


class ConformanceFailure(AssertionError):
    def __init__(self, check_id: str, message: str, *exchanges: Exchange) -> None:
        catalog.get(check_id)  # an unknown ID is a bug in the suite, caught at once
        super().__init__(f"{check_id} {message}")
        self.check_id = check_id
        self.message = message
        self.exchanges = [exchange for exchange in exchanges if exchange is not None]

    def render(self) -> str:
        check = catalog.get(self.check_id)
        lines = [
            f"{self.check_id} {check.title} — FAILED",
            f"  {self.message}",
            f"  Requirement: {check.requirement}",
            f"  Cites: {check.cites}",
        ]
        for exchange in self.exchanges[-3:]:
            lines.append("")
            lines += ["  " + line for line in exchange.render().splitlines()]
        return "\n".join(lines)


def fail(check_id: str, message: str, *exchanges: Exchange) -> ConformanceFailure:
    """Build the failure to raise: `raise fail("PC101", "...", exchange)`."""
    return ConformanceFailure(check_id, message, *exchanges)


@dataclass
class Finding:
    """A warning: reported, not failing (unless the profile makes it a failure)."""

    check_id: str
    message: str
    exchange: Exchange | None = None


@dataclass
class Verdict:
    """The warnings one test collects."""

    warnings: list[Finding] = field(default_factory=list)

    def warn(self, check_id: str, message: str, exchange: Exchange | None = None) -> None:
        catalog.get(check_id)
        if not any(w.check_id == check_id and w.message == message for w in self.warnings):
            self.warnings.append(Finding(check_id, message, exchange))
