"""Recording is deterministic: the reference server, recorded now, under the default seed and under
another, gives the committed example transcript byte for byte, and compared with it shows no
difference. A transcript holds no credential, signature or value given with --header, and a signed
recording is the unsigned one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pinpoint_conformance.reference import create_app, start_in_thread
from proof.processes import ROOT
from proof.suite_runs import run_suite

EXAMPLE = ROOT / "reports" / "examples" / "parity-reference.json"


@pytest.fixture(scope="module")
def reference_url() -> Iterator[str]:
    with start_in_thread(create_app()) as server:
        yield server.base_url


@pytest.mark.parametrize("seed", ["0", "7"])
def test_the_reference_server_records_the_committed_transcript_and_matches_it(
    seed: str, reference_url: str, tmp_path: Path
) -> None:
    recorded = tmp_path / "transcript.json"
    run = run_suite(reference_url, tmp_path, options={"--seed": seed},
                    extra=("--record", str(recorded), "--transcript", str(EXAMPLE)))  # fmt: skip
    assert run.exit_code == 0, run.explain()
    parity = run.report["parity"]
    assert parity["outcome"] == "MATCHES" and parity["differences"] == [], parity["line"]
    assert recorded.read_text() == EXAMPLE.read_text(), "a recording of the reference server changed"
    assert parity["line"] in run.output  # the parity line follows the verdict in the terminal


SECRETS = {"AWS_ACCESS_KEY_ID": "AKIDPARITYTESTKEY01", "AWS_SECRET_ACCESS_KEY": "parity-test-secret-key/0123456789",
           "AWS_SESSION_TOKEN": "parity-test-session-token-0123456789"}  # fmt: skip


def test_a_transcript_holds_no_credential_signature_or_header_value(reference_url: str, tmp_path: Path) -> None:
    """Signed with fake credentials (the reference server does not check signatures) and with two
    extra headers, through the command a user runs: none of it is in the transcript, which is the
    unsigned one byte for byte."""
    out = tmp_path / "transcript.json"
    command = [sys.executable, "-m", "pinpoint_conformance", "record", "--out", str(out), "--base-url", reference_url,
               "--sigv4", "--region", "eu-west-1", "--header", "X-Secret: s3cret", "--header", "X-Api-Key: k3y-9",
               "--report-dir", str(tmp_path / "reports"), "-p", "no:cacheprovider", "-q"]  # fmt: skip
    env = {**os.environ, **SECRETS, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
    process = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert out.exists(), process.stdout[-3000:] + process.stderr[-3000:]
    text = out.read_text()
    for secret in [*SECRETS.values(), "s3cret", "k3y-9", "X-Secret", "AWS4-HMAC-SHA256", "Signature=", "x-amz-"]:
        assert secret.lower() not in text.lower(), f"{secret!r} is in the transcript"
    assert text == EXAMPLE.read_text(), "signed, with extra headers, the transcript is not the unsigned one"


def test_recording_under_the_aws_profile_is_deterministic_too(reference_url: str, tmp_path: Path) -> None:
    """The aws profile adds the checks of clause 10 (boto3's own requests are not the suite's client's,
    and are not recorded); two seeds still give one transcript."""
    texts = []
    for seed in ("0", "3"):
        out = tmp_path / f"aws-{seed}.json"
        run = run_suite(reference_url, tmp_path / seed, profile="aws", options={"--seed": seed},
                        extra=("--record", str(out)))  # fmt: skip
        assert run.exit_code == 0, run.explain()
        texts.append(out.read_text())
    assert texts[0] == texts[1]
    assert '"profile": "aws"' in texts[0] and "test_10_aws.py::" in texts[0]
