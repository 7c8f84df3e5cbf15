"""The load's judging, without Locust: what a listing may hold, which writes a GET must list under
any order of overlapping requests, and that a hostile answer is judged, never a crash."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.load.history import UserHistory
from pinpoint_conformance.load.judge import DELETE, GET, judge, not_listed
from pinpoint_conformance.load.tally import KEPT_IN_FULL, Tally

APP = "app1"


def _endpoint(endpoint_id: str, user_id: str, application_id: str = APP) -> dict[str, Any]:
    return {"Id": endpoint_id, "ApplicationId": application_id, "ChannelType": "EMAIL",
            "Address": f"{endpoint_id}@example.com", "User": {"UserId": user_id}}  # fmt: skip


def _answer(status: int, body: Any, content_type: str = "application/json") -> Exchange:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Exchange("GET", f"http://127.0.0.1:1/v1/apps/{APP}/users/u", status=status,
                    response_headers={"Content-Type": content_type}, response_body=raw)  # fmt: skip


def _user_with(count: int) -> UserHistory:
    user = UserHistory("pc-run-load-abc-g0-1")
    for _ in range(count):
        user.new_endpoint_id()
    return user


def test_a_listing_of_the_users_own_endpoints_conforms() -> None:
    user = _user_with(2)
    body = {"Item": [_endpoint(f"{user.user_id}-e1", user.user_id), _endpoint(f"{user.user_id}-e2", user.user_id)]}
    assert judge(_answer(200, body), GET, user, APP) == []
    assert judge(_answer(202, body), DELETE, user, APP) == []


@pytest.mark.parametrize(
    ("operation", "item", "check"),
    [
        (GET, lambda u: _endpoint("pc-run-load-abc-g1-1-e1", "pc-run-load-abc-g1-1"), "PC102"),
        (DELETE, lambda u: _endpoint("pc-run-load-abc-g1-1-e1", "pc-run-load-abc-g1-1"), "PC403"),
        (GET, lambda u: _endpoint(f"{u}-e2", u, "another-app"), "PC103"),
        (DELETE, lambda u: _endpoint(f"{u}-e2", u, "another-app"), "PC404"),
        (GET, lambda u: _endpoint(f"{u}-e9", u), "PC101"),  # never numbered: not written by the run
        (GET, lambda u: _endpoint(f"{u}-x1", u), "PC101"),
        (DELETE, lambda u: _endpoint(f"{u}-e9", u), "PC401"),
    ],
)
def test_a_listing_holds_only_the_users_endpoints(operation: str, item: Any, check: str) -> None:
    user = _user_with(2)
    body = {"Item": [_endpoint(f"{user.user_id}-e1", user.user_id), item(user.user_id)]}
    failures = judge(_answer(200 if operation == GET else 202, body), operation, user, APP)
    assert [failure.check_id for failure in failures] == [check]
    assert user.user_id in failures[0].message


def test_an_endpoint_listed_twice_breaks_the_listing() -> None:
    user = _user_with(1)
    twice = _endpoint(f"{user.user_id}-e1", user.user_id)
    failures = judge(_answer(200, {"Item": [twice, twice]}), GET, user, APP)
    assert [(f.check_id, "2 times" in f.message) for f in failures] == [("PC101", True)]


@pytest.mark.parametrize(
    ("status", "body", "content_type", "check"),
    [
        (500, {"Message": "boom"}, "application/json", "PC707"),
        (200, b"<html>not json</html>", "text/html", "PC702"),
        (200, {"Item": "not a list"}, "application/json", "PC301"),
        (200, {"Item": ["not an object", 3]}, "application/json", "PC301"),
        (200, {"Item": [{"Id": ["a", "list"], "User": "not an object"}]}, "application/json", "PC301"),
        (404, b"", "text/plain", "PC602"),
        (418, {"Message": "teapot"}, "application/json", "PC601"),
        (200, b"[" * 100_000, "application/json", "PC702"),
    ],
)
def test_a_hostile_answer_is_judged_not_a_crash(status: int, body: Any, content_type: str, check: str) -> None:
    user = _user_with(1)
    exchange = _answer(status, body, content_type)
    assert check in {failure.check_id for failure in judge(exchange, GET, user, APP)}
    assert not_listed(exchange, user, sent=0.0) == []


def test_a_write_is_required_once_acknowledged_unless_a_delete_may_come_after_it() -> None:
    user = _user_with(0)
    first = user.sending_write(user.new_endpoint_id(), now=1.0)
    user.write_ended(first, now=2.0, status=202)
    assert [w.endpoint_id for w in user.required(sent_before=3.0)] == [first.endpoint_id]
    assert user.required(sent_before=1.5) == []  # a GET sent before the 202 arrived need not list it
    delete = user.sending_delete(now=4.0)
    assert user.required() == []  # the DELETE may remove it, whenever the server applies it
    user.delete_ended(delete, now=5.0, status=202)
    assert user.possibly_stored() == 0
    second = user.sending_write(user.new_endpoint_id(), now=6.0)
    user.write_ended(second, now=7.0, status=202)
    assert [w.endpoint_id for w in user.required()] == [second.endpoint_id]


def test_a_write_overlapping_a_delete_is_not_required_but_counts_as_stored() -> None:
    user = _user_with(0)
    write = user.sending_write(user.new_endpoint_id(), now=1.0)
    delete = user.sending_delete(now=2.0)
    write.ended, write.acknowledged = 3.0, True
    user.delete_ended(delete, now=4.0, status=202)
    assert user.required() == []
    assert user.possibly_stored() == 1  # the server may have applied the DELETE first


def test_a_delete_without_answer_keeps_every_later_write_from_being_required() -> None:
    user = _user_with(0)
    user.delete_ended(user.sending_delete(now=1.0), now=2.0, status=None)
    write = user.sending_write(user.new_endpoint_id(), now=3.0)
    user.write_ended(write, now=4.0, status=202)
    assert user.required() == []


def test_a_refused_write_is_neither_required_nor_stored() -> None:
    user = _user_with(0)
    write = user.sending_write(user.new_endpoint_id(), now=1.0)
    user.write_ended(write, now=2.0, status=400)
    assert user.required() == [] and user.possibly_stored() == 0
    assert user.was_written(write.endpoint_id)  # but a listing of it is no fault: it was sent


def test_a_get_that_misses_a_required_write_is_told() -> None:
    user = _user_with(0)
    write = user.sending_write(user.new_endpoint_id(), now=1.0)
    user.write_ended(write, now=2.0, status=202)
    assert not_listed(_answer(404, {"Message": "none"}), user, sent=3.0) == [write.endpoint_id]
    listed = _answer(200, {"Item": [_endpoint(write.endpoint_id, user.user_id)]})
    assert not_listed(listed, user, sent=3.0) == []


def test_a_workers_parts_add_up_on_the_master_with_the_first_responses_in_full() -> None:
    worker, master = Tally(), Tally()
    user = _user_with(0)
    bad = _answer(200, {"Item": [_endpoint("other-e1", "other")]})
    for _ in range(KEPT_IN_FULL + 5):
        worker.count(GET, 200)
        worker.judged_one(GET, judge(bad, GET, user, APP), bad)
        if worker.judged % 4 == 0:
            part, worker = worker.to_dict(), worker.successor()
            master.merge(json.loads(json.dumps(part)))  # as Locust's messages carry it
    master.merge(worker.to_dict())
    assert (master.judged, master.non_conforming, dict(master.by_check)) == (15, 15, {"PC102": 15})
    assert len(master.samples) == KEPT_IN_FULL
    assert master.samples[0]["exchange"]["curl"].startswith("curl ")
    assert master.statuses == {GET: {"200": 15}}
