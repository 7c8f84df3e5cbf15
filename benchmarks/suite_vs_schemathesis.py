"""Plain Schemathesis against our suite, side by side, on the catalogue of variants (issue 9, point 3).
Run: `python -m benchmarks.suite_vs_schemathesis [--variants a,b,c] [--out DIR]`.

For each target — the reference server first (the baseline), then every faulty and conforming
variant in proof/variants/ — three tools run, one after the other, each against a freshly started
server and in a brand-new temporary folder (its working folder, its reports, and for Schemathesis
its crash cache `.schemathesis/` and Hypothesis database `.hypothesis/`, which both live in the
working folder and would otherwise replay one variant's crashes against the next):

1. our suite, as a user runs it (proof.suite_runs.run_suite: `pytest conformance --base-url URL`),
   with its default options plus the variant's own (a short timeout for the hanging ones), not the
   catalogue's shortcut (--timeout 3);
2. `schemathesis run pinpoint.openapi.json --url URL --checks all`;
3. the same with `--exclude-checks positive_data_acceptance`.

Both sides get the same budget: Schemathesis' `--max-examples` is the suite's examples per
property-based check (its default from src/pinpoint_conformance/harness/settings.py, unless the variant sets one) and
its `--request-timeout` is the suite's `--timeout` for that variant; its `--seed` is fixed. Both
judge against the same spec: the conformance bundle the suite itself reads (`spec.load_bundle()`,
the User resource and the support calls that create applications and endpoints), that is the
released contract of spec/dist/ with the conformance overlay the suite applies (no nulls in
responses, among others). On the released contract alone, Schemathesis would be held to a looser
standard than the suite.

A tool detects a fault when it fails a faulty variant: the suite by its verdict (DOES NOT CONFORM,
exit 1), and for the right clause if the failed checks are exactly the variant's declared ones;
Schemathesis by a non-zero exit with a failure (an ST code) or an error (a timeout, a refused or
hung-up connection) in its JSON and JUnit reports. Failing a conforming variant is a false alarm.
Schemathesis' detections are also counted "beyond its baseline": reporting something it does not
report on the reference server. The tables are printed and written to reports/comparison.md, the
per-target rows to reports/comparison.json.

Duration, measured over the whole catalogue at 00d1512 (2026-11-30 14:21-14:45 UTC on a shared
2-core machine, 106 targets: the reference server and 105 variants): 23 minutes, 22.4 of them in the
tools' own runs; the suite's median 1.4 s a target, Schemathesis' 4.2 s and 5.2 s. The slowest
targets, for the three tools together: the slow variant (50 ms per response) 141 s, false-gzip 43 s,
intermittent-hang 25 s and stalled-stream 17 s. (At b86cdf7, 04:07-05:18 UTC the same day, a slower
hour of the machine, the whole catalogue took 71 minutes, with the same detections in every cell.)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from benchmarks import provenance
from benchmarks.comparison import (
    EXCLUDING,
    PLAIN,
    SEED,
    SPEC_FILE,
    SUITE,
    Budget,
    Row,
    ToolRun,
    budget_for,
    read_schemathesis,
    schemathesis_arguments,
    suite_defaults,
    suite_options,
    summary_table,
    variant_table,
)
from pinpoint_conformance import spec
from pinpoint_conformance.reference import create_app
from proof.suite_runs import ROOT, run_suite
from proof.variants import CONFORMING, FAULTY, Variant

REFERENCE = Variant("reference", "-", "the reference server itself (the baseline)", lambda: create_app())
OPERATION_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
TOOL_LIMIT = 1800  # seconds; a tool run still going by then is stopped and reported as not finished


def run_ours(variant: Variant, base_url: str, budget: Budget) -> ToolRun:
    with tempfile.TemporaryDirectory(prefix="suite-") as temp:
        started = time.monotonic()
        run = run_suite(base_url, Path(temp), profile=variant.profile, options=suite_options(variant.options))
        seconds = time.monotonic() - started
    reproduce = run.report.get("reproduce", "")
    if reproduce and f"--max-examples {budget.max_examples} --timeout {budget.timeout:g}" not in reproduce:
        raise RuntimeError(f"the suite ran with another budget than {budget}: {reproduce}")
    note = "" if run.report else f"exit {run.exit_code}, no report"
    right = None if variant.conforming or variant is REFERENCE else variant.judged_right(run.exit_code, run.failed)
    return ToolRun(run.exit_code, seconds, run.exit_code == 1, sorted(run.failed), right_clause=right, note=note)


def run_schemathesis(base_url: str, budget: Budget, document: str, *, exclude: bool) -> ToolRun:
    with tempfile.TemporaryDirectory(prefix="schemathesis-") as temp:
        folder = Path(temp)
        (folder / SPEC_FILE).write_text(document)
        command = [sys.executable, "-m", "schemathesis.cli",
                   *schemathesis_arguments(base_url, *budget.as_arguments(), exclude=exclude)]  # fmt: skip
        started = time.monotonic()
        exit_code: int | None = None  # stays None if it does not finish within TOOL_LIMIT
        with contextlib.suppress(subprocess.TimeoutExpired):
            exit_code = subprocess.run(command, cwd=folder, capture_output=True, timeout=TOOL_LIMIT).returncode
        return read_schemathesis(folder, exit_code, time.monotonic() - started)


def measure(variant: Variant, budget: Budget, document: str) -> Row:
    kind = "reference" if variant is REFERENCE else "conforming" if variant.conforming else "faulty"
    row = Row(variant.name, kind, variant.clause, sorted(variant.fails | variant.also), budget)
    with variant.serve() as base_url:
        row.runs[SUITE] = run_ours(variant, base_url, budget)
    for tool, exclude in ((PLAIN, False), (EXCLUDING, True)):
        with variant.serve() as base_url:
            row.runs[tool] = run_schemathesis(base_url, budget, document, exclude=exclude)
    return row


def machine() -> str:
    return f"{provenance.machine()}; Schemathesis {version('schemathesis')}; commit {provenance.commit()}"


def method(defaults: dict[str, Any], variants: list[Variant], operations: int, started: str, where: str) -> list[str]:
    examples, timeout = defaults["--max-examples"], defaults["--timeout"]
    faulty = sum(not v.conforming for v in variants)
    subset = "" if len(variants) == len(FAULTY + CONFORMING) else " (a subset of the catalogue)"
    return [
        "# Plain Schemathesis against the suite, on the catalogue of variants",
        "",
        f"Measured {started} by `python -m benchmarks.suite_vs_schemathesis`: {faulty} faulty and "
        f"{len(variants) - faulty} conforming variants{subset}, and the reference server as the baseline. "
        f"Machine: {where}. The tools ran one after the other, each against a freshly started server and "
        "in a brand-new temporary folder.",
        "",
        "Budget, the same on both sides for each target (the table's Budget column): N examples and a "
        f"per-response timeout of T seconds, the suite's defaults (N = {examples}, T = {timeout:g}) unless the "
        "variant's options set their own (a shorter T for the hanging variants). The suite spends N on PC902, "
        "2N on PC901 (generated GET and DELETE of the User resource) and max(5, N/4) stateful sequences of up "
        "to 6 steps on PC903, besides its fixed scenarios; Schemathesis spends N per operation in its fuzzing "
        "and stateful phases, besides the cases of its examples and coverage phases, which N does not bound.",
        "",
        "Commands (URL: the target; FOLDER: the fresh folder). Schemathesis runs in FOLDER, with the spec "
        f"written there as `{SPEC_FILE}`; the suite runs from the project root, where it is named as "
        "`conformance`, and writes only to FOLDER:",
        "",
        "- suite: `python -m pytest conformance --base-url URL --profile PROFILE --report-dir FOLDER -q "
        "-p no:cacheprovider --assert=plain` plus the variant's options (no cache; the suite's Hypothesis "
        "database is off)",
        "- `schemathesis "
        + " ".join(schemathesis_arguments("URL", "N", "T", exclude=False))
        + "` (as `python -m schemathesis.cli`, the same entry point)",
        "- the same with `--exclude-checks positive_data_acceptance`",
        "",
        f"The spec is the conformance bundle the suite reads (`spec.load_bundle()`: the released contract of "
        f"spec/dist/ with the suite's conformance overlay, {operations} operations), so that both judge against "
        f"the same document; Schemathesis' seed is {SEED}, the suite runs under its default seed.",
        "",
        "Detection: the suite detects a fault when its verdict is DOES NOT CONFORM (exit 1), for the right "
        "clause when the checks that failed are exactly the variant's declared `fails | also`; "
        "Schemathesis when it exits non-zero with a failure (ST code) or an error (timeout, refused or "
        "hung-up connection), read from its JSON and JUnit reports. On a conforming variant, a detection is a "
        'false alarm. "Beyond its baseline": a Schemathesis detection that reports a code or error it does '
        "not report on the reference server. Counts, medians and totals are over the variants; the reference "
        "server's row is the baseline and does not count.",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", help="comma-separated variant names (default: the whole catalogue)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="where comparison.{md,json} go")
    args = parser.parse_args()
    catalogue = list(FAULTY + CONFORMING)
    names = [name.strip() for name in args.variants.split(",") if name.strip()] if args.variants else []
    unknown = set(names) - {v.name for v in catalogue}
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    variants = [v for v in catalogue if not names or v.name in names]
    defaults = suite_defaults()
    bundle = spec.load_bundle()
    document = json.dumps(bundle)
    started = provenance.when(provenance.now())
    operations = sum(verb in OPERATION_METHODS for item in bundle["paths"].values() for verb in item)
    header = method(defaults, variants, operations, started, machine())
    rows = []
    for variant in [REFERENCE, *variants]:
        rows.append(measure(variant, budget_for(variant.options, defaults), document))
        print(variant_table(rows)[-1], flush=True)
    text = "\n".join([*header, *summary_table(rows), "", *variant_table(rows)]) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "comparison.md").write_text(text)
    (args.out / "comparison.json").write_text(json.dumps([row.as_dict() for row in rows], indent=1) + "\n")
    print("\n" + "\n".join(summary_table(rows)))


if __name__ == "__main__":
    main()
