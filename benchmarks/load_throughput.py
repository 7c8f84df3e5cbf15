"""Throughput of the reference server under `pinpoint-conformance load` (Locust), in one run. Run:
`.venv/bin/python -m benchmarks.load_throughput [--seconds 20] [--users 24]`; it prints a Markdown
table and writes it with the raw numbers to reports/load-throughput.{md,json}.

The reference server runs in a process of its own (`serve`, in memory), and is loaded twice, the
same number of virtual users each time: by one Locust process, then by Locust's master and two
workers (all on this machine, on 127.0.0.1). Each row gives what the load command reports
(requests per second, latency, errors, non-conforming responses, writes looked for after the load)
and the server process's CPU time per request, read from the operating system: on a machine whose
cores the load generator shares, the requests per second measure the client as much as the
server, and the server's CPU time per request is what says how much one core of it serves.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import psutil  # Locust's own dependency: the load extra brings it

from benchmarks import provenance
from pinpoint_conformance.server_process import wait_until_listening
from proof.processes import ROOT, free_port

LOAD = [sys.executable, "-m", "pinpoint_conformance", "load"]


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _load(base_url: str, users: int, seconds: int, workers: int, folder: Path) -> dict[str, Any]:
    """One load run's report (load.json); `workers` 0: one Locust process."""
    options = [
        "--base-url",
        base_url,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--report-dir",
        str(folder),
    ]
    if not workers:
        subprocess.run([*LOAD, *options], cwd=folder, capture_output=True, check=False, timeout=seconds + 300)
        return json.loads((folder / "load.json").read_text())
    port = str(free_port())
    master = subprocess.Popen(
        [
            *LOAD,
            *options,
            "--master",
            "--expect-workers",
            str(workers),
            "--master-bind-host",
            "127.0.0.1",
            "--master-bind-port",
            port,
        ],
        cwd=folder,
        stdout=subprocess.DEVNULL,
    )
    started = [
        subprocess.Popen(
            [*LOAD, "--worker", "--master-host", "127.0.0.1", "--master-port", port],
            cwd=folder,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    for process in (master, *started):
        process.wait(timeout=seconds + 300)
    return json.loads((folder / "load.json").read_text())


def measure(label: str, users: int, seconds: int, workers: int) -> dict[str, Any]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pinpoint_conformance", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, server, 60)
        cpu = psutil.Process(server.pid)
        before = _cpu_seconds(cpu)
        with tempfile.TemporaryDirectory() as folder:
            report = _load(f"http://127.0.0.1:{port}", users, seconds, workers, Path(folder))
        server_cpu = _cpu_seconds(cpu) - before
    finally:
        server.terminate()
        server.wait(timeout=20)
    total = report["statistics"]["total"]
    served = report["requests"] + report["after_the_load"]["gets"] + 3  # the set-up, the clean-up
    return {
        "load": label,
        "users": users,
        "seconds": seconds,
        "requests": report["requests"],
        "rps": total["rps"],
        "latency_ms": total["latency_ms"],
        "errors": report["errors"]["total"],
        "non_conforming": report["non_conforming"]["count"],
        "writes_looked_for": report["after_the_load"]["writes"],
        "lost": report["after_the_load"]["lost"],
        "verdict": report["verdict"],
        "server_cpu_s": round(server_cpu, 2),
        "server_cpu_ms_per_request": round(1000 * server_cpu / served, 3) if served else None,
        "locust_version": report["load"]["locust_version"],
    }


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| Load | Virtual users | Requests | Requests/s | p50 ms | p95 ms | p99 ms | Errors | Non-conforming | "
        "Writes looked for after the load (lost) | Server CPU per request |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        latency = row["latency_ms"]
        lines.append(
            f"| {row['load']} | {row['users']} | {row['requests']:,} | {row['rps']:,.0f} | {latency['p50']} | "
            f"{latency['p95']} | {latency['p99']} | {row['errors']} | {row['non_conforming']} | "
            f"{row['writes_looked_for']:,} ({row['lost']}) | {row['server_cpu_ms_per_request']} ms |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=24)
    args = parser.parse_args()
    started, machine, commit = provenance.now(), provenance.machine(), provenance.commit()
    rows = [
        measure("one Locust process", args.users, args.seconds, 0),
        measure("Locust master + 2 workers", args.users, args.seconds, 2),
    ]
    header = (
        f"Measured {provenance.when(started, provenance.now())} by `python -m benchmarks.load_throughput "
        f"--seconds {args.seconds} --users {args.users}` at commit {commit}, Locust {rows[0]['locust_version']}. "
        f"Machine: {machine}. The reference server (in memory), the load command and Locust share the "
        "machine's cores: the requests per second measure the client as much as the server; the server's "
        "CPU time per request (its process's user and system time over every request it served) is the "
        "server's own cost.\n\n"
    )
    text = table(rows)
    print(header + text)
    provenance.write_report("load-throughput", "Reference server under load (Locust)", header, text, rows)


if __name__ == "__main__":
    main()
