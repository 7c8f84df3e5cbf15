"""Honest outcomes: CONFORMS only when every check of the profile ran and passed; a set-up failure
of any kind is one failure and the rest blocked; refused credentials block the run instead of
failing the server; a result that never arrived is an error; a check whose condition never arose
is "not exercised", one whose condition arose is "pass"."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.responses import Response

from pinpoint_conformance.harness.failures import ConformanceFailure, fail
from pinpoint_conformance.reference import start_in_thread
from proof.suite_runs import ROOT, run_suite
from proof.variants import VARIANTS
from proof.variants.catalogue import message, reference
from proof.variants.middleware import Intercept


def create_app_answers(answer: Response) -> Intercept:
    return Intercept(reference(), lambda r: answer if r.method == "POST" and r.url.path == "/v1/apps" else None)


def test_fail_raises() -> None:
    with pytest.raises(ConformanceFailure) as caught:
        fail("PC101", "a message")
    assert caught.value.check_id == "PC101"
    for path in [*(ROOT / "conformance").glob("*.py"), *(ROOT / "src/pinpoint_conformance/harness").glob("*.py")]:
        assert "raise fail(" not in path.read_text(), f"{path.name}: fail() raises by itself"


def test_an_unparseable_set_up_answer_is_one_failure(tmp_path: Path) -> None:
    """CreateApp answers JSON nested 100,000 deep: PC001 fails once, every other check is blocked."""
    nested = Response(b"[" * 100_000 + b"]" * 100_000, status_code=201, media_type="application/json")
    with start_in_thread(create_app_answers(nested)) as server:
        run = run_suite(server.base_url, tmp_path)
    assert run.exit_code == 1 and run.failed == {"PC001"}, run.explain()
    (pc001,) = [c for c in run.report["checks"] if c["id"] == "PC001"]
    assert len(pc001["failures"]) == 1 and "could not be evaluated" not in pc001["failures"][0]["message"]
    blocked = {check for check, status in run.statuses.items() if status == "blocked"}
    in_profile = {check for check, status in run.statuses.items() if status != "not in profile"}
    assert blocked == in_profile - {"PC001"}, run.explain()
    assert "Traceback" not in run.output
    # Told once in full (its requirement with it), then one line for each test it kept from running.
    # (pytest's short summary, which under CI=true repeats a failure's whole text, comes after.)
    errors = run.output.split("short test summary info")[0]
    assert errors.count("Requirement: CreateApp MUST answer 201") == 1, errors[-3000:]
    errored = errors.count("ERROR at setup of ")
    told = "PC001 failed in the run's set-up, as told in full at the first test"
    assert errored > 40 and errors.count(told) == errored - 1
    # And counted, in the terminal's summary as in every report.
    assert "pinpoint-conformance: PC001 CreateApp did not answer 201" in run.output, run.output[-3000:]
    assert f"(and {errored - 1} more tests)" in run.output, run.output[-3000:]


def test_refused_credentials_block_the_run(tmp_path: Path) -> None:
    refused = message(403, "The security token included in the request is invalid")
    with start_in_thread(create_app_answers(refused)) as server:
        run = run_suite(server.base_url, tmp_path)
    assert run.exit_code == 6 and not run.failed, run.explain()
    assert run.report["outcome"] == "INCOMPLETE" and "could not authenticate" in run.report["verdict"]
    assert set(run.statuses.values()) == {"blocked", "not in profile"}, run.explain()
    assert "could not authenticate" in (tmp_path / "conformance.md").read_text()


def test_a_result_that_never_arrived_is_an_error(tmp_path: Path) -> None:
    with VARIANTS["slow"].serve() as base_url:
        run = run_suite(base_url, tmp_path, extra=("-n", "2", "-p", "tests.suite.crash_worker"),
                        env={"PINPOINT_CRASH_TEST": "test_get_lists_all_fifteen_endpoints"})  # fmt: skip
    assert run.exit_code == 6 and not run.failed, run.explain()
    assert run.statuses["PC104"] == "error", run.explain()
    assert "PC104" in run.report["verdict"] and run.report["outcome"] == "INCOMPLETE"


def test_a_condition_that_arose_is_a_pass(tmp_path: Path) -> None:
    """Against a server that throttles properly, PC801 and PC802 pass (they are "not exercised"
    against one that never throttles: see test_entry_points)."""
    with VARIANTS["proper-throttling"].serve() as base_url:
        run = run_suite(base_url, tmp_path)
    assert run.exit_code == 0, run.explain()
    assert run.statuses["PC801"] == run.statuses["PC802"] == "pass"
