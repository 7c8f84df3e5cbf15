"""Servers in processes of their own, on free loopback ports: moto, Prism, the reference server
behind its command line, and the benchmarks' targets. One way to start them, wait until they
accept connections, and stop them."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pinpoint_conformance.server_process import free_port, wait_until_listening

__all__ = ["ROOT", "free_port", "running"]

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def running(command: list[str], port: int, *, startup: float = 120, cwd: Path = ROOT,
            env: dict[str, str] | None = None) -> Iterator[str]:  # fmt: skip
    """Run `command` (a server that will listen on 127.0.0.1:`port`) in `cwd`, with `env` added to
    the environment; yield its base URL once it accepts connections; terminate it (gracefully, so
    that a database is flushed) at the end."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=cwd,
                                   env={**os.environ, **env} if env else None)  # fmt: skip
        try:
            try:
                wait_until_listening(port, process, startup, poll=0.1)  # type: ignore[arg-type]
            except RuntimeError:
                log.seek(0)
                raise RuntimeError(f"{command[0]} did not start: {log.read()[-2000:]!r}") from None
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
