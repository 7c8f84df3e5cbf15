"""Clause 7: HTTP. Bodies labelled and parsed as JSON, Accept optional, gzip understood, user IDs
matched after percent-decoding (a literal `+` is a plus), unusual IDs round-trip, no 5xx."""

from __future__ import annotations

import unicodedata

import pytest

from pinpoint_conformance.harness import expect, hostile_ids
from pinpoint_conformance.harness.client import Client, segment, user_path
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import ConformanceFailure, fail
from pinpoint_conformance.harness.wire import check_message_body
from pinpoint_conformance.harness.world import World


@pytest.fixture(scope="module")
def plain_user(world: World) -> tuple[str, list[str]]:
    user = world.name("http")
    return user, world.seed_user(world.app_a, user, 2)


@pytest.mark.check("PC701")
def test_responses_are_labelled_json(world: World, client: Client, plain_user: tuple[str, list[str]]) -> None:
    client.user("GET", world.app_a, plain_user[0])
    client.user("GET", world.app_a, world.name("nobody"))


@pytest.mark.check("PC702")
def test_bodies_parse_as_json(world: World, client: Client, plain_user: tuple[str, list[str]]) -> None:
    client.user("GET", world.app_a, plain_user[0])
    client.user("DELETE", world.app_a, world.name("nobody"))


@pytest.mark.check("PC703")
@pytest.mark.parametrize("accept", [None, "application/json", "*/*"], ids=["no-accept", "json", "any"])
def test_accept_header_is_optional(world: World, client: Client, plain_user: tuple[str, list[str]],
                                   accept: str | None) -> None:  # fmt: skip
    user, endpoints = plain_user
    exchange = client.user("GET", world.app_a, user, headers={"Accept": accept})  # None: no header at all
    expect.status("PC703", exchange, 200, what=f"GET with Accept: {accept or '(none)'}")
    expect.same_endpoints("PC703", exchange, endpoints, f"GET with Accept: {accept or '(none)'}")


@pytest.mark.check("PC704")
def test_gzip_responses_decode_to_the_same_json(world: World, client: Client,
                                                plain_user: tuple[str, list[str]]) -> None:  # fmt: skip
    user, endpoints = plain_user
    identity = client.user("GET", world.app_a, user, headers={"Accept-Encoding": "identity"})
    gzipped = client.user("GET", world.app_a, user, headers={"Accept-Encoding": "gzip"})
    for exchange in (identity, gzipped):
        expect.status("PC704", exchange, 200, what="GET with Accept-Encoding")
    expect.same_endpoints("PC704", gzipped, endpoints, "GET with Accept-Encoding: gzip")
    if sorted(expect.listed_ids(gzipped)) != sorted(expect.listed_ids(identity)):
        fail("PC704", "the gzip and identity responses list different endpoints", gzipped, identity)


LITERAL_SAFE = "@:+!$&'()*,;="  # sub-delims and ':' '@' may stand unencoded in a path segment


@pytest.mark.check("PC705")
def test_encoded_and_literal_ids_address_the_same_user(world: World, client: Client) -> None:
    plus_user = world.name("a+b@c:d")
    space_user = plus_user.replace("+", " ")  # a decoy: what a server that reads '+' as a space finds
    mine = world.seed_user(world.app_a, plus_user, 1)
    world.seed_user(world.app_a, space_user, 1)
    encoded = user_path(world.app_a, plus_user)
    literal = f"/v1/apps/{segment(world.app_a)}/users/" + "".join(
        char if char in LITERAL_SAFE else segment(char) for char in plus_user
    )
    for form, path in (("percent-encoded", encoded), ("literal", literal)):
        exchange = client.user("GET", world.app_a, plus_user, path=path)
        expect.status("PC705", exchange, 200, what=f"GET by the {form} form of {plus_user!r}")
        expect.same_endpoints("PC705", exchange, mine, f"GET by the {form} form of {plus_user!r} (a '+' is a plus)")


UNUSUAL_IDS = {
    "space": "with space",
    "at": "name@example.com",
    "colon": "urn:user:42",
    "plus": "plus+sign",
    "non-ascii": "ünïcødé-用户-🙂",
    "255-chars": None,  # filled to 255 characters in all
}


@pytest.mark.check("PC706")
@pytest.mark.parametrize("kind", list(UNUSUAL_IDS))
def test_unusual_user_ids_round_trip(world: World, client: Client, kind: str) -> None:
    base = world.name(kind)
    user = base + "-" + (UNUSUAL_IDS[kind] or "x" * (255 - len(base) - 1))
    endpoints = world.seed_user(world.app_a, user, 1)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC706", exchange, 200, what=f"GET of the user {user!r}")
    expect.same_endpoints("PC706", exchange, endpoints, f"GET of the user {user!r}")
    got = (exchange.json()["Item"][0].get("User") or {}).get("UserId")
    if got != user:
        fail("PC706", f"User.UserId came back as {got!r}, written {user!r}", exchange)


@pytest.mark.check("PC706")
def test_unicode_normalization_forms_are_different_users(world: World, client: Client) -> None:
    """ "é" composed (NFC) and decomposed (NFD) are different IDs: each gets exactly its own endpoints."""
    composed = world.name("forme-\u00e9")
    decomposed = unicodedata.normalize("NFD", composed)
    owners = {user: world.seed_user(world.app_a, user, 1) for user in (composed, decomposed)}
    for user, endpoints in owners.items():
        exchange = client.user("GET", world.app_a, user)
        expect.status("PC706", exchange, 200, what=f"GET of the user {user!r}")
        expect.same_endpoints("PC706", exchange, endpoints, f"GET of {user!r} must not match its other Unicode form")


def _judge_normalized(exchange: Exchange, name: str) -> None:
    """A segment a normalizer may rewrite can reach another resource: only no 5xx, and errors
    that are MessageBodies."""
    if exchange.status is not None and exchange.status >= 500:
        fail("PC707", f"the {name} segment got {exchange.status}", exchange)
    if exchange.status is not None and exchange.status >= 400:
        check_message_body(exchange)


@pytest.mark.check("PC707")
@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize("where", ["user-id", "application-id"])
def test_no_input_yields_a_5xx(world: World, client: Client, method: str, where: str) -> None:
    """Every class of `hostile_ids`, on every run; the wire checks judge each answer."""
    guard = world.name("guard")
    guarded = world.seed_user(world.app_a, guard, 1)
    for label, segments in {**hostile_ids.CLASSES, "normalized": hostile_ids.NORMALIZED}.items():
        for name, raw in segments.items():
            # A DELETE names the run's own users only: its prefix, unless the application is the
            # run's own; a segment a normalizer may rewrite always carries it ("/users/.." would
            # otherwise become DeleteApp behind such a normalizer).
            own = method == "GET" or (world.owns_applications and label != "normalized")
            if where == "user-id":
                app, user = segment(world.app_a), (raw if own else segment(world.name(name)) + raw)
            else:
                app, user = raw, segment(world.name(name))
            path = f"/v1/apps/{app}/users/{user}"
            try:
                if label == "normalized":
                    _judge_normalized(client.send(method, path), f"{label}/{name}")
                else:
                    client.user(method, "", "", path=path)  # the wire checks judge it
            except ConformanceFailure as failure:
                # Which class and entry, so that a failure says what input it was about.
                failure.message = f"hostile {where} {label}/{name} ({raw!r}): {failure.message}"
                raise
    if method == "DELETE" and not world.endpoint_exists(world.app_a, guarded[0], "PC707"):
        fail("PC707", f"the hostile DELETEs removed the endpoints of {guard!r}, a user none of them named")
