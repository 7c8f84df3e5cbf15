"""The fast sample of the mutation study (`python -m benchmarks.mutation_study`), on every run of the
tests: a fixed handful of mutants of the outside implementation, one or two for each cluster of
defects issue 12 names, must meet the outcome that `reports/mutation-study.json` recorded for them.
A change to the suite that lets a killed mutant through, or newly kills a recorded survivor, shows
here, and then the whole study is due again. The recorded study must also leave no survivor
unclassified, and classify no mutant the generator does not make."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from benchmarks.mutation_study import (
    CLASSIFICATIONS,
    EMULATOR,
    MUTANT_TIMEOUT,
    UNCLASSIFIED,
    load_classifications,
    run_baseline,
    study_mutant,
)
from proof.mutants import generate
from proof.suite_runs import ROOT

RECORDED = ROOT / "reports" / "mutation-study.json"
SAMPLE = (
    "L404-normalize-lower-1",  # 1: GET lower-cases the user ID (PC102)
    "L408-normalize-strip-1",  # 1: DELETE strips the user ID (PC403, PC706)
    "L404-normalize-lower-0",  # 2: GET lower-cases the application ID (PC501)
    "L408-normalize-strip-0",  # 2: DELETE strips the application ID (PC502)
    "L424-constant-int-1-0-0",  # 3: the query string read into the user ID (PC706)
    "L425-constant-str-3a2f2f-0",  # 3: absolute-form targets not routed (PC708)
    "L310-compare-eq-noteq-0",  # 4: a write deactivates endpoints with other addresses (PC205)
    "L241-delete-assign-0",  # 4: no EffectiveDate at all (optional under core: a survivor)
    "L70-constant-int-15-14-0",  # 5: a quota of 14 endpoints per user (PC002, PC104)
    "L513-constant-str-HEAD-0",  # 5: a body after HEAD (HEAD is free: a survivor)
)


def recorded() -> dict[str, dict]:
    return {mutant["id"]: mutant for mutant in json.loads(RECORDED.read_text())["mutants"]}


def test_the_recorded_study_classifies_every_survivor_and_nothing_else() -> None:
    study = recorded()
    classifications = load_classifications(CLASSIFICATIONS)
    survivors = {mutant_id for mutant_id, mutant in study.items() if mutant["outcome"] == "survived"}
    unclassified = sorted(survivors - set(classifications))
    assert not unclassified, f"{UNCLASSIFIED}: {unclassified}"
    generated = {mutant.id for mutant in generate(EMULATOR).mutants}
    assert not set(classifications) - generated, "survivors.toml names mutants the generator does not make"
    assert set(SAMPLE) <= set(study), "the sample names mutants the recorded study did not run"


@pytest.fixture(scope="module")
def results() -> dict[str, str]:
    mutants = {mutant.id: mutant for mutant in generate(EMULATOR).mutants}
    baseline = run_baseline(MUTANT_TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="mutants-") as folder:
        return {mutant_id: study_mutant(mutants[mutant_id], Path(folder), baseline, MUTANT_TIMEOUT).outcome
                for mutant_id in SAMPLE}  # fmt: skip


@pytest.mark.parametrize("mutant_id", SAMPLE)
def test_a_sampled_mutant_meets_its_recorded_outcome(mutant_id: str, results: dict[str, str]) -> None:
    expected = recorded()[mutant_id]["outcome"]
    assert results[mutant_id] == expected, f"{mutant_id}: {results[mutant_id]}, the study recorded {expected}"
