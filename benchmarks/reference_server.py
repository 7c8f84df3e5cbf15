"""Benchmark of the reference server (issue 3). Run: `python -m benchmarks.reference_server`.

1. Throughput and latency of GET for a user with 15 endpoints, against the HTTP stack's ceiling
   (a minimal app on the same Starlette + uvicorn), measured in the same run by the same client.
2. GET latency with 10^3 against 10^6 stored endpoints: the (application, user) index keeps it flat.

The machines are shared and noisy: read the ratios, not the absolute figures.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.load import closed_loop
from pinpoint_conformance.reference.store import SCHEMA, cohort_of, now_iso
from proof.processes import free_port, running

APP = "benchmarkapp"


def build_db(path: Path, total: int) -> None:
    """`total` endpoints in one application: 15 for the user measured, the rest spread over users
    of 10 endpoints each (written with SQLite directly: a million UpdateEndpoint calls would
    measure the client)."""
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    stamp = now_iso()
    db.execute("INSERT INTO applications VALUES (?, ?)", (APP, json.dumps({"Id": APP, "Arn": "arn", "Name": "b"})))

    def rows(start: int, stop: int, user: str | None = None):
        for n in range(start, stop):
            owner = user or f"user-{n // 10}"
            document = {"ApplicationId": APP, "Id": f"e{n}", "CohortId": cohort_of(APP, f"e{n}"), "CreationDate": stamp,
                        "EffectiveDate": stamp, "EndpointStatus": "ACTIVE", "OptOut": "NONE", "ChannelType": "EMAIL",
                        "Address": f"e{n}@example.com", "User": {"UserId": owner}}  # fmt: skip
            yield APP, f"e{n}", owner, json.dumps(document)

    db.executemany("INSERT INTO endpoints VALUES (?, ?, ?, ?)", rows(0, 15, "measured"))
    for start in range(15, total, 100_000):
        db.executemany("INSERT INTO endpoints VALUES (?, ?, ?, ?)", rows(start, min(total, start + 100_000)))
    db.commit()
    db.close()


def reference_command(db: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "pinpoint_conformance", "serve", "--port", str(port), "--db", str(db)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--large", type=int, default=1_000_000)
    args = parser.parse_args()
    path = f"/v1/apps/{APP}/users/measured"
    with tempfile.TemporaryDirectory() as folder:
        small, large = Path(folder) / "small.sqlite", Path(folder) / "large.sqlite"
        build_db(small, 1_000)
        started = time.monotonic()
        build_db(large, args.large)
        print(f"built a database of {args.large:,} endpoints in {time.monotonic() - started:.0f} s")

        port = free_port()
        with running([sys.executable, "-m", "uvicorn", "benchmarks.minimal_app:app", "--port", str(port), "--log-level",
                    "warning", "--no-access-log"], port):  # fmt: skip
            ceiling = closed_loop(port, "/", args.connections, args.seconds)
        port = free_port()
        with running(
            [sys.executable, "-m", "pinpoint_conformance", "serve", "--port", str(port), "--db", str(small)], port
        ):
            reference = closed_loop(port, path, args.connections, args.seconds)
            small_latency = closed_loop(port, path, 1, args.seconds).latencies_ms
        port = free_port()
        with running(
            [sys.executable, "-m", "pinpoint_conformance", "serve", "--port", str(port), "--db", str(large)], port
        ):
            large_latency = closed_loop(port, path, 1, args.seconds).latencies_ms

    print(f"\n{args.connections} keep-alive connections, {args.seconds:g} s each, one machine (client and server)\n")
    print("| Target | Requests/s | p50 ms | p99 ms |\n|---|---|---|---|")
    print(ceiling.row("minimal app, same stack (ceiling)"))
    print(reference.row("reference server, GET of a user with 15 endpoints"))
    print(f"\nThroughput ratio reference/ceiling: {reference.rps / ceiling.rps:.2f}")
    small_p50, large_p50 = statistics.median(small_latency), statistics.median(large_latency)
    print("\n| Stored endpoints | GET p50 ms | GET p99 ms |\n|---|---|---|")
    for label, values in (("1,000", small_latency), (f"{args.large:,}", large_latency)):
        ordered = sorted(values)
        print(f"| {label} | {statistics.median(values):.3f} | {ordered[int(0.99 * len(ordered))]:.3f} |")
    print(f"\nLatency ratio {args.large:,}/1,000 stored endpoints (p50): {large_p50 / small_p50:.2f}")


if __name__ == "__main__":
    main()
