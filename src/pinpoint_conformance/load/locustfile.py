"""The Locust side of `pinpoint-conformance load`: run by `python -m locust -f <this file>` in processes
of their own (a local run, or a master and its workers), never imported by the rest of the package,
since importing Locust monkey-patches the standard library with gevent.

Each virtual user writes endpoints to a user ID it shares with two others of its process
(UpdateEndpoint, UpdateEndpointsBatch), lists it (GET) and deletes it (DELETE), as fast as the
answers come; when a write would give the user more endpoints than history.LIVE_AT_MOST, the three
move on to a new user ID. Every GET and DELETE is judged (judge.py) and counted (tally.py); history.py says what
can be judged of writes. At the end, each process hands over its tally and, for every user, the
writes that a GET must still list; the master (or the local process) writes it all, with Locust's
statistics, to the file --pinpoint-result names, for the command to verify and report.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any

import gevent
import locust
from locust import HttpUser, constant, events, task
from locust.env import Environment
from locust.rpc import Message
from locust.runners import STATE_MISSING, MasterRunner, WorkerRunner
from locust.stats import RequestStats, StatsEntry

from pinpoint_conformance.harness.client import segment
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.load.history import LIVE_AT_MOST, UserHistory
from pinpoint_conformance.load.judge import DELETE, GET, judge, not_listed
from pinpoint_conformance.load.tally import Tally

SHARED_BY = 3  # virtual users of one process per user ID, so that requests to one user overlap
LOOKED_FOR = 1000  # users per process whose writes are looked for after the load: the latest
BATCH = 3  # endpoints per UpdateEndpointsBatch
FINALS_WITHIN = 30.0  # how long the master waits for its workers' last word once the load stops
STATS_WITHIN = 5.0  # and then for their last statistics (a worker sends them every 3 s)
PERCENTILES = (0.5, 0.95, 0.99)


class UserGroup:
    """The user ID a few virtual users of one process share, and those it took over from: when the
    next write would give the user more than LIVE_AT_MOST endpoints, the group moves on to a new
    user ID and leaves the old one as it is, for the verification after the load."""

    def __init__(self, process: LoadProcess, name: str) -> None:
        self.process, self.name, self.succession = process, name, 0
        self.current = self._new_user()

    def _new_user(self) -> UserHistory:
        self.succession += 1
        user = UserHistory(f"{self.name}-{self.succession}")
        self.process.keep(user)
        return user

    def user_with_room_for(self, endpoints: int) -> UserHistory:
        if self.current.possibly_stored() + endpoints > LIVE_AT_MOST:
            self.current = self._new_user()
        return self.current


class LoadProcess:
    """This process's user IDs, with what it sent to each, and its tally."""

    def __init__(self) -> None:
        self.tag = uuid.uuid4().hex[:6]  # in every user ID this process writes to
        self.groups: list[UserGroup] = []
        self.joined = 0
        self.users: deque[UserHistory] = deque(maxlen=LOOKED_FOR)  # the latest, for the verification
        self.left_out = 0  # older users, whose writes are not looked for after the load
        self.tally = Tally()

    def keep(self, user: UserHistory) -> None:
        self.left_out += len(self.users) == self.users.maxlen
        self.users.append(user)

    def group_for_a_new_virtual_user(self, prefix: str) -> UserGroup:
        index = self.joined // SHARED_BY
        self.joined += 1
        if index == len(self.groups):
            self.groups.append(UserGroup(self, f"{prefix}{self.tag}-g{index}"))
        return self.groups[index]

    def part(self) -> dict[str, Any]:
        """The tally since the last part, which the next one leaves out."""
        part, self.tally = self.tally.to_dict(), self.tally.successor()
        return part

    def ledger(self) -> dict[str, Any]:
        """For each user, the writes a GET must list after the load (history.py)."""
        required = [{"user_id": user.user_id, "numbered": user.numbered,
                     "endpoints": [write.endpoint_id for write in user.required()]} for user in self.users]  # fmt: skip
        return {"process": self.tag, "users": [user for user in required if user["endpoints"]],
                "left_out": self.left_out}  # fmt: skip

    def final(self) -> dict[str, Any]:
        """The rest of the tally, and the ledger (the load has stopped)."""
        return {"tally": self.part(), "ledger": self.ledger()}


