"""Collects test outcomes on the controller (xdist sends workers' reports there), writes every
report at the end of the session, and sets the run's exit code from its verdict and, when the run
compared with a transcript, from the differences not tolerated."""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

import pytest

from ..harness.settings import Settings
from ..parity.outcome import DIFFERS, ParityOutcome
from . import html_report, json_report, junit_report, markdown_report
from .results import (
    DOES_NOT_CONFORM,
    EXIT_CODES,
    CheckResult,
    RunVerdict,
    TestRecord,
    fold,
    repeats,
    retries,
    run_blocked,
    verdict,
)

if TYPE_CHECKING:
    from ..parity.session import ParitySession

# pytest's own exit codes that say more than a verdict could: interrupted, internal error, usage error.
PYTEST_OWN_EXIT_CODES = (2, 3, 4)


def check_of_nodeid(nodeid: str) -> str | None:
    """The check a test proves, read from its function's marker: for results that never arrived
    (a crashed xdist worker sends no properties, only the test's ID)."""
    path, _, name = nodeid.partition("::")
    module_name = path.removesuffix(".py").replace("/", ".")
    try:
        function = getattr(importlib.import_module(module_name), name.split("[", 1)[0])
    except (ImportError, AttributeError, ValueError):
        return None
    marks = [mark for mark in getattr(function, "pytestmark", []) if mark.name == "check"]
    return marks[0].args[0] if marks else None


def repeated_failures(results: list[CheckResult]) -> list[str]:
    """One line for each failure that more than one test met: told in full above at its first test,
    then in a line at each other, and counted here."""
    lines = []
    for result in results:
        for failure in result.failures:
            if failure.get("count", 1) > 1:
                message = failure["message"] if len(failure["message"]) <= 100 else failure["message"][:99] + "…"
                lines.append(f"pinpoint-conformance: {result.check.id} {message}{repeats(failure)}")
    return lines


class Collector:
    def __init__(self, settings: Settings, parity: ParitySession | None = None) -> None:
        self.settings = settings
        self.parity_session = parity
        self.records: dict[str, TestRecord] = {}
        self.verdict: RunVerdict | None = None
        self.parity: ParityOutcome | None = None
        self.retried: list[str] = []
        self.results: list[CheckResult] = []
        self.unreachable = ""  # why the target could not be tested at all, when it could not

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = next((value for name, value in report.user_properties
                     if name == "conformance" and value.get("when") == report.when), None)  # fmt: skip
        if data is None:
            if report.failed:  # no properties and a failure: the worker died and xdist reported it
                record = TestRecord(report.nodeid, check_of_nodeid(report.nodeid))
                record = self.records.setdefault(report.nodeid, record)
                record.outcome = "error"
                record.skip_reason = str(report.longrepr)[-500:]
            return
        record = self.records.setdefault(report.nodeid, TestRecord(report.nodeid, data.get("check"), data.get("seed")))
        record.duration += report.duration
        if report.skipped:
            record.outcome = "skipped"
            longrepr = report.longrepr
            record.skip_reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        elif report.failed:
            record.outcome = "failed"
            ended_by_another = data.get("recorded") or data.get("blocked_by")
            if record.failure is None and (data.get("failure") or not ended_by_another):
                record.failure = data.get("failure") or {"check": record.check, "message": str(report.longrepr),
                                                         "exchanges": []}  # fmt: skip
        record.warnings.extend(data.get("warnings", []))
        record.observed.extend(data.get("observed", []))
        record.recorded.extend(data.get("recorded", []))
        record.blocked_by.extend(data.get("blocked_by", []))
        record.retries.extend(data.get("retries", []))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if session.config.option.collectonly:
            return  # listing the tests is not a run: no verdict, no reports
        records = list(self.records.values())
        results = self.results = fold(records, self.settings.profile)
        self.verdict = verdict(results, run_blocked(records), self.unreachable)
        self.parity = self.parity_session.finish() if self.parity_session else None
        if session.exitstatus not in PYTEST_OWN_EXIT_CODES:
            # A difference the tolerance file does not name fails the run, whatever the verdict.
            differs = self.parity is not None and self.parity.outcome == DIFFERS
            session.exitstatus = EXIT_CODES[DOES_NOT_CONFORM] if differs else self.verdict.exit_code
        out = self.settings.report_dir
        out.mkdir(parents=True, exist_ok=True)
        parity = self.parity
        json_report.write(out / "conformance.json", self.settings, results, records, self.verdict, parity)
        junit_report.write(out / "junit.xml", results, parity)
        self.retried = retries(records)
        markdown_report.write(out / "conformance.md", self.settings, results, self.verdict.line, parity, self.retried)
        html_report.write(out / "conformance.html", self.settings, results, self.verdict.line, self.verdict.conforms,
                          parity, self.retried)  # fmt: skip

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.verdict is not None:
            settings = self.settings
            if self.retried:
                terminalreporter.write_line(f"pinpoint-conformance: {len(self.retried)} request(s) retried once on "
                                            f"a new connection; the first: {self.retried[0]}")  # fmt: skip
            for line in repeated_failures(self.results):
                terminalreporter.write_line(line)
            terminalreporter.write_sep("-", f"reports written to {settings.report_dir}/; seed {settings.seed}; "
                                            f"reproduce: {settings.command_line()}")  # fmt: skip

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        # After pytest's own summary, so that the verdict is the run's last line.
        if self.verdict is not None:
            sys.stdout.write(self.verdict.line + "\n")
            if self.parity is not None:
                sys.stdout.write(self.parity.line + "\n")
            sys.stdout.flush()
