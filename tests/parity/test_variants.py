"""Comparing the catalogue's variants of the reference server with the committed transcript of the
reference server: a conforming variant differs only where the shipped example tolerance file says
two conforming servers may differ; a faulty variant's defect is a difference, not tolerated, on an
exchange of the test that catches it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pinpoint_conformance.parity.transcript import scenario_of
from proof.processes import ROOT
from proof.suite_runs import SuiteRun, run_suite
from proof.variants import CONFORMING, VARIANTS, Variant

EXAMPLES = ROOT / "reports" / "examples"
TRANSCRIPT, TOLERATE = EXAMPLES / "parity-reference.json", EXAMPLES / "parity-tolerate.toml"


def compare(variant: Variant, tmp_path: Path) -> SuiteRun:
    with variant.serve() as base_url:
        return run_suite(base_url, tmp_path, profile=variant.profile, options=variant.options,
                         extra=("--transcript", str(TRANSCRIPT), "--tolerate", str(TOLERATE)))  # fmt: skip


@pytest.mark.parametrize("variant", CONFORMING, ids=lambda v: v.name)
def test_a_conforming_variant_differs_only_where_the_example_tolerates(variant: Variant, tmp_path: Path) -> None:
    run = compare(variant, tmp_path)
    parity = run.report["parity"]
    untolerated = [f"{d['exchange']} {d['path']}: {d['kind']}" for d in parity["differences"] if not d["tolerated"]]
    assert not untolerated, "\n".join(untolerated[:20])
    assert run.exit_code == 0, run.explain()


# A faulty variant, and the path (its end) where its defect shows in the test that catches it.
FAULTY = {"case-insensitive": "]", "lowercases-address": ".Address", "wrong-application-id": ".ApplicationId",
          "drops-demographic": ".Demographic"}  # fmt: skip


@pytest.mark.parametrize("name", sorted(FAULTY))
def test_a_faulty_variant_differs_on_the_exchange_of_its_check(name: str, tmp_path: Path) -> None:
    variant = VARIANTS[name]
    run = compare(variant, tmp_path)
    assert run.exit_code == 1, run.explain()
    parity = run.report["parity"]
    untolerated = [d for d in parity["differences"] if not d["tolerated"]]
    curl = {name: evidence["curl"] for name, evidence in parity["evidence"].items()}
    for check in sorted(variant.fails):
        [result] = [c for c in run.report["checks"] if c["id"] == check]
        for failure in result["failures"]:
            # The exchange the failure shows: the same request, in the same test, as a difference shows.
            scenario, sent = scenario_of(failure["test"]), {e["curl"] for e in failure["exchanges"]}
            shown = [
                d for d in untolerated if d["exchange"].startswith(scenario + "#") and curl.get(d["exchange"]) in sent
            ]
            assert any(d["path"].endswith(FAULTY[name]) for d in shown), (
                f"{check} failed in {scenario}, but no difference on its exchange ends with {FAULTY[name]}: "
                f"{[(d['exchange'], d['path']) for d in untolerated][:10]}"
            )
    for evidence in parity["evidence"].values():  # each side of an exchange that differs, and this run's curl
        assert evidence["recorded"] or evidence["live"]
        assert (evidence["curl"] or "").startswith("curl ") == (evidence["live"] is not None)


def test_compare_reports_a_difference_in_every_format_and_exits_1(tmp_path: Path) -> None:
    """The command a CI job runs, on a conforming server that differs from the recording (a charset on
    every Content-Type), without a tolerance file: the verdict is CONFORMS, the comparison fails."""
    with VARIANTS["charset"].serve() as base_url:
        command = [sys.executable, "-m", "pinpoint_conformance", "compare", "--base-url", base_url, "--transcript",
                   str(TRANSCRIPT), "--report-dir", str(tmp_path), "-p", "no:cacheprovider", "-q"]  # fmt: skip
        process = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert process.returncode == 1, process.stdout[-3000:]
    lines = process.stdout.strip().splitlines()
    assert "verdict: CONFORMS" in lines[-2] and "parity: DIFFERS" in lines[-1], lines[-2:]
    markdown = (tmp_path / "conformance.md").read_text()
    assert "## Parity with" in markdown and "`headers.content-type`: value" in markdown and "curl " in markdown
    html = (tmp_path / "conformance.html").read_text()
    assert 'id="parity-line"' in html and "charset=utf-8" in html
    junit = (tmp_path / "junit.xml").read_text()
    assert 'classname="parity"' in junit and "headers.content-type" in junit
