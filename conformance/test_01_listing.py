"""Clause 1: GET lists exactly the endpoints of that application whose User.UserId equals the
user ID — none missing, none twice, none of another user or another application."""

from __future__ import annotations

import pytest

from . import expect
from .client import Client
from .failures import fail
from .world import World


@pytest.mark.check("PC101")
def test_get_lists_every_endpoint_of_the_user_once(world: World, client: Client) -> None:
    user = world.name("user")
    endpoints = world.seed_user(world.app_a, user, 10)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC101", exchange, 200, what="GET of a user with 10 endpoints")
    expect.same_endpoints("PC101", exchange, endpoints, "GET of a user with 10 endpoints")


def neighbours(world: World, user: str) -> list[str]:
    """IDs a sloppy filter confuses with `user`: longer and shorter ones sharing its prefix, one
    differing only in case, and one where the wildcard `_` in `user` matches another character."""
    tail = user[len(world.prefix) :]
    return [user + "x", user[:-1], world.prefix + tail.upper(), user.replace("_", "Q")]


@pytest.mark.check("PC102")
def test_get_matches_the_user_id_exactly(world: World, client: Client) -> None:
    user = world.name("wild_card")
    endpoints = world.seed_user(world.app_a, user, 2)
    for other in neighbours(world, user):
        world.seed_user(world.app_a, other, 1)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC102", exchange, 200, what="GET of a user whose neighbours have endpoints")
    expect.same_endpoints("PC102", exchange, endpoints, "GET must not match by prefix, case or wildcard")


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
            raise fail("PC103", f"an endpoint of application {endpoint.get('ApplicationId')} was listed",
                              exchange)  # fmt: skip


@pytest.mark.check("PC104")
def test_get_lists_all_fifteen_endpoints(world: World, client: Client) -> None:
    user = world.name("fifteen")
    endpoints = world.seed_user(world.app_a, user, 15, batch=False)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC104", exchange, 200, what="GET of a user with 15 endpoints")
    expect.same_endpoints("PC104", exchange, endpoints, "GET of a user with 15 endpoints (AWS's maximum)")
