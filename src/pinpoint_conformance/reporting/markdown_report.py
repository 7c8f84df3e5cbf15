"""The Markdown report: the verdict, every failure with its request, response and curl command,
then the conformance matrix, for a pull request comment, a CI job summary or a terminal."""

from __future__ import annotations

import json
from pathlib import Path

from ..harness import checks
from ..harness.exchange import request_line
from ..harness.settings import Settings
from ..parity.outcome import NO_EVIDENCE, ParityOutcome, entry_text
from .results import CheckResult, repeats, replay_note

ICONS = {
    "pass": "✅ pass",
    "fail": "❌ fail",
    "warn": "⚠️ warn",
    "blocked": "⛔ blocked",
    "error": "💥 error",
    "not exercised": "◻️ not exercised",
    "not run": "➖ not run",
    "not in profile": "➖ not in profile",
}


def _exchange(exchange: dict) -> list[str]:
    request, response = exchange["request"], exchange["response"]
    lines = ["```http", request_line(request)]
    lines += [f"{k}: {v}" for k, v in request["headers"].items()]
    if request["body"]:
        lines += ["", request["body"]]
    lines.append("```")
    if response is None:
        lines.append(f"No response: {exchange['error']}")
    else:
        lines += ["```http", f"HTTP {response['status']}"]
        lines += [f"{k}: {v}" for k, v in response["headers"].items()]
        lines += ["", response["body"], "```"]
    lines += ["Reproduce:", "```sh", exchange["curl"], "```"]
    return lines


def render(settings: Settings, results: list[CheckResult], line: str, retried: list[str] | None = None) -> str:
    out = ["# Pinpoint User resource conformance", "", f"**{line}**", "",
           f"- Target: `{settings.base_url}`", f"- Profile: `{settings.profile.name.lower()}`",
           f"- Seed: `{settings.seed}`", f"- Reproduce the run: `{settings.command_line()}`"]  # fmt: skip
    # The failures first, as the HTML report puts them: a CI job summary shows its top.
    failed = [r for r in results if r.failures or r.warnings]
    if failed:
        out += ["", "## Failures and warnings", "", replay_note(settings)]
    for r in failed:
        out += ["", f"### {r.check.id} {r.check.title} ({r.status})", "",
                f"Clause {r.check.clause} ({checks.CLAUSES[r.check.clause]}). {r.check.requirement}", "",
                f"Cites: {r.check.cites}"]  # fmt: skip
        for item in r.failures + r.warnings:
            out += ["", f"- **{item['message']}** (test `{item['test']}`){repeats(item)}", ""]
            for exchange in item.get("exchanges", [])[-2:]:
                out += _exchange(exchange)
    out += ["", "## Conformance matrix", "", "| Check | Clause | Status | Detail |", "|---|---|---|---|"]
    for r in results:
        out.append(f"| {r.check.id} {r.check.title} | {r.check.clause} | {ICONS[r.status]} | {_cell(r.detail)} |")
    if retried:
        out += ["", f"## Requests retried ({len(retried)})", "", *[f"- {note}" for note in retried]]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:200]


def parity_section(parity: ParityOutcome) -> list[str]:
    """Every difference not tolerated, with both sides' exchange and this run's curl command; then
    the tolerated ones with their reasons."""
    out = ["", f"## Parity with `{parity.transcript}`", "", f"**{parity.line}**"]
    for name, found in parity.by_exchange(tolerated=False):
        evidence = parity.evidence.get(name, NO_EVIDENCE)
        out += ["", f"### `{name}`", ""]
        out += [f"- `{d.where}`: {d.kind} (recorded `{_cell(json.dumps(d.recorded))}`, "
                f"now `{_cell(json.dumps(d.live))}`)" for d in found]  # fmt: skip
        out += ["", "Recorded:", "```text", entry_text(evidence.recorded), "```"]
        out += ["This run:", "```text", entry_text(evidence.live), "```"]
        if evidence.curl:
            out += ["Reproduce (this run's request):", "```sh", evidence.curl, "```"]
    tolerated = parity.by_exchange(tolerated=True)
    if tolerated:
        out += ["", "### Tolerated", "", "| Exchange | Path | Difference | Reason |", "|---|---|---|---|"]
        out += [f"| `{_cell(name)}` | `{_cell(d.where)}` | {d.kind} | {_cell(d.tolerated or '')} |"
                for name, found in tolerated for d in found]  # fmt: skip
    return out


def write(path: Path, settings: Settings, results: list[CheckResult], line: str,
          parity: ParityOutcome | None = None, retried: list[str] | None = None) -> None:  # fmt: skip
    text = render(settings, results, line, retried)
    if parity is not None:
        text += "\n".join(parity_section(parity)) + "\n"
    path.write_text(text, encoding="utf-8")
