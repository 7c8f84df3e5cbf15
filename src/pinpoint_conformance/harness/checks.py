"""Every check the suite makes: its stable ID, what it proves, the contract clause it belongs to,
the sentence of the seed or the shape of AWS's model that it enforces, and the lowest profile that
runs it.

This table is the one source of the check list: the suite's tests name checks by ID, the reports
take titles and citations from here, and `docs/CHECKS.md` is generated from it
(`python -m pinpoint_conformance.harness.checks > docs/CHECKS.md`; a test keeps the two in step). IDs are never
reused: a retired check keeps its number.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import IntEnum


class Profile(IntEnum):
    """Profiles are cumulative: `aws` runs everything `core` runs, `strict` everything `aws` runs."""

    CORE = 0
    AWS = 1
    STRICT = 2

    @classmethod
    def parse(cls, text: str) -> Profile:
        return cls[text.upper()]


SEED = "Seed"
MODEL = "AWS model"
CONTRACT = "Contract"


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    clause: str
    requirement: str  # an RFC 2119 sentence: what a conforming server does
    cites: str  # the seed sentence or model shape enforced
    profile: Profile = Profile.CORE
    # For a check whose condition a server may never give rise to (no 429, no CohortId…): what
    # must happen for it to count as exercised. Unobserved, it is reported "not exercised".
    exercised_when: str | None = None
    # Its probes may take a faulty server down: it runs after every other check, so that such a
    # server fails it alone instead of every check that comes after.
    runs_last: bool = False
    # Its requests, and so what a server answers them, are the same on every run against the same
    # server: what a parity transcript can hold. Not so where Hypothesis draws them from the seed
    # (clause 9) or where they overlap in whatever order the threads run (clause 11).
    replayable: bool = True


CLAUSES: dict[str, str] = {
    "0": "Test data can be created",
    "1": "GET lists exactly the user's endpoints",
    "2": "Fields round-trip",
    "3": "Types as the spec gives them",
    "4": "DELETE removes exactly the user's endpoints",
    "5": "Unknown applications",
    "6": "Errors",
    "7": "HTTP",
    "8": "Resilience",
    "9": "Property-based (Schemathesis)",
    "10": "AWS wire details",
    "11": "Concurrency",
}

_CHECKS = (
    # 0: the support calls the suite needs to create its own data.
    Check("PC001", "CreateApp creates an application", "0",
          "CreateApp MUST answer 201 with an ApplicationResponse whose Id the other calls accept.",
          f"{MODEL}: CreateApp (POST /v1/apps, responseCode 201), ApplicationResponse (Id, Arn, Name required)"),
    Check("PC002", "UpdateEndpoint and UpdateEndpointsBatch store endpoints", "0",
          "UpdateEndpoint and UpdateEndpointsBatch MUST answer 202 for valid endpoints.",
          f"{MODEL}: UpdateEndpoint, UpdateEndpointsBatch (responseCode 202, MessageBody)"),
    # 1: listing.
    Check("PC101", "GET lists every endpoint of the user, once", "1",
          "GET MUST answer 200 {\"Item\": [...]} listing each endpoint of the user exactly once.",
          f"{SEED}: \"Use this resource to list all of the endpoints associated with a user ID\"; "
          f"{MODEL}: GetUserEndpoints -> EndpointsResponse.Item"),
    Check("PC102", "GET matches the user ID exactly and case-sensitively", "1",
          "GET MUST NOT list endpoints of users whose ID shares a prefix with, or differs only in "
          "case or padding from, the requested one; each of them, requested in turn, gets exactly its own "
          "endpoints.",
          f"{SEED}: \"A user is an individual who has a unique user ID\"; {MODEL}: EndpointUser.UserId"),
    Check("PC103", "GET is confined to the application in the path", "1",
          "GET MUST NOT list endpoints of the same user ID in another application.",
          f"{SEED}: URI /v1/apps/application-id/users/user-id; {MODEL}: GetUserEndpointsRequest.ApplicationId"),
    Check("PC104", "GET lists all 15 endpoints of a user at AWS's limit", "1",
          "GET MUST list all endpoints of a user that has 15, AWS's per-user maximum.",
          f"{SEED}: \"This ID can be associated with zero or more endpoints\"; AWS quota: 15 endpoints per user ID"),
    Check("PC105", "Writes in one application change nothing in another", "1",
          "Writes in one application (UpdateEndpoint, UpdateEndpointsBatch, DELETE of the user) MUST NOT "
          "change what GET lists in another application for the same user ID, endpoint ID and address: "
          "neither the endpoints nor any member's value (EndpointStatus included).",
          f"{SEED}: URI /v1/apps/application-id/users/user-id; {MODEL}: EndpointRequest.EndpointStatus "
          "(\"sets this to INACTIVE if you update another endpoint that has the same address\")"),
    # 2: round trip.
    Check("PC201", "Every field written comes back as written", "2",
          "Each field written with UpdateEndpoint (Address, ChannelType, Attributes, Demographic, "
          "Location, Metrics, OptOut, User.UserAttributes) MUST be returned unchanged; Latitude and Longitude "
          "as written or rounded to one decimal place (DIVERGENCES.md D13). A Location or Demographic written "
          "with a few members is read back with those (a null in place of one left out is PC301's).",
          f"{MODEL}: EndpointRequest members mirrored by EndpointResponse"),
    Check("PC202", "Id, ApplicationId and User.UserId match the request", "2",
          "Each listed endpoint's Id and User.UserId, and its ApplicationId when present, MUST equal those "
          "it was written with: an Id with capitals, or with spaces at either end (which a server may refuse "
          "with 400), comes back as assigned, neither lower-cased nor trimmed.",
          f"{SEED}: ApplicationId \"The ID of the application that is associated with the endpoint\", "
          "Id \"The unique ID that you assigned to the endpoint\""),
    Check("PC203", "An endpoint moved to another user is listed under the new user only", "2",
          "After UpdateEndpoint gives an endpoint another User.UserId, GET MUST list it under the "
          "new user and not the old one.",
          f"{MODEL}: UpdateEndpoint \"updates the settings and attributes of an existing endpoint\""),
    Check("PC204", "An update replaces the values of the attributes it names", "2",
          "After an update that names an attribute, GET MUST return that attribute's new values only.",
          f"{MODEL}: UpdateEndpoint \"If an update includes one or more values for a custom attribute, "
          "Amazon Pinpoint replaces (overwrites) any existing values with the new values.\""),
    Check("PC206", "An update keeps the members it does not name", "2",
          "After an UpdateEndpoint that names only some members of an existing endpoint, GET MUST list the "
          "endpoint under its user with every member the update did not name as it was (Address, ChannelType, "
          "Demographic, Location, Metrics, OptOut, User.UserId, User.UserAttributes).",
          f"{MODEL}: UpdateEndpoint \"updates the settings and attributes of an existing endpoint\"; "
          "\"If an update includes one or more values for a custom attribute, Amazon Pinpoint replaces "
          "(overwrites) any existing values\" (what an update includes is replaced, nothing else)"),
    Check("PC205", "Server-set fields follow the endpoint's writes", "2",
          "An endpoint written or updated without EndpointStatus (and with an address no other endpoint "
          "has) MUST be listed ACTIVE, also after another endpoint with another address was written; an "
          "update MUST leave CreationDate as it was and move EffectiveDate past the previous one (once a "
          "tick of the clock its digits show has passed).",
          f"{MODEL}: EndpointRequest.EndpointStatus \"Amazon Pinpoint automatically sets this value to ACTIVE "
          "when you create an endpoint or update an existing endpoint. Amazon Pinpoint automatically sets this "
          "value to INACTIVE if you update another endpoint that has the same address\"; "
          "EndpointResponse.CreationDate \"when the endpoint was created\", EffectiveDate \"when the endpoint "
          "was last updated\"",
          exercised_when="a listed endpoint carried EndpointStatus, or CreationDate or EffectiveDate both times"),
    # 3: types.
    Check("PC301", "Responses match the EndpointsResponse schema", "3",
          "Every 200/202 body MUST validate against EndpointsResponse (Item required; maps of string "
          "lists and of numbers; Latitude and Longitude numbers; no member null: a member a server has no "
          "value for is left out, DIVERGENCES.md D21).",
          f"{MODEL}: EndpointsResponse, EndpointResponse, MapOfListOf__string, MapOf__double, EndpointLocation"),
    Check("PC302", "CohortId is a string from \"0\" to \"99\"", "3",
          "CohortId, when present, MUST be a string holding a whole number from 0 to 99.",
          f"{SEED}: CohortId \"A number from 0-99 that represents the cohort\"; {MODEL}: CohortId __string",
          exercised_when="a response carried a CohortId"),
    Check("PC303", "CreationDate and EffectiveDate are ISO 8601, in order", "3",
          "CreationDate and EffectiveDate MUST be ISO 8601 date-times (DIVERGENCES.md D24), a server-set "
          "EffectiveDate not before CreationDate; an EffectiveDate the client wrote MAY come back as written.",
          f"{SEED}: \"The date and time when the endpoint was created, shown in ISO 8601 format\"",
          exercised_when="a response carried a CreationDate or an EffectiveDate"),
    Check("PC304", "ChannelType is one of the model's values", "3",
          "ChannelType, when present, MUST be one of the 13 values of AWS's ChannelType enum.",
          f"{MODEL}: ChannelType enum (DIVERGENCES.md D1)",
          exercised_when="a response carried a ChannelType"),
    Check("PC305", "No fields beyond the documented ones (strict)", "3",
          "Under strict, response objects SHOULD carry only documented fields (others are warnings).",
          "spec: unknown members allowed in responses (DIVERGENCES.md D14)", Profile.STRICT),
    # 4: delete.
    Check("PC401", "DELETE answers 202 with the endpoints it deleted", "4",
          "DELETE MUST answer 202 {\"Item\": [...]} listing exactly the endpoints it removed.",
          f"{SEED}: DELETE \"Deletes endpoints that are associated with a User ID\", 202 EndpointsResponse"),
    Check("PC402", "After DELETE, GET lists none of the deleted endpoints", "4",
          "After DELETE, GET of the same user MUST list none of them (404 or an empty Item).",
          f"{MODEL}: DeleteUserEndpoints \"Deletes all the endpoints that are associated with a specific user ID\""),
    Check("PC403", "DELETE spares every other user", "4",
          "DELETE MUST NOT remove endpoints of users whose ID shares a prefix or differs only in case or "
          "padding: not when the user is deleted, and not when each of those users is.",
          f"{SEED}: \"delete all of the endpoints that are associated with a user ID\""),
    Check("PC404", "DELETE spares the same user ID in other applications", "4",
          "DELETE MUST NOT remove endpoints of the same user ID in another application.",
          f"{MODEL}: DeleteUserEndpointsRequest.ApplicationId (location uri)"),
    Check("PC405", "GET of a user with no endpoints: 404 or an empty 200", "4",
          "GET of a user with no endpoints MUST answer 404 or 200 with an empty Item (a 404's MessageBody is PC602's).",
          f"{MODEL}: GetUserEndpoints errors NotFoundException; {SEED}: \"zero or more endpoints\""),
    Check("PC406", "DELETE of a user with no endpoints: 404 or an empty 202", "4",
          "DELETE of a user with no endpoints MUST answer 404 or 202 with an empty Item (a 404's MessageBody is "
          "PC602's).",
          f"{MODEL}: DeleteUserEndpoints errors NotFoundException"),
    # 5: unknown application.
    Check("PC501", "GET in an unknown application: 404", "5",
          "GET in an application that does not exist MUST answer 404; an existing ID changed in case, padded, "
          "truncated, extended or ending in a '_' wildcard names none (404, or 400). Their MessageBody is PC602's.",
          f"{MODEL}: NotFoundException (404) \"the specified resource was not found\""),
    Check("PC502", "DELETE in an unknown application: 404", "5",
          "DELETE in an application that does not exist MUST answer 404; in a lookalike of an existing ID "
          "(case, padding, length, a '_' wildcard) it answers 404 or 400 and deletes nothing. Their MessageBody "
          "is PC602's.",
          f"{MODEL}: NotFoundException (404)"),
    # 6: errors.
    Check("PC601", "Error statuses are documented ones", "6",
          "Every error status MUST be one of 400, 403, 404, 405, 413, 429, 500.",
          f"{SEED}: Errors table; {MODEL}: GetUserEndpoints/DeleteUserEndpoints errors (413 from the model)",
          exercised_when="the User resource answered an error"),
    Check("PC602", "Error bodies are a MessageBody", "6",
          "Every error body MUST be a JSON object with a string Message (RequestID optional).",
          f"{SEED}: Example MessageBody {{\"RequestID\", \"Message\"}}; {MODEL}: MessageBody",
          exercised_when="the User resource answered an error"),
    Check("PC603", "Other methods get 405", "6",
          "POST, PUT and PATCH on the resource MUST answer 405 with a MessageBody; under strict, TRACE too (no "
          "API client sends it, and an HTTP layer may answer it 501 Not Implemented).",
          f"{SEED}: 405 MethodNotAllowedException; HTTP Methods: DELETE, GET"),
    Check("PC604", "A 405 names the allowed methods in Allow", "6",
          "A 405 SHOULD carry an Allow header (a warning; a failure under strict).",
          "RFC 9110 §15.5.6 (405 Method Not Allowed: the origin server MUST generate an Allow header)"),
    # 7: HTTP.
    Check("PC701", "Responses are labelled application/json", "7",
          "Every response with a body MUST carry Content-Type application/json (parameters allowed).",
          f"{MODEL}: protocol rest-json"),
    Check("PC702", "Response bodies parse as JSON", "7",
          "Every response body MUST parse as JSON.",
          f"{MODEL}: protocol rest-json"),
    Check("PC703", "Requests work with and without Accept", "7",
          "GET MUST answer alike with no Accept header, with Accept: application/json and with */*.",
          f"{SEED}: Header accept, Required false"),
    Check("PC704", "gzip-encoded responses decode to the same JSON", "7",
          "When a client accepts gzip, the response MUST decode to the same JSON as an identity one.",
          "RFC 9110 §8.4 (Content-Encoding)"),
    Check("PC705", "Encoded and literal forms of an ID address the same user", "7",
          "A user ID MUST be matched after percent-decoding, its escapes' hex digits in upper or lower case "
          "alike; a literal + is a plus, not a space.",
          "RFC 3986 §2.1 (\"The uppercase hexadecimal digits 'A' through 'F' are equivalent to the lowercase "
          "digits 'a' through 'f'\"), §3.3 (percent-encoding of path segments)"),
    Check("PC706", "Unusual user IDs round-trip", "7",
          "User IDs with spaces (inside and at either end), @, :, +, / ? # % ; & = (sent percent-encoded), "
          "non-ASCII UTF-8, a leading U+FEFF (a byte order mark) and 255 characters MUST round-trip: written, "
          "read and deleted; a query string "
          "after the ID is not part of it; the NFC and NFD forms of one ID are two users.",
          f"{MODEL}: EndpointUser.UserId __string (no pattern)"),
    Check("PC707", "No input yields a 5xx or reaches endpoints it does not name", "7",
          "A request, however unusual its IDs or encoding, MUST NOT get a 5xx; a refused ID MUST get a 400 "
          "MessageBody; and such a request MUST NOT list or delete the endpoints of a user it does not name, or "
          "those written without a user (some are in the application as they are sent). "
          "Every run sends, as user ID and as application ID of GET and DELETE, every C0 control and DEL, every "
          "reserved and unsafe character encoded and literal, invalid UTF-8 (overlong forms included), "
          "malformed escapes, an ID of 1,025 characters and dot segments (harness/hostile_ids.py). HEAD and "
          "OPTIONS may get any answer but a 5xx, and remove nothing. A target outside RFC 3986's syntax (a "
          "literal [ { | …, a malformed escape) may be refused by the HTTP layer in any form but a 5xx; under "
          "strict its refusal MUST be a 400 MessageBody too.",
          f"{MODEL}: BadRequestException (400) \"The request contains a syntax error\""),
    Check("PC708", "Absolute-form request targets address the same user (strict)", "7",
          "Under strict, a GET or DELETE whose request line carries the whole URL (GET http://host/v1/apps/…) "
          "MUST be answered as the same request with the path alone: the user's endpoints listed, or deleted. "
          "No client of this API sends the absolute-form to an origin server, so core does not require it.",
          "RFC 9112 §3.2.2 \"a server MUST accept the absolute-form in requests\"", Profile.STRICT),
    Check("PC709", "The order of header fields does not change the answer", "7",
          "A GET MUST be answered alike whatever the order of its header fields: led by Connection and "
          "ended by Host as well as led by Host.",
          "RFC 9110 §5.3 (\"The order in which field lines with differing field names are received in a "
          "section is not significant\")"),
    # 8: resilience.
    Check("PC801", "A 429 carries a MessageBody", "8",
          "A 429 MUST carry a MessageBody; the suite retries it with backoff.",
          f"{MODEL}: TooManyRequestsException (429) MessageBody",
          exercised_when="the server answered 429"),
    Check("PC802", "Throttling ends within the retry budget", "8",
          "A server MUST stop answering 429 to a retried request within the suite's retry budget.",
          f"{MODEL}: TooManyRequestsException \"too many requests were sent during a certain amount of time\"",
          exercised_when="the server answered 429"),
    Check("PC803", "Every response arrives within the timeout", "8",
          "Every response MUST arrive completely within the timeout (--timeout, 10 s by default).",
          "Contract clause 8"),
    Check("PC804", "The server accepts connections and answers", "8",
          "The server MUST accept the connection and answer with a complete HTTP response.",
          "Contract clause 8"),
    Check("PC805", "The server outlives clients that break off", "8",
          "After a client breaks a request off and closes (its body cut short, or its header section), and "
          "after a client sends what is not HTTP/1.1 (a TLS ClientHello, an HTTP/2 preface), the server MUST "
          "go on answering: a GET of a user right after lists its endpoints. What the broken-off connection "
          "gets is not judged.",
          "RFC 9112 §9.6 (a client may close a connection at any time), §2.2 (octets that are not an "
          "HTTP/1.1 request: a server SHOULD answer 400 and close); Contract clause 8",
          exercised_when="the suite could open connections of its own to the server (no proxy between)",
          runs_last=True),
    # 9: property-based.
    Check("PC901", "Generated requests to GET and DELETE conform", "9",
          "For Schemathesis-generated IDs and headers, every response MUST satisfy clauses 3, 6 and 7.",
          "spec/pinpoint-user.openapi.yaml (Schemathesis checks ST101-ST103, ST106 and ours)", replayable=False),
    Check("PC902", "Generated requests with other methods get 405", "9",
          "For generated IDs, POST, PUT and PATCH (under strict, TRACE too) MUST get 405 with a MessageBody.",
          f"{SEED}: 405 MethodNotAllowedException",
          exercised_when="a generated request got a 405", replayable=False),
    Check("PC903", "Stateful sequences through the spec's links conform", "9",
          "Sequences chained by the links (CreateApp -> UpdateEndpoint -> GetUserEndpoints / "
          "DeleteUserEndpoints) MUST conform at every step.",
          "spec/pinpoint-support.openapi.yaml links", replayable=False),
    # 10: AWS.
    Check("PCA01", "Every response carries x-amzn-RequestId", "10",
          "Every response MUST carry an x-amzn-RequestId header.",
          f"{MODEL}: rest-json protocol (botocore reads x-amzn-RequestId into ResponseMetadata)", Profile.AWS),
    Check("PCA02", "Errors name their exception in x-amzn-ErrorType", "10",
          "Every error MUST carry x-amzn-ErrorType naming the exception of its status.",
          f"{MODEL}: error shapes with httpStatusCode (BadRequestException 400 ... )", Profile.AWS),
    Check("PCA03", "boto3 reads the responses and raises typed exceptions", "10",
          "boto3 MUST parse GET and DELETE responses and raise NotFoundException for an unknown user.",
          f"{MODEL}: GetUserEndpoints / DeleteUserEndpoints output and errors", Profile.AWS),
    Check("PCA04", "Unsigned requests get 403 when signing is in use", "10",
          "With SigV4 credentials configured, an unsigned request MUST get 403 with a MessageBody.",
          f"{MODEL}: signatureVersion v4, ForbiddenException (403)", Profile.AWS,
          exercised_when="the run signs its requests (--sigv4)"),
    Check("PCA05", "Endpoints carry the members AWS always returns", "10",
          "Every endpoint the run stored MUST be listed with ApplicationId, Id, CohortId, CreationDate, "
          "EffectiveDate, EndpointStatus, OptOut and RequestId, and with every member the run wrote.",
          f"{MODEL}: EndpointResponse (AWS returns these members for every stored endpoint)", Profile.AWS),
    Check("PCA06", "A user ID never has more than 15 endpoints", "10",
          "A 16th endpoint for one user ID MUST be refused with 400 BadRequestException if it is an EMAIL "
          "(SMS, PUSH, VOICE, CUSTOM, IN_APP) endpoint; a 16th GCM (ADM, APNS, APNS_VOIP, APNS_VOIP_SANDBOX, "
          "BAIDU) endpoint of a user with push endpoints MUST be accepted, the user's push endpoint with the "
          "oldest EffectiveDate set INACTIVE and without its UserId; GET MUST list 15.",
          "AWS quota: 15 endpoints per user ID; AWS Pinpoint developer guide, \"Manage the maximum number "
          "of endpoints\" (audience-define-auto-inactive)", Profile.AWS),
    Check("PCA07", "Endpoint IDs are matched without regard to case", "10",
          "Endpoint IDs that differ only in (ASCII) case MUST name one endpoint: an update under the other "
          "spelling changes it, the user lists it once, GetEndpoint finds it under either.",
          f"{MODEL}: UpdateEndpointRequest.EndpointId \"The case insensitive unique identifier for the endpoint\" "
          "(DIVERGENCES.md D27)", Profile.AWS),
    Check("PCA08", "OptOut and EndpointStatus carry the values AWS documents", "10",
          "Every listed endpoint's OptOut MUST be ALL or NONE, and its EndpointStatus ACTIVE or INACTIVE, where "
          "present (the suite writes no other value).",
          f"{MODEL}: EndpointResponse.OptOut \"Possible values are: ALL … and, NONE\"; EndpointResponse."
          "EndpointStatus \"Possible values are: ACTIVE … and, INACTIVE\" (DIVERGENCES.md D3, D12)", Profile.AWS),
    Check("PCA09", "A write deactivates the other endpoints of its address", "10",
          "A write of an endpoint that names an Address MUST leave it ACTIVE and set INACTIVE an endpoint of the "
          "same Address and ChannelType written before (the user lists both, their statuses so); endpoints "
          "written without an Address MUST NOT deactivate each other.",
          f"{MODEL}: EndpointResponse.EndpointStatus \"Amazon Pinpoint automatically sets this value to ACTIVE "
          "when you create an endpoint or update an existing endpoint. Amazon Pinpoint automatically sets this "
          "value to INACTIVE if you update another endpoint that has the same address specified by the Address "
          "property\" (DIVERGENCES.md D3)", Profile.AWS),
    # 11: concurrency.
    Check("PCB01", "Concurrent writes to different users all land", "11",
          "When four clients at once each write three endpoints for a user of its own, every write MUST get "
          "202, and afterwards a GET of each user MUST list exactly its three endpoints: none lost, none of "
          "another user's (read again for up to --settle seconds).",
          f"{SEED}: \"Use this resource to list all of the endpoints associated with a user ID\"; {MODEL}: "
          "UpdateEndpoint (responseCode 202); RFC 9110 §15.3.3 (202: processing may not be complete)",
          replayable=False),
    Check("PCB02", "GETs during concurrent updates list a set of the user's endpoints", "11",
          "A GET of a user while two other clients update that user's endpoints MUST answer 200 with an Item "
          "that lists each endpoint at most once, every one of them an endpoint written for that user, never "
          "another user's; which of the updates it already shows is not judged.",
          f"{SEED}: \"Use this resource to list all of the endpoints associated with a user ID\"; {MODEL}: "
          "EndpointsResponse.Item", replayable=False),
    Check("PCB03", "A DELETE racing with reads and writes removes only its user's endpoints", "11",
          "A DELETE of a user while another client writes endpoints for a second user and two read the first "
          "MUST answer 202 listing the user's endpoints; afterwards a GET of the user MUST list none of them, "
          "and the second user MUST list exactly the endpoints written for it (each read again for up to "
          "--settle seconds).",
          f"{SEED}: DeleteUserEndpoints \"Deletes all the endpoints that are associated with a specific user "
          f"ID\"; {MODEL}: DeleteUserEndpoints (responseCode 202)", replayable=False),
    Check("PCB04", "The 15-endpoint limit holds under concurrent writes", "11",
          "When four clients at once each write a new EMAIL endpoint for a user ID that has 13, each MUST get "
          "202 or 400 (with a MessageBody), and the server MUST NOT accept more than two of them; afterwards a "
          "GET MUST list exactly the 13 and those accepted (read again for up to --settle seconds).",
          "AWS quota: 15 endpoints per user ID; AWS Pinpoint developer guide, \"Manage the maximum number of "
          "endpoints\"", Profile.AWS, replayable=False),
)  # fmt: skip

CHECKS: dict[str, Check] = {check.id: check for check in _CHECKS}


def get(check_id: str) -> Check:
    return CHECKS[check_id]


def markdown() -> str:
    """The documentation's list of checks, generated from the table above."""
    lines = [
        "# Checks",
        "",
        "Generated by `python -m pinpoint_conformance.harness.checks > docs/CHECKS.md` from",
        "`src/pinpoint_conformance/harness/checks.py`; do not edit by hand.",
        "",
    ]
    for clause, heading in CLAUSES.items():
        lines += [f"## Clause {clause}: {heading}", "", "| ID | Check | Requirement | Cites | Profile |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for check in _CHECKS:
            if check.clause == clause:
                requirement = check.requirement + (f" (Exercised when {check.exercised_when}.)"
                                                   if check.exercised_when else "")  # fmt: skip
                cells = (check.id, check.title, requirement, check.cites, check.profile.name.lower())
                lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
