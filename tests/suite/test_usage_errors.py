"""A user's mistake in the command line is one clear line and exit 4, found before anything runs
(no server started, no check run, no verdict); `serve` says where it listens."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pinpoint_conformance import cli

USAGE_MISTAKES = [
    (["run", "http://127.0.0.1:9"], "was given without --base-url: did you mean --base-url http://127.0.0.1:9?"),
    (["run", "--profle", "aws"], "unrecognized option --profle: did you mean --profile?"),
    (["run", "--base-url=http://127.0.0.1:9", "--time-out=3"], "did you mean --timeout?"),
    (["run", "--profile", "nonsense"], "argument --profile: invalid choice: 'nonsense'"),
    (["run", "--timeout", "0"], "argument --timeout: a number of seconds greater than 0, got '0'"),
    (["run", "--timeout", "nan"], "argument --timeout: a number of seconds greater than 0, got 'nan'"),
    (["run", "--timeout", "soon"], "argument --timeout: a number of seconds, got 'soon'"),
    (["run", "--max-examples", "0"], "argument --max-examples: a whole number of at least 1, got '0'"),
    (["run", "--max-attempts", "-1"], "argument --max-attempts: a whole number of at least 1, got '-1'"),
    (["compare", "--base-url", "http://127.0.0.1:9"], "compare needs --transcript FILE"),
]


@pytest.mark.parametrize(("argv", "message"), USAGE_MISTAKES, ids=lambda value: str(value))
def test_a_usage_mistake_exits_4_with_one_line(argv: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == cli.USAGE_ERROR
    err = capsys.readouterr().err
    assert message in err.splitlines()[0] and len(err.splitlines()) == 2, err
    assert "Traceback" not in err


def test_an_unwritable_report_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(SystemExit) as stopped:
        cli.main(["run", "--base-url", "http://127.0.0.1:9", "--report-dir", str(blocker / "reports")])
    assert stopped.value.code == cli.USAGE_ERROR
    assert f"--report-dir {blocker / 'reports'}: reports cannot be written there" in capsys.readouterr().err


def test_serve_says_where_it_listens_and_stops_cleanly_on_ctrl_c() -> None:
    process = subprocess.Popen([sys.executable, "-m", "pinpoint_conformance", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert line.startswith("pinpoint-conformance: the reference server listens on http://127.0.0.1:"), line
    assert process.returncode == 0, err
    assert out == "pinpoint-conformance: the reference server stopped\n"
    assert "Traceback" not in err, err
