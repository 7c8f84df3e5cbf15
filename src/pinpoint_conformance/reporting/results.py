"""A run's results: one record per test, folded into one status per check (the conformance matrix),
and the run's verdict.

Statuses of a check:
- pass: its tests ran and passed, and (for a conditional check) its condition arose;
- not exercised: its tests passed but its condition never arose (no 429, no CohortId…);
- warn: passed with warnings; fail: a failure names it;
- blocked: its tests were stopped by another check's failure, or the run could not authenticate;
- error: a result never arrived (an xdist worker died);
- not run: in the profile, but no test of it ran (-k, --deselect, --lf, --app-id);
- not in profile: runs under a higher --profile.

The verdict: DOES NOT CONFORM if any check failed; else INCOMPLETE if any check of the profile
did not run to a result (blocked, error, not run); else CONFORMS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..harness import checks
from ..harness.checks import Profile
from ..harness.settings import Settings

PASS, FAIL, WARN, BLOCKED, ERROR = "pass", "fail", "warn", "blocked", "error"
NOT_EXERCISED, NOT_RUN, NOT_IN_PROFILE = "not exercised", "not run", "not in profile"
STATUSES = (PASS, NOT_EXERCISED, WARN, FAIL, BLOCKED, ERROR, NOT_RUN, NOT_IN_PROFILE)
RAN = (PASS, NOT_EXERCISED, WARN, FAIL)  # statuses of a check that ran to a result

CONFORMS, DOES_NOT_CONFORM, INCOMPLETE = "CONFORMS", "DOES NOT CONFORM", "INCOMPLETE"
COULD_NOT_TEST = "COULD NOT TEST"  # the target could not be reached: no check ran, no verdict on the server
# Exit codes of a run (pytest's own 2, 3 and 4 — interrupted, internal error, usage error — stay).
EXIT_CODES = {CONFORMS: 0, DOES_NOT_CONFORM: 1, INCOMPLETE: 6, COULD_NOT_TEST: 7}


@dataclass
class TestRecord:
    nodeid: str
    check: str | None
    seed: int | None = None  # the seed of the process that ran the test
    outcome: str = "passed"  # passed | failed | skipped | error (no result arrived)
    duration: float = 0.0
    skip_reason: str = ""
    failure: dict[str, Any] | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    observed: list[str] = field(default_factory=list)  # conditional checks whose condition arose
    recorded: list[dict[str, Any]] = field(default_factory=list)  # other checks' failures, met on the way
    blocked_by: list[str] = field(default_factory=list)  # checks whose failures left it unable to go on
    retries: list[str] = field(default_factory=list)  # requests sent again after a stale connection

    @property
    def ran_its_check(self) -> bool:
        """Whether the test ran its own check to the end: it passed, or it failed only with the
        failures of other checks that it met on the way (`recorded`) and went on."""
        return self.outcome == "passed" or (self.outcome == "failed" and self.failure is None
                                            and not self.blocked_by and bool(self.recorded))  # fmt: skip


@dataclass
class CheckResult:
    check: checks.Check
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
            return self.failures[0]["message"] + repeats(self.failures[0])
        if self.blocked_by:
            return "blocked by " + ", ".join(sorted(set(self.blocked_by)))
        if self.warnings:
            return self.warnings[0]["message"]
        return self.skip_reason


def repeats(failure: dict[str, Any]) -> str:
    """What every report adds to a folded failure's message: how many requests the breaker did not
    send (each ended a test), or how many more tests met the same failure."""
    count = failure.get("count", 1)
    if failure.get("not_sent"):
        return f" ({count} {'request' if count == 1 else 'requests'} of this kind not sent)"
    return f" (and {count - 1} more {'test' if count == 2 else 'tests'})" if count > 1 else ""


def _add_failure(result: CheckResult, failure: dict[str, Any], test: str) -> None:
    """One entry per distinct failure: a set-up failure that stops forty tests is reported once."""
    for known in result.failures:
        if known["message"] == failure["message"]:
            known["count"] = known.get("count", 1) + 1
            return
    result.failures.append({**failure, "test": test, "count": 1})


def fold(records: list[TestRecord], profile: Profile = Profile.CORE) -> list[CheckResult]:
    """Per check, the status described in the module's docstring."""
    results = {check_id: CheckResult(check, NOT_RUN) for check_id, check in checks.CHECKS.items()}
    observed = {check_id for record in records for check_id in record.observed}
    blocked_run = run_blocked(records)
    for record in records:
        if record.check in results:
            results[record.check].tests.append(record)
        failure = record.failure
        if failure and failure.get("blocks_run"):
            continue
        for met in record.recorded:
            if met["check"] in results:
                _add_failure(results[met["check"]], met, record.nodeid)
        if record.check in results:
            results[record.check].blocked_by.extend(record.blocked_by)
        if failure:
            owner = failure.get("check") or record.check
            if owner in results:
                _add_failure(results[owner], failure, record.nodeid)
            if record.check in results and owner != record.check:
                results[record.check].blocked_by.append(owner)
        for warning in record.warnings:
            if warning["check"] in results:
                results[warning["check"]].warnings.append({**warning, "test": record.nodeid})
    for result in results.values():
        result.status = _status(result, profile, observed, blocked_run)
    return list(results.values())


