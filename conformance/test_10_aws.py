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
from pinpoint_conformance.harness.written import wait_out_a_tick

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


AWS_LIMIT = 15  # AWS quota: endpoints per user ID


def _gcm(endpoint_id: str, user: str) -> dict[str, Any]:
    return {"ChannelType": "GCM", "Address": f"token-{endpoint_id}", "User": {"UserId": user}}


def _a_tick_later(world: World, client: Client, user: str) -> None:
    """Wait out one tick of the clock the user's listed EffectiveDate shows (a second if none), so
    that what is written next is later than what was."""
    exchange = client.user("GET", world.app_a, user)
    expect.status("PCA06", exchange, 200, what="GET of a user with endpoints")
    wait_out_a_tick([item.get("EffectiveDate") for item in exchange.json()["Item"]], otherwise=1.0)


@pytest.mark.check("PCA06")
def test_a_16th_email_endpoint_is_refused(world: World, client: Client) -> None:
    """An EMAIL endpoint (like SMS, PUSH, VOICE, CUSTOM and IN_APP ones) beyond a user's 15th gets
    BadRequestException, and the user keeps the 15 it had."""
    user = world.name("limit-email")
    endpoints = world.seed_user(world.app_a, user, AWS_LIMIT)
    extra = world.name("ep16")
    exchange = world.send_endpoint(world.app_a, extra, {"ChannelType": "EMAIL", "Address": f"{extra}@example.com",
                                                        "User": {"UserId": user}})  # fmt: skip
    if exchange.status != 400:
        fail("PCA06", f"a 16th EMAIL endpoint for one user ID was answered {exchange.status}, "
                      "not 400 BadRequestException", exchange)  # fmt: skip
    check_message_body(exchange, "PCA06")
    listed = client.user("GET", world.app_a, user)
    expect.status("PCA06", listed, 200, what="GET of a user after a refused 16th endpoint")
    expect.same_endpoints("PCA06", listed, endpoints, "GET of a user after a refused 16th endpoint")


@pytest.mark.check("PCA06")
def test_a_16th_push_endpoint_evicts_the_oldest(world: World, client: Client) -> None:
    """A GCM endpoint (like ADM, APNS, APNS_VOIP, APNS_VOIP_SANDBOX and BAIDU ones) beyond a user's
    15th, when the user has a push endpoint, is accepted: the user's push endpoint with the oldest
    EffectiveDate is set INACTIVE and loses its UserId, and the user still has 15."""
    user, oldest = world.name("limit-push"), world.name("ep")
    world.put_endpoint(world.app_a, oldest, _gcm(oldest, user))
    _a_tick_later(world, client, user)
    rest = [world.name("ep") for _ in range(AWS_LIMIT - 1)]
    world.put_batch(world.app_a, [{"Id": endpoint_id, **_gcm(endpoint_id, user)} for endpoint_id in rest])
    _a_tick_later(world, client, user)
    newest = world.name("ep16")
    exchange = world.send_endpoint(world.app_a, newest, _gcm(newest, user))
    if exchange.status != 202:
        fail("PCA06", f"a 16th GCM endpoint for a user with push endpoints was answered {exchange.status}, not 202: "
                      "AWS evicts the push endpoint with the oldest EffectiveDate", exchange)  # fmt: skip
    listed = client.user("GET", world.app_a, user)
    expect.status("PCA06", listed, 200, what="GET of a user after a 16th push endpoint")
    expect.same_endpoints("PCA06", listed, [*rest, newest], "GET of a user after a 16th push endpoint "
                          "(the oldest evicted)")  # fmt: skip
    exchange = world.get_endpoint(world.app_a, oldest, "PCA06")
    evicted = exchange.json_or_none() if exchange.status == 200 else None
    if not isinstance(evicted, dict):
        fail("PCA06", f"GetEndpoint of the evicted endpoint {oldest!r} answered {exchange.status}: AWS keeps it, "
                      "INACTIVE and without its UserId", exchange)  # fmt: skip
    if evicted.get("EndpointStatus") != "INACTIVE" or (evicted.get("User") or {}).get("UserId") is not None:
        fail("PCA06", f"the evicted endpoint {oldest!r} is {evicted.get('EndpointStatus')!r} with UserId "
                      f"{(evicted.get('User') or {}).get('UserId')!r}: AWS sets it INACTIVE and removes its UserId",
             exchange)  # fmt: skip


