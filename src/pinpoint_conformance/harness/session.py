"""The suite's run, registered by plugin.py when a run collects the suite: the target, the fixtures,
and turning test outcomes into check results for the reports.

Each test is marked with the check it proves (`@pytest.mark.check("PC101")`). A test fails with a
`ConformanceFailure` that names the check that caught the problem, which may be another one (a
universal wire check, say): the report attributes the failure to that check and shows the test's
own check as blocked.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..early import GC_PAUSED
from ..reporting.collector import Collector
from ..reporting.results import COULD_NOT_TEST, EXIT_CODES
from . import checks, worker_launch
from .breaker import NotSent
from .checks import Profile
from .client import Client, SigV4Signer
from .exchange import SENSITIVE_HEADERS
from .failures import ConformanceFailure, Findings, NotApplicable
from .plugin import SERVER_KEY, WORKERINPUT_KEY
from .property_worker import PROPERTY_CHECKS, PropertyWorker
from .reachability import unreachable
from .settings import Settings, parse_seed
from .world import World

if TYPE_CHECKING:
    # Imported where a run records or compares a transcript, the only runs that use them.
    from ..parity.session import ParitySession

# Checks whose findings are warnings under core and aws, failures under strict.
STRICT_FAILURES = {"PC604"}


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


# What the controller decides once and every xdist worker must share: the target (the embedded
# server lives in the controller's process) and the seed.
SHARED_OPTIONS = ("base_url", "seed", "embedded_reference")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "check(id): the conformance check (catalog ID) a test proves")
    if _is_worker(config):
        for name, value in config.workerinput.get(WORKERINPUT_KEY, {}).items():
            setattr(config.option, name, value)
    else:
        # Chosen once on the controller, so that every xdist worker shares the seed and the target.
        config.option.seed = parse_seed(config.option.seed)
        # With no --base-url, plugin.py has started the embedded reference server already.
    settings = Settings.from_config(config)
    SENSITIVE_HEADERS.update(name.lower() for name in settings.headers)
    config.stash[SETTINGS_KEY] = settings
    if settings.sigv4:
        try:
            config.stash[SIGNER_KEY] = SigV4Signer(settings.region)
        except RuntimeError as error:
            raise pytest.UsageError(str(error)) from None
    parity = _parity_session(config, settings)
    if not _is_worker(config):
        config.pluginmanager.register(Collector(settings, parity), "pinpoint-conformance-collector")
    _start_property_worker(config, settings, parity)


def _start_property_worker(config: pytest.Config, settings: Settings, parity: ParitySession | None) -> None:
    """Started now, before collection, so that its start-up overlaps the suite's. A parity session
    records every exchange in this process, and under xdist each process has a wire of its own: both
    run clause 9 here."""
    launched = worker_launch.EARLY.take()  # the one the `run` command started, if it did
    if (
        not settings.property_worker
        or parity is not None
        or _is_worker(config)
        or config.getoption("numprocesses", None)
    ):
        if launched is not None:
            launched.close()
        return
    worker = PropertyWorker.start(settings, launched)
    config.stash[PROPERTY_WORKER_KEY] = worker
    config.add_cleanup(worker.close)


def _parity_session(config: pytest.Config, settings: Settings) -> ParitySession | None:
    """With --record or --transcript, the parity session: it records every scenario in this process,
    so it wants them all here (no xdist)."""
    if settings.record is None and settings.transcript is None:
        return None
    if _is_worker(config) or config.getoption("numprocesses", None):
        raise pytest.UsageError("pinpoint-conformance: --record and --transcript run without xdist (-n)")
    from ..parity.session import ParitySession

    parity = ParitySession(settings)
    config.stash[PARITY_KEY] = parity
    config.pluginmanager.register(parity, "pinpoint-conformance-parity")
    return parity


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: hand each worker the controller's decisions (options set in pytest_configure do not
    travel to workers by themselves)."""
    option = node.config.option
    node.workerinput[WORKERINPUT_KEY] = {name: getattr(option, name, None) for name in SHARED_OPTIONS}


SETTINGS_KEY = pytest.StashKey[Settings]()
SIGNER_KEY = pytest.StashKey[SigV4Signer]()
FINDINGS_KEY = pytest.StashKey[Findings]()
PARITY_KEY = pytest.StashKey["ParitySession"]()
PROPERTY_WORKER_KEY = pytest.StashKey[PropertyWorker]()
PROPERTY_CHECKS_KEY = pytest.StashKey[list[str]]()


