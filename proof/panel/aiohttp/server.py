#!/usr/bin/env python3
"""A small, independent server for part of Amazon Pinpoint's REST API (2016-12-01, rest-json).

Operations: CreateApp, GetApps, GetApp, DeleteApp, UpdateEndpoint, UpdateEndpointsBatch,
GetEndpoint, DeleteEndpoint, GetUserEndpoints, DeleteUserEndpoints.

Data is kept in memory. All state changes happen synchronously (no `await` between reading and
writing the store), so the single asyncio event loop makes every operation atomic.
See DECISIONS.md for every choice made where the documentation is silent.
"""

import argparse
import asyncio
import datetime as _dt
import hashlib
import itertools
import json
import math
import os
import signal
import string
import sys
import uuid
from urllib.parse import parse_qsl

# Use aiohttp's pure-Python HTTP parser rather than the llhttp C extension: it accepts any
# RFC 9110 method token, so an unknown method reaches the dispatcher and gets a 405 with Allow
# instead of a parser-level 400.  Must be set before aiohttp is imported.
os.environ["AIOHTTP_NO_EXTENSIONS"] = "1"

from aiohttp import web
from aiohttp import web_exceptions
from aiohttp import web_protocol
from aiohttp.http import HttpVersion10, HttpVersion11

# --------------------------------------------------------------------------------------------
# Deployment traits
# --------------------------------------------------------------------------------------------
THROTTLE_EVERY = 120      # every 120th request -> 429 TooManyRequestsException, no Retry-After
SLOW_EVERY = 25           # every 25th request -> answered after a pause
SLOW_PAUSE_SECONDS = 0.3

MAX_BODY_BYTES = 4 * 1024 * 1024   # larger bodies -> 413 PayloadTooLargeException
MAX_REQUEST_LINE = 65536           # request line / header field limit (HTTP parser)
MAX_BATCH_ITEMS = 100              # "An array can contain a maximum of 100 items."
MAX_ATTR_NAME = 50                 # "An attribute name can contain up to 50 characters."
MAX_ATTR_VALUE = 100               # "An attribute value can contain up to 100 characters."
MAX_PAGE_SIZE = 1000
BODY_READ_TIMEOUT = 30.0           # seconds to receive a request body

REGION = "us-east-1"
ACCOUNT = "000000000000"

CHANNEL_TYPES = {
    "PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "ADM", "SMS",
    "VOICE", "EMAIL", "BAIDU", "CUSTOM", "IN_APP",
}
OPT_OUT_VALUES = {"ALL", "NONE"}
ENDPOINT_STATUS_VALUES = {"ACTIVE", "INACTIVE"}
DEMOGRAPHIC_MEMBERS = ("AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform",
                       "PlatformVersion", "Timezone")
LOCATION_STRING_MEMBERS = ("City", "Country", "PostalCode", "Region")

ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------
class ApiError(Exception):
    def __init__(self, status, error_type, message, headers=None):
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.headers = headers or {}


def bad_request(msg):
    return ApiError(400, "BadRequestException", msg)


def not_found(msg):
    return ApiError(404, "NotFoundException", msg)


ERROR_TYPES = {
    400: "BadRequestException",
    403: "ForbiddenException",
    404: "NotFoundException",
    405: "MethodNotAllowedException",
    413: "PayloadTooLargeException",
    429: "TooManyRequestsException",
    500: "InternalServerErrorException",
}


def new_request_id():
    return str(uuid.uuid4())


def dump_json(obj):
    # Members in alphabetical order; ASCII-only output (non-ASCII escaped as \uXXXX, RFC 8259 §7).
    return json.dumps(obj, sort_keys=True, ensure_ascii=True, allow_nan=False)


def json_response(status, obj, request_id, headers=None):
    resp = web.Response(status=status, body=dump_json(obj).encode("ascii"),
                        content_type="application/json")
    resp.headers["x-amzn-RequestId"] = request_id
    if headers:
        resp.headers.update(headers)
    return resp


def error_response(status, error_type, message, request_id, headers=None):
    hdrs = {"x-amzn-ErrorType": error_type}
    if headers:
        hdrs.update(headers)
    return json_response(status, {"Message": message, "RequestID": request_id}, request_id, hdrs)


