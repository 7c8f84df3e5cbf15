"""The suite through the entry points a user uses, against the reference server: it passes with
no false alarm under every profile, serially and under xdist, by --base-url or the environment,
inside an existing application (touching only its own users), and writes every report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pinpoint_conformance.reference import RunningServer, create_app, start_in_thread
from tests.verdicts.runner import ROOT, run_suite


@pytest.fixture(scope="module")
def reference() -> Iterator[RunningServer]:
    with start_in_thread(create_app()) as server:
        yield server


@pytest.mark.parametrize("profile", ["core", "aws", "strict"])
def test_reference_server_conforms_under_every_profile(reference: RunningServer, tmp_path: Path,
                                                       profile: str) -> None:  # fmt: skip
    run = run_suite(reference.base_url, tmp_path, profile=profile, options={"--max-examples": "40"})
    assert run.exit_code == 0 and not run.failed, run.explain()
    statuses = run.statuses
    assert "warn" not in statuses.values() and "blocked" not in statuses.values()
    passed = {check for check, status in statuses.items() if status == "pass"}
    assert len(passed) >= {"core": 39, "aws": 42, "strict": 43}[profile], sorted(set(statuses) - passed)


def test_xdist_gives_the_serial_verdict(reference: RunningServer, tmp_path: Path) -> None:
    serial = run_suite(reference.base_url, tmp_path / "serial")
    parallel = run_suite(reference.base_url, tmp_path / "parallel", extra=("-n", "2"))
    assert parallel.exit_code == serial.exit_code == 0, parallel.explain()
    assert parallel.statuses == serial.statuses


def test_the_base_url_can_come_from_the_environment(reference: RunningServer, tmp_path: Path) -> None:
    env = {**os.environ, "PINPOINT_BASE_URL": reference.base_url}
    command = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--report-dir",
               str(tmp_path), "-k", "listing"]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout[-3000:]
    assert json.loads((tmp_path / "conformance.json").read_text())["target"] == reference.base_url


def test_run_command_starts_the_reference_server_and_writes_every_report(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pinpoint_conformance", "run", "--report-dir", str(tmp_path),
                             "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "pinpoint-conformance: testing the embedded reference server at http://127.0.0.1:" in result.stdout
    assert "pinpoint-conformance verdict: CONFORMS" in result.stdout.splitlines()[-1]
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    assert junit.get("failures") == "0" and len(junit.findall("testcase")) == 45
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["conforms"] is True and report["seed"]
    assert report["reproduce"].startswith(f"pinpoint-conformance run --profile core --seed {report['seed']}")
    html = (tmp_path / "conformance.html").read_text()
    assert "<style>" in html and "http-equiv" not in html and 'src="http' not in html and "<script" not in html
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
        assert run.exit_code == 0, run.explain()
        statuses = run.statuses
        assert statuses["PC103"] == statuses["PC404"] == statuses["PC001"] == statuses["PC903"] == "skip"
        for user in ("0", "a", "pc", "customer-1"):
            items = requests.get(f"{base}/v1/apps/{app}/users/{user}").json()["Item"]
            assert [item["Id"] for item in items] == [f"{user}-device"], f"the run touched user {user!r}"
        assert server_app.store.count_endpoints() == before, "the run left endpoints of its own behind"


def test_own_applications_are_removed_at_the_end(tmp_path: Path) -> None:
    server_app = create_app()
    with start_in_thread(server_app) as server:
        run = run_suite(server.base_url, tmp_path)
        assert run.exit_code == 0, run.explain()
        with server_app.store._transaction() as db:
            (apps,) = db.execute("SELECT COUNT(*) FROM applications").fetchone()
        assert apps == 0 and server_app.store.count_endpoints() == 0


def test_sigv4_signing_and_redaction(tmp_path: Path) -> None:
    """With --sigv4 the suite signs (credentials from the standard chain), checks that unsigned
    requests are refused, and no report holds a credential or a header value given with --header."""
    secret, token = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY", "FQoGZXIvYXdzEXAMPLETOKEN"
    from tests.variants.catalog import message
    from tests.variants.catalog import reference as reference_server
    from tests.variants.middleware import Intercept

    def require_signature(request):  # a server that checks signatures exist, as AWS does
        if not request.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"):
            return message(403, "Missing Authentication Token")
        return None

    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_SESSION_TOKEN": token, "AWS_CONFIG_FILE": os.devnull,
           "AWS_SHARED_CREDENTIALS_FILE": os.devnull}  # fmt: skip
    with start_in_thread(Intercept(reference_server(), require_signature)) as server:
        run = run_suite(server.base_url, tmp_path, profile="aws", extra=("--sigv4",), env=env,
                        options={"--region": "eu-west-1", "--header": "X-Api-Key: top-secret-header-value",
                                 "--max-examples": "10"})  # fmt: skip
    assert run.exit_code == 0, run.explain()
    assert run.statuses["PCA04"] == "pass" and run.statuses["PCA03"] == "pass"
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
    """With no --seed the controller draws one; every worker must generate with it, or the seed
    the report prints would not reproduce the run."""
    run = run_suite(reference.base_url, tmp_path, options={"--seed": None}, extra=("-n", "2"))
    assert run.exit_code == 0, run.explain()
    used = {record["seed"] for record in run.report["tests"]}
    assert used == {run.report["seed"]}, f"the report says {run.report['seed']}, the workers used {used}"
