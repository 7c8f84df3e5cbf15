"""`pinpoint-conformance load` as CI runs it, bounded to a few seconds and on loopback only: Locust's
master and two workers against the embedded reference server, which holds up (no 5xx, no lost
write, nothing non-conforming); the same against a race variant that loses writes, which the run
must flag with the response in full; one process against a server answering markup; thresholds
that fail a run; and the usage mistakes. Outcomes are asserted, never timings."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from pinpoint_conformance.reference import RunningServer, start_in_thread
from proof.processes import free_port

from .variants import HostileListing, LostUserWrite

COMMAND = [sys.executable, "-m", "pinpoint_conformance", "load"]
WITHIN = 240  # seconds for a whole run: Locust's start-up, the load, the verification, the clean-up


@dataclass
class Run:
    code: int
    output: str
    report: dict[str, Any]
    html: str


def _finished(process: subprocess.Popen[str], reports: Path) -> Run:
    output, _ = process.communicate(timeout=WITHIN)
    report = reports / "load.json"
    return Run(process.returncode, output, json.loads(report.read_text()) if report.exists() else {},
               (reports / "load.html").read_text() if report.exists() else "")  # fmt: skip


def _start(*options: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([*COMMAND, *options], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)  # fmt: skip


def distributed(folder: Path, *options: str, users: int = 12, seconds: int = 4) -> tuple[Run, list[Run]]:
    """A master and two workers, as the documentation gives them, on 127.0.0.1."""
    port = free_port()
    reports = folder / "reports"
    master = _start("--master", "--expect-workers", "2", "--master-bind-host", "127.0.0.1", "--master-bind-port",
                    str(port), "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
                    "--report-dir", str(reports), *options, cwd=folder)  # fmt: skip
    workers = [_start("--worker", "--master-host", "127.0.0.1", "--master-port", str(port), cwd=folder)
               for _ in range(2)]  # fmt: skip
    try:
        return _finished(master, reports), [_finished(worker, folder / "none") for worker in workers]
    finally:
        for process in (master, *workers):
            if process.poll() is None:
                process.kill()


@pytest.fixture
def lost_write_server() -> Iterator[RunningServer]:
    with start_in_thread(LostUserWrite()) as running:
        yield running


def test_the_reference_server_holds_up_under_a_master_and_two_workers(tmp_path: Path) -> None:
    master, workers = distributed(tmp_path)
    assert master.code == 0, master.output[-4000:]
    assert [worker.code for worker in workers] == [0, 0], [worker.output[-2000:] for worker in workers]
    report = master.report
    assert report["load"]["mode"] == "distributed" and report["load"]["workers"] == 2
    assert report["requests"] > 0 and report["judged"] > 0
    assert set(report["statistics"]["operations"]) == {
        "UpdateEndpoint", "UpdateEndpointsBatch", "GetUserEndpoints", "DeleteUserEndpoints"}  # fmt: skip
    assert report["errors"] == {"total": 0, "no_response": 0, "5xx": 0}
    assert report["non_conforming"]["count"] == 0
    # No lost write: every GET listed every write acknowledged before it (a linearizable store), and
    # every write still required after the load was listed.
    assert report["stale_reads"] == 0
    assert report["after_the_load"]["lost"] == 0 and report["after_the_load"]["writes"] > 0
    assert report["verdict"] == "PASSED" and report["exit_code"] == 0
    assert master.output.rstrip().splitlines()[-1].startswith("pinpoint-conformance load: PASSED")
    assert "Traceback" not in master.output


def test_a_race_that_loses_writes_is_flagged_with_the_response_in_full(
    tmp_path: Path, lost_write_server: RunningServer
) -> None:
    master, workers = distributed(tmp_path, "--base-url", lost_write_server.base_url, "--settle", "1")
    assert master.code == 1, master.output[-4000:]
    assert [worker.code for worker in workers] == [0, 0]
    report = master.report
    assert report["after_the_load"]["lost"] > 0
    assert report["non_conforming"]["by_check"].get("PC101", 0) > 0
    assert report["errors"]["5xx"] == 0
    first = report["non_conforming"]["first"][0]
    assert first["failures"][0]["check"] == "PC101" and "still not listed" in first["failures"][0]["message"]
    exchange = first["exchange"]
    assert "/users/" in exchange["request"]["url"] and exchange["response"]["status"] == 200
    assert exchange["curl"].startswith("curl ") and lost_write_server.base_url in exchange["curl"]
    # The terminal shows it in full too: request, response, and the command that sends it again.
    assert "LOST" in master.output and "> GET " in master.output and "< HTTP 200" in master.output
    assert "Reproduce: curl " in master.output
    assert master.output.rstrip().splitlines()[-1].startswith("pinpoint-conformance load: FAILED")
    assert '<pre class="curl">curl ' in master.html
    # The run's data is the run's own, and gone after it.
    application = report["data"]["application"]
    assert report["data"]["prefix"].startswith("pc-") and report["data"]["cleanup_problems"] == []
    assert requests.get(f"{lost_write_server.base_url}/v1/apps/{application}", timeout=10).status_code == 404


def test_a_hostile_answer_is_reported_not_a_crash_and_shown_as_text(tmp_path: Path) -> None:
    with start_in_thread(HostileListing()) as server:
        run = _finished(_start("--base-url", server.base_url, "--users", "3", "--run-time", "2s", "--settle", "0",
                               "--report-dir", str(tmp_path), cwd=tmp_path), tmp_path)  # fmt: skip
    assert run.code == 1, run.output[-4000:]
    assert "Traceback" not in run.output
    assert {"PC701", "PC702"} <= set(run.report["non_conforming"]["by_check"])
    assert HostileListing.MARKUP.decode() not in run.html and "&lt;img src=x onerror" in run.html
    assert "<script" not in run.html and 'content="default-src &#x27;none&#x27;' in run.html


def test_a_threshold_passed_fails_the_run_of_one_process(tmp_path: Path) -> None:
    run = _finished(_start("--users", "3", "--run-time", "2s", "--min-rps", "1e9", "--max-p99", "1e-6",
                           "--report-dir", str(tmp_path), cwd=tmp_path), tmp_path)  # fmt: skip
    assert run.code == 1, run.output[-4000:]
    assert run.report["load"]["mode"] == "local" and run.report["non_conforming"]["count"] == 0
    breaches = run.report["breaches"]
    assert [breach.split(" ")[0] for breach in breaches] == ["p99", breaches[1].split(" ")[0]]
    assert breaches[1].endswith("requests/s, at least 1e+09 required")
    assert run.report["line"].startswith("pinpoint-conformance load: FAILED (p99 latency")


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--worker", "--base-url", "http://127.0.0.1:1"], "--base-url is the master's to give"),
        (["--master", "--worker"], "exclude each other"),
        (["--master-host", "127.0.0.1"], "--master-host is a worker's option"),
        (["--expect-workers", "2"], "--expect-workers is the master's option"),
        (["--users", "0"], "argument -u/--users"),
        (["--run-time", "5x"], "argument -t/--run-time"),
        (["--max-error-rate", "2"], "argument --max-error-rate"),
        (["--base-url", "ftp://127.0.0.1"], "must be an http(s) URL"),
        (["http://127.0.0.1:1"], "unrecognized arguments"),
    ],
)
def test_a_usage_mistake_is_two_lines_and_exit_4(options: list[str], said: str, tmp_path: Path) -> None:
    result = subprocess.run([*COMMAND, *options], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 4
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and said in lines[0], result.stderr


def test_a_target_nothing_listens_on_cannot_be_tested(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = subprocess.run([*COMMAND, "--base-url", url, "--report-dir", str(tmp_path)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 7
    assert result.stdout.strip() == (f"pinpoint-conformance load: COULD NOT TEST — {url} cannot be loaded: connection "
                                     f"refused: nothing listens on 127.0.0.1 port {url.rsplit(':', 1)[1]}")  # fmt: skip
