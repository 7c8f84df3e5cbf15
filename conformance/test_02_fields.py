"""Clause 2: every field written through UpdateEndpoint comes back as written, with Id,
ApplicationId and User.UserId consistent with the request; a moved endpoint follows its user."""

from __future__ import annotations

from typing import Any

import pytest

from pinpoint_conformance.harness import expect, written
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.failures import fail
from pinpoint_conformance.harness.world import World


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
        "Location": {"City": "Seattle", "Country": "US", "Latitude": 47.6, "Longitude": -122.3,
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


@pytest.mark.check("PC201")
def test_every_field_written_comes_back(world: World, client: Client) -> None:
    user, endpoint_id = world.name("fields"), world.name("ep")
    request = full_endpoint(user)
    world.put_endpoint(world.app_a, endpoint_id, request)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC201", exchange, 200, what="GET of a user with one fully described endpoint")
    endpoint = only_endpoint("PC201", exchange, endpoint_id)
    differences = [d for name, value in request.items() if name not in SERVER_MAY_SET
                   for d in written.differences(value, endpoint.get(name), name)]  # fmt: skip
    if differences:
        fail("PC201", "fields did not round-trip: " + "; ".join(differences), exchange)


@pytest.mark.check("PC202")
def test_identity_fields_match_the_request(world: World, client: Client) -> None:
    user = world.name("ident")
    endpoints = world.seed_user(world.app_a, user, 3)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC202", exchange, 200, what="GET of a user with 3 endpoints")
    for endpoint in exchange.json()["Item"]:
        wrong = []
        if endpoint.get("Id") not in endpoints:
            wrong.append(f"Id {endpoint.get('Id')!r}")
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
