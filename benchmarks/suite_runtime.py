"""How long a verdict takes, as a user runs it (a process of its own, start-up included), against
three targets, next to plain and expert Schemathesis on the same targets in the same run. Run:
`.venv/bin/python -m benchmarks.suite_runtime [--repeat 5] [--before DIR]...`; it prints a Markdown
table and writes it with the raw times to reports/suite-runtime.{md,json}.

Targets: the embedded reference server (the main job, `pinpoint-conformance run` with no URL: the
suite starts the server itself), the reference server started beforehand (`--base-url`), and the
minimal standard-library server in proof/independent/ (`--base-url`). Every suite row runs twice:
with PYTHONDONTWRITEBYTECODE=1 (no bytecode cache, as in many CI and container images) and without
it (after a cache-warming run). Without a cache the suite also runs with `--no-property-worker`
(clause 9 in the suite's own process, as before the property worker), alternating run by run with
the default. `--before DIR` (repeatable) adds the main job run from another checkout (e.g. a
`git worktree` of an older commit), so that a before/after ratio comes from one run.

The Schemathesis rows (the pinned CLI, a fresh folder each run, the same seed and budget as the
suite: `--max-examples` equal to the suite's default, `--request-timeout` its default timeout):
- plain: `schemathesis run` on the User resource's document alone, `--checks all`, as a first try;
- expert: the bundle with the support calls and their OpenAPI links, every phase (stateful
  included), `--checks all` without the two checks the contract disagrees with
  (positive_data_acceptance, use_after_free; see src/pinpoint_conformance/harness/properties.py).

What the profile found (cProfile and `python -X importtime` of a run, 2026-11-29), in the order it
was fixed, each measured by this script or A/B on the same machine:
1. pytest rewrote the asserts of every installed pytest11 plugin's package (Schemathesis' whole
   package) on every run without a bytecode cache: the CLI passes `--assert=plain` (before).
2. requests re-read os.environ twice per request (proxy look-up), a fifth of the per-request
   cost: the environment is read once per run (`client._Environment`).
3. The spec's YAML was parsed by PyYAML's pure-Python loader, about 0.3 s of every start-up:
   libyaml's loader is used when PyYAML has it.
4. The embedded reference server ran in a thread of the suite's process and competed with it for
   the interpreter lock: it now runs in a process of its own, started before collection
   (pinpoint_conformance/server_process.py), so its start-up overlaps the suite's.
5. requests' session machinery cost about 1 ms per request of the ~900 a run then sent: the checks' own
   requests go through urllib3 directly (generated ones keep requests, which Schemathesis needs).
6. The garbage collector walked every imported module's objects at each full collection (and
   pytest forces several at exit): the objects alive after collection are frozen (gc.freeze),
   about 1 s of CPU a run.
7. boto3/botocore were imported by every run: now only by signed runs and profile aws.
8. The default budget of generated examples is the one the proof of the verdicts runs at (20
   per property check; it was 40): every generated example costs about 10 ms.
9. Hypothesis collects constants from the source of every local module (outside site-packages)
   and caches them in its home folder; kept with a run's reports, a fresh report folder recomputed
   them each run (about 3.5 s). The suite keeps Hypothesis' home in a cache folder of its own, and
   no longer draws local constants at all (they made a seed's requests depend on where the suite was
   installed): nothing is collected.
10. Against the standard-library server every response took about 40 ms: http.server writes the
   headers and the body in two sends, and Nagle's algorithm held the body until the client's
   delayed ACK of the headers. The client acknowledges at once (TCP_QUICKACK, Linux): that
   verdict went from 37 s to about 4.4 s.
11. The embedded server took about 0.54 s to listen, and was started when the session module
   loaded, after its imports: the first test waited 0.25-0.34 s for it (three runs). The plugin now
   starts it before importing the session module, and that wait is 0-0.07 s (three runs,
   alternating with the old code, 2026-11-30).
12. Validating a listing against EndpointsResponse followed its `$ref`s through jsonschema's
   registry on every call: about 0.88 ms for one endpoint with every member. With the references
   inlined once, 0.50 ms (2,000 validations each, one process, 2026-11-30); a run validates a few
   hundred listings.
What remained at 2e5a550 was taken for a floor (`python -X importtime`, `--durations`, cProfile);
benchmarks/verdict_floor.py has since measured the floor, and it is about half of a verdict (see
below). Then: importing
pytest, Schemathesis and Hypothesis takes about 1.1 s before any test starts; PC901 and PC903 take
about 0.65 s each with Schemathesis' set-up (0.17 s of it Hypothesis describing four lambdas of
Schemathesis' strategies by parsing their module's source); the hostile-ID sweep of PC707 about
0.5 s; and each of the 778 requests (857 since PC706's round trips and PC707's HEAD/OPTIONS were
added, 865 since PC205 and the application wildcard lookalike, 875 since PC708 and PC202's spaced
endpoint ID) is a round trip to the server. Under xdist (`-n 2`) the main job took about 5.3 s: each
worker imports everything again, which these two cores cannot hide.

Where the time goes (profiled again at b86cdf7, 2026-11-30, on a machine that ran that commit's
main job in 5.1-5.7 s where it had taken about 4.1 s the day before):
- The requests are strictly sequential, and must stay so: a conforming server may serve one
  connection at a time (Python's non-threading HTTPServer does), so two requests in flight at once
  could make a conforming server look hung. Each request therefore costs the client's time plus the
  server's, one after the other, and one of the two cores idles. Of the 823 requests the checks send
  themselves, 418 are PC707's hostile-ID sweep and 100 the bursts of PC801-PC804.
- Per request against the reference server (one process each side, 800 GETs of a user with one
  endpoint): the server spent about 0.6 ms of CPU per GET (1.1 s over a whole run, writes and
  deletes included); the client 0.30 ms with bare http.client, 0.69 ms through the suite's
  transport (urllib3, with its deadline and raw-target handling), and 1.63 ms with the wire checks
  of a listing (0.92 ms for a 404), most of that jsonschema before finding 12.
- The property-based checks spend about 20 ms per generated example, mostly in Hypothesis'
  engine and Schemathesis' strategies and response checks, and Schemathesis imports its OpenAPI
  machinery (about 0.2 s) on the first `from_dict`, inside PC901.
- Not taken: uvicorn's httptools parser saved about 0.15 ms of server CPU per request, but it
  hands the app an absolute-form request target reduced to its path (h11 hands over the whole
  URL; checked with an app that echoes its scope), so the proof's absolute-form-unrouted variant,
  served by uvicorn too, would lose the defect PC708 is proved on. Disabling Schemathesis' pytest
  plugin (`-p no:schemathesis`) saved nothing measurable.

The floor, measured (benchmarks/verdict_floor.py, 2026-11-30 07:03-07:05 UTC, at 1d25f4f): start-up
(the libraries' imports and the spec loaded into Schemathesis) 1.15-1.32 s, PC901's and PC902's
generation 0.22-0.25 s, and the 893 requests of a verdict sent bare 0.36-0.54 s: 1.73 s under the
standard-library server's verdict of 3.26 s, 2.11 s under the reference server's 3.80 s. Above the
floor, the suite's own (cProfile, `--durations`, /proc, on the suite's code at 1d25f4f):
- the client's work on the 823 requests the checks send: a GET through the suite's transport with
  the wire checks took 1.25 ms (a 404) and 1.63 ms (a listing) of wall time against 0.68 and
  0.74 ms with bare http.client (1,000 GETs each, one process);
- PC903's stateful sequences, 0.66 s by `--durations` in one run, about half of its profile
  Schemathesis drawing request bodies for the support calls;
- pytest's machinery between tests, about 0.3 s over 85 tests (the tests phase's wall time less the
  sum of `--durations`);
- against the reference server, the server's CPU, 0.77 s over a run (read from /proc around it),
  about half of it in uvicorn and h11 by the server's own cProfile.
Not kept (five alternating runs each against one target): garbage-collector thresholds of
(50000, 20, 100), 3.92 s against 3.82 s; `-p no:anyio -p no:logging -p no:schemathesis
-p no:hypothesispytest`, 3.62 s against 3.81 s, within a spread of 3.45-3.99 s.

Then, in the order fixed (2026-11-30, from 10:17 UTC, on the machine's slower hour, when the
standard-library server's verdict took 4.7-5.0 s at 7be9656, three runs):
13. Schemathesis and Hypothesis were the suite's process's own work, in series with the wire: their
   imports, the spec loaded into Schemathesis (0.27 s at the first `from_dict`), and the drawing.
   Clause 9 now runs in a second process, the property worker (harness/property_worker.py), which
   does all of that on the other core while the other checks use the wire and then runs PC901-PC903
   when the suite hands it the run's data (the requests stay one at a time). Timestamps the worker
   and the suite wrote in one run against the standard-library server: the worker had drawn at
   1.9 s, the suite handed it the wire at 2.3 s, and clause 9 took 0.86 s (PC903 0.63 s of it). The
   worker only pays when it starts early: started at the session's configuration (after pytest and
   Schemathesis' pytest plugin had loaded) the verdict took 4.1-4.3 s; started by the `run` command
   before pytest is imported, with neither tool's pytest plugin loaded in the suite's process,
   3.3-3.5 s (three runs, then four). In the table, the suite with `--no-property-worker` (alternating run
   by run with the default) takes 1.3-1.4 times as long.
14. The `run` command starts the embedded reference server before it imports pytest too (it was
   started at the plugin's configuration), and turns off anyio's and typeguard's pytest plugins,
   which the suite's dependencies install: the suite's process no longer imports asyncio.
15. pytest rendered the traceback of every failed check (parsing the source of each frame) only
   for the suite to replace the text with its own: `--tb=no` saved 0.15-0.2 s against the
   standard-library server, whose verdict fails two checks (three runs each). The suite's checks no
   longer let pytest render it.
16. The worker runs at a lower priority (nice 10): what it does before the handover has time to
   spare, and the suite's process reached its first test 0.1-0.3 s sooner in the main job (four
   runs each; the whole run's difference was within the noise). It imports ahead what Schemathesis
   imports at the first send (transports, its rate limiter: 0.10 s, three runs while another test
   run loaded the machine), while it waits.
Tried and not kept (2026-11-30, after 13-16):
- uvicorn's httptools parser for the reference server: 2.94 s against 3.20 s with h11 (five
  alternating runs), but llhttp answers a request target of 100 KB with a plain-text 400 and no
  MessageBody (tests/reference/test_wire_format.py caught it); the reference server must answer
  every request with one. (Its absolute-form handling, above, was the other reason.)
- uvloop: a bare GET took 0.66-0.70 ms against 0.65-0.78 ms with asyncio's loop (2,000 GETs each).
- Remembering schema validations by a body's bytes: 124 of the 186 listings a run validates repeat
  an earlier body, but the suite's CPU was 2.03-2.11 s with it and 2.07-2.11 s without (four runs).
- `--capture=sys` and `-p no:logging` in the `run` command: each alone within the noise, and each
  would change what a user's own pytest options do.
What is left above the floor (benchmarks/verdict_floor.py, 2026-11-30 11:19 UTC, at 65f1e31: the
floor is 1.0-1.1 s of a 3.0 s verdict): clause 9 in the worker (about 0.85 s), the transport's
work above bare http.client (0.30-0.45 ms a request: 0.74 against 0.44 ms against the
standard-library server, 1.08 against 0.63 ms against the reference server, 2,000 GETs each), the
checks' judging of every response, pytest's per-test machinery, and the suite's own modules.
Measured again at 790e334 (2026-11-30 14:49-14:53 UTC, load average 0.01 at the start; every
report now carries its commit, times and load, benchmarks/provenance.py): medians 1.0-1.2 s, where
the same suite code had taken 2.9-3.4 s at 11:09-11:19 UTC. The machine, not the code, made the
difference: a20ff56's main job took 2.9 s against 8.8 s then, and the ratios within each run barely
moved (the main job 0.42x a20ff56's, against 0.39x). In three runs of the main job at 790e334, the
pytest session took 0.81-0.98 s of a run's 1.17-1.35 s (the rest: the interpreter, imports, the
spawning of the server and the worker, collection), and `--durations` gave clause 9's one test
0.30 s of a 0.84 s session.
Then (2026-11-30 from 16:21 UTC, at ff01284, whose main job took 1.17-1.25 s then): timestamps
each process wrote in a run, cProfile of the worker's checks, garbage-collector callbacks, and the
CPU of each process read from /proc while a run went on. The worker was not ready when the suite
reached clause 9 (it began its own work at 0.39-0.46 s and was ready at 0.84-0.90 s, the suite
handed over at 0.75-0.82 s), then ran clause 9 for 0.30-0.33 s (PC903 0.24-0.28 s of it); its
CPU was 0.86-0.89 s a run, the server's 0.36-0.39 s, the suite's 0.55-0.59 s. In the order fixed,
each A/B against the commit before it (15 runs each way, alternating; the medians in the commit
messages):
17. The worker and the embedded server imported pytest, which neither uses (about 65 ms of each
   one's start-up, on the two cores the suite's process starts on): settings.py imported it for
   its usage errors, the worker for pytest's skip. Neither imports it now (a check that cannot run
   raises failures.NotApplicable, which the suite's process turns into a skip).
18. A full collection of the garbage collector walked all of Schemathesis' and Hypothesis' objects
   in the worker during clause 9 (47-53 ms, timed by gc.callbacks), and one in the suite's process
   while it imported (17-23 ms). The worker collects nothing while it imports and freezes what its
   imports and its drawing made; the `run` command pauses collection until the session starts.
19. PC903's first sequence drew UpdateEndpoint's body for the first time, and Hypothesis parsed a
   module of Schemathesis' source to describe one of its lambdas (27 ms of the four descriptions'
   29 ms): PC903 took 0.21-0.22 s the first time in a process and 0.145-0.165 s the second. The
   worker draws that request once in each mode while the suite does not need it yet; PC903's
   requests are the same with it and without (seeds 0, 7 and 123, compared request by request).
20. The parity modules (about 10 ms) loaded in every run: now only where a run records or compares
   a transcript.
21. The client looked up its pool by URL in urllib3's pool manager on every request: sent to the
   target's own pool, a GET of the suite's transport took 307 µs against 358 µs (1,500 GETs each,
   one process; bare http.client 242 µs).
22. PyYAML's import and the four views of the spec (the overlay applied) took about 20 ms of the
   suite's and the worker's start-up: spec/views.json holds them, read while its digest matches.
23. The `serve` command declared the suite's options, so the embedded server's process imported
   the suite's settings and catalogue: its CPU up to listening went from 0.10-0.11 s to
   0.08-0.09 s without them.
Tried and not kept: writing each response of the reference server in one send instead of uvicorn's
two (a transport wrapper that flushed on the next turn of the event loop): a bare GET took 239 µs
against 217 µs, the extra turn costing more than the send saved. The worker at nice 19 instead of
10: within the noise (medians 1.01 and 1.05 s, each run's spread 0.94-1.19 s).
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import provenance
from benchmarks.comparison import SEED
from pinpoint_conformance import spec
from pinpoint_conformance.harness.settings import DEFAULT_MAX_EXAMPLES, DEFAULT_TIMEOUT
from proof.processes import ROOT, free_port, running


@dataclass
class Row:
    target: str
    tool: str
    bytecode_cache: str
    times: list[float]
    outcome: str

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env, cwd=cwd, timeout=1800)
    return time.monotonic() - started, result


def suite_command(base_url: str | None, reports: Path, extra: tuple[str, ...] = ()) -> list[str]:
    command = [sys.executable, "-m", "pinpoint_conformance", "run", "--report-dir", str(reports), "-q",
               "-p", "no:cacheprovider", *extra]  # fmt: skip
    return command + (["--base-url", base_url] if base_url else [])


def verdict_of(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stdout.splitlines() if "verdict:" in line] or ["?: ?"]
    return lines[-1].split(" — ")[0].split(": ")[-1]


def run_suite(base_url: str | None, env: dict[str, str], cwd: Path = ROOT,
              extra: tuple[str, ...] = ()) -> tuple[float, str]:  # fmt: skip
    """The wall time of one suite run and its verdict. A run that ends without a verdict (a usage
    error, a crash) stops the benchmark: its time would not be a verdict's."""
    with tempfile.TemporaryDirectory() as reports:
        elapsed, result = timed(suite_command(base_url, Path(reports), extra), env, cwd)
    verdict = verdict_of(result)
    if verdict not in ("CONFORMS", "DOES NOT CONFORM"):
        raise SystemExit(f"a suite run in {cwd} ended without a verdict (exit {result.returncode}):\n"
                         + (result.stdout + result.stderr)[-2000:])  # fmt: skip
    return elapsed, verdict


