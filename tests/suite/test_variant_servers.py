"""Each of the newer variants does what its description says, seen from a client on 127.0.0.1:
what is stored comes back as given or normalized, the proxy rewrites paths before the server sees
them, and the faulty ones answer control characters and DEL as they should not."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests

from proof.variants import VARIANTS
from proof.variants.as_given import SERVER_ZONE, same_instant
from proof.variants.proxy import Refused, normalize

GIVEN = {
    "ChannelType": "SMS",
    "Address": "+12065550100",
    "EffectiveDate": "2026-01-02T03:04:05.678Z",
    "EndpointStatus": "INACTIVE",
    "OptOut": "whatever the client says",
    "RequestId": "client-request-1",
    "Demographic": {"Locale": "not a locale", "Timezone": "Mars/Olympus_Mons"},
    "Location": {"Latitude": 47.61234, "Longitude": -122.33456, "City": "Seattle"},
}


class Api:
    """The calls a test needs, against one running variant with one application of its own."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        created = requests.post(f"{base_url}/v1/apps", json={"Name": "variant-test"}, timeout=5)
        assert created.status_code == 201, created.text
        self.app = created.json()["Id"]

    def put(self, endpoint_id: str, body: dict[str, Any]) -> requests.Response:
        return requests.put(f"{self.base_url}/v1/apps/{self.app}/endpoints/{endpoint_id}", json=body, timeout=5)

    def batch(self, items: list[dict[str, Any]]) -> requests.Response:
        return requests.put(f"{self.base_url}/v1/apps/{self.app}/endpoints", json={"Item": items}, timeout=5)

    def user(self, user_id: str, method: str = "GET") -> requests.Response:
        return self.path(f"/v1/apps/{self.app}/users/{quote(user_id, safe='')}", method)

    def path(self, path: str, method: str = "GET") -> requests.Response:
        """`path` as encoded here: requests would decode unreserved escapes itself."""
        session = requests.Session()
        prepared = session.prepare_request(requests.Request(method, self.base_url + path))
        prepared.url = self.base_url + path
        return session.send(prepared, timeout=5)

    def raw(self, path: str, method: str = "GET") -> tuple[int, str, bytes]:
        """`path` byte for byte: requests removes dot segments and re-encodes a stray '%'."""
        address = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type") or "", response.read()
        finally:
            connection.close()

    def only_endpoint(self, user_id: str) -> dict[str, Any]:
        listed = self.user(user_id)
        assert listed.status_code == 200, listed.text
        (endpoint,) = listed.json()["Item"]
        return endpoint


@pytest.fixture
def api(request: pytest.FixtureRequest) -> Iterator[Api]:
    with VARIANTS[request.param].serve() as base_url:
        yield Api(base_url)


def variant(name: str) -> Any:
    return pytest.mark.parametrize("api", [name], indirect=True)


def is_message_body(content_type: str, body: Any) -> bool:
    if not content_type.startswith("application/json") or not isinstance(body, dict):
        return False
    return isinstance(body.get("Message"), str) and isinstance(body.get("RequestID"), str)


# stores-as-given --------------------------------------------------------------------------


@variant("stores-as-given")
def test_stores_as_given_returns_every_member_as_written(api: Api) -> None:
    assert api.put("one", {**GIVEN, "User": {"UserId": "u1"}}).status_code == 202
    assert api.batch([{**GIVEN, "Id": "two", "User": {"UserId": "u2"}}]).status_code == 202
    for user in ("u1", "u2"):
        endpoint = api.only_endpoint(user)
        assert {name: endpoint.get(name) for name in GIVEN} == GIVEN


@variant("stores-as-given")
def test_stores_as_given_sets_only_what_the_request_leaves_out(api: Api) -> None:
    assert api.put("ep", {**GIVEN, "User": {"UserId": "u"}}).status_code == 202
    first = api.only_endpoint("u")
    assert api.put("ep", {"Address": "+12065550101", "User": {"UserId": "u"}}).status_code == 202
    second = api.only_endpoint("u")
    assert second["CreationDate"] == first["CreationDate"]  # set once
    assert second["EffectiveDate"] not in (GIVEN["EffectiveDate"], None)
    assert datetime.fromisoformat(second["EffectiveDate"]) >= datetime.fromisoformat(second["CreationDate"])
    assert second["EndpointStatus"] == "ACTIVE"
    assert second["RequestId"] not in (GIVEN["RequestId"], None)
    assert second["OptOut"] == GIVEN["OptOut"]  # stored earlier, not named now: kept


