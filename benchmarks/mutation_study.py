"""A mutation study of the outside implementation (proof/independent/pinpoint_emulator.py): which
mechanical mutants of it does the suite kill? Run:

    python -m benchmarks.mutation_study [--jobs N] [--sample K] [--only ID ...] [--out DIR]
        [--timeout S] [--operators a,b] [--schemathesis-sample K] [--list]

Without options every mutant runs, one at a time. `--sample K` runs every n-th mutant so that K run;
`--operators` keeps some operators only; `--only ID` (repeatable, or comma-separated) adds mutants,
and alone runs only those. `--list` prints the chosen mutants and runs nothing.

The mutants come from proof/mutants.py (deterministic, AST-based; `python -m proof.mutants FILE`
lists them). The unmutated emulator runs first: it is the baseline (today CONFORMS under core; the
recorded study's baseline, from before TRACE moved to strict, failed PC603 and PC902).
Then, for each mutant: its source is written to a temporary folder, it is
started as `python <file> --host 127.0.0.1 --port <free port>`, and the suite runs on it as a user
runs it (proof.suite_runs.run_suite: the catalogue's options, the suite's default seed, profile
core), writing its reports to a temporary folder of its own.

Outcomes:
- stillborn: the mutant did not listen within 10 s (it crashed at start-up); neither killed nor
  survived;
- killed: a check failed that the baseline did not fail, or a check the baseline ran to a result
  (pass, fail, warn, not exercised) did not (blocked, error, not run), or the suite's exit code is
  neither 0 nor 1 (an error). A failed check the baseline's run did not have at all (the suite was
  edited during the study) is noted, not counted;
- survived: none of these;
- timeout: the suite had not finished after `--timeout` seconds (the mutant's server is then
  stopped, which ends the run);
- suite error: the suite itself could not run (an import or syntax error in it, as while it is
  being edited) after retries a minute apart.

Score = killed / (killed + survived). Survivors are classified by hand in
proof/mutation/survivors.toml (mutant ID -> class "equivalent" | "outside-contract" | "missed" and a
reason); the in-contract score is killed / (killed + missed + unclassified), leaving out the
equivalent and outside-contract survivors. Whether a survivor's line ran during the baseline run is
not recorded: that needs `coverage`, which this project's environment does not install.

`--schemathesis-sample K` also runs plain and expert Schemathesis (benchmarks/suite_runtime.py's
commands, with JSON and JUnit reports read by benchmarks/comparison.py) on K of the mutants run,
each against a freshly started server, and records whether each reports anything it does not
report on the unmutated emulator ("beyond its baseline").

Writes `mutation-study.json` (every mutant run) and `mutation-study.md` (the scores, the table per
operator, the survivors) to `--out` (default reports/); nothing else is written outside temporary
folders.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.comparison import JSON_REPORT, JUNIT_REPORT, ToolRun, beyond, read_schemathesis
from proof.mutants import OPERATORS, Generation, Mutant, generate
from proof.processes import ROOT, free_port, running
from proof.suite_runs import SuiteRun, run_suite

EMULATOR = ROOT / "proof" / "independent" / "pinpoint_emulator.py"
CLASSIFICATIONS = ROOT / "proof" / "mutation" / "survivors.toml"
STARTUP = 10.0  # seconds a mutant may take to listen before it is stillborn
MUTANT_TIMEOUT = 300.0  # the unmutated emulator's run takes about 5 s
SCHEMATHESIS_LIMIT = 1800  # seconds; a Schemathesis run still going by then is reported as not finished
RETRIES, RETRY_WAIT = 5, 60.0  # a suite broken by an edit in progress is retried this often, this far apart

KILLED, SURVIVED, STILLBORN, TIMEOUT, SUITE_ERROR = "killed", "survived", "stillborn", "timeout", "suite error"
CLASSES = ("equivalent", "outside-contract", "missed")
UNCLASSIFIED = "UNCLASSIFIED"
RAN = {"pass", "fail", "warn", "not exercised"}  # a check's statuses once it ran to a result
SCHEMATHESIS_KINDS = ("plain", "expert")
# What a run of the suite says when the suite itself is broken (it wrote no report).
BROKEN_SUITE = ("ImportError", "ModuleNotFoundError", "SyntaxError", "IndentationError", "error during collection",
                "errors during collection")  # fmt: skip

# Port allocation and start-up are serialized, so that two parallel jobs never get the same free
# port (free_port only says the port was free when asked).
_START_LOCK = threading.Lock()
_PRINT_LOCK = threading.Lock()


# The pure part: judging a run, sampling, classifications, scores and the report. -----------------


@dataclass
class Baseline:
    exit_code: int
    statuses: dict[str, str]  # check ID -> status
    seconds: float
    verdict: str = ""

    @property
    def failed(self) -> list[str]:
        return sorted(check for check, status in self.statuses.items() if status == "fail")


@dataclass
class Judgement:
    outcome: str  # KILLED or SURVIVED
    new_failed: list[str]  # failed here, not in the baseline
    stopped: list[str]  # ran to a result in the baseline, not here (blocked, error, not run, missing)
    note: str = ""


def judge(exit_code: int, statuses: dict[str, str], baseline: Baseline) -> Judgement:
    failed = {c for c, s in statuses.items() if s == "fail" and baseline.statuses.get(c) != "fail"}
    # A check the baseline's run did not have (the suite was edited since) cannot be compared: told,
    # not counted.
    unknown = sorted(c for c in failed if c not in baseline.statuses)
    new_failed = sorted(failed - set(unknown))
    stopped = sorted(c for c, s in baseline.statuses.items() if s in RAN and statuses.get(c, "missing") not in RAN)
    error = exit_code not in (0, 1)  # 0 CONFORMS, 1 DOES NOT CONFORM; anything else is not a verdict
    notes = [f"exit {exit_code}" + ("" if statuses else ", no report")] if error else []
    notes += [f"failed checks the baseline did not have: {', '.join(unknown)}"] if unknown else []
    return Judgement(KILLED if new_failed or stopped or error else SURVIVED, new_failed, stopped, "; ".join(notes))


def suite_is_broken(run: SuiteRun) -> bool:
    """The suite could not run at all (no report) for a reason of its own, not the server's."""
    return not run.report and run.exit_code not in (0, 1) and any(marker in run.output for marker in BROKEN_SUITE)


