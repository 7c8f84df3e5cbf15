"""A comparison's outcome: its differences, what each tolerated one is tolerated for, its line (printed
after the conformance verdict) and the form every report takes it in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .differences import Difference

MATCHES, DIFFERS = "MATCHES", "DIFFERS"


@dataclass
class ParityOutcome:
    transcript: str  # the file compared against, as given
    differences: list[Difference]
    scenarios: int  # compared: those in the recording or in this run
    exchanges: int  # this run's
    # exchange name -> (the recording's normalized exchange, this run's, this run's raw one as
    # `Exchange.to_dict()` gives it: headers redacted, with its curl command)
    evidence: dict[str, tuple[Any, Any, Any]] = field(default_factory=dict)

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
            "differences": [self.difference_dict(d) for d in self.differences],
        }

    def difference_dict(self, difference: Difference) -> dict[str, Any]:
        recorded, live, raw = self.evidence.get(difference.exchange, (None, None, None))
        return {
            "exchange": difference.exchange,
            "path": difference.where,
            "kind": difference.kind,
            "recorded": difference.recorded,
            "live": difference.live,
            "tolerated": difference.tolerated,
            "recorded_exchange": recorded,
            "live_exchange": live,
            "curl": raw["curl"] if raw else None,
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
