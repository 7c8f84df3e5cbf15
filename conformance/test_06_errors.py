"""Clause 6: every error has a documented status and a MessageBody; methods other than GET and
DELETE get 405 (with an Allow header: a warning when missing, a failure under strict)."""

from __future__ import annotations

import pytest

from pinpoint_conformance.harness import expect
from pinpoint_conformance.harness.client import OTHER_METHODS, STRICT_METHODS, Client, other_methods, user_path
from pinpoint_conformance.harness.failures import Findings
from pinpoint_conformance.harness.wire import check_message_body
from pinpoint_conformance.harness.world import World


def _provoke_errors(world: World, client: Client) -> None:
    """Requests that must fail, each answered under the wire checks (PC601, PC602)."""
    unknown = world.unknown_application("errors")
    client.user("GET", unknown, world.name("u"))
    client.user("DELETE", unknown, world.name("u"))
    client.user("GET", world.app_a, world.name("u"))
    client.user("POST", world.app_a, world.name("u"), headers={"Content-Type": "application/json"})


@pytest.mark.check("PC601")
def test_error_statuses_are_documented(world: World, client: Client) -> None:
    _provoke_errors(world, client)


@pytest.mark.check("PC602")
def test_error_bodies_are_message_bodies(world: World, client: Client) -> None:
    _provoke_errors(world, client)


@pytest.fixture(scope="module")
def user_with_endpoint(world: World) -> tuple[str, list[str]]:
    user = world.name("methods")
    return user, world.seed_user(world.app_a, user, 1)


def _sent_under_this_profile(client: Client, method: str) -> None:
    if method not in other_methods(client.settings.profile):
        pytest.skip(f"{method} is sent under --profile strict: no client of this API sends it")


@pytest.mark.check("PC603")
@pytest.mark.parametrize("method", OTHER_METHODS + STRICT_METHODS)
def test_other_methods_get_405(world: World, client: Client, method: str,
                               user_with_endpoint: tuple[str, list[str]]) -> None:  # fmt: skip
    _sent_under_this_profile(client, method)
    user, endpoints = user_with_endpoint
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    exchange = client.send(method, user_path(world.app_a, user), body=body,
                           headers={"Content-Type": "application/json"} if body else None)  # fmt: skip
    expect.status("PC603", exchange, 405, what=f"{method} on the User resource")
    check_message_body(exchange, "PC603")
    after = client.user("GET", world.app_a, user)
    expect.status("PC603", after, 200, what=f"GET after a refused {method}")
    expect.same_endpoints("PC603", after, endpoints, f"a refused {method} changed the user's endpoints")


@pytest.mark.check("PC604")
@pytest.mark.parametrize("method", OTHER_METHODS + STRICT_METHODS)
def test_405_names_the_allowed_methods(world: World, client: Client, findings: Findings, method: str,
                                       user_with_endpoint: tuple[str, list[str]]) -> None:  # fmt: skip
    _sent_under_this_profile(client, method)
    user, _ = user_with_endpoint
    exchange = client.send(method, user_path(world.app_a, user))
    if exchange.status != 405:
        pytest.skip(f"{method} answered {exchange.status}; PC603 judges that")
    allow = exchange.header("Allow")
    if allow is None:
        findings.warn("PC604", f"the 405 to {method} has no Allow header", exchange)
        return
    allowed = {m.strip().upper() for m in allow.split(",")}
    if not {"GET", "DELETE"} <= allowed or method in allowed:
        findings.warn("PC604", f"Allow is {allow!r}: it should name GET and DELETE and not {method}", exchange)
