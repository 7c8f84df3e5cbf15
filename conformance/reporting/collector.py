"""Collects test outcomes on the controller (xdist sends workers' reports there) and writes every
report at the end of the session."""

from __future__ import annotations

import sys

import pytest

from ..settings import Settings
from . import html_report, json_report, junit_report, markdown_report
from .results import TestRecord, conforms, fold, verdict_line


class Collector:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.records: dict[str, TestRecord] = {}
        self.line = ""

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = next((value for name, value in report.user_properties
                     if name == "conformance" and value.get("when") == report.when), None)  # fmt: skip
        if data is None:
            return
        record = self.records.setdefault(report.nodeid, TestRecord(report.nodeid, data.get("check"), data.get("seed")))
        record.duration += report.duration
        if report.skipped:
            record.outcome = "skipped"
            longrepr = report.longrepr
            record.skip_reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        elif report.failed:
            record.outcome = "failed"
            if record.failure is None:
                record.failure = data.get("failure") or {"check": record.check, "message": str(report.longrepr),
                                                         "exchanges": []}  # fmt: skip
        record.warnings.extend(data.get("warnings", []))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        records = list(self.records.values())
        results = fold(records)
        verdict = conforms(results, exitstatus == 0)
        self.line = verdict_line(results, verdict)
        out = self.settings.report_dir
        out.mkdir(parents=True, exist_ok=True)
        json_report.write(out / "conformance.json", self.settings, results, records, self.line, verdict)
        junit_report.write(out / "junit.xml", results)
        markdown_report.write(out / "conformance.md", self.settings, results, self.line)
        html_report.write(out / "conformance.html", self.settings, results, self.line, verdict)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        terminalreporter.write_sep("-", f"reports written to {self.settings.report_dir}/")

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        # After pytest's own summary, so that the verdict is the run's last line.
        if self.line:
            sys.stdout.write(self.line + "\n")
            sys.stdout.flush()
