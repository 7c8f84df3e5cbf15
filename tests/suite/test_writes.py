"""What the suite writes is valid by AWS's documentation, whatever Schemathesis draws from the
support document's loose request schemas; a value read back is judged against what was written."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from pinpoint_conformance.harness import properties, writes
from pinpoint_conformance.harness.written import Ledger, differences, is_iso_datetime, iso_instant, same_value

UPDATE_ENDPOINT = properties.bundle_schema()["/v1/apps/{application-id}/endpoints/{endpoint-id}"]["PUT"]


def assert_valid(request: dict[str, Any]) -> None:
    assert set(request) <= {*writes.REQUEST, "Id"}
    if "ChannelType" in request or "Address" in request:
        assert request["ChannelType"] in writes.CHANNEL_TYPES
        address = request["Address"]
        if request["ChannelType"] == "EMAIL":
            assert address.endswith("@example.com")
        if request["ChannelType"] in ("SMS", "VOICE"):
            assert address.startswith("+") and address[1:].isdigit()
        if request["ChannelType"].startswith("APNS"):
            assert len(address) == 64 and all(c in "0123456789abcdef" for c in address)
    if "EffectiveDate" in request:
        assert is_iso_datetime(request["EffectiveDate"]) and "2000" <= request["EffectiveDate"][:4] <= "2099"
    assert request.get("EndpointStatus", "ACTIVE") in ("ACTIVE", "INACTIVE")
    assert request.get("OptOut", "NONE") in ("ALL", "NONE")
    demographic = request.get("Demographic", {})
    assert set(demographic) <= set(writes.DEMOGRAPHIC)
    assert demographic.get("Locale", "en_US") in writes.LOCALES
    assert demographic.get("Timezone", "UTC") in writes.TIMEZONES
    location = request.get("Location", {})
    assert set(location) <= set(writes.LOCATION) and location.get("Country", "US") in writes.COUNTRIES
    assert -90 <= location.get("Latitude", 0) <= 90 and -180 <= location.get("Longitude", 0) <= 180
    for attributes in (request.get("Attributes", {}), request.get("User", {}).get("UserAttributes", {})):
        assert all(0 < len(name) <= 50 and all(len(v) <= 100 for v in values) for name, values in attributes.items())
    assert all(0 < len(name) <= 50 for name in request.get("Metrics", {}))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(case=UPDATE_ENDPOINT.as_strategy())
def test_every_generated_update_becomes_valid(case: Any) -> None:
    if isinstance(case.body, dict):
        assert_valid(writes.valid_endpoint_request(case.body))


def test_valid_values_are_kept_as_drawn() -> None:
    request = {"ChannelType": "EMAIL", "Address": "x@example.com", "EffectiveDate": "2026-01-02T03:04:05Z",
               "OptOut": "ALL", "Demographic": {"Locale": "en_US", "Make": "Apple"},
               "User": {"UserId": "u"}}  # fmt: skip
    assert writes.valid_endpoint_request(request) == request
    assert writes.valid_endpoint_request({"EffectiveDate": "Ä\x8f\x95"}) == writes.valid_endpoint_request(
        {"EffectiveDate": "Ä\x8f\x95"}
    ), "the mapping is deterministic"


def test_iso_8601_forms_of_one_instant_are_the_same_instant() -> None:
    forms = ["2026-11-29T10:50:57.500Z", "2026-11-29T11:50:57.5+01:00", "20261129T105057,5Z",
             "2026-11-29T05:50:57.500-0500", "2026-11-29t10:50:57.500z", "2026-11-29T10:50:57.500"]  # fmt: skip
    assert len({iso_instant(form) for form in forms}) == 1
    for not_a_date in ("1764413457", "Sun, 29 Nov 2026 10:50:57 GMT", "2026-W48-7T10:50:57Z", "2026-11-29",
                       "2026-13-01T00:00:00Z", "2026-11-29T10:50:57+25:00", "Ä\x8f\x95", None, 3):  # fmt: skip
        assert iso_instant(not_a_date) is None, not_a_date
    assert iso_instant("9999-12-31T23:59:59-23:59") is not None  # past year 9999 in UTC: no overflow


def test_values_read_back_are_judged_as_aws_documents_them() -> None:
    assert same_value("EffectiveDate", "2026-01-02T03:04:05.678Z", "2026-01-02T04:04:05.678+01:00")
    assert not same_value("EffectiveDate", "2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05Z")
    assert same_value("Latitude", 47.61, 47.6) and same_value("Longitude", -122.33, -122.3)
    assert not same_value("Latitude", 47.61, 47.7) and not same_value("Metrics", 3.25, 3.2)
    assert differences({"Location": {"Latitude": 47.61}, "Address": "a"}, {"Location": {"Latitude": 47.6},
                       "Address": "a", "Extra": 1}, "") == []  # fmt: skip


def test_the_ledger_knows_every_effective_date_written() -> None:
    ledger = Ledger()
    ledger.record("app", "ep", {"EffectiveDate": "2020-01-01T00:00:00Z", "Address": "a"})
    ledger.record("app", "ep", {"Address": "b"})
    assert ledger.written("app", "ep") == {"EffectiveDate": "2020-01-01T00:00:00Z", "Address": "b"}
    assert ledger.wrote_effective_date("app", "ep", "2020-01-01T01:00:00+01:00")
    assert not ledger.wrote_effective_date("other", "ep", "2020-01-01T00:00:00Z")
