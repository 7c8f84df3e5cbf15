"""How far a verdict is from what the suite's design cannot go below, measured in one run next to
the suite's own time (issue 9, point 4: a verdict in under 3 s). Run:
`.venv/bin/python -m benchmarks.verdict_floor [--repeat 5]`; it prints a Markdown table and writes
it with the raw times to reports/verdict-floor.{md,json}.

The design fixes two costs that no change to the suite's own code can remove:
- start-up: a process that imports what the suite's process imports from other projects (pytest,
  requests, urllib3, jsonschema);
- wire: as many requests as a verdict sends, one after the other (a conforming server may serve one
  connection at a time), each a GET of a user with one endpoint on one kept-alive connection with
  the standard library's http.client: the server's time plus the least a client can spend.
The floor is the sum of the two medians. What the suite spends above it is its own: its modules,
pytest's plugin loading, collection and per-test machinery, the checks' parsing and judging of
every response, Schemathesis' response checks, PC903's sequences (drawn as they are sent), the
reports.
A third column, generation, is what the property worker does before the suite hands it the wire:
a process that imports Schemathesis and Hypothesis, loads the User resource's document and draws
PC901's 2N and PC902's N examples, sending nothing (its drawing alone is the column). It is not in
the floor: the worker does it on the other core while the suite's other checks run. Until
commit b816b28 the suite did all of it in its own process, and this script counted the imports
and the drawing in the floor.
The count of requests comes from one run of the suite against the reference server wrapped in a
counter (benchmarks/counted_reference.py), and is used for both targets.

Both targets are started beforehand (`--base-url`): the reference server, and the minimal
standard-library server of proof/independent/. The suite and the probes run with
PYTHONDONTWRITEBYTECODE=1; the targets with the benchmark's own environment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import provenance
from benchmarks.suite_runtime import run_suite, target
from pinpoint_conformance import spec
from pinpoint_conformance.harness.settings import DEFAULT_MAX_EXAMPLES
from proof.processes import ROOT, free_port, running

TARGETS = ("reference server (--base-url)", "standard-library server (proof/independent)")


@dataclass
class Measured:
    target: str
    requests: int
    suite: list[float]
    startup: list[float]
    generation: list[float]
    wire: list[float]
    verdict: str = "?"  # the suite's, on the last run: the standard-library server does not conform

    def median(self, name: str) -> float:
        return statistics.median(getattr(self, name))

    @property
    def floor(self) -> float:
        return self.median("startup") + self.median("wire")


def count_requests(env: dict[str, str]) -> int:
    """The requests one verdict sends, as the reference server's application counts them."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        count_file = Path(folder) / "count"
        command = [sys.executable, "-m", "benchmarks.counted_reference", "--port", str(port),
                   "--count-file", str(count_file)]  # fmt: skip
        with running(command, port) as base_url:
            _, verdict = run_suite(base_url, env)
        if verdict != "CONFORMS":
            raise SystemExit(f"the counted reference server got the verdict {verdict}, not CONFORMS")
        return int(count_file.read_text())


def probe(arguments: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds of the probe's process, the seconds it reports for its own measurement)."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "benchmarks.floor_probe", *arguments], capture_output=True,
                            text=True, check=False, env=env, cwd=ROOT, timeout=600)  # fmt: skip
    elapsed = time.monotonic() - started
    if result.returncode:
        raise SystemExit(f"floor_probe {arguments[0]} failed: {result.stderr[-2000:]}")
    return elapsed, json.loads(result.stdout)["seconds"]


def measure(repeat: int) -> list[Measured]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    requests = count_requests(env)
    print(f"a verdict sends {requests} requests", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "spec.json"
        document.write_text(json.dumps(spec.load_user_spec()))
        for name in TARGETS:
            with target(name) as base_url:
                assert base_url is not None
                row = Measured(name, requests, [], [], [], [])
                for _ in range(repeat):  # interleaved, so that a noisy spell spreads over every column
                    elapsed, row.verdict = run_suite(base_url, env)
                    row.suite.append(elapsed)
                    row.startup.append(probe(["startup"], env)[0])
                    row.generation.append(probe(["draw", str(document), str(DEFAULT_MAX_EXAMPLES)], env)[1])
                    row.wire.append(probe(["wire", base_url, str(requests)], env)[1])
                results.append(row)
                print(row, flush=True)
    return results


def table(results: list[Measured]) -> str:
    lines = ["| Target | Suite (median, verdict) | Start-up | Wire | Floor (start-up + wire) | Suite − floor "
             "| Floor ÷ suite | Generation (the worker's, not in the floor) |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in results:
        suite = r.median("suite")
        lines.append(f"| {r.target} | {suite:.2f} s, {r.verdict} | {r.median('startup'):.2f} s"
                     f" | {r.median('wire'):.2f} s ({r.requests} requests) | {r.floor:.2f} s"
                     f" | {suite - r.floor:.2f} s | {r.floor / suite:.2f}"
                     f" | {r.median('generation'):.2f} s |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started, where, measured = provenance.now(), provenance.machine(), provenance.commit()
    results = measure(args.repeat)
    text = table(results)
    print(text)
    header = (f"Measured {provenance.when(started, provenance.now())} by `python -m benchmarks.verdict_floor --repeat "
              f"{args.repeat}` at commit {measured}. Machine: {where}. PYTHONDONTWRITEBYTECODE=1; medians of "
              f"{args.repeat} runs, interleaved. The floor is what the design costs before any code of the "
              "suite's own runs (see the script's docstring).\n\n")  # fmt: skip
    measured_rows = [asdict(r) | {"floor": r.floor, "suite_median": r.median("suite")} for r in results]
    provenance.write_report("verdict-floor", "The floor under a verdict", header, text, measured_rows)


if __name__ == "__main__":
    main()
