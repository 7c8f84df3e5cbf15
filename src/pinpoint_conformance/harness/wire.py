"""The checks every response of the User resource is held to, whatever test sent the request:
the wire format (clause 7), the error shape (clause 6), the types (clause 3) and, under the `aws`
profile, AWS's headers (clause 10). They are pure functions of one exchange, shared by the
suite's own tests and by the Schemathesis-driven ones."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema

from pinpoint_conformance.spec import load_user_spec

from .checks import Profile
from .exchange import Exchange, parse_json_bytes
from .failures import ConformanceFailure, Findings, fail, fail_unreadable, observe
from .written import Ledger, is_iso_datetime, iso_instant


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
# A 403 may come from AWS's front door before the request reaches the service: these are the
# exception names it uses (botocore maps each), besides the model's ForbiddenException.
FRONT_DOOR_403 = frozenset({
    "ForbiddenException", "MissingAuthenticationTokenException", "IncompleteSignatureException",
    "InvalidSignatureException", "UnrecognizedClientException", "AccessDeniedException",
})  # fmt: skip
# The members AWS returns for every endpoint it stored (PCA05, profile aws).
AWS_ALWAYS = ("ApplicationId", "Id", "CohortId", "CreationDate", "EffectiveDate", "EndpointStatus", "OptOut",
              "RequestId")  # fmt: skip
# The values AWS documents for these members of an endpoint (PCA08, profile aws).
AWS_VALUES = {"OptOut": ("ALL", "NONE"), "EndpointStatus": ("ACTIVE", "INACTIVE")}
# Schema validation leaves dates to PC303, which accepts every ISO 8601 form (D24), not only RFC 3339.
FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("date-time")(is_iso_datetime)


def _inlined(node: Any, schemas: dict[str, Any], through: tuple[str, ...] = ()) -> Any:
    """`node` with every `#/components/schemas/...` reference replaced by the schema it names.
    Validation then follows no reference at run time, which about halves its cost
    (benchmarks/suite_runtime.py, finding 12). The User resource's schemas are not recursive; a
    cycle would raise here, on first use, rather than loop."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/components/schemas/")
            if name in through or name not in schemas:
                raise ValueError(f"cannot inline the reference {node['$ref']!r} (through {through})")
            return _inlined(schemas[name], schemas, (*through, name))
        return {key: _inlined(value, schemas, through) for key, value in node.items()}
    if isinstance(node, list):
        return [_inlined(item, schemas, through) for item in node]
    return node


@cache
def _validator(schema_name: str) -> jsonschema.Draft4Validator:
    # OpenAPI 3.0 schemas are (nearly) JSON Schema draft 4.
    return jsonschema.Draft4Validator(_inlined(SCHEMAS[schema_name], SCHEMAS, (schema_name,)), format_checker=FORMATS)


def media_type(exchange: Exchange) -> str | None:
    value = exchange.header("Content-Type")
    return value.split(";", 1)[0].strip().lower() if value else None


def check_json_label(exchange: Exchange) -> None:
    if media_type(exchange) != "application/json":
        fail("PC701", f"Content-Type is {exchange.header('Content-Type')!r}, not application/json", exchange)


def parse_json(exchange: Exchange) -> Any:
    try:
        return parse_json_bytes(exchange.response_body)
    except ValueError as error:
        fail_unreadable("PC702", f"the body does not parse as JSON ({error})", exchange)


def check_message_body(exchange: Exchange, check_id: str = "PC602") -> dict[str, Any]:
    """An error body must be a MessageBody; any way it is not (label, JSON, shape) fails `check_id`."""
    what = f"a {exchange.status} must carry a MessageBody (JSON with a string Message)"
    if media_type(exchange) != "application/json":
        fail(check_id, f"{what}; Content-Type is {exchange.header('Content-Type')!r}", exchange)
    try:
        body = parse_json_bytes(exchange.response_body)
    except ValueError as error:
        fail(check_id, f"{what}; the body does not parse as JSON ({error})", exchange)
    # AWS's front door answers a 403 with {"message": ...}; botocore reads either casing.
    names = ("Message", "message") if exchange.status == 403 else ("Message",)
    if not isinstance(body, dict) or not any(isinstance(body.get(name), str) for name in names):
        fail(check_id, f"{what}; got {type(body).__name__} without a string Message", exchange)
    if "RequestID" in body and not isinstance(body["RequestID"], str):
        fail(check_id, f"{what}; its RequestID is not a string", exchange)
    return body