# Errors detected by aiohttp's HTTP parser (bad request line, bad headers, ...) never reach the
# application; aiohttp answers them with RequestHandler.handle_error.  Replace it so that those
# answers, too, carry a MessageBody, x-amzn-ErrorType and x-amzn-RequestId.
def _handle_error(self, request, status=500, exc=None, message=None):
    if status not in ERROR_TYPES:
        status = 500 if status >= 500 else 400
    if status == 500:
        if exc is not None:
            self.log_exception("Error handling request", exc_info=exc)
        text = "Internal server error."
    else:
        text = "Malformed HTTP request."
        detail = getattr(exc, "message", None) if exc is not None else None
        detail = detail or message
        if detail:
            first = str(detail).strip().splitlines()[0] if str(detail).strip() else ""
            if first:
                text = "Malformed HTTP request: " + first.rstrip(":")[:200]
    rid = new_request_id()
    resp = error_response(status, ERROR_TYPES[status], text, rid)
    resp.force_close()
    return resp


web_protocol.RequestHandler.handle_error = _handle_error


# --------------------------------------------------------------------------------------------
# Path handling: our own, strict percent-decoding of the raw request target (RFC 3986)
# --------------------------------------------------------------------------------------------
_HEXDIGITS = frozenset(string.hexdigits)
# pchar = unreserved / pct-encoded / sub-delims / ":" / "@"   (RFC 3986 §3.3), plus "/"
_RAW_PATH_CHARS = frozenset(string.ascii_letters + string.digits + "-._~" + "!$&'()*+,;=" + ":@" + "%/")


def percent_decode(segment):
    """Strictly percent-decode one path segment into text (UTF-8). Raises ApiError(400)."""
    out = bytearray()
    i = 0
    n = len(segment)
    while i < n:
        c = segment[i]
        if c == "%":
            h = segment[i + 1:i + 3]
            if len(h) != 2 or h[0] not in _HEXDIGITS or h[1] not in _HEXDIGITS:
                raise bad_request("Invalid percent-encoding in the request path.")
            out.append(int(h, 16))
            i += 3
        else:
            if c not in _RAW_PATH_CHARS:
                raise bad_request("The request path contains a character that must be percent-encoded.")
            out.append(ord(c))
            i += 1
    try:
        return out.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise bad_request("The request path is not valid UTF-8 after percent-decoding.") from None


def has_control_chars(s):
    for ch in s:
        o = ord(ch)
        if o < 0x20 or 0x7F <= o <= 0x9F:
            return True
    return False


def split_target(raw_target):
    """Return (path, query) of the raw request-target (origin-form or absolute-form)."""
    target = raw_target
    if not target.startswith("/"):
        low = target[:8].lower()
        if low.startswith("http://") or low.startswith("https://"):
            rest = target.split("://", 1)[1]
            slash = rest.find("/")
            q = rest.find("?")
            if slash == -1 or (q != -1 and q < slash):
                target = "/" + (rest[q:] if q != -1 else "")
            else:
                target = rest[slash:]
        else:
            raise bad_request("Unsupported request target.")
    if "#" in target:
        raise bad_request("The request target must not contain a fragment.")
    path, _, query = target.partition("?")
    return path, query


# Route table: pattern of literal segments and variables ("{name}")
ROUTES = [
    (("v1", "apps"), {"POST": "create_app", "GET": "get_apps"}),
    (("v1", "apps", "{app}"), {"GET": "get_app", "DELETE": "delete_app"}),
    (("v1", "apps", "{app}", "endpoints"), {"PUT": "update_endpoints_batch"}),
    (("v1", "apps", "{app}", "endpoints", "{endpoint}"),
     {"GET": "get_endpoint", "PUT": "update_endpoint", "DELETE": "delete_endpoint"}),
    (("v1", "apps", "{app}", "users", "{user}"),
     {"GET": "get_user_endpoints", "DELETE": "delete_user_endpoints"}),
]


