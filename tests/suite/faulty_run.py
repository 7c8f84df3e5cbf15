"""What the collector gathers from a run against a faulty server, for the report writers' tests:
one test record per check, with every status a check can have and the input a hostile server
gives (markup in a body, a raw control character in a URL)."""

from __future__ import annotations

from typing import Any

from pinpoint_conformance.harness import checks
from pinpoint_conformance.harness.exchange import Exchange
from pinpoint_conformance.reporting.results import TestRecord

# Markup that would run or inject something in a page that did not escape it.
HOSTILE = '</pre></script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
HOSTILE_BODY = '{"Message": "' + HOSTILE + '"}'
BASE = "http://127.0.0.1:9/v1/apps/app-1/users/"
FAILED = ["PC102", "PC701", "PC707"]  # in catalogue order, as every report lists them


def exchange(method: str, user: str, status: int | None, body: str = "", **extra: Any) -> dict:
    return Exchange(method, BASE + user, {"Accept": "application/json"}, status=status,
                    response_headers={"Content-Type": "application/json", "X-Note": "<b>bold</b>"},
                    response_body=body.encode(), elapsed_ms=3.2, **extra).to_dict()  # fmt: skip


def records() -> list[TestRecord]:
    """Three checks fail (PC102 with a hostile body, PC707 on an ID holding a raw control
    character, as PC707 sends them), PC103 is blocked by PC102's failure, PC604 warns, PC801 is
    not exercised, PC405 not run, PC804 errored (its worker died); the other core checks pass and
    the aws ones are not in the profile."""
    prefix = {"check": "PC102", "message": f"GET of 'u-15' listed the endpoints of 'u-15x' (longer) {HOSTILE}",
              "exchanges": [exchange("GET", "u-15", 200, HOSTILE_BODY)]}  # fmt: skip
    special = {
        "PC102": TestRecord("t::test_prefix", "PC102", outcome="failed", failure=prefix),
        "PC103": TestRecord("t::test_confined", "PC103", outcome="failed", failure=dict(prefix)),
        "PC701": TestRecord("t::test_json", "PC701", outcome="failed", failure={
            "check": "PC701", "message": "Content-Type is text/html, not application/json",
            "exchanges": [exchange("GET", "u-1", 200, "<html>"), exchange("DELETE", "u-1", None, error="reset")]}),
        "PC707": TestRecord("t::test_hostile_ids", "PC707", outcome="failed", failure={
            "check": "PC707", "message": "GET of 'a\\x01b' (C0 control 0x01) answered 500",
            "exchanges": [exchange("GET", "a\x01b\x1b", 500, "Internal Server Error")]}),
        "PC604": TestRecord("t::test_allow", "PC604", warnings=[{"check": "PC604", "message": "a 405 without Allow",
                                                                 "exchanges": [exchange("PUT", "u-2", 405)]}]),
        "PC405": TestRecord("t::test_empty", "PC405", outcome="skipped", skip_reason="deselected"),
        "PC804": TestRecord("t::test_connections", "PC804", outcome="error", skip_reason="worker crashed"),
    }  # fmt: skip
    observed = [c.id for c in checks.CHECKS.values() if c.exercised_when and c.id != "PC801"]
    return [special.get(c.id) or TestRecord(f"t::test_{c.id}", c.id, observed=observed)
            for c in checks.CHECKS.values()]  # fmt: skip
