"""Real third-party targets, started on free loopback ports: moto's server (which implements
Pinpoint applications but not endpoints or users) and a Prism mock of the spec."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pinpoint_conformance import spec
from tests.verdicts.runner import ROOT

# moto routes a request to a service by the credential scope of its SigV4 signature.
MOTO_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull}  # fmt: skip
SUITE_OPTIONS = {"--max-examples": "10", "--seed": "20261129", "--timeout": "5"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _process(command: list[str], port: int) -> Iterator[str]:
    with tempfile.TemporaryFile() as log:
        yield from _supervise(command, port, log)


def _supervise(command: list[str], port: int, log: Any) -> Iterator[str]:
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"{command[0]} did not start: {log.read()[-2000:]!r}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def moto_server() -> Iterator[str]:
    port = _free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with _process(command, port) as base_url:
        yield base_url


@contextmanager
def prism_mock() -> Iterator[str]:
    """Prism mocks the bundle (support calls and the User resource) from its examples and schemas."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "pinpoint.openapi.json"
        document.write_text(json.dumps(spec.load_bundle()))
        command = [str(ROOT / "node_modules/.bin/prism"), "mock", str(document), "-h", "127.0.0.1", "-p", str(port)]
        with _process(command, port) as base_url:
            yield base_url
