"""Spectral (`spectral:oas`) and Redocly CLI (`recommended`) find nothing in the sources or the
released bundles (3.0.3 and 3.1.0; the JSON files hold the same documents as the YAML ones, which
tests/spec/test_dist.py checks): zero errors and zero warnings, with no rule turned off. The tools
come from package.json (npm ci)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from pinpoint_conformance import spec
from proof.processes import ROOT

DOCUMENTS = [spec.user_spec_path(), spec.support_spec_path(), *(spec.dist_path(v, "yaml") for v in spec.DIST_VERSIONS)]
BIN = ROOT / "node_modules" / ".bin"


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci` (the README's setup does)")
    assert shutil.which("node"), "node is not installed"
    return str(path)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_spectral_finds_nothing(document) -> None:
    result = subprocess.run([_tool("spectral"), "lint", str(document), "--ruleset", str(ROOT / "spec/.spectral.yaml"),
                             "--format", "json", "--quiet"], capture_output=True, text=True, timeout=180)  # fmt: skip
    findings = json.loads(result.stdout or "[]")
    assert findings == [], json.dumps(findings, indent=1)[:3000]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_redocly_recommended_finds_nothing(document) -> None:
    result = subprocess.run([_tool("redocly"), "lint", str(document), "--format", "json"],
                            capture_output=True, text=True, timeout=180, cwd=ROOT)  # fmt: skip
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, json.dumps(report["problems"])[:3000]
