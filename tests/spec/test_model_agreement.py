"""The drift detector: both layers of the spec agree with AWS's model as botocore ships it today. A
botocore upgrade that changes the API fails here, naming the difference and the layer."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from pinpoint_conformance import spec
from tests.spec.drift import CONFORMANCE, PUBLISHED, differences, load_model

LAYERS = {
    PUBLISHED: (spec.load_published_user_spec, spec.load_published_bundle),
    CONFORMANCE: (spec.load_user_spec, spec.load_bundle),
}


@pytest.fixture(scope="module")
def model() -> dict:
    return load_model()


def _differences(model: dict, layer: str, change: Callable[[dict, dict], Any] | None = None) -> list[str]:
    load_user, load_bundle = LAYERS[layer]
    user, bundle = load_user(), load_bundle()
    if change is not None:
        change(user, bundle)
    return differences(model, user, bundle, layer)


@pytest.mark.parametrize("layer", LAYERS)
def test_spec_agrees_with_awss_model(model: dict, layer: str) -> None:
    found = _differences(model, layer)
    assert not found, f"the {layer} layer and AWS's model disagree:\n" + "\n".join(found)


MODEL_CHANGES = [
    ("new-member", lambda m: m["shapes"]["EndpointResponse"]["members"].update(Tier={"shape": "__string"}),
     {PUBLISHED: "EndpointResponse.Tier: in AWS's model, missing from the spec",
      CONFORMANCE: "EndpointResponse.Tier: in AWS's model, missing from the spec"}),
    ("new-enum-value", lambda m: m["shapes"]["ChannelType"]["enum"].append("WHATSAPP"),
     {PUBLISHED: "x-extensible-enum differs", CONFORMANCE: "enum differs"}),
    ("type-change", lambda m: m["shapes"]["EndpointLocation"]["members"]["Latitude"].update(shape="__string"),
     {PUBLISHED: "EndpointLocation.Latitude: model string", CONFORMANCE: "EndpointLocation.Latitude: model string"}),
    ("newly-required", lambda m: m["shapes"]["MessageBody"].update(required=["RequestID"]),
     {PUBLISHED: "MessageBody: required in AWS's model", CONFORMANCE: "MessageBody: required in AWS's model"}),
    # The conformance view may require more than the model (Message in errors); the published one not.
    ("no-longer-required", lambda m: m["shapes"]["EndpointsResponse"].update(required=[]),
     {PUBLISHED: "EndpointsResponse: required in the published contract, not in AWS's model"}),
    ("status-change", lambda m: m["operations"]["DeleteUserEndpoints"]["http"].update(responseCode=200),
     {PUBLISHED: "statuses differ", CONFORMANCE: "statuses differ"}),
    ("removed-member", lambda m: m["shapes"]["EndpointUser"]["members"].pop("UserAttributes"),
     {PUBLISHED: "EndpointUser.UserAttributes: in the spec, not in AWS's model",
      CONFORMANCE: "EndpointUser.UserAttributes: in the spec, not in AWS's model"}),
    ("renamed-exception", lambda m: m["operations"]["GetUserEndpoints"]["errors"].__setitem__(
        4, {"shape": "ConflictException"}) or m["shapes"].update(
        ConflictException={**m["shapes"]["NotFoundException"], "error": {"httpStatusCode": 404}}),
     {PUBLISHED: "404: response is '#/components/responses/NotFoundException', expected #/components/responses/Conf",
      CONFORMANCE: "expected #/components/responses/ConflictException"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("layer", "mutate", "expected"),
    [(layer, mutate, text) for _, mutate, by_layer in MODEL_CHANGES for layer, text in by_layer.items()],
    ids=[f"{name}-{layer}" for name, _, by_layer in MODEL_CHANGES for layer in by_layer],
)
def test_a_change_of_the_model_is_detected_and_named(model: dict, layer: str, mutate, expected: str) -> None:
    changed = copy.deepcopy(model)
    mutate(changed)
    found = _differences(changed, layer)
    assert any(expected in line for line in found), found


def _schemas(user: dict, bundle: dict) -> list[dict]:
    return [user["components"]["schemas"], bundle["components"]["schemas"]]


SPEC_CHANGES = [
    # The published contract stays tolerant.
    ("closed-enum", PUBLISHED, lambda u, b: [s["ChannelType"].update(enum=["GCM"]) for s in _schemas(u, b)],
     "ChannelType: the published contract must not reject values AWS may send: ['enum']"),
    ("response-pattern", PUBLISHED,
     lambda u, b: [s["EndpointResponse"]["properties"]["CohortId"].update(pattern="^[0-9]+$") for s in _schemas(u, b)],
     "EndpointResponse.CohortId: the published contract must not reject values AWS may send: ['pattern']"),
    ("date-format", PUBLISHED,
     lambda u, b: b["components"]["schemas"]["ApplicationResponse"]["properties"]["CreationDate"].update(
         format="date-time"), "ApplicationResponse.CreationDate: the published contract must not reject"),
    ("message-required", PUBLISHED,
     lambda u, b: [s["MessageBody"].update(required=["Message"]) for s in _schemas(u, b)],
     "MessageBody: required in the published contract, not in AWS's model: ['Message']"),
    ("not-nullable", PUBLISHED,
     lambda u, b: [s["EndpointResponse"]["properties"]["Address"].pop("nullable") for s in _schemas(u, b)],
     "EndpointResponse.Address: optional response member not nullable"),
    ("nullable-in-requests", PUBLISHED,
     lambda u, b: [s["EndpointLocation"]["properties"]["City"].update(nullable=True) for s in _schemas(u, b)],
     "EndpointLocation.City: nullable, but requests use this shape"),
    ("index-signature", PUBLISHED, lambda u, b: [s["EndpointUser"].update(additionalProperties=True)
                                                 for s in _schemas(u, b)],
     "explicit additionalProperties: true"),
    ("message-keys", PUBLISHED, lambda u, b: [s["MessageBody"].update({"x-error-message-members": ["Message"]})
                                              for s in _schemas(u, b)],
     "MessageBody: x-error-message-members ['Message'], botocore reads ['Message', 'message']"),
    ("error-header", PUBLISHED, lambda u, b: u["components"]["responses"]["NotFoundException"]["headers"].pop(
        "x-amzn-ErrorType"), "NotFoundException: response header x-amzn-errortype (read by botocore) not declared"),
    ("shared-error-schema", PUBLISHED, lambda u, b: u["components"]["responses"]["NotFoundException"]["content"][
        "application/json"].update(schema={"$ref": "#/components/schemas/MessageBody"}),
     "body schema is not #/components/schemas/NotFoundException"),
    ("accept-parameter", PUBLISHED, lambda u, b: u["paths"]["/v1/apps/{application-id}/users/{user-id}"][
        "parameters"].append({"name": "accept", "in": "header", "schema": {"type": "string"}}),
     "GetUserEndpoints: parameters differ"),
    # The conformance view stays strict.
    ("open-enum", CONFORMANCE, lambda u, b: [s["ChannelType"].pop("enum") for s in _schemas(u, b)], "enum differs"),
    ("nullable", CONFORMANCE, lambda u, b: [s["EndpointLocation"]["properties"]["City"].update(nullable=True)
                                            for s in _schemas(u, b)],
     "EndpointLocation.City: nullable in the conformance view"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("layer", "change", "expected"), [c[1:] for c in SPEC_CHANGES], ids=[c[0] for c in SPEC_CHANGES]
)
def test_a_change_of_the_spec_is_detected_and_named(model: dict, layer: str, change, expected: str) -> None:
    found = _differences(model, layer, change)
    assert any(expected in line for line in found), found
