"""Clause 4: DELETE answers 202 with the endpoints it deleted, removes exactly those, and spares
everything else; a user with no endpoints may be answered 404 or with an empty Item."""

from __future__ import annotations

import pytest

from pinpoint_conformance.harness import expect
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.failures import fail
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.harness.world import World

from .test_01_listing import USER, described, seed_neighbourhood


def _settle(settings: Settings) -> float:
    # AWS's 202: "The request was accepted for processing. Processing may not be complete."
    return min(settings.timeout, 5.0)


@pytest.mark.check("PC401")
def test_delete_answers_202_with_the_deleted_endpoints(world: World, client: Client) -> None:
    user = world.name("del")
    endpoints = world.seed_user(world.app_a, user, 3)
    exchange = client.user("DELETE", world.app_a, user)
    expect.status("PC401", exchange, 202, what="DELETE of a user with 3 endpoints")
    expect.same_endpoints("PC401", exchange, endpoints, "DELETE must return exactly the endpoints it deleted")


@pytest.mark.check("PC402")
def test_get_after_delete_lists_none(world: World, client: Client, settings: Settings) -> None:
    user = world.name("gone")
    world.seed_user(world.app_a, user, 3)
    client.user("DELETE", world.app_a, user)
    exchange = expect.eventually(lambda: client.user("GET", world.app_a, user),
                                 lambda e: e.status != 200 or not expect.listed_ids(e), _settle(settings))  # fmt: skip
    expect.absent_user("PC402", exchange, 200, "GET after DELETE")


@pytest.mark.check("PC403")
def test_delete_spares_every_other_user(world: World, client: Client) -> None:
    """Both ways: DELETE of the user spares each neighbour, and DELETE of each neighbour spares the
    user and the neighbours left. What is gone is judged by GetEndpoint, not by the DELETE's answer."""
    owners = seed_neighbourhood(world, "victim_x")
    standing = {who: ids for who, (_, ids) in owners.items() if ids}

    def delete(who: str) -> None:
        exchange = client.user("DELETE", world.app_a, owners[who][0])
        standing.pop(who, None)
        gone = [described(owners, other) for other, ids in standing.items()
                if not world.endpoint_exists(world.app_a, ids[0], "PC403")]  # fmt: skip
        if gone:
            fail("PC403", f"DELETE of {described(owners, who)} also removed the endpoints of {', '.join(gone)}",
                 exchange)  # fmt: skip

    delete(USER)
    standing[USER] = world.seed_user(world.app_a, owners[USER][0], 1)  # back: its neighbours' DELETEs must spare it
    for who in owners:
        if who != USER:
            delete(who)


@pytest.mark.check("PC404")
def test_delete_spares_other_applications(world: World, client: Client) -> None:
    if world.app_b is None:
        pytest.skip("needs two applications of the run's own (not available with --app-id)")
    user = world.name("twin")
    world.seed_user(world.app_a, user, 2)
    theirs = world.seed_user(world.app_b, user, 2)
    exchange = client.user("DELETE", world.app_a, user)
    gone = [endpoint for endpoint in theirs if not world.endpoint_exists(world.app_b, endpoint, "PC404")]
    if gone:
        fail("PC404", f"DELETE in one application removed {gone} from another", exchange)


@pytest.mark.check("PC405")
def test_get_of_a_user_with_no_endpoints(world: World, client: Client) -> None:
    exchange = client.user("GET", world.app_a, world.name("nobody"))
    expect.absent_user("PC405", exchange, 200, "GET of a user with no endpoints")


@pytest.mark.check("PC406")
def test_delete_of_a_user_with_no_endpoints(world: World, client: Client) -> None:
    exchange = client.user("DELETE", world.app_a, world.name("nobody"))
    expect.absent_user("PC406", exchange, 202, "DELETE of a user with no endpoints")
