"""boto3, a real client of this API, drives every operation of the reference server and gets the
typed exceptions for errors: the proof of wire compatibility."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pytest

from pinpoint_conformance.reference import FaultOptions, create_app, start_in_thread
from tests.reference.conftest import boto3_client


def _user_ids(response: dict[str, Any]) -> list[str]:
    return sorted(item["Id"] for item in response["EndpointsResponse"]["Item"])


def test_apps_are_created_read_and_deleted(pinpoint: Any) -> None:
    created = pinpoint.create_app(CreateApplicationRequest={"Name": "shop", "tags": {"team": "qa"}})
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    application = created["ApplicationResponse"]
    assert application["Name"] == "shop" and application["tags"] == {"team": "qa"}
    assert application["Arn"].endswith(f":apps/{application['Id']}")
    assert pinpoint.get_app(ApplicationId=application["Id"])["ApplicationResponse"] == application
    assert pinpoint.delete_app(ApplicationId=application["Id"])["ApplicationResponse"]["Id"] == application["Id"]
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_app(ApplicationId=application["Id"])


def test_update_endpoint_sets_the_server_fields(pinpoint: Any, app: str) -> None:
    answer = pinpoint.update_endpoint(ApplicationId=app, EndpointId="e1", EndpointRequest={
        "Address": "a@example.com", "ChannelType": "EMAIL", "User": {"UserId": "u1"},
        "Attributes": {"interests": ["science", "travel"]}, "Location": {"Latitude": 47.6, "Longitude": -122.3},
        "Metrics": {"visits": 3.0}, "Demographic": {"Timezone": "America/Los_Angeles"}})  # fmt: skip
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202 and answer["MessageBody"]["Message"]
    first = pinpoint.get_endpoint(ApplicationId=app, EndpointId="e1")["EndpointResponse"]
    assert first["ApplicationId"] == app and first["Id"] == "e1" and first["EndpointStatus"] == "ACTIVE"
    assert first["CohortId"].isdigit() and 0 <= int(first["CohortId"]) <= 99
    assert first["RequestId"] == answer["MessageBody"]["RequestID"]
    assert first["Location"] == {"Latitude": 47.6, "Longitude": -122.3}
    time.sleep(0.01)
    pinpoint.update_endpoint(ApplicationId=app, EndpointId="e1", EndpointRequest={"Address": "b@example.com"})
    second = pinpoint.get_endpoint(ApplicationId=app, EndpointId="e1")["EndpointResponse"]
    assert second["Address"] == "b@example.com" and second["Attributes"] == first["Attributes"]
    assert second["CreationDate"] == first["CreationDate"], "CreationDate is set once"
    assert second["CohortId"] == first["CohortId"], "the cohort is stable"
    assert datetime.fromisoformat(second["EffectiveDate"]) > datetime.fromisoformat(first["EffectiveDate"])
    assert second["EffectiveDate"].endswith("Z")


def test_user_endpoints_are_listed_and_deleted(pinpoint: Any, app: str) -> None:
    pinpoint.update_endpoints_batch(ApplicationId=app, EndpointBatchRequest={"Item": [
        {"Id": f"e{i}", "ChannelType": "SMS", "Address": f"+1206555010{i}", "User": {"UserId": "Ann"}} for i in range(3)
    ] + [{"Id": "other", "ChannelType": "SMS", "User": {"UserId": "ann"}}]})  # fmt: skip
    assert _user_ids(pinpoint.get_user_endpoints(ApplicationId=app, UserId="Ann")) == ["e0", "e1", "e2"]
    deleted = pinpoint.delete_user_endpoints(ApplicationId=app, UserId="Ann")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202 and _user_ids(deleted) == ["e0", "e1", "e2"]
    with pytest.raises(pinpoint.exceptions.NotFoundException, match="Resource not found"):
        pinpoint.get_user_endpoints(ApplicationId=app, UserId="Ann")
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.delete_user_endpoints(ApplicationId=app, UserId="Ann")
    assert _user_ids(pinpoint.get_user_endpoints(ApplicationId=app, UserId="ann")) == ["other"]


def test_an_endpoint_given_another_user_moves(pinpoint: Any, app: str) -> None:
    pinpoint.update_endpoint(ApplicationId=app, EndpointId="m", EndpointRequest={"User": {"UserId": "from"}})
    pinpoint.update_endpoint(ApplicationId=app, EndpointId="m", EndpointRequest={"User": {"UserId": "to"}})
    assert _user_ids(pinpoint.get_user_endpoints(ApplicationId=app, UserId="to")) == ["m"]
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_user_endpoints(ApplicationId=app, UserId="from")


def test_delete_endpoint_returns_it(pinpoint: Any, app: str) -> None:
    pinpoint.update_endpoint(ApplicationId=app, EndpointId="d", EndpointRequest={"Address": "x"})
    gone = pinpoint.delete_endpoint(ApplicationId=app, EndpointId="d")
    assert gone["ResponseMetadata"]["HTTPStatusCode"] == 202 and gone["EndpointResponse"]["Id"] == "d"
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.get_endpoint(ApplicationId=app, EndpointId="d")


@pytest.mark.parametrize("user", ["with space", "a+b", "mail@example.com", "urn:x:1", "ünï-用户-🙂", "u" * 255])
def test_unusual_user_ids_round_trip(pinpoint: Any, app: str, user: str) -> None:
    pinpoint.update_endpoint(ApplicationId=app, EndpointId="x", EndpointRequest={"User": {"UserId": user}})
    items = pinpoint.get_user_endpoints(ApplicationId=app, UserId=user)["EndpointsResponse"]["Item"]
    assert [item["User"]["UserId"] for item in items] == [user]


def test_unknown_application_is_not_found(pinpoint: Any) -> None:
    for call in (pinpoint.get_user_endpoints, pinpoint.delete_user_endpoints):
        with pytest.raises(pinpoint.exceptions.NotFoundException):
            call(ApplicationId="0" * 32, UserId="u")
    with pytest.raises(pinpoint.exceptions.NotFoundException):
        pinpoint.update_endpoint(ApplicationId="0" * 32, EndpointId="e", EndpointRequest={})


def test_awss_limits_are_enforced_and_nothing_invalid_is_stored(pinpoint: Any, app: str) -> None:
    batch = [{"Id": f"l{i}", "User": {"UserId": "full"}} for i in range(15)]
    pinpoint.update_endpoints_batch(ApplicationId=app, EndpointBatchRequest={"Item": batch})
    with pytest.raises(pinpoint.exceptions.BadRequestException, match="at most 15"):
        pinpoint.update_endpoint(ApplicationId=app, EndpointId="l15", EndpointRequest={"User": {"UserId": "full"}})
    with pytest.raises(pinpoint.exceptions.BadRequestException, match="at most 100"):
        pinpoint.update_endpoints_batch(ApplicationId=app, EndpointBatchRequest={
            "Item": [{"Id": f"b{i}"} for i in range(101)]})  # fmt: skip
    with pytest.raises(pinpoint.exceptions.BadRequestException, match="50 characters"):
        pinpoint.update_endpoint(ApplicationId=app, EndpointId="n", EndpointRequest={"Attributes": {"a" * 51: ["v"]}})
    with pytest.raises(pinpoint.exceptions.BadRequestException, match="100 characters"):
        pinpoint.update_endpoint(ApplicationId=app, EndpointId="n", EndpointRequest={"Attributes": {"a": ["v" * 101]}})
    with pytest.raises(pinpoint.exceptions.BadRequestException, match="ChannelType"):
        pinpoint.update_endpoint(ApplicationId=app, EndpointId="n", EndpointRequest={"ChannelType": "FAX"})
    for endpoint in ("l15", "n", "b0"):
        with pytest.raises(pinpoint.exceptions.NotFoundException):
            pinpoint.get_endpoint(ApplicationId=app, EndpointId=endpoint)
    assert len(pinpoint.get_user_endpoints(ApplicationId=app, UserId="full")["EndpointsResponse"]["Item"]) == 15


def test_throttling_is_a_typed_429() -> None:
    with start_in_thread(create_app(faults=FaultOptions(throttle=1.0))) as throttled:
        client = boto3_client(throttled.base_url, retries=1)
        with pytest.raises(client.exceptions.TooManyRequestsException):
            client.get_user_endpoints(ApplicationId="a", UserId="u")
