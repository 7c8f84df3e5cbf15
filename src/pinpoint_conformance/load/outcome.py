"""A load run's outcome: Locust's statistics, the tally, the verification after the load, set against
the thresholds; the verdict line and exit code a CI gate reads, and what the terminal prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pinpoint_conformance.harness.exchange import request_line

from .options import Thresholds
from .settle import Verification
from .tally import NO_RESPONSE, Tally

PASSED, FAILED = "PASSED", "FAILED"
SHOWN_IN_TERMINAL = 3  # non-conforming responses the terminal shows in full (the reports keep more)


@dataclass
class LoadRun:
    target: str
    embedded: bool
    users: int
    spawn_rate: float
    run_time: int
    settle: float
    thresholds: Thresholds
    result: dict[str, Any]  # what the Locust master (or the local process) wrote: see locustfile.py
    tally: Tally
    verification: Verification
    data: dict[str, Any] = field(default_factory=dict)  # the run's prefix, application, clean-up problems
    interrupted: bool = False

    @property
    def requests(self) -> int:
        return sum(sum(statuses.values()) for statuses in self.tally.statuses.values())

    def count(self, wanted: Any) -> int:
        return sum(n for statuses in self.tally.statuses.values() for status, n in statuses.items() if wanted(status))

    @property
    def no_response(self) -> int:
        return self.count(lambda status: status == NO_RESPONSE)

    @property
    def server_errors(self) -> int:
        return self.count(lambda status: status.isdigit() and int(status) >= 500)

    @property
    def errors(self) -> int:
        return self.no_response + self.server_errors

    @property
    def total(self) -> dict[str, Any]:
        return self.result.get("statistics", {}).get("total", {})

    def latency(self, name: str) -> float | None:
        return self.total.get("latency_ms", {}).get(name)

    def breaches(self) -> list[str]:
        """Each threshold passed, in a phrase."""
        limits, found = self.thresholds, []
        if self.requests == 0:
            found.append("no request was sent")
        if self.tally.non_conforming > limits.max_non_conforming:
            found.append(
                f"{_plural(self.tally.non_conforming, 'non-conforming response')}, at most "
                f"{limits.max_non_conforming} allowed"
            )
        if self.requests and self.errors / self.requests > limits.max_error_rate:
            found.append(
                f"{_plural(self.errors, 'error')} in {self.requests:,} requests, "
                f"{self.errors / self.requests:.2%}, at most {limits.max_error_rate:.2%} allowed"
            )
        for name, limit in (("p95", limits.max_p95), ("p99", limits.max_p99)):
            value = self.latency(name)
            if limit is not None and (value is None or value > limit):
                found.append(f"{name} latency {_ms(value)}, at most {limit:g} ms allowed")
        rps = self.total.get("rps")
        if limits.min_rps is not None and (rps or 0) < limits.min_rps:
            found.append(f"{rps or 0:,.1f} requests/s, at least {limits.min_rps:g} required")
        return found

    @property
    def verdict(self) -> str:
        return FAILED if self.breaches() else PASSED

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 2
        return 1 if self.breaches() else 0

    def line(self) -> str:
        """The last line of the terminal, and the reports' headline: the verdict, what passed a
        threshold, and the run's numbers."""
        if self.interrupted:
            head = "INTERRUPTED"
        elif breaches := self.breaches():
            head = f"{FAILED} ({'; '.join(breaches)})"
        else:
            head = PASSED
        latency = " · ".join(f"{name} {_ms(self.latency(name))}" for name in ("p50", "p95", "p99"))
        return (
            f"pinpoint-conformance load: {head} — {self.requests:,} requests, {self.total.get('rps', 0):,.1f}/s, "
            f"{latency}; {_plural(self.errors, 'error')}; "
            f"{self.tally.non_conforming:,} non-conforming of {self.tally.judged:,} judged"
        )

    def setup(self) -> str:
        mode = self.result.get("mode")
        how = f"a master and {self.result.get('workers', 0)} workers" if mode == "distributed" else "one process"
        target = f"{self.target} (the embedded reference server)" if self.embedded else self.target
        return (
            f"Load: {target}, {self.users} virtual users ({self.spawn_rate:g}/s), {self.run_time} s, {how}, "
            f"Locust {self.result.get('locust_version', '?')}"
        )

    def verification_line(self) -> str:
        v = self.verification
        if self.interrupted:
            said = "not verified (interrupted)"
        elif v.users == 0:
            said = "no write to look for (every user's writes may have been deleted after them)"
        elif v.lost:
            said = (
                f"{v.lost} of {_plural(v.writes, 'write')} to {_plural(v.users, 'user')} LOST: not listed "
                f"within --settle {self.settle:g} s"
            )
        else:
            said = (
                f"{_plural(v.writes, 'write')} to {_plural(v.users, 'user')} looked for, all listed "
                f"({_plural(v.gets, 'GET')}, {v.seconds:.1f} s)"
            )
        if v.unanswered:
            said += f"; {_plural(v.unanswered, 'user')} not looked up (no response)"
        if v.left_out:
            said += f"; {_plural(v.left_out, 'older user')} left out (each process keeps its latest)"
        if v.processes_unverified:
            said += f"; not looked for: the writes of {', '.join(v.processes_unverified)}, whose last word never came"
        return f"After the load: {said}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict if not self.interrupted else "INTERRUPTED",
            "line": self.line(),
            "exit_code": self.exit_code,
            "target": self.target,
            "embedded": self.embedded,
            "load": {
                "users": self.users,
                "spawn_rate": self.spawn_rate,
                "run_time_s": self.run_time,
                "mode": self.result.get("mode"),
                "workers": self.result.get("workers", 0),
                "locust_version": self.result.get("locust_version"),
            },
            "requests": self.requests,
            "errors": {"total": self.errors, "no_response": self.no_response, "5xx": self.server_errors},
            "statistics": self.result.get("statistics", {}),
            "statuses": self.tally.to_dict()["statuses"],
            "judged": self.tally.judged,
            "non_conforming": {
                "count": self.tally.non_conforming,
                "by_check": dict(self.tally.by_check),
                "first": self.tally.samples,
            },
            "stale_reads": self.tally.stale_reads,
            "after_the_load": {"settle_s": self.settle, **self.verification.to_dict()},
            "thresholds": vars(self.thresholds),
            "breaches": self.breaches(),
            "data": self.data,
        }


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