def schemathesis_command(kind: str, document: Path, base_url: str) -> list[str]:
    common = ["--url", base_url, "--max-examples", str(DEFAULT_MAX_EXAMPLES), "--request-timeout",
              f"{DEFAULT_TIMEOUT:g}", "--seed", str(SEED)]  # fmt: skip
    if kind == "plain":
        return [sys.executable, "-m", "schemathesis.cli", "run", str(document), "--checks", "all", *common]
    return [sys.executable, "-m", "schemathesis.cli", "run", str(document), "--checks", "all",
            "--exclude-checks", "positive_data_acceptance,use_after_free",
            "--phases", "examples,coverage,fuzzing,stateful", *common]  # fmt: skip


def run_schemathesis(kind: str, base_url: str, env: dict[str, str]) -> tuple[float, str]:
    # A fresh folder every run: Schemathesis keeps the crashes it found in .schemathesis/ of its
    # working folder and replays them in later runs.
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "spec.json"
        document.write_text(json.dumps(spec.load_user_spec() if kind == "plain" else spec.load_bundle()))
        elapsed, result = timed(schemathesis_command(kind, document, base_url), env, Path(folder))
    return elapsed, "found problems" if result.returncode else "found nothing"


@contextmanager
def target(name: str) -> Iterator[str | None]:
    """The base URL of a target (None: the suite's embedded reference server)."""
    if name == "embedded reference server (main job)":
        yield None
        return
    port = free_port()
    if name == "reference server (--base-url)":
        command = [sys.executable, "-m", "pinpoint_conformance", "serve", "--host", "127.0.0.1", "--port", str(port)]
    else:
        command = [sys.executable, str(ROOT / "proof/independent/pinpoint_emulator.py"), "--host", "127.0.0.1",
                   "--port", str(port)]  # fmt: skip
    with running(command, port) as base_url:
        yield base_url