@pytest.mark.check("PCA07")
def test_endpoint_ids_are_matched_without_regard_to_case(world: World, client: Client) -> None:
    """AWS's model calls UpdateEndpoint's EndpointId "the case insensitive unique identifier for the
    endpoint" (DIVERGENCES.md D27): an endpoint written as `…-Ep-N` and updated as `…-EP-N` is one
    endpoint, listed once with the update's attribute, and GetEndpoint finds it in lower case too.
    Which spelling the listed Id keeps is not judged."""
    user, endpoint_id = world.name("case-ep"), world.name("Ep")
    address = f"{endpoint_id.lower()}@example.com"
    world.put_endpoint(world.app_a, endpoint_id, {"ChannelType": "EMAIL", "Address": address,
                                                  "User": {"UserId": user}})  # fmt: skip
    update = {"ChannelType": "EMAIL", "Address": address, "Attributes": {"step": ["2"]}, "User": {"UserId": user}}
    world.put_endpoint(world.app_a, endpoint_id.upper(), update)
    exchange = client.user("GET", world.app_a, user)
    expect.status("PCA07", exchange, 200, what="GET of a user whose endpoint was written in two spellings")
    items = exchange.json()["Item"]
    if len(items) != 1 or str(items[0].get("Id", "")).lower() != endpoint_id.lower():
        fail("PCA07", f"{endpoint_id!r} and {endpoint_id.upper()!r} name one endpoint, but the user lists "
                      f"{expect.listed_ids(exchange)}", exchange)  # fmt: skip
    if (items[0].get("Attributes") or {}).get("step") != ["2"]:
        fail("PCA07", f"the update written as {endpoint_id.upper()!r} did not reach the endpoint: Attributes "
                      f"{items[0].get('Attributes')!r}", exchange)  # fmt: skip
    exchange = world.get_endpoint(world.app_a, endpoint_id.lower(), "PCA07")
    if exchange.status != 200:
        fail("PCA07", f"GetEndpoint of {endpoint_id.lower()!r} answered {exchange.status}: the endpoint written "
                      f"as {endpoint_id!r} has that ID, in another case", exchange)  # fmt: skip


@pytest.mark.check("PCA08")
def test_opt_out_and_endpoint_status_carry_documented_values(world: World, client: Client) -> None:
    """Judged on every endpoint listed under this profile (`wire.py`); here an endpoint written
    with neither member, so that the values are the server's own."""
    user = world.name("values")
    endpoint_id = world.name("ep")
    world.put_endpoint(world.app_a, endpoint_id, {"ChannelType": "EMAIL", "Address": f"{endpoint_id}@example.com",
                                                  "User": {"UserId": user}})  # fmt: skip
    exchange = client.user("GET", world.app_a, user)
    expect.status("PCA08", exchange, 200, what="GET of a user with an endpoint written without OptOut")


def _statuses(client: Client, world: World, user: str, what: str) -> tuple[dict[str, Any], Any]:
    exchange = client.user("GET", world.app_a, user)
    expect.status("PCA09", exchange, 200, what=what)
    return {item.get("Id"): item.get("EndpointStatus") for item in exchange.json()["Item"]}, exchange


def _expect_statuses(client: Client, world: World, user: str, wanted: dict[str, str], what: str) -> None:
    got, exchange = _statuses(client, world, user, what)
    if {endpoint_id: got.get(endpoint_id) for endpoint_id in wanted} != wanted:
        fail("PCA09", f"{what}: EndpointStatus {got}, expected {wanted}", exchange)


@pytest.mark.check("PCA09")
def test_a_write_deactivates_the_other_endpoints_of_its_address(world: World, client: Client) -> None:
    user, first, second = world.name("same-address"), world.name("ep"), world.name("ep")
    request = {"ChannelType": "EMAIL", "Address": f"{first}@example.com", "User": {"UserId": user}}
    world.put_endpoint(world.app_a, first, request)
    world.put_endpoint(world.app_a, second, request)
    _expect_statuses(client, world, user, {first: "INACTIVE", second: "ACTIVE"},
                     "after a second endpoint was written with the first one's Address")  # fmt: skip
    world.put_endpoint(world.app_a, first, request)
    _expect_statuses(client, world, user, {first: "ACTIVE", second: "INACTIVE"},
                     "after the first endpoint was written again with that Address")  # fmt: skip
    user = world.name("no-address")
    bare = [world.name("ep"), world.name("ep")]
    for endpoint_id in bare:
        world.put_endpoint(world.app_a, endpoint_id, {"ChannelType": "EMAIL", "User": {"UserId": user}})
    _expect_statuses(client, world, user, dict.fromkeys(bare, "ACTIVE"),
                     "after two endpoints were written without an Address")  # fmt: skip