def match_route(segments):
    for pattern, methods in ROUTES:
        if len(pattern) != len(segments):
            continue
        params = {}
        ok = True
        for p, s in zip(pattern, segments):
            if p.startswith("{"):
                if s == "":
                    ok = False
                    break
                params[p[1:-1]] = s
            elif p != s:
                ok = False
                break
        if ok:
            return methods, params
    return None, None


def allow_header(methods):
    allowed = set(methods)
    if "GET" in allowed:
        allowed.add("HEAD")
    allowed.add("OPTIONS")
    return ", ".join(m for m in ALL_METHODS if m in allowed)


# --------------------------------------------------------------------------------------------
# Validation of request bodies
# --------------------------------------------------------------------------------------------
def _reject_constant(name):
    raise ValueError("invalid JSON constant " + name)


async def read_json_object(request, what):
    try:
        async with asyncio.timeout(BODY_READ_TIMEOUT):
            raw = await request.read()
    except web_exceptions.HTTPRequestEntityTooLarge:
        raise ApiError(413, "PayloadTooLargeException",
                       "The request body exceeds the maximum of %d bytes." % MAX_BODY_BYTES) from None
    except TimeoutError:
        raise bad_request("Timed out while reading the request body.") from None
    except Exception:  # noqa: BLE001  (bad chunking, bad Content-Encoding, ...)
        raise bad_request("The request body could not be read.") from None
    if not raw.strip():
        raise bad_request("The request body is required: a JSON object (%s)." % what)
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise bad_request("The request body is not valid UTF-8.") from None
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(obj, dict):
        raise bad_request("The request body must be a JSON object (%s)." % what)
    return obj


def check_text(value, name):
    if not isinstance(value, str):
        raise bad_request("%s must be a string." % name)
    try:
        value.encode("utf-8", errors="strict")
    except UnicodeEncodeError:
        raise bad_request("%s contains an invalid Unicode code point." % name) from None
    return value


def check_number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_request("%s must be a number." % name)
    try:
        f = float(value)
    except OverflowError:
        raise bad_request("%s is out of range." % name) from None
    if not math.isfinite(f):
        raise bad_request("%s is out of range." % name)
    return f


def check_object(value, name):
    if not isinstance(value, dict):
        raise bad_request("%s must be a JSON object." % name)
    return value


def check_attributes(value, name):
    check_object(value, name)
    out = {}
    for k, v in value.items():
        check_text(k, "An attribute name in %s" % name)
        if len(k) > MAX_ATTR_NAME:
            raise bad_request("Attribute name '%s' in %s is longer than %d characters."
                              % (k[:60], name, MAX_ATTR_NAME))
        if not isinstance(v, list):
            raise bad_request("%s['%s'] must be an array of strings." % (name, k[:60]))
        vals = []
        for item in v:
            check_text(item, "A value of %s['%s']" % (name, k[:60]))
            if len(item) > MAX_ATTR_VALUE:
                raise bad_request("A value of %s['%s'] is longer than %d characters."
                                  % (name, k[:60], MAX_ATTR_VALUE))
            vals.append(item)
        out[k] = vals
    return out


def check_user_id(value, name):
    check_text(value, name)
    if value == "":
        raise bad_request("%s must not be empty." % name)
    if has_control_chars(value):
        raise bad_request("%s must not contain control characters." % name)
    return value


def check_endpoint_id(value, name):
    check_text(value, name)
    if value == "":
        raise bad_request("%s must not be empty." % name)
    if has_control_chars(value):
        raise bad_request("%s must not contain control characters." % name)
    if any(c in value for c in "${}"):
        raise bad_request("%s can't contain $, { or }." % name)
    return value


def check_iso8601(value, name):
    check_text(value, name)
    try:
        _dt.datetime.fromisoformat(value)
    except ValueError:
        raise bad_request("%s must be a date and time in ISO 8601 format." % name) from None
    return value


