"""The reference server's wire format, request by request: JSON bodies labelled as such, a
MessageBody with x-amzn-ErrorType for every error, x-amzn-RequestId everywhere, 405 with Allow,
and no input, however hostile, answered with a 5xx."""

from __future__ import annotations

import http.client
import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinpoint_conformance.reference import FaultOptions, create_app, start_in_thread
from pinpoint_conformance.reference.errors import EXCEPTION_BY_STATUS

# The documented errors, less 500: the reference server must never answer one.
DOCUMENTED = {status: name for status, name in EXCEPTION_BY_STATUS.items() if status != 500}


def assert_message_body(response: requests.Response | Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["x-amzn-RequestId"]
    assert response.headers["x-amzn-ErrorType"] == DOCUMENTED[status]
    body = response.json()
    assert isinstance(body["Message"], str) and body["RequestID"] == response.headers["x-amzn-RequestId"]
    return body


@pytest.fixture
def app(server: Any) -> str:
    return requests.post(f"{server.base_url}/v1/apps", json={"Name": "wire"}).json()["Id"]


def put(server: Any, app: str, endpoint: str, body: Any, **kwargs: Any) -> requests.Response:
    data = json.dumps(body) if isinstance(body, dict | list) else body
    return requests.put(f"{server.base_url}/v1/apps/{app}/endpoints/{endpoint}", data=data, **kwargs)


def test_success_bodies_are_json_with_a_request_id(server: Any, app: str) -> None:
    put(server, app, "e", {"User": {"UserId": "u"}})
    response = requests.get(f"{server.base_url}/v1/apps/{app}/users/u", headers={"Accept": None})
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.headers["x-amzn-RequestId"] and response.json()["Item"][0]["Id"] == "e"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "TRACE", "HEAD", "OPTIONS"])
def test_other_methods_get_405_with_allow(server: Any, app: str, method: str) -> None:
    response = requests.request(method, f"{server.base_url}/v1/apps/{app}/users/u")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, DELETE"
    if method != "HEAD":
        assert_message_body(response, 405)


def test_unknown_paths_get_a_404_message_body(server: Any) -> None:
    for path in ("/", "/v2/apps", "/v1/apps/a/users", "/v1/apps/a/users/u/extra"):
        assert_message_body(requests.get(server.base_url + path), 404)
    assert_message_body(requests.get(server.base_url + "/v1/apps//users/u"), 400)  # an empty ID is refused


@pytest.mark.parametrize("length", [1_000, 100_000])
def test_huge_and_empty_ids_get_a_message_body(server: Any, app: str, length: int) -> None:
    huge = "u" * length
    for method in ("GET", "DELETE"):
        assert_message_body(requests.request(method, f"{server.base_url}/v1/apps/{app}/users/{huge}"), 404)
        assert_message_body(requests.request(method, f"{server.base_url}/v1/apps/{huge}/users/u"), 404)
        assert_message_body(requests.request(method, f"{server.base_url}/v1/apps/{app}/users/%20%00"), 400)
    put(server, app, "long", {"User": {"UserId": huge}})
    items = requests.get(f"{server.base_url}/v1/apps/{app}/users/{huge}").json()["Item"]
    assert [item["User"]["UserId"] for item in items] == [huge]


def test_a_literal_plus_is_a_plus(server: Any, app: str) -> None:
    put(server, app, "plus", {"User": {"UserId": "a+b"}})
    put(server, app, "space", {"User": {"UserId": "a b"}})
    for path in ("a+b", "a%2Bb"):
        items = requests.get(f"{server.base_url}/v1/apps/{app}/users/{path}").json()["Item"]
        assert [item["Id"] for item in items] == ["plus"]
    assert [i["Id"] for i in requests.get(f"{server.base_url}/v1/apps/{app}/users/a%20b").json()["Item"]] == ["space"]


