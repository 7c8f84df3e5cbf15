"""Real third-party targets, started on free loopback ports: moto's server (which implements
Pinpoint applications but not endpoints or users) and a Prism mock of the spec."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pinpoint_conformance import spec
from proof.processes import ROOT, free_port, running

# moto routes a request to a service by the credential scope of its SigV4 signature.
MOTO_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull}  # fmt: skip
SUITE_OPTIONS = {"--max-examples": "10", "--seed": "20261129", "--timeout": "5"}


@contextmanager
def moto_server() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with running(command, port) as base_url:
        yield base_url


@contextmanager
def prism_mock() -> Iterator[str]:
    """Prism mocks the bundle (support calls and the User resource) from its examples and schemas."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "pinpoint.openapi.json"
        document.write_text(json.dumps(spec.load_bundle()))
        command = [str(ROOT / "node_modules/.bin/prism"), "mock", str(document), "-h", "127.0.0.1", "-p", str(port)]
        with running(command, port) as base_url:
            yield base_url