PROCESS = LoadProcess()


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    # Set by the command (command.py); a master hands them to its workers with each spawn.
    parser.add_argument("--pinpoint-application", default="", include_in_web_ui=False)
    parser.add_argument("--pinpoint-prefix", default="pc-load-", include_in_web_ui=False)
    parser.add_argument("--pinpoint-timeout", type=float, default=10.0, include_in_web_ui=False)
    parser.add_argument("--pinpoint-result", default="", include_in_web_ui=False)
    parser.add_argument("--pinpoint-summary", default="", include_in_web_ui=False)


def exchange_of(
    response: Any, method: str, url: str, headers: dict[str, str], body: bytes | None, elapsed_ms: float
) -> Exchange:
    """The suite's Exchange for one Locust response (a failed request included)."""
    sent = getattr(response, "request", None)
    exchange = Exchange(method, url, dict(sent.headers) if sent is not None else headers, body, elapsed_ms=elapsed_ms)
    if response.error is not None or not response.status_code:
        exchange.error = f"{type(response.error).__name__}: {response.error}"
        return exchange
    exchange.status = response.status_code
    exchange.response_headers = dict(response.headers)
    exchange.response_body = response.content or b""
    return exchange


class UserResourceLoad(HttpUser):
    wait_time = constant(0)  # closed loop: each virtual user sends its next request when answered

    def on_start(self) -> None:
        options = self.environment.parsed_options
        self.application = options.pinpoint_application
        self.timeout = options.pinpoint_timeout
        self.share = PROCESS.group_for_a_new_virtual_user(options.pinpoint_prefix)

    def _send(self, operation: str, user: UserHistory, method: str, path: str, body: bytes | None = None,
              judged: bool = False) -> Exchange:  # fmt: skip
        """Send, count, and (`judged`: a GET or DELETE of `user`) judge; mark the request in Locust's
        statistics as failed when it got no response, a 5xx, or broke a rule."""
        headers = {"Content-Type": "application/json"} if body is not None else {}
        started = time.perf_counter()
        with self.client.request(
            method, path, data=body, headers=headers, name=operation, catch_response=True, timeout=self.timeout
        ) as response:
            exchange = exchange_of(
                response, method, f"{self.client.base_url}{path}", headers, body, (time.perf_counter() - started) * 1000
            )
            PROCESS.tally.count(operation, exchange.status)
            failures = judge(exchange, operation, user, self.application) if judged and exchange.status else []
            if judged and exchange.status:
                PROCESS.tally.judged_one(operation, failures, exchange)
            # Failures grouped as Locust's error table groups them: by what went wrong, not by user.
            if exchange.status is None:
                response.failure(f"no response ({type(response.error).__name__})")
            elif exchange.status >= 500:
                response.failure(f"HTTP {exchange.status}")
            elif failures:
                response.failure("non-conforming: " + ", ".join(failure.check_id for failure in failures))
            else:
                response.success()
        return exchange

    def _user_path(self, user: UserHistory) -> str:
        return f"/v1/apps/{segment(self.application)}/users/{segment(user.user_id)}"

    def _write(self, operation: str, endpoints: int) -> None:
        user = self.share.user_with_room_for(endpoints)
        ids = [user.new_endpoint_id() for _ in range(endpoints)]
        items = [{"ChannelType": "EMAIL", "Address": f"{endpoint_id}@example.com", "User": {"UserId": user.user_id}}
                 for endpoint_id in ids]  # fmt: skip
        if operation == "UpdateEndpoint":
            path, body = f"/v1/apps/{segment(self.application)}/endpoints/{segment(ids[0])}", items[0]
        else:
            path = f"/v1/apps/{segment(self.application)}/endpoints"
            body = {"Item": [{"Id": endpoint_id, **item} for endpoint_id, item in zip(ids, items, strict=True)]}
        now = time.monotonic()
        writes = [user.sending_write(endpoint_id, now) for endpoint_id in ids]
        exchange = self._send(operation, user, "PUT", path, json.dumps(body).encode())
        for write in writes:
            user.write_ended(write, time.monotonic(), exchange.status)

    @task(4)
    def update_endpoint(self) -> None:
        self._write("UpdateEndpoint", 1)

    @task(1)
    def update_endpoints_batch(self) -> None:
        self._write("UpdateEndpointsBatch", BATCH)

    @task(4)
    def get_user_endpoints(self) -> None:
        user, sent = self.share.current, time.monotonic()
        exchange = self._send(GET, user, "GET", self._user_path(user), judged=True)
        if not_listed(exchange, user, sent):
            PROCESS.tally.stale_reads += 1

    @task(1)
    def delete_user_endpoints(self) -> None:
        user = self.share.current
        delete = user.sending_delete(time.monotonic())
        exchange = self._send(DELETE, user, "DELETE", self._user_path(user), judged=True)
        user.delete_ended(delete, time.monotonic(), exchange.status)


