"""Clause 7: HTTP. Bodies labelled and parsed as JSON, Accept optional, gzip understood, user IDs
matched after percent-decoding (a literal `+` is a plus), unusual IDs round-trip, no 5xx."""

from __future__ import annotations

import pytest

from . import expect
from .client import Client, segment, user_path
from .failures import fail
from .world import World


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
        raise fail("PC704", "the gzip and identity responses list different endpoints", gzipped, identity)


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
        raise fail("PC706", f"User.UserId came back as {got!r}, written {user!r}", exchange)


# Raw path segments (already encoded as sent): refusals are fine, a 5xx or a non-MessageBody is not.
HOSTILE_SEGMENTS = {
    "dollar": "%24", "braces": "%7Bid%7D", "nul": "%00", "control": "%01%1F", "invalid-utf8": "%FF%FE",
    "overlong-utf8": "%C0%AF", "bad-escape": "%ZZ", "lone-percent": "%", "encoded-slash": "a%2Fb",
    "dot-dot": "%2E%2E", "backslash": "%5C", "quote": "%22%27", "html": "%3Cscript%3E", "sql": "%27%20OR%201%3D1--",
    "rtl": "%E2%80%AE", "bom": "%EF%BB%BF", "emoji": "%F0%9F%92%A9", "long": "x" * 1024, "star": "*",
    "json": "%7B%22%24ne%22%3A1%7D",
}  # fmt: skip


@pytest.mark.check("PC707")
@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize("where", ["user-id", "application-id"])
def test_no_input_yields_a_5xx(world: World, client: Client, method: str, where: str) -> None:
    for name, raw in HOSTILE_SEGMENTS.items():
        # DELETEs carry the run's prefix, so that no hostile ID can ever name somebody else's user.
        user = segment(world.name(name)) + raw if method == "DELETE" or where == "application-id" else raw
        app = segment(world.app_a) if where == "user-id" else raw
        client.user(method, "", "", path=f"/v1/apps/{app}/users/{user}")  # the wire checks judge it
