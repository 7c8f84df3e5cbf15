"""The reference server in a process of its own, on a free loopback port: the suite's embedded
default target. Kept apart from `reference/` so that starting it imports nothing of the server's
stack into the suite's process.

In a process of its own the server starts on the other core while the suite imports and collects,
and its request handling does not compete with the suite's for one interpreter lock (in a thread
of the suite's process it did, and a verdict took about a second longer;
benchmarks/suite_runtime.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from dataclasses import dataclass

from .early import Early
from .lifeline import end_through_stdin


@dataclass
class ServerProcess:
    base_url: str
    port: int
    process: subprocess.Popen[bytes]

    def wait_until_ready(self, timeout: float = 30) -> None:
        """Return once the server accepts connections; raise RuntimeError if it exited or took too long."""
        wait_until_listening(self.port, self.process, timeout, name="the reference server")

    def stop(self) -> None:
        end_through_stdin(self.process, timeout=10)  # the server's watch thread exits at end-of-file


def free_port() -> int:
    """A loopback port free at the moment of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen[bytes], timeout: float, *, poll: float = 0.01,
                         name: str = "the server") -> None:  # fmt: skip
    """Return once 127.0.0.1:`port` accepts connections; raise RuntimeError if `process` exited
    first or `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with status {process.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start within {timeout:g} s") from None
            time.sleep(poll)


def start() -> ServerProcess:
    """Start `pinpoint-conformance serve` on a free loopback port and return at once, without
    waiting for it to listen: call `wait_until_ready` before the first request."""
    port = free_port()
    command = [sys.executable, "-m", "pinpoint_conformance", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--exit-when-stdin-closes"]  # fmt: skip
    # A session of its own: a Ctrl-C at the terminal interrupts the run, not the server the run still
    # needs to clean up its data; the run ends the server through its lifeline.
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, start_new_session=True)
    return ServerProcess(f"http://127.0.0.1:{port}", port, process)


# The server the `run` command started before it imported pytest, for the plugin to take.
EARLY: Early[ServerProcess] = Early()
