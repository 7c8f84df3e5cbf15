"""The suite's HTTP client obeys RFC 9112 as a client: it never sends another request on a connection
on which it sent `Connection: close` (§9.6), whether or not the server echoed the option; and a
request that met a reused connection the server had already closed, before any byte of its response,
is sent once more on a new connection if it is a GET, HEAD, OPTIONS or DELETE (§9.3.1), never a
write, and the retry is told in the test's findings and the exchange."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.failures import ConformanceFailure, Findings
from pinpoint_conformance.harness.settings import Settings

ANSWER = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"Item":[]}'


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b""
        data += chunk
    return data


@contextmanager
def raw_server(serve: Callable[[socket.socket, list[bytes]], None]) -> Iterator[tuple[Client, list[bytes]]]:
    """A server on a loopback port that hands each accepted connection to `serve` (with the list of
    requests seen), one connection after another; yields a client of it and that list."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.settimeout(0.5)  # a connection the client keeps idle ends the serving, not the test
            with conn, contextlib.suppress(OSError):
                serve(conn, seen)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    client = Client(Settings(base_url=f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=5))
    client.findings = Findings()
    try:
        yield client, seen
    finally:
        stop.set()
        client.close()
        listener.close()
        thread.join(5)


def closes_when_asked_without_echo(conn: socket.socket, seen: list[bytes]) -> None:
    """Answers every request of a connection; after one that asked to close, closes without saying so."""
    while request := _read_request(conn):
        seen.append(request)
        conn.sendall(ANSWER)
        if b"connection: close" in request.lower():
            return


def answers_once_then_closes_silently(conn: socket.socket, seen: list[bytes]) -> None:
    """Keep-alive in name only: answers one request, then closes as an idle timeout would, unseen by
    the client until it sends the next request."""
    if request := _read_request(conn):
        seen.append(request)
        conn.sendall(ANSWER)
        conn.recv(65536)  # the next request arrives on the same connection: it is dropped unanswered


def test_a_connection_the_suite_asked_to_close_is_never_reused() -> None:
    with raw_server(closes_when_asked_without_echo) as (client, seen):
        client.send("GET", "/v1/apps/a/users/u", headers={"Connection": "close"})
        exchange = client.send("GET", "/v1/apps/a/users/u")  # must go out on a new connection
    assert exchange.status == 200 and len(seen) == 2
    assert client.findings is not None and not client.findings.retries, "no retry was needed"


@pytest.mark.parametrize("method", ["GET", "DELETE", "HEAD", "OPTIONS"])
def test_an_idempotent_request_on_a_stale_connection_is_retried_once_and_told(method: str) -> None:
    with raw_server(answers_once_then_closes_silently) as (client, seen):
        client.send("GET", "/v1/apps/a/users/u")
        exchange = client.send(method, "/v1/apps/a/users/u")
    assert exchange.status == 200 and len(seen) == 2  # the retry, alone, reached a new connection
    assert exchange.retried and "RFC 9112 §9.3.1" in exchange.retried
    assert client.findings is not None and client.findings.retries == [exchange.retried]
    assert "(retried:" in exchange.render()


def test_a_write_on_a_stale_connection_is_not_retried() -> None:
    with raw_server(answers_once_then_closes_silently) as (client, seen):
        client.send("GET", "/v1/apps/a/users/u")
        with pytest.raises(ConformanceFailure) as failure:
            client.send("PUT", "/v1/apps/a/endpoints/e", body=b"{}")
    assert failure.value.check_id == "PC804" and len(seen) == 1
    assert client.findings is not None and not client.findings.retries


def test_a_fresh_connection_closed_unanswered_is_not_retried() -> None:
    """Only a reused connection may have gone stale: a new one closed unanswered is the server's failure."""

    def hangs_up(conn: socket.socket, seen: list[bytes]) -> None:
        seen.append(_read_request(conn))

    with raw_server(hangs_up) as (client, seen), pytest.raises(ConformanceFailure) as failure:
        client.send("GET", "/v1/apps/a/users/u")
    assert failure.value.check_id == "PC804" and len(seen) == 1


def test_generated_requests_are_retried_once_on_a_stale_connection_too() -> None:
    with raw_server(answers_once_then_closes_silently) as (client, seen):
        session = client.generated_session()
        assert session.get(client.settings.base_url + "/v1/apps/a/users/u").status_code == 200
        assert session.get(client.settings.base_url + "/v1/apps/a/users/u").status_code == 200
        session.close()
    assert client.findings is not None and len(client.findings.retries) == 1 and len(seen) == 2


def test_fields_reversed_puts_connection_first_and_host_last_on_the_wire() -> None:
    """PC709's request: the header fields as sent, led by Connection and ended by one Host."""
    with raw_server(closes_when_asked_without_echo) as (client, seen):
        client.send("GET", "/v1/apps/a/users/u")
        client.send("GET", "/v1/apps/a/users/u", fields_reversed=True)
    usual, reordered = ([line.split(b":")[0].lower() for line in request.split(b"\r\n")[1:] if line]
                        for request in seen)  # fmt: skip
    assert usual[0] == b"host"
    assert reordered[0] == b"connection" and reordered[-1] == b"host"
    assert reordered.count(b"host") == 1
    assert sorted(reordered) == sorted([*usual, b"connection"])
