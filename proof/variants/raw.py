"""Targets below HTTP: a server that accepts connections and closes them unanswered, and an
address where nothing listens. Both on 127.0.0.1, started and stopped by the test."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Hangup(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.recv(65536)  # read the request, then close without a word


@contextmanager
def hangup_server() -> Iterator[str]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Hangup)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def nothing_listening() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"http://127.0.0.1:{port}"