def validate_endpoint_fields(obj, prefix):
    """Validate an EndpointRequest / EndpointBatchItem; returns a clean dict of given members.

    JSON null is treated as "member not given". Unknown members are ignored."""
    out = {}

    def given(key):
        return key in obj and obj[key] is not None

    for key in ("Address", "RequestId"):
        if given(key):
            out[key] = check_text(obj[key], prefix + key)
    if given("EffectiveDate"):
        out["EffectiveDate"] = check_iso8601(obj["EffectiveDate"], prefix + "EffectiveDate")
    if given("ChannelType"):
        v = check_text(obj["ChannelType"], prefix + "ChannelType")
        if v not in CHANNEL_TYPES:
            raise bad_request("%sChannelType must be one of: %s."
                              % (prefix, ", ".join(sorted(CHANNEL_TYPES))))
        out["ChannelType"] = v
    if given("OptOut"):
        v = check_text(obj["OptOut"], prefix + "OptOut")
        if v not in OPT_OUT_VALUES:
            raise bad_request("%sOptOut must be ALL or NONE." % prefix)
        out["OptOut"] = v
    if given("EndpointStatus"):
        v = check_text(obj["EndpointStatus"], prefix + "EndpointStatus")
        if v not in ENDPOINT_STATUS_VALUES:
            raise bad_request("%sEndpointStatus must be ACTIVE or INACTIVE." % prefix)
        out["EndpointStatus"] = v
    if given("Attributes"):
        out["Attributes"] = check_attributes(obj["Attributes"], prefix + "Attributes")
    if given("Metrics"):
        m = check_object(obj["Metrics"], prefix + "Metrics")
        metrics = {}
        for k, v in m.items():
            check_text(k, "A metric name in %sMetrics" % prefix)
            metrics[k] = check_number(v, "%sMetrics['%s']" % (prefix, k[:60]))
        out["Metrics"] = metrics
    if given("Demographic"):
        d = check_object(obj["Demographic"], prefix + "Demographic")
        demo = {}
        for k in DEMOGRAPHIC_MEMBERS:
            if d.get(k) is not None:
                demo[k] = check_text(d[k], "%sDemographic.%s" % (prefix, k))
        out["Demographic"] = demo
    if given("Location"):
        loc_in = check_object(obj["Location"], prefix + "Location")
        loc = {}
        for k in LOCATION_STRING_MEMBERS:
            if loc_in.get(k) is not None:
                loc[k] = check_text(loc_in[k], "%sLocation.%s" % (prefix, k))
        for k, limit in (("Latitude", 90.0), ("Longitude", 180.0)):
            if loc_in.get(k) is not None:
                f = check_number(loc_in[k], "%sLocation.%s" % (prefix, k))
                if not -limit <= f <= limit:
                    raise bad_request("%sLocation.%s must be between %g and %g."
                                      % (prefix, k, -limit, limit))
                loc[k] = round(f, 1)
        out["Location"] = loc
    if given("User"):
        u = check_object(obj["User"], prefix + "User")
        user = {}
        if u.get("UserId") is not None:
            user["UserId"] = check_user_id(u["UserId"], prefix + "User.UserId")
        if u.get("UserAttributes") is not None:
            user["UserAttributes"] = check_attributes(u["UserAttributes"],
                                                      prefix + "User.UserAttributes")
        out["User"] = user
    return out


def check_tags(value, name):
    check_object(value, name)
    for k, v in value.items():
        check_text(k, "A tag key in %s" % name)
        check_text(v, "%s['%s']" % (name, k[:60]))
    return dict(value)


# --------------------------------------------------------------------------------------------
# In-memory store
# --------------------------------------------------------------------------------------------
def iso_now():
    now = _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


def cohort_of(endpoint_id):
    return str(int.from_bytes(hashlib.sha256(endpoint_id.encode("utf-8")).digest()[:4], "big") % 100)


class Application:
    __slots__ = ("id", "name", "tags", "creation_date", "seq", "endpoints")

    def __init__(self, app_id, name, tags, seq):
        self.id = app_id
        self.name = name
        self.tags = tags
        self.creation_date = iso_now()
        self.seq = seq
        self.endpoints = {}   # endpoint-id.lower() -> Endpoint

    def arn(self):
        return "arn:aws:mobiletargeting:%s:%s:apps/%s" % (REGION, ACCOUNT, self.id)

    def to_json(self):
        out = {"Arn": self.arn(), "Id": self.id, "Name": self.name,
               "CreationDate": self.creation_date}
        if self.tags is not None:
            out["tags"] = dict(self.tags)
        return out