def _check_error(exchange: Exchange, profile: Profile, findings: Findings | None, judge: Judge) -> None:
    assert exchange.status is not None
    observe(findings, "PC601", "PC602")
    if exchange.status >= 500:
        fail_unreadable("PC707", f"the server answered {exchange.status}", exchange)
    if exchange.status not in DOCUMENTED_ERRORS:
        fail_unreadable("PC601", f"{exchange.status} is not a documented status "
                                 f"(documented: {sorted(DOCUMENTED_ERRORS)})", exchange)  # fmt: skip
    judge(check_message_body, exchange)
    if profile >= Profile.AWS:
        judge(_check_error_type, exchange)


def _check_error_type(exchange: Exchange) -> None:
    assert exchange.status is not None
    wanted = DOCUMENTED_ERRORS[exchange.status]
    got = (exchange.header("x-amzn-ErrorType") or "").split(":", 1)[0]
    if got != wanted and not (exchange.status == 403 and got in FRONT_DOOR_403):
        fail("PCA02", f"x-amzn-ErrorType is {got or 'missing'!r}, expected {wanted!r}", exchange)


def check_endpoint(endpoint: Any, exchange: Exchange, findings: Findings | None, profile: Profile,
                   judge: Judge, written: Written | None = None) -> None:  # fmt: skip
    """The type checks with their own IDs, each judged on its own (the schema check comes after)."""
    if not isinstance(endpoint, dict):
        fail_unreadable("PC301", f"an Item entry is {type(endpoint).__name__}, not an object", exchange)
    judge(_check_cohort, endpoint, exchange, findings)
    judge(_check_dates, endpoint, exchange, findings, written)
    judge(_check_channel_type, endpoint, exchange, findings)
    if profile >= Profile.AWS:
        judge(_check_aws_values, endpoint, exchange)
        if written is not None:
            judge(_check_aws_members, endpoint, exchange, written)
    if findings is not None and profile >= Profile.STRICT:
        for path in unknown_fields(endpoint, "EndpointResponse"):
            findings.warn("PC305", f"undocumented field {path}", exchange)


def _check_cohort(endpoint: dict[str, Any], exchange: Exchange, findings: Findings | None) -> None:
    if "CohortId" in endpoint:
        observe(findings, "PC302")
        cohort = endpoint["CohortId"]
        if not (isinstance(cohort, str) and cohort.isascii() and cohort.isdigit() and str(int(cohort)) == cohort
                and 0 <= int(cohort) <= 99):  # fmt: skip
            fail("PC302", f'CohortId is {cohort!r}: expected a string from "0" to "99"', exchange)


def _check_channel_type(endpoint: dict[str, Any], exchange: Exchange, findings: Findings | None) -> None:
    if "ChannelType" in endpoint:
        observe(findings, "PC304")
        if endpoint["ChannelType"] not in CHANNEL_TYPES:
            fail("PC304", f"ChannelType {endpoint['ChannelType']!r} is not one of {', '.join(CHANNEL_TYPES)}",
                 exchange)  # fmt: skip


def _check_dates(endpoint: dict[str, Any], exchange: Exchange, findings: Findings | None,
                 written: Written | None) -> None:  # fmt: skip
    """PC303: both dates ISO 8601 (D24); a server-set EffectiveDate not before CreationDate. An
    EffectiveDate the run wrote itself may come back as written, whatever its order."""
    instants = {}
    for name in ("CreationDate", "EffectiveDate"):
        if name in endpoint:
            observe(findings, "PC303")
            instants[name] = iso_instant(endpoint[name])
            if instants[name] is None:
                fail("PC303", f"{name} is {endpoint[name]!r}: not an ISO 8601 date-time", exchange)
    created, effective = instants.get("CreationDate"), instants.get("EffectiveDate")
    if created is None or effective is None or effective >= created:
        return
    if written is not None and written.effective_date_was_written(endpoint.get("Id"), endpoint["EffectiveDate"]):
        return
    fail("PC303", f"EffectiveDate {endpoint['EffectiveDate']} is before CreationDate {endpoint['CreationDate']}",
         exchange)  # fmt: skip


def _check_aws_members(endpoint: dict[str, Any], exchange: Exchange, written: Written) -> None:
    """PCA05: an endpoint the run stored carries what AWS always returns, and what the run wrote."""
    members = written.members(endpoint.get("Id"))
    if members is None:
        return  # not one of the run's endpoints: PC101-PC103 judge why it is listed at all
    missing = [name for name in (*AWS_ALWAYS, *members) if name not in endpoint]
    if missing:
        fail("PCA05", f"endpoint {endpoint.get('Id')!r} lacks {', '.join(missing)}", exchange)