def check_of(item: pytest.Item) -> checks.Check | None:
    marker = item.get_closest_marker("check")
    return checks.get(marker.args[0]) if marker else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = config.stash[SETTINGS_KEY]
    items.sort(key=lambda item: bool((check := check_of(item)) and check.runs_last))  # stable: order kept
    for item in items:
        check = check_of(item)
        if check is None:
            continue
        if check.profile > settings.profile:
            item.add_marker(pytest.mark.skip(reason=f"{check.id} runs under --profile {check.profile.name.lower()}"))


def pytest_sessionstart(session: pytest.Session) -> None:
    if GC_PAUSED.take():  # the `run` command paused collection while this process imported
        gc.freeze()
        gc.enable()


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    selected = [check.id for item in session.items if (check := check_of(item)) and check.id in PROPERTY_CHECKS]
    config.stash[PROPERTY_CHECKS_KEY] = list(dict.fromkeys(selected))
    worker = config.stash.get(PROPERTY_WORKER_KEY, None)
    if worker is not None and not selected:
        worker.close()  # nothing for it to do
        del config.stash[PROPERTY_WORKER_KEY]
    # What is alive now (the imported modules of pytest and the suite's libraries…) lives until the
    # end: moved out of the collector's reach, so that the collections of the run, and those pytest
    # forces at its end, do not walk it again and again.
    gc.freeze()


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings = config.stash[SETTINGS_KEY]
    target = f"the embedded reference server at {settings.base_url}" if settings.embedded else settings.base_url
    return [f"pinpoint-conformance: testing {target}, profile {settings.profile.name.lower()}, "
            f"seed {settings.seed}"]  # fmt: skip


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    check = check_of(item)
    if check is not None and call.when == "call" and isinstance(item, pytest.Function):
        # The report's text is the suite's own (below), whatever the test raised: pytest's rendering
        # of the traceback, which parses the source of every frame, would be thrown away.
        item.repr_failure = _unrendered  # type: ignore[method-assign]
    report: pytest.TestReport = yield
    # The seed travels with each result, so that a report shows what every xdist worker used.
    record: dict[str, Any] = {"check": check.id if check else None, "when": call.when,
                              "seed": item.config.stash[SETTINGS_KEY].seed}  # fmt: skip
    findings = item.stash.get(FINDINGS_KEY, None)
    recorded = findings.recorded if findings is not None and call.when == "call" else []
    if call.excinfo is not None and report.failed:
        error = call.excinfo.value
        if isinstance(error, ConformanceFailure) and (again := _told_before(item.config, error, call.when)):
            # A session fixture's failure (the run's data could not be created) is raised again for
            # every test after the first, and a request not sent (breaker.py) ends every test that
            # needs one: told once in full, then counted in one line each.
            record["failure"] = error.to_dict()
            report.longrepr = again
        elif isinstance(error, ConformanceFailure):
            record["failure"] = error.to_dict()
            report.longrepr = error.render()
        elif recorded:
            # The test stumbled on an answer it could not read, after the wire checks had found what
            # was wrong with it: the test's check is blocked by those, not failed.
            record["blocked_by"] = sorted({failure.check_id for failure in recorded})
            report.longrepr = ""
        else:
            # Not a check's verdict: the server answered in a way no check anticipated. Still a
            # failure of the test's check, told in one line (with where the suite stumbled).
            where = call.excinfo.traceback[-1]
            text = (f"the server's answer could not be evaluated ({type(error).__name__}: {error}) "
                    f"at {Path(str(where.path)).name}:{where.lineno + 1}")  # fmt: skip
            record["failure"] = {"check": check.id if check else None, "message": text, "exchanges": []}
            if check is not None:
                report.longrepr = f"{check.id} {check.title} — FAILED\n  {text}"
    if findings is not None and call.when == "call":
        record["warnings"] = [{"check": w.check_id, "message": w.message,
                               "exchanges": [w.exchange.to_dict()] if w.exchange else []}
                              for w in findings.warnings]  # fmt: skip
        record["observed"] = sorted(findings.observed)
        record["retries"] = list(findings.retries)
        record["recorded"] = findings.recorded_dicts()
        if recorded and not report.skipped:
            # Failures of other checks, met on the wire while this test went on: the test fails with
            # them (in pytest's eyes too), and the report gives each to its own check. (A test that
            # then skipped stays skipped: its own check did not run; the failures still count.)
            report.outcome = "failed"
            rendered = "\n\n".join(failure.render() for failure in recorded)
            report.longrepr = "\n\n".join(part for part in (str(report.longrepr or ""), rendered) if part)
    report.user_properties.append(("conformance", record))
    return report


TOLD_KEY = pytest.StashKey[set[object]]()


