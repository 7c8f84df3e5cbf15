"""Clause 5: an application that does not exist gets 404 with a MessageBody."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pinpoint_conformance.harness import expect
from pinpoint_conformance.harness.client import Client, segment
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import fail
from pinpoint_conformance.harness.world import World


@pytest.mark.check("PC501")
def test_get_in_an_unknown_application(world: World, client: Client) -> None:
    exchange = client.user("GET", world.unknown_application("get"), world.name("user"))
    expect.status("PC501", exchange, 404, what="GET in an application that does not exist")


@pytest.mark.check("PC502")
def test_delete_in_an_unknown_application(world: World, client: Client) -> None:
    exchange = client.user("DELETE", world.unknown_application("delete"), world.name("user"))
    expect.status("PC502", exchange, 404, what="DELETE in an application that does not exist")


def lookalikes(application_id: str) -> dict[str, str]:
    """Raw path segments a server that normalizes or matches application IDs loosely takes for
    the existing `application_id`, each for the catalogue variant it catches: `upper-case` for a
    case-insensitive lookup (application-case-insensitive), the spaces for a trimmed one
    (application-trimmed), `truncated` for a prefix match (application-prefix), `extended` for a
    comparison over the stored ID's length (application-stored-prefix), and `wildcard`, the ID with
    its last character replaced by a '_', for a LIKE with the ID as the pattern, where '_' matches
    any one character (application-unescaped-like). '_' rather than '%': a '%' must be sent as %25,
    which hostile_ids' reserved-encoded class sends for the defect only it catches (an application
    ID decoded twice). A percent-encoded form of the ID's own characters is the same ID by RFC 3986,
    and a normalizing proxy may decode it, so it is not among them."""
    found = {"space-before": "%20" + segment(application_id), "space-after": segment(application_id) + "%20",
             "truncated": segment(application_id[:-1]), "extended": segment(application_id + "0"),
             "wildcard": segment(application_id[:-1]) + "_"}  # fmt: skip
    if application_id.upper() != application_id:
        found["upper-case"] = segment(application_id.upper())
    return found


@pytest.fixture(scope="module")
def owned_user(world: World) -> tuple[str, list[str]]:
    user = world.name("app-lookalike")
    return user, world.seed_user(world.app_a, user, 1)


def probe_lookalikes(
    world: World, client: Client, method: str, user: str, check_id: str
) -> Iterator[tuple[str, Exchange]]:
    """`method` on `user` in each lookalike of the run's application: 404 or 400 (whose MessageBody
    PC602 judges, as on every response of the resource)."""
    for kind, raw in lookalikes(world.app_a).items():
        exchange = client.user(method, "", "", path=f"/v1/apps/{raw}/users/{segment(user)}")
        expect.status(check_id, exchange, 404, 400, what=f"{method} in the {kind} form of an existing application's ID")
        yield kind, exchange


@pytest.mark.check("PC501")
def test_get_in_a_lookalike_application(world: World, client: Client, owned_user: tuple[str, list[str]]) -> None:
    """IDs that differ from an existing one in case, padding or length name no application."""
    for _ in probe_lookalikes(world, client, "GET", owned_user[0], "PC501"):
        pass


@pytest.mark.check("PC502")
def test_delete_in_a_lookalike_application(world: World, client: Client, owned_user: tuple[str, list[str]]) -> None:
    user, endpoints = owned_user
    for kind, exchange in probe_lookalikes(world, client, "DELETE", user, "PC502"):
        if not world.endpoint_exists(world.app_a, endpoints[0], "PC502"):
            fail("PC502", f"DELETE in the {kind} form of the application's ID deleted the user in the real one",
                 exchange)  # fmt: skip
