"""Mutation study of proof/panel/node-http/server.js with Stryker, judged by the conformance suite.

Subcommands (see README.md beside this file):

  baseline  run the suite on the unmutated server under core and aws (seed 1) and record the failed
            checks per profile in WORK/baseline.json
  study     baseline (unless recorded), then Stryker over a copy of server.js, then boto3, then report
  mutant    what Stryker's command test runner calls, once per mutant (cwd: Stryker's sandbox)
  boto3     run the server author's check_boto3.py against every mutant the suite let survive
  after     run the suite as it is now on the mutants whose outcome a suite change can alter (every
            survivor, and every kill that PC603, PC604 or PC902 had a part in), against a baseline of
            the suite as it is now: the "after" figures beside the first measurement
  report    write reports/panel-mutation-study.{md,json} from Stryker's JSON report and the records

WORK is reports/panel-mutation/ (git-ignored) unless PANEL_MUTATION_WORK names another folder.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import platform
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("PANEL_MUTATION_ROOT", HERE.parents[1]))  # set for the frozen copy Stryker calls
SERVER = ROOT / "proof" / "panel" / "node-http" / "server.js"
CHECK_BOTO3 = ROOT / "proof" / "panel" / "node-http" / "check_boto3.py"
PYTHON = ROOT / ".venv" / "bin" / "python"
WORK = Path(os.environ.get("PANEL_MUTATION_WORK", ROOT / "reports" / "panel-mutation")).resolve()
REPORT_MD = ROOT / "reports" / "panel-mutation-study.md"
REPORT_JSON = ROOT / "reports" / "panel-mutation-study.json"

PROFILES = ("core", "aws")
# server.js is mutated in chunks of lines, one Stryker run each, so that a study cut short keeps the
# chunks it finished; they split the file between top-level statements, the User resource first.
CHUNKS = (
    "532-732",  # the User resource's handlers, the HTTP plumbing, handle(), raw errors
    "83-138",  # helpers, percent-decoding, control characters
    "139-199",  # the request target, routes, matching
    "342-398",  # applying a write to an endpoint, the endpoint's view
    "399-479",  # apps: views, lookup, JSON bodies, CreateApp, GetApps, GetApp, DeleteApp
    "200-235",  # validation helpers, IDs
    "480-531",  # UpdateEndpoint(sBatch), GetEndpoint, DeleteEndpoint
    "236-341",  # validation of an endpoint write
    "1-82",  # configuration, arguments, errors
    "733-804",  # main(): the server, its events, stopping
)
SEED = 1
LISTEN_WITHIN = 10.0  # seconds: a mutant not listening by then is stillborn
SUITE_BOUND = 120.0  # seconds: one suite run
CLASSES = ("equivalent", "outside-contract", "missed", "unclassified")
RAN = ("pass", "not exercised", "warn", "fail")  # statuses of a check that ran to a result
ACTIVE_MUTANT = "__STRYKER_ACTIVE_MUTANT__"
# Exit codes of `mutant`. Stryker's command runner knows only 0 (survived) and non-zero (killed);
# the report reads the records and counts STILLBORN and SUITE_TIMEOUT apart from the kills.
KILLED, STILLBORN, SUITE_TIMEOUT, BASELINE_MISMATCH = 1, 3, 4, 5


# ---------------------------------------------------------------------------------------------
# Running a server and the suite
# ---------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Server:
    """`node server.js --host 127.0.0.1 --port P`, started from `cwd`, listening or not."""

    def __init__(self, script: Path, env: dict[str, str], log: Path) -> None:
        self.script, self.env, self.log = script, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.banner = ""
        self.start_seconds = 0.0

    def start(self) -> bool:
        """True once it listens: it printed `listening on` or its port accepts connections."""
        for _ in range(3):  # another process may take the free port first: try another one
            self.port = free_port()
            started = time.monotonic()
            err = self.log.open("ab")
            self.proc = subprocess.Popen(
                ["node", self.script.name, "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=self.script.parent,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=err,
                start_new_session=True,
            )
            err.close()
            listening = self._wait(started)
            self.start_seconds = time.monotonic() - started
            if listening:
                return True
            self.stop()
            if b"EADDRINUSE" not in self.log.read_bytes():
                return False
        return False

    def _wait(self, started: float) -> bool:
        assert self.proc is not None and self.proc.stdout is not None
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        out = b""
        try:
            while time.monotonic() - started < LISTEN_WITHIN:
                if sel.select(timeout=0.05):
                    chunk = os.read(self.proc.stdout.fileno(), 4096)
                    out += chunk
                    self.banner = out.decode("utf-8", "replace").strip()[:200]
                    if b"listening on" in out:
                        return True
                    if not chunk and self.proc.poll() is not None:
                        return False
                elif self.proc.poll() is not None:
                    return False
                if port_open(self.port):
                    return True
            return False
        finally:
            sel.close()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=2)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        finally:
            if self.proc.stdout is not None:
                self.proc.stdout.close()


def suite_command(port: int, profile: str, report_dir: Path) -> list[str]:
    return [
        str(PYTHON), "-m", "pytest", "conformance",
        "--base-url", f"http://127.0.0.1:{port}",
        "--seed", str(SEED), "--timeout", "3", "-q", "-p", "no:cacheprovider",
        "--report-dir", str(report_dir), "--profile", profile,
    ]  # fmt: skip


def run_suite(port: int, profile: str) -> dict[str, Any]:
    """One run of the suite as a user runs it; its exit code and each check's status."""
    env = {k: v for k, v in os.environ.items() if k != ACTIVE_MUTANT}
    with tempfile.TemporaryDirectory(prefix=f"panel-mutation-{profile}-") as tmp:
        report_dir = Path(tmp) / "report"
        out_path = Path(tmp) / "out.txt"
        started = time.monotonic()
        with out_path.open("wb") as out:
            proc = subprocess.Popen(
                suite_command(port, profile, report_dir),
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                code: int | None = proc.wait(timeout=SUITE_BOUND)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                code = None
            except BaseException:  # SIGTERM from Stryker's timeout
                os.killpg(proc.pid, signal.SIGKILL)
                raise
        seconds = round(time.monotonic() - started, 2)
        tail = out_path.read_text("utf-8", "replace").strip().splitlines()[-1:]
        result: dict[str, Any] = {"exit_code": code, "seconds": seconds, "last_line": tail[0] if tail else ""}
        report = report_dir / "conformance.json"
        if code is not None and report.exists():
            data = json.loads(report.read_text("utf-8"))
            result["verdict"] = data.get("verdict", "")
            result["statuses"] = {c["id"]: c["status"] for c in data["checks"]}
            result["messages"] = {
                c["id"]: str((c.get("failures") or [""])[0])[:400] for c in data["checks"] if c["status"] == "fail"
            }
        return result


def judge(run: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Whether a profile's run kills the mutant, against that profile's baseline."""
    statuses: dict[str, str] = run.get("statuses", {})
    failed = sorted(c for c, s in statuses.items() if s == "fail")
    newly_failed = sorted(set(failed) - set(base["failed"]))
    lost = sorted(c for c in base["ran"] if statuses.get(c, "missing") not in RAN)
    reasons = []
    if run["exit_code"] not in (0, 1):
        reasons.append(f"exit code {run['exit_code']}")
    if newly_failed:
        reasons.append("newly failed " + ", ".join(newly_failed))
    if lost:
        reasons.append("no longer ran to a result: " + ", ".join(f"{c} ({statuses.get(c, 'missing')})" for c in lost))
    return {
        "exit_code": run["exit_code"],
        "seconds": run["seconds"],
        "verdict": run.get("verdict", ""),
        "failed": failed,
        "newly_failed": newly_failed,
        "lost": lost,
        "killed": bool(reasons),
        "why": "; ".join(reasons),
        "messages": {c: m for c, m in run.get("messages", {}).items() if c in newly_failed},
        "last_line": run["last_line"],
    }


def measure(script: Path, env: dict[str, str], log: Path) -> dict[str, Any]:
    """Start the server, run both profiles, stop it."""
    server = Server(script, env, log)
    if not server.start():
        return {"listening": False, "banner": server.banner}
    try:
        runs = {profile: run_suite(server.port, profile) for profile in PROFILES}
    finally:
        server.stop()
    return {"listening": True, "banner": server.banner, "start_seconds": round(server.start_seconds, 2), "runs": runs}


# ---------------------------------------------------------------------------------------------
# Subcommands
# ---------------------------------------------------------------------------------------------
def cmd_baseline(args: argparse.Namespace) -> int:
    out_path = getattr(args, "out", None) or WORK / "baseline.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    samples = []
    for i in range(args.repeat):
        env = {k: v for k, v in os.environ.items() if k != ACTIVE_MUTANT}
        m = measure(SERVER, env, WORK / "baseline-server.log")
        if not m["listening"]:
            print("the unmutated server did not listen", file=sys.stderr)
            return 2
        samples.append(m["runs"])
        print(
            f"baseline {i + 1}: "
            + ", ".join(f"{p} exit {r['exit_code']} {r['seconds']} s" for p, r in m["runs"].items())
        )
    baseline: dict[str, Any] = {"server": str(SERVER.relative_to(ROOT)), "seed": SEED, "repeat": args.repeat}
    for profile in PROFILES:
        runs = [s[profile] for s in samples]
        failed_sets = {tuple(sorted(c for c, s in r["statuses"].items() if s == "fail")) for r in runs}
        if len(failed_sets) != 1 or len({r["exit_code"] for r in runs}) != 1:
            print(f"the baseline is not stable under {profile}: {failed_sets}", file=sys.stderr)
            return 2
        first = runs[0]
        baseline[profile] = {
            "exit_code": first["exit_code"],
            "verdict": first["verdict"],
            "failed": sorted(failed_sets.pop()),
            "ran": sorted(
                c for c, s in first["statuses"].items() if s in RAN and all(r["statuses"][c] in RAN for r in runs)
            ),
            "statuses": first["statuses"],
            "seconds": [r["seconds"] for r in runs],
            "command": " ".join(suite_command(0, profile, Path("<tmp>"))).replace(":0", ":PORT"),
        }
    baseline["commit"] = git_head()
    out_path.write_text(json.dumps(baseline, indent=2) + "\n")
    for profile in PROFILES:
        b = baseline[profile]
        print(f"{profile}: exit {b['exit_code']}, {b['verdict']}, failed {b['failed'] or 'nothing'}")
    return 0


def chunk_dir(chunk: str) -> Path:
    return WORK / "chunks" / chunk


def cmd_mutant(_: argparse.Namespace) -> int:
    """Stryker's test command: 0 = survived, non-zero = killed (or stillborn, see the record)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # Stryker's timeout: stop the server too
    baseline = json.loads((WORK / "baseline.json").read_text())
    mutant = os.environ.get(ACTIVE_MUTANT)
    script = Path.cwd() / "server.js"
    here = chunk_dir(os.environ["PANEL_MUTATION_CHUNK"])
    records = here / "records"
    records.mkdir(parents=True, exist_ok=True)
    name = mutant if mutant is not None else "dry-run"
    if mutant is None:  # keep the instrumented file, for boto3 against the survivors
        shutil.copyfile(script, here / "instrumented-server.js")
    log = records / f"{name}.server.log"
    log.unlink(missing_ok=True)
    started = time.monotonic()
    m = measure(script, dict(os.environ), log)
    record: dict[str, Any] = {"mutant": mutant, "listening": m["listening"], "banner": m["banner"]}
    if not m["listening"]:
        record["outcome"] = "stillborn"
        code = STILLBORN
    else:
        record["start_seconds"] = m["start_seconds"]
        record["profiles"] = {p: judge(m["runs"][p], baseline[p]) for p in PROFILES}
        if any(r["exit_code"] is None for r in m["runs"].values()):
            record["outcome"] = "suite-timeout"
            code = SUITE_TIMEOUT
        elif any(j["killed"] for j in record["profiles"].values()):
            record["outcome"] = "killed"
            code = KILLED
        else:
            record["outcome"] = "survived"
            code = 0
    record["seconds"] = round(time.monotonic() - started, 2)
    stderr = log.read_text("utf-8", "replace") if log.exists() else ""
    record["server_stderr_tail"] = stderr[-1500:]
    log.unlink(missing_ok=True)
    tmp = records / f".{name}.json.tmp"
    tmp.write_text(json.dumps(record, indent=1) + "\n")
    tmp.replace(records / f"{name}.json")
    if mutant is None and code != 0:
        print(f"the dry run does not match the baseline: {json.dumps(record)[:3000]}", file=sys.stderr)
        return BASELINE_MISMATCH
    print(f"mutant {name}: {record['outcome']}")
    return code


def done_chunks() -> list[str]:
    """The chunks whose Stryker run finished, in the order of CHUNKS."""
    return [c for c in CHUNKS if (chunk_dir(c) / "mutation.json").exists()]


def chunk_mutants(chunk: str) -> list[dict[str, Any]]:
    files = json.loads((chunk_dir(chunk) / "mutation.json").read_text())["files"]
    (only,) = files.values()
    return list(only["mutants"])


def read_records(chunk: str) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in (chunk_dir(chunk) / "records").glob("*.json")}


def cmd_study(args: argparse.Namespace) -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    study_path = WORK / "study.json"
    meta = json.loads(study_path.read_text()) if study_path.exists() and not args.fresh else {}
    if not meta:
        if args.fresh:
            shutil.rmtree(WORK / "chunks", ignore_errors=True)
        meta = {
            "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git_head(),
            "command": "python benchmarks/panel_mutation/runner.py study",
            "machine": f"{os.cpu_count()} cores, {platform.platform()}, node {node_version()}, "
            f"Python {platform.python_version()}",
            "load_average": os.getloadavg(),
            "chunks": {},
        }
    if not (WORK / "baseline.json").exists() and cmd_baseline(argparse.Namespace(repeat=args.repeat)) != 0:
        return 2
    stryker = HERE / "node_modules" / ".bin" / "stryker"
    for chunk in args.chunks.split(",") if args.chunks else CHUNKS:
        if chunk not in CHUNKS:
            print(f"unknown chunk {chunk}; the chunks are {', '.join(CHUNKS)}", file=sys.stderr)
            return 2
        if chunk in done_chunks():
            continue
        here = chunk_dir(chunk)
        shutil.rmtree(here, ignore_errors=True)
        here.mkdir(parents=True)
        stryker_dir = WORK / "stryker"
        shutil.rmtree(stryker_dir, ignore_errors=True)
        stryker_dir.mkdir()
        shutil.copyfile(SERVER, stryker_dir / "server.js")
        # Stryker calls a copy of this file, so that editing it during a study changes no mutant's run.
        frozen = WORK / "runner-frozen.py"
        shutil.copyfile(Path(__file__).resolve(), frozen)
        env = dict(os.environ, PANEL_MUTATION_PYTHON=str(PYTHON), PANEL_MUTATION_RUNNER=str(frozen))
        env.update(PANEL_MUTATION_ROOT=str(ROOT), PANEL_MUTATION_WORK=str(WORK), PANEL_MUTATION_CHUNK=chunk)
        began = time.time()
        command = [str(stryker), "run", str(HERE / "stryker.config.json"), "--mutate", f"server.js:{chunk}"]
        code = subprocess.run(command, cwd=stryker_dir, env=env).returncode
        meta["chunks"][chunk] = {
            "started": dt.datetime.fromtimestamp(began, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "seconds": round(time.time() - began),
            "stryker_exit_code": code,
            "commit": git_head(),  # the suite each chunk ran with: a study may be resumed at another
        }
        if code == 0:
            for name in ("mutation.json", "mutation.html"):
                shutil.move(stryker_dir / "reports" / "mutation" / name, here / name)
        study_path.write_text(json.dumps(meta, indent=2) + "\n")
        if code != 0:
            return code
    if not args.no_boto3:
        cmd_boto3(argparse.Namespace())
    return cmd_report(argparse.Namespace(classes=None))


def git_head() -> str:
    return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


def node_version() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


def cmd_boto3(_: argparse.Namespace) -> int:
    """check_boto3.py (the server author's check) against every survivor; non-zero exit = killed."""
    for chunk in done_chunks():
        out_path = chunk_dir(chunk) / "boto3.json"
        results: dict[str, Any] = json.loads(out_path.read_text()) if out_path.exists() else {}
        with tempfile.TemporaryDirectory(prefix="panel-mutation-boto3-") as tmp:
            script = Path(tmp) / "server.js"
            shutil.copyfile(chunk_dir(chunk) / "instrumented-server.js", script)
            targets = [("none", None)] + [(m["id"], m["id"]) for m in chunk_mutants(chunk) if m["status"] == "Survived"]
            for name, mutant in targets:
                if name in results:
                    continue
                env = {k: v for k, v in os.environ.items() if k != ACTIVE_MUTANT}
                if mutant is not None:
                    env[ACTIVE_MUTANT] = mutant
                server = Server(script, env, Path(tmp) / "server.log")
                if not server.start():
                    results[name] = {"exit_code": None, "failures": ["did not listen"]}
                    continue
                try:
                    proc = subprocess.run(
                        ["python3", str(CHECK_BOTO3), "--endpoint-url", f"http://127.0.0.1:{server.port}"],
                        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                    )  # fmt: skip
                    fails = [ln[6:] for ln in proc.stdout.splitlines() if ln.startswith("FAIL")]
                    results[name] = {"exit_code": proc.returncode, "failures": fails[:5]}
                except subprocess.TimeoutExpired:
                    results[name] = {"exit_code": None, "failures": ["timed out after 120 s"]}
                finally:
                    server.stop()
                print(f"boto3 {chunk}/{name}: exit {results[name]['exit_code']}")
                out_path.write_text(json.dumps(results, indent=1) + "\n")
    return 0


AFTER = WORK / "after"
# A kill these checks had a part in may not recur once TRACE is sent under strict only (PC603, PC604)
# and PC902 draws from three methods instead of four (its drawn IDs change with it).
REDRAWN = frozenset({"PC603", "PC604", "PC902"})


def after_targets(chunk: str) -> list[str]:
    """The mutants of `chunk` whose outcome the suite's changes since the first measurement can alter."""
    records = read_records(chunk)
    return [
        m["id"]
        for m in chunk_mutants(chunk)
        if m["status"] == "Survived"
        or (
            records.get(m["id"], {}).get("outcome") == "killed"
            and any(set(j["newly_failed"]) & REDRAWN for j in records[m["id"]]["profiles"].values())
        )
    ]


def after_record(script: Path, mutant: str, log: Path, baseline: dict[str, Any]) -> dict[str, Any]:
    """One mutant run again: both profiles judged against `baseline`."""
    env = {k: v for k, v in os.environ.items() if k != ACTIVE_MUTANT}
    env[ACTIVE_MUTANT] = mutant
    m = measure(script, env, log)
    record: dict[str, Any] = {"mutant": mutant, "listening": m["listening"]}
    if not m["listening"]:
        record["outcome"] = "stillborn"
        return record
    record["profiles"] = {p: judge(m["runs"][p], baseline[p]) for p in PROFILES}
    if any(r["exit_code"] is None for r in m["runs"].values()):
        record["outcome"] = "suite-timeout"
    elif any(j["killed"] for j in record["profiles"].values()):
        record["outcome"] = "killed"
    else:
        record["outcome"] = "survived"
    return record


def cmd_after(args: argparse.Namespace) -> int:
    """The first measurement's survivors, and its kills that PC603, PC604 or PC902 had a part in, run
    again with the suite as it is now (both profiles), judged against the unmutated server's runs
    under this suite: WORK/after/baseline.json, and WORK/chunks/A-B/after.json per chunk."""
    baseline_path = AFTER / "baseline.json"
    if not baseline_path.exists() and cmd_baseline(argparse.Namespace(repeat=args.repeat, out=baseline_path)) != 0:
        return 2
    baseline = json.loads(baseline_path.read_text())
    for chunk in done_chunks():
        out_path = chunk_dir(chunk) / "after.json"
        results: dict[str, Any] = json.loads(out_path.read_text()) if out_path.exists() else {}
        todo = [t for t in after_targets(chunk) if t not in results]
        with tempfile.TemporaryDirectory(prefix="panel-mutation-after-") as tmp:
            script = Path(tmp) / "server.js"
            shutil.copyfile(chunk_dir(chunk) / "instrumented-server.js", script)
            with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
                logs = [Path(tmp) / f"{t}.log" for t in todo]
                runs = pool.map(after_record, [script] * len(todo), todo, logs, [baseline] * len(todo))
                for mutant, record in zip(todo, runs, strict=True):
                    results[mutant] = record
                    out_path.write_text(json.dumps(results, indent=1) + "\n")
                    print(f"after {chunk}/{mutant}: {record['outcome']}", flush=True)
    return cmd_report(argparse.Namespace(classes=None))


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------
def original_text(lines: list[str], loc: dict[str, Any]) -> str:
    """The source a mutant replaces (Stryker's locations: lines 1-based, columns 1-based)."""
    s, e = loc["start"], loc["end"]
    if s["line"] == e["line"]:
        return lines[s["line"] - 1][s["column"] - 1 : e["column"] - 1]
    parts = [lines[s["line"] - 1][s["column"] - 1 :], *lines[s["line"] : e["line"] - 1]]
    return "\n".join([*parts, lines[e["line"] - 1][: e["column"] - 1]])


def short(text: str, limit: int = 70) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def mutant_key(m: dict[str, Any]) -> str:
    """Stable across runs of the same server.js (Stryker's ids are only positions in one run)."""
    s, e = m["location"]["start"], m["location"]["end"]
    return f"{m['mutatorName']}@{s['line']}:{s['column']}-{e['line']}:{e['column']}={m.get('replacement', '')}"


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "n/a"


def cmd_report(args: argparse.Namespace) -> int:
    lines = SERVER.read_text().splitlines()
    meta = json.loads((WORK / "study.json").read_text())
    baseline = json.loads((WORK / "baseline.json").read_text())
    classes: dict[str, dict[str, str]] = {}
    source = Path(args.classes) if getattr(args, "classes", None) else REPORT_JSON
    notes: list[str] = []
    if source.exists():  # keep the hand classification of a previous report (or read a file of it)
        notes = json.loads(source.read_text()).get("notes", [])
        previous = json.loads(source.read_text())
        for s in previous.get("survivors", []) + previous.get("summary", {}).get("after", {}).get("new_survivors", []):
            if s.get("class"):
                classes[s["key"]] = {"class": s["class"], "reason": s.get("reason", "")}
    rows = []
    boto_none: list[int | None] = []
    for chunk in done_chunks():
        records = read_records(chunk)
        boto_path = chunk_dir(chunk) / "boto3.json"
        boto = json.loads(boto_path.read_text()) if boto_path.exists() else {}
        if "none" in boto:
            boto_none.append(boto["none"]["exit_code"])
        rows += [report_row(chunk, m, records.get(m["id"], {}), boto, classes, lines) for m in chunk_mutants(chunk)]
    counts = Counter(r["outcome"] for r in rows)
    killed, survived = counts["killed"], counts["survived"]
    judged = [r for r in rows if r["outcome"] in ("killed", "survived")]

    def per_profile(which: tuple[str, ...]) -> dict[str, Any]:
        k = sum(1 for r in judged if any(r["killed_by"].get(p) for p in which))
        return {"killed": k, "survived": len(judged) - k, "score": pct(k, len(judged))}

    survivors = [r for r in rows if r["outcome"] == "survived"]
    klass = Counter(r.get("class") or "unclassified" for r in survivors)
    missed = klass["missed"] + klass["unclassified"]
    boto_kills = [r for r in survivors if r.get("boto3_exit_code") not in (0, None)]
    in_file = mutants_per_chunk()
    done = done_chunks()
    summary = {
        "mutants_in_file": sum(in_file.values()),
        "mutants": len(rows),
        "chunks_done": {c: in_file[c] for c in done},
        "chunks_not_run": {c: in_file[c] for c in CHUNKS if c not in done},
        "counts": {k: counts[k] for k in ("killed", "survived", "timeout", "no-coverage", "stillborn", "error")},
        "score": pct(killed, killed + survived),
        "per_profile": {
            "core": per_profile(("core",)),
            "aws": per_profile(("aws",)),
            "both": per_profile(PROFILES),
        },
        "survivor_classes": {k: klass[k] for k in CLASSES},
        "in_contract_score": pct(killed, killed + missed),
        "boto3": {
            "unmutated_exit_codes": boto_none,
            "survivors_checked": sum(1 for r in survivors if "boto3_exit_code" in r),
            "survivors_killed": len(boto_kills),
            "missed_killed": sum(1 for r in boto_kills if r.get("class") == "missed"),
            "killed": [r["id"] for r in boto_kills],
        },
    }
    after = after_summary(rows, classes)
    if after:
        summary["after"] = after
    out = {
        **meta,
        "stryker": {"version": stryker_version(), "config": json.loads((HERE / "stryker.config.json").read_text())},
        "baseline": {p: {k: baseline[p][k] for k in BASELINE_KEYS} for p in PROFILES},
        "rules": RULES,
        "notes": notes,
        "summary": summary,
        "survivors": survivors,
        "mutants": rows,
    }
    REPORT_JSON.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    REPORT_MD.write_text(markdown(out))
    print(json.dumps(summary, indent=1))
    return 0


def after_summary(rows: list[dict[str, Any]], classes: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The figures with the re-runs of `after` in place of the first outcomes they re-measured; {}
    when nothing was re-run."""
    again: dict[str, dict[str, Any]] = {}
    for chunk in done_chunks():
        path = chunk_dir(chunk) / "after.json"
        if path.exists():
            again.update({f"{chunk}/{k}": v for k, v in json.loads(path.read_text()).items()})
    if not again:
        return {}
    judged = []
    for r in rows:
        if r["outcome"] not in ("killed", "survived"):
            continue
        rec = again.get(r["id"])
        if rec is None:
            judged.append({**r, "rerun": False})
        elif rec["outcome"] in ("killed", "survived"):
            judged.append({**r, "rerun": True, "outcome": rec["outcome"],
                           "killed_by": {p: j["killed"] for p, j in rec["profiles"].items()},
                           "newly_failed": {p: j["newly_failed"] for p, j in rec["profiles"].items()}})  # fmt: skip
    killed = sum(1 for r in judged if r["outcome"] == "killed")
    survivors = [r for r in judged if r["outcome"] == "survived"]
    for r in survivors:
        r.update(classes.get(r["key"], {"class": r.get("class", ""), "reason": r.get("reason", "")}))
    klass = Counter(r.get("class") or "unclassified" for r in survivors)
    missed = klass["missed"] + klass["unclassified"]
    first = {r["id"]: r["outcome"] for r in rows}

    def per_profile(which: tuple[str, ...]) -> dict[str, Any]:
        k = sum(1 for r in judged if any(r["killed_by"].get(p) for p in which))
        return {"killed": k, "survived": len(judged) - k, "score": pct(k, len(judged))}

    def brief(r: dict[str, Any]) -> dict[str, Any]:
        keep = ("id", "key", "line", "column", "mutator", "original", "replacement", "newly_failed", "class", "reason")
        return {k: r[k] for k in keep if k in r}

    after_baseline = json.loads((AFTER / "baseline.json").read_text())
    return {
        "commit": after_baseline.get("commit", ""),
        "baseline": {p: {k: after_baseline[p][k] for k in BASELINE_KEYS} for p in PROFILES},
        "rerun": sum(1 for r in judged if r["rerun"]),
        "rerun_not_judged": sorted(k for k, v in again.items() if v["outcome"] not in ("killed", "survived")),
        "killed": killed,
        "survived": len(survivors),
        "score": pct(killed, len(judged)),
        "per_profile": {"core": per_profile(("core",)), "aws": per_profile(("aws",)), "both": per_profile(PROFILES)},
        "survivor_classes": {k: klass[k] for k in CLASSES},
        "in_contract_score": pct(killed, killed + missed),
        "newly_killed": [brief(r) for r in judged if r["outcome"] == "killed" and first[r["id"]] == "survived"],
        "new_survivors": [brief(r) for r in survivors if first[r["id"]] == "killed"],
        "missed": [brief(r) for r in survivors if (r.get("class") or "unclassified") in ("missed", "unclassified")],
    }


def report_row(
    chunk: str,
    m: dict[str, Any],
    rec: dict[str, Any],
    boto: dict[str, Any],
    classes: dict[str, dict[str, str]],
    lines: list[str],
) -> dict[str, Any]:
    """One mutant: Stryker's status, corrected by the runner's record."""
    outcome = {
        "Killed": "killed",
        "Survived": "survived",
        "Timeout": "timeout",
        "NoCoverage": "no-coverage",
        "RuntimeError": "error",
        "CompileError": "error",
        "Ignored": "ignored",
    }[m["status"]]
    if rec.get("outcome") == "stillborn":
        outcome = "stillborn"
    elif rec.get("outcome") == "suite-timeout":
        outcome = "timeout"
    elif outcome == "killed" and rec.get("outcome") != "killed":
        outcome = "error"  # killed by Stryker's count, without a record of a kill
    profiles = rec.get("profiles", {})
    row = {
        "id": f"{chunk}/{m['id']}",
        "key": mutant_key(m),
        "line": m["location"]["start"]["line"],
        "column": m["location"]["start"]["column"],
        "mutator": m["mutatorName"],
        "original": original_text(lines, m["location"]),
        "replacement": m.get("replacement", ""),
        "stryker_status": m["status"],
        "outcome": outcome,
        "killed_by": {p: profiles[p]["killed"] for p in profiles},
        "newly_failed": {p: profiles[p]["newly_failed"] for p in profiles},
        "lost": {p: profiles[p]["lost"] for p in profiles if profiles[p]["lost"]},
        "seconds": rec.get("seconds"),
    }
    if outcome == "survived":
        row.update(classes.get(row["key"], {"class": "", "reason": ""}))
        if m["id"] in boto:
            row["boto3_exit_code"] = boto[m["id"]]["exit_code"]
            row["boto3_failures"] = boto[m["id"]]["failures"]
    return row


BASELINE_KEYS = ("exit_code", "verdict", "failed", "seconds", "command")
RULES = (
    "A mutant is killed under a profile when its run fails a check the baseline did not fail under that "
    "profile, exits with a code other than 0 or 1, or leaves a check the baseline ran to a result (pass, "
    "not exercised, warn, fail) blocked, errored, not run or missing; killed when either profile kills it. "
    f"Stillborn: not listening within {LISTEN_WITHIN:.0f} s (no `listening on` line and the port refused "
    "connections), counted apart from the kills. Timeout: a suite run over "
    f"{SUITE_BOUND:.0f} s, or Stryker's own timeout."
)


def mutants_per_chunk() -> dict[str, int]:
    """How many mutants Stryker's instrumenter makes in each chunk of server.js (run or not)."""
    script = """
import { createInstrumenter } from '@stryker-mutator/instrumenter';
import { createInjector } from 'typed-inject';
import { commonTokens } from '@stryker-mutator/api/plugin';
import fs from 'fs';
const quiet = { debug() {}, info() {}, warn() {}, error() {}, trace() {}, isDebugEnabled: () => false,
  isTraceEnabled: () => false };
const inst = createInstrumenter(createInjector().provideValue(commonTokens.logger, quiet));
const content = fs.readFileSync(process.argv[1], 'utf8');
const r = await inst.instrument([{ name: 'server.js', mutate: true, content }],
  { plugins: null, excludedMutations: [], ignorers: [], noHeader: false });
console.log(JSON.stringify(r.mutants.map((m) => m.location.start.line + 1)));
"""
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script, str(SERVER)], cwd=HERE, capture_output=True, text=True, check=True
    ).stdout
    starts = json.loads(out)
    counts = {}
    for chunk in CHUNKS:
        lo, hi = (int(x) for x in chunk.split("-"))
        counts[chunk] = sum(1 for line in starts if lo <= line <= hi)
    return counts


def stryker_version() -> str:
    return json.loads((HERE / "node_modules" / "@stryker-mutator" / "core" / "package.json").read_text())["version"]


def md_code(text: str) -> str:
    """A Markdown code span that holds any text, backticks included."""
    ticks = 1
    while "`" * ticks in text:
        ticks += 1
    fence = "`" * ticks
    return f"{fence} {text} {fence}" if "`" in text or not text else f"{fence}{text}{fence}"


def md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def chunks_by_commit(r: dict[str, Any]) -> dict[str, list[str]]:
    """Which chunks ran with the suite at which commit (a study resumed later may span several)."""
    out: dict[str, list[str]] = {}
    for chunk, run in r["chunks"].items():
        out.setdefault(run.get("commit", r["commit"]), []).append(chunk)
    return out


def markdown(r: dict[str, Any]) -> str:
    s = r["summary"]
    c = s["counts"]
    b = r["baseline"]
    took = sum(x["seconds"] for x in r["chunks"].values())
    out = [
        "# Mutation study of the panel's Node.js server",
        "",
        f"Measured from {r['started']} by `{r['command']}`, the suite at commit "
        + ", ".join(f"`{c[:12]}` (chunks {', '.join(ks)})" for c, ks in chunks_by_commit(r).items())
        + " "
        f"(Stryker {r['stryker']['version']}, command test runner, concurrency "
        f"{r['stryker']['config']['concurrency']}) on {r['machine']}; Stryker's runs took "
        f"{took // 60} min {took % 60} s in all ("
        + ", ".join(f"{k}: {v['seconds'] // 60} min {v['seconds'] % 60} s" for k, v in r["chunks"].items())
        + ").",
        "",
        "Mutated: `proof/panel/node-http/server.js` (a copy; the file itself is untouched), every mutator "
        "of Stryker's default set. For each mutant the runner (`benchmarks/panel_mutation/runner.py mutant`) "
        "starts `node server.js --host 127.0.0.1 --port PORT` from Stryker's sandbox and runs, from the "
        "repository's root:",
        "",
        "```",
        b["core"]["command"],
        b["aws"]["command"],
        "```",
        "",
        r["rules"],
        "",
        "## Baseline (the unmutated server, seed 1)",
        "",
        "| Profile | Exit | Verdict | Failed checks | Seconds |",
        "|---|---|---|---|---|",
    ]
    for p in PROFILES:
        out.append(
            f"| {p} | {b[p]['exit_code']} | {b[p]['verdict']} | {', '.join(b[p]['failed']) or 'none'} "
            f"| {', '.join(str(x) for x in b[p]['seconds'])} |"
        )
    out += [
        "",
        "## Figures",
        "",
        f"server.js holds {s['mutants_in_file']} mutants (Stryker's default mutators), mutated in chunks of "
        "lines, one Stryker run each: "
        + ", ".join(f"{c} ({n})" for c, n in s["chunks_done"].items())
        + " were run"
        + (
            "; not run: " + ", ".join(f"{c} ({n})" for c, n in s["chunks_not_run"].items())
            if s["chunks_not_run"]
            else ""
        )
        + ". The figures below are over the mutants run.",
        "",
        "| | Mutants |",
        "|---|---|",
        f"| Run | {s['mutants']} of {s['mutants_in_file']} |",
        f"| Killed | {c['killed']} |",
        f"| Survived | {c['survived']} |",
        f"| Timeout | {c['timeout']} |",
        f"| No coverage | {c['no-coverage']} |",
        f"| Stillborn (did not listen within 10 s) | {c['stillborn']} |",
        f"| Error (no record) | {c['error']} |",
        f"| **Score** = killed / (killed + survived) | **{s['score']}** |",
        "| Survivors equivalent / outside-contract / missed / unclassified | "
        + " / ".join(str(s["survivor_classes"][k]) for k in CLASSES)
        + " |",
        f"| **In-contract score** = killed / (killed + missed) | **{s['in_contract_score']}** |",
        "",
        "Per profile (over the killed and survived mutants):",
        "",
        "| Profile | Killed | Survived | Score |",
        "|---|---|---|---|",
    ]
    for name, label in (("core", "core alone"), ("aws", "aws alone"), ("both", "both together")):
        pp = s["per_profile"][name]
        out.append(f"| {label} | {pp['killed']} | {pp['survived']} | {pp['score']} |")
    bo = s["boto3"]
    out += [
        "",
        f"The server author's own check (`python3 proof/panel/node-http/check_boto3.py --endpoint-url URL`, "
        f"exit code non-zero = killed) on the unmutated instrumented server: exit "
        f"{', '.join(str(x) for x in bo['unmutated_exit_codes']) or 'not run'}. Run against every survivor "
        f"({bo['survivors_checked']} checked), it kills {bo['survivors_killed']}, {bo['missed_killed']} of them "
        "classified missed.",
        "",
        "## Survivors",
        "",
        "Location is `server.js` line:column. Classes: `equivalent` (no client can observe a difference), "
        "`outside-contract` (a difference the contract leaves free), `missed` (observable by a client of the "
        "User resource and wrong by the contract; the reason cites it). boto3: the author's check on that mutant.",
        "",
        "| Mutant | Location | Mutator | Mutation | Class | Reason | boto3 |",
        "|---|---|---|---|---|---|---|",
    ]
    for v in r["survivors"]:
        mutation = f"{md_code(short(v['original'], 60))} → {md_code(short(v['replacement'], 60))}"
        bx = v.get("boto3_exit_code")
        boto_cell = "–" if "boto3_exit_code" not in v else ("passes" if bx == 0 else f"kills ({bx})")
        out.append(
            f"| {v['id']} | {v['line']}:{v['column']} | {v['mutator']} | {md_cell(mutation)} "
            f"| {v.get('class') or 'UNCLASSIFIED'} | {md_cell(v.get('reason', ''))} | {boto_cell} |"
        )
    missed: dict[str, list[dict[str, Any]]] = {}
    for v in r["survivors"]:
        if v.get("class") == "missed":
            missed.setdefault(v.get("reason", ""), []).append(v)
    out += ["", "## Missed survivors, by behaviour", ""]
    if not missed:
        out.append("None.")
    for reason, group in missed.items():
        names = ", ".join(
            f"{v['id']} ({v['line']}:{v['column']} {md_code(short(v['replacement'], 40))})" for v in group
        )
        out.append(f"- {md_cell(reason)} — {len(group)} mutant{'s' if len(group) > 1 else ''}: {names}")
    if r.get("notes"):
        out += ["", "## Notes", ""]
        out += [f"- {n}" for n in r["notes"]]
    if "after" in s:
        out += after_markdown(s["after"], s)
    kills_by_check: Counter[str] = Counter()
    for v in r["mutants"]:
        for p, checks in v["newly_failed"].items():
            for ch in checks:
                kills_by_check[f"{ch} ({p})"] += 1
    out += ["", "## Which checks killed", "", "| Check (profile) | Mutants it newly failed |", "|---|---|"]
    out += [f"| {k} | {n} |" for k, n in sorted(kills_by_check.items())]
    out += ["", "Every mutant's record (outcome, checks newly failed per profile) is in `panel-mutation-study.json`."]
    out.append("")
    return "\n".join(out)


def after_markdown(a: dict[str, Any], first: dict[str, Any]) -> list[str]:
    b = a["baseline"]
    out = [
        "",
        f"## After the suite's changes (commit `{a['commit']}`)",
        "",
        "The figures above are the first measurement, before any suite change made for this study. "
        "`runner.py after` then ran the suite as it is at this commit on every mutant whose outcome its "
        "changes can alter: every survivor, and every kill that PC603, PC604 or PC902 had a part in (TRACE "
        "is sent under strict only now, and PC902 draws from three methods instead of four). "
        f"{a['rerun']} mutants were run again"
        + (f" ({len(a['rerun_not_judged'])} of them neither killed nor survived: "
           + ", ".join(a["rerun_not_judged"]) + ")" if a["rerun_not_judged"] else "")
        + "; every other outcome stands as first measured. The unmutated server under this suite:",
        "",
        "| Profile | Exit | Verdict | Failed checks |",
        "|---|---|---|---|",
    ]  # fmt: skip
    out += [f"| {p} | {b[p]['exit_code']} | {b[p]['verdict']} | {', '.join(b[p]['failed']) or 'none'} |"
            for p in PROFILES]  # fmt: skip
    fc = first["survivor_classes"]
    ac = a["survivor_classes"]
    out += [
        "",
        "| | First measurement | After |",
        "|---|---|---|",
        f"| Killed | {first['counts']['killed']} | {a['killed']} |",
        f"| Survived | {first['counts']['survived']} | {a['survived']} |",
        f"| Score | {first['score']} | {a['score']} |",
    ]
    for name, label in (("core", "core alone"), ("aws", "aws alone"), ("both", "core and aws together")):
        was, now = first["per_profile"][name], a["per_profile"][name]
        out.append(f"| Killed by {label} | {was['killed']} ({was['score']}) | {now['killed']} ({now['score']}) |")
    out += [
        "| Survivors equivalent / outside-contract / missed / unclassified | "
        + " / ".join(str(fc[k]) for k in CLASSES) + " | " + " / ".join(str(ac[k]) for k in CLASSES) + " |",
        f"| **In-contract score** | **{first['in_contract_score']}** | **{a['in_contract_score']}** |",
    ]  # fmt: skip

    def where(v: dict[str, Any]) -> str:
        return f"- {v['id']} ({v['line']}:{v['column']} {md_code(short(v['replacement'], 40))}): "

    out += ["", f"Killed now, survivors before ({len(a['newly_killed'])}):", ""]
    out += [where(v) + "; ".join(f"{p} {', '.join(c)}" for p, c in v["newly_failed"].items() if c)
            for v in a["newly_killed"]] or ["None."]  # fmt: skip
    out += ["", f"Survivors now, killed before ({len(a['new_survivors'])}):", ""]
    out += [where(v) + f"{v.get('class') or 'UNCLASSIFIED'} — {md_cell(v.get('reason', ''))}"
            for v in a["new_survivors"]] or ["None."]  # fmt: skip
    out += ["", f"Missed (or unclassified) after ({len(a['missed'])}):", ""]
    out += [where(v) + md_cell(v.get("reason", "")) for v in a["missed"]] or ["None."]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("baseline")
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("study")
    p.add_argument("--repeat", type=int, default=3, help="baseline runs that must agree")
    p.add_argument("--no-boto3", action="store_true")
    p.add_argument("--chunks", help="comma-separated line ranges of CHUNKS to run (default: every one not done)")
    p.add_argument("--fresh", action="store_true", help="forget the chunks already done")
    sub.add_parser("mutant")
    sub.add_parser("boto3")
    p = sub.add_parser("after")
    p.add_argument("--repeat", type=int, default=3, help="baseline runs that must agree")
    p.add_argument("--jobs", type=int, default=2, help="mutants run at a time")
    p = sub.add_parser("report")
    p.add_argument("--classes", help="a JSON file with survivors[].key/class/reason (default: the previous report)")
    args = ap.parse_args()
    return {
        "baseline": cmd_baseline,
        "study": cmd_study,
        "mutant": cmd_mutant,
        "boto3": cmd_boto3,
        "after": cmd_after,
        "report": cmd_report,
    }[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
