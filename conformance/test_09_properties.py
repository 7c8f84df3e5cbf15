"""Clause 9: property-based. Schemathesis generates IDs and headers from the spec for both
operations (and other methods for the resource, and stateful sequences through the support
document's links); every response is held to clauses 3, 6 and 7.

The checks themselves are in harness/property_checks.py, so that the property worker
(harness/property_worker.py) can run them in a second process, the one that has imported
Schemathesis and Hypothesis while the other checks ran; `--no-property-worker` runs them here."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pinpoint_conformance.harness.world import World

# The session's `run_property_check` fixture: runs a check of clause 9 (its ID) against the run's data.
RunCheck = Callable[[str, World], None]


@pytest.mark.check("PC901")
def test_generated_requests_conform(world: World, run_property_check: RunCheck) -> None:
    run_property_check("PC901", world)


@pytest.mark.check("PC902")
def test_generated_requests_with_other_methods_get_405(world: World, run_property_check: RunCheck) -> None:
    run_property_check("PC902", world)


@pytest.mark.check("PC903")
def test_stateful_sequences_through_the_links_conform(world: World, run_property_check: RunCheck) -> None:
    run_property_check("PC903", world)
