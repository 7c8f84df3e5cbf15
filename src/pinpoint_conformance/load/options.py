"""The `load` command's options: Locust's own names for what Locust does (--users, --spawn-rate,
--run-time, --master, --worker, --expect-workers, --master-host…), the suite's for what the suite
does (--base-url, --timeout, --report-dir), and the thresholds a CI gate sets."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass

# Locust's time spans (20, 20s, 3m, 1h30m, 3h30m10s), as its --run-time reads them.
_TIMESPAN = re.compile(r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")


def timespan(text: str) -> int:
    """Seconds, from a time span as Locust writes them."""
    if text.isdigit():
        seconds = int(text)
    else:
        match = _TIMESPAN.fullmatch(text)
        if not text or match is None:
            raise argparse.ArgumentTypeError("a time span such as 30s, 2m or 1h30m")
        seconds = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + int(match["s"] or 0)
    if seconds <= 0:
        raise argparse.ArgumentTypeError("a time span longer than zero")
    return seconds


def _positive_int(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value <= 0:
        raise argparse.ArgumentTypeError("a whole number above zero")
    return value


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError("a whole number, 0 or more")
    return int(text)


def _number(minimum: float, inclusive: bool = True, maximum: float | None = None) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        low_ok = value >= minimum if inclusive else value > minimum
        if not (low_ok and (maximum is None or value <= maximum)):
            bound = f"{'at least' if inclusive else 'above'} {minimum:g}"
            raise argparse.ArgumentTypeError(f"a number {bound}" + (f" and at most {maximum:g}" if maximum else ""))
        return value

    return parse


@dataclass(frozen=True)
class Thresholds:
    """What fails the run (exit 1): more than these."""

    max_non_conforming: int = 0
    max_error_rate: float = 0.0
    max_p95: float | None = None
    max_p99: float | None = None
    min_rps: float | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Thresholds:
        return cls(args.max_non_conforming, args.max_error_rate, args.max_p95, args.max_p99, args.min_rps)


def add_parser(commands: argparse._SubParsersAction, serving: bool = False) -> argparse.ArgumentParser:
    """The `load` command; its options only when the command line is not `serve`'s (the embedded
    server's process, which must not import the suite's settings: tests/suite/test_entry_points.py)."""
    load = commands.add_parser(
        "load",
        help="load the User resource with Locust, judging every response",
        description="Load the User resource with Locust (headless) and judge every response by the suite's "
        "per-response rules. Without --base-url, the embedded reference server is loaded. Distributed: run "
        "`load --master --expect-workers N` on one machine and `load --worker --master-host HOST` on each other.",
    )
    if serving:
        return load
    from pinpoint_conformance.harness.settings import DEFAULT_SETTLE, DEFAULT_TIMEOUT

    load.add_argument("--base-url", metavar="URL", help="the server to load (default: the embedded reference server)")
    locust = load.add_argument_group("Locust's options (the same names as Locust's own)")
    locust.add_argument("-u", "--users", type=_positive_int, default=10, help="concurrent virtual users (default 10)")
    locust.add_argument(
        "-r",
        "--spawn-rate",
        type=_number(0, inclusive=False),
        default=10.0,
        metavar="RATE",
        help="virtual users started per second (default 10)",
    )
    locust.add_argument(
        "-t",
        "--run-time",
        type=timespan,
        default=30,
        metavar="TIME",
        help="how long the load lasts: 30s, 2m, 1h30m… (default 30s)",
    )
    locust.add_argument("--master", action="store_true", help="be the master of workers started with --worker")
    locust.add_argument(
        "--expect-workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="with --master: start once N workers have connected (default 1)",
    )
    locust.add_argument(
        "--expect-workers-max-wait",
        type=_positive_int,
        default=60,
        metavar="SECONDS",
        help="with --master: give up when the workers have not connected within this (default 60)",
    )
    locust.add_argument(
        "--master-bind-host",
        metavar="ADDRESS",
        help="with --master: the interface workers connect to (Locust's default: all)",
    )
    locust.add_argument(
        "--master-bind-port",
        type=_positive_int,
        metavar="PORT",
        help="with --master: the port workers connect to (Locust's default: 5557)",
    )
    locust.add_argument(
        "--worker", action="store_true", help="be a worker: load the target the master names, with the master's options"
    )
    locust.add_argument("--master-host", metavar="HOST", help="with --worker: the master's address (default 127.0.0.1)")
    locust.add_argument(
        "--master-port",
        type=_positive_int,
        metavar="PORT",
        help="with --worker: the master's port (Locust's default: 5557)",
    )
    suite = load.add_argument_group("judging and reports")
    suite.add_argument(
        "--timeout",
        type=_number(0, inclusive=False),
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long one request may take (default {DEFAULT_TIMEOUT:g})",
    )
    suite.add_argument(
        "--settle",
        type=_number(0),
        default=DEFAULT_SETTLE,
        metavar="SECONDS",
        help="after the load, how long a write acknowledged during it may take to be listed before "
        f"it counts as lost (default {DEFAULT_SETTLE:g}, as for the suite's clause 11)",
    )
    suite.add_argument(
        "--report-dir",
        default="reports",
        metavar="DIR",
        help="where load.json, load.html and Locust's own summary go (default reports)",
    )
    gate = load.add_argument_group("thresholds (exit 1 when one is passed)")
    gate.add_argument(
        "--max-non-conforming", type=_count, default=0, metavar="N", help="non-conforming responses allowed (default 0)"
    )
    gate.add_argument(
        "--max-error-rate",
        type=_number(0, maximum=1),
        default=0.0,
        metavar="FRACTION",
        help="share of requests allowed to get no response or a 5xx (default 0)",
    )
    gate.add_argument("--max-p95", type=_number(0, inclusive=False), metavar="MS", help="p95 latency allowed (ms)")
    gate.add_argument("--max-p99", type=_number(0, inclusive=False), metavar="MS", help="p99 latency allowed (ms)")
    gate.add_argument(
        "--min-rps", type=_number(0, inclusive=False), metavar="RATE", help="requests per second required"
    )
    return load


def _named(given: list[str], *names: str) -> str | None:
    """The first of `names` the command line gives (as `--name value` or `--name=value`)."""
    return next((name for name in names if any(g == name or g.startswith(f"{name}=") for g in given)), None)


# A worker takes its target and the load's options from its master (Locust hands them over).
_MASTERS = (
    "--base-url",
    "--users",
    "-u",
    "--spawn-rate",
    "-r",
    "--run-time",
    "-t",
    "--timeout",
    "--settle",
    "--report-dir",
    "--max-non-conforming",
    "--max-error-rate",
    "--max-p95",
    "--max-p99",
    "--min-rps",
)
_MASTER_ONLY = ("--expect-workers", "--expect-workers-max-wait", "--master-bind-host", "--master-bind-port")
_WORKER_ONLY = ("--master-host", "--master-port")


def usage_mistake(args: argparse.Namespace, given: list[str]) -> str | None:
    """What is wrong with a combination of options (each value was checked on its own)."""
    if args.master and args.worker:
        return "--master and --worker exclude each other: a process is one or the other"
    if args.worker:
        if name := _named(given, *_MASTERS, *_MASTER_ONLY):
            return f"{name} is the master's to give: a worker takes the target and the options from its master"
        return None
    if name := _named(given, *_WORKER_ONLY):
        return f"{name} is a worker's option (with --worker)"
    if not args.master and (name := _named(given, *_MASTER_ONLY)):
        return f"{name} is the master's option (with --master)"
    if args.base_url is not None and not args.base_url.startswith(("http://", "https://")):
        return f"--base-url must be an http(s) URL, got {args.base_url!r}"
    return None
