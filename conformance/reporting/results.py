"""A run's results: one record per test, folded into one status per check (the conformance matrix)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import catalog

PASS, FAIL, WARN, SKIP, BLOCKED = "pass", "fail", "warn", "skip", "blocked"


@dataclass
class TestRecord:
    nodeid: str
    check: str | None
    seed: int | None = None  # the seed of the process that ran the test
    outcome: str = "passed"  # passed | failed | skipped
    duration: float = 0.0
    skip_reason: str = ""
    failure: dict[str, Any] | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CheckResult:
    check: catalog.Check
    status: str
    tests: list[TestRecord] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)  # each with its test's nodeid
    warnings: list[dict[str, Any]] = field(default_factory=list)
    blocked_by: list[str] = field(default_factory=list)
    skip_reason: str = ""

    @property
    def detail(self) -> str:
        """The one-line reason shown in the matrix."""
        if self.failures:
            return self.failures[0]["message"]
        if self.blocked_by:
            return "blocked by " + ", ".join(sorted(set(self.blocked_by)))
        if self.warnings:
            return self.warnings[0]["message"]
        return self.skip_reason if self.status == SKIP else ""


def fold(records: list[TestRecord]) -> list[CheckResult]:
    """Per check: fail if any failure names it; blocked if its tests failed on another check;
    warn if only warnings; pass if a test of it passed; skip otherwise."""
    results = {check_id: CheckResult(check, SKIP) for check_id, check in catalog.CHECKS.items()}
    for record in records:
        if record.check in results:
            results[record.check].tests.append(record)
        if record.failure:
            owner = record.failure.get("check") or record.check
            if owner in results:
                results[owner].failures.append({**record.failure, "test": record.nodeid})
            if record.check in results and owner != record.check:
                results[record.check].blocked_by.append(owner)
        for warning in record.warnings:
            if warning["check"] in results:
                results[warning["check"]].warnings.append({**warning, "test": record.nodeid})
    for result in results.values():
        passed = any(t.outcome == "passed" for t in result.tests)
        if result.failures:
            result.status = FAIL
        elif result.blocked_by:
            result.status = BLOCKED
        elif result.warnings:
            result.status = WARN
        elif passed:
            result.status = PASS
        else:
            result.status = SKIP
            result.skip_reason = next((t.skip_reason for t in result.tests if t.skip_reason), "not run")
    return list(results.values())


def counts(results: list[CheckResult]) -> dict[str, int]:
    tally = {PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, BLOCKED: 0}
    for result in results:
        tally[result.status] += 1
    return tally


def conforms(results: list[CheckResult], exit_ok: bool) -> bool:
    """The verdict: pytest passed, and no check failed or was blocked (warnings do not count)."""
    tally = counts(results)
    return exit_ok and tally[FAIL] == 0 and tally[BLOCKED] == 0


def verdict_line(results: list[CheckResult], verdict: bool) -> str:
    tally = counts(results)
    word = "CONFORMS" if verdict else "DOES NOT CONFORM"
    failed = [r.check.id for r in results if r.status == FAIL]
    tail = f" (failed: {', '.join(failed)})" if failed else ""
    return (f"pinpoint-conformance verdict: {word} — {tally[PASS]} passed, {tally[FAIL]} failed, "
            f"{tally[WARN]} warned, {tally[BLOCKED]} blocked, {tally[SKIP]} skipped{tail}")  # fmt: skip
