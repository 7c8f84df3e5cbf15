"""The pure part of the side-by-side comparison (benchmarks/suite_vs_schemathesis.py): the budget
both sides get, the Schemathesis command, what its structured reports say, and the tables. No
process is started here, so that tests/benchmarks/ can check all of it on canned reports."""

from __future__ import annotations

import json
import statistics
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SEED = 20261129  # Schemathesis' --seed; the suite runs under its own default seed
SPEC_FILE = "pinpoint.openapi.json"
JSON_REPORT = "schemathesis.json"
JUNIT_REPORT = "schemathesis.junit.xml"
PLAIN, EXCLUDING = "st-all", "st-all-minus-pda"
SUITE = "suite"
TOOLS = {
    SUITE: "our suite (`pytest conformance`)",
    PLAIN: "`schemathesis run --checks all`",
    EXCLUDING: "`schemathesis run --checks all --exclude-checks positive_data_acceptance`",
}
# How each tool spends the budget of a target: N examples, T seconds (the per-target table gives both).
SPENDS = {
    SUITE: "N per property-based check (PC901: 2N; PC903: max(5, N/4) sequences), T s per response",
    PLAIN: "N per operation in fuzzing and stateful (plus its examples and coverage cases), T s per request",
}
SPENDS[EXCLUDING] = SPENDS[PLAIN]

# What a Schemathesis error says, in the words of its JUnit report, and the kind the table names.
ERROR_KINDS = (
    ("timed out", "timeout"),
    ("connection refused", "connection refused"),
    ("remote end closed", "closed unanswered"),
    ("connection aborted", "closed unanswered"),
    ("connection reset", "connection reset"),
    ("ended prematurely", "truncated body"),
    ("incompleteread", "truncated body"),
)


@dataclass(frozen=True)
class Budget:
    """What each side may spend on one target: generated examples and seconds per response."""

    max_examples: int
    timeout: float

    def cell(self) -> str:
        return f"{self.max_examples} ex., {self.timeout:g} s"

    def as_arguments(self) -> tuple[str, str]:
        return str(self.max_examples), f"{self.timeout:g}"


def suite_defaults() -> dict[str, Any]:
    """The defaults of the suite's command-line options, read from src/pinpoint_conformance/harness/settings.py (the
    options a run without them gets), so that the comparison follows them when they change."""
    from pinpoint_conformance.harness.settings import option_specs

    return {spec.name: spec.default for spec in option_specs()}


def budget_for(options: dict[str, str], defaults: dict[str, Any]) -> Budget:
    """The suite's budget for a variant: its defaults, unless the variant's options set them."""
    return Budget(int(options.get("--max-examples", defaults["--max-examples"])),
                  float(options.get("--timeout", defaults["--timeout"])))  # fmt: skip


def suite_options(options: dict[str, str]) -> dict[str, str | None]:
    """The options for proof.suite_runs.run_suite: None drops the catalogue's own shortcut
    (--timeout 3), so that the suite runs with its defaults plus the variant's options."""
    return {"--max-examples": None, "--timeout": None, **options}


def schemathesis_arguments(base_url: str, examples: str, timeout: str, *, exclude: bool) -> list[str]:
    """`schemathesis run` with everything else at its defaults (`exclude`: without positive_data_acceptance);
    the paths are relative to its fresh folder."""
    excluded = ["--exclude-checks", "positive_data_acceptance"] if exclude else []
    return ["run", SPEC_FILE, "--url", base_url, "--checks", "all", *excluded, "--max-examples", examples,
            "--request-timeout", timeout, "--seed", str(SEED), "--report-json-path", JSON_REPORT,
            "--report-junit-path", JUNIT_REPORT]  # fmt: skip


@dataclass
class ToolRun:
    """One tool against one target: did it fail the target, with what, and how long it took."""

    exit_code: int | None
    seconds: float
    detected: bool
    findings: list[str]  # Schemathesis: ST codes and error kinds; the suite: the check IDs that failed
    right_clause: bool | None = None  # the suite on a faulty variant: failed for its clause and nothing else
    test_cases: int | None = None  # Schemathesis: the test cases it generated
    note: str = ""


def error_kind(text: str) -> str:
    lowered = text.lower()
    for needle, kind in ERROR_KINDS:
        if needle in lowered:
            return kind
    return next((line.strip() for line in text.splitlines() if line.strip()), "error")


