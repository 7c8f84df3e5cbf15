"""Clause 0: the support calls the suite needs to create its own data. When these fail, every
other check is blocked, and the report says so once, here, instead of forty times."""

from __future__ import annotations

import pytest

from pinpoint_conformance.harness.client import Client, segment
from pinpoint_conformance.harness.failures import fail
from pinpoint_conformance.harness.world import World


@pytest.mark.check("PC001")
def test_create_app_creates_an_application(world: World, client: Client) -> None:
    if client.settings.app_id:
        pytest.skip("--app-id given: the run creates no application")
    app = world.create_app("probe")
    exchange = client.send("GET", f"/v1/apps/{segment(app)}")
    if exchange.status != 200:
        fail("PC001", f"GetApp of the application just created answered {exchange.status}", exchange)


@pytest.mark.check("PC002")
def test_update_endpoint_and_batch_store_endpoints(world: World, client: Client) -> None:
    user = world.name("setup")
    single = world.seed_user(world.app_a, user, 1, batch=False)
    batched = world.seed_user(world.app_a, user, 2, batch=True)
    for endpoint_id in single + batched:
        exchange = client.send("GET", f"/v1/apps/{segment(world.app_a)}/endpoints/{segment(endpoint_id)}")
        stored = exchange.json_or_none()
        if exchange.status != 200 or not isinstance(stored, dict) or stored.get("Id") != endpoint_id:
            got = stored.get("Id") if isinstance(stored, dict) else None
            fail("PC002", f"GetEndpoint of {endpoint_id!r}, just written, answered {exchange.status} "
                                f"with Id {got!r}", exchange)  # fmt: skip
