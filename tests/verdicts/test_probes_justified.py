"""Every probe earns its requests: each neighbour kind and each hostile-ID class has a variant that
the suite fails with the probe and passes without it (proof/variants/justified.py), so nothing else
in the suite catches that defect. Whole-suite runs, catalogue options, the default seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from proof import ablation
from proof.suite_runs import SuiteRun, run_suite
from proof.variants import VARIANTS, Variant
from proof.variants.justified import JUSTIFIED_BY


def run(variant: Variant, report_dir: Path, ablate: str | None = None) -> SuiteRun:
    with variant.serve() as base_url:
        return run_suite(base_url, report_dir, profile=variant.profile, options=dict(variant.options),
                         extra=("-p", "proof.ablation"), env={ablation.VARIABLE: ablate or ""})  # fmt: skip


def test_every_probe_has_one_justifying_variant() -> None:
    assert set(JUSTIFIED_BY) == set(ablation.probes()), "proof/variants/justified.py and the suite's probes differ"
    for probe, name in JUSTIFIED_BY.items():
        assert not VARIANTS[name].conforming, f"{probe}: {name} is a conforming variant"


@pytest.mark.parametrize("probe", ablation.probes())
def test_only_the_probe_catches_its_variant(probe: str, tmp_path: Path) -> None:
    variant = VARIANTS[JUSTIFIED_BY[probe]]
    present = run(variant, tmp_path / "present")
    assert present.exit_code == 1 and present.failed == variant.expected, (
        f"with {probe}, {variant.name} must fail exactly {sorted(variant.expected)}\n{present.explain()}"
    )
    kind, _, name = probe.partition(":")
    if kind == "neighbour":  # PC102's and PC403's failures name the neighbour they caught
        messages = [failure["message"] for check in present.report["checks"] for failure in check["failures"]]
        assert any(f"({name})" in message for message in messages), f"no failure names {name}: {messages}"
    ablated = run(variant, tmp_path / "ablated", probe)
    assert ablated.exit_code == 0 and not ablated.failed, (
        f"without {probe}, the suite still fails {variant.name}: {probe} is not the only probe that catches it\n"
        f"{ablated.explain()}"
    )
