"""The logic of benchmarks/suite_vs_schemathesis.py, without running it: the budget it gives both
sides, the Schemathesis command (parsed by the pinned CLI itself), how it reads Schemathesis'
reports, and the tables. The canned reports in schemathesis-reports/ are trimmed from real runs of
Schemathesis 4.32.5 on the conformance bundle: `hang` against the intermittent-hang variant with
--request-timeout 1 (ST202 and one read timeout), `refused` against a port where nothing listens."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import schemathesis.cli

from benchmarks.comparison import (
    EXCLUDING,
    JSON_REPORT,
    JUNIT_REPORT,
    PLAIN,
    SPEC_FILE,
    SUITE,
    Budget,
    Row,
    ToolRun,
    budget_for,
    error_kind,
    read_schemathesis,
    schemathesis_arguments,
    suite_defaults,
    suite_options,
    summary_table,
    variant_table,
)
from pinpoint_conformance.harness.settings import Settings
from proof.suite_runs import CATALOGUE_OPTIONS

CANNED = Path(__file__).parent / "schemathesis-reports"


def canned(name: str, folder: Path) -> Path:
    shutil.copy(CANNED / f"{name}.json", folder / JSON_REPORT)
    shutil.copy(CANNED / f"{name}.junit.xml", folder / JUNIT_REPORT)
    return folder


def test_the_budget_is_the_suites_own_default_unless_the_variant_sets_one() -> None:
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert budget_for({}, suite_defaults()) == Budget(defaults["max_examples"], defaults["timeout"])
    assert budget_for({"--timeout": "1"}, suite_defaults()) == Budget(defaults["max_examples"], 1.0)


def test_the_suite_runs_without_the_catalogues_shortcuts() -> None:
    options = suite_options({"--timeout": "1"})
    assert set(CATALOGUE_OPTIONS[::2]) <= set(options)  # every shortcut run_suite would apply is overridden
    assert options == {"--max-examples": None, "--timeout": "1"}


@pytest.mark.parametrize("exclude", [False, True])
def test_the_pinned_cli_reads_the_command_as_meant(exclude: bool, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / SPEC_FILE).write_text("{}")
    arguments = schemathesis_arguments("http://127.0.0.1:9", *Budget(40, 1.0).as_arguments(), exclude=exclude)
    assert arguments[0] == "run"
    params = schemathesis.cli.schemathesis.commands["run"].make_context("run", arguments[1:]).params
    assert params["included_check_names"] == ["all"]
    assert params["excluded_check_names"] == (["positive_data_acceptance"] if exclude else None)
    assert (params["generation_max_examples"], params["request_timeout"]) == (40, 1.0)
    assert params["generation_seed"] is not None and params["base_url"] == "http://127.0.0.1:9"


def test_a_timeout_and_a_failure_are_both_read(tmp_path: Path) -> None:
    run = read_schemathesis(canned("hang", tmp_path), exit_code=1, seconds=20.0)
    assert (run.detected, run.findings, run.test_cases, run.note) == (True, ["ST202", "timeout"], 932, "")


def test_a_refused_connection_is_a_detection(tmp_path: Path) -> None:
    run = read_schemathesis(canned("refused", tmp_path), exit_code=1, seconds=13.0)
    assert (run.detected, run.findings) == (True, ["connection refused"])


def test_nothing_reported_or_no_report_is_no_detection(tmp_path: Path) -> None:
    assert read_schemathesis(tmp_path, exit_code=2, seconds=1.0) == ToolRun(2, 1.0, False, [], note="exit 2, no report")
    assert read_schemathesis(tmp_path, exit_code=None, seconds=1800.0).note == "did not finish"
    (tmp_path / JSON_REPORT).write_text('{"exit_code": 0, "complete": true, "failures": [], "errors": []}')
    assert not read_schemathesis(tmp_path, exit_code=0, seconds=1.0).detected
    quiet = read_schemathesis(tmp_path, exit_code=1, seconds=1.0)
    assert (quiet.detected, quiet.note) == (False, "exit 1 with no failure or error")


def test_error_kinds() -> None:
    assert error_kind("Network Error\n\nConnection failed\n\n    Connection aborted. Remote end closed connection "
                      "without response") == "closed unanswered"  # fmt: skip
    assert error_kind("Network Error\n\nRead timed out after 1.0 seconds") == "timeout"
    assert error_kind("\nSchema Loading Error\n\nsomething else") == "Schema Loading Error"


def st(*findings: str) -> ToolRun:
    return ToolRun(1 if findings else 0, 20.0, bool(findings), list(findings))


def ours(*failed: str, right: bool | None = None) -> ToolRun:
    return ToolRun(1 if failed else 0, 10.0, bool(failed), list(failed), right_clause=right)


def row(name: str, kind: str, suite: ToolRun, plain: ToolRun, excluding: ToolRun) -> Row:
    return Row(name, kind, "1" if kind == "faulty" else "-", [], Budget(40, 10.0),
               {SUITE: suite, PLAIN: plain, EXCLUDING: excluding})  # fmt: skip


def test_totals_count_baseline_only_detections_apart_and_false_alarms() -> None:
    rows = [
        row("reference", "reference", ours(), st("ST202"), st()),
        row("prefix-match", "faulty", ours("PC102", right=True), st("ST202"), st()),
        row("intermittent-hang", "faulty", ours("PC803", "PC901", right=True), st("ST202", "timeout"), st("timeout")),
        row("wrongly-judged", "faulty", ours("PC001", right=False), st("ST202"), st()),
        row("extra-fields", "conforming", ours(), st("ST202"), st()),
    ]
    summary = summary_table(rows)
    assert "| 3/3 | 2/3 | 0/1 | 10.0 | 40 |" in summary[2]  # the suite: the reference row does not count
    assert "| 3/3 | 1/3 (on the reference server: ST202) | 1/1 | 20.0 | 80 |" in summary[3]
    assert "| 1/3 | 1/3 (on the reference server: nothing) | 0/1 | 20.0 | 80 |" in summary[4]
    table = "\n".join(variant_table(rows))
    assert "| reference | reference | 40 ex., 10 s | passed | 10.0 | fails it: ST202 | 20.0 | passed | 20.0 |" in table
    assert "detected ST202 (baseline only)" in table and "detected ST202,timeout | 20.0" in table
    assert "detected PC001 (not its clause)" in table and "FALSE ALARM ST202" in table
