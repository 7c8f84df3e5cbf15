"""The documentation site (mkdocs.yml, docs/) builds with `mkdocs build --strict`: a broken link or
anchor, a page left out of the nav, a missing page or a missing snippet (README.md's sections,
reports/*.md, docs/snippets/) fails it; and the options table it includes is generated from the
options' declarations, as docs/CHECKS.md is from the check catalogue."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pinpoint_conformance.harness import option_docs
from proof.processes import ROOT


def test_the_options_table_is_generated_from_the_options() -> None:
    on_disk = (ROOT / "docs" / "snippets" / "options.md").read_text()
    assert on_disk == option_docs.markdown(), (
        "docs/snippets/options.md is stale: "
        "python -m pinpoint_conformance.harness.option_docs > docs/snippets/options.md"
    )


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    # NO_MKDOCS_2_WARNING: Material's notice about MkDocs 2.0 on every build, which says nothing of
    # this site.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr[-5000:]
    assert (tmp_path / "site" / "running" / "index.html").exists()
