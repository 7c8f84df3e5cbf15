"""Serving the reference server: in the foreground (`pinpoint-conformance serve`) or on a free
loopback port in a background thread (the suite's embedded default target, and tests)."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any

import uvicorn


@dataclass
class RunningServer:
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    # Errors only: uvicorn warns of every request its parser refuses ("Invalid HTTP request
    # received"), which PC805 and PC707 send on purpose, and which the client was answered about.
    return uvicorn.Config(app, host=host, port=port, log_level="error", access_log=False,
                          lifespan="on", **options)  # fmt: skip


class _AnnouncedServer(uvicorn.Server):
    """Says where it listens once it does (the port may have been 0: any free one)."""

    async def startup(self, sockets: list[Any] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.servers:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            shown = f"[{host}]" if ":" in host else host
            print(f"pinpoint-conformance: the reference server listens on http://{shown}:{port} (Ctrl-C stops it)",
                  flush=True)  # fmt: skip


def serve(app: Any, host: str, port: int) -> None:
    _AnnouncedServer(_config(app, host, port)).run()


def start_in_thread(app: Any, host: str = "127.0.0.1", port: int = 0, **options: Any) -> RunningServer:
    """Start `app` on `host` (port 0: a free one) and return once it accepts connections."""
    server = uvicorn.Server(_config(app, host, port, **options))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True, name="reference-server")
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the reference server did not start")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()
    return RunningServer(f"http://{host}:{bound[1]}", server, thread)
