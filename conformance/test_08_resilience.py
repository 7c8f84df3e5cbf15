"""Clause 8: resilience. The client enforces these on every request of every test (a 429 must
carry a MessageBody and is retried with backoff; throttling must end within the retry budget;
every response must arrive within --timeout; the connection must work). These workflows give the
checks a burst of their own to judge."""

from __future__ import annotations

import pytest

from pinpoint_conformance.harness import expect
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.world import World

BURST = 25


@pytest.fixture(scope="module")
def burst_user(world: World) -> tuple[str, list[str]]:
    user = world.name("burst")
    return user, world.seed_user(world.app_a, user, 1)


def _burst(world: World, client: Client, user: str, endpoints: list[str], check_id: str) -> None:
    for _ in range(BURST):
        exchange = client.user("GET", world.app_a, user)
        expect.status(check_id, exchange, 200, what="GET in a burst of requests")
        expect.same_endpoints(check_id, exchange, endpoints, "GET in a burst of requests")


@pytest.mark.check("PC801")
def test_throttling_carries_a_message_body(world: World, client: Client, burst_user: tuple[str, list[str]]) -> None:
    _burst(world, client, *burst_user, "PC801")


@pytest.mark.check("PC802")
def test_throttling_ends_within_the_retry_budget(world: World, client: Client,
                                                 burst_user: tuple[str, list[str]]) -> None:  # fmt: skip
    _burst(world, client, *burst_user, "PC802")


@pytest.mark.check("PC803")
def test_responses_arrive_within_the_timeout(world: World, client: Client,
                                             burst_user: tuple[str, list[str]]) -> None:  # fmt: skip
    _burst(world, client, *burst_user, "PC803")


@pytest.mark.check("PC804")
def test_new_connections_are_answered(world: World, client: Client, burst_user: tuple[str, list[str]]) -> None:
    client.drop_connections()  # the next requests open fresh connections
    _burst(world, client, *burst_user, "PC804")