def _check_aws_values(endpoint: dict[str, Any], exchange: Exchange) -> None:
    """PCA08: the values AWS documents for OptOut and EndpointStatus (the suite writes no other)."""
    for name, allowed in AWS_VALUES.items():
        if endpoint.get(name) is not None and endpoint[name] not in allowed:  # a null is PC301's
            fail("PCA08", f"endpoint {endpoint.get('Id')!r} has {name} {endpoint[name]!r}, not "
                          f"{' or '.join(allowed)}", exchange)  # fmt: skip


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


def check_endpoints_response(exchange: Exchange, findings: Findings | None, profile: Profile, judge: Judge,
                             written: Written | None = None) -> None:  # fmt: skip
    judge(check_json_label, exchange)
    body = parse_json(exchange)
    if not isinstance(body, dict) or not isinstance(body.get("Item"), list):
        fail_unreadable("PC301", 'the body is not an EndpointsResponse: expected {"Item": [...]}', exchange)
    for endpoint in body["Item"]:
        check_endpoint(endpoint, exchange, findings, profile, judge, written)
    errors = sorted(_validator("EndpointsResponse").iter_errors(body), key=lambda e: list(e.absolute_path))
    # A member whose own check failed is that check's: the schema check judges the rest.
    errors = [e for e in errors if not (e.absolute_path and _SPECIFIC.get(str(e.absolute_path[-1])) in judge.failures)]
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        fail("PC301", f"schema violation at {where}: {first.message}", exchange)


# Members with a check of their own, more specific than the schema's (PC301).
_SPECIFIC = {"CohortId": "PC302", "ChannelType": "PC304", "CreationDate": "PC303", "EffectiveDate": "PC303"}


class Judge:
    """Runs one wire check and keeps its failure instead of raising it, so that one check's failure
    never hides another's in the same response; the first failure of each check is kept."""

    def __init__(self) -> None:
        self.failures: dict[str, ConformanceFailure] = {}

    def __call__(self, check: Callable[..., None], *args: Any) -> None:
        try:
            check(*args)
        except ConformanceFailure as failure:
            self.failures.setdefault(failure.check_id, failure)


def response_failures(exchange: Exchange, profile: Profile, findings: Findings | None = None,
                      ledger: Ledger | None = None) -> list[ConformanceFailure]:  # fmt: skip
    """Every wire check's failure in one response of the User resource (the first of each check).
    A failure marked `unreadable` ended the judging: nothing more could be read from the response.
    `ledger`: what the run wrote, so that values it wrote are judged against what was written."""
    judge = Judge()
    if exchange.status is None:
        return []  # transport failures are raised by the client itself
    if profile >= Profile.AWS:
        judge(_check_request_id, exchange)
    if exchange.status >= 400:
        judge(_check_error, exchange, profile, findings, judge)
    elif exchange.status in (200, 202):
        application_id = application_of(exchange.url)
        written = Written(ledger, application_id) if ledger is not None and application_id is not None else None
        judge(check_endpoints_response, exchange, findings, profile, judge, written)
    else:
        judge(fail_unreadable, "PC601", f"{exchange.status} is not a documented status of the User resource",
              exchange)  # fmt: skip
    return list(judge.failures.values())


def check_response(exchange: Exchange, profile: Profile, findings: Findings | None = None,
                   ledger: Ledger | None = None) -> None:  # fmt: skip
    """Everything any response of the User resource must satisfy: raises the first failure."""
    failures = response_failures(exchange, profile, findings, ledger)
    if failures:
        raise failures[0]


def _check_request_id(exchange: Exchange) -> None:
    if not exchange.header("x-amzn-RequestId"):
        fail("PCA01", "the response has no x-amzn-RequestId header", exchange)


def application_of(url: str) -> str | None:
    """The application ID in a User resource URL (percent-decoded), or None if it is not one."""
    path = urlsplit(url).path.split("/")
    if len(path) != 6 or path[1:3] != ["v1", "apps"] or path[4] != "users":
        return None
    return unquote(path[3], errors="strict") if _decodes(path[3]) else None


def _decodes(segment: str) -> bool:
    try:
        unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


class Written:
    """The ledger seen from one application: what the run wrote there."""

    def __init__(self, ledger: Ledger, application_id: str) -> None:
        self.ledger = ledger
        self.application_id = application_id

    def members(self, endpoint_id: Any) -> dict[str, Any] | None:
        return self.ledger.written(self.application_id, endpoint_id)

    def effective_date_was_written(self, endpoint_id: Any, read: Any) -> bool:
        return self.ledger.wrote_effective_date(self.application_id, endpoint_id, read)
