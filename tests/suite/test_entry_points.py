"""The suite through the entry points a user uses, against the reference server: it passes with
no false alarm under every profile, serially and under xdist, by --base-url or the environment,
inside an existing application (touching only its own users), and writes every report."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pinpoint_conformance.harness import checks
from pinpoint_conformance.reference import RunningServer, create_app, start_in_thread
from proof.suite_runs import ROOT, run_suite
from tests.suite.imports import SERVE_HELP, imported_after

CORE_CHECKS = sum(check.profile == checks.Profile.CORE for check in checks.CHECKS.values())


@pytest.fixture(scope="module")
def reference() -> Iterator[RunningServer]:
    with start_in_thread(create_app()) as server:
        yield server


@pytest.mark.parametrize("profile", ["core", "aws", "strict"])
def test_reference_server_conforms_under_every_profile(reference: RunningServer, tmp_path: Path,
                                                       profile: str) -> None:  # fmt: skip
    run = run_suite(reference.base_url, tmp_path, profile=profile, options={"--max-examples": "40"})
    assert run.exit_code == 0 and not run.failed, run.explain()
    assert run.report["outcome"] == "CONFORMS"
    # The reference server never throttles unless asked, and the run does not sign: those
    # checks' conditions never arise, and the report says so instead of claiming a pass.
    unexercised = {"PC801", "PC802"} | ({"PCA04"} if profile != "core" else set())
    # The checks of the profiles above this one, from the catalogue (aws's PCA checks and strict's PC305).
    beyond = {check.id for check in checks.CHECKS.values() if check.profile > checks.Profile.parse(profile)}
    assert beyond >= ({"PCA01", "PC305"} if profile == "core" else {"PC305"} if profile == "aws" else set())
    expected = {check: "not exercised" if check in unexercised else "not in profile" if check in beyond
                else "pass" for check in run.statuses}  # fmt: skip
    assert run.statuses == expected, run.explain()


def test_xdist_gives_the_serial_verdict(reference: RunningServer, tmp_path: Path) -> None:
    serial = run_suite(reference.base_url, tmp_path / "serial")
    parallel = run_suite(reference.base_url, tmp_path / "parallel", extra=("-n", "2"))
    assert parallel.exit_code == serial.exit_code == 0, parallel.explain()
    assert parallel.statuses == serial.statuses


def test_a_run_that_leaves_checks_out_is_incomplete(reference: RunningServer, tmp_path: Path) -> None:
    """The base URL from the environment, and -k selecting one clause: every check that ran passed,
    but the run did not earn a CONFORMS. It says INCOMPLETE, names what did not run, exits 6."""
    env = {**os.environ, "PINPOINT_BASE_URL": reference.base_url}
    command = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--report-dir",
               str(tmp_path), "-k", "listing"]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 6, result.stdout[-3000:]
    last = result.stdout.splitlines()[-1]
    assert last.startswith(f"pinpoint-conformance verdict: INCOMPLETE — 5 of {CORE_CHECKS} checks run: 5 passed"), last
    assert "not run to a result: PC001, PC002, PC201" in last
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["target"] == reference.base_url and report["outcome"] == "INCOMPLETE" and report["exit_code"] == 6
    assert {c["id"] for c in report["checks"] if c["status"] == "pass"} == {"PC101", "PC102", "PC103", "PC104", "PC105"}


def test_deselecting_everything_is_incomplete_not_green(reference: RunningServer, tmp_path: Path) -> None:
    run = run_suite(reference.base_url, tmp_path, extra=("-k", "no_test_has_this_name"))
    assert run.exit_code == 6, run.output[-2000:]
    assert run.report["outcome"] == "INCOMPLETE" and f"0 of {CORE_CHECKS} checks run" in run.report["verdict"]


def test_run_command_starts_the_reference_server_and_writes_every_report(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pinpoint_conformance", "run", "--report-dir", str(tmp_path),
                             "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "pinpoint-conformance: testing the embedded reference server at http://127.0.0.1:" in result.stdout
    assert "pinpoint-conformance verdict: CONFORMS" in result.stdout.splitlines()[-1]
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    assert junit.get("failures") == "0" and len(junit.findall("testcase")) == len(checks.CHECKS)
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["conforms"] is True and report["seed"] == 0
    assert report["reproduce"].startswith(f"pinpoint-conformance run --profile core --seed {report['seed']}")
    html = (tmp_path / "conformance.html").read_text()
    # Self-contained: inline style and script only (tests/suite/test_html_report_browser.py loads it).
    assert "<style>" in html and "<link" not in html and "<script src" not in html and 'src="http' not in html
    assert "| PC101 " in (tmp_path / "conformance.md").read_text()


def test_app_id_mode_touches_only_the_runs_own_users(tmp_path: Path) -> None:
    server_app = create_app()
    with start_in_thread(server_app) as server:
        base = server.base_url
        app = requests.post(f"{base}/v1/apps", json={"Name": "production"}).json()["Id"]
        for user in ("0", "a", "pc", "customer-1"):  # IDs a generator is likely to draw
            requests.put(f"{base}/v1/apps/{app}/endpoints/{user}-device", json={"User": {"UserId": user}})
        before = server_app.store.count_endpoints()
        run = run_suite(base, tmp_path, options={"--app-id": app})
        assert run.exit_code == 6 and not run.failed, run.explain()  # INCOMPLETE: checks were left out
        not_run = {check for check, status in run.statuses.items() if status == "not run"}
        assert not_run == {"PC001", "PC103", "PC105", "PC404", "PC903"}, run.explain()
        assert run.report["verdict"].endswith("(not run to a result: PC001, PC103, PC105, PC404, PC903)")
        for user in ("0", "a", "pc", "customer-1"):
            items = requests.get(f"{base}/v1/apps/{app}/users/{user}").json()["Item"]
            assert [item["Id"] for item in items] == [f"{user}-device"], f"the run touched user {user!r}"
        assert server_app.store.count_endpoints() == before, "the run left endpoints of its own behind"


def test_own_applications_are_removed_at_the_end(tmp_path: Path) -> None:
    server_app = create_app()
    with start_in_thread(server_app) as server:
        run = run_suite(server.base_url, tmp_path)
        assert run.exit_code == 0, run.explain()
        with server_app.store.transaction() as db:
            (apps,) = db.execute("SELECT COUNT(*) FROM applications").fetchone()
        assert apps == 0 and server_app.store.count_endpoints() == 0


def test_sigv4_signing_and_redaction(tmp_path: Path) -> None:
    """With --sigv4 the suite signs (credentials from the standard chain), checks that unsigned
    requests are refused, and no report holds a credential or a header value given with --header."""
    secret, token = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY", "FQoGZXIvYXdzEXAMPLETOKEN"
    from starlette.responses import JSONResponse

    from proof.variants.catalogue import reference as reference_server
    from proof.variants.middleware import Intercept

    def require_signature(request):  # a server that checks signatures exist, as AWS's front door does
        if not request.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"):
            # The front door's own answer: a lower-case `message` and its own exception name.
            return JSONResponse({"message": "Missing Authentication Token"}, status_code=403,
                                headers={"x-amzn-ErrorType": "MissingAuthenticationTokenException",
                                         "x-amzn-RequestId": "front-door"})  # fmt: skip
        return None

    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_SESSION_TOKEN": token, "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull}  # fmt: skip
    with start_in_thread(Intercept(reference_server(), require_signature)) as server:
        run = run_suite(server.base_url, tmp_path, profile="aws", extra=("--sigv4",), env=env,
                        options={"--region": "eu-west-1", "--header": "X-Api-Key: top-secret-header-value",
                                 "--max-examples": "10"})  # fmt: skip
    assert run.exit_code == 0, run.explain()
    assert run.statuses["PCA04"] == "pass" and run.statuses["PCA03"] == "pass" and run.statuses["PCA02"] == "pass"
    outputs = {path.name: path.read_text() for path in tmp_path.iterdir()} | {"the console": run.output}
    for name, text in outputs.items():
        for leaked in (secret, token, "top-secret-header-value", "Signature="):
            assert leaked not in text, f"{leaked[:8]}… leaked into {name}"


def test_xdist_with_the_embedded_server(tmp_path: Path) -> None:
    """No URL and -n 2: the workers test the server the controller started."""
    result = subprocess.run([sys.executable, "-m", "pinpoint_conformance", "run", "--report-dir", str(tmp_path),
                             "-q", "-p", "no:cacheprovider", "-n", "2"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.splitlines()[-1].startswith("pinpoint-conformance verdict: CONFORMS")


def test_xdist_workers_use_the_controllers_seed(reference: RunningServer, tmp_path: Path) -> None:
    """With --seed random the controller draws one; every worker must generate with it, or the
    seed the report prints would not reproduce the run."""
    run = run_suite(reference.base_url, tmp_path, options={"--seed": "random"}, extra=("-n", "2"))
    assert run.exit_code == 0, run.explain()
    used = {record["seed"] for record in run.report["tests"]}
    assert used == {run.report["seed"]}, f"the report says {run.report['seed']}, the workers used {used}"
    assert f"seed {run.report['seed']}" in run.output


def test_the_default_seed_is_fixed(reference: RunningServer, tmp_path: Path) -> None:
    run = run_suite(reference.base_url, tmp_path, options={"--seed": None, "--max-examples": "5"})
    assert run.exit_code == 0, run.explain()
    assert run.report["seed"] == 0 and {record["seed"] for record in run.report["tests"]} == {0}


def test_run_help_lists_every_suite_option_and_its_default(capsys: pytest.CaptureFixture[str]) -> None:
    from pinpoint_conformance.cli import main
    from pinpoint_conformance.harness.settings import option_specs

    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for spec in option_specs():
        assert spec.name in text, f"{spec.name} is missing from `run --help`"
    for stated in ("default 0", "default 20", "default 10", "default reports/", "default 8"):
        assert stated in text


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from pinpoint_conformance import __version__
    from pinpoint_conformance.cli import main

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"pinpoint-conformance {__version__}"


def test_a_run_leaves_nothing_in_the_working_folder(tmp_path: Path) -> None:
    """Reports go to --report-dir, Hypothesis' caches with them; the folder the run started from stays empty."""
    here, reports = tmp_path / "here", tmp_path / "reports"
    here.mkdir()
    result = subprocess.run([sys.executable, "-m", "pinpoint_conformance", "run", "--report-dir", str(reports),
                             "-q", "-k", "listing"],
                            cwd=here, capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert "verdict: INCOMPLETE — 5 of" in result.stdout, result.stdout[-3000:]
    assert list(here.iterdir()) == []
    assert (reports / "conformance.json").exists()


TAKES_TIMEOUT = """
def pytest_addoption(parser):
    parser.addoption("--timeout", type=float, default=None, help="a per-test timeout, as pytest-timeout's")
"""


def test_an_option_another_plugin_declared_first_stops_the_suite_not_pytest(tmp_path: Path) -> None:
    """A plugin loaded before the suite's (here with -p) holds --timeout: the user's own tests still
    run, and a run of the suite stops with a usage error that names the option and the way out."""
    (tmp_path / "takes_timeout.py").write_text(TAKES_TIMEOUT)
    (tmp_path / "test_mine.py").write_text("def test_mine():\n    pass\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    base = [sys.executable, "-m", "pytest", "-p", "takes_timeout", "-p", "no:cacheprovider", "-q"]
    mine = subprocess.run([*base, "test_mine.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert mine.returncode == 0 and "1 passed" in mine.stdout, mine.stdout + mine.stderr
    suite = subprocess.run([*base, str(ROOT / "conformance"), "--base-url", "http://127.0.0.1:9"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300, env=env)  # fmt: skip
    assert suite.returncode == 4, suite.stdout + suite.stderr
    assert "another installed pytest plugin already declares --timeout" in suite.stderr
    assert "-p no:NAME" in suite.stderr


def test_the_session_resumes_garbage_collection_that_the_run_command_paused() -> None:
    from pinpoint_conformance.early import GC_PAUSED
    from pinpoint_conformance.harness import session

    gc.disable()
    try:
        session.pytest_sessionstart(None)  # type: ignore[arg-type] (not paused by `run`: left as it is)
        assert not gc.isenabled()
        GC_PAUSED.put(True)
        session.pytest_sessionstart(None)  # type: ignore[arg-type]
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_run_command_resumes_garbage_collection_when_pytest_stops_before_the_session() -> None:
    """A usage error ends the run before the session starts: a caller of `cli.main` gets its process
    back with garbage collection on."""
    code = ("import gc\n"
            "from pinpoint_conformance.cli import main\n"
            "status = main(['run', '--base-url', 'http://127.0.0.1:9', '--no-property-worker', '--seed', 'abc',\n"
            "               '-p', 'no:cacheprovider'])\n"
            "print('exit', status, 'gc enabled', gc.isenabled())")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "exit 4 gc enabled True", done.stdout[-2000:] + done.stderr[-2000:]


def test_the_serve_command_loads_none_of_the_suite_and_no_pytest() -> None:
    """`serve` is the embedded server's process, which starts beside the suite's own on the same two
    cores: declaring the suite's options there imported its settings, its catalogue and pytest,
    about half of the server's start-up."""
    assert imported_after(SERVE_HELP, "pinpoint_conformance.harness", "pytest", "_pytest") == []
