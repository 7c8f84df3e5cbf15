"""Where a benchmark's figures come from: the commit measured, when, and the machine with its load.

These machines are shared and their speed drifts from hour to hour: commit a20ff56's main job took
a median of 8.8 s at 11:09-11:19 UTC on 2026-11-30 and 2.8 s at 15:38-15:42 UTC the same day, by the
same script. A figure in a report is only worth its date, its commit and the load it was measured
under; and only figures taken within one run compare.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from proof.processes import ROOT

REPORTS = ROOT / "reports"


def _git(root: Path, *arguments: str) -> str:
    result = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else ""


def commit(root: Path = ROOT) -> str:
    """The commit checked out at `root`, and whether the code measured differs from it. Files under
    reports/ are not counted: the benchmarks themselves rewrite them."""
    head = _git(root, "rev-parse", "--short", "HEAD") or "unknown"
    changed = _git(root, "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)reports")
    return f"{head} with uncommitted changes" if changed else head


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def when(started: datetime.datetime, ended: datetime.datetime | None = None) -> str:
    """When a run was measured, in UTC: "2026-11-30 14:49 UTC", or with its end "... UTC to 14:53 UTC"."""
    text = f"{started:%Y-%m-%d %H:%M} UTC"
    return f"{text} to {ended:%H:%M} UTC" if ended is not None else text


def machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, "
            f"load average {load} at the start")  # fmt: skip


def write_report(name: str, title: str, header: str, table: str, rows: list[dict[str, Any]]) -> None:
    """reports/<name>.md (the title, the header that says where the figures come from, the table)
    and reports/<name>.json (the rows, raw times included)."""
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / f"{name}.md").write_text(f"# {title}\n\n{header}{table}\n")
    (REPORTS / f"{name}.json").write_text(json.dumps(rows, indent=2))
