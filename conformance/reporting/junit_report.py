"""JUnit XML for CI gates: one test case per check, so a gate counts checks, not pytest items."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .. import catalog
from .results import BLOCKED, ERROR, FAIL, NOT_EXERCISED, NOT_IN_PROFILE, NOT_RUN, WARN, CheckResult, counts


def _failure_text(result: CheckResult) -> str:
    parts = []
    for failure in result.failures:
        parts.append(f"{failure['test']}: {failure['message']}")
        parts += [f"  reproduce: {exchange['curl']}" for exchange in failure.get("exchanges", [])]
    return "\n".join(parts)


def write(path: Path, results: list[CheckResult]) -> None:
    tally = counts(results)
    skipped = tally[NOT_RUN] + tally[BLOCKED] + tally[NOT_IN_PROFILE] + tally[NOT_EXERCISED]
    suite = ET.Element("testsuite", name="pinpoint-conformance", tests=str(len(results)), failures=str(tally[FAIL]),
                       errors=str(tally[ERROR]), skipped=str(skipped))  # fmt: skip
    for result in results:
        check = result.check
        case = ET.SubElement(suite, "testcase", classname=f"clause {check.clause}: {catalog.CLAUSES[check.clause]}",
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
        ET.SubElement(case, "properties").append(ET.Element("property", name="cites", value=check.cites))
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