TARGETS = ("embedded reference server (main job)", "reference server (--base-url)",
           "standard-library server (proof/independent)")  # fmt: skip


def older_checkout(checkout: Path) -> tuple[list[str], tuple[str, ...]]:
    """How this venv runs an older checkout's suite: the checkout's folders, first on the import
    path, and the option that keeps this venv's pytest11 entry point from loading a module the
    checkout lacks (a20ff56 has none; a checkout that has it loads its own)."""
    has_plugin = (checkout / "src/pinpoint_conformance/harness/plugin.py").is_file()
    blocked = () if has_plugin else ("-p", "no:pinpoint_conformance.harness.plugin")
    return [str(checkout / "src"), str(checkout)], blocked


def measure(repeat: int, befores: list[Path]) -> list[Row]:
    no_cache = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    cache = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rows: list[Row] = []
    for name in TARGETS:
        with target(name) as base_url:
            worker, inline = [], []
            for _ in range(repeat):  # alternating, so that a noisy spell touches both alike
                worker.append(run_suite(base_url, no_cache))
                inline.append(run_suite(base_url, no_cache, extra=("--no-property-worker",)))
            rows.append(Row(name, "pinpoint-conformance", "no", [t for t, _ in worker], worker[-1][1]))
            rows.append(Row(name, "pinpoint-conformance --no-property-worker", "no", [t for t, _ in inline],
                            inline[-1][1]))  # fmt: skip
            run_suite(base_url, cache)  # warm the cache
            runs = [run_suite(base_url, cache) for _ in range(repeat)]
            rows.append(Row(name, "pinpoint-conformance", "yes", [t for t, _ in runs], runs[-1][1]))
            print(*rows[-3:], sep="\n", flush=True)
            for before in befores if base_url is None else []:
                path, blocked = older_checkout(before)
                old = {**no_cache, "PYTHONPATH": os.pathsep.join(path)}
                runs = [run_suite(None, old, before, blocked) for _ in range(repeat)]
                rows.append(Row(name, f"pinpoint-conformance at {before.name} (before)", "no",
                                [t for t, _ in runs], runs[-1][1]))  # fmt: skip
                print(rows[-1], flush=True)
            if base_url is None:  # Schemathesis needs a URL: the reference server, started for it
                with target("reference server (--base-url)") as started:
                    rows += schemathesis_rows(name, started, repeat, no_cache)
            else:
                rows += schemathesis_rows(name, base_url, repeat, no_cache)
    return rows


