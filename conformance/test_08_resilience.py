"""Clause 8: resilience. The client enforces these on every request of every test (a 429 must
carry a MessageBody and is retried with backoff; throttling must end within the retry budget;
every response must arrive within --timeout; the connection must work). These workflows give the
checks a burst of their own to judge; PC805 breaks requests off, and runs after every other check
(its table row says so), since a server it takes down cannot answer another."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from pinpoint_conformance.harness import expect
from pinpoint_conformance.harness.breaker import NotSent
from pinpoint_conformance.harness.broken_off import PROBES, break_off
from pinpoint_conformance.harness.client import Client, segment
from pinpoint_conformance.harness.failures import ConformanceFailure, fail, observe
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


@pytest.mark.check("PC805")
def test_the_server_outlives_clients_that_break_off(world: World, client: Client) -> None:
    user = world.name("outlives")
    endpoints = world.seed_user(world.app_a, user, 1)
    target = urlsplit(client.settings.base_url)
    host = target.netloc.rpartition("@")[2]
    write = f"{target.path}/v1/apps/{segment(world.app_a)}/endpoints/{segment(world.name('ep'))}"
    for probe in PROBES:
        sock = client.open_socket()
        if sock is None:
            return  # not exercised: a proxy stands between, and the probes would reach it, not the server
        observe(client.findings, "PC805")
        break_off(sock, probe.payload(host, write))
        client.drop_connections()  # asked on a connection of its own, as a new client would
        try:
            exchange = client.user("GET", world.app_a, user)
        except ConformanceFailure as failure:
            if failure.check_id not in ("PC803", "PC804") or isinstance(failure, NotSent):
                raise  # a GET not sent was stopped before this check's probes: it blocks PC805
            fail("PC805", f"after {probe.name}, the server no longer answers: {failure.message}", *failure.exchanges)
        what = f"GET of a user after {probe.name}"
        expect.status("PC805", exchange, 200, what=what)
        expect.same_endpoints("PC805", exchange, endpoints, what)
