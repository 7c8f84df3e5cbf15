"""One response of the User resource under load, judged: by the suite's wire rules (harness/wire.py:
the status among the documented ones, no 5xx, the EndpointsResponse schema, a MessageBody on every
error) and by the rule the load adds, that a listing holds the user's own endpoints only: each
listed endpoint carries the requested UserId (and application, when it says), is one this run wrote
to that user, and is listed once.

Each failure names the suite's check it breaks (docs/CHECKS.md): PC101/PC102/PC103 for a GET,
PC401/PC403/PC404 for a DELETE, and the wire checks' own IDs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pinpoint_conformance.harness.checks import Profile
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import ConformanceFailure
from pinpoint_conformance.harness.wire import response_failures

from .history import UserHistory

GET, DELETE = "GetUserEndpoints", "DeleteUserEndpoints"
# The check each kind of wrong listing breaks, for a GET and for a DELETE.
_CHECKS = {
    GET: {"other user": "PC102", "other application": "PC103", "not written": "PC101", "twice": "PC101"},
    DELETE: {"other user": "PC403", "other application": "PC404", "not written": "PC401", "twice": "PC401"},
}


def judge(exchange: Exchange, operation: str, history: UserHistory, application_id: str) -> list[ConformanceFailure]:
    """Every failure of one GET or DELETE of `history`'s user in `application_id` (the first of each check)."""
    failures = response_failures(exchange, Profile.CORE)
    if any(failure.unreadable for failure in failures) or exchange.status not in (200, 202):
        return failures
    items = exchange.json()["Item"]  # response_failures read it as an EndpointsResponse of objects
    return failures + [
        ConformanceFailure(check_id, message, exchange)
        for check_id, message in _listing_problems(items, operation, history, application_id)
    ]


def _listing_problems(
    items: list[dict[str, Any]], operation: str, history: UserHistory, application_id: str
) -> list[tuple[str, str]]:
    """(check ID, message) for each kind of endpoint that does not belong in the listing, the first
    endpoint of each kind named."""
    checks = _CHECKS[operation]
    said = f"{operation} of user {history.user_id!r} " + ("lists" if operation == GET else "answers as deleted")
    found: dict[str, str] = {}
    for item in items:
        endpoint_id, user = item.get("Id"), _user_id(item)
        if user != history.user_id:
            found.setdefault(checks["other user"], f"{said} endpoint {endpoint_id!r}, whose UserId is {user!r}")
        elif "ApplicationId" in item and item["ApplicationId"] != application_id:
            found.setdefault(
                checks["other application"],
                f"{said} endpoint {endpoint_id!r} of application {item['ApplicationId']!r}, not of {application_id!r}",
            )
        elif not history.was_written(endpoint_id):
            found.setdefault(
                checks["not written"], f"{said} endpoint {endpoint_id!r}, which this run never wrote to that user"
            )
    times = Counter(repr(item.get("Id")) for item in items)
    if twice := [endpoint_id for endpoint_id, n in times.items() if n > 1]:
        found.setdefault(checks["twice"], f"{said} endpoint {twice[0]} {times[twice[0]]} times")
    return list(found.items())


def _user_id(item: dict[str, Any]) -> Any:
    user = item.get("User")
    return user.get("UserId") if isinstance(user, dict) else None


def not_listed(exchange: Exchange, history: UserHistory, sent: float) -> list[str]:
    """The IDs of required writes (acknowledged before this GET was sent) that its answer, a 200 or
    a 404, does not list: under eventual consistency a stale read, after the load a lost write."""
    if exchange.status not in (200, 404):
        return []
    body = exchange.json_or_none() if exchange.status == 200 else {"Item": []}
    items = body.get("Item") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return []  # not an answer to read a listing from: judge() failed it
    listed = {item.get("Id") for item in items if isinstance(item, dict) and isinstance(item.get("Id"), str)}
    return sorted(write.endpoint_id for write in history.required(sent) if write.endpoint_id not in listed)
