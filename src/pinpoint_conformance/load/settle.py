"""After the load: every write a GET must still list (history.py) is looked for, user by user, until
it is listed or --settle seconds have passed; a write still missing then is a lost write (PC101),
shown with the last GET that left it out. A server may be eventually consistent: what it lists late,
within --settle, is not held against it. Each of these GETs is judged as the load's own are (but
counted apart from the load's requests)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from pinpoint_conformance.harness.client import Client, user_path
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import ConformanceFailure

from .history import UserHistory, Write
from .judge import GET, judge, not_listed
from .tally import Tally

PHASE = "after the load"
BETWEEN_ROUNDS = 0.2  # seconds between two GETs of a user whose writes are not all listed yet


@dataclass
class Verification:
    users: int = 0  # users with writes to look for
    writes: int = 0  # writes looked for
    lost: int = 0  # writes still not listed after --settle
    unanswered: int = 0  # users whose last GET got no response: their writes could not be looked for
    gets: int = 0  # GETs sent to look for them
    seconds: float = 0.0
    processes_unverified: list[str] = field(default_factory=list)  # whose ledger never reached the master
    left_out: int = 0  # users beyond the latest of each process (locustfile.LOOKED_FOR): not looked for

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 2)}


def _history(user: dict[str, Any]) -> UserHistory:
    """The user's history as far as the verification needs it: the writes to find, all acknowledged
    after every DELETE sent to the user (history.py), and how many endpoints were numbered."""
    history = UserHistory(str(user["user_id"]), numbered=int(user["numbered"]))
    for endpoint_id in user["endpoints"]:
        history.writes[endpoint_id] = Write(endpoint_id, sent=0.0, ended=0.0, acknowledged=True)
    return history


@dataclass
class _Look:
    """One GET of a user after the load: its exchange (None: no response), the required writes it
    left out, and whether it broke a rule already."""

    exchange: Exchange | None
    missing: list[str]
    failed: bool = False


def verify(
    client: Client, application_id: str, ledgers: list[dict[str, Any]], settle: float, tally: Tally
) -> Verification:
    """Look for every required write of `ledgers`; count and judge each GET into `tally`."""
    pending = {user["user_id"]: _history(user) for ledger in ledgers for user in ledger.get("users", [])}
    outcome = Verification(users=len(pending), writes=sum(len(h.writes) for h in pending.values()),
                           left_out=sum(ledger.get("left_out", 0) for ledger in ledgers))  # fmt: skip
    started = time.monotonic()
    deadline = started + settle
    last: dict[str, _Look] = {}
    while pending:
        for user_id, history in list(pending.items()):
            last[user_id] = look = _look(client, application_id, history, tally)
            outcome.gets += 1
            if look.exchange is not None and not look.missing:
                del pending[user_id]
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(min(BETWEEN_ROUNDS, max(0.0, deadline - time.monotonic())))
    for user_id in pending:
        look = last[user_id]
        if look.exchange is None:
            outcome.unanswered += 1
            continue
        outcome.lost += len(look.missing)
        shown = ", ".join(look.missing[:5]) + (" …" if len(look.missing) > 5 else "")
        message = (
            f"{len(look.missing)} endpoint(s) written to user {user_id!r} and acknowledged with 202, with no "
            f"DELETE of the user sent after them, are still not listed {settle:g} s after the load: {shown}"
        )
        lost = ConformanceFailure("PC101", message, look.exchange)
        tally.failed_one(GET, [lost], look.exchange, PHASE, counted=look.failed)
    outcome.seconds = time.monotonic() - started
    return outcome


def _look(client: Client, application_id: str, history: UserHistory, tally: Tally) -> _Look:
    try:
        exchange = client.send("GET", user_path(application_id, history.user_id))
    except ConformanceFailure as failure:  # no response, or throttled past the client's retries
        answered = [e for e in failure.exchanges if e.status is not None]
        if answered:
            tally.judged_one(GET, [failure], answered[-1], PHASE)
        return _Look(None, [w.endpoint_id for w in history.writes.values()])
    failures = judge(exchange, GET, history, application_id)
    tally.judged_one(GET, failures, exchange, PHASE)
    return _Look(exchange, not_listed(exchange, history, sent=float("inf")), bool(failures))