class Master:
    """The master's side: once the load stops, it asks every worker for its last word (the rest of
    its tally, and its ledger) and waits for it, and for the worker's last statistics, before
    Locust quits; then it writes the result."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.ledgers: list[dict[str, Any]] = []
        self.finals: set[str] = set()
        self.awaiting_stats: set[str] = set()
        self.silent: list[str] = []  # workers whose last word did not come

    def report(self, client_id: str, data: dict[str, Any]) -> None:
        self.tally.merge(data.get("pinpoint") or {})
        self.awaiting_stats.discard(client_id)

    def final(self, environment: Environment, msg: Message, **_: Any) -> None:
        self.tally.merge(msg.data.get("tally") or {})
        self.ledgers.append(msg.data.get("ledger") or {})
        self.finals.add(msg.node_id)
        self.awaiting_stats.add(msg.node_id)

    def gather(self, environment: Environment, **_: Any) -> None:
        runner = environment.runner
        assert isinstance(runner, MasterRunner)
        workers = {client.id for client in runner.clients.all if client.state != STATE_MISSING}
        runner.send_message("pinpoint-stop")
        for within, pending in (
            (FINALS_WITHIN, lambda: workers - self.finals),
            (STATS_WITHIN, lambda: self.awaiting_stats & workers),
        ):
            deadline = time.monotonic() + within
            while pending() and time.monotonic() < deadline:
                gevent.sleep(0.05)
        self.silent = sorted(workers - self.finals)


MASTER = Master()


def _stop_and_send_final(environment: Environment, msg: Message, **_: Any) -> None:
    """A worker told by the master that the load stops: its users stop, then it sends its last word."""
    runner = environment.runner
    assert runner is not None
    runner.stop()
    runner.send_message("pinpoint-final", PROCESS.final())


@events.init.add_listener
def _wire(environment: Environment, **_: Any) -> None:
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        runner.register_message("pinpoint-stop", _stop_and_send_final)
        environment.events.report_to_master.add_listener(lambda client_id, data: data.update(pinpoint=PROCESS.part()))
    elif isinstance(runner, MasterRunner):
        runner.register_message("pinpoint-final", MASTER.final)
        environment.events.worker_report.add_listener(MASTER.report)
        environment.events.test_stopping.add_listener(MASTER.gather)
    if not isinstance(runner, WorkerRunner):
        environment.events.quitting.add_listener(_write_result)
        if environment.parsed_options and environment.parsed_options.pinpoint_summary:
            # Locust's own summary tables go to a file: the command prints its own numbers.
            summary = logging.FileHandler(environment.parsed_options.pinpoint_summary, mode="w", encoding="utf-8")
            logging.getLogger("locust.stats_logger").handlers = [summary]


def _entry(entry: StatsEntry, seconds: float) -> dict[str, Any]:
    answered = entry.num_requests > 0
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.num_requests / seconds, 1) if seconds else 0.0,
        "latency_ms": {f"p{round(q * 100)}": entry.get_response_time_percentile(q) if answered else None
                       for q in PERCENTILES} | {"max": round(entry.max_response_time, 1) if answered else None},
    }  # fmt: skip


def statistics(stats: RequestStats) -> dict[str, Any]:
    """Locust's numbers, each operation's rate over the run's whole duration (so that they add up)."""
    total = stats.total
    seconds = max(0.0, total.last_request_timestamp - total.start_time) if total.last_request_timestamp else 0.0
    operations = {name: _entry(entry, seconds) for (name, _method), entry in sorted(stats.entries.items())}
    return {"seconds": round(seconds, 3), "total": _entry(total, seconds), "operations": operations}


def _write_result(environment: Environment, **_: Any) -> None:
    options = environment.parsed_options
    if not options or not options.pinpoint_result:
        return
    runner = environment.runner
    distributed = isinstance(runner, MasterRunner)
    tally, ledgers = (MASTER.tally, MASTER.ledgers) if distributed else (PROCESS.tally, [PROCESS.ledger()])
    result = {
        "locust_version": locust.__version__,
        "mode": "distributed" if distributed else "local",
        "workers": len(MASTER.finals) + len(MASTER.silent) if distributed else 0,
        "silent_workers": MASTER.silent,
        "statistics": statistics(environment.stats),
        "tally": tally.to_dict(),
        "ledgers": ledgers,
    }
    Path(options.pinpoint_result).write_text(json.dumps(result), encoding="utf-8")
