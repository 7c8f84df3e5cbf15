"""Side by side over the whole catalogue of variants (issue 5): plain `schemathesis run` (the same
pinned version, on the same spec, `--checks all`) against our suite. Run:
`python -m benchmarks.suite_vs_schemathesis` (about 15 minutes on 2 cores).

For each variant: does the tool fail a faulty server (a detection) or a conforming one (a false
alarm), and how long did it take? For our suite a detection also has to name the right clause.
Plain Schemathesis fails the reference server itself (ST202: the server refuses IDs and quotas that
OpenAPI 3.0 cannot describe, as AWS does), so its detections are also counted "beyond baseline":
with a failure code it does not already raise against the reference server. The table is printed
and written to reports/comparison.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pinpoint_conformance import spec
from proof.suite_runs import ROOT, run_suite
from proof.variants import CONFORMING, FAULTY, Variant


def plain_schemathesis(base_url: str, document: Path, folder: Path) -> tuple[bool, float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            str(document),
            "--url",
            base_url,
            "--checks",
            "all",
            "--request-timeout",
            "3",
            "--seed",
            "20261129",
            "--report-json-path",
            str(folder / "st.json"),
        ],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        cwd=folder,  # Schemathesis keeps a cache of crashes in .schemathesis/ of its working folder and
    )  # replays them in later runs: each run gets a fresh folder, so that no variant inherits another's
    codes = sorted({line.split()[1] for line in result.stdout.splitlines() if line.strip().startswith("❌ ST")})
    return result.returncode != 0, time.monotonic() - started, ",".join(codes)


def ours(variant: Variant, base_url: str, folder: Path) -> tuple[bool, bool, float]:
    started = time.monotonic()
    run = run_suite(base_url, folder, profile=variant.profile, options=variant.options)
    return run.exit_code != 0, variant.judged_right(run.exit_code, run.failed), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="variant names (default: all)")
    args = parser.parse_args()
    variants = [v for v in FAULTY + CONFORMING if not args.only or v.name in args.only]
    rows, totals = [], {"st_detect": 0, "st_beyond": 0, "st_alarm": 0, "st_time": 0.0, "our_detect": 0,
                        "our_right": 0, "our_alarm": 0, "our_time": 0.0}  # fmt: skip
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        document = folder / "pinpoint.openapi.json"
        document.write_text(json.dumps(spec.load_bundle()))
        from pinpoint_conformance.reference import create_app, start_in_thread

        with start_in_thread(create_app()) as reference:
            _, _, baseline_codes = plain_schemathesis(reference.base_url, document, folder)
        baseline = set(filter(None, baseline_codes.split(",")))
        print(f"plain Schemathesis against the reference server: {baseline_codes or 'no failure'}", flush=True)
        for variant in variants:
            with variant.serve() as base_url:
                st_failed, st_time, codes = plain_schemathesis(base_url, document, folder)
            with variant.serve() as base_url:
                our_failed, our_right, our_time = ours(variant, base_url, folder / variant.name)
            if variant.conforming:
                totals["st_alarm"] += st_failed
                totals["our_alarm"] += our_failed
            else:
                totals["st_detect"] += st_failed
                totals["st_beyond"] += bool(set(filter(None, codes.split(","))) - baseline)
                totals["our_detect"] += our_failed
                totals["our_right"] += our_right
            totals["st_time"] += st_time
            totals["our_time"] += our_time
            kind = "conforming" if variant.conforming else f"clause {variant.clause}"
            st_cell = ("FALSE ALARM " if variant.conforming else "detected ") + codes if st_failed else "passed"
            our_cell = ("FALSE ALARM" if variant.conforming else ("detected" + ("" if our_right else " (wrong id)"))
                        ) if our_failed else "passed"  # fmt: skip
            rows.append(f"| {variant.name} | {kind} | {st_cell} | {st_time:.1f} | {our_cell} | {our_time:.1f} |")
            print(rows[-1], flush=True)
    faulty, conforming = sum(not v.conforming for v in variants), sum(v.conforming for v in variants)
    summary = [
        "| Tool | Faults detected | Detected beyond its baseline / for the right clause | False alarms | Wall time |",
        "|---|---|---|---|---|",
        f"| plain `schemathesis run --checks all` | {totals['st_detect']}/{faulty} | {totals['st_beyond']}/{faulty} "
        f"(codes other than {','.join(sorted(baseline)) or 'none'}) | {totals['st_alarm']}/{conforming} | "
        f"{totals['st_time']:.0f} s |",
        f"| `pytest conformance` | {totals['our_detect']}/{faulty} | {totals['our_right']}/{faulty} | "
        f"{totals['our_alarm']}/{conforming} | {totals['our_time']:.0f} s |",
    ]
    header = ["", "| Variant | Kind | Schemathesis | s | Our suite | s |", "|---|---|---|---|---|---|"]
    text = "\n".join([*summary, *header, *rows]) + "\n"
    (ROOT / "reports").mkdir(exist_ok=True)
    (ROOT / "reports" / "comparison.md").write_text(text)
    print("\n" + "\n".join(summary))


if __name__ == "__main__":
    main()
