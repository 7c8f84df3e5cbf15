"""The HTML report as a reader sees it, in a real browser (Debian's chromium, driven by Playwright):
the verdict first, then the failures, each with its request, response and curl command, before the
per-clause summary and the matrix; the matrix's filter shows exactly the checks of the chosen
status; a hostile response body shows as text; the page loads nothing but itself and logs no error.

The page comes from the real report writer, fed what the collector feeds it: test records
(tests/suite/faulty_run.py) folded into results, and their verdict. Without chromium or Playwright
the tests are skipped, unless PINPOINT_REQUIRE_BROWSER is set (CI sets it), where they fail."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pinpoint_conformance.harness import checks
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.reporting import html_report
from pinpoint_conformance.reporting.results import fold, verdict
from tests.suite.faulty_run import FAILED, HOSTILE, HOSTILE_BODY, records

CHROMIUM = os.environ.get("PINPOINT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = bool(os.environ.get("PINPOINT_REQUIRE_BROWSER"))


def _missing_browser() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not CHROMIUM:
        return "no chromium on PATH (apt-get install chromium; .ci/run installs it)"
    return ""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    results = fold(records())
    outcome = verdict(results)
    path = tmp_path_factory.mktemp("html") / "conformance.html"
    html_report.write(path, Settings("http://127.0.0.1:9"), results, outcome.line, outcome.conforms)
    return path, outcome


@dataclass
class Reader:
    """The page as loaded, and what the browser saw while loading it."""

    page: Any
    url: str
    problems: list[str] = field(default_factory=list)  # console errors and warnings, uncaught exceptions
    requests: list[str] = field(default_factory=list)

    def console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"{message.type}: {message.text}")


@pytest.fixture(scope="module")
def reader(report: tuple[Path, Any]) -> Iterator[Reader]:
    missing = _missing_browser()
    if missing:
        if REQUIRED:
            pytest.fail(f"PINPOINT_REQUIRE_BROWSER is set but {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        context = browser.new_context(offline=True)  # a report needs no network: prove it
        seen = Reader(context.new_page(), report[0].resolve().as_uri())
        seen.page.set_default_timeout(5000)
        seen.page.on("console", seen.console)
        seen.page.on("pageerror", lambda error: seen.problems.append(f"uncaught: {error}"))
        seen.page.on("request", lambda request: seen.requests.append(request.url))
        seen.page.goto(seen.url, wait_until="load")
        yield seen
        browser.close()


@pytest.fixture
def page(reader: Reader) -> Any:
    return reader.page


def test_the_verdict_is_the_first_thing_read(page: Any, report: tuple[Path, Any]) -> None:
    line = page.locator("#verdict")
    assert line.inner_text() == report[1].line
    assert line.inner_text().startswith("pinpoint-conformance verdict: DOES NOT CONFORM — ")
    assert f"(failed: {', '.join(FAILED)})" in line.inner_text()
    assert line.is_visible() and line.bounding_box()["y"] < page.locator(".failure").first.bounding_box()["y"]


def test_failures_come_before_the_summary_and_the_matrix(page: Any) -> None:
    failures = page.locator("article.failure")
    assert [failures.nth(i).get_attribute("id") for i in range(failures.count())] == FAILED
    first = failures.first.bounding_box()["y"]
    assert first < page.locator("#clause-summary").bounding_box()["y"] < page.locator("#matrix").bounding_box()["y"]


def test_each_failure_shows_its_requirement_exchanges_and_curl(page: Any) -> None:
    failure = page.locator("article#PC701")
    text = failure.inner_text()
    assert "PC701 Responses are labelled application/json" in text
    assert checks.get("PC701").requirement in text and checks.get("PC701").cites in text
    assert "Content-Type is text/html, not application/json" in text
    assert failure.locator("pre.request").count() == 2 and failure.locator("pre.response").count() == 2
    assert failure.locator("pre.response").nth(1).inner_text() == "No response: reset"
    curl = failure.locator("pre.curl").first
    assert curl.is_visible() and curl.inner_text().startswith("curl -sS -i -X GET ")
    assert curl.inner_text().endswith("--path-as-is http://127.0.0.1:9/v1/apps/app-1/users/u-1")
    # The matrix links a failed check to its failure.
    assert page.locator("#matrix a[href='#PC701']").count() == 1


def test_the_clause_summary_counts_statuses(page: Any) -> None:
    summary = page.locator("#clause-summary")
    head = [cell.strip() for cell in summary.locator("thead th").all_inner_texts()]
    assert head == ["Clause", "checks", "pass", "not exercised", "warn", "fail", "blocked", "error", "not run",
                    "not in profile"]  # fmt: skip
    listing = [cell.strip() for cell in summary.locator("tbody tr").nth(1).locator("td").all_inner_texts()]
    assert listing == ["1 GET lists exactly the user's endpoints", "5", "3", "", "", "1", "1", "", "", ""]


def test_the_filter_shows_only_the_chosen_status(page: Any) -> None:
    def visible() -> list[str]:
        return page.locator("#matrix tbody tr:visible td:first-child").all_inner_texts()

    rows = page.locator("#matrix tbody tr")
    assert len(visible()) == rows.count() == len(checks.CHECKS)
    expected = {"fail": FAILED, "blocked": ["PC103"], "warn": ["PC604"], "not exercised": ["PC801"],
                "not run": ["PC405"], "error": ["PC804"]}  # fmt: skip
    for status, ids in expected.items():
        page.select_option("#status-filter", status)
        assert visible() == ids, status
        assert page.locator("#shown").inner_text() == f"{len(ids)} of {len(checks.CHECKS)} checks shown"
    page.select_option("#status-filter", "pass")
    assert visible() and all(s == "pass" for s in page.locator("#matrix tbody tr:visible td:nth-child(4)")
                             .all_inner_texts())  # fmt: skip
    page.select_option("#status-filter", "all")
    assert len(visible()) == len(checks.CHECKS)


def test_a_hostile_body_shows_as_text(page: Any) -> None:
    response = page.locator("article#PC102 pre.response").first
    assert HOSTILE_BODY in response.inner_text() and "X-Note: <b>bold</b>" in response.inner_text()
    assert HOSTILE in page.locator("article#PC102 .message").first.inner_text()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("img").count() == 0 and page.locator("script").count() == 1
    assert page.locator("b", has_text="bold").count() == 0


def test_the_page_loads_nothing_and_logs_no_error(reader: Reader) -> None:
    assert reader.requests == [reader.url]
    assert reader.problems == []
