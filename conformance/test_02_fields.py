"""Clause 2: every field written through UpdateEndpoint comes back as written, with Id,
ApplicationId and User.UserId consistent with the request; a moved endpoint follows its user."""

from __future__ import annotations

from typing import Any

import pytest

from . import expect
from .client import Client
from .failures import fail
from .world import World


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
    }  # fmt: skip


def compare(written: Any, read: Any, path: str) -> list[str]:
    """Differences between what was written and what was read; objects may carry extra members."""
    if isinstance(written, dict):
        if not isinstance(read, dict):
            return [f"{path} is {read!r}, written {written!r}"]
        return [d for key, value in written.items() for d in compare(value, read.get(key), f"{path}.{key}")]
    if isinstance(written, int | float) and not isinstance(written, bool):
        ok = isinstance(read, int | float) and not isinstance(read, bool) and float(read) == float(written)
        return [] if ok else [f"{path} is {read!r}, written {written!r}"]
    return [] if read == written else [f"{path} is {read!r}, written {written!r}"]


def only_endpoint(check_id: str, exchange: Any, endpoint_id: str) -> dict[str, Any]:
    for endpoint in exchange.json()["Item"]:
        if endpoint.get("Id") == endpoint_id:
            return endpoint
    raise fail(check_id, f"the endpoint {endpoint_id!r} written for this user is not listed", exchange)


@pytest.mark.check("PC201")
def test_every_field_written_comes_back(world: World, client: Client) -> None:
    user, endpoint_id = world.name("fields"), world.name("ep")
    request = full_endpoint(user)
    world.put_endpoint(world.app_a, endpoint_id, request)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC201", exchange, 200, what="GET of a user with one fully described endpoint")
    endpoint = only_endpoint("PC201", exchange, endpoint_id)
    differences = [d for name, value in request.items() for d in compare(value, endpoint.get(name), name)]
    if differences:
        raise fail("PC201", "fields did not round-trip: " + "; ".join(differences), exchange)


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
        if endpoint.get("ApplicationId") != world.app_a:
            wrong.append(f"ApplicationId {endpoint.get('ApplicationId')!r} (expected {world.app_a!r})")
        if (endpoint.get("User") or {}).get("UserId") != user:
            wrong.append(f"User.UserId {(endpoint.get('User') or {}).get('UserId')!r} (expected {user!r})")
        if wrong:
            raise fail("PC202", f"endpoint {endpoint.get('Id')!r}: " + ", ".join(wrong), exchange)


@pytest.mark.check("PC203")
def test_moved_endpoint_is_listed_under_the_new_user_only(world: World, client: Client) -> None:
    old_user, new_user = world.name("from"), world.name("to")
    staying = world.seed_user(world.app_a, old_user, 1)
    moving = world.name("mover")
    world.put_endpoint(world.app_a, moving, {"ChannelType": "SMS", "Address": "+12065550100",
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
        raise fail("PC204", f"Attributes.color is {got!r} after an update to ['green']", exchange)
