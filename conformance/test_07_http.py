"""Clause 7: HTTP. Bodies labelled and parsed as JSON, Accept optional, gzip understood, user IDs
matched after percent-decoding (a literal `+` is a plus), unusual IDs round-trip, no 5xx for any
input or method."""

from __future__ import annotations

import re
import unicodedata

import pytest

from pinpoint_conformance.harness import expect, hostile_ids
from pinpoint_conformance.harness.breaker import NotSent
from pinpoint_conformance.harness.checks import Profile
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


# Escapes whose hex digits hold each of a-f in the first place and in the second: ':' is %3a … '>' %3e,
# and the UTF-8 bytes of Ï é ü д 用 🙂 are %c3%8f %c3%a9 %c3%bc %d0%b4 %e7%94%a8 %f0%9f%99%82. No
# character that is path syntax once decoded: that is PC706's.
LOWER_CASE_HEX = ":;<=>Ïéüд用🙂"


@pytest.mark.check("PC705")
def test_escapes_in_lower_case_address_the_same_user(world: World, client: Client) -> None:
    """Judged side by side with the same GET in upper-case escapes, so that an ID mishandled in every
    form (non-ASCII refused, mis-decoded) is PC706's to report, not this check's."""
    user = world.name("hex") + LOWER_CASE_HEX
    world.seed_user(world.app_a, user, 1)
    upper = user_path(world.app_a, user)
    lower = re.sub("%[0-9A-F]{2}", lambda escape: escape.group().lower(), upper)
    usual = client.user("GET", world.app_a, user, path=upper)
    lowered = client.user("GET", world.app_a, user, path=lower)
    _answered_alike("PC705", lowered, f"GET of {user!r} with its escapes in lower case ({lower.rpartition('/')[2]})",
                    usual, "in upper case")  # fmt: skip


# Each kind's ID around the run's unique name ({}).
UNUSUAL_IDS = {
    "space": "{}-with space",
    "at": "{}-name@example.com",
    "colon": "{}-urn:user:42",
    "plus": "{}-plus+sign",
    "non-ascii": "{}-ünïcødé-用户-🙂",
    # A UTF-8 decoder that takes a leading U+FEFF for a byte order mark drops it (WHATWG's TextDecoder
    # does unless told ignoreBOM): the ID becomes another user's.
    "leading-bom": "\ufeff{}",
    "255-chars": None,  # filled to 255 characters in all
}


@pytest.mark.check("PC706")
@pytest.mark.parametrize("kind", list(UNUSUAL_IDS))
def test_unusual_user_ids_round_trip(world: World, client: Client, kind: str) -> None:
    base = world.name(kind)
    template = UNUSUAL_IDS[kind]
    user = template.format(base) if template else base + "-" + "x" * (255 - len(base) - 1)
    endpoints = world.seed_user(world.app_a, user, 1)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PC706", exchange, 200, what=f"GET of the user {user!r}")
    expect.same_endpoints("PC706", exchange, endpoints, f"GET of the user {user!r}")
    got = (exchange.json()["Item"][0].get("User") or {}).get("UserId")
    if got != user:
        fail("PC706", f"User.UserId came back as {got!r}, written {user!r}", exchange)


# Characters that are path syntax once decoded, each in a stored user's ID (sent percent-encoded like
# every other character outside the unreserved set), and spaces at either end of an ID: a server that
# routes on the decoded path, splits the query off after decoding, or trims, reads or deletes another
# user's endpoints or none.
RESERVED_IDS = {
    "slash": "a/b",
    "question-mark": "a?b",
    "hash": "a#b",
    "percent": "100%",
    "semicolon": "a;b",
    "ampersand": "a&b",
    "equals": "a=b",
    "trailing-space": "end ",
}


def _deleted(world: World, client: Client, user: str, endpoint: str, query: str = "", check_id: str = "PC706",
             absolute_form: bool = False) -> tuple[tuple[int | None, bool, bool], Exchange]:  # fmt: skip
    """What a DELETE of `user` (with one endpoint) did — its status, whether it listed exactly that
    endpoint, and whether GetEndpoint finds the endpoint gone — and the DELETE itself."""
    exchange = client.user("DELETE", world.app_a, user, path=user_path(world.app_a, user) + query,
                           absolute_form=absolute_form)  # fmt: skip
    listed = exchange.status == 202 and expect.listed_ids(exchange) == [endpoint]
    return (exchange.status, listed, not world.endpoint_exists(world.app_a, endpoint, check_id)), exchange


