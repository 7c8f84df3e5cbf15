"""`pinpoint-conformance`: serve the reference server, run the conformance suite, record a transcript of
what a server answers, compare a server with one, or load a server with Locust."""

from __future__ import annotations

import argparse
import difflib
import gc
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import __version__, early

USAGE_ERROR = 4  # pytest's code for a usage error, which README gives for every one


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error told in two lines and exiting with the suite's code for it (4,
    not argparse's 2: README gives 2 to an interrupted run)."""

    def error(self, message: str) -> NoReturn:
        # The mistake and where help is, not the whole usage (nine lines for `run`).
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n(`{self.prog} --help` lists the options)\n")


def _usage_mistake(rest: list[str], known: list[str]) -> str | None:
    """What is wrong with arguments left for pytest that are mistakes of this command's usage: a URL
    without --base-url, or a misspelling of one of the suite's options."""
    for argument in rest:
        if argument.startswith(("http://", "https://")):
            return f"{argument} was given without --base-url: did you mean --base-url {argument}?"
        name = argument.split("=", 1)[0]
        if name.startswith("--") and name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
            if close:
                return f"unrecognized option {name}: did you mean {close[0]}?"
    return None


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a fraction from 0 to 1")
    return value


def _serve(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `run` must hand pytest a process that has not imported the
    # server's stack yet (pytest rewrites the asserts of plugins it loads itself).
    from .lifeline import exit_when_stdin_closes
    from .reference import FaultOptions, create_app, serve

    if args.exit_when_stdin_closes:
        exit_when_stdin_closes()
    faults = FaultOptions(throttle=args.throttle, latency_ms=args.latency)
    try:
        serve(create_app(args.db or ":memory:", faults), args.host, args.port)
    except KeyboardInterrupt:  # uvicorn raises the Ctrl-C again once it has shut down: the way to stop it
        print("pinpoint-conformance: the reference server stopped")
    return 0


def _load(parser: argparse.ArgumentParser, args: argparse.Namespace, rest: list[str], argv: list[str]) -> int:
    from .harness.settings import writable_folder
    from .load import command, options

    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if (mistake := options.usage_mistake(args, argv[1:])) or (mistake := command.locust_missing()):
        parser.error(mistake)
    if not args.worker and (why := writable_folder(Path(args.report_dir))) is not None:
        parser.error(f"--report-dir {args.report_dir}: reports cannot be written there ({why})")
    return command.run(args)


def _suite_arguments(args: argparse.Namespace) -> list[str]:
    """The suite's options the user gave, back in pytest's command-line form."""
    from pinpoint_conformance.harness.settings import option_specs

    out: list[str] = []
    for spec in option_specs():
        value = getattr(args, spec.options.get("dest") or spec.name.lstrip("-").replace("-", "_"), None)
        if value is None:
            continue
        action = spec.options.get("action")
        if action == "store_true":
            out += [spec.name] if value else []
        elif action == "append":
            for item in value:
                out += [spec.name, str(item)]
        else:
            out += [spec.name, str(value)]
    return out


def _run(args: argparse.Namespace, pytest_args: list[str]) -> int:
    gc.disable()  # until the session starts (early.GC_PAUSED)
    early.GC_PAUSED.put(True)
    # The property worker and, with no --base-url, the embedded reference server are started before
    # pytest is imported, so that their start-up overlaps all of the suite's; the suite's plugin
    # takes them (or ends them, when the run does not use them).
    if not (args.no_property_worker or args.record or args.transcript):
        from .harness import worker_launch

        worker_launch.EARLY.put(worker_launch.launch())
    if not (args.base_url or os.environ.get("PINPOINT_BASE_URL")):
        from . import server_process

        server_process.EARLY.put(server_process.start())
    import pytest

    from pinpoint_conformance import suite_dir

    # --assert=plain: the suite's checks raise their own failures, and rewriting the asserts of
    # every installed pytest plugin (Schemathesis' whole package among them) doubled the start-up
    # wherever bytecode is not cached (PYTHONDONTWRITEBYTECODE=1). See benchmarks/suite_runtime.py.
    # Installed pytest plugins the suite does not use, which would only add imports: Schemathesis' and
    # Hypothesis' (only the property worker needs those tools, and it loads no pytest plugin), and
    # those of anyio and typeguard, which the suite's dependencies bring (asyncio among their imports).
    unused = ("schemathesis", "hypothesispytest", "anyio", "typeguard")
    # pytest's cache (--lf, --ff) goes with the suite's other caches, not into pytest's rootdir: a run
    # leaves nothing in the user's folder but its reports.
    from pinpoint_conformance.harness.settings import cache_dir

    options = [str(suite_dir()), "--assert=plain", *(f"-pno:{name}" for name in unused),
               "-o", f"cache_dir={cache_dir() / 'pytest'}", *_suite_arguments(args), *pytest_args]  # fmt: skip
    try:
        return int(pytest.main(options))
    finally:
        if early.GC_PAUSED.take():  # pytest stopped before the session started (a usage error)
            gc.enable()


def _compare(args: argparse.Namespace, pytest_args: list[str]) -> int:
    """The suite with --transcript; its exit code is the comparison's: 0 when nothing differs beyond
    what --tolerate names, 1 otherwise (pytest's own 2, 3 and 4 stay)."""
    code = _run(args, pytest_args)
    report = Path(args.report_dir or "reports") / "conformance.json"
    if code in (2, 3, 4) or not report.exists():
        return code
    parity = json.loads(report.read_text(encoding="utf-8")).get("parity") or {}
    return 0 if parity.get("outcome") == "MATCHES" else 1


def _add_suite_options(command: argparse.ArgumentParser) -> None:
    """The suite's own options (harness/settings.py), so that `run --help` lists them; a value
    not given is left to the suite's default, which the help text states."""
    from pinpoint_conformance.harness.settings import option_specs

    group = command.add_argument_group(
        "the suite's options (also accepted by `pytest --pyargs pinpoint_conformance.suite`)"
    )
    for spec in option_specs():
        default = False if spec.options.get("action") == "store_true" else None
        group.add_argument(spec.name, **{**spec.options, "default": default})


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The suite's options (harness/settings.py) are declared for the commands that run the suite
    # only: `serve` (the embedded server's process, which starts beside the suite's) does not need them.
    serving = argv[:1] == ["serve"]
    parser = _Parser(prog="pinpoint-conformance", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve_cmd = commands.add_parser("serve", help="run the reference server",
                                    description="Run the reference server in the foreground; it prints the URL it "
                                    "listens on. Ctrl-C stops it.")  # fmt: skip
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=8080, help="port, 0 for any free one (default 8080)")
    serve_cmd.add_argument("--db", help="SQLite file (default: in memory, lost at exit)")
    serve_cmd.add_argument(
        "--throttle",
        type=_fraction,
        default=0.0,
        help="answer this share of requests (0 to 1) with 429 TooManyRequestsException (default 0)",
    )
    serve_cmd.add_argument(
        "--latency", type=float, default=0.0, metavar="MS", help="delay every response by MS milliseconds (default 0)"
    )
    serve_cmd.add_argument(
        "--exit-when-stdin-closes",
        action="store_true",
        help="stop when standard input is closed (how the suite ends the server it starts)",
    )

    run_cmd = commands.add_parser(
        "run",
        help="run the conformance suite",
        description="Run the conformance suite. Options not listed here are passed to pytest (e.g. -n 2, -k listing).",
    )
    if not serving:
        _add_suite_options(run_cmd)

    record_cmd = commands.add_parser(
        "record",
        help="record a transcript of what a server answers to the suite's deterministic scenarios",
        description="Run the suite and write a transcript of its deterministic scenarios (--out FILE), volatile "
        "values replaced by placeholders. The exit code is the suite's verdict's.",
    )
    record_cmd.add_argument("--out", required=True, metavar="FILE", help="where the transcript goes")
    if not serving:
        _add_suite_options(record_cmd)
    compare_cmd = commands.add_parser(
        "compare",
        help="compare a server with a recorded transcript",
        description="Run the suite against --base-url and report every difference from --transcript FILE, beyond "
        "those --tolerate FILE names. Exit 0 when nothing else differs, 1 otherwise.",
    )
    if not serving:
        _add_suite_options(compare_cmd)

    from .load.options import add_parser as add_load_parser

    load_cmd = add_load_parser(commands, serving)

    args, rest = parser.parse_known_args(argv)
    if args.command == "load":
        return _load(load_cmd, args, rest, argv)
    if args.command == "serve":
        if rest:
            parser.error(f"unrecognized arguments: {' '.join(rest)}")
        return _serve(args)
    from pinpoint_conformance.harness.settings import option_specs, writable_folder

    if mistake := _usage_mistake(rest, [spec.name for spec in option_specs()]):
        parser.error(mistake)
    report_dir = args.report_dir or "reports"
    if (why := writable_folder(Path(report_dir))) is not None:
        parser.error(f"--report-dir {report_dir}: reports cannot be written there ({why})")
    if args.command == "record":
        args.record = args.out
    if args.command == "compare":
        if not args.transcript:
            parser.error("compare needs --transcript FILE")
        return _compare(args, rest)
    return _run(args, rest)


if __name__ == "__main__":
    sys.exit(main())
