"""The parity machinery without a server: placeholders, differences and tolerances, on hand-made
exchanges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.parity import differences, tolerance
from pinpoint_conformance.parity.normalize import Applications, Scope
from pinpoint_conformance.parity.transcript import Recorder, secrets_of

BASE = "http://127.0.0.1:9"


def created(prefix: str, app: str) -> Exchange:
    exchange = Exchange("POST", f"{BASE}/v1/apps", {"Content-Type": "application/json"},
                        json.dumps({"Name": f"{prefix}a"}).encode(), status=201)  # fmt: skip
    exchange.response_body = json.dumps({"Id": app, "CreationDate": "2026-11-30T01:02:03.456Z"}).encode()
    return exchange


def listed(prefix: str, app: str, counters: list[int], request_id: str) -> Exchange:
    user = f"{prefix}user-{counters[0]}"
    items = [{"Id": f"{prefix}ep-{n}", "ApplicationId": app, "CohortId": str(n % 100), "RequestId": request_id,
              "User": {"UserId": user}} for n in counters[1:]]  # fmt: skip
    exchange = Exchange("GET", f"{BASE}/v1/apps/{app}/users/{user}", {"Authorization": "AWS4-HMAC-SHA256 "
                        "Credential=AKIDEXAMPLE/20261130/us-east-1/mobiletargeting/aws4_request, Signature=abcdef0123"},
                        status=200)  # fmt: skip
    exchange.response_headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id,
                                 "Date": "Mon, 30 Nov 2026 01:02:03 GMT"}  # fmt: skip
    exchange.response_body = json.dumps({"Item": items}).encode()
    return exchange


def transcript_of(prefix: str, app: str, counters: list[int], request_id: str, order: int = 1) -> dict:
    recorder = Recorder(BASE, {"X-Secret": "s3cret"})
    with recorder.section("<setup>"):
        recorder(created(prefix, app))
    with recorder.section("test_x.py::test_y"):
        recorder(listed(prefix, app, [counters[0], *counters[1:][::order]], request_id))
    return recorder.transcript("core")


def test_two_runs_with_other_prefixes_ids_and_order_give_one_transcript() -> None:
    one = transcript_of("pc-0123abcd-w0-", "a" * 32, [3, 7, 12], "req-1")
    other = transcript_of("pc-fedc9876-gw1-", "b" * 32, [40, 45, 51], "req-2", order=-1)
    assert one == other
    text = json.dumps(one)
    assert "<run>user-<1>" in text and "<run>ep-<3>" in text and "<app-a>" in text
    assert "AKIDEXAMPLE" not in text and "Signature" not in text and "date" in text.lower()


def test_the_application_given_with_app_id_is_a_placeholder_too() -> None:
    recorder = Recorder(BASE, {}, app_id="c" * 32)
    with recorder.section("test_x.py::test_y"):
        recorder(listed("pc-0123abcd-w0-", "c" * 32, [1, 2], "r"))
    text = json.dumps(recorder.transcript("core"))
    assert "<app-given>" in text and "c" * 32 not in text


def test_secrets_are_every_sensitive_value_and_the_parts_of_a_signature() -> None:
    found = secrets_of([listed("pc-0123abcd-w0-", "a" * 32, [1, 2], "r")], {"X-Secret": "s3cret"})
    assert "s3cret" in found and "AKIDEXAMPLE" in found and "abcdef0123" in found
    assert "us-east-1" not in found and "mobiletargeting" not in found  # also in what servers answer (an ARN)
    assert "dXNlcjpwYXNz" in secrets_of([Exchange("GET", BASE, {"Authorization": "Basic dXNlcjpwYXNz"})], {})


def entry(status: int, body: object, **headers: str) -> dict:
    return {"request": {"method": "GET", "target": "/x", "headers": {}},
            "response": {"status": status, "headers": headers, "body": body}}  # fmt: skip


def test_differences_name_the_field_and_match_endpoints_by_id() -> None:
    recorded = {"t.py::a": [entry(200, {"Item": [{"Id": "1", "Address": "A"}, {"Id": "2", "Address": "B"}]})]}
    live = {"t.py::a": [entry(200, {"Item": [{"Id": "2", "Address": "B"}, {"Id": "1", "Address": "a"}]})]}
    [found] = differences.scenarios(recorded, live)
    assert (found.exchange, found.where, found.kind) == ("t.py::a#1", "body.Item[1].Address", "value")


def test_differences_of_status_error_type_members_order_and_exchanges() -> None:
    recorded = {"t.py::a": [entry(404, {"Message": "m", "L": [1, 2]}, **{"x-amzn-errortype": "NotFoundException"}),
                            entry(200, {})]}  # fmt: skip
    live = {"t.py::a": [entry(200, {"Item": [], "L": [2, 1]})], "t.py::b": []}
    found = {(d.exchange, d.where, d.kind) for d in differences.scenarios(recorded, live)}
    assert found == {("t.py::a#1", "status", "status"), ("t.py::a#1", "headers.x-amzn-errortype", "error type"),
                     ("t.py::a#1", "body.Message", differences.ONLY_RECORDED),
                     ("t.py::a#1", "body.Item", differences.ONLY_LIVE), ("t.py::a#1", "body.L", "order"),
                     ("t.py::a#2", "exchange", differences.ONLY_RECORDED),
                     ("t.py::b", "scenario", differences.ONLY_LIVE)}  # fmt: skip


def test_tolerances_match_exchanges_and_paths(tmp_path: Path) -> None:
    path = tmp_path / "tolerate.toml"
    path.write_text('[[tolerate]]\nexchange = "t.py::a[x]#1"\npath = "body.Item[*].Address"\nreason = "case"\n'
                    '[[tolerate]]\npath = ["status", "headers.content-*"]\nlive = "*charset*"\n'
                    'reason = "charset"\n')  # fmt: skip
    entries = tolerance.load(path)
    found = [differences.Difference("t.py::a[x]#1", ("body", "Item", "[1]", "Address"), "value", "A", "a"),
             differences.Difference("t.py::a[x]#2", ("body", "Item", "[1]", "Address"), "value", "A", "a"),
             differences.Difference("t.py::b#4", ("headers", "content-type"), "value", "x", "x; charset=y"),
             differences.Difference("t.py::b#5", ("headers", "content-type"), "value", "x", "text/html")]  # fmt: skip
    tolerance.apply(entries, found)
    assert [d.tolerated for d in found] == ["case", None, "charset", None]


@pytest.mark.parametrize("text", ['[[tolerate]]\npath = "status"\n', '[[tolerate]]\nreason = "why"\n',
                                  '[[tolerate]]\npath = "status"\nreason = " "\n',
                                  '[[tolerate]]\npath = 3\nreason = "why"\n'])  # fmt: skip
def test_a_tolerance_needs_a_reason_and_a_target(text: str, tmp_path: Path) -> None:
    path = tmp_path / "tolerate.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match="entry 1"):
        tolerance.load(path)


def test_placeholders_keep_the_forms_the_suite_sends() -> None:
    """Upper-cased IDs, truncated application IDs, IDs derived from the prefix, dates' formats."""
    applications = Applications()
    applications.add("0123456789abcdef0123456789abcdef", "pc-0123abcd-w0-a")
    scope = Scope(applications, ["s3cret"], counters={12, 30})
    sent = ("/v1/apps/0123456789ABCDEF0123456789ABCDEF/users/PC-0123ABCD-W0-WILD_CARD-30 "
            "/v1/apps/0123456789abcdef0123456789abcde/users/pc-0123abcd-w0-u-12 "
            "fedcba9876543210fedcba9876543210 token s3cret")  # fmt: skip
    assert scope.text(sent) == ("/v1/apps/<APP-A>/users/<RUN>WILD_CARD-<2> /v1/apps/<app-a>[:-1]/users/<run>u-<1> "
                                "<hex-1> token <redacted>")  # fmt: skip
    body = {"CreationDate": "2026-11-30T01:02:03.456+00:00", "RequestID": "x", "CohortId": "7"}
    assert scope.response_value(body) == {"CreationDate": "<date dddd-dd-ddTdd:dd:dd.ddd+dd:dd>",
                                          "RequestID": "<request-id>", "CohortId": "<cohort>"}  # fmt: skip
