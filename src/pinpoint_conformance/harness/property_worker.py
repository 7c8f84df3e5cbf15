"""The property worker: a second process that runs clause 9's checks (property_checks.py), so that
their start-up does not delay a verdict.

A verdict is mostly one process's work, and these machines have two cores. The worker starts with
the run, and while the suite's other checks use the wire it imports Schemathesis and Hypothesis
(the suite's own process imports neither), loads the spec and draws PC901's and PC902's examples.
When the suite reaches clause 9 it hands the worker the run's data and waits: the worker sends
while the suite is idle, so requests still reach the server one at a time, as a server that serves
one connection at a time needs. The worker answers with each check's outcome and findings, and
with what it wrote, which the suite's clean-up and later checks need.

Parent and worker speak pickle over the worker's standard input and output: the settings at start,
then one order (the run's data, the checks to run) and one answer.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import itertools
import os
import pickle
import select
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .breaker import Breaker, NotSent
from .client import Client, SigV4Signer
from .exchange import SENSITIVE_HEADERS
from .failures import ConformanceFailure, Findings, NotApplicable
from .settings import Settings
from .worker_launch import Launched, launch
from .world import World
from .written import Ledger

# The checks the worker runs: clause 9's, all of them drawn by Hypothesis from the spec.
PROPERTY_CHECKS = ("PC901", "PC902", "PC903")


class PropertyWorkerError(RuntimeError):
    """The worker could not run a check: it ended without answering, or the check raised what no
    check anticipates (told with where, as the suite's own process would)."""


@dataclass
class Outcome:
    """One check's result in the worker: passed, failed (with the failure's parts), skipped (with
    the reason) or error (what was raised, and where)."""

    status: str
    findings: Findings
    failure: dict[str, Any] | None = None
    reason: str = ""

    def apply(self, findings: Findings | None) -> None:
        """Into the suite's process: the findings join the test's own, and the outcome is raised."""
        if findings is not None:
            findings.merge(self.findings)
        failure = self.failure
        if self.status == "fail" and failure is not None:
            if failure.get("not_sent"):
                raise NotSent(failure["not_sent"], failure["what"], failure["message"])
            raise ConformanceFailure(failure["check_id"], failure["message"], *failure["exchanges"],
                                     blocks_run=failure["blocks_run"])  # fmt: skip
        if self.status == "skip":
            import pytest  # the suite's process has it; the worker, which never applies an outcome, does not

            pytest.skip(self.reason)
        if self.status == "error":
            raise PropertyWorkerError(self.reason)


@dataclass
class RunData:
    """What clause 9 shares with the rest of the run, in both directions: the run's prefix and
    applications, what it created (its clean-up removes it), the number `World.name` gives next, and
    the ledger of what the run wrote."""

    prefix: str
    app_a: str
    app_b: str | None
    created_apps: list[str]
    seeded_users: set[str]
    next_name: int
    ledger_members: dict[tuple[str, str], dict[str, Any]]
    ledger_dates: dict[tuple[str, str], set[Any]]
    breaker: Breaker  # what the server stopped answering: not sent by either process

    @classmethod
    def of(cls, world: World, client: Client) -> RunData:
        ledger = client.ledger
        return cls(world.prefix, world.app_a, world.app_b, list(world.created_apps), set(world.seeded_users),
                   world.next_number(), ledger.members, ledger.effective_dates, client.breaker)  # fmt: skip

    def world(self, client: Client) -> World:
        """In the worker: the run's world, with `client` holding the run's ledger and breaker."""
        client.ledger = Ledger(self.ledger_members, self.ledger_dates)
        client.breaker = self.breaker
        return World(client, self.prefix, self.app_a, self.app_b, self.created_apps, self.seeded_users,
                     _counter=itertools.count(self.next_name))  # fmt: skip

    def into(self, world: World, client: Client) -> None:
        """In the suite's process: what the worker created, numbered, wrote and stopped sending, taken over."""
        ledger = client.ledger
        client.breaker = self.breaker
        world.created_apps[:] = self.created_apps
        world.seeded_users.update(self.seeded_users)
        world.number_from(self.next_name)
        ledger.members.clear()
        ledger.members.update(self.ledger_members)
        ledger.effective_dates.clear()
        ledger.effective_dates.update(self.ledger_dates)


@dataclass
class Order:
    """The suite's one order: the run's data, and the checks to run."""

    data: RunData
    checks: list[str]


@dataclass
class Answer:
    outcomes: dict[str, Outcome]
    data: RunData


# The suite's side ------------------------------------------------------------------------------


@dataclass
class PropertyWorker:
    launched: Launched
    answer: Answer | None = None
    broken: PropertyWorkerError | None = None  # why the worker gave no answer, for every check

    @classmethod
    def start(cls, settings: Settings, launched: Launched | None = None) -> PropertyWorker:
        """The worker `launched` (started early by the `run` command), or a new one, given the
        run's settings."""
        worker = cls(launched or launch())
        worker._write(settings)
        return worker

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.launched.process

    def _write(self, message: Any) -> None:
        assert self.process.stdin is not None
        try:
            pickle.dump(message, self.process.stdin)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the worker has ended; reading its answer says how

    def run(self, check_id: str, checks: list[str], world: World, client: Client) -> None:
        """Run `check_id`: at the first call, every check of `checks` runs in the worker (the suite
        waits, the wire is the worker's); the findings join the test's and the outcome is raised."""
        if self.broken is not None:
            raise self.broken
        if self.answer is None:
            try:
                self.answer = self._order(checks, world, client)
            except PropertyWorkerError as error:
                self.broken = error
                raise
        outcome = self.answer.outcomes.get(check_id)
        if outcome is None:
            raise PropertyWorkerError(f"the property worker was not asked to run {check_id}")
        outcome.apply(client.findings)

    def _order(self, checks: list[str], world: World, client: Client) -> Answer:
        self._write(Order(RunData.of(world, client), checks))
        assert self.process.stdout is not None
        try:
            answer: Answer = pickle.load(self.process.stdout)
        except KeyboardInterrupt:
            self.process.kill()  # still at work on an order whose answer nobody will read
            raise
        except (EOFError, pickle.UnpicklingError, OSError) as error:
            code = self.process.wait()
            self.launched.errors.seek(0)
            told = self.launched.errors.read().decode(errors="replace").strip().splitlines()[-15:]
            raise PropertyWorkerError(f"the property worker ended (exit code {code}) without answering "
                                      f"({type(error).__name__}): " + "\n".join(told)) from None  # fmt: skip
        answer.data.into(world, client)
        return answer

    def close(self) -> None:
        self.launched.close()


# The worker's side -----------------------------------------------------------------------------


# What Schemathesis imports the first time a case is sent (sys.modules compared before and after
# clause 9 in the worker, with the pinned Schemathesis): a tenth of a second, spent while the worker
# waits for the suite, not while the suite waits for the worker.
FIRST_SEND_IMPORTS = ("schemathesis.transport.asgi", "schemathesis.transport.wsgi", "schemathesis.engine.errors",
                      "schemathesis.generation.body_overrides", "pyrate_limiter", "netrc", "sqlite3")  # fmt: skip


def _import_ahead() -> None:
    for name in FIRST_SEND_IMPORTS:
        with contextlib.suppress(ImportError):  # a later Schemathesis may have moved one: only slower
            importlib.import_module(name)


def _order_waiting(orders: Any) -> bool:
    """Whether the suite's order has arrived (False where pipes cannot be polled, as on Windows)."""
    try:
        return bool(select.select([orders], [], [], 0)[0])
    except (OSError, ValueError):
        return False


def _outcome(check_id: str, runner: Any, world: World, client: Client) -> Outcome:
    findings = Findings()
    client.findings = findings
    try:
        runner.run(check_id, world)
    except ConformanceFailure as failure:
        refused = failure if isinstance(failure, NotSent) else None
        parts = {"check_id": failure.check_id, "message": failure.message, "exchanges": failure.exchanges,
                 "blocks_run": failure.blocks_run, "not_sent": refused and refused.kind,
                 "what": refused and refused.what}  # fmt: skip
        return Outcome("fail", findings, parts)
    except NotApplicable as skipped:
        return Outcome("skip", findings, reason=str(skipped))
    except Exception as error:  # told to the suite's process, which reports it as the check's failure
        where = traceback.extract_tb(error.__traceback__)[-1]
        return Outcome("error", findings, reason=f"{type(error).__name__}: {error} at {Path(where.filename).name}:"
                                                 f"{where.lineno}")  # fmt: skip
    finally:
        client.findings = None
    return Outcome("pass", findings)


def main() -> int:
    """The worker process (started by worker_launch.py): settings, drawing, one order, one answer."""
    from . import property_checks

    # What the imports made, and later what the drawing made, lives until the worker ends: frozen,
    # it is out of every later collection's walk. Without this, one full collection during the
    # checks walked all of Schemathesis and Hypothesis, about 50 ms of the verdict's critical path.
    gc.freeze()
    gc.enable()
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything printed goes to the error stream
    orders = sys.stdin.buffer
    try:
        settings: Settings = pickle.load(orders)
    except EOFError:
        return 0
    SENSITIVE_HEADERS.update(name.lower() for name in settings.headers)
    property_checks.prepare()
    drawn = property_checks.draw_examples(settings)
    property_checks._state_machine_base()
    _import_ahead()
    if not _order_waiting(orders):  # the suite is not waiting yet: time to spare
        # Only a head start: should it fail, PC903 does the same work itself and reports what fails.
        with contextlib.suppress(Exception):
            property_checks.warm_up(settings)
    gc.freeze()
    try:
        order: Order = pickle.load(orders)
    except EOFError:
        return 0  # the run ended, or selected no property-based check
    client = Client(settings, SigV4Signer(settings.region) if settings.sigv4 else None)
    world = order.data.world(client)
    runner = property_checks.Runner(settings, client, drawn)
    try:
        outcomes = {check_id: _outcome(check_id, runner, world, client) for check_id in order.checks}
    finally:
        runner.close()
        client.close()
    pickle.dump(Answer(outcomes, RunData.of(world, client)), answers)
    answers.flush()
    # Answered: nothing is left to clean up, and the interpreter's own teardown (a tenth of a second
    # with Schemathesis loaded) would only delay the suite, which waits for the worker to end.
    sys.stderr.flush()
    os._exit(0)
