"""Two layers, one source: the published contract tolerates what AWS may send; the conformance
overlay, applied by the suite's loaders, holds the suite's strictness; the overlay machinery
does what the Overlay 1.0 actions say and refuses targets it cannot read."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from openapi_schema_validator import OAS30Validator, OAS31Validator

from pinpoint_conformance import overlay, spec

USER_PATH = "/v1/apps/{application-id}/users/{user-id}"
CHANNEL_TYPES = ["PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "ADM", "SMS", "VOICE",
                 "EMAIL", "BAIDU", "CUSTOM", "IN_APP"]  # fmt: skip
GOOD = {"Item": [{"Id": "e1", "ChannelType": "EMAIL", "CohortId": "42", "CreationDate": "2026-11-01T09:30:00Z",
                  "Demographic": {"Timezone": "America/Los_Angeles"}, "User": {"UserId": "u"}}]}  # fmt: skip
# What AWS may send one day, or a server may vary in: each must pass the published contract and
# fail the conformance view.
VARIANCE = {
    "unknown ChannelType": {"Item": [{"ChannelType": "WHATSAPP"}]},
    "CohortId 100": {"Item": [{"CohortId": "100"}]},
    "null scalar": {"Item": [{"Address": None}]},
    "null endpoint members": {"Item": [{"Id": "e", "RequestId": None, "OptOut": None}]},
    "ISO 8601 without a zone": {"Item": [{"CreationDate": "2026-11-01T09:30:00"}]},
    "null object": {"Item": [{"Demographic": None, "User": None}]},
    "null enum": {"Item": [{"ChannelType": None}]},
}
# OpenAPI 3.0.3 cannot say "this reference or null" exactly: the 3.0.3 bundle writes it as
# `type` + `nullable` + `allOf` of the reference, which generators read that way but a strict
# 3.0.3 validator does not (DIVERGENCES.md, D21). The 3.1.0 bundle says it exactly.
NULL_REFERENCES = {"null object", "null enum"}


def _validator(document: dict[str, Any], name: str) -> jsonschema.protocols.Validator:
    """How each layer is read: the published 3.0.3 contract as OpenAPI 3.0 (`nullable`), the 3.1.0
    one as JSON Schema 2020-12, the conformance view as the suite reads it (draft 4)."""
    root = {"components": document["components"], "$ref": f"#/components/schemas/{name}"}
    if document["openapi"].startswith("3.1"):
        return OAS31Validator(root, format_checker=OAS31Validator.FORMAT_CHECKER)
    if document is CONFORMANCE:
        return jsonschema.Draft4Validator(root, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return OAS30Validator(root, format_checker=OAS30Validator.FORMAT_CHECKER)


CONFORMANCE = spec.load_bundle()


def test_the_suites_loaders_return_the_conformance_view() -> None:
    """The interface the suite relies on (harness/wire.py, harness/properties.py)."""
    for document in (spec.load_user_spec(), CONFORMANCE):
        responses = document["paths"][USER_PATH]["get"]["responses"]
        for status, name in {
            "400": "BadRequestException",
            "403": "ForbiddenException",
            "404": "NotFoundException",
            "405": "MethodNotAllowedException",
            "413": "PayloadTooLargeException",
            "429": "TooManyRequestsException",
            "500": "InternalServerErrorException",
        }.items():
            assert responses[status] == {"$ref": f"#/components/responses/{name}"}
        schemas = document["components"]["schemas"]
        assert schemas["ChannelType"]["enum"] == CHANNEL_TYPES
        assert not list(_validator(document, "EndpointsResponse").iter_errors(GOOD))
        # The suite follows `$ref`s from EndpointResponse to nested objects (strict profile's PC305).
        assert schemas["EndpointResponse"]["properties"]["Demographic"] == {
            "$ref": "#/components/schemas/EndpointDemographic"
        }
    names = set(spec.load_bundle()["components"]["schemas"])
    assert {"EndpointRequest", "EndpointBatchItem", "EndpointUser", "EndpointDemographic", "EndpointLocation",
            "EndpointResponse", "MessageBody"} <= names  # fmt: skip


@pytest.mark.parametrize("case", VARIANCE)
def test_published_contract_tolerates_what_the_conformance_view_refuses(case: str) -> None:
    body = VARIANCE[case]
    published = [spec.load_published_bundle_3_1()]
    if case not in NULL_REFERENCES:
        published.append(spec.load_published_bundle())
    for document in published:
        errors = [e.message for e in _validator(document, "EndpointsResponse").iter_errors(body)]
        assert not errors, f"{document['openapi']}: {errors}"
    assert list(_validator(CONFORMANCE, "EndpointsResponse").iter_errors(body)), "the suite must refuse it"


@pytest.mark.parametrize("body", [{"message": "lower case"}, {"Message": None}, {}, {"RequestID": "r", "Extra": 1}])
def test_error_bodies_without_message_pass_the_contract_and_fail_the_suite(body: dict) -> None:
    for document in (spec.load_published_bundle(), spec.load_published_bundle_3_1()):
        assert not list(_validator(document, "NotFoundException").iter_errors(body))
    assert list(_validator(CONFORMANCE, "NotFoundException").iter_errors(body))


def test_the_202_bodies_of_the_support_calls_need_no_message_in_either_layer() -> None:
    for document in (spec.load_published_bundle(), CONFORMANCE):
        assert not list(_validator(document, "MessageBody").iter_errors({"RequestID": "r"}))


def test_the_overlay_is_not_in_the_released_contract() -> None:
    published = str(spec.load_published_bundle()["components"]["schemas"])
    assert "'enum'" not in published and "'pattern'" not in published and "date-time" not in published


DOCUMENT = {"a": {"b": {"x": 1, "y": 2}, "c": {"x": 3}}, "list": [{"x": 4}, {"x": 5}]}
OVERLAY_ACTIONS = [
    ("$.a.b.x", {"update": 9}, {"a": {"b": {"x": 9, "y": 2}, "c": {"x": 3}}}),
    ("$.a.*.x", {"remove": True}, {"a": {"b": {"y": 2}, "c": {}}}),
    ("$.a['b','c']", {"update": {"z": [1]}}, {"a": {"b": {"x": 1, "y": 2, "z": [1]}, "c": {"x": 3, "z": [1]}}}),
    ("$.list[*].x", {"remove": True}, {"list": [{}, {}]}),
    ("$.list[*]", {"remove": True}, {"list": []}),
]


@pytest.mark.parametrize(("target", "action", "expected"), OVERLAY_ACTIONS, ids=[a[0] for a in OVERLAY_ACTIONS])
def test_overlay_actions(target: str, action: dict, expected: dict) -> None:
    result = overlay.apply(DOCUMENT, {"overlay": "1.0.0", "actions": [{"target": target, **action}]})
    assert {key: result[key] for key in expected} == expected
    assert DOCUMENT["a"]["b"] == {"x": 1, "y": 2}, "the input document was changed"


@pytest.mark.parametrize("target", ["$..x", "$.a[?(@.x)]", "a.b", "$.list[0]"])
def test_overlay_refuses_targets_it_cannot_read(target: str) -> None:
    with pytest.raises(ValueError, match="target"):
        overlay.apply(DOCUMENT, {"overlay": "1.0.0", "actions": [{"target": target, "remove": True}]})


def test_overlay_refuses_a_target_that_selects_nothing() -> None:
    with pytest.raises(ValueError, match="selects nothing"):
        overlay.apply(DOCUMENT, {"overlay": "1.0.0", "actions": [{"target": "$.a.missing", "remove": True}]})
    assert overlay.apply(DOCUMENT, {"overlay": "1.0.0", "actions": [{"target": "$.a.missing", "remove": True}]},
                         require_matches=False) == DOCUMENT  # fmt: skip
