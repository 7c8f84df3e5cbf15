"""Assertions the workflows share, each raising a ConformanceFailure with the check's ID."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable

from .exchange import Exchange
from .failures import fail


def status(check_id: str, exchange: Exchange, *allowed: int, what: str) -> None:
    if exchange.status not in allowed:
        wanted = " or ".join(str(s) for s in allowed)
        fail(check_id, f"{what} answered {exchange.status}, expected {wanted}", exchange)


def listed_ids(exchange: Exchange) -> list[str]:
    """The Ids in an EndpointsResponse (its shape was checked by the wire checks)."""
    return [endpoint.get("Id") for endpoint in exchange.json()["Item"]]


def same_endpoints(check_id: str, exchange: Exchange, expected: Iterable[str], what: str) -> None:
    """The Item lists exactly `expected`, each once."""
    got = listed_ids(exchange)
    want = set(expected)
    twice = sorted(i for i, n in Counter(got).items() if n > 1)
    missing = sorted(want - set(got))
    extra = sorted(set(got) - want)
    problems = []
    if missing:
        problems.append(f"missing {missing}")
    if extra:
        problems.append(f"not the user's {extra}")
    if twice:
        problems.append(f"listed twice {twice}")
    if problems:
        fail(check_id, f"{what}: {'; '.join(problems)} (expected exactly {len(want)} endpoints)", exchange)


def absent_user(check_id: str, exchange: Exchange, ok_status: int, what: str) -> None:
    """A user with no endpoints: 404 (its MessageBody is PC602's, judged on every response of the
    resource), or `ok_status` with an empty Item."""
    if exchange.status == 404:
        return
    if exchange.status == ok_status:
        ids = listed_ids(exchange)
        if ids:
            fail(check_id, f"{what}: expected no endpoints, got {ids}", exchange)
        return
    fail(check_id, f"{what} answered {exchange.status}; expected 404 MessageBody or {ok_status} with an "
                         "empty Item", exchange)  # fmt: skip


def eventually(probe: Callable[[], Exchange], done: Callable[[Exchange], bool], within: float) -> Exchange:
    """Probe until `done` or `within` seconds pass: AWS's 202 says "Processing may not be complete"."""
    deadline = time.monotonic() + within
    while True:
        exchange = probe()
        if done(exchange) or time.monotonic() >= deadline:
            return exchange
        time.sleep(0.1)
