"""The JSON result: everything the other reports show, for machines."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from ..harness.settings import Settings
from ..parity.outcome import ParityOutcome
from .results import CheckResult, RunVerdict, TestRecord, counts


def document(settings: Settings, results: list[CheckResult], records: list[TestRecord],
             verdict: RunVerdict, parity: ParityOutcome | None = None) -> dict:  # fmt: skip
    """`parity` is null unless the run compared with a transcript."""
    return {
        "verdict": verdict.line,
        "outcome": verdict.outcome,
        "conforms": verdict.conforms,
        "exit_code": verdict.exit_code,
        "target": settings.base_url,
        "profile": settings.profile.name.lower(),
        "seed": settings.seed,
        "reproduce": settings.command_line(),
        "counts": counts(results),
        "checks": [
            {
                "id": r.check.id,
                "title": r.check.title,
                "clause": r.check.clause,
                "status": r.status,
                "requirement": r.check.requirement,
                "cites": r.check.cites,
                "failures": r.failures,
                "warnings": r.warnings,
                "blocked_by": sorted(set(r.blocked_by)),
                "skip_reason": r.skip_reason,
                "tests": [t.nodeid for t in r.tests],
            }
            for r in results
        ],
        "tests": [asdict(record) for record in records],
        "parity": parity.to_dict() if parity else None,
    }


def write(path: Path, settings: Settings, results: list[CheckResult], records: list[TestRecord],
          verdict: RunVerdict, parity: ParityOutcome | None = None) -> None:  # fmt: skip
    text = json.dumps(document(settings, results, records, verdict, parity), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
