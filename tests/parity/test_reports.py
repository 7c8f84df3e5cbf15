"""A comparison's outcome in the four reports, whatever a server sent: its line, every difference
not tolerated with both exchanges and the curl command, the tolerated ones with their reasons; the
JUnit XML stays well-formed and, where the schema is at hand, valid against junit-10.xsd."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.parity.differences import Difference
from pinpoint_conformance.parity.outcome import Evidence, ParityOutcome
from pinpoint_conformance.reporting import html_report, json_report, junit_report, markdown_report
from pinpoint_conformance.reporting.results import fold, verdict
from tests.suite.faulty_run import HOSTILE, records
from tests.suite.test_junit_report import SCHEMA

EXCHANGE = "test_02_fields.py::test_every_field_written_comes_back#2"


def outcome() -> ParityOutcome:
    body = {"Item": [{"Id": "<run>ep-<2>", "Address": "A"}]}
    recorded = {"request": {"method": "GET", "target": "/v1/apps/<app-a>/users/<run>u-<1>", "headers": {}},
                "response": {"status": 200, "headers": {}, "body": body}}  # fmt: skip
    live = json.loads(json.dumps(recorded).replace('"A"', json.dumps(HOSTILE + "\x01")))
    found = [Difference(EXCHANGE, ("body", "Item", "[<run>ep-<2>]", "Address"), "value", "A", HOSTILE + "\x01"),
             Difference("test_x.py::test_y#1", ("headers", "content-type"), "value", "application/json",
                        "application/json; charset=utf-8", tolerated="a charset is allowed")]  # fmt: skip
    parity = ParityOutcome("parity/aws.json", found, scenarios=2, exchanges=3)
    parity.evidence[EXCHANGE] = Evidence(recorded, live, "curl -sS -i -X GET --path-as-is http://host/v1/apps/x")
    return parity


def test_every_report_shows_the_differences_and_what_is_tolerated(tmp_path: Path) -> None:
    settings, parity = Settings("http://host", report_dir=tmp_path), outcome()
    results = fold(records())
    line = verdict(results).line
    json_report.write(tmp_path / "c.json", settings, results, records(), verdict(results), parity)
    markdown_report.write(tmp_path / "c.md", settings, results, line, parity)
    html_report.write(tmp_path / "c.html", settings, results, line, False, parity)
    junit_report.write(tmp_path / "junit.xml", results, parity)
    document = json.loads((tmp_path / "c.json").read_text())["parity"]
    assert document["outcome"] == "DIFFERS" and document["line"].startswith("pinpoint-conformance parity: DIFFERS")
    [shown] = [d for d in document["differences"] if not d["tolerated"]]
    assert shown["path"] == "body.Item[<run>ep-<2>].Address" and list(document["evidence"]) == [EXCHANGE]
    evidence = document["evidence"][EXCHANGE]
    assert (
        evidence["recorded"]["response"]["status"] == 200 and evidence["live"] and evidence["curl"].startswith("curl ")
    )
    markdown, html = (tmp_path / "c.md").read_text(), (tmp_path / "c.html").read_text()
    for text in (markdown, html):
        assert EXCHANGE in text and "curl -sS -i -X GET" in text and "a charset is allowed" in text
    assert HOSTILE not in html  # escaped, never markup
    suite = ET.parse(tmp_path / "junit.xml").getroot()  # raises on anything that is not well-formed XML
    [case] = [c for c in suite.findall("testcase") if c.get("classname") == "parity"]
    assert case.find("failure") is not None and len(suite.findall("testcase")) == int(suite.get("tests", "-1"))
    if not SCHEMA.exists():
        if os.environ.get("PINPOINT_REQUIRE_JUNIT_SCHEMA"):
            pytest.fail(f"{SCHEMA} is missing: bash .ci/junit-schema")
        return
    import xmlschema

    errors = [
        f"{e.path}: {e.reason}" for e in xmlschema.XMLSchema(str(SCHEMA)).iter_errors(str(tmp_path / "junit.xml"))
    ]
    assert not errors, errors


def test_without_a_transcript_the_json_report_says_null(tmp_path: Path) -> None:
    results = fold(records())
    json_report.write(tmp_path / "c.json", Settings("http://host"), results, records(), verdict(results))
    assert json.loads((tmp_path / "c.json").read_text())["parity"] is None
