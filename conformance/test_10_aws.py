"""Clause 10 (profile aws): AWS's wire details. x-amzn-RequestId on every response and
x-amzn-ErrorType on every error are checked on every response of the run (`wire.py`); boto3, a
real client of this API, must read the responses and raise the typed exceptions; with SigV4 in
use, an unsigned request must be refused."""

from __future__ import annotations

from typing import Any

import pytest

from pinpoint_conformance.harness import expect
from pinpoint_conformance.harness.client import Client, user_path
from pinpoint_conformance.harness.failures import fail, observe
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.harness.wire import check_message_body
from pinpoint_conformance.harness.world import World

from .test_02_fields import full_endpoint


@pytest.mark.check("PCA01")
def test_every_response_carries_a_request_id(world: World, client: Client) -> None:
    user = world.name("rid")
    world.seed_user(world.app_a, user, 1)
    client.user("GET", world.app_a, user)
    client.user("GET", world.unknown_application("rid"), user)


@pytest.mark.check("PCA02")
def test_errors_name_their_exception(world: World, client: Client) -> None:
    client.user("GET", world.unknown_application("error-type"), world.name("u"))
    client.user("PATCH", world.app_a, world.name("u"))


def _boto3_client(settings: Settings) -> Any:
    # boto3 is imported by the tests that use it (profile aws), not by every run's collection.
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": settings.max_attempts, "mode": "standard"},
                    connect_timeout=settings.timeout, read_timeout=settings.timeout)  # fmt: skip
    credentials = {} if settings.sigv4 else {"aws_access_key_id": "conformance", "aws_secret_access_key": "x"}
    pinpoint = boto3.client("pinpoint", endpoint_url=settings.base_url, region_name=settings.region,
                            config=config, **credentials)  # fmt: skip

    def add_headers(request: Any, **_: Any) -> None:
        for name, value in settings.headers.items():
            request.headers[name] = value

    pinpoint.meta.events.register("before-sign.pinpoint", add_headers)
    return pinpoint


@pytest.mark.check("PCA03")
def test_boto3_reads_responses_and_raises_typed_exceptions(world: World, settings: Settings) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    pinpoint = _boto3_client(settings)
    user = world.name("boto3")
    endpoints = world.seed_user(world.app_a, user, 2)
    try:
        listed = pinpoint.get_user_endpoints(ApplicationId=world.app_a, UserId=user)["EndpointsResponse"]["Item"]
        deleted = pinpoint.delete_user_endpoints(ApplicationId=world.app_a, UserId=user)["EndpointsResponse"]["Item"]
    except (BotoCoreError, ClientError, KeyError) as error:
        fail("PCA03", f"boto3 could not read the response: {type(error).__name__}: {error}")
    for what, items in (("get_user_endpoints", listed), ("delete_user_endpoints", deleted)):
        got = sorted(item.get("Id", "") for item in items)
        if got != sorted(endpoints):
            fail("PCA03", f"boto3's {what} returned endpoints {got}, expected {sorted(endpoints)}")
    try:
        pinpoint.get_user_endpoints(ApplicationId=world.unknown_application("boto3"), UserId=user)
    except pinpoint.exceptions.NotFoundException:
        pass
    except (BotoCoreError, ClientError) as error:
        fail("PCA03", f"boto3 raised {type(error).__name__} ({error}) for an unknown application, "
                            "not NotFoundException")  # fmt: skip
    else:
        fail("PCA03", "boto3 raised nothing for an unknown application; NotFoundException expected")


@pytest.mark.check("PCA04")
def test_unsigned_requests_are_forbidden(world: World, client: Client, settings: Settings) -> None:
    if not settings.sigv4:
        return  # not exercised: the run does not sign, so an unsigned request proves nothing
    observe(client.findings, "PCA04")
    exchange = client.send("GET", user_path(world.app_a, world.name("u")), sign=False)
    if exchange.status != 403:
        fail("PCA04", f"an unsigned request answered {exchange.status}, expected 403", exchange)
    check_message_body(exchange, "PCA04")


@pytest.mark.check("PCA05")
def test_endpoints_carry_the_members_aws_always_returns(world: World, client: Client) -> None:
    user = world.name("members")
    world.put_endpoint(world.app_a, world.name("ep"), full_endpoint(user))
    world.seed_user(world.app_a, user, 2)
    # The wire checks hold every endpoint the run wrote to PCA05 under this profile.
    exchange = client.user("GET", world.app_a, user)
    expect.status("PCA05", exchange, 200, what="GET of a user with endpoints the run wrote")
