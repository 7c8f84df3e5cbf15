"""The independent panel (proof/panel_servers.py): servers written outside this project's checks, on
other HTTP stacks, each run as written under every seed of SEEDS, through both entry points (the
`pinpoint-conformance run` command and `pytest conformance`), under core and aws. Each must get
exactly its adjudicated verdict (proof/panel/ADJUDICATION.md): CONFORMS where it has no defect under
that profile, else DOES NOT CONFORM with exactly its defects' checks. A failure here is a false
alarm of the suite, or a defect it stopped seeing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from proof.panel_servers import PROFILES, SEEDS, SERVERS, PanelServer
from proof.suite_runs import ENTRY_POINTS, run_suite

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=SERVERS, ids=lambda server: server.name)
def served(request: pytest.FixtureRequest) -> Iterator[tuple[PanelServer, str]]:
    """One server of the panel, started once for all the runs against it (each run works in
    applications of its own)."""
    server: PanelServer = request.param
    with server.serve() as base_url:
        yield server, base_url


@pytest.mark.parametrize(("profile", "seed", "entry"), list(itertools.product(PROFILES, SEEDS, ENTRY_POINTS)),
                         ids=lambda value: str(value))  # fmt: skip
def test_panel_server_gets_its_adjudicated_verdict(served: tuple[PanelServer, str], profile: str, seed: int,
                                                   entry: str, tmp_path: Path) -> None:  # fmt: skip
    server, base_url = served
    run = run_suite(base_url, tmp_path, profile=profile, entry=entry, catalogue_options=False,
                    options={"--seed": str(seed)})  # fmt: skip
    expected = server.expected(profile, seed)
    assert run.failed == expected, (
        f"{server.name} ({server.stack}), {profile}, seed {seed}, {entry}: failed {sorted(run.failed)}, "
        f"adjudicated {sorted(expected)}\n{run.explain()}"
    )
    assert run.exit_code == (1 if expected else 0), run.explain()
    assert not run.ids("blocked") and not run.ids("not run"), f"checks left out\n{run.explain()}"
    assert "Traceback" not in run.output, run.output[-4000:]