def _delete_like_a_plain_id(world: World, client: Client, user: str, endpoint: str, what: str, query: str = "",
                            check_id: str = "PC706", absolute_form: bool = False) -> None:  # fmt: skip
    """The DELETE of `user` must do what the same DELETE of a plain ID, in origin-form, does. Judged
    side by side, so that a DELETE broken for every ID is PC401/PC402's to report, not this check's."""
    plain = world.name("plain")
    (plain_endpoint,) = world.seed_user(world.app_a, plain, 1)
    expected, _ = _deleted(world, client, plain, plain_endpoint, check_id=check_id)
    got, exchange = _deleted(world, client, user, endpoint, query, check_id, absolute_form)
    if got != expected:
        fields = ("status", "listed exactly its endpoint", "endpoint gone")
        differs = ", ".join(f"{name} {g!r} (plain ID: {e!r})" for name, g, e in zip(fields, got, expected, strict=True)
                            if g != e)  # fmt: skip
        fail(check_id, f"{what} did not do what it does for a plain ID: {differs}", exchange)


@pytest.mark.check("PC706")
@pytest.mark.parametrize("kind", [*RESERVED_IDS, "leading-space"])
def test_ids_with_reserved_characters_round_trip(world: World, client: Client, kind: str) -> None:
    """Written with UpdateEndpoint, read by GET (exactly the user's endpoint), removed by DELETE as
    the DELETE of a plain ID removes it."""
    user = " " + world.name(kind) if kind == "leading-space" else world.name(kind) + "-" + RESERVED_IDS[kind]
    (endpoint,) = world.seed_user(world.app_a, user, 1)
    read = client.user("GET", world.app_a, user)
    expect.status("PC706", read, 200, what=f"GET of the user {user!r}")
    expect.same_endpoints("PC706", read, [endpoint], f"GET of the user {user!r}")
    _delete_like_a_plain_id(world, client, user, endpoint, f"DELETE of the user {user!r}")


@pytest.mark.check("PC706")
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_query_string_is_not_part_of_the_id(world: World, client: Client, method: str) -> None:
    """`?x=1` after the user ID is a query, which the resource has no use for: the request reaches the
    user (or is refused with 400), never a user whose ID ends in the query."""
    user = world.name("query")
    (endpoint,) = world.seed_user(world.app_a, user, 1)
    if method == "GET":
        exchange = client.user("GET", world.app_a, user, path=user_path(world.app_a, user) + "?x=1")
        if exchange.status != 400:  # a 400 refuses the query: the wire checks judged its MessageBody
            expect.status("PC706", exchange, 200, what=f"GET of {user!r} with ?x=1")
            expect.same_endpoints("PC706", exchange, [endpoint], f"GET of {user!r} with the query ?x=1")
        return
    _delete_like_a_plain_id(world, client, user, endpoint, f"DELETE of {user!r} with the query ?x=1", "?x=1")


@pytest.mark.check("PC708")
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_absolute_form_targets_address_the_same_user(world: World, client: Client, method: str) -> None:
    """RFC 9112 §3.2.2: a server MUST accept the whole URL on the request line (the absolute-form
    clients send to a proxy, which a server may get too). A router that matches the target as it
    came, as one behind uvicorn's h11 parser does, finds no resource. Judged side by side with the
    same request in origin-form, so that a GET or DELETE broken for every request is PC1xx's and
    PC4xx's to report, not this check's."""
    user = world.name("absolute")
    (endpoint,) = world.seed_user(world.app_a, user, 1)
    if method == "DELETE":
        _delete_like_a_plain_id(world, client, user, endpoint, f"DELETE of {user!r} in absolute-form",
                                check_id="PC708", absolute_form=True)  # fmt: skip
        return
    origin = client.user("GET", world.app_a, user)
    absolute = client.user("GET", world.app_a, user, absolute_form=True)
    _answered_alike("PC708", absolute, f"GET of {user!r} in absolute-form", origin, "in origin-form")


def _listing(exchange: Exchange) -> tuple[int | None, list[str] | None]:
    """A GET's status and, for a 200, the endpoint IDs it listed, sorted (the resource defines no order)."""
    return exchange.status, sorted(expect.listed_ids(exchange)) if exchange.status == 200 else None


def _answered_alike(check_id: str, got: Exchange, how: str, usual: Exchange, usual_how: str) -> None:
    """`got`, a GET sent in an unusual form, MUST answer what `usual`, the same GET in the usual form,
    answers: the same status, and for a 200 the same endpoints."""
    (got_status, got_ids), (want_status, want_ids) = _listing(got), _listing(usual)
    if (got_status, got_ids) != (want_status, want_ids):
        fail(check_id, f"{how} answered {got_status} listing {got_ids}; {usual_how}, {want_status} listing "
                       f"{want_ids}", got, usual)  # fmt: skip


