"""A pytest plugin for the suite's own process that removes one probe before the run starts, so that
a proof can show which variant nothing else in the suite catches:

    PINPOINT_ABLATE=neighbour:longer pytest conformance -p proof.ablation ...
    PINPOINT_ABLATE=hostile:lengths  pytest conformance -p proof.ablation ...

`neighbour:<kind>` removes a kind of `pinpoint_conformance.harness.neighbours.NEIGHBOURS` (PC102, PC403);
`hostile:<class>` a class of `pinpoint_conformance.harness.hostile_ids.CLASSES`, and `hostile:normalized` empties
`NORMALIZED` (PC707). The shared mappings are changed in place, so every test sees the same
suite less that one probe. An unknown name is a usage error, never a silent no-op.
"""

from __future__ import annotations

import os

import pytest

from pinpoint_conformance.harness import hostile_ids, neighbours

VARIABLE = "PINPOINT_ABLATE"


def probes() -> list[str]:
    """Every probe this plugin can remove, as `kind:name`."""
    return ([f"neighbour:{name}" for name in neighbours.NEIGHBOURS]
            + [f"hostile:{name}" for name in hostile_ids.CLASSES] + ["hostile:normalized"])  # fmt: skip


def ablate(probe: str) -> None:
    if probe not in probes():
        raise pytest.UsageError(f"{VARIABLE}={probe!r} names no probe; one of {probes()}")
    kind, _, name = probe.partition(":")
    if kind == "neighbour":
        del neighbours.NEIGHBOURS[name]
    elif name == "normalized":
        hostile_ids.NORMALIZED.clear()
    else:
        del hostile_ids.CLASSES[name]


def pytest_configure(config: pytest.Config) -> None:
    probe = os.environ.get(VARIABLE)
    if probe:
        ablate(probe)