class Endpoint:
    __slots__ = ("data", "seq")

    def __init__(self, data, seq):
        self.data = data
        self.seq = seq

    def user_id(self):
        return self.data.get("User", {}).get("UserId")

    def to_json(self):
        # deep-enough copy so that later updates do not alter an answer being serialized
        return json.loads(json.dumps(self.data))


class Store:
    def __init__(self):
        self.apps = {}
        self._seq = itertools.count(1)

    def next_seq(self):
        return next(self._seq)

    def app(self, app_id):
        a = self.apps.get(app_id)
        if a is None:
            raise not_found("Application not found: %s" % app_id[:200])
        return a

    def apply_update(self, app, endpoint_id, fields, request_id):
        key = endpoint_id.lower()
        ep = app.endpoints.get(key)
        now = iso_now()
        if ep is None:
            ep = Endpoint({
                "ApplicationId": app.id,
                "CohortId": cohort_of(key),
                "CreationDate": now,
                "Id": endpoint_id,
            }, self.next_seq())
            app.endpoints[key] = ep
        d = ep.data
        for k in ("Address", "ChannelType", "OptOut"):
            if k in fields:
                d[k] = fields[k]
        for k in ("Attributes", "Metrics"):
            if k in fields:
                merged = dict(d.get(k, {}))
                merged.update(fields[k])
                d[k] = merged
        for k in ("Demographic", "Location"):
            if k in fields:
                merged = dict(d.get(k, {}))
                merged.update(fields[k])
                d[k] = merged
        if "User" in fields:
            user = dict(d.get("User", {}))
            fu = fields["User"]
            if "UserId" in fu:
                user["UserId"] = fu["UserId"]
            if "UserAttributes" in fu:
                ua = dict(user.get("UserAttributes", {}))
                ua.update(fu["UserAttributes"])
                user["UserAttributes"] = ua
            d["User"] = user
        d["EndpointStatus"] = fields.get("EndpointStatus", "ACTIVE")
        d["EffectiveDate"] = fields.get("EffectiveDate", now)
        d["RequestId"] = fields.get("RequestId", request_id)
        # "Amazon Pinpoint automatically sets this value to INACTIVE if you update another
        #  endpoint that has the same address specified by the Address property."
        addr = d.get("Address")
        if addr:
            for other_key, other in app.endpoints.items():
                if other_key != key and other.data.get("Address") == addr:
                    other.data["EndpointStatus"] = "INACTIVE"
        return ep


STORE = Store()


def newest_first(endpoints):
    return sorted(endpoints, key=lambda e: e.seq, reverse=True)


# --------------------------------------------------------------------------------------------
# Operation handlers. Each gets (request, params, query, request_id) and returns a Response.
# --------------------------------------------------------------------------------------------
async def op_create_app(request, params, query, rid):
    body = await read_json_object(request, "CreateApplicationRequest")
    if body.get("Name") is None:
        raise bad_request("Name is required.")
    name = check_text(body["Name"], "Name")
    if name.strip() == "":
        raise bad_request("Name must not be empty.")
    tags = None
    if body.get("tags") is not None:
        tags = check_tags(body["tags"], "tags")
    app_id = uuid.uuid4().hex
    app = Application(app_id, name, tags, STORE.next_seq())
    STORE.apps[app_id] = app
    return json_response(201, app.to_json(), rid)


async def op_get_apps(request, params, query, rid):
    page_size = None
    if "page-size" in query:
        v = query["page-size"]
        if not v.isdigit() or not v.isascii() or not 1 <= int(v) <= MAX_PAGE_SIZE:
            raise bad_request("page-size must be an integer from 1 to %d." % MAX_PAGE_SIZE)
        page_size = int(v)
    apps = sorted(STORE.apps.values(), key=lambda a: a.seq, reverse=True)
    if "token" in query:
        t = query["token"]
        if not t.isdigit() or not t.isascii() or len(t) > 20:
            raise bad_request("token is not valid.")
        before = int(t)
        apps = [a for a in apps if a.seq < before]
    out = {}
    if page_size is not None and len(apps) > page_size:
        apps = apps[:page_size]
        out["NextToken"] = str(apps[-1].seq)
    out["Item"] = [a.to_json() for a in apps]
    return json_response(200, out, rid)


