"""The proof of the suite's verdicts: under its default seed it fails every faulty variant with
exactly the checks the catalogue declares (the clause the defect breaks, and what the defect
breaks besides), passes every conforming variant, and judges no target it cannot reach. The mutation score is written to
reports/mutation-score.{json,md}."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proof.suite_runs import ROOT, SuiteRun, run_suite
from proof.variants import CONFORMING, FAULTY, UNREACHABLE, Variant

RESULTS = ROOT / "reports" / "mutation"
STABILITY = ROOT / "reports" / "stability"
DEFAULT = "default"  # the suite's own default seed: no --seed at all


def record(variant: Variant, run: SuiteRun, seed: str = DEFAULT) -> None:
    """One file per variant and seed, so that xdist workers never share state; `tests/conftest.py`
    folds them into reports/mutation-score.{json,md} and the stability figure at the end."""
    folder = RESULTS if seed == DEFAULT else STABILITY
    folder.mkdir(parents=True, exist_ok=True)
    data = {"variant": variant.name, "clause": variant.clause, "description": variant.description, "seed": seed,
            "conforming": variant.conforming, "expected": sorted(variant.expected), "failed": sorted(run.failed),
            "exit_code": run.exit_code, "outcome": run.report.get("outcome"),
            "right_reason": variant.judged_right(run.exit_code, run.failed, seed == DEFAULT)}  # fmt: skip
    (folder / f"{variant.name}-{seed}.json").write_text(json.dumps(data) + "\n")


def run_variant(variant: Variant, tmp_path: Path, seed: str = DEFAULT) -> SuiteRun:
    options: dict[str, str | None] = {**variant.options}
    if seed != DEFAULT:
        options["--seed"] = seed
    with variant.serve() as base_url:
        return run_suite(base_url, tmp_path, profile=variant.profile, options=options)


@pytest.mark.parametrize("variant", FAULTY, ids=lambda v: v.name)
def test_faulty_variant_fails_for_the_right_reason(variant: Variant, tmp_path: Path) -> None:
    run = run_variant(variant, tmp_path)
    missing, unexpected = variant.unmet(run.failed)
    record(variant, run)
    assert run.exit_code == 1, f"the suite passed a faulty server ({variant.description})\n{run.explain()}"
    assert not missing, f"declared {sorted(missing)} but they did not fail ({variant.description})\n{run.explain()}"
    assert not unexpected, f"failed but not declared: {sorted(unexpected)}\n{run.explain()}"
    assert "Traceback" not in run.output, f"a broken server produced a traceback\n{run.output[-4000:]}"
    for check in run.report["checks"]:
        for failure in check["failures"]:
            assert "could not be evaluated" not in failure["message"], f"a check stumbled: {failure['message']}"


@pytest.mark.parametrize("variant", CONFORMING, ids=lambda v: v.name)
def test_conforming_variant_passes(variant: Variant, tmp_path: Path) -> None:
    run = run_variant(variant, tmp_path)
    record(variant, run)
    assert variant.judged_right(run.exit_code, run.failed), (
        f"a false alarm on a conforming server ({variant.description})\n{run.explain()}"
    )


@pytest.mark.parametrize("variant", UNREACHABLE, ids=lambda v: v.name)
def test_an_unreachable_target_is_not_judged(variant: Variant, tmp_path: Path) -> None:
    """A target that cannot be tested at all gets no verdict on the server: COULD NOT TEST, exit 7,
    one message naming the URL and the cause, no check failed or passed, every report saying so."""
    with variant.serve() as base_url:
        run = run_suite(base_url, tmp_path, profile=variant.profile)
    assert run.exit_code == 7, run.explain()
    assert run.report.get("outcome") == "COULD NOT TEST", run.explain()
    assert not run.failed and not run.ids("pass"), run.explain()
    assert f"{base_url} cannot be tested: " in run.output, run.output
    assert len(run.output.strip().splitlines()) <= 20, run.output
    assert "Traceback" not in run.output, run.output