@variant("stores-as-given")
def test_stores_as_given_checks_json_types_and_limits_only(api: Api) -> None:
    assert api.put("ep", {"EffectiveDate": 20260102, "User": {"UserId": "u"}}).status_code == 400
    assert api.put("ep", {"Location": {"Latitude": "47.6"}, "User": {"UserId": "u"}}).status_code == 400
    assert api.put("ep", {"Attributes": {"x" * 51: ["v"]}, "User": {"UserId": "u"}}).status_code == 400
    assert api.batch([{"Id": 7}]).status_code == 400
    assert api.user("u").status_code == 404  # nothing stored
    # The model puts no rule on a UserId's characters (the reference server refuses these).
    assert api.put("ep", {"User": {"UserId": "tab\there"}}).status_code == 202


# normalizes-as-documented -----------------------------------------------------------------


@variant("normalizes-as-documented")
def test_normalizes_dates_to_another_form_of_the_same_instant(api: Api) -> None:
    assert api.put("ep", {**GIVEN, "User": {"UserId": "u"}}).status_code == 202
    endpoint = api.only_endpoint("u")
    assert endpoint["EffectiveDate"] == "2026-01-02T04:04:05.678+01:00"
    assert endpoint["CreationDate"].endswith("+00:00")
    assert {name: endpoint[name] for name in ("EndpointStatus", "OptOut", "RequestId", "Demographic")} == {
        name: GIVEN[name] for name in ("EndpointStatus", "OptOut", "RequestId", "Demographic")}  # fmt: skip
    assert api.put("ep", {"EffectiveDate": "2026-01-02T03:04:05.000Z", "User": {"UserId": "u"}}).status_code == 202
    assert api.only_endpoint("u")["EffectiveDate"] == "2026-01-02T04:04:05+01:00"  # a zero fraction dropped
    assert api.put("ep", {"User": {"UserId": "u"}}).status_code == 202
    assert api.only_endpoint("u")["EffectiveDate"].endswith("+00:00")  # set by the server


@variant("normalizes-as-documented")
def test_normalizes_coordinates_to_one_decimal_place(api: Api) -> None:
    assert api.batch([{**GIVEN, "Id": "ep", "User": {"UserId": "u"}}]).status_code == 202
    assert api.only_endpoint("u")["Location"] == {"Latitude": 47.6, "Longitude": -122.3, "City": "Seattle"}


@pytest.mark.parametrize("given", ["2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.1-07:00",
                                   "2026-01-02T03:04:05.123456+05:30", "20260102T030405Z"])  # fmt: skip
def test_same_instant_names_the_same_instant(given: str) -> None:
    written = same_instant(given, SERVER_ZONE)
    assert written != given and datetime.fromisoformat(written) == datetime.fromisoformat(given)
    assert written.endswith("+01:00")


@pytest.mark.parametrize("given", ["not a date", "2026-01-02T03:04:05", "2026-01-02T03:04:05.123456789Z",
                                   "2026-01-02 03:04:05,1234567+00:00", "9999-12-31T23:30:00Z"])  # fmt: skip
def test_same_instant_keeps_what_names_no_instant_or_would_move_it(given: str) -> None:
    assert same_instant(given, SERVER_ZONE) == given


# normalizing-proxy ------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "normal"), [
    (b"/v1/apps/a/users/%41b", b"/v1/apps/a/users/Ab"),
    (b"/v1/apps/a/users/%7e%2D%5F%2e%30", b"/v1/apps/a/users/~-_.0"),
    (b"/v1/apps/a/users/a%2Fb%2f%20%25%C3%BC", b"/v1/apps/a/users/a%2Fb%2f%20%25%C3%BC"),  # reserved: kept
    (b"/v1/apps/a/users/x/../b/./c", b"/v1/apps/a/users/b/c"),
    (b"/v1/apps/a/users/%2E%2E/users/b", b"/v1/apps/a/users/b"),
    (b"/v1/apps/a/users/x/..", b"/v1/apps/a/users/"),
    (b"/v1//apps/a/", b"/v1//apps/a/"),  # nothing merged
])  # fmt: skip
def test_the_proxy_decodes_unreserved_escapes_then_removes_dot_segments(raw: bytes, normal: bytes) -> None:
    assert normalize(raw) == normal


