"""PC805's probes: what clients that break off, or that do not speak HTTP/1.1, send a server.

Real clients leave in the middle of a request (a timed-out upload, a killed process) and are
pointed at a server with the wrong protocol (an SDK given an `https://` endpoint URL sends a TLS
ClientHello; `curl --http2-prior-knowledge` sends HTTP/2's preface). The server owes such a
connection nothing (RFC 9112 §2.2 suggests a 400 and a close), but it must outlive it: each
probe here is sent on a connection of its own, which is then closed, and the check asks the
server for a user right after.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass

# How long a probe waits for the server to close the connection it broke off, so that the request
# after it meets a server that has read the whole probe. A wait, never a judgement.
SETTLE = 1.0
# HTTP/2's client connection preface and an empty SETTINGS frame (RFC 9113 §3.4, §6.5).
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


@dataclass(frozen=True)
class Probe:
    name: str  # says what was sent, in a failure's message
    payload: Callable[[str, str], bytes]  # (host, path of a write to the User's data) -> the bytes sent


def _body_cut_short(host: str, path: str) -> bytes:
    """An UpdateEndpoint whose body stops at 30 of its announced 512 bytes."""
    head = (f"PUT {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "Content-Length: 512\r\n\r\n")  # fmt: skip
    return head.encode("ascii") + b'{"ChannelType": "EMAIL", "Add'


def _header_section_cut_short(host: str, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: appl".encode("ascii")


def _tls_client_hello(host: str, path: str) -> bytes:
    """The first flight of a TLS client (what an SDK given https:// for an http:// server sends),
    written by Python's ssl module."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname=host.rsplit(":", 1)[0])
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def _http2_preface(host: str, path: str) -> bytes:
    return HTTP2_PREFACE


PROBES = (
    Probe("a request whose body the client cut short (Content-Length 512, 30 bytes sent, then closed)",
          _body_cut_short),
    Probe("a request whose header section the client cut short, then closed", _header_section_cut_short),
    Probe("a TLS ClientHello (a client given an https:// URL)", _tls_client_hello),
    Probe("an HTTP/2 connection preface (curl --http2-prior-knowledge)", _http2_preface),
)  # fmt: skip


def break_off(sock: socket.socket, payload: bytes) -> None:
    """Send `payload`, close the sending side, and wait (at most SETTLE) for the server to close
    its side; whatever it answers is read and dropped. Never raises for what the server does."""
    with contextlib.suppress(OSError), sock:
        sock.settimeout(SETTLE)
        sock.sendall(payload)
        if isinstance(sock, ssl.SSLSocket):
            sock = sock.unwrap()  # TLS's close_notify, then the socket under it
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(65536):
            pass
