"""The suite against real third-party servers: moto's server yields a complete, correct failure
report (not a crash); a Prism mock of the spec passes the shape checks and fails the semantic ones."""

from __future__ import annotations

from pathlib import Path

from pinpoint_conformance.harness import checks
from proof.suite_runs import SuiteRun, run_suite
from tests.third_party.targets import MOTO_ENV, SUITE_OPTIONS, moto_server, prism_mock

SHAPE = {"PC301", "PC302", "PC303", "PC304", "PC701", "PC702"}
SEMANTIC = {"PC101", "PC102", "PC103", "PC104", "PC201", "PC202", "PC203", "PC204", "PC205", "PC401", "PC402", "PC501"}


def _complete_and_clean(run: SuiteRun) -> dict[str, str]:
    statuses = run.statuses
    assert set(statuses) == set(checks.CHECKS), "the report misses checks"
    assert "Traceback" not in run.output, run.output[-3000:]
    for check in run.report["checks"]:
        for failure in check["failures"]:
            assert failure["message"] and "could not be evaluated" not in failure["message"], failure
    assert run.report["verdict"].startswith("pinpoint-conformance verdict: DOES NOT CONFORM")
    return statuses


def test_moto_server_gets_a_complete_and_correct_failure_report(tmp_path: Path) -> None:
    with moto_server() as base_url:
        run = run_suite(base_url, tmp_path, options=SUITE_OPTIONS, extra=("--sigv4",), env=MOTO_ENV)
    assert run.exit_code == 1, run.explain()
    statuses = _complete_and_clean(run)
    assert statuses["PC001"] == "pass", "moto implements CreateApp"
    assert statuses["PC002"] == "fail", "moto does not implement UpdateEndpoint"
    assert "pass" not in {statuses[c] for c in SEMANTIC}


def test_prism_mock_passes_shape_checks_and_fails_semantic_ones(tmp_path: Path) -> None:
    with prism_mock() as base_url:
        run = run_suite(base_url, tmp_path, options=SUITE_OPTIONS)
    assert run.exit_code == 1, run.explain()
    statuses = _complete_and_clean(run)
    assert {c: statuses[c] for c in SHAPE} == dict.fromkeys(SHAPE, "pass"), run.explain()
    assert {c: statuses[c] for c in SEMANTIC} == dict.fromkeys(SEMANTIC, "fail"), run.explain()
