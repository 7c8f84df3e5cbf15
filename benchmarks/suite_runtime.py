"""How long the suite takes against the embedded reference server (issue 4: "well within 60 s on
a 2-core machine"). Run: `.venv/bin/python -m benchmarks.suite_runtime`.

Each configuration is run --repeat times as a user runs it (`pinpoint-conformance run`, a process
of its own, start-up included); the table gives the median and the slowest wall time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

CONFIGURATIONS = {
    "core (default)": [],
    "aws": ["--profile", "aws"],
    "strict": ["--profile", "strict"],
    "core, -n 2": ["-n", "2"],
    "core, --max-examples 200": ["--max-examples", "200"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| Configuration | Median wall time | Slowest | Verdict |\n|---|---|---|---|")
    for label, options in CONFIGURATIONS.items():
        times, verdicts = [], set()
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as reports:
                started = time.monotonic()
                result = subprocess.run([sys.executable, "-m", "pinpoint_conformance", "run", "--report-dir", reports,
                                         "-q", "-p", "no:cacheprovider", *options],
                                        capture_output=True, text=True, check=False)  # fmt: skip
                times.append(time.monotonic() - started)
            verdicts.add(result.stdout.strip().splitlines()[-1].split(" — ")[0].split(": ")[-1])
        print(f"| {label} | {statistics.median(times):.1f} s | {max(times):.1f} s | {', '.join(sorted(verdicts))} |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