async def op_get_app(request, params, query, rid):
    app = STORE.app(params["app"])
    return json_response(200, app.to_json(), rid)


async def op_delete_app(request, params, query, rid):
    app = STORE.app(params["app"])
    del STORE.apps[app.id]
    return json_response(200, app.to_json(), rid)


async def op_update_endpoint(request, params, query, rid):
    endpoint_id = check_endpoint_id(params["endpoint"], "The endpoint ID")
    app = STORE.app(params["app"])
    body = await read_json_object(request, "EndpointRequest")
    fields = validate_endpoint_fields(body, "")
    # the application may have been deleted while the body was read
    app = STORE.app(app.id)
    STORE.apply_update(app, endpoint_id, fields, rid)
    return json_response(202, {"Message": "Accepted", "RequestID": rid}, rid)


async def op_update_endpoints_batch(request, params, query, rid):
    app = STORE.app(params["app"])
    body = await read_json_object(request, "EndpointBatchRequest")
    items = body.get("Item")
    if items is None:
        raise bad_request("Item is required.")
    if not isinstance(items, list):
        raise bad_request("Item must be an array.")
    if len(items) > MAX_BATCH_ITEMS:
        raise bad_request("Item can contain a maximum of %d items." % MAX_BATCH_ITEMS)
    prepared = []
    for i, item in enumerate(items):
        prefix = "Item[%d]." % i
        check_object(item, "Item[%d]" % i)
        if item.get("Id") is None:
            raise bad_request("%sId is required." % prefix)
        eid = check_endpoint_id(item["Id"], prefix + "Id")
        prepared.append((eid, validate_endpoint_fields(item, prefix)))
    app = STORE.app(app.id)
    for eid, fields in prepared:          # all validated first: the batch is all-or-nothing
        STORE.apply_update(app, eid, fields, rid)
    return json_response(202, {"Message": "Accepted", "RequestID": rid}, rid)


def _endpoint_or_404(app, endpoint_id):
    ep = app.endpoints.get(endpoint_id.lower())
    if ep is None:
        raise not_found("Endpoint not found: %s" % endpoint_id[:200])
    return ep


async def op_get_endpoint(request, params, query, rid):
    endpoint_id = check_endpoint_id(params["endpoint"], "The endpoint ID")
    app = STORE.app(params["app"])
    ep = _endpoint_or_404(app, endpoint_id)
    return json_response(200, ep.to_json(), rid)


async def op_delete_endpoint(request, params, query, rid):
    endpoint_id = check_endpoint_id(params["endpoint"], "The endpoint ID")
    app = STORE.app(params["app"])
    ep = _endpoint_or_404(app, endpoint_id)
    del app.endpoints[endpoint_id.lower()]
    return json_response(202, ep.to_json(), rid)


async def op_get_user_endpoints(request, params, query, rid):
    user_id = check_user_id(params["user"], "The user ID")
    app = STORE.app(params["app"])
    eps = newest_first(e for e in app.endpoints.values() if e.user_id() == user_id)
    return json_response(200, {"Item": [e.to_json() for e in eps]}, rid)


async def op_delete_user_endpoints(request, params, query, rid):
    user_id = check_user_id(params["user"], "The user ID")
    app = STORE.app(params["app"])
    keys = [k for k, e in app.endpoints.items() if e.user_id() == user_id]
    deleted = newest_first(app.endpoints.pop(k) for k in keys)
    return json_response(202, {"Item": [e.to_json() for e in deleted]}, rid)


OPERATIONS = {
    "create_app": op_create_app,
    "get_apps": op_get_apps,
    "get_app": op_get_app,
    "delete_app": op_delete_app,
    "update_endpoint": op_update_endpoint,
    "update_endpoints_batch": op_update_endpoints_batch,
    "get_endpoint": op_get_endpoint,
    "delete_endpoint": op_delete_endpoint,
    "get_user_endpoints": op_get_user_endpoints,
    "delete_user_endpoints": op_delete_user_endpoints,
}


# --------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------
class Counter:
    def __init__(self):
        self.n = 0

    def next(self):
        self.n += 1
        return self.n


