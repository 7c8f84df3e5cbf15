"""Clause 2: every field written through UpdateEndpoint comes back as written, with Id,
ApplicationId and User.UserId consistent with the request; a moved endpoint follows its user; an
update replaces what it names and keeps the rest; the fields the server sets follow the endpoint's
writes."""

from __future__ import annotations

from typing import Any

import pytest

from pinpoint_conformance.harness import expect, written
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import fail, observe
from pinpoint_conformance.harness.world import World
from pinpoint_conformance.harness.written import iso_instant, wait_out_a_tick


def full_endpoint(user: str) -> dict[str, Any]:
    """An EndpointRequest with every member a client can set and read back."""
    return {
        "Address": "fT3b0V2Wb9Q:APA91bE7x-conformance",
        "ChannelType": "GCM",
        "Attributes": {"interests": ["science", "politics", "travel"], "tier": ["gold"]},
        "Demographic": {
            "AppVersion": "3.2.1", "Locale": "en_US", "Make": "Google", "Model": "Pixel 9", "ModelVersion": "9",
            "Platform": "Android", "PlatformVersion": "15", "Timezone": "America/Los_Angeles",
        },
        # More digits than AWS's "rounded to one decimal place": read back as written or rounded (D13).
        "Location": {"City": "Seattle", "Country": "US", "Latitude": 47.6062, "Longitude": -122.3321,
                     "PostalCode": "98101", "Region": "WA"},
        "Metrics": {"sessions": 12, "spend": 3.5},
        "OptOut": "ALL",
        "User": {"UserId": user, "UserAttributes": {"plan": ["premium"], "teams": ["a", "b"]}},
        # Before the endpoint exists: a server that keeps it shows an EffectiveDate before its
        # CreationDate, which PC303 must accept because the run wrote it (see written.py).
        "EffectiveDate": "2026-01-02T03:04:05.678Z",
    }  # fmt: skip


# Members AWS documents as set by the service itself ("Amazon Pinpoint automatically sets this
# value to ACTIVE…"): a server may keep what was written or set its own.
SERVER_MAY_SET = ("EffectiveDate", "EndpointStatus", "RequestId")


def only_endpoint(check_id: str, exchange: Any, endpoint_id: str) -> dict[str, Any]:
    for endpoint in exchange.json()["Item"]:
        if endpoint.get("Id") == endpoint_id:
            return endpoint
    fail(check_id, f"the endpoint {endpoint_id!r} written for this user is not listed", exchange)


def fully_described(check_id: str, world: World, client: Client, label: str) -> tuple[Any, ...]:
    """A new user with one endpoint written with `full_endpoint`, and the endpoint as GET lists it:
    (user, endpoint ID, the request, the listed endpoint, the GET)."""
    user, endpoint_id = world.name(label), world.name("ep")
    request = full_endpoint(user)
    world.put_endpoint(world.app_a, endpoint_id, request)
    exchange = client.user("GET", world.app_a, user)
    expect.status(check_id, exchange, 200, what="GET of a user with one fully described endpoint")
    return user, endpoint_id, request, only_endpoint(check_id, exchange, endpoint_id), exchange


def sparse_endpoint(user: str, endpoint_id: str) -> dict[str, Any]:
    """An EndpointRequest whose Location and Demographic name one or two members: what it leaves
    out stays out (the wire checks fail a `null` in its place, DIVERGENCES.md D21)."""
    return {"Address": f"{endpoint_id}@example.com", "ChannelType": "EMAIL", "Demographic": {"Platform": "Android"},
            "Location": {"City": "Seattle", "Latitude": 47.6062}, "User": {"UserId": user}}  # fmt: skip


def _round_trip_differences(request: dict[str, Any], endpoint: dict[str, Any]) -> list[str]:
    return [d for name, value in request.items() if name not in SERVER_MAY_SET
            for d in written.differences(value, endpoint.get(name), name)]  # fmt: skip


