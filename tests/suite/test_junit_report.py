"""junit.xml stays well-formed XML whatever a server sent (markup, and raw control characters,
which XML 1.0 cannot carry at all), and keeps to the shape CI tools read: one test case per check,
failures with their text, no <properties> inside a test case."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from conformance.reporting import junit_report
from conformance.reporting.results import fold
from tests.suite.faulty_run import FAILED, HOSTILE, records


def test_junit_xml_is_well_formed_and_shaped_for_ci_tools(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    junit_report.write(path, fold(records()))
    suite = ET.parse(path).getroot()  # raises on anything that is not well-formed XML
    cases = suite.findall("testcase")
    assert suite.tag == "testsuite" and len(cases) == int(suite.get("tests", "-1"))
    assert not any(case.find("properties") is not None for case in cases)
    failed = [case.get("name", "").split()[0] for case in cases if case.find("failure") is not None]
    assert failed == FAILED and suite.get("failures") == str(len(FAILED))
    text = path.read_text(encoding="utf-8")
    assert "\x01" not in text and "\x1b" not in text  # the raw controls of the PC707 record
    assert HOSTILE not in text  # escaped as XML, never raw markup
