"""The two measurements of benchmarks/verdict_floor.py that run in a process of their own. Nothing
here imports the suite: a floor must not contain the code it is the floor of.

`python -m benchmarks.floor_probe startup` imports what the suite's process imports from other
projects, and nothing else (the caller times the whole process).

`python -m benchmarks.floor_probe draw SPEC.json N` does what the property worker does before the
suite hands it the wire: imports Schemathesis and Hypothesis, loads the User resource's document
into Schemathesis, then draws the examples of PC901 (2N) and PC902 (N) from Schemathesis'
strategies without sending them; it prints the drawing's seconds as JSON.

`python -m benchmarks.floor_probe wire BASE_URL R` creates an application with one endpoint of one
user, then GETs that user R times, one request after the other on one kept-alive connection, with
the standard library's http.client; it prints the R requests' seconds as JSON."""

from __future__ import annotations

import http.client
import json
import socket
import sys
import time
from typing import Any
from urllib.parse import urlsplit

# The suite's own values, written again so that the probe imports nothing of the suite;
# tests/benchmarks/test_verdict_floor.py holds them equal to the suite's.
USER_PATH = "/v1/apps/{application-id}/users/{user-id}"  # properties.USER_PATH
OTHER_METHODS = ("POST", "PUT", "PATCH")  # client.OTHER_METHODS, which PC902 draws from under core


def profile(count: int) -> Any:
    """The Hypothesis settings the suite's property-based checks run under (properties.hypothesis_profile)."""
    from hypothesis import HealthCheck, Phase, settings

    return settings(max_examples=count, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                    derandomize=False, suppress_health_check=list(HealthCheck), report_multiple_bugs=False)  # fmt: skip


def startup() -> float:
    # pytest, and the libraries the suite's checks stand on; Schemathesis and Hypothesis are the
    # property worker's (the `run` command loads neither tool's pytest plugin).
    import jsonschema  # noqa: F401
    import pytest  # noqa: F401
    import requests  # noqa: F401
    import urllib3  # noqa: F401

    return 0.0


def draw(spec_file: str, examples: int) -> float:
    import schemathesis
    from hypothesis import given, seed
    from hypothesis import strategies as st

    with open(spec_file) as document:
        schema = schemathesis.openapi.from_dict(json.load(document))
    started = time.perf_counter()
    get, delete = schema[USER_PATH]["GET"], schema[USER_PATH]["DELETE"]
    pinned = {"application-id": "floorapp"}
    # The same strategies as PC901 and PC902 draw from, under the same Hypothesis settings.
    pc901 = st.one_of(get.as_strategy(), get.as_strategy(path_parameters=pinned),
                      get.as_strategy(path_parameters={**pinned, "user-id": "known"}), delete.as_strategy(),
                      delete.as_strategy(path_parameters=pinned))  # fmt: skip
    pc902 = st.tuples(st.sampled_from(OTHER_METHODS), get.as_strategy(path_parameters=pinned))
    drawn = []
    for strategy, count in ((pc901, 2 * examples), (pc902, examples)):

        @seed(0)
        @profile(count)
        @given(case=strategy)
        def draw(case: object) -> None:
            drawn.append(case)

        draw()
    if len(drawn) < 3 * examples:
        raise SystemExit(f"drew {len(drawn)} examples, not {3 * examples}")
    return time.perf_counter() - started


def _ask(connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None) -> bytes:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    # As the suite's client does: acknowledge at once, or a server that sends its headers and body
    # in two writes waits for the delayed ACK (about 40 ms a response). Linux only.
    if hasattr(socket, "TCP_QUICKACK"):
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
    response = connection.getresponse()
    payload = response.read()
    if response.status >= 300:
        raise SystemExit(f"{method} {path} answered {response.status}: {payload[:200]!r}")
    return payload


def wire(base_url: str, count: int) -> float:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.connect()
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as urllib3 does
    app = json.loads(_ask(connection, "POST", "/v1/apps", b'{"Name": "floor"}'))["Id"]
    endpoint = b'{"ChannelType": "EMAIL", "Address": "floor@example.com", "User": {"UserId": "floor-user"}}'
    _ask(connection, "PUT", f"/v1/apps/{app}/endpoints/floor-endpoint", endpoint)
    started = time.perf_counter()
    for _ in range(count):
        _ask(connection, "GET", f"/v1/apps/{app}/users/floor-user")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


if __name__ == "__main__":
    mode, arguments = sys.argv[1], sys.argv[2:]
    if mode == "startup":
        seconds = startup()
    elif mode == "draw":
        seconds = draw(arguments[0], int(arguments[1]))
    else:
        seconds = wire(arguments[0], int(arguments[1]))
    print(json.dumps({"seconds": seconds}))
