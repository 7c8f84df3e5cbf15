"""How long a verdict takes against the embedded reference server, as a user runs it
(`pinpoint-conformance run`: a process of its own, start-up included). Run:
`.venv/bin/python -m benchmarks.suite_runtime [--repeat 3]`.

Each configuration runs --repeat times; the table gives the median and the slowest wall time. Every
configuration runs twice: with PYTHONDONTWRITEBYTECODE=1 (no bytecode cache, as in many CI and
container images) and without it (after a first, cache-warming run).

What the profile found (`python -X importtime`, and wall times with and without the option):
pytest rewrites the asserts of every module of every distribution that registers a pytest11
plugin, Schemathesis' whole package among them, and without a bytecode cache it does so on every
run. The suite's checks raise their own failures and need no rewritten asserts, so the CLI (and
the project's catalogue runner) pass `--assert=plain`; the "--assert=rewrite" row below is the
start-up as it was before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

CONFIGURATIONS = {
    "core (default)": [],
    "core, --assert=rewrite (as before)": ["--assert=rewrite"],
    "aws": ["--profile", "aws"],
    "strict": ["--profile", "strict"],
    "core, -n 2": ["-n", "2"],
    "core, --max-examples 200": ["--max-examples", "200"],
}


def run_once(options: list[str], env: dict[str, str]) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as reports:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "pinpoint_conformance", "run", "--report-dir", reports,
                                 "-q", "-p", "no:cacheprovider", *options],
                                capture_output=True, text=True, check=False, env=env)  # fmt: skip
        elapsed = time.monotonic() - started
    lines = result.stdout.strip().splitlines() or ["?"]
    return elapsed, lines[-1].split(" — ")[0].split(": ")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    no_cache = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    cache = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print("| Configuration | Bytecode cache | Median wall time | Slowest | Verdict |\n|---|---|---|---|---|")
    for label, options in CONFIGURATIONS.items():
        for cache_label, env in (("no (PYTHONDONTWRITEBYTECODE=1)", no_cache), ("yes", cache)):
            if env is cache:
                run_once(options, env)  # warm the cache
            runs = [run_once(options, env) for _ in range(args.repeat)]
            times = [elapsed for elapsed, _ in runs]
            verdicts = ", ".join(sorted({verdict for _, verdict in runs}))
            print(f"| {label} | {cache_label} | {statistics.median(times):.1f} s | {max(times):.1f} s | {verdicts} |",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
