"""The wire checks on crafted exchanges: every check judges every response (one failure never hides
another), the schema check leaves a member to the check of its own, a response no check can read
is marked so, and a value the run wrote through a generated request is judged against what was
written under the ID the server decodes (Schemathesis keeps path parameters percent-encoded)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from pinpoint_conformance.harness import properties, written
from pinpoint_conformance.harness.checks import Profile
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.harness.wire import response_failures
from pinpoint_conformance.harness.written import Ledger

APP = "app-1"
URL = f"http://127.0.0.1:1/v1/apps/{APP}/users/u"


def answer(status: int, body: Any, **headers: str) -> Exchange:
    return Exchange("GET", URL, status=status, response_headers={"Content-Type": "application/json", **headers},
                    response_body=json.dumps(body).encode())  # fmt: skip


def endpoint(**members: Any) -> dict[str, Any]:
    return {"Id": "e1", "User": {"UserId": "u"}, "CreationDate": "2026-12-07T10:00:00Z", **members}


def failed(exchange: Exchange, profile: Profile = Profile.CORE, ledger: Ledger | None = None) -> dict[str, bool]:
    """Check ID -> whether its failure marks the response unreadable."""
    return {f.check_id: f.unreadable for f in response_failures(exchange, profile, None, ledger)}


def test_every_check_judges_the_response_whatever_failed_before() -> None:
    body = {"Item": [endpoint(CohortId="100", ChannelType="FCM")]}
    assert failed(answer(200, body), Profile.AWS) == {"PCA01": False, "PC302": False, "PC304": False}


def test_a_member_with_a_check_of_its_own_is_not_failed_twice() -> None:
    """A CohortId that is a number is PC302's; the schema check (PC301) judges the rest."""
    assert failed(answer(200, {"Item": [endpoint(CohortId=57)]})) == {"PC302": False}
    assert failed(answer(200, {"Item": [endpoint(CohortId=57, Metrics={"m": "1"})]})) == {
        "PC302": False,
        "PC301": False,
    }


def test_an_unreadable_answer_is_marked_so() -> None:
    assert failed(answer(500, {"Message": "boom"})) == {"PC707": True}
    assert failed(answer(200, {"Items": []})) == {"PC301": True}
    assert failed(answer(302, {})) == {"PC601": True}
    assert failed(answer(404, {"message": "lower"})) == {"PC602": False}


def test_an_effective_date_written_through_a_generated_request_is_judged_under_the_decoded_id() -> None:
    """PC903's UpdateEndpoint names the endpoint by a generated, percent-encoded ID; the server lists
    it under the decoded one, with the EffectiveDate the run wrote (before CreationDate): no PC303."""
    endpoint_id = "%\x08\t\x91 é/"
    operation = properties.bundle_schema()["/v1/apps/{application-id}/endpoints/{endpoint-id}"]["PUT"]
    case = operation.Case(path_parameters={"application-id": APP, "endpoint-id": quote(endpoint_id, safe="")},
                          body={"EffectiveDate": "2001-02-26T01:01:00Z"})  # fmt: skip
    ledger = Ledger()
    ledger.record(properties.path_parameter(case, "application-id"), properties.path_parameter(case, "endpoint-id"),
                  case.body)  # fmt: skip
    listed = endpoint(Id=endpoint_id, EffectiveDate="2001-02-26T01:01:00Z")
    assert failed(answer(200, {"Item": [listed]}), ledger=ledger) == {}
    assert failed(answer(200, {"Item": [listed]}), ledger=Ledger()) == {"PC303": False}


def test_a_value_read_back_unchanged_is_the_same_value_even_where_another_check_fails_it() -> None:
    """A CreationDate that is no ISO 8601 date is PC303's failure; read back unchanged, it has not
    changed (PC105 compares what GET showed before and after writes elsewhere)."""
    assert written.same_value("CreationDate", "1764374400", "1764374400")
    assert not written.same_value("CreationDate", "1764374400", "1764374401")
    assert written.same_value("Latitude", 47.61, 47.6) and not written.same_value("Latitude", 1, True)
