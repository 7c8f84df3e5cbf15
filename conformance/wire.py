"""The checks every response of the User resource is held to, whatever test sent the request:
the wire format (clause 7), the error shape (clause 6), the types (clause 3) and, under the `aws`
profile, AWS's headers (clause 10). They are pure functions of one exchange, shared by the
suite's own tests and by the Schemathesis-driven ones."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import Any

import jsonschema

from pinpoint_conformance.spec import load_user_spec

from .catalog import Profile
from .exchange import Exchange
from .failures import Verdict, fail


def _documented_errors() -> dict[int, str]:
    """Error status -> exception name, as the spec lists them for GetUserEndpoints (each error
    response is a component named after AWS's exception)."""
    spec = load_user_spec()
    operation = spec["paths"]["/v1/apps/{application-id}/users/{user-id}"]["get"]
    return {int(status): response["$ref"].rsplit("/", 1)[-1] for status, response in operation["responses"].items()
            if int(status) >= 400}  # fmt: skip


DOCUMENTED_ERRORS = _documented_errors()
SCHEMAS: dict[str, Any] = load_user_spec()["components"]["schemas"]
CHANNEL_TYPES = tuple(SCHEMAS["ChannelType"]["enum"])
FORMATS = jsonschema.FormatChecker()


@cache
def _validator(schema_name: str) -> jsonschema.Draft4Validator:
    # OpenAPI 3.0 schemas are (nearly) JSON Schema draft 4; refs resolve against the document.
    spec = load_user_spec()
    root = {"components": spec["components"], "$ref": f"#/components/schemas/{schema_name}"}
    return jsonschema.Draft4Validator(root, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def media_type(exchange: Exchange) -> str | None:
    value = exchange.header("Content-Type")
    return value.split(";", 1)[0].strip().lower() if value else None


def parse_json(exchange: Exchange) -> Any:
    if media_type(exchange) != "application/json":
        raise fail("PC701", f"Content-Type is {exchange.header('Content-Type')!r}, not application/json", exchange)
    try:
        return json.loads(exchange.response_body)
    except (ValueError, UnicodeDecodeError) as error:
        raise fail("PC702", f"the body does not parse as JSON ({error})", exchange) from None


def check_message_body(exchange: Exchange, check_id: str = "PC602") -> dict[str, Any]:
    """An error body must be a MessageBody; any way it is not (label, JSON, shape) fails `check_id`."""
    what = f"a {exchange.status} must carry a MessageBody (JSON with a string Message)"
    if media_type(exchange) != "application/json":
        raise fail(check_id, f"{what}; Content-Type is {exchange.header('Content-Type')!r}", exchange)
    try:
        body = json.loads(exchange.response_body)
    except (ValueError, UnicodeDecodeError) as error:
        raise fail(check_id, f"{what}; the body does not parse as JSON ({error})", exchange) from None
    if not isinstance(body, dict) or not isinstance(body.get("Message"), str):
        raise fail(check_id, f"{what}; got {type(body).__name__} without a string Message", exchange)
    if "RequestID" in body and not isinstance(body["RequestID"], str):
        raise fail(check_id, f"{what}; its RequestID is not a string", exchange)
    return body


def _check_error(exchange: Exchange, profile: Profile) -> None:
    assert exchange.status is not None
    if exchange.status >= 500:
        raise fail("PC707", f"the server answered {exchange.status}", exchange)
    if exchange.status not in DOCUMENTED_ERRORS:
        raise fail("PC601", f"{exchange.status} is not a documented status "
                            f"(documented: {sorted(DOCUMENTED_ERRORS)})", exchange)  # fmt: skip
    check_message_body(exchange)
    if profile >= Profile.AWS:
        wanted = DOCUMENTED_ERRORS[exchange.status]
        got = (exchange.header("x-amzn-ErrorType") or "").split(":", 1)[0]
        if got != wanted:
            raise fail("PCA02", f"x-amzn-ErrorType is {got or 'missing'!r}, expected {wanted!r}", exchange)


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def check_endpoint(endpoint: Any, exchange: Exchange, verdict: Verdict | None, profile: Profile) -> None:
    """The type checks with their own IDs, most specific first (the schema check comes after)."""
    if not isinstance(endpoint, dict):
        raise fail("PC301", f"an Item entry is {type(endpoint).__name__}, not an object", exchange)
    cohort = endpoint.get("CohortId")
    if "CohortId" in endpoint and not (
        isinstance(cohort, str) and cohort.isascii() and cohort.isdigit() and str(int(cohort)) == cohort
        and 0 <= int(cohort) <= 99
    ):  # fmt: skip
        raise fail("PC302", f'CohortId is {cohort!r}: expected a string from "0" to "99"', exchange)
    dates = {}
    for name in ("CreationDate", "EffectiveDate"):
        if name in endpoint:
            dates[name] = _timestamp(endpoint[name])
            if dates[name] is None or not FORMATS.conforms(endpoint[name], "date-time"):
                raise fail("PC303", f"{name} is {endpoint[name]!r}: not an ISO 8601 date-time", exchange)
    created, effective = dates.get("CreationDate"), dates.get("EffectiveDate")
    if created and effective and effective < created:
        raise fail("PC303", f"EffectiveDate {endpoint['EffectiveDate']} is before "
                            f"CreationDate {endpoint['CreationDate']}", exchange)  # fmt: skip
    if "ChannelType" in endpoint and endpoint["ChannelType"] not in CHANNEL_TYPES:
        raise fail("PC304", f"ChannelType {endpoint['ChannelType']!r} is not one of {', '.join(CHANNEL_TYPES)}",
                   exchange)  # fmt: skip
    if verdict is not None and profile >= Profile.STRICT:
        for path in unknown_fields(endpoint, "EndpointResponse"):
            verdict.warn("PC305", f"undocumented field {path}", exchange)


def unknown_fields(value: Any, schema_name: str, path: str = "") -> list[str]:
    schemas = SCHEMAS
    properties = schemas[schema_name].get("properties", {})
    found = []
    if not isinstance(value, dict):
        return found
    for name, member in value.items():
        where = f"{path}.{name}" if path else name
        if name not in properties:
            found.append(where)
            continue
        ref = properties[name].get("$ref", "")
        target = ref.rsplit("/", 1)[-1]
        if target in schemas and schemas[target].get("properties"):
            found += unknown_fields(member, target, where)
    return found


def check_endpoints_response(exchange: Exchange, verdict: Verdict | None, profile: Profile) -> list[dict]:
    body = parse_json(exchange)
    if not isinstance(body, dict) or not isinstance(body.get("Item"), list):
        raise fail("PC301", 'the body is not an EndpointsResponse: expected {"Item": [...]}', exchange)
    for endpoint in body["Item"]:
        check_endpoint(endpoint, exchange, verdict, profile)
    errors = sorted(_validator("EndpointsResponse").iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise fail("PC301", f"schema violation at {where}: {first.message}", exchange)
    return body["Item"]


def check_response(exchange: Exchange, profile: Profile, verdict: Verdict | None = None) -> None:
    """Everything any response of the User resource must satisfy. Raises ConformanceFailure."""
    if exchange.status is None:
        return  # transport failures are raised by the client itself
    if profile >= Profile.AWS and not exchange.header("x-amzn-RequestId"):
        raise fail("PCA01", "the response has no x-amzn-RequestId header", exchange)
    if exchange.status >= 400:
        _check_error(exchange, profile)
    elif exchange.status in (200, 202):
        check_endpoints_response(exchange, verdict, profile)
    else:
        raise fail("PC601", f"{exchange.status} is not a documented status of the User resource", exchange)
