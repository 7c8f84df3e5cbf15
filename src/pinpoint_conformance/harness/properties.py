"""Schemathesis under the suite: the spec's generated requests, sent through the suite's session
and judged by Schemathesis' own response checks plus the suite's wire checks.

Schemathesis' checks chosen here are those the contract agrees with: not_a_server_error (ST101),
status_code_conformance (ST102), content_type_conformance (ST103) and response_schema_conformance
(ST106). Left out on purpose: positive_data_acceptance (a server may refuse IDs such as `$` with
400, clause 7), use_after_free (a GET after DELETE may answer an empty 200, clause 4) and
negative_data_rejection (the spec constrains no path parameter).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pinpoint_conformance.spec import load_bundle, load_user_spec

from .client import BodyTooLarge, Client
from .exchange import Exchange
from .failures import ConformanceFailure, fail
from .settings import Settings
from .wire import check_response

USER_PATH = "/v1/apps/{application-id}/users/{user-id}"
SCHEMATHESIS_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                       response_schema_conformance]  # fmt: skip


def _without_date_formats(node: Any) -> Any:
    """Response dates are PC303's to judge: it accepts every ISO 8601 form (DIVERGENCES.md D24),
    where Schemathesis' `date-time` would accept RFC 3339 only."""
    if isinstance(node, dict):
        return {k: _without_date_formats(v) for k, v in node.items() if not (k == "format" and v == "date-time")}
    if isinstance(node, list):
        return [_without_date_formats(item) for item in node]
    return node


def user_schema() -> Any:
    return schemathesis.openapi.from_dict(_without_date_formats(load_user_spec()))


def bundle_schema() -> Any:
    return schemathesis.openapi.from_dict(_without_date_formats(load_bundle()))


def path_parameter(case: Any, name: str) -> str:
    """A generated case's path parameter as the server decodes it. Schemathesis keeps path parameters
    percent-encoded (`quote_all`), so an ID it generated is compared with what a server says, or
    recorded for later comparison, only through this decoding: one decoding everywhere."""
    return unquote(str(case.path_parameters.get(name, "")))


def hypothesis_profile(settings: Settings, **overrides: Any) -> hypothesis_settings:
    # No shrinking: every shrink step is a network round trip (a hanging server would multiply the
    # timeout); the first failing example is reported with its curl command instead.
    options: dict[str, Any] = dict(max_examples=settings.max_examples, deadline=None, database=None,
                                   phases=[Phase.explicit, Phase.generate], derandomize=False,
                                   suppress_health_check=list(HealthCheck), report_multiple_bugs=False)  # fmt: skip
    options.update(overrides)
    return hypothesis_settings(**options)


class FirstFailure:
    """Keeps the first failure a generated example found. Hypothesis replays a failing example to
    confirm it; an intermittent fault (a random 429, every 40th request hanging) may not fail the
    second time, and Hypothesis then reports "flaky" instead of the fault. The suite reports the
    fault: the failure it saw first, with the exchange that showed it."""

    def __init__(self) -> None:
        self.failure: ConformanceFailure | None = None

    def record(self, failure: ConformanceFailure) -> ConformanceFailure:
        if self.failure is None:
            self.failure = failure
        return failure

    def run(self, test: Callable[[], None]) -> None:
        try:
            test()
        except Exception:
            if self.failure is not None:
                raise self.failure from None
            raise
        if self.failure is not None:
            raise self.failure


def exchange_of(response: Any, sigv4_region: str | None = None) -> Exchange:
    """A Schemathesis (or requests) response as the suite's Exchange, for reports; a signed request
    keeps its region, so that its curl command re-signs it."""
    request = response.request
    headers = {k: ", ".join(v) if isinstance(v, list) else v for k, v in dict(response.headers).items()}
    body = request.body.encode() if isinstance(request.body, str) else request.body
    return Exchange(
        request.method,
        request.url,
        dict(request.headers),
        body,
        response.status_code,
        headers,
        response.content,
        response.elapsed * 1000 if isinstance(response.elapsed, float) else 0.0,
        sigv4_region=sigv4_region,
    )


def call(case: Any, settings: Settings, session: requests.Session, headers: dict[str, str] | None = None,
         check_id: str = "PC901") -> Any:  # fmt: skip
    """Send a generated case through a `Client.generated_session()` (every response bounded by
    --timeout, body included); transport problems become failures of `check_id`, naming the
    client-side check they are (PC702-PC704, PC803, PC804)."""
    try:
        return case.call(base_url=settings.base_url, session=session, allow_redirects=False, headers=headers)
    except requests.exceptions.Timeout:
        reason = f"PC803: no complete response within {settings.timeout:g} s"
    except BodyTooLarge as error:
        reason = f"PC702: {error}"
    except requests.exceptions.ContentDecodingError as error:
        reason = f"PC704: the body does not decode as its Content-Encoding says ({error})"
    except requests.exceptions.RequestException as error:
        reason = f"PC804: connection failed ({error})"
    fail(check_id, f"{reason} for {case.as_curl_command()}")


def judge(case: Any, response: Any, settings: Settings, client: Client, check_id: str = "PC901") -> None:
    """Hold one generated exchange to the suite's wire checks, then to Schemathesis' own."""
    exchange = exchange_of(response, settings.region if settings.sigv4 else None)
    try:
        check_response(exchange, settings.profile, client.findings, client.ledger)
    except ConformanceFailure as error:
        fail(check_id, f"{error.check_id}: {error.message}", exchange)
    try:
        case.validate_response(response, checks=SCHEMATHESIS_CHECKS)
    except FailureGroup as group:
        codes = ", ".join(sorted({getattr(f, "code", "") or type(f).__name__ for f in group.exceptions}))
        titles = "; ".join(sorted({f.title for f in group.exceptions}))
        fail(check_id, f"Schemathesis {codes}: {titles}", exchange)
