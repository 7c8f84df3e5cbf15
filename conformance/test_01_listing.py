"""Clause 1: GET lists exactly the endpoints of that application whose User.UserId equals the
user ID — none missing, none twice, none of another user or another application."""

from __future__ import annotations

from typing import Any

import pytest

from pinpoint_conformance.harness import expect, neighbours, written
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import fail
from pinpoint_conformance.harness.world import World


@pytest.mark.check("PC101")
def test_get_lists_every_endpoint_of_the_user_once(world: World, client: Client) -> None:
    user = world.name("user")
    endpoints = world.seed_user(world.app_a, user, 10)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC101", exchange, 200, what="GET of a user with 10 endpoints")
    expect.same_endpoints("PC101", exchange, endpoints, "GET of a user with 10 endpoints")


USER = "user"  # the key of the user itself among its neighbours' kinds


def seed_neighbourhood(world: World, label: str) -> dict[str, tuple[str, list[str]]]:
    """A user with two endpoints and each of its neighbours with one (none if it is requested
    only): USER or the neighbour's kind -> (its ID, its endpoints), the user first."""
    user = world.name(label)
    owners = {USER: (user, world.seed_user(world.app_a, user, 2))}
    for kind, (other, seeded) in neighbours.of(world.prefix, user).items():
        owners[kind] = (other, world.seed_user(world.app_a, other, 1) if seeded else [])
    return owners


def described(owners: dict[str, tuple[str, list[str]]], who: str) -> str:
    return f"{owners[who][0]!r} ({who})"


def _whose(owners: dict[str, tuple[str, list[str]]], exchange: Exchange, who: str) -> str:
    """Whose endpoints a 200 listed that are not `who`'s, for the failure message."""
    if exchange.status != 200:
        return ""
    listed = set(expect.listed_ids(exchange))
    others = [described(owners, kind) for kind, (_, ids) in owners.items() if kind != who and listed & set(ids)]
    return f"; it listed the endpoints of {', '.join(others)}" if others else ""


@pytest.mark.check("PC102")
def test_get_matches_the_user_id_exactly(world: World, client: Client) -> None:
    """Both ways: the user and each of its neighbours get exactly their own endpoints."""
    owners = seed_neighbourhood(world, "wild_card")
    for who, (requested, endpoints) in owners.items():
        exchange = client.user("GET", world.app_a, requested)
        what, whose = f"GET of {described(owners, who)}", _whose(owners, exchange, who)
        if not endpoints:  # requested only: its status is PC405's to judge, its endpoints this check's
            if exchange.status == 200 and expect.listed_ids(exchange):
                fail("PC102", f"{what}, a user with no endpoints, must list none{whose}", exchange)
            continue
        expect.status("PC102", exchange, 200, what=f"{what}, whose neighbours have endpoints")
        expect.same_endpoints("PC102", exchange, endpoints, f"{what} must match its ID exactly{whose}")


@pytest.mark.check("PC103")
def test_get_is_confined_to_its_application(world: World, client: Client) -> None:
    if world.app_b is None:
        pytest.skip("needs two applications of the run's own (not available with --app-id)")
    user = world.name("shared")
    mine = world.seed_user(world.app_a, user, 2)
    world.seed_user(world.app_b, user, 2)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC103", exchange, 200, what="GET of a user present in two applications")
    expect.same_endpoints("PC103", exchange, mine, "GET must list only the endpoints of the application in the path")
    for endpoint in exchange.json()["Item"]:
        if endpoint.get("ApplicationId") not in (None, world.app_a):
            fail("PC103", f"an endpoint of application {endpoint.get('ApplicationId')} was listed",
                              exchange)  # fmt: skip


@pytest.mark.check("PC104")
def test_get_lists_all_fifteen_endpoints(world: World, client: Client) -> None:
    user = world.name("fifteen")
    endpoints = world.seed_user(world.app_a, user, 15, batch=False)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC104", exchange, 200, what="GET of a user with 15 endpoints")
    expect.same_endpoints("PC104", exchange, endpoints, "GET of a user with 15 endpoints (AWS's maximum)")


def _endpoints_by_id(check_id: str, exchange: Exchange) -> dict[str, Any]:
    expect.status(check_id, exchange, 200, what="GET of a user in the other application")
    return {endpoint.get("Id"): endpoint for endpoint in exchange.json()["Item"]}


@pytest.mark.check("PC105")
def test_writes_in_one_application_change_nothing_in_another(world: World, client: Client) -> None:
    """The same user ID, endpoint IDs and addresses in both applications: every kind of write in
    one, and a DELETE of the user there, leave GET in the other exactly as it was."""
    if world.app_b is None:
        pytest.skip("needs two applications of the run's own (not available with --app-id)")
    user, email_id, sms_id = world.name("shared_keys"), world.name("ep"), world.name("ep")
    email, phone = f"{email_id}@example.com", "+12065550199"
    world.put_endpoint(world.app_b, email_id, {"ChannelType": "EMAIL", "Address": email,
                                               "Attributes": {"side": ["b"]}, "User": {"UserId": user}})  # fmt: skip
    world.put_batch(world.app_b, [{"Id": sms_id, "ChannelType": "SMS", "Address": phone, "User": {"UserId": user}}])
    before = _endpoints_by_id("PC105", client.user("GET", world.app_b, user))
    if set(before) != {email_id, sms_id}:
        fail("PC105", f"GET lists {sorted(before)}; expected the two endpoints just written")

    # In the other application: the same endpoint IDs, addresses and user, written and rewritten
    # (AWS marks an older endpoint with the same address INACTIVE, but only in its own application).
    world.put_endpoint(world.app_a, email_id, {"ChannelType": "EMAIL", "Address": email, "OptOut": "ALL",
                                               "Attributes": {"side": ["a"]}, "User": {"UserId": user}})  # fmt: skip
    world.put_endpoint(world.app_a, world.name("ep"), {"ChannelType": "EMAIL", "Address": email,
                                                       "User": {"UserId": user}})  # fmt: skip
    world.put_batch(world.app_a, [{"Id": sms_id, "ChannelType": "SMS", "Address": phone, "EndpointStatus": "INACTIVE",
                                   "Metrics": {"visits": 3}, "User": {"UserId": user}}])  # fmt: skip
    after_writes = client.user("GET", world.app_b, user)
    _unchanged(before, _endpoints_by_id("PC105", after_writes), "writes in the other application", after_writes)
    client.user("DELETE", world.app_a, user)
    after_delete = client.user("GET", world.app_b, user)
    _unchanged(before, _endpoints_by_id("PC105", after_delete), "a DELETE in the other application", after_delete)


def _unchanged(before: dict[str, Any], after: dict[str, Any], what: str, exchange: Exchange) -> None:
    if set(after) != set(before):
        fail("PC105", f"after {what}, GET lists {sorted(after)} instead of {sorted(before)}", exchange)
    changed = [d for endpoint_id, endpoint in before.items()
               for d in written.differences(endpoint, after[endpoint_id], endpoint_id, "before")]  # fmt: skip
    if changed:
        fail("PC105", f"after {what}, members changed: " + "; ".join(changed), exchange)
