"""A transcript: the suite's deterministic scenarios as one server answered them, normalized.

The recorder sits at the client: every exchange `Client.send` ends with (the one it returns, after
the retries of a 429, or the one it fails with) is kept under the scenario that sent it, the pytest
test whose setup, call or teardown was running (its file name and test name:
`test_01_listing.py::test_get_…`), or `<setup>` for the applications the run creates before its
first test (with --app-id there are none, and the application given is `<app-given>`). Left out: the
property-based checks (clause 9), whose requests Hypothesis draws from the seed, and the run's
clean-up; requests the client does not send (boto3's own, PCA03) never reach the recorder.

A transcript is one JSON file, keys sorted: its format, the profile it was recorded under (which
decides the scenarios that run) and, per scenario, its exchanges in the order they were sent. The
seed is not in it: the scenarios send the same requests under every seed, once the run's prefix is
a placeholder (`tests/parity/` records under two seeds and compares).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pinpoint_conformance import __version__

from ..harness.exchange import SENSITIVE_HEADERS, Exchange, parse_json_bytes
from .normalize import REQUEST_ID, Applications, Scope, counters_in, strings_in

FORMAT = "pinpoint-conformance-transcript/1"
SETUP = "<setup>"
# What a request's headers say that shapes an answer; everything else (User-Agent, the signature,
# credentials, anything given with --header) stays out of a transcript.
REQUEST_HEADERS = ("accept", "accept-encoding", "connection", "content-encoding", "content-type")
# What a response's headers say that a client reads; the Date, lengths and framing vary or do not matter.
RESPONSE_HEADERS = ("allow", "content-encoding", "content-type", "retry-after", "x-amzn-errortype",
                    "x-amzn-requestid")  # fmt: skip


def scenario_of(nodeid: str) -> str:
    """A test's key in a transcript: its file's name and its name, the same whether the suite ran
    from a checkout (`conformance/…`) or from the installed package."""
    path, _, name = nodeid.partition("::")
    return f"{Path(path).name}::{name}"


# Inside an Authorization header: SigV4's access key ID and signature, or a scheme's credentials.
_AUTHORIZATION_PARTS = re.compile(r"Credential=([^/,\s]+)|Signature=([0-9a-fA-F]+)|^\S+\s+(\S+)$")


def secrets_of(exchanges: list[Exchange], extra_headers: dict[str, str]) -> list[str]:
    """Every value a transcript must not hold: those of the headers given with --header and of the
    sensitive headers the run sent (Authorization, X-Amz-Security-Token, cookies, tokens…), and
    the access key ID and signature inside a SigV4 Authorization header. (Not the region, date or
    service of its credential scope: they also appear in what servers answer, an ARN say, and
    hiding them would make a signed recording differ from an unsigned one.)"""
    secrets = {value for value in extra_headers.values() if value}
    for exchange in exchanges:
        for name, value in exchange.request_headers.items():
            lowered = name.lower()
            if lowered in SENSITIVE_HEADERS or "token" in lowered:
                secrets.add(value)
            if lowered == "authorization":
                secrets.update(part for m in _AUTHORIZATION_PARTS.finditer(value) for part in m.groups() if part)
    return sorted(secrets)


class Recorder:
    """Called by the client with every exchange it returns; keeps them under the current scenario."""

    def __init__(self, base_url: str, extra_headers: dict[str, str], app_id: str | None = None) -> None:
        self.base_url = base_url
        self.extra_headers = extra_headers
        self.app_id = app_id  # --app-id: the application the run was given, `<app-given>` in a transcript
        self.scenario: str | None = None
        self.exchanges: dict[str, list[Exchange]] = {}

    def __call__(self, exchange: Exchange) -> None:
        if self.scenario is not None:
            self.exchanges.setdefault(self.scenario, []).append(exchange)

    @contextmanager
    def section(self, scenario: str | None) -> Iterator[None]:
        """Keep what is sent meanwhile under `scenario` (None: keep nothing)."""
        outer, self.scenario = self.scenario, scenario
        try:
            yield
        finally:
            self.scenario = outer

    def normalized(self) -> dict[str, list[dict[str, Any]]]:
        everything = [e for exchanges in self.exchanges.values() for e in exchanges]
        applications = _applications(everything)
        if self.app_id:
            applications.add(self.app_id, "given")
        secrets = secrets_of(everything, self.extra_headers)
        out = {}
        for scenario, exchanges in self.exchanges.items():
            raw = [_raw_entry(e, self.base_url, self.extra_headers) for e in exchanges]
            counters = {n for entry in raw for text in strings_in(entry) for n in counters_in(text)}
            scope = Scope(applications, secrets, counters)
            out[scenario] = [_normalized(entry, scope) for entry in raw]
        return out

    def transcript(self, profile: str) -> dict[str, Any]:
        return {"format": FORMAT, "profile": profile, "recorded_with": f"pinpoint-conformance {__version__}",
                "scenarios": self.normalized()}  # fmt: skip


def _applications(exchanges: list[Exchange]) -> Applications:
    """The applications CreateApp created, from its requests (their Name) and answers (their Id)."""
    applications = Applications()
    for exchange in exchanges:
        if exchange.method == "POST" and exchange.url.endswith("/v1/apps") and exchange.status == 201:
            request, response = _json(exchange.request_body), exchange.json_or_none()
            if isinstance(request, dict) and isinstance(response, dict) and isinstance(response.get("Id"), str):
                applications.add(response["Id"], str(request.get("Name", "")))
    return applications


def _json(body: bytes | None) -> Any:
    try:
        return parse_json_bytes(body) if body else None
    except ValueError:
        return None


def _body(body: bytes | None) -> dict[str, Any]:
    """A body as JSON (`body`), else as text (`text`); nothing for an empty one."""
    if not body:
        return {}
    try:
        return {"body": parse_json_bytes(body)}
    except ValueError:
        return {"text": body.decode("utf-8", errors="backslashreplace")}


def _raw_entry(exchange: Exchange, base_url: str, extra_headers: dict[str, str]) -> dict[str, Any]:
    """An exchange as a transcript holds it, before its values are normalized."""
    unwanted = {name.lower() for name in extra_headers} | SENSITIVE_HEADERS
    headers = {k.lower(): v for k, v in exchange.request_headers.items()
               if k.lower() in REQUEST_HEADERS and k.lower() not in unwanted}  # fmt: skip
    target = exchange.url.removeprefix(base_url)
    request = {"method": exchange.method, "target": target, "headers": headers, **_body(exchange.request_body)}
    if exchange.absolute_form:
        request["absolute_form"] = True
    if exchange.error:
        # The kind of transport failure, without what varies (ports, addresses, timings of a message).
        return {"request": request, "error": re.split(r"[:(]", exchange.error, maxsplit=1)[0].strip()}
    kept = {k.lower(): v for k, v in exchange.response_headers.items() if k.lower() in RESPONSE_HEADERS}
    if "x-amzn-requestid" in kept:
        kept["x-amzn-requestid"] = REQUEST_ID
    response = {"status": exchange.status, "headers": kept, **_body(exchange.response_body)}
    return {"request": request, "response": response}


def _normalized(entry: dict[str, Any], scope: Scope) -> dict[str, Any]:
    request = scope.value(entry["request"])
    if "error" in entry:
        return {"request": request, "error": entry["error"]}
    response = dict(entry["response"])
    response["headers"] = scope.value(response["headers"])
    if "body" in response:
        response["body"] = scope.response_value(response["body"])
    if "text" in response:
        response["text"] = scope.text(response["text"])
    return {"request": request, "response": response}


def dumps(transcript: dict[str, Any]) -> str:
    # ASCII only: an ID the suite sends may hold lone surrogates or controls, which JSON escapes.
    return json.dumps(transcript, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def write(path: Path, transcript: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(transcript), encoding="utf-8")


def read(path: Path) -> dict[str, Any]:
    """A transcript file; ValueError if it is not one this version reads."""
    try:
        transcript = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read the transcript {path}: {error}") from None
    if not isinstance(transcript, dict) or transcript.get("format") != FORMAT:
        raise ValueError(f"{path} is not a transcript of format {FORMAT}")
    return transcript
