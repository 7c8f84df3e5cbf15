"""The documentation's options table is generated from the options' declarations, as docs/CHECKS.md
is from the check catalogue."""

from __future__ import annotations

from pinpoint_conformance.harness import option_docs
from proof.processes import ROOT


def test_the_options_table_is_generated_from_the_options() -> None:
    on_disk = (ROOT / "docs" / "snippets" / "options.md").read_text()
    assert on_disk == option_docs.markdown(), (
        "docs/snippets/options.md is stale: "
        "python -m pinpoint_conformance.harness.option_docs > docs/snippets/options.md"
    )