@pytest.mark.parametrize("raw", [b"/v1/apps/%ZZ", b"/v1/apps/a/users/%", b"/v1/apps/a/users/%4", b"/v1/../..",
                                 b"/%2e%2e/v1"])  # fmt: skip
def test_the_proxy_refuses_malformed_escapes_and_climbing_above_the_root(raw: bytes) -> None:
    with pytest.raises(Refused):
        normalize(raw)


@variant("normalizing-proxy")
def test_the_proxy_addresses_users_by_their_normal_form(api: Api) -> None:
    assert api.put("ab", {"User": {"UserId": "Ab"}}).status_code == 202
    assert api.put("slash", {"User": {"UserId": "a/b"}}).status_code == 202
    app = api.app
    for path in (f"/v1/apps/{app}/users/%41b", f"/v1/apps/{app}/users/%2E%2E/users/Ab",
                 f"/v1/apps/{app}/users/nobody/%2e%2E/%2e/Ab"):  # fmt: skip
        listed = api.path(path)
        assert listed.status_code == 200 and [e["Id"] for e in listed.json()["Item"]] == ["ab"], path
    status, _, body = api.raw(f"/v1/apps/{app}/users/x/../Ab")  # literal dot segments
    assert status == 200 and [e["Id"] for e in json.loads(body)["Item"]] == ["ab"]
    listed = api.path(f"/v1/apps/{app}/users/a%2Fb")  # %2F is not decoded: still one segment
    assert listed.status_code == 200 and [e["Id"] for e in listed.json()["Item"]] == ["slash"]


@variant("normalizing-proxy")
@pytest.mark.parametrize("tail", ["%ZZ", "%", "a%4", "../../../../..", "%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2e%2e"])
def test_the_proxy_refuses_with_a_message_body(api: Api, tail: str) -> None:
    status, content_type, body = api.raw(f"/v1/apps/{api.app}/users/{tail}")
    assert status == 400 and is_message_body(content_type, json.loads(body)), (status, content_type, body)


# no-application-id ------------------------------------------------------------------------


@variant("no-application-id")
def test_listed_endpoints_carry_no_application_id(api: Api) -> None:
    assert api.put("ep", {"ChannelType": "SMS", "Address": "+12065550100", "User": {"UserId": "u"}}).status_code == 202
    for method in ("GET", "DELETE"):
        answer = api.user("u", method)
        assert answer.status_code == (200 if method == "GET" else 202)
        (endpoint,) = answer.json()["Item"]
        assert "ApplicationId" not in endpoint and endpoint["Id"] == "ep" and endpoint["User"]["UserId"] == "u"


# control-char-text-404 and del-char-500 ---------------------------------------------------


@variant("control-char-text-404")
@pytest.mark.parametrize("user", ["a\nb", "\x00", "\x01x\x1f"])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_control_characters_get_the_frameworks_text_404(api: Api, user: str, method: str) -> None:
    answer = api.user(user, method)
    assert (answer.status_code, answer.headers["Content-Type"].split(";")[0], answer.text) == (
        404, "text/plain", "Not Found")  # fmt: skip


@variant("control-char-text-404")
def test_other_ids_still_get_a_message_body(api: Api) -> None:
    for user in ("nobody", "del\x7f", " space"):
        answer = api.user(user)
        assert answer.status_code in (400, 404) and is_message_body(answer.headers["Content-Type"], answer.json()), user


@variant("del-char-500")
@pytest.mark.parametrize("user", ["\x7f", "a\x7fb"])
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_del_gets_a_text_500(api: Api, user: str, method: str) -> None:
    answer = api.path(f"/v1/apps/{api.app}/users/{quote(user, safe='')}", method)
    assert answer.request.path_url.endswith(quote(user, safe="")) and "%7F" in answer.request.path_url
    assert answer.status_code == 500 and answer.headers["Content-Type"].startswith("text/plain")


@variant("del-char-500")
def test_other_ids_do_not_crash(api: Api) -> None:
    assert api.put("ep", {"User": {"UserId": "u"}}).status_code == 202
    assert api.user("u").status_code == 200
    assert api.user("a\nb").status_code == 400  # the reference server's refusal of control characters
