"""The Markdown report: the conformance matrix and every failure with its request, response and
curl command, for a pull request comment or a terminal."""

from __future__ import annotations

from pathlib import Path

from ..harness import checks
from ..harness.exchange import request_line
from ..harness.settings import Settings
from .results import CheckResult

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


def render(settings: Settings, results: list[CheckResult], line: str) -> str:
    out = ["# Pinpoint User resource conformance", "", f"**{line}**", "",
           f"- Target: `{settings.base_url}`", f"- Profile: `{settings.profile.name.lower()}`",
           f"- Seed: `{settings.seed}`", f"- Reproduce the run: `{settings.command_line()}`", "",
           "## Conformance matrix", "", "| Check | Clause | Status | Detail |", "|---|---|---|---|"]  # fmt: skip
    for r in results:
        detail = r.detail.replace("|", "\\|").replace("\n", " ")[:200]
        out.append(f"| {r.check.id} {r.check.title} | {r.check.clause} | {ICONS[r.status]} | {detail} |")
    failed = [r for r in results if r.failures or r.warnings]
    if failed:
        out += ["", "## Failures and warnings"]
    for r in failed:
        out += ["", f"### {r.check.id} {r.check.title} ({r.status})", "",
                f"Clause {r.check.clause} ({checks.CLAUSES[r.check.clause]}). {r.check.requirement}", "",
                f"Cites: {r.check.cites}"]  # fmt: skip
        for item in r.failures + r.warnings:
            out += ["", f"- **{item['message']}** (test `{item['test']}`)", ""]
            for exchange in item.get("exchanges", [])[-2:]:
                out += _exchange(exchange)
    return "\n".join(out) + "\n"


def write(path: Path, settings: Settings, results: list[CheckResult], line: str) -> None:
    path.write_text(render(settings, results, line), encoding="utf-8")