def _told_before(config: pytest.Config, failure: ConformanceFailure, when: str) -> str:
    """The one line that stands for `failure` where it was told in full before: the same set-up
    failure (the same object, raised again by a cached fixture), or a refusal of the same stopped
    kind of request; "" the first time."""
    if isinstance(failure, NotSent):
        key: object = failure.kind
        line = f"PC803 {failure.what} not sent, as told in full at the first test it stopped: this test is blocked"
    elif when == "setup":
        key = id(failure)
        line = (
            f"{failure.check_id} failed in the run's set-up, as told in full at the first test: this test could not run"
        )
    else:
        return ""
    told = config.stash.setdefault(TOLD_KEY, set())
    if key in told:
        return line
    told.add(key)
    return ""


def _unrendered(excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
    return ""


# Fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def settings(request: pytest.FixtureRequest) -> Settings:
    return request.config.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def client(settings: Settings, request: pytest.FixtureRequest) -> Iterator[Client]:
    server = request.config.stash.get(SERVER_KEY, None)
    if server is not None:
        try:
            server.wait_until_ready()
        except RuntimeError as error:
            pytest.exit(f"pinpoint-conformance: {error}", returncode=3)
    client = Client(settings, request.config.stash.get(SIGNER_KEY, None))
    if server is None and (why := unreachable(client)) is not None:
        collector = request.config.pluginmanager.get_plugin("pinpoint-conformance-collector")
        if collector is not None:
            collector.unreachable = f"{settings.base_url} cannot be tested: {why}"
        pytest.exit(f"pinpoint-conformance: {settings.base_url} cannot be tested: {why}",
                    returncode=EXIT_CODES[COULD_NOT_TEST])  # fmt: skip
    parity = request.config.stash.get(PARITY_KEY, None)
    if parity is not None:
        client.on_exchange = parity.recorder
    yield client
    client.close()


def _setup_section(parity: ParitySession | None) -> contextlib.AbstractContextManager[Any]:
    """Where a transcript keeps the run's set-up (its applications and seeded users), if one is kept."""
    if parity is None:
        return contextlib.nullcontext()
    from ..parity.transcript import SETUP

    return parity.recorder.section(SETUP)


# Seconds the clean-up after a Ctrl-C may take in all, on a server that has stopped answering too.
CLEANUP_AFTER_INTERRUPT = 5.0


@pytest.fixture(scope="session")
def world(client: Client, settings: Settings, request: pytest.FixtureRequest) -> Iterator[World]:
    worker = getattr(request.config, "workerinput", {}).get("workerid", "w0")
    parity = request.config.stash.get(PARITY_KEY, None)
    with _setup_section(parity):
        world = World.start(client, worker)
    yield world
    if client.settings.keep_data:
        print(f"\npinpoint-conformance: --keep-data: the run's data (prefix {world.prefix}) is left in place")
        return
    interrupted = request.session.exitstatus == pytest.ExitCode.INTERRUPTED
    with parity.recorder.section(None) if parity else contextlib.nullcontext():  # clean-up is no scenario
        problems = world.cleanup(within=CLEANUP_AFTER_INTERRUPT if interrupted else None)
    if problems:
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        print(f"\npinpoint-conformance: cleanup left data behind (prefix {world.prefix}): "
              + "; ".join(problems[:3]) + more)  # fmt: skip
    elif interrupted:
        print(f"\npinpoint-conformance: interrupted: the run's data (prefix {world.prefix}) is deleted")


@pytest.fixture(scope="session")
def run_property_check(request: pytest.FixtureRequest, settings: Settings,
                       client: Client) -> Iterator[Callable[[str, World], None]]:  # fmt: skip
    """Runs one of clause 9's checks: in the property worker, or, without one, in this process
    (property_checks.py, imported only then: it imports Schemathesis and Hypothesis)."""
    worker = request.config.stash.get(PROPERTY_WORKER_KEY, None)
    if worker is not None:
        checks = request.config.stash.get(PROPERTY_CHECKS_KEY, list(PROPERTY_CHECKS))
        yield lambda check_id, world: worker.run(check_id, checks, world, client)
        return
    from .property_checks import Runner

    runner = Runner(settings, client)

    def run(check_id: str, world: World) -> None:
        try:
            runner.run(check_id, world)
        except NotApplicable as reason:
            pytest.skip(str(reason))

    yield run
    runner.close()


@pytest.fixture(autouse=True)
def findings(request: pytest.FixtureRequest, client: Client, settings: Settings) -> Iterator[Findings]:
    """The current test's warnings and observations; under strict, the STRICT_FAILURES among the
    warnings fail the test."""
    check = check_of(request.node)
    findings = Findings(check=check.id if check else None)
    request.node.stash[FINDINGS_KEY] = findings
    client.findings = findings
    yield findings
    client.findings = None
    if settings.profile >= Profile.STRICT:
        for finding in findings.warnings:
            if finding.check_id in STRICT_FAILURES:
                raise ConformanceFailure(finding.check_id, finding.message, finding.exchange)
