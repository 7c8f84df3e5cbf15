"""JUnit XML for CI gates: one test case per check, so a gate counts checks, not pytest items.
Test cases carry no <properties> (the JUnit schema of Jenkins' xUnit plugin allows them only on a
test suite), and text a server sent is made XML-safe."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..harness import checks
from ..parity.outcome import ParityOutcome
from .results import BLOCKED, ERROR, FAIL, NOT_EXERCISED, NOT_IN_PROFILE, NOT_RUN, WARN, CheckResult, counts, repeats

# What XML 1.0 cannot carry at all (C0 controls but tab and newlines, lone surrogates, U+FFFE and
# U+FFFF), though a hostile server's answer or a hostile ID in a curl command may hold it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def _failure_text(result: CheckResult) -> str:
    check = result.check
    parts = [f"Requirement: {check.requirement}", f"Cites: {check.cites}"]
    for failure in result.failures:
        parts.append(f"{failure['test']}: {failure['message']}{repeats(failure)}")
        parts += [f"  reproduce: {exchange['curl']}" for exchange in failure.get("exchanges", [])]
    return "\n".join(parts)


def _parity_case(suite: ET.Element, parity: ParityOutcome) -> None:
    """One test case for the comparison with a transcript, failed by any difference not tolerated."""
    case = ET.SubElement(suite, "testcase", classname="parity", name=f"parity with {parity.transcript}")
    if parity.untolerated:
        element = ET.SubElement(case, "failure", message=parity.line[:500])
        lines = []
        for name, found in parity.by_exchange(tolerated=False):
            lines += [difference.describe() for difference in found]
            curl = parity.evidence[name].curl if name in parity.evidence else None
            lines += [f"  reproduce: {curl}"] if curl else []
        element.text = "\n".join(lines)
    else:
        ET.SubElement(case, "system-out").text = parity.line


def write(path: Path, results: list[CheckResult], parity: ParityOutcome | None = None) -> None:
    """`parity`, when the run compared with a transcript, adds one test case after the checks'."""
    tally = counts(results)
    skipped = tally[NOT_RUN] + tally[BLOCKED] + tally[NOT_IN_PROFILE] + tally[NOT_EXERCISED]
    extra, failed = (1, int(bool(parity.untolerated))) if parity else (0, 0)
    suite = ET.Element("testsuite", name="pinpoint-conformance", tests=str(len(results) + extra),
                       failures=str(tally[FAIL] + failed), errors=str(tally[ERROR]), skipped=str(skipped))  # fmt: skip
    for result in results:
        check = result.check
        case = ET.SubElement(suite, "testcase", classname=f"clause {check.clause}: {checks.CLAUSES[check.clause]}",
                             name=f"{check.id} {check.title}")  # fmt: skip
        if result.status == FAIL:
            element = ET.SubElement(case, "failure", message=result.failures[0]["message"][:500])
            element.text = _failure_text(result)
        elif result.status == ERROR:
            ET.SubElement(case, "error", message=result.skip_reason[:500])
        elif result.status == BLOCKED:
            ET.SubElement(case, "skipped", message=f"blocked by {', '.join(sorted(set(result.blocked_by)))}")
        elif result.status in (NOT_RUN, NOT_IN_PROFILE, NOT_EXERCISED):
            ET.SubElement(case, "skipped", message=f"{result.status}: {result.skip_reason}")
        elif result.status == WARN:
            ET.SubElement(case, "system-out").text = "\n".join(
                f"WARNING {w['check']}: {w['message']}" for w in result.warnings
            )
    if parity is not None:
        _parity_case(suite, parity)
    for element in suite.iter():  # the schema allows no properties in a test case: cites go in the failure
        element.text = element.text and _xml_safe(element.text)
        element.attrib = {name: _xml_safe(value) for name, value in element.attrib.items()}
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
