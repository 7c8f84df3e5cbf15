"""The code is ruff clean (lint and format), as the engineering standards ask."""

from __future__ import annotations

import subprocess
import sys

from proof.processes import ROOT


def test_ruff_check_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:]


def test_ruff_format_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "format", "--check", "."], cwd=ROOT, capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout[-5000:]
