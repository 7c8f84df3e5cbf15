"""`pinpoint-conformance load`: set up the run's data, run Locust in processes of its own, verify what
the load wrote, report, clean up.

A local run or a master: the reference server is started when no --base-url is given; the run's
application is created under a prefix of its own (as the suite's data is: harness/world.py); Locust
loads it; every write a GET must still list is looked for (settle.py); the reports are written;
the application is deleted. A worker only runs Locust's worker, which takes the target and the
options from its master: the master's command does all the rest.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import uuid
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from pinpoint_conformance import server_process
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.failures import ConformanceFailure
from pinpoint_conformance.harness.reachability import unreachable
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.harness.world import World

from .options import Thresholds
from .outcome import LoadRun, terminal
from .report import write_html, write_json
from .settle import Verification, verify
from .tally import Tally

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
INTERRUPTED, INTERNAL_ERROR, COULD_NOT_TEST = 2, 3, 7
CLEANUP_AFTER_CTRL_C = 5.0  # seconds: the person at the terminal waits for it
PREFIX = "pinpoint-conformance load"
SUMMARY = "load-locust.txt"  # Locust's own summary tables, in the report folder


def locust_missing() -> str | None:
    """Why `load` cannot run here, or None. Locust is an extra: the suite does not need it."""
    if find_spec("locust") is None:
        return "load needs Locust, which is not installed: pip install 'pinpoint-conformance[load]'"
    return None


def _locust(*options: str) -> list[str]:
    # Locust's own exit code is left to say whether Locust ran (--exit-code-on-error 0): the verdict
    # is this command's. Warnings and errors only: the command prints the numbers itself.
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *options,
    ]


def run(args: argparse.Namespace) -> int:
    if args.worker:
        return _worker(args)
    server = None
    if args.base_url is None:
        server = server_process.start()
        try:
            server.wait_until_ready()
        except RuntimeError as error:
            print(f"{PREFIX}: COULD NOT TEST — {error}")
            server.stop()
            return COULD_NOT_TEST
    try:
        return _lead(args, args.base_url.rstrip("/") if server is None else server.base_url, server is not None)
    finally:
        if server is not None:
            server.stop()


def _worker(args: argparse.Namespace) -> int:
    host = args.master_host or "127.0.0.1"
    options = [
        "--worker",
        "--master-host",
        host,
        *(["--master-port", str(args.master_port)] if args.master_port else []),
    ]
    print(f"{PREFIX}: a worker of the master at {host}; the master's command reports the load", flush=True)
    process = subprocess.Popen(_locust(*options), cwd=tempfile.gettempdir(), start_new_session=True)
    if _until_done(process):
        return INTERRUPTED
    code = process.returncode
    if code != 0:
        print(f"{PREFIX}: the worker's Locust ended with exit code {code} (its output above says why)")
    return code


def _until_done(process: subprocess.Popen[bytes]) -> bool:
    """Wait for Locust; whether a Ctrl-C came first. Locust runs in a session of its own, so that a
    Ctrl-C at the terminal reaches this process only, which ends Locust with SIGTERM: Locust then
    stops as it does at the end of --run-time and writes its result (a Ctrl-C would land in
    whichever virtual user runs, and each would print a traceback)."""
    try:
        process.wait()
        return False
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return True


def _lead(args: argparse.Namespace, base_url: str, embedded: bool) -> int:
    """The run, from the set-up of its data to its clean-up, against `base_url`."""
    client = Client(Settings(base_url=base_url, timeout=args.timeout, report_dir=Path(args.report_dir)))
    if (why := unreachable(client)) is not None:
        print(f"{PREFIX}: COULD NOT TEST — {base_url} cannot be loaded: {why}")
        return COULD_NOT_TEST
    world = World(client, prefix=f"pc-{uuid.uuid4().hex[:8]}-load-")
    try:
        application = world.create_app("app")
    except ConformanceFailure as failure:
        print(f"{failure.render()}\n{PREFIX}: COULD NOT TEST — the run's application could not be created")
        return COULD_NOT_TEST
    interrupted, run = False, None
    try:
        result, interrupted = _run_locust(args, base_url, application, world.prefix)
        if result is not None:
            run = _judged(args, client, application, result, interrupted, embedded)
    finally:
        problems = world.cleanup(within=CLEANUP_AFTER_CTRL_C if interrupted else None)
    if run is None:
        left = f"the clean-up left: {'; '.join(problems)}" if problems else "the run's data was deleted"
        print(f"{PREFIX}: Locust ended before the load did (its output above says why); {left}")
        return INTERRUPTED if interrupted else INTERNAL_ERROR
    run.data = {"prefix": world.prefix, "application": application, "cleanup_problems": problems}
    return _report(run, Path(args.report_dir))


def _run_locust(
    args: argparse.Namespace, base_url: str, application: str, prefix: str
) -> tuple[dict[str, Any] | None, bool]:
    """Locust's result (None if it wrote none) and whether the run was interrupted."""
    with tempfile.TemporaryDirectory(prefix="pinpoint-load-") as folder:
        result_path = Path(folder) / "result.json"
        options = [
            "--headless",
            "--only-summary",
            "--host",
            base_url,
            "--users",
            str(args.users),
            "--spawn-rate",
            f"{args.spawn_rate:g}",
            "--run-time",
            f"{args.run_time}s",
            # Each virtual user ends the request it is in before it stops: what a write's
            # answer was is then known, and so what a GET must list after the load.
            "--stop-timeout",
            str(math.ceil(args.timeout) + 1),
            "--pinpoint-application",
            application,
            "--pinpoint-prefix",
            prefix,
            "--pinpoint-timeout",
            f"{args.timeout:g}",
            "--pinpoint-result",
            str(result_path),
        ]
        if args.master:
            options += [
                "--master",
                "--expect-workers",
                str(args.expect_workers),
                "--expect-workers-max-wait",
                str(args.expect_workers_max_wait),
            ]
            options += ["--master-bind-host", args.master_bind_host] if args.master_bind_host else []
            options += ["--master-bind-port", str(args.master_bind_port)] if args.master_bind_port else []
        how = f"waiting for {args.expect_workers} workers, then " if args.master else ""
        print(f"{PREFIX}: {how}{args.users} virtual users for {args.run_time} s on {base_url}", flush=True)
        options += ["--pinpoint-summary", str((Path(args.report_dir) / SUMMARY).resolve())]
        # Locust runs in the folder, so that no locust.conf or pyproject.toml of the user's is read.
        interrupted = _until_done(subprocess.Popen(_locust(*options), cwd=folder, start_new_session=True))
        if not result_path.exists():
            return None, interrupted
        try:
            return json.loads(result_path.read_text(encoding="utf-8")), interrupted
        except ValueError:
            return None, interrupted


def _judged(
    args: argparse.Namespace,
    client: Client,
    application: str,
    result: dict[str, Any],
    interrupted: bool,
    embedded: bool,
) -> LoadRun:
    tally = Tally.from_dict(result.get("tally", {}))
    verification = Verification()
    if not interrupted:
        verification = verify(client, application, result.get("ledgers", []), args.settle, tally)
    verification.processes_unverified = list(result.get("silent_workers", []))
    return LoadRun(
        target=client.settings.base_url,
        embedded=embedded,
        users=args.users,
        spawn_rate=args.spawn_rate,
        run_time=args.run_time,
        settle=args.settle,
        thresholds=Thresholds.from_args(args),
        result=result,
        tally=tally,
        verification=verification,
        interrupted=interrupted,
    )


def _report(run: LoadRun, report_dir: Path) -> int:
    paths = [report_dir / "load.json", report_dir / "load.html"]
    write_json(paths[0], run)
    write_html(paths[1], run)
    shown = [*map(str, paths), f"{report_dir / SUMMARY} (Locust's own summary)"]
    print(terminal(run, shown))
    return run.exit_code