@pytest.mark.check("PC201")
def test_every_field_written_comes_back(world: World, client: Client) -> None:
    user, _, request, endpoint, exchange = fully_described("PC201", world, client, "fields")
    differences = _round_trip_differences(request, endpoint)
    if differences:
        fail("PC201", "fields did not round-trip: " + "; ".join(differences), exchange)
    sparse_id = world.name("ep")
    sparse = sparse_endpoint(user, sparse_id)
    world.put_endpoint(world.app_a, sparse_id, sparse)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC201", exchange, 200, what="GET of a user with a sparsely described endpoint")
    differences = _round_trip_differences(sparse, only_endpoint("PC201", exchange, sparse_id))
    if differences:
        fail("PC201", "fields of a sparsely described endpoint did not round-trip: " + "; ".join(differences),
             exchange)  # fmt: skip


@pytest.mark.check("PC202")
def test_identity_fields_match_the_request(world: World, client: Client) -> None:
    """Endpoint IDs with capitals, and one with spaces at either end: an Id is given back as it was
    assigned, not lower-cased or trimmed. A server may refuse the spaced one (400: the model gives
    EndpointId no pattern, but refusing a write is always documented); once it accepted it, it lists
    it as written."""
    user = world.name("ident")
    endpoints = world.seed_user(world.app_a, user, 3, label="Ep")
    spaced = f" {world.name('Ep')} "
    write = world.send_endpoint(world.app_a, spaced, {"ChannelType": "EMAIL", "Address": "spaced@example.com",
                                                      "User": {"UserId": user}})  # fmt: skip
    if write.status == 202:
        endpoints.append(spaced)
    elif write.status != 400:
        fail("PC002", f"UpdateEndpoint of {spaced!r} answered {write.status}, neither 202 nor 400", write)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC202", exchange, 200, what=f"GET of a user with {len(endpoints)} endpoints")
    for endpoint in exchange.json()["Item"]:
        wrong = []
        if endpoint.get("Id") not in endpoints:
            wrong.append(f"Id {endpoint.get('Id')!r} is none of those written ({', '.join(map(repr, endpoints))})")
        if "ApplicationId" in endpoint and endpoint["ApplicationId"] != world.app_a:
            wrong.append(f"ApplicationId {endpoint.get('ApplicationId')!r} (expected {world.app_a!r})")
        if (endpoint.get("User") or {}).get("UserId") != user:
            wrong.append(f"User.UserId {(endpoint.get('User') or {}).get('UserId')!r} (expected {user!r})")
        if wrong:
            fail("PC202", f"endpoint {endpoint.get('Id')!r}: " + ", ".join(wrong), exchange)


@pytest.mark.check("PC203")
def test_moved_endpoint_is_listed_under_the_new_user_only(world: World, client: Client) -> None:
    old_user, new_user = world.name("from"), world.name("to")
    staying = world.seed_user(world.app_a, old_user, 1)
    moving = world.name("mover")
    world.put_endpoint(world.app_a, moving, {"ChannelType": "SMS", "Address": "+12065550142",
                                             "User": {"UserId": old_user}})  # fmt: skip
    world.put_endpoint(world.app_a, moving, {"User": {"UserId": new_user}})
    exchange = client.user("GET", world.app_a, new_user)
    expect.status("PC203", exchange, 200, what="GET of the user an endpoint moved to")
    expect.same_endpoints("PC203", exchange, [moving], "GET of the user an endpoint moved to")
    exchange = client.user("GET", world.app_a, old_user)
    expect.status("PC203", exchange, 200, what="GET of the user an endpoint moved from")
    expect.same_endpoints("PC203", exchange, staying, "GET of the user an endpoint moved away from")


@pytest.mark.check("PC204")
def test_update_replaces_the_values_of_named_attributes(world: World, client: Client) -> None:
    user, endpoint_id = world.name("attrs"), world.name("ep")
    world.put_endpoint(world.app_a, endpoint_id, {"ChannelType": "EMAIL", "Address": "a@example.com",
                                                  "Attributes": {"color": ["red", "blue"]},
                                                  "User": {"UserId": user}})  # fmt: skip
    world.put_endpoint(world.app_a, endpoint_id, {"Attributes": {"color": ["green"]}, "User": {"UserId": user}})
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC204", exchange, 200, what="GET after an update of Attributes")
    endpoint = only_endpoint("PC204", exchange, endpoint_id)
    got = (endpoint.get("Attributes") or {}).get("color")
    if got != ["green"]:
        fail("PC204", f"Attributes.color is {got!r} after an update to ['green']", exchange)


