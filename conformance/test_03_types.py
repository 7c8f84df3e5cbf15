"""Clause 3: types as the spec gives them. The checks themselves run on every response of the
resource (`wire.py`); these workflows give them endpoints of every kind to look at."""

from __future__ import annotations

import time

import pytest

from pinpoint_conformance.harness import expect
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.world import World

from .test_02_fields import full_endpoint

# Every channel of the model's enum, each with an address of the kind it takes.
CHANNELS = {
    "PUSH": "push-token-0f3a", "GCM": "fT3b0V2Wb9Q:APA91bE7x", "APNS": "a" * 64, "APNS_SANDBOX": "b" * 64,
    "APNS_VOIP": "c" * 64, "APNS_VOIP_SANDBOX": "d" * 64, "ADM": "amzn1.adm-registration.v3.Y29uZm9ybWFuY2U",
    "SMS": "+12065550100", "VOICE": "+12065550101", "EMAIL": "typed@example.com", "BAIDU": "baidu-channel-4411",
    "CUSTOM": "https://example.com/hooks/endpoint", "IN_APP": "in-app-user",
}  # fmt: skip


@pytest.fixture(scope="module")
def typed_user(world: World) -> str:
    """A user with a fully described endpoint, updated once, and endpoints of many channels."""
    user = world.name("typed")
    endpoint_id = world.name("ep")
    world.put_endpoint(world.app_a, endpoint_id, full_endpoint(user))
    time.sleep(0.01)  # so that an update's EffectiveDate can differ from CreationDate
    world.put_endpoint(world.app_a, endpoint_id, {"Metrics": {"sessions": 13}, "User": {"UserId": user}})
    items = [{"Id": world.name("ch"), "ChannelType": channel, "Address": address, "User": {"UserId": user}}
             for channel, address in CHANNELS.items()]  # fmt: skip
    world.put_batch(world.app_a, items)  # 14 endpoints in all, within AWS's 15
    return user


def _get(client: Client, world: World, user: str, check_id: str) -> None:
    exchange = client.user("GET", world.app_a, user)  # the wire checks raise with their own IDs
    expect.status(check_id, exchange, 200, what="GET of a user with endpoints of many kinds")


@pytest.mark.check("PC301")
def test_responses_match_the_schema(world: World, client: Client, typed_user: str) -> None:
    _get(client, world, typed_user, "PC301")


@pytest.mark.check("PC302")
def test_cohort_id_is_a_string_from_0_to_99(world: World, client: Client, typed_user: str) -> None:
    _get(client, world, typed_user, "PC302")


@pytest.mark.check("PC303")
def test_dates_are_iso_8601_and_in_order(world: World, client: Client, typed_user: str) -> None:
    _get(client, world, typed_user, "PC303")


@pytest.mark.check("PC304")
def test_channel_types_are_the_models(world: World, client: Client, typed_user: str) -> None:
    _get(client, world, typed_user, "PC304")


@pytest.mark.check("PC305")
def test_no_undocumented_fields(world: World, client: Client, typed_user: str) -> None:
    _get(client, world, typed_user, "PC305")