def sample(ids: Sequence[str], k: int) -> list[str]:
    """Every n-th of `ids`, so that `k` are chosen (all of them if there are no more than `k`), in order."""
    count = min(k, len(ids))
    return [ids[index * len(ids) // count] for index in range(count)]


def load_classifications(path: Path) -> dict[str, dict[str, str]]:
    """Mutant ID -> {"class": one of CLASSES, "reason": why}; a missing file is an empty mapping."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text())
    for mutant_id, entry in data.items():
        if not isinstance(entry, dict) or entry.get("class") not in CLASSES or not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path}: [{mutant_id}] needs class = one of {', '.join(CLASSES)} and a non-empty reason")
    return data


@dataclass
class MutantResult:
    id: str
    line: int
    operator: str
    description: str
    outcome: str
    new_failed: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    exit_code: int | None = None
    seconds: float = 0.0
    note: str = ""
    schemathesis: dict[str, dict[str, Any]] | None = None  # kind -> detected, beyond_baseline, findings...


@dataclass
class Score:
    run: int = 0
    stillborn: int = 0
    timeout: int = 0
    suite_error: int = 0
    killed: int = 0
    survived: int = 0
    equivalent: int = 0
    outside_contract: int = 0
    missed: int = 0
    unclassified: int = 0

    @property
    def score(self) -> float | None:
        judged = self.killed + self.survived
        return self.killed / judged if judged else None

    @property
    def in_contract(self) -> float | None:
        judged = self.killed + self.missed + self.unclassified
        return self.killed / judged if judged else None


def classification_of(result: MutantResult, classifications: dict[str, dict[str, str]]) -> str:
    return classifications.get(result.id, {}).get("class", UNCLASSIFIED)


def score(results: list[MutantResult], classifications: dict[str, dict[str, str]]) -> Score:
    total = Score(run=len(results))
    outcomes = Counter(r.outcome for r in results)
    total.stillborn, total.timeout, total.suite_error = outcomes[STILLBORN], outcomes[TIMEOUT], outcomes[SUITE_ERROR]
    total.killed, total.survived = outcomes[KILLED], outcomes[SURVIVED]
    classes = Counter(classification_of(r, classifications) for r in results if r.outcome == SURVIVED)
    total.equivalent, total.outside_contract = classes["equivalent"], classes["outside-contract"]
    total.missed, total.unclassified = classes["missed"], classes[UNCLASSIFIED]
    return total


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def score_table(total: Score, generated: int) -> list[str]:
    return [
        "| | Mutants |",
        "|---|---|",
        f"| Generated | {generated} |",
        f"| Run | {total.run} |",
        f"| Stillborn (did not start) | {total.stillborn} |",
        f"| Timed out | {total.timeout} |",
        f"| Suite errors (the suite could not run) | {total.suite_error} |",
        f"| Killed | {total.killed} |",
        f"| Survived | {total.survived} |",
        f"| **Score** = killed / (killed + survived) | **{percent(total.score)}** |",
        f"| Survivors classified equivalent / outside-contract / missed / unclassified | {total.equivalent} / "
        f"{total.outside_contract} / {total.missed} / {total.unclassified} |",
        f"| **In-contract score** = killed / (killed + missed + unclassified) | **{percent(total.in_contract)}** |",
    ]


def operator_table(results: list[MutantResult], generation: dict[str, int],
                   classifications: dict[str, dict[str, str]]) -> list[str]:  # fmt: skip
    lines = ["| Operator | Generated | Run | Stillborn | Timed out | Killed | Survived | Score | In-contract score |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for operator in OPERATORS:
        s = score([r for r in results if r.operator == operator], classifications)
        lines.append(f"| {operator} | {generation.get(operator, 0)} | {s.run} | {s.stillborn} | {s.timeout} | "
                     f"{s.killed} | {s.survived} | {percent(s.score)} | {percent(s.in_contract)} |")  # fmt: skip
    return lines


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def survivor_table(results: list[MutantResult], classifications: dict[str, dict[str, str]]) -> list[str]:
    survivors = [r for r in results if r.outcome == SURVIVED]
    if not survivors:
        return ["No mutant survived."]
    lines = ["| Mutant | Line | Mutation | Classification | Reason |", "|---|---|---|---|---|"]
    for r in survivors:
        entry = classifications.get(r.id, {})
        lines.append(f"| {r.id} | {r.line} | {cell(r.description)} | {entry.get('class', UNCLASSIFIED)} | "
                     f"{cell(entry.get('reason', ''))} |")  # fmt: skip
    # A classified mutant the suite now kills (or one the file names wrongly) is worth a look.
    others = {r.id: r.outcome for r in results if r.outcome != SURVIVED}
    stale = [f"{i} ({others[i]})" for i in classifications if i in others]
    if stale:
        lines += ["", f"Classified as survivors but not surviving in this run: {', '.join(stale)}."]
    return lines


def other_table(results: list[MutantResult]) -> list[str]:
    """The mutants that were neither killed nor survived, with why."""
    others = [r for r in results if r.outcome not in (KILLED, SURVIVED)]
    if not others:
        return []
    lines = ["| Mutant | Outcome | Mutation | Note |", "|---|---|---|---|"]
    lines += [f"| {r.id} | {r.outcome} | {cell(r.description)} | {cell(r.note[:200])} |" for r in others]
    return ["## Stillborn, timed out and suite errors", "", *lines, ""]


def killing_checks(results: list[MutantResult]) -> list[str]:
    """How many mutants each check killed (a mutant killed by several counts for each)."""
    counts = Counter(c for r in results if r.outcome == KILLED for c in r.new_failed + r.stopped)
    if not counts:
        return []
    lines = ["| Check | Mutants it killed (failed or no longer ran) |", "|---|---|"]
    lines += [f"| {check} | {n} |" for check, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return lines


def schemathesis_table(results: list[MutantResult], baselines: dict[str, ToolRun]) -> list[str]:
    sampled = [r for r in results if r.schemathesis]
    if not sampled:
        return []
    found = {kind: ",".join(run.findings) or "nothing" for kind, run in baselines.items()}
    lines = ["## Schemathesis on a sample of the mutants", "",
             f"Plain and expert Schemathesis (benchmarks/suite_runtime.py's commands: the suite's default budget of "
             f"examples, its default 10 s request timeout, a fixed seed), each against a freshly started server. On "
             f"the unmutated emulator, plain reports {found.get('plain', '?')} and expert {found.get('expert', '?')}; "
             "a mutant is detected beyond that baseline when the tool reports a code or error it does not report "
             "there.", "",
             "| Mutant | Mutation | Suite | Plain Schemathesis | Expert Schemathesis |",
             "|---|---|---|---|---|"]  # fmt: skip
    for r in sampled:
        cells = []
        for kind in SCHEMATHESIS_KINDS:
            run = (r.schemathesis or {}).get(kind)
            if run is None:
                cells.append("not run")
                continue
            what = ",".join(run["findings"]) or "nothing"
            cells.append(("DETECTED " if run["beyond_baseline"] else "baseline only: " if run["detected"] else "")
                         + what + (f" ({run['note']})" if run["note"] else ""))  # fmt: skip
        suite = r.outcome + (f": {', '.join(r.new_failed + r.stopped)}" if r.outcome == KILLED else "")
        lines.append(f"| {r.id} | {cell(r.description)} | {cell(suite)} | {cell(cells[0])} | {cell(cells[1])} |")
    counts = {kind: sum(bool((r.schemathesis or {}).get(kind, {}).get("beyond_baseline")) for r in sampled)
              for kind in SCHEMATHESIS_KINDS}  # fmt: skip
    killed = sum(r.outcome == KILLED for r in sampled)
    lines += ["", f"Detected beyond the baseline, of {len(sampled)} sampled: the suite {killed}, plain Schemathesis "
              f"{counts['plain']}, expert Schemathesis {counts['expert']}.", ""]  # fmt: skip
    return lines


@dataclass
class Study:
    """Everything the report says: how the study ran, the baseline and the results."""

    started: str
    command: str
    machine: str
    source: str
    generation: dict[str, int]  # operator -> mutants generated
    dropped_invalid: int
    dropped_duplicates: int
    baseline: Baseline
    results: list[MutantResult]
    classifications: dict[str, dict[str, str]]
    sample_note: str = ""
    schemathesis_baselines: dict[str, ToolRun] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        total = score(self.results, self.classifications)
        mutants = []
        for r in self.results:
            record = asdict(r)
            if r.outcome == SURVIVED:
                record["classification"] = classification_of(r, self.classifications)
            mutants.append(record)
        return {
            "started": self.started, "command": self.command, "machine": self.machine, "source": self.source,
            "generated": {"total": sum(self.generation.values()), "per_operator": self.generation,
                          "dropped_invalid": self.dropped_invalid, "dropped_duplicates": self.dropped_duplicates},
            "sample": self.sample_note or "every mutant",
            "baseline": asdict(self.baseline) | {"failed": self.baseline.failed},
            "score": asdict(total) | {"score": total.score, "in_contract_score": total.in_contract},
            "line_coverage": "not recorded: coverage is not installed in the project's environment",
            "schemathesis_baselines": {kind: asdict(run) for kind, run in self.schemathesis_baselines.items()},
            "mutants": mutants,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any], classifications: dict[str, dict[str, str]]) -> Study:
        """A study's report read back, to be scored again against new classifications (--reclassify):
        the runs are as recorded; only the survivors' classes change."""
        fields = {f for f in MutantResult.__dataclass_fields__}
        results = [MutantResult(**{k: v for k, v in m.items() if k in fields}) for m in data["mutants"]]
        baseline = data["baseline"]
        generated = data["generated"]
        return cls(data["started"], data["command"], data["machine"], data["source"], generated["per_operator"],
                   generated["dropped_invalid"], generated["dropped_duplicates"],
                   Baseline(baseline["exit_code"], baseline["statuses"], baseline["seconds"], baseline["verdict"]),
                   results, classifications, "" if data["sample"] == "every mutant" else data["sample"],
                   {kind: ToolRun(**run) for kind, run in data["schemathesis_baselines"].items()})  # fmt: skip

    def markdown(self) -> str:
        total = score(self.results, self.classifications)
        generated = sum(self.generation.values())
        counts = ", ".join(f"{op} {n}" for op, n in self.generation.items())
        baseline = self.baseline
        lines = [
            "# Mutation study of the outside implementation",
            "",
            f"Measured {self.started} by `{self.command}` on {self.machine}. Mutants of `{self.source}` from "
            f"proof/mutants.py: {generated} ({counts}); dropped {self.dropped_duplicates} duplicates and "
            f"{self.dropped_invalid} that did not compile. {self.sample_note or 'Every mutant was run.'}",
            "",
            "Each mutant was started on a free loopback port and the suite run on it as `pytest conformance "
            "--base-url URL --profile core --timeout 3` (proof.suite_runs.run_suite, the suite's default seed), "
            f"its reports in a temporary folder. Baseline (the unmutated emulator): exit {baseline.exit_code}, "
            f"failed {', '.join(baseline.failed) or 'nothing'}, {baseline.seconds:.1f} s. A mutant is killed when a "
            "check fails that the baseline did not fail, a check the baseline ran to a result no longer does "
            "(blocked, error, not run), or the suite's exit code is neither 0 nor 1; stillborn when it did not "
            "listen within 10 s. Survivors are classified in proof/mutation/survivors.toml.",
            "",
            *score_table(total, generated),
            "",
            "## Per operator",
            "",
            *operator_table(self.results, self.generation, self.classifications),
            "",
            "## Survivors",
            "",
            *survivor_table(self.results, self.classifications),
            "",
            "Whether a survivor's line ran during the baseline run is not recorded: that needs `coverage`, which "
            "the project's environment does not install.",
            "",
            *other_table(self.results),
        ]
        checks = killing_checks(self.results)
        if checks:
            lines += ["## The checks that killed", "", *checks, ""]
        lines += schemathesis_table(self.results, self.schemathesis_baselines)
        return "\n".join(lines).rstrip() + "\n"


# The part that runs servers and tools. ------------------------------------------------------------


def say(text: str) -> None:
    with _PRINT_LOCK:
        print(text, flush=True)


@contextmanager
def serving(path: Path) -> Iterator[str]:
    """The server in `path`, listening on a free loopback port; raises RuntimeError if it does not
    listen within STARTUP seconds (a stillborn mutant)."""
    with ExitStack() as stack:
        with _START_LOCK:
            port = free_port()
            command = [sys.executable, str(path), "--host", "127.0.0.1", "--port", str(port)]
            base_url = stack.enter_context(running(command, port, startup=STARTUP))
        yield base_url


@dataclass
class Attempt:
    outcome: str  # "ran", STILLBORN or TIMEOUT
    run: SuiteRun | None
    seconds: float
    note: str = ""


def attempt(path: Path, timeout: float) -> Attempt:
    """Start the server in `path` and run the suite on it, within `timeout` seconds."""
    started = time.monotonic()
    # Exits run in reverse: the server stops first, then the pool waits for a suite run still going
    # (without its server it fails fast), and only then is its report folder removed.
    with (
        tempfile.TemporaryDirectory(prefix="mutation-suite-") as reports,
        ThreadPoolExecutor(1) as pool,
        ExitStack() as server,
    ):
        try:
            base_url = server.enter_context(serving(path))
        except RuntimeError as error:
            return Attempt(STILLBORN, None, time.monotonic() - started, str(error)[-300:])
        future = pool.submit(run_suite, base_url, Path(reports))
        try:
            run = future.result(timeout=timeout)
        except (FutureTimeout, subprocess.TimeoutExpired):
            return Attempt(TIMEOUT, None, time.monotonic() - started, f"no verdict after {timeout:g} s")
    return Attempt("ran", run, time.monotonic() - started)


def run_with_retries(path: Path, timeout: float, label: str) -> Attempt:
    """`attempt`, again a minute later while the suite itself is broken (another engineer's edit in
    progress); after RETRIES, a SUITE_ERROR."""
    for retry in range(RETRIES + 1):
        result = attempt(path, timeout)
        if result.run is None or not suite_is_broken(result.run):
            return result
        if retry < RETRIES:
            say(f"{label}: the suite itself did not run ({result.run.output.strip()[-200:]!r}); retrying in "
                f"{RETRY_WAIT:g} s")  # fmt: skip
            time.sleep(RETRY_WAIT)
    return Attempt(SUITE_ERROR, None, result.seconds, result.run.output.strip()[-300:] if result.run else "")


def run_baseline(timeout: float) -> Baseline:
    result = run_with_retries(EMULATOR, timeout, "baseline")
    if result.run is None or not result.run.report:
        raise SystemExit(f"the baseline did not run: {result.outcome} {result.note}\n"
                         + (result.run.explain() if result.run else ""))  # fmt: skip
    run = result.run
    verdict = next((line for line in run.output.splitlines() if "verdict:" in line), "")
    return Baseline(run.exit_code, run.statuses, round(result.seconds, 1), verdict.strip())


def study_mutant(mutant: Mutant, folder: Path, baseline: Baseline, timeout: float) -> MutantResult:
    path = folder / f"{mutant.id}.py"
    path.write_text(mutant.source)
    result = MutantResult(mutant.id, mutant.line, mutant.operator, mutant.description, STILLBORN)
    done = run_with_retries(path, timeout, mutant.id)
    result.seconds, result.note = round(done.seconds, 1), done.note
    if done.run is None:
        result.outcome = done.outcome
        return result
    judgement = judge(done.run.exit_code, done.run.statuses, baseline)
    result.outcome, result.new_failed, result.stopped = judgement.outcome, judgement.new_failed, judgement.stopped
    result.exit_code, result.note = done.run.exit_code, judgement.note
    return result


def run_schemathesis(kind: str, base_url: str) -> ToolRun:
    """benchmarks/suite_runtime.py's plain or expert command, with the JSON and JUnit reports
    benchmarks/comparison.py reads, in a fresh folder (Schemathesis replays the crashes it keeps in
    its working folder)."""
    from benchmarks.suite_runtime import schemathesis_command
    from pinpoint_conformance import spec

    document = spec.load_user_spec() if kind == "plain" else spec.load_bundle()
    with tempfile.TemporaryDirectory(prefix="mutation-schemathesis-") as temp:
        folder = Path(temp)
        (folder / "spec.json").write_text(json.dumps(document))
        command = [*schemathesis_command(kind, folder / "spec.json", base_url), "--report-json-path", JSON_REPORT,
                   "--report-junit-path", JUNIT_REPORT]  # fmt: skip
        started = time.monotonic()
        exit_code: int | None = None  # stays None if it does not finish within SCHEMATHESIS_LIMIT
        with contextlib.suppress(subprocess.TimeoutExpired):
            exit_code = subprocess.run(command, cwd=folder, capture_output=True, timeout=SCHEMATHESIS_LIMIT).returncode
        return read_schemathesis(folder, exit_code, time.monotonic() - started)


def schemathesis_runs(path: Path) -> dict[str, ToolRun]:
    runs = {}
    for kind in SCHEMATHESIS_KINDS:
        with serving(path) as base_url:  # a fresh server per tool, as benchmarks/suite_vs_schemathesis.py does
            runs[kind] = run_schemathesis(kind, base_url)
    return runs


def add_schemathesis(result: MutantResult, path: Path, baselines: dict[str, ToolRun]) -> None:
    try:
        runs = schemathesis_runs(path)
    except RuntimeError as error:  # a mutant that starts only sometimes
        note = f"did not start: {error}"[:200]
        result.schemathesis = {kind: {"detected": False, "beyond_baseline": False, "findings": [], "seconds": 0.0,
                                      "note": note} for kind in SCHEMATHESIS_KINDS}  # fmt: skip
        return
    result.schemathesis = {kind: {"detected": run.detected, "beyond_baseline": beyond(run, baselines[kind]),
                                  "findings": run.findings, "seconds": round(run.seconds, 1), "note": run.note}
                           for kind, run in runs.items()}  # fmt: skip


def machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, load average "
            f"{load} at the start")  # fmt: skip


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=1, help="mutants run in parallel (default 1)")
    parser.add_argument("--sample", type=int, help="run K mutants, every n-th of them (deterministic)")
    parser.add_argument("--only", action="append", default=[], help="a mutant ID to run (repeatable, or commas)")
    parser.add_argument("--operators", help="comma-separated operators to keep (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "reports", help="where mutation-study.{md,json} go")
    parser.add_argument("--timeout", type=float, default=MUTANT_TIMEOUT, help="seconds per mutant's suite run")
    parser.add_argument("--schemathesis-sample", type=int, default=0, metavar="K",
                        help="also run plain and expert Schemathesis on K of the mutants run")  # fmt: skip
    parser.add_argument("--classifications", type=Path, default=CLASSIFICATIONS, help="the survivors' classes")
    parser.add_argument("--list", action="store_true", help="print the mutants that would run, and stop")
    parser.add_argument(
        "--reclassify",
        action="store_true",
        help="run nothing: score --out's mutation-study.json again with the current classifications",
    )
    args = parser.parse_args(argv)
    args.only = [i.strip() for value in args.only for i in value.split(",") if i.strip()]
    args.operators = [o.strip() for o in args.operators.split(",")] if args.operators else list(OPERATORS)
    if unknown := set(args.operators) - set(OPERATORS):
        parser.error(f"unknown operators: {', '.join(sorted(unknown))} (known: {', '.join(OPERATORS)})")
    if args.jobs < 1 or (args.sample is not None and args.sample < 1) or args.schemathesis_sample < 0:
        parser.error("--jobs and --sample must be at least 1, --schemathesis-sample at least 0")
    return args


def select(generation: Generation, args: argparse.Namespace) -> tuple[list[Mutant], str]:
    """The mutants to run and a sentence saying which: those of the chosen operators (every n-th of
    them with --sample) plus those named by --only; only those when nothing else narrows the choice."""
    known = {m.id for m in generation.mutants}
    if unknown := [i for i in args.only if i not in known]:
        raise SystemExit(f"unknown mutant IDs: {', '.join(unknown)} (list them: python -m proof.mutants FILE)")
    every_operator = args.operators == list(OPERATORS)
    ids = [m.id for m in generation.mutants if m.operator in args.operators]
    if args.sample:
        ids = sample(ids, args.sample)
    elif args.only and every_operator:
        ids = []
    chosen = set(ids) | set(args.only)
    mutants = [m for m in generation.mutants if m.id in chosen]
    parts = []
    if not every_operator:
        parts.append(f"operators {', '.join(args.operators)} only")
    if args.sample:
        parts.append(f"a deterministic sample of {args.sample} (every n-th mutant)")
    if args.only:
        parts.append(f"the mutants named by --only ({', '.join(args.only)})")
    note = f"Ran {len(mutants)} mutants: " + "; ".join(parts) + "." if parts else ""
    return mutants, note


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    classifications = load_classifications(args.classifications)  # a malformed file stops the study first
    generation = generate(EMULATOR)
    mutants, sample_note = select(generation, args)
    if args.reclassify:
        study = Study.from_dict(json.loads((args.out / "mutation-study.json").read_text()), classifications)
        write_report(study, args.out)
        return
    if args.list:
        for mutant in mutants:
            print(f"{mutant.id}\t{mutant.description}")
        print(f"{len(mutants)} of {len(generation.mutants)} mutants")
        return
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python -m benchmarks.mutation_study " + " ".join(sys.argv[1:] if argv is None else argv)
    where = machine()
    counts = ", ".join(f"{op} {n}" for op, n in generation.per_operator().items())
    say(f"{len(generation.mutants)} mutants ({counts}); running {len(mutants)} with {args.jobs} job(s)")
    baseline = run_baseline(max(args.timeout, MUTANT_TIMEOUT))  # a short --timeout is for the mutants
    say(f"baseline: exit {baseline.exit_code}, failed {baseline.failed} in {baseline.seconds} s: {baseline.verdict}")
    results: dict[str, MutantResult] = {}
    with tempfile.TemporaryDirectory(prefix="mutants-") as temp, ThreadPoolExecutor(args.jobs) as jobs:
        futures = {jobs.submit(study_mutant, m, Path(temp), baseline, args.timeout): m for m in mutants}
        for done, future in enumerate(as_completed(futures), 1):
            r = future.result()
            results[r.id] = r
            what = ", ".join(r.new_failed + r.stopped) or r.note
            say(f"[{done}/{len(mutants)}] {r.id} {r.outcome}{f' ({what})' if what else ''} {r.seconds:.1f} s")
        ordered = [results[m.id] for m in mutants]
        schemathesis_baselines: dict[str, ToolRun] = {}
        if args.schemathesis_sample:
            schemathesis_baselines = schemathesis_runs(EMULATOR)
            say("Schemathesis on the baseline: " + "; ".join(f"{k} {','.join(r.findings) or 'nothing'}"
                                                           for k, r in schemathesis_baselines.items()))  # fmt: skip
            live = [r for r in ordered if r.outcome in (KILLED, SURVIVED)]
            picked = set(sample([r.id for r in live], args.schemathesis_sample))
            for r in (r for r in live if r.id in picked):
                add_schemathesis(r, Path(temp) / f"{r.id}.py", schemathesis_baselines)
                say(f"Schemathesis on {r.id}: {r.schemathesis}")
    study = Study(started, command, where, str(EMULATOR.relative_to(ROOT)), generation.per_operator(),
                  generation.invalid, generation.duplicates, baseline, ordered, classifications, sample_note,
                  schemathesis_baselines)  # fmt: skip
    write_report(study, args.out)


def write_report(study: Study, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "mutation-study.json").write_text(json.dumps(study.as_dict(), indent=1) + "\n")
    (out / "mutation-study.md").write_text(study.markdown())
    total = score(study.results, study.classifications)
    say(f"killed {total.killed}, survived {total.survived}, stillborn {total.stillborn}, timeout {total.timeout}, "
        f"suite errors {total.suite_error}; score {percent(total.score)}, in-contract {percent(total.in_contract)}; "
        f"written to {out / 'mutation-study.md'}")  # fmt: skip


if __name__ == "__main__":
    main()
