"""A comparison's outcome: its differences, what each tolerated one is tolerated for, its line (printed
after the conformance verdict) and the form every report takes it in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .differences import Difference

MATCHES, DIFFERS = "MATCHES", "DIFFERS"


@dataclass(frozen=True)
class Evidence:
    """What reports show of an exchange that differs: both sides, normalized, and the curl command of
    this run's request (the recorded one cannot be replayed: its IDs are placeholders)."""

    recorded: Any  # the recording's exchange, or None
    live: Any  # this run's, or None
    curl: str | None  # this run's request, as `Exchange.curl()` gives it (credentials redacted)


NO_EVIDENCE = Evidence(None, None, None)


@dataclass
class ParityOutcome:
    transcript: str  # the file compared against, as given
    differences: list[Difference]
    scenarios: int  # compared: those in the recording or in this run
    exchanges: int  # this run's
    # Only for the exchanges with a difference not tolerated: a tolerated difference such as a charset
    # may touch every exchange, and showing each would repeat the whole transcript twice.
    evidence: dict[str, Evidence] = field(default_factory=dict)

    @property
    def untolerated(self) -> list[Difference]:
        return [d for d in self.differences if d.tolerated is None]

    @property
    def outcome(self) -> str:
        return DIFFERS if self.untolerated else MATCHES

    @property
    def line(self) -> str:
        tolerated = len(self.differences) - len(self.untolerated)
        where = sorted({d.exchange for d in self.untolerated})
        listed = ", ".join(where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5 else "")
        return (f"pinpoint-conformance parity: {self.outcome} — {len(self.untolerated)} differences not tolerated, "
                f"{tolerated} tolerated, over {self.exchanges} exchanges of {self.scenarios} scenarios, "
                f"against {self.transcript}" + (f" (differ: {listed})" if where else ""))  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "outcome": self.outcome,
            "transcript": self.transcript,
            "scenarios": self.scenarios,
            "exchanges": self.exchanges,
            "differences": [
                {
                    "exchange": d.exchange,
                    "path": d.where,
                    "kind": d.kind,
                    "recorded": d.recorded,
                    "live": d.live,
                    "tolerated": d.tolerated,
                }
                for d in self.differences
            ],
            "evidence": {
                name: {"recorded": e.recorded, "live": e.live, "curl": e.curl} for name, e in self.evidence.items()
            },
        }

    def by_exchange(self, tolerated: bool) -> list[tuple[str, list[Difference]]]:
        """The differences (tolerated ones, or the others) grouped by exchange, in transcript order."""
        groups: dict[str, list[Difference]] = {}
        for difference in self.differences:
            if (difference.tolerated is not None) == tolerated:
                groups.setdefault(difference.exchange, []).append(difference)
        return list(groups.items())


def entry_text(entry: Any) -> str:
    """A transcript's exchange as reports show it: its request line, then its answer, as JSON."""
    if entry is None:
        return "(no such exchange)"
    request = entry["request"]
    answer = entry.get("response") or {"error": entry.get("error")}
    return (f"{request['method']} {request['target']}\n" + json.dumps({"request": request, "answer": answer},
            indent=1, sort_keys=True, ensure_ascii=False))  # fmt: skip