@pytest.mark.parametrize("scheme", ["http", "HTTP"])
def test_an_absolute_form_target_is_routed_by_its_path(server: Any, app: str, scheme: str) -> None:
    """RFC 9112 §3.2.2: a server MUST accept the whole URL on the request line. uvicorn's h11
    parser passes it on as the path; the reference server routes it by the path alone."""
    put(server, app, "absolute", {"User": {"UserId": "u"}})
    url = f"{server.base_url}/v1/apps/{app}/users/u".replace("http", scheme, 1)
    connection = http.client.HTTPConnection(*urlsplit(server.base_url).netloc.split(":"))
    try:
        for method, status in (("GET", 200), ("DELETE", 202)):
            connection.request(method, url)  # http.client puts the URL on the request line as given
            response = connection.getresponse()
            assert response.status == status
            assert [item["Id"] for item in json.loads(response.read())["Item"]] == ["absolute"]
    finally:
        connection.close()
    assert requests.get(f"{server.base_url}/v1/apps/{app}/users/u").status_code == 404  # deleted: no endpoints


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"[]", b'"text"', b"\xff\xfe", {"ChannelType": "FAX"}, {"Attributes": {"a": "not-a-list"}},
     {"Attributes": {"a": [1]}}, {"Location": {"Latitude": "47.6"}}, {"Location": {"Latitude": True}},
     {"Metrics": {"m": "1"}}, {"User": {"UserId": 7}}, {"User": "u"}, {"Demographic": {"Make": 1}},
     {"OptOut": None}, {"User": {"UserId": "bad\u0000id"}}, {"User": {"UserId": ""}}],
    ids=lambda b: repr(b)[:40],
)  # fmt: skip
def test_invalid_input_gets_400_and_stores_nothing(server: Any, app: str, body: Any) -> None:
    assert_message_body(put(server, app, "bad", body, headers={"Content-Type": "application/json"}), 400)
    assert_message_body(requests.get(f"{server.base_url}/v1/apps/{app}/endpoints/bad"), 404)


def test_the_content_type_of_a_request_does_not_matter(server: Any, app: str) -> None:
    response = put(server, app, "ct", {"Address": "x"}, headers={"Content-Type": "text/plain"})
    assert response.status_code == 202


def test_a_payload_over_7_mb_gets_413(server: Any, app: str) -> None:
    body = json.dumps({"Address": "x" * (7 * 1024 * 1024)})
    assert_message_body(put(server, app, "big", body), 413)
    chunked = put(server, app, "big", iter([body.encode()[i : i + 65536] for i in range(0, len(body), 65536)]))
    assert_message_body(chunked, 413)


def test_throttle_and_latency_knobs() -> None:
    with start_in_thread(create_app(faults=FaultOptions(throttle=1.0))) as throttled:
        assert_message_body(requests.get(f"{throttled.base_url}/v1/apps/a/users/u"), 429)
    with start_in_thread(create_app(faults=FaultOptions(latency_ms=200))) as slow:
        started = time.monotonic()
        requests.get(f"{slow.base_url}/v1/apps/a/users/u")
        assert time.monotonic() - started >= 0.2


SEGMENT = st.lists(
    st.one_of(st.sampled_from(list("abcXYZ019-._~!$&'()*+,;=:@")),
              st.integers(0, 255).map(lambda b: f"%{b:02X}"), st.sampled_from(["%", "%Z", "%E2%82"])),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(method=st.sampled_from(["GET", "DELETE", "PUT", "POST", "PATCH"]), app_segment=SEGMENT, user_segment=SEGMENT,
       body=st.one_of(st.none(), st.binary(max_size=200), st.recursive(
           st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=20),
           lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children,
                                                                               max_size=3), max_leaves=10).map(
           lambda value: json.dumps(value).encode())))  # fmt: skip
def test_no_input_gets_a_5xx(hostile_server: str, method: str, app_segment: str, user_segment: str,
                             body: bytes | None) -> None:  # fmt: skip
    target = urlsplit(hostile_server)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    for path in (f"/v1/apps/{app_segment}/users/{user_segment}", f"/v1/apps/{app_segment}/endpoints/{user_segment}",
                 f"/v1/apps/{app_segment}"):  # fmt: skip
        connection.request(method, path or "/", body=body)
        response = connection.getresponse()
        payload = response.read()
        assert response.status < 500, (method, path, payload)
        assert response.getheader("Content-Type") == "application/json"
        parsed = json.loads(payload)
        if response.status >= 400:
            assert response.status in DOCUMENTED and isinstance(parsed["Message"], str)
            assert response.getheader("x-amzn-ErrorType") == DOCUMENTED[response.status]
    connection.close()


@pytest.fixture(scope="module")
def hostile_server() -> Any:
    with start_in_thread(create_app()) as running:
        requests.post(f"{running.base_url}/v1/apps", json={"Name": "hostile"})
        yield running.base_url