@pytest.mark.check("PC206")
def test_update_keeps_the_members_it_does_not_name(world: World, client: Client) -> None:
    """The second write names Attributes only; User is not named, so the endpoint stays its user's.
    Judged against what the same GET listed before the update, so that a member the server never
    gives back as written is PC201's to report, and what the update named (Attributes) PC204's."""
    user, endpoint_id, first, before, _ = fully_described("PC206", world, client, "keeps")
    world.put_endpoint(world.app_a, endpoint_id, {"Attributes": {"interests": ["music"]}})
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC206", exchange, 200, what="GET after an update that named Attributes only")
    after = only_endpoint("PC206", exchange, endpoint_id)
    unnamed = [name for name in first if name not in SERVER_MAY_SET and name != "Attributes"]
    was = "before the update"
    differences = [d for name in unnamed for d in written.differences(before.get(name), after.get(name), name, was)]
    if differences:
        fail("PC206", "an update that named Attributes only changed what it did not name: " + "; ".join(differences),
             exchange)  # fmt: skip


def listed(world: World, client: Client, user: str, endpoint_id: str, when: str) -> tuple[dict[str, Any], Exchange]:
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC205", exchange, 200, what=f"GET of the user, {when}")
    return only_endpoint("PC205", exchange, endpoint_id), exchange


@pytest.mark.check("PC205")
def test_server_set_fields_follow_the_writes(world: World, client: Client) -> None:
    """One endpoint written, read, updated once a tick of the server's clock has passed (as its
    EffectiveDate's digits tell: a millisecond for AWS's dates, a second for a whole-second clock)
    and read again; between the two, the same user gets a second endpoint of the same channel. The
    run writes no EndpointStatus and gives each endpoint an address of its own, so both are ACTIVE
    each time (where the server returns EndpointStatus): AWS sets an endpoint INACTIVE only when
    another endpoint with the same address is written. The first endpoint's CreationDate stays as it
    was, and its EffectiveDate moves past the first one. What the server omits is not judged."""
    user, endpoint_id = world.name("dates"), world.name("ep")
    request = {"ChannelType": "EMAIL", "Address": f"{endpoint_id}@example.com", "User": {"UserId": user}}
    world.put_endpoint(world.app_a, endpoint_id, request)
    first, exchange = listed(world, client, user, endpoint_id, "after it was written")
    _active(client, first, exchange, "written")
    wait_out_a_tick([first.get("EffectiveDate")], otherwise=0.0)
    other = world.name("ep")
    world.put_endpoint(world.app_a, other, {**request, "Address": f"{other}@example.com"})
    world.put_endpoint(world.app_a, endpoint_id, {**request, "Attributes": {"step": ["2"]}})
    second, exchange = listed(world, client, user, endpoint_id, "after an update")
    _active(client, second, exchange, "updated")
    _active(client, only_endpoint("PC205", exchange, other), exchange,
            "written (then another endpoint of the user, with another address, was updated)")  # fmt: skip
    created = [iso_instant(endpoint.get("CreationDate")) for endpoint in (first, second)]
    if None not in created:
        observe(client.findings, "PC205")
        if created[0] != created[1]:
            fail("PC205", f"CreationDate was {first['CreationDate']} and is {second['CreationDate']} after an "
                          "update: it is the date the endpoint was created", exchange)  # fmt: skip
    effective_dates = [iso_instant(endpoint.get("EffectiveDate")) for endpoint in (first, second)]
    if None not in effective_dates:
        observe(client.findings, "PC205")
        if effective_dates[1] <= effective_dates[0]:  # type: ignore[operator]
            fail("PC205", f"EffectiveDate was {first['EffectiveDate']} and is {second['EffectiveDate']} after an "
                          "update a tick of its clock later: it is the date of the last update", exchange)  # fmt: skip


def _active(client: Client, endpoint: dict[str, Any], exchange: Exchange, how: str) -> None:
    status = endpoint.get("EndpointStatus")
    if status is not None:
        observe(client.findings, "PC205")
        if status != "ACTIVE":
            fail("PC205", f"an endpoint {how} without EndpointStatus, with an address no other endpoint has, "
                          f"is listed {status!r}, not ACTIVE", exchange)  # fmt: skip