REQUEST_COUNTER = Counter()


def parse_query(query):
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise bad_request("The query string is not valid.") from None
    out = {}
    for k, v in pairs:
        out.setdefault(k, v)
    return out


async def dispatch(request, rid):
    method = request.method
    if request.raw_path == "*":
        if method == "OPTIONS":
            resp = web.Response(status=204)
            resp.headers["Allow"] = ", ".join(ALL_METHODS)
            resp.headers["x-amzn-RequestId"] = rid
            return resp
        raise bad_request("Unsupported request target.")
    path, query = split_target(request.raw_path)
    segments = [percent_decode(s) for s in path.split("/")[1:]]
    methods, params = match_route(segments)
    if methods is None:
        raise not_found("No resource at this path.")
    for v in params.values():
        if has_control_chars(v):
            raise bad_request("IDs in the request path must not contain control characters.")
    op = methods.get(method)
    if op is None and method == "HEAD" and "GET" in methods:
        op = methods["GET"]      # aiohttp's default: HEAD runs the GET handler, body dropped
    if op is None:
        allow = allow_header(methods)
        if method == "OPTIONS":
            resp = web.Response(status=204)
            resp.headers["Allow"] = allow
            resp.headers["x-amzn-RequestId"] = rid
            return resp
        raise ApiError(405, "MethodNotAllowedException",
                       "Method %s is not allowed on this resource." % method[:32],
                       {"Allow": allow})
    return await OPERATIONS[op](request, params, parse_query(query), rid)


async def handle(request):
    rid = new_request_id()
    n = REQUEST_COUNTER.next()
    bad_version = False
    v = request._message.version
    if v not in (HttpVersion10, HttpVersion11):
        # RFC 9112 §2.3: HTTP/1.x with a higher minor version is handled as HTTP/1.1; other
        # major versions are refused.  The answer itself is always written as HTTP/1.1.
        bad_version = v.major != 1
        # aiohttp writes the status line with request.version (a cached property): replace it.
        # (private attributes of aiohttp, pinned in requirements.txt)
        request._version = HttpVersion11
        request._cache.pop("version", None)
    try:
        if bad_version:
            resp = error_response(400, "BadRequestException",
                                  "Unsupported HTTP version; use HTTP/1.1.", rid)
            resp.force_close()
            return resp
        if n % SLOW_EVERY == 0:
            await asyncio.sleep(SLOW_PAUSE_SECONDS)
        if n % THROTTLE_EVERY == 0:
            raise ApiError(429, "TooManyRequestsException", "Too many requests.")
        return await dispatch(request, rid)
    except ApiError as e:
        return error_response(e.status, e.error_type, e.message, rid, e.headers)
    except web_exceptions.HTTPRequestEntityTooLarge:
        return error_response(413, "PayloadTooLargeException", "The request body is too large.", rid)
    except asyncio.CancelledError:
        raise
    except Exception:  # deliberate 500, never a crash
        import traceback
        traceback.print_exc(file=sys.stderr)
        return error_response(500, "InternalServerErrorException", "Internal server error.", rid)


@web.middleware
async def everything(request, handler):
    # Every request, whatever aiohttp's router made of it (e.g. "OPTIONS *" or an authority-form
    # target it cannot match), is answered by our own dispatcher.
    resp = await handle(request)
    if request.method == "CONNECT" or "Upgrade" in request.headers:
        # we never switch protocols or tunnel: close the connection after the answer so that
        # no bytes sent after the header block are taken for a next request
        resp.force_close()
    return resp


def make_app():
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[everything])
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------
async def serve(host, port):
    app = make_app()
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=5.0,
                           max_line_size=MAX_REQUEST_LINE, max_field_size=MAX_REQUEST_LINE)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as e:
        print("cannot listen on %s:%s: %s" % (host, port, e), file=sys.stderr, flush=True)
        await runner.cleanup()
        return 1
    print("listening on http://%s:%d" % (host, port), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()
    return 0


def main():
    ap = argparse.ArgumentParser(description="Pinpoint User resource server (aiohttp)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    args = ap.parse_args()
    sys.exit(asyncio.run(serve(args.host, args.port)))


if __name__ == "__main__":
    main()