def read_schemathesis(folder: Path, exit_code: int | None, seconds: float) -> ToolRun:
    """Reads a Schemathesis run from its JSON run report (failure codes, error titles, exit code) and
    its JUnit report (what each error was: a timeout, a refused connection...). It detected the
    fault if it exited non-zero having reported a failure or an error of any kind."""
    json_path = folder / JSON_REPORT
    if exit_code is None or not json_path.exists():
        note = "did not finish" if exit_code is None else f"exit {exit_code}, no report"
        return ToolRun(exit_code, seconds, False, [], note=note)
    report = json.loads(json_path.read_text())
    codes = sorted({failure["code"] for failure in report.get("failures", [])})
    kinds: set[str] = set()
    junit_path = folder / JUNIT_REPORT
    if junit_path.exists():
        kinds = {error_kind(error.text or "") for error in ElementTree.parse(junit_path).iter("error")}
    if report.get("errors") and not kinds:  # errors outside any test case: the JSON report names them only
        kinds = {error["title"] for error in report["errors"]}
    findings = codes + sorted(kinds)
    note = "" if report.get("complete", True) else f"incomplete: {report.get('stop_reason')}"
    if exit_code != 0 and not findings:
        note = note or f"exit {exit_code} with no failure or error"
    return ToolRun(exit_code, seconds, exit_code != 0 and bool(findings), findings,
                   test_cases=report.get("test_cases", {}).get("generated"), note=note)  # fmt: skip


@dataclass
class Row:
    variant: str
    kind: str  # "faulty", "conforming" or "reference"
    clause: str
    expected: list[str]  # a faulty variant's `fails | also`
    budget: Budget
    runs: dict[str, ToolRun] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def beyond(run: ToolRun, baseline: ToolRun | None) -> bool:
    """Whether a Schemathesis detection reports something it does not report on the reference server."""
    return run.detected and bool(set(run.findings) - set(baseline.findings if baseline else ()))


def cell(row: Row, tool: str, baseline: ToolRun | None) -> str:
    run = row.runs[tool]
    findings = ",".join(run.findings)
    if not run.detected:
        text = "passed" if not run.note else f"passed ({run.note})"
    elif row.kind == "conforming":
        text = f"FALSE ALARM {findings}"
    elif row.kind == "reference":
        text = f"fails it: {findings}"
    elif tool == SUITE:
        text = f"detected {findings}" + ("" if run.right_clause else " (not its clause)")
    else:
        text = f"detected {findings}" + ("" if beyond(run, baseline) else " (baseline only)")
    return text.replace("|", "\\|")


@dataclass
class Totals:
    detected: int
    qualified: int  # the suite: for the right clause; Schemathesis: beyond its baseline
    alarms: int
    median: float
    total: float


def totals(rows: list[Row], tool: str, baseline: ToolRun | None) -> Totals:
    """Over the catalogue's variants (the reference row is the baseline, not a target that counts)."""
    targets = [row for row in rows if row.kind != "reference"]
    faulty = [row.runs[tool] for row in targets if row.kind == "faulty"]
    seconds = [row.runs[tool].seconds for row in targets]
    qualified = sum(bool(run.right_clause) if tool == SUITE else beyond(run, baseline) for run in faulty)
    return Totals(sum(run.detected for run in faulty), qualified,
                  sum(row.runs[tool].detected for row in targets if row.kind == "conforming"),
                  statistics.median(seconds) if seconds else 0.0, sum(seconds))  # fmt: skip


def baseline_of(rows: list[Row], tool: str) -> ToolRun | None:
    return next((row.runs[tool] for row in rows if row.kind == "reference"), None)


def summary_table(rows: list[Row]) -> list[str]:
    faulty = sum(row.kind == "faulty" for row in rows)
    conforming = sum(row.kind == "conforming" for row in rows)
    lines = ["| Tool | Budget | Faults detected | For the right clause (suite) / beyond its baseline (Schemathesis) "
             "| False alarms | Median s per target | Total s |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for tool, label in TOOLS.items():
        baseline = baseline_of(rows, tool)
        t = totals(rows, tool, baseline)
        if tool == SUITE:
            qualified = f"{t.qualified}/{faulty}"
        else:
            found = ",".join(baseline.findings) if baseline and baseline.detected else "nothing"
            qualified = f"{t.qualified}/{faulty} (on the reference server: {found})"
        lines.append(f"| {label} | {SPENDS[tool]} | {t.detected}/{faulty} | {qualified} | {t.alarms}/{conforming} | "
                     f"{t.median:.1f} | {t.total:.0f} |")  # fmt: skip
    return lines


def variant_table(rows: list[Row]) -> list[str]:
    lines = ["| Variant | Kind | Budget (both sides) | Our suite | s | `--checks all` | s "
             "| `--checks all` minus `positive_data_acceptance` | s |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    baselines = {tool: baseline_of(rows, tool) for tool in TOOLS}
    for row in rows:
        kind = f"clause {row.clause}" if row.kind == "faulty" else row.kind
        cells = [f"{cell(row, tool, baselines[tool])} | {row.runs[tool].seconds:.1f}" for tool in TOOLS]
        lines.append(f"| {row.variant} | {kind} | {row.budget.cell()} | " + " | ".join(cells) + " |")
    return lines
