"""Runs the conformance suite the way a user does (`pytest conformance --base-url URL`, in its own
process) and reads its verdict from the JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from proof.processes import ROOT

# Catalogue runs use the suite's defaults (its seed, so a run is deterministic, and its budget of
# generated examples), except the timeout: 3 s instead of 10, so that hanging variants cost seconds.
CATALOGUE_OPTIONS = ("--timeout", "3")


@dataclass
class SuiteRun:
    exit_code: int
    report: dict[str, Any]
    output: str

    @property
    def statuses(self) -> dict[str, str]:
        """Check ID -> pass, fail, warn, skip or blocked."""
        return {check["id"]: check["status"] for check in self.report.get("checks", [])}

    def ids(self, status: str) -> set[str]:
        return {check_id for check_id, state in self.statuses.items() if state == status}

    @property
    def failed(self) -> set[str]:
        return self.ids("fail")

    @classmethod
    def read(cls, exit_code: int, report_dir: Path, output: str) -> SuiteRun:
        """A finished run, from its exit code, its JSON report (if it wrote one) and its output."""
        report_path = report_dir / "conformance.json"
        report = json.loads(report_path.read_text()) if report_path.exists() else {}
        return cls(exit_code, report, output)

    def explain(self) -> str:
        lines = [f"exit {self.exit_code}; failed {sorted(self.failed)}; blocked {sorted(self.ids('blocked'))}"]
        for check in self.report.get("checks", []):
            for failure in check["failures"][:1]:
                lines.append(f"  {check['id']}: {failure['message'][:300]} ({failure['test']})")
        lines.append(self.output[-3000:])
        return "\n".join(lines)


# The two ways a user runs the suite: the command, and pytest on the suite's folder.
ENTRY_POINTS = {
    "run": (sys.executable, "-m", "pinpoint_conformance", "run"),
    "pytest": (sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider", "--assert=plain"),
}


def run_suite(base_url: str, report_dir: Path, *, profile: str = "core", options: dict[str, str | None] | None = None,
              extra: tuple[str, ...] = (), env: dict[str, str] | None = None, entry: str = "pytest",
              catalogue_options: bool = True) -> SuiteRun:  # fmt: skip
    """The suite as `entry` runs it (ENTRY_POINTS), with the catalogue's options unless told not to
    (then the suite's own defaults), and `options` on top."""
    args = dict(zip(CATALOGUE_OPTIONS[::2], CATALOGUE_OPTIONS[1::2], strict=True)) if catalogue_options else {}
    args.update(options or {})
    command = [*ENTRY_POINTS[entry], "--base-url", base_url, "--profile", profile, "--report-dir", str(report_dir),
               *extra]  # fmt: skip
    for name, value in args.items():
        if value is not None:  # None: leave the option out (the suite's own default)
            command += [name, value]
    process = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
                             env={**os.environ, **(env or {})})  # fmt: skip
    return SuiteRun.read(process.returncode, report_dir, process.stdout + process.stderr)
