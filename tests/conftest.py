"""The project's own tests. At the end of a session that ran the catalogue, the per-variant
results are folded into the mutation score."""

from __future__ import annotations

import json

import pytest

from proof.processes import ROOT

MUTATION = ROOT / "reports" / "mutation"
STABILITY = ROOT / "reports" / "stability"


def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return
    for folder in (MUTATION, STABILITY):
        for stale in folder.glob("*.json") if folder.is_dir() else ():
            stale.unlink(missing_ok=True)  # another session may have removed it first


def pytest_sessionfinish(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):
        return
    _write_stability()
    if not MUTATION.is_dir():
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


def _write_stability() -> None:
    """The stability figure: (variant, seed) runs whose verdict is the variant's right one, over the
    default seed (the catalogue's runs) and the stability test's four others."""
    if not STABILITY.is_dir():
        return
    records = [json.loads(path.read_text()) for folder in (MUTATION, STABILITY) if folder.is_dir()
               for path in sorted(folder.glob("*.json"))]  # fmt: skip
    by_variant: dict[str, list[dict]] = {}
    for record in records:
        by_variant.setdefault(record["variant"], []).append(record)
    runs = len(records)
    right = sum(r["right_reason"] for r in records)
    stable = [name for name, rs in by_variant.items() if len({r["outcome"] for r in rs}) == 1
              and all(r["right_reason"] for r in rs)]  # fmt: skip
    summary = {"runs": runs, "right_verdicts": right, "variants": len(by_variant), "stable_variants": len(stable),
               "seeds": sorted({r["seed"] for r in records}), "records": records}  # fmt: skip
    (ROOT / "reports" / "stability.json").write_text(json.dumps(summary, indent=2) + "\n")
    lines = [f"# Verdict stability: {right}/{runs} runs (variants x seeds) reached the variant's verdict; "
             f"{len(stable)}/{len(by_variant)} variants got the same verdict under every seed", "",
             "| Variant | Seeds | Outcomes | Failed checks per seed |", "|---|---|---|---|"]  # fmt: skip
    for name, rs in sorted(by_variant.items()):
        rs = sorted(rs, key=lambda r: r["seed"])
        lines.append(
            f"| {name} | {', '.join(r['seed'] for r in rs)} | {', '.join(sorted({r['outcome'] or '?' for r in rs}))} | "
            + "; ".join(f"{r['seed']}: {', '.join(r['failed']) or '-'}" for r in rs)
            + " |"
        )
    (ROOT / "reports" / "stability.md").write_text("\n".join(lines) + "\n")
