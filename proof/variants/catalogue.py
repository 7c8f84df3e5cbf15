"""The catalogue: every variant, the clause it is about, and the verdict the suite must reach.

A faulty variant names, exactly, the checks the suite fails it with under its default seed: `fails`,
the checks of the clause it breaks, and `also`, the other checks its defect fails too (a wrong
envelope breaks every listing; a crash is also seen by the generated requests). The proof in
`tests/verdicts/` requires the failed set to equal `fails | also`: a failure added or lost is a
change in what the suite says, and must be declared here. Under other seeds generation may draw
other inputs, so there the rule is `fails` ⊆ failed ⊆ `fails | also` ∪ the generated checks
(`GENERATED`). A conforming variant must pass with no failure at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp

from pinpoint_conformance.reference import ReferenceServer, start_in_thread
from pinpoint_conformance.reference.app import FaultOptions
from pinpoint_conformance.reference.errors import ApiError
from pinpoint_conformance.reference.routes import split_path
from pinpoint_conformance.reference.store import Store

from . import stores
from .as_given import AsGivenServer, NormalizesAsDocumented, StoresAsGiven
from .middleware import (
    SENT_TARGET,
    Intercept,
    OriginForm,
    PathRewrite,
    QueryIntoPath,
    ResponseRewrite,
    Trickle,
    is_user_resource,
    on_endpoints,
    on_user_json,
)
from .proxy import NormalizingProxy
from .races import (
    CheckThenActLimit,
    DeleteFromSnapshot,
    InvalidateThenDelete,
    ListedTwiceMidUpdate,
    LostUpdate,
)
from .raw import answers_once_then_hangs_up, dies_when_a_body_is_cut_short, hangup_server, nothing_listening

# The checks whose inputs are drawn by Hypothesis from the run's seed.
GENERATED = frozenset({"PC901", "PC902", "PC903"})


@dataclass(frozen=True)
class Variant:
    name: str
    clause: str
    description: str
    build: Callable[[], ASGIApp] | None = None  # None: `target` starts something that is not ASGI
    fails: frozenset[str] = frozenset()
    also: frozenset[str] = frozenset()
    profile: str = "core"
    target: Callable[[], Any] | None = None
    options: dict[str, str] = field(default_factory=dict)  # extra suite options, e.g. a short timeout

    @property
    def conforming(self) -> bool:
        return not self.fails

    @property
    def expected(self) -> frozenset[str]:
        """Exactly the checks the suite fails this variant with under its default seed."""
        return self.fails | self.also

    def unmet(self, failed: set[str], default_seed: bool = True) -> tuple[set[str], set[str]]:
        """(expected checks that did not fail, failed checks that were not expected). Under the
        default seed both must be empty; under another, the checks of `also` and the generated
        ones may come and go, and only `fails` is required."""
        if default_seed:
            return self.expected - failed, failed - self.expected
        return self.fails - failed, failed - self.expected - GENERATED

    def judged_right(self, exit_code: int, failed: set[str], default_seed: bool = True) -> bool:
        """A faulty variant fails (exit 1) with exactly its checks; a conforming one passes."""
        if self.conforming:
            return exit_code == 0 and not failed
        missing, unexpected = self.unmet(failed, default_seed)
        return exit_code == 1 and not missing and not unexpected

    @contextmanager
    def serve(self) -> Iterator[str]:
        if self.target is not None:
            with self.target() as base_url:
                yield base_url
            return
        assert self.build is not None
        with start_in_thread(OriginForm(self.build()), timeout_graceful_shutdown=1) as server:
            yield server.base_url


def reference(store: Store | None = None, faults: FaultOptions | None = None) -> ReferenceServer:
    return ReferenceServer(store or Store(), faults)


def with_store(store_class: type[Store]) -> Callable[[], ASGIApp]:
    return lambda: reference(store_class())


def rewrite(transform: Any) -> Callable[[], ASGIApp]:
    return lambda: ResponseRewrite(reference(), transform)


def intercept(respond: Callable[[Request], Any]) -> Callable[[], ASGIApp]:
    return lambda: Intercept(reference(), respond)


def message(status: int, text: str, **headers: str) -> Response:
    return JSONResponse({"Message": text, "RequestID": "variant"}, status_code=status, headers=headers)


def segments_of(request: Request) -> list[str] | None:
    """The decoded path segments of a User resource request (None if it is not one, or does not
    decode: the reference server then answers it)."""
    if not is_user_resource(request):
        return None
    try:
        return split_path(request.scope["raw_path"])
    except ApiError:
        return None


def user_id_of(request: Request) -> str | None:
    segments = segments_of(request)
    return segments[-1] if segments else None


def user_is_empty(server: ReferenceServer, segments: list[str]) -> bool:
    """Whether the request names an existing application and a user with no endpoints in it."""
    try:
        server.store.get_application(segments[2])
    except ApiError:
        return False
    try:
        server.store.get_user_endpoints(segments[2], segments[4])
    except ApiError:
        return True
    return False


def when_user_is_empty(methods: str, respond: Callable[[Request], Response]) -> Callable[[], ASGIApp]:
    """Answers `respond(request)` to `methods` on a user with no endpoints (in an existing application)."""

    def build() -> ASGIApp:
        server = reference()

        def check(request: Request) -> Response | None:
            segments = segments_of(request)
            if request.method in methods.split() and segments is not None and user_is_empty(server, segments):
                return respond(request)
            return None

        return Intercept(server, check)

    return build


def when_app_is_unknown(respond: Callable[[Request], Response]) -> Callable[[], ASGIApp]:
    def build() -> ASGIApp:
        server = reference()

        def check(request: Request) -> Response | None:
            segments = segments_of(request)
            if segments is None:
                return None
            try:
                server.store.get_application(segments[2])
            except ApiError:
                return respond(request)
            return None

        return Intercept(server, check)

    return build


def on_errors(change: Callable[[int, MutableHeaders, bytes], tuple[int, MutableHeaders, bytes]]) -> Any:
    def transform(request: Request, status: int, headers: MutableHeaders, body: bytes):
        return change(status, headers, body) if status >= 400 else (status, headers, body)

    return transform


def on_success(change: Callable[[Request, int, MutableHeaders, bytes], tuple[int, MutableHeaders, bytes]]) -> Any:
    def transform(request: Request, status: int, headers: MutableHeaders, body: bytes):
        if status < 300 and is_user_resource(request):
            return change(request, status, headers, body)
        return status, headers, body

    return transform


def set_header(name: str, value: str) -> Any:
    def change(request: Request, status: int, headers: MutableHeaders, body: bytes):
        headers[name] = value
        return status, headers, body

    return change


def drop_header(name: str, only_errors: bool = False) -> Any:
    def transform(request: Request, status: int, headers: MutableHeaders, body: bytes):
        if name in headers and (status >= 400 or not only_errors):
            del headers[name]
        return status, headers, body

    return transform


def field_change(change: Callable[[dict[str, Any]], None]) -> Callable[[], ASGIApp]:
    return rewrite(on_endpoints(change))


def null_for_missing_longitude(endpoint: dict[str, Any]) -> None:
    location = endpoint.get("Location")
    if isinstance(location, dict):
        location.setdefault("Longitude", None)


def _set(path: tuple[str, ...], value: Callable[[Any], Any]) -> Callable[[dict[str, Any]], None]:
    def change(endpoint: dict[str, Any]) -> None:
        node = endpoint
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                return
        if isinstance(node, dict) and path[-1] in node:
            node[path[-1]] = value(node[path[-1]])

    return change


def delete_status(status: int) -> Any:
    def change(request: Request, code: int, data: Any) -> tuple[int, Any]:
        return (status if request.method == "DELETE" and code == 202 else code), data

    return on_user_json(change)


def delete_item(items: Callable[[list], list]) -> Any:
    def change(request: Request, code: int, data: Any) -> tuple[int, Any]:
        if request.method == "DELETE" and code == 202:
            data["Item"] = items(data["Item"])
        return code, data

    return on_user_json(change)


def plus_as_space(raw: bytes) -> bytes:
    return raw.replace(b"+", b"%20")


def latin1_path(raw: bytes) -> bytes:
    """Decodes percent-escapes as Latin-1 and re-encodes as UTF-8 (the mojibake defect)."""
    head, _, user = raw.rpartition(b"/")
    text = unquote_to_bytes(user).decode("latin-1")
    return head + b"/" + quote(text, safe="").encode()


def routes_decoded(raw: bytes) -> bytes:
    """Percent-decodes the whole path before routing, then cuts it at a '?' or '#' it finds, as a
    router that decodes the URL first and parses it after: an encoded '/' becomes a separator, an
    encoded '?' or '#' ends the ID, and an encoded '%' is decoded a second time."""
    decoded = unquote_to_bytes(raw)
    return re.split(rb"[?#]", decoded, maxsplit=1)[0]


def drops_leading_bom(raw: bytes) -> bytes:
    """Drops a U+FEFF that begins the user ID, as a UTF-8 decoder that reads it as a byte order mark
    does (WHATWG's TextDecoder without ignoreBOM): the ID becomes another user's."""
    head, _, user = raw.rpartition(b"/")
    return head + b"/" + re.sub(rb"^%EF%BB%BF", b"", user, flags=re.IGNORECASE)


def crash_when(predicate: Callable[[Request], bool]) -> Callable[[], ASGIApp]:
    def respond(request: Request) -> Response | None:
        if is_user_resource(request) and predicate(request):
            return Response("Internal Server Error", status_code=500, media_type="text/plain")
        return None

    return intercept(respond)


def framework_404_when(predicate: Callable[[Request], bool]) -> Callable[[], ASGIApp]:
    """The framework's default 404 (text/plain "Not Found"), as when a route's pattern for the user
    ID does not match the request and no handler of the API's own ever sees it."""

    def respond(request: Request) -> Response | None:
        return PlainTextResponse("Not Found", status_code=404) if predicate(request) else None

    return intercept(respond)


def has_c0_control(user: str) -> bool:
    return any(ord(char) < 0x20 for char in user)


def raw_user(request: Request) -> bytes:
    return (request.scope.get("raw_path") or b"").rpartition(b"/")[2]


def refuse_when(predicate: Callable[[Request], bool], status: int = 400) -> Callable[[], ASGIApp]:
    def respond(request: Request) -> Response | None:
        if is_user_resource(request) and predicate(request):
            return message(status, "Invalid user ID")
        return None

    return intercept(respond)


def counter_gate(every: int, respond: Callable[[], Any]) -> Callable[[], ASGIApp]:
    """Answers `respond()` to every `every`-th request of the User resource."""

    def build() -> ASGIApp:
        counter = itertools.count(1)

        async def maybe(request: Request) -> Any:
            if is_user_resource(request) and next(counter) % every == 0:
                result = respond()
                return await result if asyncio.iscoroutine(result) else result
            return None

        return Intercept(reference(), maybe)

    return build


def after_n(n: int, respond: Callable[[], Response]) -> Callable[[], ASGIApp]:
    def build() -> ASGIApp:
        counter = itertools.count(1)

        def maybe(request: Request) -> Response | None:
            if is_user_resource(request) and next(counter) > n:
                return respond()
            return None

        return Intercept(reference(), maybe)

    return build


def sometimes(share: float, respond: Callable[[], Response], seed: int = 7) -> Callable[[], ASGIApp]:
    def build() -> ASGIApp:
        chance = random.Random(seed)

        def maybe(request: Request) -> Response | None:
            if is_user_resource(request) and chance.random() < share:
                return respond()
            return None

        return Intercept(reference(), maybe)

    return build


async def hang() -> Response:
    await asyncio.sleep(30)
    return message(200, "too late")


def stops_answering(after: int, method: str | None = None) -> Callable[[], ASGIApp]:
    """After `after` answers, never answers again: every request, or (`method` given) that method
    on the User resource (a pool of workers each stuck on one kind of request)."""

    def build() -> ASGIApp:
        counter = itertools.count(1)

        async def maybe(request: Request) -> None:
            kind = method is None or (is_user_resource(request) and request.method == method)
            if kind and next(counter) > after:
                await asyncio.sleep(3600)

        return Intercept(reference(), maybe)

    return build


def trailing_comma(request: Request, status: int, headers: MutableHeaders, body: bytes):
    return status, headers, body[:-1] + b",}"  # the seed's own example ends this way


def bad_gzip(request: Request, status: int, headers: MutableHeaders, body: bytes):
    headers["content-encoding"] = "gzip"  # ... and the body is not compressed
    return status, headers, body


def without_message(status: int, headers: MutableHeaders, body: bytes):
    data = json.loads(body)
    return status, headers, json.dumps({"message": data.get("Message"), "requestId": data.get("RequestID")}).encode()


def plain_text_errors(status: int, headers: MutableHeaders, body: bytes):
    headers["content-type"] = "text/plain; charset=utf-8"
    return status, headers, json.loads(body)["Message"].encode()


def wrong_error_type(status: int, headers: MutableHeaders, body: bytes):
    if status == 404:
        headers["x-amzn-ErrorType"] = "ResourceNotFoundException"
    return status, headers, body


def bare_list(request: Request, status: int, data: Any) -> tuple[int, Any]:
    return status, data.get("Item", data) if isinstance(data, dict) else data


def extra_fields(request: Request, status: int, data: Any) -> tuple[int, Any]:
    if isinstance(data, dict) and "Item" in data:
        data["NextToken"] = None
        for endpoint in data["Item"]:
            endpoint["Tags"] = {"source": "emulator"}
            endpoint.setdefault("Location", {})["Accuracy"] = 5
    return status, data


def strip_optional(endpoint: dict[str, Any]) -> None:
    """Drop what the server sets itself (and OptOut where it is only the default)."""
    for name in ("CohortId", "EndpointStatus", "RequestId", "EffectiveDate", "CreationDate"):
        endpoint.pop(name, None)
    if endpoint.get("OptOut") == "NONE":
        del endpoint["OptOut"]


def put_deletes() -> ASGIApp:
    server = reference()

    def respond(request: Request) -> Response | None:
        segments = segments_of(request)
        if request.method == "PUT" and segments is not None:
            with contextlib.suppress(Exception):
                server.store.delete_user_endpoints(segments[2], segments[4])
            return message(405, "Method not allowed", Allow="GET, DELETE")
        return None

    return Intercept(server, respond)


def trace_echo(request: Request) -> Response | None:
    if request.method == "TRACE" and is_user_resource(request):
        return Response(f"TRACE {request.url.path} HTTP/1.1\r\n", media_type="message/http")
    return None


def other_methods_404(request: Request) -> Response | None:
    if request.method in ("POST", "PUT", "PATCH") and is_user_resource(request):
        return message(404, "Not found")
    return None


def accept_required(request: Request) -> Response | None:
    if is_user_resource(request) and "accept" not in request.headers:
        return message(400, "Missing Accept header")
    return None


def odd_accept_crashes(request: Request) -> Response | None:
    accept = request.headers.get("accept")
    if is_user_resource(request) and accept is not None and "json" not in accept and accept != "*/*":
        return Response("NullPointerException", status_code=500, media_type="text/plain")
    return None


def decoded_user_has(test: Callable[[str], bool]) -> Callable[[Request], bool]:
    def predicate(request: Request) -> bool:
        user = user_id_of(request)
        return user is not None and test(user)

    return predicate


def invalid_utf8(request: Request) -> bool:
    return is_user_resource(request) and segments_of(request) is None


MALFORMED_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
NOT_IN_A_URI_PATH = '"<>\\^`{|}[]'  # java.net.URI refuses these unencoded in a path


def has_malformed_escape(text: str) -> bool:
    return MALFORMED_ESCAPE.search(text) is not None


def raw_user_has_malformed_escape(request: Request) -> bool:
    return has_malformed_escape(raw_user(request).decode("latin-1"))


def raw_user_has_lower_case_escape(request: Request) -> bool:
    """An escape like %2f, which a hex decoder that knows only 0-9 and A-F cannot read."""
    return re.search(rb"%(?=[0-9A-Fa-f]{2})[0-9A-F]?[a-f]", raw_user(request)) is not None


def host_must_lead(request: Request) -> Response | None:
    """A hand-written header parser that takes the first field line for Host (RFC 9110 §5.3 says the
    order of differently named fields carries no meaning)."""
    headers = request.scope.get("headers") or []
    if is_user_resource(request) and (not headers or headers[0][0].lower() != b"host"):
        return message(400, "Missing Host header")
    return None


def undecodable_id_is_no_user() -> ASGIApp:
    """A user ID that does not percent-decode (%ZZ, a lone %) is read as no user at all: GET lists,
    and DELETE deletes, the application's endpoints written without a user."""
    server = reference()

    def respond(request: Request) -> Response | None:
        segments = segments_of(request)
        if segments is None or not raw_user_has_malformed_escape(request):
            return None
        with server.store.transaction() as db:
            where = "FROM endpoints WHERE application_id = ? AND user_id IS NULL"
            documents = [json.loads(row[0]) for row in db.execute(f"SELECT document {where}", (segments[2],))]
            if request.method == "DELETE":
                db.execute(f"DELETE {where}", (segments[2],))
        return JSONResponse({"Item": documents}, status_code=202 if request.method == "DELETE" else 200)

    return Intercept(server, respond)


USER_SEGMENT, APPLICATION_SEGMENT = -1, 2  # indexes into /v1/apps/{application-id}/users/{user-id}


def decodes_twice(segment: int) -> Callable[[Request], Response | None]:
    """The router decodes the segment strictly (a malformed escape: 400 MessageBody); the handler
    decodes the result a second time with the same strict decoder and does not expect it to fail,
    so a segment holding a '%' (sent as %25) is a 500."""

    def respond(request: Request) -> Response | None:
        if not is_user_resource(request):
            return None
        raw = (request.scope.get("raw_path") or b"").split(b"/")[1:][segment]
        if has_malformed_escape(raw.decode("latin-1")):
            return message(400, "Invalid URL escape")
        segments = segments_of(request)
        if segments is not None and has_malformed_escape(segments[segment]):
            return Response("Internal Server Error", status_code=500, media_type="text/plain")
        return None

    return respond


def absolute_form_unrouted(request: Request) -> Response | None:
    """A router that matches the request target as it came: uvicorn's h11 parser passes an
    absolute-form target (`http://host/v1/...`) on whole as the path, and no route matches it."""
    return message(404, "No such resource") if SENT_TARGET in request.scope else None


def raw_path_outside_uri_syntax(request: Request) -> bool:
    raw = (request.scope.get("raw_path") or b"").decode("latin-1")
    return any(char in raw for char in NOT_IN_A_URI_PATH)


def has_dot_segment(user: str) -> bool:
    return any(part in (".", "..") for part in user.split("/"))


def no_allow(request: Request, status: int, headers: MutableHeaders, body: bytes):
    if status == 405 and "allow" in headers:
        del headers["allow"]
    return status, headers, body


def gzip_reference() -> ASGIApp:
    return GZipMiddleware(reference(), minimum_size=1)


FAULTY: tuple[Variant, ...] = (
    # Clause 0: the support calls.
    Variant("no-create-app", "0", "CreateApp is not implemented (404), like emulators without Pinpoint apps",
            intercept(lambda r: message(404, "Unknown operation") if r.url.path == "/v1/apps" else None),
            fails=frozenset({"PC001"})),
    # Clause 1: listing.
    Variant("prefix-match", "1", "GET matches user IDs by prefix (LIKE 'id%', case-sensitive as in PostgreSQL)",
            with_store(stores.PrefixMatch), fails=frozenset({"PC102"})),
    Variant("stored-prefix-match", "1", "GET compares IDs over the stored ID's length (strncmp with "
            "strlen(stored)): a stored ID that is a prefix of the requested one matches",
            with_store(stores.StoredPrefixMatch), fails=frozenset({"PC102"})),
    Variant("case-insensitive", "1", "GET compares user IDs case-insensitively",
            with_store(stores.CaseInsensitive), fails=frozenset({"PC102"})),
    Variant("unescaped-like", "1", "GET filters with LIKE and the raw ID: '_' is a one-character wildcard "
            "(case-sensitive, as in PostgreSQL)",
            with_store(stores.UnescapedLike), fails=frozenset({"PC102"})),
    Variant("pad-space", "1", "GET ignores trailing spaces when it compares IDs, as the PAD SPACE collations "
            "of MySQL and SQL Server do", with_store(stores.PadSpace), fails=frozenset({"PC102"})),
    Variant("ltrim-match", "1", "GET ignores leading spaces when it compares IDs (an ltrim of both sides)",
            with_store(stores.IgnoresLeadingSpaces), fails=frozenset({"PC102"})),
    Variant("trims-user-ids", "1", "UserId is trimmed when written, as by a framework that trims every input "
            "string (Laravel's TrimStrings): ' id' is stored as 'id'",
            with_store(stores.TrimsUserIds), fails=frozenset({"PC102", "PC403", "PC706"})),
    Variant("ignores-application", "1", "GET filters by user ID only, across applications",
            with_store(stores.IgnoresApplication), fails=frozenset({"PC103"}),
            also=frozenset({"PC105"})),
    Variant("first-page-only", "1", "GET returns the first 10 endpoints only (a forgotten page)",
            with_store(stores.FirstPageOnly), fails=frozenset({"PC104"})),
    Variant("page-overlap", "1", "pages overlap: the 10th endpoint is listed twice",
            with_store(stores.PageOverlap), fails=frozenset({"PC101", "PC104"})),
    Variant("drops-last", "1", "an off-by-one drops the last endpoint of every user with more than one",
            with_store(stores.DropsLast), fails=frozenset({"PC101"}),
            also=frozenset({"PC102", "PC103", "PC104", "PC105", "PC201", "PC205", "PC703", "PC704", "PCB01",
                            "PCB03"})),
    Variant("update-leaks-across-applications", "1", "UpdateEndpoint rewrites the endpoint ID in every application",
            with_store(stores.UpdatesEveryApplication), fails=frozenset({"PC105"})),
    Variant("deactivates-across-applications", "1",
            "an endpoint written with an address marks endpoints with that address INACTIVE in every application",
            with_store(stores.DeactivatesSameAddressEverywhere), fails=frozenset({"PC105"})),
    # Clause 2: round trip.
    Variant("drops-demographic", "2", "Demographic is written but never returned",
            field_change(lambda e: e.pop("Demographic", None)), fails=frozenset({"PC201"})),
    Variant("lowercases-address", "2", "Address is normalised to lower case",
            field_change(_set(("Address",), str.lower)), fails=frozenset({"PC201"})),
    Variant("coordinates-to-two-decimals", "2", "Latitude is stored rounded to two decimal places (47.61 for "
            "47.6062): neither as written nor as AWS's one decimal place",
            field_change(_set(("Location", "Latitude"), lambda value: round(value, 2))), fails=frozenset({"PC201"})),
    Variant("wrong-application-id", "2", "ApplicationId holds the account's default application",
            field_change(_set(("ApplicationId",), lambda _: "default")), fails=frozenset({"PC202"}),
            also=frozenset({"PC103"})),
    Variant("stale-user-index", "2", "moving an endpoint leaves it in the old user's index",
            with_store(stores.StaleUserIndex), fails=frozenset({"PC203"})),
    Variant("inactive-when-written", "2", "endpoints are listed INACTIVE until a client sets them ACTIVE",
            field_change(_set(("EndpointStatus",), lambda _: "INACTIVE")), fails=frozenset({"PC205"})),
    Variant("creation-date-on-every-write", "2", "CreationDate is set again by every update",
            with_store(stores.CreationDateOnEveryWrite), fails=frozenset({"PC205"})),
    Variant("effective-date-frozen", "2", "EffectiveDate is set when the endpoint is created, never on an update",
            with_store(stores.EffectiveDateFrozen), fails=frozenset({"PC205"})),
    Variant("deactivates-other-addresses", "2", "a write sets INACTIVE the other endpoints of its channel whose "
            "address differs (AWS's same-address rule, inverted)", with_store(stores.DeactivatesOtherAddresses),
            fails=frozenset({"PC205"})),
    Variant("update-erases-unnamed", "2", "an update keeps only the members it names: the endpoint loses its "
            "address, channel, opt-out and user when a later update names Attributes only",
            with_store(stores.ReplacesOnUpdate), fails=frozenset({"PC206"})),
    Variant("merges-attributes", "2", "an update appends attribute values instead of replacing them",
            with_store(stores.MergesAttributes), fails=frozenset({"PC204"})),
    # Clause 3: types.
    Variant("null-for-unwritten-coordinate", "3", "a Location written without Longitude is listed with "
            "\"Longitude\": null", field_change(null_for_missing_longitude), fails=frozenset({"PC301"})),
    Variant("cohort-as-number", "3", "CohortId is sent as a JSON number",
            field_change(_set(("CohortId",), int)), fails=frozenset({"PC302"}), also=frozenset({"PC901"})),
    Variant("cohort-out-of-range", "3", "CohortId counts from 100 (an offset bug)",
            field_change(_set(("CohortId",), lambda c: str(int(c) + 100))), fails=frozenset({"PC302"}),
            also=frozenset({"PC901"})),
    Variant("dates-as-epoch", "3", "CreationDate is epoch seconds in a string",
            field_change(_set(("CreationDate",), lambda _: "1764374400")), fails=frozenset({"PC303"}),
            also=frozenset({"PC901"})),
    Variant("effective-before-creation", "3", "EffectiveDate is left at a default before CreationDate",
            field_change(_set(("EffectiveDate",), lambda _: "2000-01-01T00:00:00Z")),
            fails=frozenset({"PC303"}), also=frozenset({"PC205", "PC901"})),
    Variant("renamed-channel", "3", "GCM endpoints are reported as FCM, a value AWS's model does not have",
            field_change(_set(("ChannelType",), lambda c: "FCM" if c == "GCM" else c)),
            fails=frozenset({"PC304"}), also=frozenset({"PC201"})),
    Variant("latitude-as-string", "3", "Latitude is serialised as a string",
            field_change(_set(("Location", "Latitude"), str)), fails=frozenset({"PC301"}), also=frozenset({"PC201"})),
    Variant("attributes-joined", "3", "attribute values are joined into one comma-separated string",
            field_change(_set(("Attributes",), lambda a: {k: ",".join(v) for k, v in a.items()})),
            fails=frozenset({"PC301"}), also=frozenset({"PC201", "PC204"})),
    Variant("metrics-as-strings", "3", "metric values are serialised as strings",
            field_change(_set(("Metrics",), lambda m: {k: str(v) for k, v in m.items()})),
            fails=frozenset({"PC301"}), also=frozenset({"PC201"})),
    Variant("bare-list", "3", "the endpoints are returned as a bare list, without the Item envelope",
            rewrite(on_user_json(bare_list)), fails=frozenset({"PC301"}),
            also=frozenset({"PC901"})),
    # Clause 4: delete.
    Variant("delete-returns-nothing", "4", "DELETE answers 202 with an empty Item",
            rewrite(delete_item(lambda items: [])), fails=frozenset({"PC401"}), also=frozenset({"PCB03"})),
    Variant("delete-answers-200", "4", "DELETE answers 200 instead of 202",
            rewrite(delete_status(200)), fails=frozenset({"PC401"}), also=frozenset({"PCB03"})),
    Variant("delete-is-a-noop", "4", "DELETE lists the endpoints but removes none",
            with_store(stores.DeleteIsANoop), fails=frozenset({"PC402"}), also=frozenset({"PCB03"})),
    Variant("delete-by-prefix", "4", "DELETE removes every user whose ID starts with the given one (LIKE 'id%', "
            "case-sensitive as in PostgreSQL)",
            with_store(stores.DeletesByPrefix), fails=frozenset({"PC403"})),
    Variant("delete-case-insensitive", "4", "DELETE matches user IDs case-insensitively",
            with_store(stores.DeletesCaseInsensitive), fails=frozenset({"PC403"})),
    Variant("delete-every-application", "4", "DELETE removes the user ID in every application",
            with_store(stores.DeletesInEveryApplication), fails=frozenset({"PC404"}), also=frozenset({"PC105"})),
    Variant("empty-user-400", "4", "GET of a user with no endpoints answers 400",
            when_user_is_empty("GET", lambda r: message(400, "User has no endpoints")),
            fails=frozenset({"PC405"}), also=frozenset({"PC402", "PCB03"})),
    Variant("empty-delete-400", "4", "DELETE of a user with no endpoints answers 400",
            when_user_is_empty("DELETE", lambda r: message(400, "User has no endpoints")),
            fails=frozenset({"PC406"})),
    # Clause 5: unknown application.
    Variant("unknown-app-empty", "5", "an unknown application is answered like an empty one",
            when_app_is_unknown(lambda r: JSONResponse({"Item": []}, status_code=200 if r.method == "GET" else 202)),
            fails=frozenset({"PC501", "PC502"})),
    Variant("unknown-app-403", "5", "an unknown application is answered 403",
            when_app_is_unknown(lambda r: message(403, "Forbidden")), fails=frozenset({"PC501", "PC502"})),
    Variant("application-case-insensitive", "5", "the User resource looks the application up case-insensitively "
            "(COLLATE NOCASE) and works in the one it finds", with_store(stores.ApplicationCaseInsensitive),
            fails=frozenset({"PC501", "PC502"})),
    Variant("application-trimmed", "5", "the User resource trims spaces from the application ID before it looks "
            "it up", with_store(stores.ApplicationTrimmed), fails=frozenset({"PC501", "PC502"})),
    Variant("application-prefix", "5", "the User resource finds the application whose ID starts with the given one "
            "(LIKE 'id%')", with_store(stores.ApplicationPrefix), fails=frozenset({"PC501", "PC502"})),
    Variant("application-stored-prefix", "5", "the User resource compares application IDs over the stored ID's "
            "length: an ID that extends an existing one finds it", with_store(stores.ApplicationStoredPrefix),
            fails=frozenset({"PC501", "PC502"})),
    Variant("application-unescaped-like", "5", "the User resource finds the application with LIKE and the raw ID: "
            "a '_' in it matches any one character", with_store(stores.ApplicationUnescapedLike),
            fails=frozenset({"PC501", "PC502"})),
    # Clause 6: errors.
    Variant("lowercase-message", "6", "error bodies say {\"message\": ...} instead of Message",
            rewrite(on_errors(without_message)), fails=frozenset({"PC602"}),
            also=frozenset({"PC603", "PC901", "PC902", "PC903"})),
    Variant("plain-text-errors", "6", "errors are plain text",
            rewrite(on_errors(plain_text_errors)), fails=frozenset({"PC602"}),
            also=frozenset({"PC603", "PC901", "PC902", "PC903"})),
    Variant("gone-410", "6", "a user with no endpoints answers 410 Gone",
            when_user_is_empty("GET", lambda r: message(410, "Gone")), fails=frozenset({"PC601"}),
            also=frozenset({"PC901", "PC903"})),
    Variant("other-methods-404", "6", "POST, PUT and PATCH on the resource answer 404",
            intercept(other_methods_404), fails=frozenset({"PC603"}), also=frozenset({"PC902"})),
    Variant("put-deletes", "6", "PUT deletes the user's endpoints before answering 405",
            put_deletes, fails=frozenset({"PC603"})),
    Variant("trace-enabled", "6", "TRACE echoes the request (message/http)",
            intercept(trace_echo), fails=frozenset({"PC603"}), also=frozenset({"PC902"}), profile="strict"),
    Variant("no-allow-header", "6", "405 without an Allow header (a failure under strict)",
            rewrite(no_allow), fails=frozenset({"PC604"}), profile="strict"),
    Variant("control-char-text-404", "6", "a user ID with a C0 control character gets the framework's text/plain 404",
            framework_404_when(decoded_user_has(has_c0_control)), fails=frozenset({"PC602"}),
            also=frozenset({"PC901", "PC902", "PC903"})),
    # Clause 7: HTTP.
    Variant("text-plain-success", "7", "successful responses are labelled text/plain",
            rewrite(on_success(set_header("content-type", "text/plain"))), fails=frozenset({"PC701"}),
            also=frozenset({"PC901"})),
    Variant("trailing-comma", "7", "successful bodies end with a trailing comma, like the seed's example",
            rewrite(on_success(trailing_comma)), fails=frozenset({"PC702"}),
            also=frozenset({"PC901"})),
    Variant("accept-required", "7", "requests without an Accept header get 400",
            intercept(accept_required), fails=frozenset({"PC703"})),
    Variant("false-gzip", "7", "Content-Encoding: gzip on bodies that are not compressed",
            rewrite(on_success(bad_gzip)), fails=frozenset({"PC704"}),
            also=frozenset({"PC901"})),
    Variant("plus-as-space", "7", "a literal + in the path is decoded as a space",
            lambda: PathRewrite(reference(), plus_as_space), fails=frozenset({"PC705"})),
    Variant("lower-case-escapes-refused", "7", "a percent-escape with a lower-case hex digit (%2f, %c3%a9) in a "
            "user ID is refused with 400: the decoder knows only 0-9 and A-F",
            refuse_when(raw_user_has_lower_case_escape), fails=frozenset({"PC705"})),
    Variant("routes-decoded-path", "7", "the path is percent-decoded before it is routed (an encoded / ? # or % "
            "in a user ID is read as path syntax)", lambda: PathRewrite(reference(), routes_decoded),
            fails=frozenset({"PC706"})),
    Variant("query-in-user-id", "7", "the query string is read as part of the user ID (a router that takes the "
            "whole request target)", lambda: QueryIntoPath(reference()), fails=frozenset({"PC706"})),
    Variant("ascii-only-ids", "7", "non-ASCII user IDs are refused with 400",
            refuse_when(decoded_user_has(lambda u: not u.isascii())), fails=frozenset({"PC706"})),
    Variant("truncated-user-ids", "7", "user IDs are cut to 64 characters",
            with_store(stores.TruncatesUserIds), fails=frozenset({"PC706"})),
    Variant("leading-bom-dropped", "7", "a U+FEFF that begins a user ID is dropped when the path is decoded, "
            "as by a UTF-8 decoder that takes it for a byte order mark: the ID reads another user's endpoints",
            lambda: PathRewrite(reference(), drops_leading_bom), fails=frozenset({"PC706"})),
    Variant("latin1-paths", "7", "the path is percent-decoded as Latin-1 (mojibake)",
            lambda: PathRewrite(reference(), latin1_path), fails=frozenset({"PC706"})),
    Variant("dollar-crashes", "7", "a $ in a user ID raises an unhandled error (500)",
            crash_when(decoded_user_has(lambda u: "$" in u)), fails=frozenset({"PC707"})),
    Variant("long-id-crashes", "7", "user IDs over 512 characters crash the server",
            crash_when(decoded_user_has(lambda u: len(u) > 512)), fails=frozenset({"PC707"})),
    Variant("invalid-utf8-crashes", "7", "paths that are not UTF-8 crash the server",
            crash_when(invalid_utf8), fails=frozenset({"PC707"})),
    Variant("del-char-500", "7", "a DEL (U+007F) in a user ID crashes the server (500, text/plain)",
            crash_when(decoded_user_has(lambda u: "\x7f" in u)), fails=frozenset({"PC707"})),
    Variant("decodes-twice", "7", "the handler percent-decodes the already decoded user ID again and does not "
            "expect it to fail: an ID holding '%' (sent as %25) is a 500",
            intercept(decodes_twice(USER_SEGMENT)), fails=frozenset({"PC707"})),
    Variant("decodes-application-id-twice", "7", "the handler percent-decodes the already decoded application "
            "ID again and does not expect it to fail: an application ID holding '%' (sent as %25) is a 500",
            intercept(decodes_twice(APPLICATION_SEGMENT)), fails=frozenset({"PC707"})),
    Variant("strict-uri-parser", "7", "the raw path goes through a strict URI parser (java.net.URI) whose "
            "error is unhandled: a literal {, |, [, \" or ^ is a 500",
            crash_when(raw_path_outside_uri_syntax), fails=frozenset({"PC707"})),
    Variant("malformed-escape-crashes", "7", "the user ID is unescaped by a strict decoder whose error is "
            "unhandled (Go's url.PathUnescape, JavaScript's decodeURIComponent): '%ZZ' or a lone '%' is a 500",
            crash_when(raw_user_has_malformed_escape), fails=frozenset({"PC707"})),
    Variant("undecodable-id-is-no-user", "7", "a user ID that does not percent-decode (%ZZ, a lone %) is read "
            "as no user: GET lists, and DELETE deletes, the endpoints written without a user",
            undecodable_id_is_no_user, fails=frozenset({"PC707"})),
    Variant("dot-segment-crashes", "7", "a user ID of '.' or '..', or holding one as a '/'-separated part, "
            "trips an unhandled path-traversal guard (the ID names a file or an object key): 500",
            crash_when(decoded_user_has(has_dot_segment)), fails=frozenset({"PC707"})),
    Variant("absolute-form-unrouted", "7", "an absolute-form request target (GET http://host/v1/...) is matched "
            "against the routes as it came, so it names no resource (404), as in a Starlette app on uvicorn's h11 "
            "parser", intercept(absolute_form_unrouted), fails=frozenset({"PC708"}),
            also=frozenset({"PCA01", "PCA02"}), profile="strict"),
    Variant("host-must-lead", "7", "a request whose first header field is not Host gets 400 \"Missing Host "
            "header\": a hand-written parser reads Host from the first field line", intercept(host_must_lead),
            fails=frozenset({"PC709"})),
    # Clause 8: resilience.
    Variant("throttle-without-body", "8", "a third of the requests get a bare 429",
            sometimes(0.3, lambda: Response(b"", status_code=429)), fails=frozenset({"PC801"})),
    Variant("throttle-forever", "8", "after 150 requests every request is throttled",
            after_n(150, lambda: message(429, "Rate exceeded")),
            fails=frozenset({"PC802"}), options={"--max-attempts": "3"}),
    Variant("intermittent-hang", "8", "every 40th request hangs",
            counter_gate(40, hang), fails=frozenset({"PC803"}), also=frozenset({"PC901"}),
            options={"--timeout": "1"}),
    Variant("stops-answering-get", "8", "after three answers, a GET of the User resource is never answered",
            stops_answering(3, "GET"), fails=frozenset({"PC803"}), options={"--timeout": "1"}),
    Variant("stops-answering", "8", "after its first 40 answers, the server answers nothing",
            stops_answering(40), fails=frozenset({"PC803"}), options={"--timeout": "1"}),
    Variant("stalled-stream", "8", "large bodies trickle out 64 bytes at a time",
            lambda: Trickle(reference(), threshold=4000, pause=0.2), fails=frozenset({"PC803"}),
            options={"--timeout": "1"}),
    Variant("hangs-up-after-one-answer", "8", "the server answers one request, then closes every connection "
            "unanswered (a worker that died after its first request)", target=answers_once_then_hangs_up,
            fails=frozenset({"PC804"})),
    Variant("dies-on-cut-body", "8", "a client that closes in the middle of a request body takes the server down "
            "(an unhandled error event in a Node.js server)", target=dies_when_a_body_is_cut_short,
            fails=frozenset({"PC805"})),
    # Clause 11: concurrency, each race held open by a window in the server (races.py).
    Variant("lost-update", "11", "each write reads, changes and writes back its application's set of listed "
            "endpoints unlocked: of overlapping writes, only the last one's endpoints are listed",
            LostUpdate, fails=frozenset({"PCB01"})),
    Variant("listed-twice-mid-update", "11", "an update writes the endpoint's new version before it removes the "
            "old one: a GET during the update lists the endpoint twice",
            ListedTwiceMidUpdate, fails=frozenset({"PCB02"})),
    Variant("delete-from-snapshot", "11", "a DELETE of a user rebuilds the application's endpoints from a "
            "snapshot taken when it began: endpoints written for others meanwhile are lost",
            lambda: DeleteFromSnapshot(Store()), fails=frozenset({"PCB03"})),
    Variant("invalidate-then-delete", "11", "GETs are served from a cache that a DELETE empties before it "
            "deletes: a GET during the DELETE fills it again, and the deleted endpoints are listed ever after",
            InvalidateThenDelete, fails=frozenset({"PCB03"})),
    Variant("check-then-act-limit", "11", "UpdateEndpoint counts the user's endpoints, then writes: overlapping "
            "writes all pass the count, and the user ends with more than 15",
            CheckThenActLimit, fails=frozenset({"PCB04"}), profile="aws"),
    # Clause 9: found by generation only.
    Variant("digit-id-crashes", "9", "all-digit user IDs crash the server (an integer-ID code path)",
            crash_when(decoded_user_has(lambda u: u.isdigit())), fails=frozenset({"PC901"})),
    Variant("odd-accept-crashes", "9", "an Accept header other than JSON crashes the server",
            intercept(odd_accept_crashes), fails=frozenset({"PC901"})),
    # Clause 10: AWS wire details.
    Variant("no-request-id", "10", "responses lack x-amzn-RequestId", rewrite(drop_header("x-amzn-RequestId")),
            fails=frozenset({"PCA01"}), profile="aws", also=frozenset({"PC901", "PC903"})),
    Variant("wrong-error-type", "10", "404s say ResourceNotFoundException",
            rewrite(on_errors(wrong_error_type)), fails=frozenset({"PCA02"}), profile="aws",
            also=frozenset({"PC901", "PC903", "PCA03"})),
    Variant("no-cohort-id", "10", "endpoints are listed without CohortId, a member AWS always returns",
            field_change(lambda e: e.pop("CohortId", None)), fails=frozenset({"PCA05"}), profile="aws",
            also=frozenset({"PC901"})),
    Variant("no-creation-date", "10", "endpoints are listed without CreationDate, a member AWS always returns",
            field_change(lambda e: e.pop("CreationDate", None)), fails=frozenset({"PCA05"}), profile="aws",
            also=frozenset({"PC901"})),
    Variant("no-endpoint-limit", "10", "a user ID gets a 16th endpoint and more (no per-user quota)",
            with_store(stores.NoEndpointLimit), fails=frozenset({"PCA06"}), also=frozenset({"PCB04"}),
            profile="aws"),
    Variant("refuses-every-16th", "10", "a 16th push endpoint is refused like any other, instead of evicting the "
            "oldest", with_store(stores.RefusesEvery16th), fails=frozenset({"PCA06"}), profile="aws"),
    Variant("evicts-the-newest", "10", "at the limit, the push endpoint with the newest EffectiveDate is evicted",
            with_store(stores.EvictsTheNewest), fails=frozenset({"PCA06"}), profile="aws"),
    Variant("case-sensitive-endpoint-ids", "10", "endpoint IDs are matched exactly, case included: an update "
            "in another case creates a second endpoint", with_store(stores.CaseSensitiveEndpointIds),
            fails=frozenset({"PCA07"}), profile="aws"),
    Variant("blank-opt-out", "10", "an endpoint written without OptOut is listed with OptOut \"\" (AWS: ALL or NONE)",
            with_store(stores.BlankOptOut), fails=frozenset({"PCA08"}), also=frozenset({"PC901"}), profile="aws"),
    Variant("same-address-stays-active", "10", "a write with another endpoint's address leaves that one ACTIVE "
            "(AWS's same-address rule left out)", with_store(stores.KeepsSameAddressActive),
            fails=frozenset({"PCA09"}), profile="aws"),
    Variant("addressless-deactivate-each-other", "10", "a write without an Address sets INACTIVE the other "
            "endpoints without one (the same-address rule, unguarded)",
            with_store(stores.AddresslessDeactivateEachOther), fails=frozenset({"PCA09"}), profile="aws"),
    Variant("no-error-type", "10", "errors lack x-amzn-ErrorType",
            rewrite(drop_header("x-amzn-ErrorType", only_errors=True)), fails=frozenset({"PCA02"}),
            profile="aws", also=frozenset({"PC901", "PC903", "PCA03"})),
)  # fmt: skip

CONFORMING: tuple[Variant, ...] = (
    Variant("empty-200-for-no-endpoints", "4", "a user with no endpoints: 200/202 with an empty Item",
            when_user_is_empty("GET DELETE", lambda r: JSONResponse(
                {"Item": []}, status_code=200 if r.method == "GET" else 202, headers={"x-amzn-RequestId": "variant"}))),
    Variant("extra-fields", "3", "responses carry fields the spec does not name", rewrite(on_user_json(extra_fields))),
    Variant("only-given-fields", "3", "server-set optional fields are omitted", field_change(strip_optional)),
    Variant("proper-throttling", "8", "a fifth of the requests get 429 MessageBody with Retry-After: 0",
            sometimes(0.2, lambda: message(429, "Rate exceeded", **{"Retry-After": "0"}))),
    Variant("gzip", "7", "every response gzip-compressed when the client accepts it", gzip_reference),
    Variant("slow", "8", "every response delayed by 50 ms",
            lambda: reference(faults=FaultOptions(latency_ms=50)), options={"--timeout": "5"}),
    Variant("connection-close", "7", "Connection: close after every response",
            rewrite(set_header("connection", "close"))),
    Variant("charset", "7", "Content-Type: application/json; charset=utf-8",
            rewrite(set_header("content-type", "application/json; charset=utf-8"))),
    Variant("refuses-aws-forbidden-ids", "7", "IDs with $, { or } are refused with 400 MessageBody",
            refuse_when(decoded_user_has(lambda u: any(c in u for c in "${}")))),
    Variant("stores-as-given", "2", "UpdateEndpoint(sBatch) check JSON types only and store every member as "
            "written: a client's EffectiveDate, EndpointStatus and RequestId too",
            lambda: AsGivenServer(StoresAsGiven())),
    Variant("normalizes-as-documented", "2", "a client's EffectiveDate comes back at another offset, coordinates "
            "rounded to one decimal place, server dates with +00:00",
            lambda: AsGivenServer(NormalizesAsDocumented())),
    Variant("normalizing-proxy", "7", "behind a proxy that decodes unreserved escapes, removes dot segments and "
            "refuses malformed paths with 400 MessageBody",
            lambda: NormalizingProxy(reference())),
    Variant("no-application-id", "2", "listed endpoints carry no ApplicationId (no member of EndpointResponse "
            "is required)", field_change(lambda e: e.pop("ApplicationId", None))),
)  # fmt: skip


# Targets the suite cannot test at all: it must say so (COULD NOT TEST, exit 7) and judge nothing.
UNREACHABLE: tuple[Variant, ...] = (
    Variant("hangs-up", "8", "the server accepts connections and closes them unanswered", target=hangup_server),
    Variant("nothing-listening", "8", "nothing listens at the address", target=nothing_listening),
)
VARIANTS: dict[str, Variant] = {variant.name: variant for variant in FAULTY + CONFORMING + UNREACHABLE}