def schemathesis_rows(name: str, base_url: str, repeat: int, env: dict[str, str]) -> list[Row]:
    rows = []
    for kind in ("plain", "expert"):
        runs = [run_schemathesis(kind, base_url, env) for _ in range(repeat)]
        rows.append(Row(name, f"Schemathesis, {kind}", "no", [t for t, _ in runs], runs[-1][1]))
        print(rows[-1], flush=True)
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| Target | Tool | Bytecode cache | Median wall time | Slowest | Outcome | Suite ÷ this |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    suite = {r.target: r.median for r in rows if r.tool == "pinpoint-conformance" and r.bytecode_cache == "no"}
    for row in rows:
        ratio = f"{suite[row.target] / row.median:.2f}×" if row.tool != "pinpoint-conformance" else ""
        lines.append(f"| {row.target} | {row.tool} | {row.bytecode_cache} | {row.median:.1f} s | {max(row.times):.1f} s"
                     f" | {row.outcome} | {ratio} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before", type=Path, action="append", default=[],
                        help="a checkout of an older commit: its main job is timed too (repeatable)")  # fmt: skip
    args = parser.parse_args()
    started, where, measured = provenance.now(), provenance.machine(), provenance.commit()
    rows = measure(args.repeat, args.before)
    text = table(rows)
    print(text)
    before = "".join(f" --before {path.name}" for path in args.before)
    older = "".join(f"; the older checkout {path.name} (`--before`) at commit {provenance.commit(path)}"
                    for path in args.before)  # fmt: skip
    header = (f"Measured {provenance.when(started, provenance.now())} by `python -m benchmarks.suite_runtime --repeat "
              f"{args.repeat}{before}` at commit {measured}{older}. Machine: {where}. Wall times include process "
              "start-up. The last column is the suite's median without a bytecode cache divided by the row's "
              "median.\n\n")  # fmt: skip
    medians = [asdict(r) | {"median": r.median} for r in rows]
    provenance.write_report("suite-runtime", "Suite runtime", header, text, medians)


if __name__ == "__main__":
    main()
