"""The reports of a failing run: every failure shows its request, its response and a curl command
that reproduces it, in HTML and Markdown; JUnit XML fails exactly the failed checks; the JSON
carries the same verdict."""

from __future__ import annotations

import json
import shlex
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pinpoint_conformance.harness import checks
from proof.suite_runs import run_suite
from proof.variants import VARIANTS


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("reports")
    with VARIANTS["prefix-match"].serve() as base_url:
        run = run_suite(base_url, folder, extra=("--keep-data",))
        # The curl command of the failure must reproduce it while the server still runs.
        curl = run.report["checks"][[c["id"] for c in run.report["checks"]].index("PC102")]["failures"][0]
        replay = subprocess.run(shlex.split(curl["exchanges"][-1]["curl"]), capture_output=True, text=True)
    assert run.exit_code == 1
    return folder, {"report": run.report, "replay": replay}


def test_every_failure_carries_request_response_and_curl(failing_run: tuple[Path, dict]) -> None:
    folder, data = failing_run
    failed = [c for c in data["report"]["checks"] if c["status"] == "fail"]
    assert [c["id"] for c in failed] == ["PC102"]
    exchange = failed[0]["failures"][0]["exchanges"][-1]
    assert exchange["request"]["method"] == "GET" and exchange["response"]["status"] == 200
    assert exchange["curl"].startswith("curl ") and "--path-as-is" in exchange["curl"]
    html = (folder / "conformance.html").read_text()
    markdown = (folder / "conformance.md").read_text()
    for text in (html, markdown):
        assert "PC102" in text and "Reproduce" in text and "HTTP 200" in text
        assert "must match its ID exactly; it listed the endpoints of" in text and "(longer)" in text


def test_the_failures_come_before_the_matrix_and_say_how_to_replay(failing_run: tuple[Path, dict]) -> None:
    folder = failing_run[0]
    markdown = (folder / "conformance.md").read_text()
    assert markdown.index("## Failures and warnings") < markdown.index("## Conformance matrix")
    for text in (markdown, (folder / "conformance.html").read_text()):
        assert "The run kept its data (--keep-data): each Reproduce command replays as it was sent." in text


def test_the_curl_command_reproduces_the_failure(failing_run: tuple[Path, dict]) -> None:
    replay = failing_run[1]["replay"]
    assert replay.returncode == 0 and replay.stdout.startswith("HTTP/1.1 200"), replay.stderr
    body = json.loads(replay.stdout.split("\n\n", 1)[1])  # text mode folds CRLF
    assert len(body["Item"]) > 2, "the replayed GET should list the neighbours' endpoints again"


def test_junit_fails_exactly_the_failed_checks(failing_run: tuple[Path, dict]) -> None:
    suite = ET.parse(failing_run[0] / "junit.xml").getroot()
    failed = [case.get("name") for case in suite.findall("testcase") if case.find("failure") is not None]
    assert failed == ["PC102 GET matches the user ID exactly and case-sensitively"]
    assert suite.get("failures") == "1" and suite.get("tests") == str(len(checks.CHECKS))


def test_a_seed_reproduces_what_generation_found(tmp_path: Path) -> None:
    """Two runs with one --seed send the same generated requests: the fault only generation finds
    (a crash on all-digit user IDs) is found by the same request both times."""
    found = []
    for attempt in ("first", "second"):
        with VARIANTS["digit-id-crashes"].serve() as base_url:
            run = run_suite(base_url, tmp_path / attempt, options={"--seed": "7"})
        failure = next(c for c in run.report["checks"] if c["id"] == "PC901")["failures"][0]
        url = failure["exchanges"][-1]["request"]["url"]
        found.append((failure["message"], url.split("/users/", 1)[1], failure["exchanges"][-1]["request"]["method"]))
    assert found[0] == found[1], found
