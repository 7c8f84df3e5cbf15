"""The property worker's two sides (harness/property_worker.py): what a check's outcome becomes in
the suite's process, and a worker that ends without answering, which every check it owed reports
with the worker's own last words, never as a hang or a traceback of the suite."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest

from pinpoint_conformance.harness.breaker import KIND_IN_A_ROW, NotSent
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.failures import ConformanceFailure, Findings, NotApplicable
from pinpoint_conformance.harness.property_worker import (
    Outcome,
    PropertyWorker,
    PropertyWorkerError,
    RunData,
    _order_waiting,
    _outcome,
)
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.harness.worker_launch import Launched
from pinpoint_conformance.harness.world import World
from tests.suite.imports import imported_after


def _world() -> tuple[World, Client]:
    client = Client(Settings(base_url="http://127.0.0.1:9"))  # nothing is sent
    return World(client, "pc-test-w0-", "app-a", "app-b", ["app-a", "app-b"]), client


def test_a_failure_is_raised_in_the_suite_with_its_check_message_and_exchange() -> None:
    exchange = Exchange("GET", "http://127.0.0.1:9/v1/apps/a/users/u", status=500)
    seen = Findings()
    seen.warn("PC604", "a warning the worker saw")
    seen.observe("PC902")
    outcome = Outcome("fail", seen, {"check_id": "PC901", "message": "answered 500", "exchanges": [exchange],
                                     "blocks_run": False})  # fmt: skip
    findings = Findings()
    with pytest.raises(ConformanceFailure) as raised:
        outcome.apply(findings)
    assert (raised.value.check_id, raised.value.message, raised.value.exchanges) == ("PC901", "answered 500",
                                                                                    [exchange])  # fmt: skip
    assert [w.message for w in findings.warnings] == ["a warning the worker saw"]
    assert findings.observed == {"PC902"}


def test_the_worker_names_on_from_where_the_suite_stopped_and_back() -> None:
    """IDs are unique across both processes: the worker's World numbers on from the suite's, and the
    suite takes the worker's count back (two endpoints of one name would mix two tests' data)."""
    world, client = _world()
    used = {world.name("ep") for _ in range(3)}
    in_worker = RunData.of(world, client).world(client)
    used_there = {in_worker.name("ep") for _ in range(3)}
    assert not used & used_there
    RunData.of(in_worker, client).into(world, client)
    assert world.name("ep") not in used | used_there


def test_what_one_process_stopped_sending_the_other_does_not_send() -> None:
    """The breaker travels with the run's data, both ways: a kind of request the server stopped
    answering in the suite's process is not sent by the worker, and the reverse."""
    world, client = _world()
    for _ in range(KIND_IN_A_ROW):
        client.breaker.timed_out("GET", "/v1/apps/a/users/u")
    worker_client = Client(client.settings)
    RunData.of(world, client).world(worker_client)
    with pytest.raises(NotSent, match="GET of the User resource not sent"):
        worker_client.breaker.admit("GET", "/v1/apps/b/users/v")
    for _ in range(KIND_IN_A_ROW):
        worker_client.breaker.timed_out("DELETE", "/v1/apps/a/users/u")
    RunData.of(world, worker_client).into(world, client)
    with pytest.raises(NotSent, match="DELETE of the User resource not sent"):
        client.breaker.admit("DELETE", "/v1/apps/b/users/v")


def test_a_skip_and_an_error_keep_their_reasons() -> None:
    with pytest.raises(pytest.skip.Exception, match="not with --app-id"):
        Outcome("skip", Findings(), reason="not with --app-id").apply(Findings())
    with pytest.raises(PropertyWorkerError, match=r"KeyError: 'Id' at checks\.py:12"):
        Outcome("error", Findings(), reason="KeyError: 'Id' at checks.py:12").apply(Findings())
    Outcome("pass", Findings()).apply(None)  # passes: nothing raised


def test_a_check_that_does_not_apply_is_a_skip_with_its_reason_in_the_worker() -> None:
    class Runner:
        def run(self, check_id: str, world: World) -> None:
            raise NotApplicable("stateful sequences create applications; not with --app-id")

    world, client = _world()
    outcome = _outcome("PC903", Runner(), world, client)
    assert (outcome.status, outcome.reason) == ("skip", "stateful sequences create applications; not with --app-id")


def test_the_worker_imports_no_pytest() -> None:
    """It starts while the suite's process starts, on the same two cores: pytest would cost it a
    twentieth of a second of start-up that it does not need."""
    statements = "from pinpoint_conformance.harness import property_checks, property_worker"
    assert imported_after(statements, "pytest", "_pytest") == []


def test_a_worker_that_ends_without_answering_fails_every_check_it_owed_with_its_last_words() -> None:
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by worker.close)
    code = "import sys; sys.stdin.buffer.read(1); sys.stderr.write('Traceback: it broke\\n'); sys.exit(3)"
    process = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=errors)  # fmt: skip
    worker = PropertyWorker.start(Settings(base_url="http://127.0.0.1:9"), Launched(process, errors))
    world, client = _world()
    try:
        for check_id in ("PC901", "PC902"):
            with pytest.raises(PropertyWorkerError, match=r"exit code 3\) without answering") as raised:
                worker.run(check_id, ["PC901", "PC902"], world, client)
            assert "it broke" in str(raised.value)
    finally:
        worker.close()
    assert process.returncode == 3


def test_the_worker_warms_up_only_while_the_suite_is_not_waiting_for_it() -> None:
    read, write = os.pipe()
    with os.fdopen(read, "rb") as orders, os.fdopen(write, "wb") as suite:
        assert not _order_waiting(orders)
        suite.write(b"an order")
        suite.flush()
        assert _order_waiting(orders)
