"""Clause 11: concurrency. A handful of clients at once (harness/concurrently.py): writes to
different users all land; GETs while one user's endpoints are written list sets of that user's
endpoints; a DELETE racing with reads and with writes to another user removes its user's endpoints
and no other; under aws, the 15-endpoint limit holds. Where a check asserts the state the requests
left, it reads again for up to --settle seconds: a server may be eventually consistent (a 202 says
processing may not be complete). No check requires linearizability."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from pinpoint_conformance.harness import expect
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.concurrently import CLIENTS, at_once
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import fail
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.harness.wire import check_message_body
from pinpoint_conformance.harness.world import World

WRITES_EACH = 3  # endpoints each writing client writes, one request at a time
READS_EACH = 4  # GETs each reading client sends while the others write
LIMIT = 15  # AWS quota: endpoints per user ID (PCA06)


def _email(endpoint_id: str, user: str, round_: str = "new") -> dict[str, Any]:
    return {"ChannelType": "EMAIL", "Address": f"{endpoint_id}@example.com", "User": {"UserId": user},
            "Attributes": {"round": [round_]}}  # fmt: skip


def _writer(world: World, user: str, endpoint_ids: list[str], check_id: str, round_: str = "new") -> Callable[[], None]:
    """A client that writes `endpoint_ids` for `user`, one after another; a valid write MUST get 202."""

    def write() -> None:
        for endpoint_id in endpoint_ids:
            exchange = world.send_endpoint(world.app_a, endpoint_id, _email(endpoint_id, user, round_))
            if exchange.status != 202:
                fail(check_id, f"UpdateEndpoint of {endpoint_id!r} for {user!r}, sent while other clients wrote, "
                               f"answered {exchange.status}, not 202", exchange)  # fmt: skip

    return write


def _reader(client: Client, world: World, user: str) -> Callable[[], list[Exchange]]:
    """A client that reads `user` while others write: what it lists may be from before or after any write."""
    return lambda: [client.user("GET", world.app_a, user, overlaps_writes=True) for _ in range(READS_EACH)]


def _lists_exactly(exchange: Exchange, expected: list[str]) -> bool:
    try:
        return exchange.status == 200 and Counter(expect.listed_ids(exchange)) == Counter(expected)
    except (ValueError, KeyError, TypeError, AttributeError):
        return False  # not an EndpointsResponse: the wire checks say so, and the check reads no further


def _lists_none(exchange: Exchange) -> bool:
    return exchange.status == 404 or _lists_exactly(exchange, [])


def _settled(settings: Settings, read: Callable[[], Exchange], done: Callable[[Exchange], bool]) -> Exchange:
    return expect.eventually(read, done, settings.settle)


def _after(settings: Settings, what: str) -> str:
    return f"{what} (read again for up to --settle {settings.settle:g} s)"


def _listed_after(world: World, client: Client, settings: Settings, check_id: str, user: str,
                  expected: list[str], what: str) -> None:  # fmt: skip
    exchange = _settled(settings, lambda: client.user("GET", world.app_a, user), lambda e: _lists_exactly(e, expected))
    expect.status(check_id, exchange, 200, what=_after(settings, what))
    expect.same_endpoints(check_id, exchange, expected, _after(settings, what))


@pytest.mark.check("PCB01")
def test_concurrent_writes_to_different_users_all_land(world: World, client: Client, settings: Settings) -> None:
    written = {world.name("race-user"): [world.name("race-ep") for _ in range(WRITES_EACH)] for _ in range(CLIENTS)}
    at_once(*(_writer(world, user, ids, "PCB01") for user, ids in written.items()))
    for user, ids in written.items():
        _listed_after(world, client, settings, "PCB01", user, ids,
                      f"GET of {user!r} after {CLIENTS} clients wrote {WRITES_EACH} endpoints each, each for a user "
                      "of its own, at once")  # fmt: skip


@pytest.mark.check("PCB02")
def test_gets_during_writes_list_a_set_of_the_user_s_endpoints(world: World, client: Client) -> None:
    user, other = world.name("race-read"), world.name("race-other")
    seeded = world.seed_user(world.app_a, user, 2 * WRITES_EACH)
    world.seed_user(world.app_a, other, 1)  # a user whose endpoints no GET of `user` may list
    writes = [seeded[:WRITES_EACH], seeded[WRITES_EACH:]]  # each writer updates endpoints of its own
    users = set(seeded)
    *_, first, second = at_once(_writer(world, user, writes[0], "PCB02", "updated"),
                                _writer(world, user, writes[1], "PCB02", "updated"),
                                _reader(client, world, user), _reader(client, world, user))  # fmt: skip
    for exchange in first + second:
        what = f"GET of {user!r} while two clients updated its endpoints"
        expect.status("PCB02", exchange, 200, what=what)
        items = exchange.json()["Item"]
        twice = sorted(i for i, n in Counter(expect.listed_ids(exchange)).items() if n > 1)
        foreign = sorted(str(e.get("Id")) for e in items
                         if e.get("Id") not in users or (e.get("User") or {}).get("UserId") != user)  # fmt: skip
        if twice or foreign:
            problems = [f"listed twice {twice}"] * bool(twice) + [f"not the user's {foreign}"] * bool(foreign)
            fail("PCB02", f"{what}: {'; '.join(problems)}", exchange)


@pytest.mark.check("PCB03")
def test_a_delete_racing_with_reads_and_writes_removes_only_its_user_s(world: World, client: Client,
                                                                       settings: Settings) -> None:  # fmt: skip
    doomed, grown = world.name("race-delete"), world.name("race-grown")
    doomed_ids = world.seed_user(world.app_a, doomed, 4)
    grown_ids = world.seed_user(world.app_a, grown, 2)
    more = [world.name("race-ep") for _ in range(WRITES_EACH)]
    deleted, *_ = at_once(lambda: client.user("DELETE", world.app_a, doomed), _writer(world, grown, more, "PCB03"),
                          _reader(client, world, doomed), _reader(client, world, doomed))  # fmt: skip
    what = f"DELETE of {doomed!r} while another client wrote for {grown!r} and two read {doomed!r}"
    expect.status("PCB03", deleted, 202, what=what)
    expect.same_endpoints("PCB03", deleted, doomed_ids, what)
    exchange = _settled(settings, lambda: client.user("GET", world.app_a, doomed), _lists_none)
    expect.absent_user("PCB03", exchange, 200, _after(settings, f"GET of {doomed!r} after its DELETE's 202"))
    _listed_after(world, client, settings, "PCB03", grown, grown_ids + more,
                  f"GET of {grown!r}, written for while {doomed!r} was deleted")  # fmt: skip


@pytest.mark.check("PCB04")
def test_the_endpoint_limit_holds_under_concurrent_writes(world: World, client: Client, settings: Settings) -> None:
    user = world.name("race-limit")
    seeded = world.seed_user(world.app_a, user, LIMIT - 2)
    extra = [world.name("race-ep16") for _ in range(CLIENTS)]

    def write(endpoint_id: str) -> Callable[[], Exchange]:
        return lambda: world.send_endpoint(world.app_a, endpoint_id, _email(endpoint_id, user))

    answers = at_once(*(write(endpoint_id) for endpoint_id in extra))
    what = f"{CLIENTS} new EMAIL endpoints written at once for a user with {LIMIT - 2}"
    for exchange in answers:
        expect.status("PCB04", exchange, 202, 400, what=f"one of {what}")
        if exchange.status == 400:
            check_message_body(exchange, "PCB04")
    accepted = [endpoint_id for endpoint_id, exchange in zip(extra, answers, strict=True) if exchange.status == 202]
    if len(accepted) > 2:
        fail("PCB04", f"{what}: {len(accepted)} were accepted, which makes {LIMIT - 2 + len(accepted)}; at most 2 "
                      f"may be, for {LIMIT} in all", *answers)  # fmt: skip
    _listed_after(world, client, settings, "PCB04", user, seeded + accepted, f"GET of the user after {what}")
