"""Verdicts on slower cores: every Python process of a run (the suite's, the server's, the property
worker's) capped at a share of one core, each in a cgroup of its own, against the three targets of
benchmarks/suite_runtime.py (the embedded reference server, the reference server by URL, the
standard-library server), and the main job of older checkouts under the same cap, run by run
alternating. Run (Linux, cgroup v1's cpu controller, as root): `.venv/bin/python -m
benchmarks.slow_cores [--share 0.33] [--repeat 5] [--before DIR]...`; it prints a Markdown table and
writes it with the raw times to reports/slow-cores.{md,json}.

Why: these machines drift. Commit a20ff56's main job took a median of 8.8 s at 11:09-11:19 UTC on
2026-11-30 and 2.7 s at 17:15-17:19 UTC, and the suite's code of that morning took 2.9-3.4 s a
verdict on the slow hour against 1.0-1.2 s on the fast ones. A verdict's time on a slow hour is
what a user on a busy machine gets, and it could only be guessed from the ratios of a fast hour.
A cap per process takes time from every process alike, as a slower core does, and leaves the two
cores to run in parallel; one cap on the whole run would also take that parallelism away, which a
slower machine does not (it would penalise a run that spreads its work over processes).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from benchmarks import provenance
from benchmarks.suite_runtime import TARGETS, Row, older_checkout, run_suite, target
from proof.processes import ROOT

CAP_FOLDER = Path(__file__).resolve().parent / "core_cap"  # its sitecustomize.py caps each process
CGROUP_CPU = Path("/sys/fs/cgroup/cpu")


def cap_root() -> Path:
    """A cgroup for the run's capped processes, or SystemExit saying why there cannot be one."""
    root = CGROUP_CPU / "pinpoint-slow-cores"
    try:
        root.mkdir(exist_ok=True)
        (root / "cpu.cfs_quota_us").read_text()
    except OSError as error:
        raise SystemExit(f"no cgroup v1 cpu controller to write to at {CGROUP_CPU} ({error}): run as root on "
                         "Linux with cgroup v1's cpu controller mounted") from None  # fmt: skip
    return root


def remove_groups(root: Path) -> None:
    """The per-process cgroups the run left (empty once their processes have ended)."""
    for group in root.glob("p*"):
        with contextlib.suppress(OSError):  # a process still in it: the next run removes it
            group.rmdir()


@contextmanager
def capped(share: float, root: Path) -> Iterator[dict[str, str]]:
    """The environment of a capped run; os.environ is that environment meanwhile, so that a server
    started for a target (proof.processes.running) is capped too."""
    saved = dict(os.environ)
    os.environ.update({"PYTHONDONTWRITEBYTECODE": "1", "PINPOINT_CORE_SHARE": str(share),
                       "PINPOINT_CORE_CAP_ROOT": str(root), "PYTHONPATH": str(CAP_FOLDER)})  # fmt: skip
    try:
        yield dict(os.environ)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def measure(share: float, repeat: int, befores: list[Path], root: Path) -> list[Row]:
    rows: list[Row] = []
    with capped(share, root) as env:
        for name in TARGETS:
            with target(name) as base_url:
                checkouts = [ROOT, *(befores if base_url is None else [])]
                runs: dict[Path, list[tuple[float, str]]] = {checkout: [] for checkout in checkouts}
                for _ in range(repeat):  # alternating, so that a noisy spell touches every checkout alike
                    for checkout in checkouts:
                        path, blocked = ([], ()) if checkout == ROOT else older_checkout(checkout)
                        env_of = {**env, "PYTHONPATH": os.pathsep.join([str(CAP_FOLDER), *path])}
                        runs[checkout].append(run_suite(base_url, env_of, checkout, blocked))
                    remove_groups(root)
                for checkout in checkouts:
                    before = "" if checkout == ROOT else " (before)"
                    tool = f"pinpoint-conformance at {provenance.commit(checkout)}{before}"
                    rows.append(Row(name, tool, "no", [t for t, _ in runs[checkout]], runs[checkout][-1][1]))
                    print(rows[-1], flush=True)
    remove_groups(root)
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| Target | Suite | Median wall time | Slowest | Raw times (s) | Outcome | This checkout ÷ this |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    current = {row.target: row.median for row in rows if not row.tool.endswith("(before)")}
    for row in rows:
        ratio = f"{current[row.target] / row.median:.2f}×" if row.tool.endswith("(before)") else ""
        raw = " ".join(f"{t:.2f}" for t in sorted(row.times))
        lines.append(f"| {row.target} | {row.tool} | {row.median:.2f} s | {max(row.times):.2f} s | {raw} | "
                     f"{row.outcome} | {ratio} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--share", type=float, default=0.33, help="the share of one core each process gets")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", type=Path, action="append", default=[],
                        help="a checkout of an older commit: its main job is timed too (repeatable)")  # fmt: skip
    args = parser.parse_args()
    root = cap_root()
    started, where = provenance.now(), provenance.machine()
    rows = measure(args.share, args.repeat, args.before, root)
    text = table(rows)
    print(text)
    before = "".join(f" --before {path.name}" for path in args.before)
    header = (f"Measured {provenance.when(started, provenance.now())} by `python -m benchmarks.slow_cores --share "
              f"{args.share:g} --repeat {args.repeat}{before}` at commit {provenance.commit()}. Machine: {where}. "
              "Every Python process of a run "
              f"capped at {args.share:g} of one core, each in a cgroup of its own; PYTHONDONTWRITEBYTECODE=1; "
              "runs alternating between the checkouts. Wall times include process start-up.\n\n")  # fmt: skip
    medians = [asdict(r) | {"median": r.median} for r in rows]
    provenance.write_report("slow-cores", "Verdicts on slower cores", header, text, medians)


if __name__ == "__main__":
    main()