COLUMNS = ("Operation", "Requests", "Req/s", "p50 ms", "p95 ms", "p99 ms", "Statuses")


def operation_rows(run: LoadRun) -> list[tuple[str, ...]]:
    """Each operation's numbers (Locust's statistics, the tally's statuses), then all of them."""
    rows = []
    stats = run.result.get("statistics", {})
    for name, entry in [*stats.get("operations", {}).items(), ("All", stats.get("total", {}))]:
        statuses = run.tally.statuses.get(name, {}) if name != "All" else {}
        latency = entry.get("latency_ms", {})
        rows.append(
            (
                name,
                f"{entry.get('requests', 0):,}",
                f"{entry.get('rps', 0):,.1f}",
                *(_number(latency.get(p)) for p in ("p50", "p95", "p99")),
                ", ".join(f"{status} ×{n:,}" for status, n in sorted(statuses.items())),
            )
        )
    return rows


def operations_table(run: LoadRun) -> list[str]:
    rows = [COLUMNS, *operation_rows(run)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    numeric = range(1, len(COLUMNS) - 1)
    return [
        "  ".join(
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def render_sample(sample: dict[str, Any]) -> str:
    """One non-conforming response in full, as the terminal shows it: the rules it broke, the
    request, the response and the curl command that sends the request again."""
    exchange = sample["exchange"]
    lines = [f"{sample['operation']} ({sample['phase']}):"]
    lines += [f"  {f['check']} {f['title']}: {f['message']}" for f in sample["failures"]]
    request, response = exchange["request"], exchange["response"]
    lines.append("  > " + request_line(request))
    lines += [f"  > {name}: {value}" for name, value in request["headers"].items()]
    if request["body"]:
        lines.append(f"  > {request['body']}")
    if response is None:
        lines.append(f"  < (no response: {exchange['error']})")
    else:
        lines.append(f"  < HTTP {response['status']} ({response['elapsed_ms']} ms)")
        lines += [f"  < {name}: {value}" for name, value in response["headers"].items()]
        lines.append(f"  < {response['body']}")
    lines.append(f"  Reproduce: {exchange['curl']}")
    return "\n".join(lines)


def terminal(run: LoadRun, reports: list[str]) -> str:
    """Everything the command prints after Locust has run, the verdict line last."""
    errors = f"Errors: {run.errors} ({run.no_response} without a response, {run.server_errors} 5xx)"
    judged = f"Non-conforming: {run.tally.non_conforming} of {run.tally.judged:,} GET and DELETE responses judged" + (
        f" ({', '.join(f'{c} ×{n}' for c, n in sorted(run.tally.by_check.items()))})" if run.tally.by_check else ""
    )
    stale = (
        f"Stale reads during the load: {run.tally.stale_reads} GETs did not list yet a write acknowledged "
        "before they were sent (a server may be eventually consistent: judged after the load)"
    )
    lines = [run.setup(), "", *operations_table(run), "", errors, judged, run.verification_line(), stale]
    if run.data.get("cleanup_problems"):
        lines.append(f"Clean-up left: {'; '.join(run.data['cleanup_problems'])}")
    if run.tally.samples:
        shown = run.tally.samples[:SHOWN_IN_TERMINAL]
        lines += [
            "",
            f"Non-conforming responses in full: the first {len(shown)} of {run.tally.non_conforming:,} "
            f"(the reports keep {len(run.tally.samples)})",
        ]
        for sample in shown:
            lines += ["", render_sample(sample)]
    lines += ["", f"Reports: {', '.join(reports)}", run.line()]
    return "\n".join(lines)