def retries(records: list[TestRecord]) -> list[str]:
    """Every request the run sent a second time after meeting a stale connection."""
    return [note for record in records for note in record.retries]


def run_blocked(records: list[TestRecord]) -> str:
    """Why the whole run was blocked (the run's own credentials refused), or ""."""
    return next((f"{r.failure['check']}: {r.failure['message']}" for r in records
                 if r.failure and r.failure.get("blocks_run")), "")  # fmt: skip


def _status(result: CheckResult, profile: Profile, observed: set[str], run_blocked: str) -> str:
    check = result.check
    if check.profile > profile:
        result.skip_reason = f"runs under --profile {check.profile.name.lower()}"
        return NOT_IN_PROFILE
    if result.failures:
        return FAIL
    if run_blocked:
        result.blocked_by = result.blocked_by or [run_blocked]
        return BLOCKED
    if result.blocked_by:
        return BLOCKED
    if any(t.outcome == "error" for t in result.tests):
        result.skip_reason = "no result arrived (the worker running it died)"
        return ERROR
    if not any(t.ran_its_check for t in result.tests):
        result.skip_reason = next((t.skip_reason for t in result.tests if t.skip_reason), "not run in this run")
        return NOT_RUN
    if result.warnings:
        return WARN
    if check.exercised_when and check.id not in observed:
        result.skip_reason = f"not exercised: never happened that {check.exercised_when}"
        return NOT_EXERCISED
    return PASS


def counts(results: list[CheckResult]) -> dict[str, int]:
    tally = dict.fromkeys(STATUSES, 0)
    for result in results:
        tally[result.status] += 1
    return tally


@dataclass(frozen=True)
class RunVerdict:
    """The run's verdict: CONFORMS, DOES NOT CONFORM or INCOMPLETE, its exit code and its line."""

    outcome: str
    line: str

    @property
    def conforms(self) -> bool:
        return self.outcome == CONFORMS

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]


def verdict(results: list[CheckResult], blocked_run: str = "", unreachable: str = "") -> RunVerdict:
    tally = counts(results)
    in_profile = [r for r in results if r.status != NOT_IN_PROFILE]
    if unreachable:
        return RunVerdict(COULD_NOT_TEST, f"pinpoint-conformance verdict: {COULD_NOT_TEST} — {unreachable}; "
                                          f"0 of {len(in_profile)} checks run")  # fmt: skip
    ran = [r for r in in_profile if r.status in RAN]
    failed = [r.check.id for r in results if r.status == FAIL]
    missing = [r.check.id for r in in_profile if r.status not in RAN]
    if failed:
        outcome = DOES_NOT_CONFORM
    elif missing:
        outcome = INCOMPLETE
    else:
        outcome = CONFORMS
    line = (f"pinpoint-conformance verdict: {outcome} — {len(ran)} of {len(in_profile)} checks run: "
            f"{tally[PASS]} passed, {tally[FAIL]} failed, {tally[WARN]} warned, "
            f"{tally[NOT_EXERCISED]} not exercised")  # fmt: skip
    line += "".join(f", {tally[status]} {status}" for status in (BLOCKED, ERROR, NOT_RUN) if tally[status])
    if failed:
        line += f" (failed: {', '.join(failed)})"
    elif blocked_run:
        line += f" — blocked: {blocked_run}"
    elif missing:
        line += f" (not run to a result: {', '.join(missing)})"
    return RunVerdict(outcome, line)


def replay_note(settings: Settings) -> str:
    """Whether a failure's curl command still finds the data it needs, and how to keep it."""
    if settings.keep_data:
        return "The run kept its data (--keep-data): each Reproduce command replays as it was sent."
    return ("The run deleted its applications and endpoints at its end, so a Reproduce command finds no data "
            "now: run again with --keep-data to replay them.")  # fmt: skip
