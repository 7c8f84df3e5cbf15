"""Targets below HTTP: a server that accepts connections and closes them unanswered (from the
first, or after one answer), an address where nothing listens, and the reference server with a
process that dies when a client breaks off an upload. All on 127.0.0.1, started and stopped by the
test."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from pinpoint_conformance.reference import ReferenceServer, start_in_thread
from pinpoint_conformance.reference.store import Store

from .middleware import OriginForm


class _Hangup(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.recv(65536)  # read the request, then close without a word


@contextmanager
def _tcp_server(handler: type[socketserver.BaseRequestHandler]) -> Iterator[str]:
    """`handler` serving connections on a free loopback port, in threads, until the block ends."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def hangup_server() -> contextlib.AbstractContextManager[str]:
    return _tcp_server(_Hangup)


_BODY = b'{"Message": "Not found"}'
ONE_ANSWER = (
    b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nx-amzn-ErrorType: NotFoundException\r\n"
    b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(_BODY), _BODY)
)


class _AnswersOnce(socketserver.BaseRequestHandler):
    answered = threading.Event()

    def handle(self) -> None:
        if self.request.recv(65536) and not self.answered.is_set():  # a connection that sends nothing gets nothing
            self.answered.set()
            self.request.sendall(ONE_ANSWER)


def answers_once_then_hangs_up() -> contextlib.AbstractContextManager[str]:
    """A server whose first request gets an answer (a 404 MessageBody), and every later connection
    is closed unanswered: a worker that died after its first request."""
    return _tcp_server(type("AnswersOnce", (_AnswersOnce,), {"answered": threading.Event()}))


@contextmanager
def nothing_listening() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"http://127.0.0.1:{port}"


def _die(server: uvicorn.Server) -> None:
    """What a crashed process leaves: no listener (a new connection is refused) and no connection."""
    for listener in server.servers:
        listener.close()
    for connection in list(server.server_state.connections):
        connection.transport.abort()
    server.should_exit = True


@contextmanager
def dies_when_a_body_is_cut_short() -> Iterator[str]:
    """The reference server, except that a client closing its connection in the middle of a
    request body takes the whole server down, as an unhandled error event kills a Node.js process.
    The server dies before the broken-off connection's socket is closed: a client that waits for
    that close finds nothing listening."""
    running: list[Any] = []

    class DiesOnACutBody(H11Protocol):
        def connection_lost(self, exc: Exception | None) -> None:
            if self.conn.their_state is h11.SEND_BODY:
                _die(running[0].server)
            super().connection_lost(exc)

    app = OriginForm(ReferenceServer(Store()))
    with start_in_thread(app, http=DiesOnACutBody, timeout_graceful_shutdown=1) as server:
        running.append(server)
        yield server.base_url
