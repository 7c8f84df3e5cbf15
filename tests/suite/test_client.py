"""The suite's HTTP client on throttling (clause 8): a 429 is retried, after the server's
Retry-After (seconds or an HTTP date) when it gives one, never longer than the bound; a 429 without
a MessageBody fails PC801; throttling past the retry budget fails PC802."""

from __future__ import annotations

import email.utils
import io
import itertools
import shlex
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from pinpoint_conformance.harness import client as client_module
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.failures import ConformanceFailure
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.reference import create_app, start_in_thread
from proof.variants.middleware import Intercept


@contextmanager
def throttling(first: int, answer: Callable[[], Response]) -> Iterator[Client]:
    """A server that answers `answer()` to its first `first` requests, then 200 {"Item": []}."""
    counter = itertools.count(1)

    def respond(request: Request) -> Response:
        return answer() if next(counter) <= first else JSONResponse({"Item": []})

    with start_in_thread(Intercept(create_app(), respond)) as server:  # the server only serves lifespan
        client = Client(Settings(base_url=server.base_url, max_attempts=3))
        yield client
        client.close()


def throttled(**headers: str) -> JSONResponse:
    return JSONResponse({"Message": "Rate exceeded"}, status_code=429, headers=headers)


def test_retry_after_in_seconds_is_honoured() -> None:
    with throttling(1, lambda: throttled(**{"Retry-After": "1"})) as client:
        started = time.monotonic()
        exchange = client.send("GET", "/v1/apps/a/users/u")
    assert exchange.status == 200 and time.monotonic() - started >= 1.0


def test_retry_after_as_an_http_date_is_honoured() -> None:
    when = email.utils.formatdate(time.time() + 2, usegmt=True)
    with throttling(1, lambda: throttled(**{"Retry-After": when})) as client:
        started = time.monotonic()
        exchange = client.send("GET", "/v1/apps/a/users/u")
    assert exchange.status == 200 and time.monotonic() - started >= 0.9  # the date has whole seconds


def test_retry_after_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "MAX_BACKOFF", 0.2)
    with throttling(1, lambda: throttled(**{"Retry-After": "3600"})) as client:
        started = time.monotonic()
        exchange = client.send("GET", "/v1/apps/a/users/u")
    assert exchange.status == 200 and time.monotonic() - started < 5


def test_a_bare_429_fails_pc801() -> None:
    bare = throttling(1, lambda: Response(b"", status_code=429))
    with bare as client, pytest.raises(ConformanceFailure) as raised:
        client.send("GET", "/v1/apps/a/users/u")
    assert raised.value.check_id == "PC801"


def test_throttling_past_the_budget_fails_pc802() -> None:
    with (
        throttling(10, lambda: throttled(**{"Retry-After": "0"})) as client,
        pytest.raises(ConformanceFailure) as raised,
    ):
        client.send("GET", "/v1/apps/a/users/u")
    assert raised.value.check_id == "PC802" and "after 3 attempts" in raised.value.message


@contextmanager
def request_lines_recorded(requests: int) -> Iterator[tuple[str, list[bytes]]]:
    """A server at the URL yielded that keeps the request line of each of its first `requests`
    requests (one connection each) and answers 200 {}; the lines are complete once the block ends."""
    import socket
    import threading

    lines: list[bytes] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)

        def serve() -> None:
            for _ in range(requests):
                connection, _ = listener.accept()
                with connection:
                    lines.append(connection.recv(65536).split(b"\r\n", 1)[0])
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                       b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")  # fmt: skip

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", lines
        thread.join(timeout=5)


def test_the_request_target_is_sent_exactly_as_the_check_wrote_it() -> None:
    """urllib3 would repair a malformed escape ("%ZZ" -> "%25ZZ") and encode literal "{" or "|":
    then those hostile IDs would never reach a server. The client puts them on the wire as written."""
    targets = ["/v1/apps/x/users/a%ZZb", "/v1/apps/x/users/a%", '/v1/apps/x/users/a{|}^`"<>\\b']
    with request_lines_recorded(len(targets)) as (base_url, request_lines):
        client = Client(Settings(base_url=base_url))
        for target in targets:
            client.send("GET", target)
        client.close()
    assert request_lines == [f"GET {target} HTTP/1.1".encode() for target in targets]


def test_through_a_proxy_the_request_line_carries_the_whole_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a proxy the client sends to the target's own pool; with one (the environment's, as
    requests reads it) a request goes to the proxy, with the target's whole URL on its request line."""
    with request_lines_recorded(1) as (proxy_url, request_lines):
        for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy_url)
        client = Client(Settings(base_url="http://pinpoint.invalid:4566"))
        assert client.send("GET", "/v1/apps/x/users/a%ZZb").status == 200
        client.close()
    assert request_lines == [b"GET http://pinpoint.invalid:4566/v1/apps/x/users/a%ZZb HTTP/1.1"]


def test_generated_requests_are_bounded_as_a_whole() -> None:
    """A body that trickles in a byte at a time never lets a single read time out; the session the
    generated requests use bounds the whole response, body included."""
    import socket
    import threading

    import requests

    from pinpoint_conformance.harness.client import DeadlineSession

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def trickle() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n")
                for _ in range(40):
                    try:
                        connection.sendall(b" ")
                    except OSError:
                        return
                    time.sleep(0.2)

        threading.Thread(target=trickle, daemon=True).start()
        session = DeadlineSession(timeout=1.0)
        started = time.monotonic()
        with pytest.raises(requests.exceptions.ReadTimeout):
            session.get(f"http://127.0.0.1:{listener.getsockname()[1]}/v1/apps/a/users/b")
        assert time.monotonic() - started < 2.5
        session.close()


def test_a_signed_generated_request_replays_with_a_fresh_signature() -> None:
    import requests

    from pinpoint_conformance.harness.properties import exchange_of

    response = requests.Response()
    response.status_code, response.raw, response.elapsed = 404, io.BytesIO(b"{}"), 0.0  # type: ignore[assignment]
    signed = {"Authorization": "AWS4-HMAC-SHA256 Credential=x"}
    response.request = requests.Request("GET", "http://127.0.0.1:1/v1/apps/a/users/b", headers=signed).prepare()
    curl = exchange_of(response, "eu-west-1").curl()
    assert "--aws-sigv4 aws:amz:eu-west-1:mobiletargeting" in curl and "Credential=x" not in curl


def test_an_absolute_form_request_and_its_curl_line_carry_the_whole_url() -> None:
    """PC708 puts the whole URL on the request line (RFC 9112 §3.2.2); the curl line its report
    shows (`--request-target`) sends that same line. Every other request carries the path alone."""
    seen: list[bytes] = []

    def respond(request: Request) -> Response:
        seen.append(request.scope["raw_path"])
        return JSONResponse({"Item": []})

    with start_in_thread(Intercept(create_app(), respond)) as server:
        client = Client(Settings(base_url=server.base_url))
        absolute = client.send("GET", "/v1/apps/a/users/b%20c", absolute_form=True)
        client.send("GET", "/v1/apps/a/users/b%20c")
        subprocess.run(shlex.split(absolute.curl()), check=True, capture_output=True, timeout=30)
        client.close()
    whole = f"{server.base_url}/v1/apps/a/users/b%20c".encode()
    assert seen == [whole, b"/v1/apps/a/users/b%20c", whole]
    assert absolute.render().startswith(f"> GET {whole.decode()} (absolute-form request target)")
