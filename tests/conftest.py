"""The project's own tests. At the end of a session that ran the catalogue, the per-variant
results are folded into the mutation score."""

from __future__ import annotations

import json

import pytest

from tests.processes import ROOT

MUTATION = ROOT / "reports" / "mutation"


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput") and MUTATION.is_dir():
        for stale in MUTATION.glob("*.json"):
            stale.unlink()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput") or not MUTATION.is_dir():
        return
    records = [json.loads(path.read_text()) for path in sorted(MUTATION.glob("*.json"))]
    if not records:
        return
    faulty = [r for r in records if not r["conforming"]]
    conforming = [r for r in records if r["conforming"]]
    killed = sum(r["right_reason"] for r in faulty)
    alarms = sum(not r["right_reason"] for r in conforming)
    summary = {"faulty": len(faulty), "killed_for_the_right_reason": killed,
               "mutation_score": round(killed / len(faulty), 3) if faulty else None,
               "conforming": len(conforming), "false_alarms": alarms, "variants": records}  # fmt: skip
    (ROOT / "reports" / "mutation-score.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [f"# Mutation score: {killed}/{len(faulty)} faulty variants failed for the right reason; "
             f"{alarms} false alarms on {len(conforming)} conforming variants", "",
             "| Variant | Clause | Defect | Expected to fail | Failed | Verdict |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for r in sorted(records, key=lambda r: (r["conforming"], int(r["clause"]), r["variant"])):
        lines.append(f"| {r['variant']} | {r['clause']} | {r['description']} | "
                     f"{', '.join(r['expected']) or '(conforms)'} | {', '.join(r['failed']) or '-'} | "
                     f"{'ok' if r['right_reason'] else 'WRONG'} |")  # fmt: skip
    (ROOT / "reports" / "mutation-score.md").write_text("\n".join(lines) + "\n")
