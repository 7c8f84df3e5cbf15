"""Ctrl-C in the middle of a run: the run stops, deletes its data on the server and says so in one
line, prints the INCOMPLETE verdict and exits 2, with no traceback and no fatal error. The server is
the reference server answering every request 30 ms late, so that the run is surely under way when
the signal comes."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

RUN_FOR = 6.0  # seconds before the Ctrl-C: start-up is over, and hundreds of requests are still to send


def test_ctrl_c_stops_the_run_cleanly_and_deletes_its_data(tmp_path: Path) -> None:
    server = subprocess.Popen([sys.executable, "-m", "pinpoint_conformance", "serve", "--port", "0", "--latency", "30"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().split(" listens on ")[1].split()[0]
        run = subprocess.Popen([sys.executable, "-m", "pinpoint_conformance", "run", "--base-url", base_url,
                                "--report-dir", str(tmp_path / "reports")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)  # fmt: skip
        time.sleep(RUN_FOR)
        run.send_signal(signal.SIGINT)
        output, _ = run.communicate(timeout=60)
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=10)
    assert run.returncode == 2, output[-3000:]
    assert "Traceback" not in output and "Fatal Python error" not in output, output[-3000:]
    assert "pinpoint-conformance: interrupted: the run's data (prefix pc-" in output, output[-3000:]
    assert output.strip().splitlines()[-1].startswith("pinpoint-conformance verdict: INCOMPLETE"), output[-3000:]