@pytest.mark.check("PC709")
def test_header_field_order_does_not_change_the_answer(world: World, client: Client,
                                                      plain_user: tuple[str, list[str]]) -> None:  # fmt: skip
    """RFC 9110 §5.3: the order of fields with different names is not significant. Clients differ in
    it (Node's http puts Host after the fields it was given; a proxy may lead with Connection); a
    parser that looks for Host first, or for a field before Connection, fails them. Judged side by
    side with the usual order, so that a GET broken for every request is PC1xx's to report."""
    user, _ = plain_user
    usual = client.user("GET", world.app_a, user)
    reordered = client.user("GET", world.app_a, user, fields_reversed=True)
    _answered_alike("PC709", reordered, f"GET of {user!r} with its header fields led by Connection and ended by Host",
                    usual, "led by Host")  # fmt: skip


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


def _no_5xx(exchange: Exchange, what: str, *, has_body: bool = True) -> None:
    """For answers the contract leaves free (a segment a normalizer may rewrite can reach another
    resource; HEAD and OPTIONS are no operation of it): only no 5xx (PC707), and errors that are
    MessageBodies (PC602), where the answer can have a body."""
    if exchange.status is not None and exchange.status >= 500:
        fail("PC707", f"{what} got {exchange.status}", exchange)
    if has_body and exchange.status is not None and exchange.status >= 400:
        check_message_body(exchange)


@pytest.mark.check("PC707")
@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize("where", ["user-id", "application-id"])
def test_no_input_yields_a_5xx(world: World, client: Client, method: str, where: str) -> None:
    """Every class of `hostile_ids`, on every run; the wire checks judge each answer. An ID the server
    refuses or cannot decode lists and deletes nothing: not the endpoints of a user it does not name,
    and not those written without a user (a server that reads an undecodable ID as "no user" finds
    them)."""
    guard = world.name("guard")
    guarded = world.seed_user(world.app_a, guard, 1)
    untouchable = [*guarded, world.put_userless_endpoint(world.app_a)]
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
                    exchange = client.send(method, path)
                    _no_5xx(exchange, f"the {label}/{name} segment")
                elif not hostile_ids.in_uri_syntax(raw) and client.settings.profile < Profile.STRICT:
                    # A target outside RFC 3986's syntax: no API client sends it, and an HTTP layer
                    # (the server's own, or a proxy in front) may refuse it with a 400 of its own.
                    exchange = client.send(method, path)
                    _no_5xx(exchange, f"the {label}/{name} segment", has_body=False)
                else:
                    exchange = client.user(method, "", "", path=path)  # the wire checks judge it
                _reaches_none_of(untouchable, exchange)
            except NotSent:
                raise  # about the server, not this input: told alike wherever it happens
            except ConformanceFailure as failure:
                # Which class and entry, so that a failure says what input it was about.
                failure.message = f"hostile {where} {label}/{name} ({raw!r}): {failure.message}"
                raise
    if method == "DELETE":
        gone = [e for e in untouchable if not world.endpoint_exists(world.app_a, e, "PC707")]
        if gone:
            fail("PC707", f"the hostile DELETEs removed {gone}, endpoints of {guard!r} or of no user, "
                          "which none of them named")  # fmt: skip


def _reaches_none_of(endpoints: list[str], exchange: Exchange) -> None:
    """A GET or DELETE of a hostile ID lists none of `endpoints` (no hostile ID is their user's)."""
    if exchange.status not in (200, 202):
        return
    try:
        listed = set(expect.listed_ids(exchange))
    except (ValueError, TypeError, KeyError, AttributeError):
        return  # not an EndpointsResponse: the wire checks judge that
    if reached := sorted(listed.intersection(endpoints)):
        fail("PC707", f"it listed {reached}, endpoints of another user or of none", exchange)


@pytest.mark.check("PC707")
@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_head_and_options_get_no_5xx(world: World, client: Client, method: str,
                                     plain_user: tuple[str, list[str]]) -> None:  # fmt: skip
    """HEAD and OPTIONS are outside the contract's operations: a server may answer them as it likes
    (200, 204, 403, 405…), never with a 5xx (PC707); an OPTIONS that is refused gets a MessageBody
    (PC602; an answer to HEAD has no body to judge); and neither removes anything. Asked of a user
    with endpoints and in an unknown application; each on a connection of its own, so that a server
    that wrongly sends a body after HEAD cannot garble the next answer."""
    user, endpoints = plain_user
    for app in (world.app_a, world.unknown_application("methods")):
        exchange = client.send(method, user_path(app, user), headers={"Connection": "close"})
        _no_5xx(exchange, f"{method} on the User resource", has_body=method != "HEAD")
    gone = [endpoint for endpoint in endpoints if not world.endpoint_exists(world.app_a, endpoint, "PC707")]
    if gone:
        fail("PC707", f"after {method} on the user {user!r}, GetEndpoint no longer finds {gone}")
