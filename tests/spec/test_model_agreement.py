"""The drift detector: the spec agrees with AWS's model as botocore ships it today. A botocore
upgrade that changes the API fails here, naming the difference."""

from __future__ import annotations

import copy

import pytest

from pinpoint_conformance import spec
from tests.spec.drift import differences, load_model


@pytest.fixture(scope="module")
def model() -> dict:
    return load_model()


def test_spec_agrees_with_awss_model(model: dict) -> None:
    found = differences(model, spec.load_user_spec(), spec.load_bundle())
    assert not found, "the spec and AWS's model disagree:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda m: m["shapes"]["EndpointResponse"]["members"].update(Tier={"shape": "__string"}),
         "EndpointResponse.Tier: in AWS's model, missing from the spec"),
        (lambda m: m["shapes"]["ChannelType"]["enum"].append("WHATSAPP"), "enum differs"),
        (lambda m: m["shapes"]["EndpointLocation"]["members"]["Latitude"].update(shape="__string"),
         "EndpointLocation.Latitude: model string"),
        (lambda m: m["shapes"]["EndpointsResponse"].update(required=[]) or
         m["shapes"]["MessageBody"].update(required=["RequestID"]), "MessageBody: required in AWS's model"),
        (lambda m: m["operations"]["DeleteUserEndpoints"]["http"].update(responseCode=200), "statuses differ"),
        (lambda m: m["shapes"]["EndpointUser"]["members"].pop("UserAttributes"),
         "EndpointUser.UserAttributes: in the spec, not in AWS's model"),
    ],
    ids=["new-member", "new-enum-value", "type-change", "newly-required", "status-change", "removed-member"],
)  # fmt: skip
def test_drift_is_detected_and_named(model: dict, mutate, expected: str) -> None:
    changed = copy.deepcopy(model)
    mutate(changed)
    found = differences(changed, spec.load_user_spec(), spec.load_bundle())
    assert any(expected in line for line in found), found
