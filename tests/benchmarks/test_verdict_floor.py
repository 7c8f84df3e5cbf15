"""benchmarks/verdict_floor.py's parts, each on a small scale: the counting reference server counts
every request that reaches it, the wire probe sends exactly the requests it is asked for, the
start-up probe imports neither Schemathesis nor Hypothesis, the drawing probe draws PC901's and
PC902's examples, and the floor is start-up plus wire."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks import floor_probe
from benchmarks.verdict_floor import Measured, probe, table
from pinpoint_conformance import spec
from pinpoint_conformance.harness import properties
from pinpoint_conformance.harness.client import OTHER_METHODS
from pinpoint_conformance.harness.settings import Settings
from proof.processes import ROOT, free_port, running


def _probe(*arguments: str) -> float:
    return probe(list(arguments), dict(os.environ))[1]


def test_the_probe_draws_as_the_suite_does() -> None:
    """The probe keeps its own copy of what it draws (it must not import the suite): the copy is
    the suite's."""
    assert floor_probe.USER_PATH == properties.USER_PATH
    assert floor_probe.OTHER_METHODS == OTHER_METHODS
    suite = properties.hypothesis_profile(Settings(base_url="http://127.0.0.1:1"), max_examples=7)
    probe_profile = floor_probe.profile(7)
    for name in ("max_examples", "deadline", "database", "phases", "derandomize", "suppress_health_check",
                 "report_multiple_bugs"):  # fmt: skip
        assert getattr(probe_profile, name) == getattr(suite, name), name


def test_the_counting_server_counts_every_request_the_wire_probe_sends(tmp_path: Path) -> None:
    port, count_file = free_port(), tmp_path / "count"
    command = [sys.executable, "-m", "benchmarks.counted_reference", "--port", str(port), "--count-file",
               str(count_file)]  # fmt: skip
    with running(command, port) as base_url:
        assert _probe("wire", base_url, "7") > 0
    assert count_file.read_text() == "9"  # CreateApp, UpdateEndpoint, then the 7 GETs


def test_the_start_up_probe_imports_what_the_suite_s_process_imports_and_no_more() -> None:
    names = "{'pytest', 'requests', 'urllib3', 'jsonschema', 'schemathesis', 'hypothesis'}"
    code = "import sys; from benchmarks import floor_probe; floor_probe.startup(); "
    code += f"print(sorted({names} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "['jsonschema', 'pytest', 'requests', 'urllib3']"


def test_the_drawing_probe_draws_the_examples_of_pc901_and_pc902(tmp_path: Path) -> None:
    document = tmp_path / "spec.json"
    document.write_text(json.dumps(spec.load_user_spec()))
    assert _probe("draw", str(document), "2") > 0  # it exits non-zero when it drew fewer than 3 × 2


def test_the_floor_is_start_up_plus_wire() -> None:
    measured = Measured("t", 900, suite=[4.0, 5.0, 6.0], startup=[1.0, 1.2, 9.0], generation=[0.2, 0.3, 0.1],
                        wire=[0.5, 0.7, 0.6], verdict="CONFORMS")  # fmt: skip
    assert round(measured.floor, 6) == 1.8  # 1.2 + 0.6: the worker's drawing (0.2) is off the path
    row = "| t | 5.00 s, CONFORMS | 1.20 s | 0.60 s (900 requests) | 1.80 s | 3.20 s | 0.36 | 0.20 s |"
    assert row in table([measured])
