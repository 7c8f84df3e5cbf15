"""Same server, same verdict: every variant, conforming and faulty, is judged right under four more
seeds besides the default one of `test_catalogue.py` — five in all. A faulty variant fails its own
clause's checks under each, and nothing outside what the catalogue declares for it but the
generated checks, whose inputs the seed draws; a conforming one conforms under each.
`tests/conftest.py` writes the figure to reports/stability.{json,md}."""

from __future__ import annotations

from pathlib import Path

import pytest

from proof.variants import CONFORMING, FAULTY, Variant
from tests.verdicts.test_catalogue import record, run_variant

SEEDS = ("1", "2", "3", "4")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", FAULTY + CONFORMING, ids=lambda v: v.name)
def test_the_verdict_does_not_depend_on_the_seed(variant: Variant, seed: str, tmp_path: Path) -> None:
    run = run_variant(variant, tmp_path, seed)
    record(variant, run, seed)
    wanted = "CONFORMS" if variant.conforming else "DOES NOT CONFORM"
    assert run.report.get("outcome") == wanted, f"seed {seed}: {run.explain()}"
    assert variant.judged_right(run.exit_code, run.failed, default_seed=False), f"seed {seed}: {run.explain()}"
