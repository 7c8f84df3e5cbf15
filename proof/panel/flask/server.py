"""A small in-memory server of part of Amazon Pinpoint's REST API (2016-12-01, rest-json).

Operations: CreateApp, GetApp, GetApps, DeleteApp, UpdateEndpoint, UpdateEndpointsBatch,
GetEndpoint, DeleteEndpoint, GetUserEndpoints, DeleteUserEndpoints.

Stack: Flask 3 on Werkzeug's own development server, single-threaded (one process,
threaded=False, so HTTP/1.0 and one request per connection).  See DECISIONS.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import io
import json
import math
import re
import signal
import socket
import sys
import threading
import time
import uuid

from flask import Flask, Response, g, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.serving import WSGIRequestHandler, make_server

# --------------------------------------------------------------------------------------
# Limits and constants (see DECISIONS.md)
# --------------------------------------------------------------------------------------

MAX_BODY_BYTES = 8 * 1024 * 1024          # larger bodies -> 413 PayloadTooLargeException
MAX_BATCH_ITEMS = 100                      # "An array can contain a maximum of 100 items."
MAX_ATTR_NAME = 50                         # "An attribute name can contain up to 50 characters."
MAX_ATTR_VALUE = 100                       # "An attribute value can contain up to 100 characters."
CONNECTION_DEADLINE_S = 10.0               # whole-connection read budget (single-threaded server)
SOCKET_TIMEOUT_S = 5.0                     # per socket operation
DEFAULT_REGION = "us-east-1"
ACCOUNT_ID = "000000000000"

CHANNEL_TYPES = frozenset([
    "PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "ADM", "SMS",
    "VOICE", "EMAIL", "BAIDU", "CUSTOM", "IN_APP",
])

# Documented status codes of every operation (service-2.json) and their exception names.
ERROR_TYPES = {
    400: "BadRequestException",
    403: "ForbiddenException",
    404: "NotFoundException",
    405: "MethodNotAllowedException",
    413: "PayloadTooLargeException",
    429: "TooManyRequestsException",
    500: "InternalServerErrorException",
}
REASONS = {
    400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error",
}


def documented_status(code: int) -> int:
    """Map any status the HTTP stack wants to send onto one the model documents."""
    if code in ERROR_TYPES:
        return code
    if 300 <= code < 400:      # e.g. a routing redirect: we never redirect
        return 404
    if code == 431 or code == 414 or 400 <= code < 500:
        return 400
    if code in (501, 505):     # unknown method / HTTP version: the client's fault
        return 400
    return 500


def new_request_id() -> str:
    return str(uuid.uuid4())


def now_iso() -> str:
    t = _dt.datetime.now(_dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------

class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def error_body(message: str, request_id: str) -> bytes:
    return json.dumps({"Message": message, "RequestID": request_id}).encode("utf-8")


def json_response(obj, status: int) -> Response:
    body = json.dumps(obj, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return Response(body, status=status, content_type="application/json")


def error_response(status: int, message: str, headers: dict | None = None) -> Response:
    rid = getattr(g, "request_id", None) or new_request_id()
    resp = Response(error_body(message, rid), status=status, content_type="application/json")
    resp.headers["x-amzn-ErrorType"] = ERROR_TYPES[status]
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


# --------------------------------------------------------------------------------------
# Path handling: route on the raw request target so percent-encoded '/' never splits
# --------------------------------------------------------------------------------------

_ABS_FORM = re.compile(rb"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*")
_PCT_OK = re.compile(rb"%[0-9A-Fa-f]{2}")
_RAW_SEGMENT_OK = re.compile(rb"^[\x21-\x7e]*$")


def raw_target_bytes(environ) -> bytes | None:
    """The request-target exactly as received (Werkzeug puts it in RAW_URI/REQUEST_URI)."""
    raw = environ.get("RAW_URI")
    if raw is None:
        raw = environ.get("REQUEST_URI")
    if raw is None:
        return None
    try:
        # Werkzeug stores _wsgi_encoding_dance(handler.path) = path.encode().decode("latin1")
        # and http.server decoded the request line as latin-1; undo both.
        return raw.encode("latin1").decode("utf-8").encode("latin1")
    except (UnicodeError, AttributeError):
        return None


class RawPathMiddleware:
    """Replace PATH_INFO (percent-decoded by the server) with the still-encoded raw path."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        target = raw_target_bytes(environ)
        problem = None
        path = b"/"
        if target is None:
            problem = "The request target could not be read."
        else:
            if target.startswith(b"/"):
                rest = target
            else:
                m = _ABS_FORM.match(target)
                if m:
                    rest = target[m.end():] or b"/"
                    if not rest.startswith(b"/") and not rest.startswith(b"?"):
                        rest = b"/" + rest
                    if rest.startswith(b"?"):
                        rest = b"/" + rest
                elif target == b"*":
                    rest = b"*"
                else:
                    rest = None
                    problem = "The request target is not in origin-form."
            if rest is not None:
                path, _, _query = rest.partition(b"?")
                if b"#" in rest:
                    problem = "The request target must not contain a fragment ('#')."
                elif not _RAW_SEGMENT_OK.match(path):
                    problem = ("The request path contains characters that must be "
                               "percent-encoded (RFC 3986).")
                elif b"%" in path and len(_PCT_OK.findall(path)) != path.count(b"%"):
                    problem = "The request path contains an invalid percent-encoding."
        environ["pinpoint.raw_path"] = path
        environ["pinpoint.path_problem"] = problem
        # Route on the raw path: ID segments stay percent-encoded, so an encoded '/'
        # never splits a segment; they are strictly decoded after routing.
        environ["PATH_INFO"] = path.decode("latin1")
        return self.app(environ, start_response)


def decode_segment(raw: str, what: str) -> str:
    """Strictly percent-decode one path segment into a UTF-8 string."""
    data = raw.encode("latin1")
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        c = data[i]
        if c == 0x25:  # '%'
            hexpart = data[i + 1:i + 3]
            if len(hexpart) != 2 or not re.fullmatch(rb"[0-9A-Fa-f]{2}", hexpart):
                raise bad_request(f"The {what} contains an invalid percent-encoding.")
            out.append(int(hexpart, 16))
            i += 3
        else:
            out.append(c)
            i += 1
    try:
        text = bytes(out).decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise bad_request(f"The {what} is not valid UTF-8 after percent-decoding.")
    check_id_text(text, what)
    return text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def check_id_text(text: str, what: str) -> None:
    if text == "":
        raise bad_request(f"The {what} must not be empty.")
    if _CONTROL.search(text):
        raise bad_request(f"The {what} must not contain control characters.")


# --------------------------------------------------------------------------------------
# JSON body parsing and validation against the model's shapes
# --------------------------------------------------------------------------------------

def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def _has_lone_surrogate(s: str) -> bool:
    try:
        s.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def read_json_object(required_name: str):
    """Read the request body as a JSON object, or raise a 400/413 ApiError."""
    try:
        data = request.get_data(cache=False)
    except HTTPException:
        raise
    except (OSError, ValueError) as e:
        raise bad_request(f"The request body could not be read: {e.__class__.__name__}.")
    if len(data) > MAX_BODY_BYTES:
        raise ApiError(413, "The request body is too large.")
    if not data.strip():
        raise bad_request(f"The request body ({required_name}) is required.")
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise bad_request("The request body is not valid UTF-8.")
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise bad_request("The request body is nested too deeply.")
    except ValueError as e:
        raise bad_request(f"The request body is not valid JSON: {str(e)[:200]}")
    if not isinstance(obj, dict):
        raise bad_request(f"The request body ({required_name}) must be a JSON object.")
    return obj


def v_string(value, path):
    if not isinstance(value, str):
        raise bad_request(f"{path} must be a string.")
    if _has_lone_surrogate(value):
        raise bad_request(f"{path} contains an unpaired surrogate.")
    return value


def v_double(value, path):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_request(f"{path} must be a number.")
    try:
        f = float(value)
    except (OverflowError, ValueError):
        raise bad_request(f"{path} is out of range for a double.")
    if not math.isfinite(f):
        raise bad_request(f"{path} must be a finite number.")
    return f


def v_key(key, path):
    if _has_lone_surrogate(key):
        raise bad_request(f"A key of {path} contains an unpaired surrogate.")
    return key


def v_attributes(value, path):
    """MapOfListOf__string with the documented name/value lengths."""
    if not isinstance(value, dict):
        raise bad_request(f"{path} must be an object.")
    out = {}
    for k, lst in value.items():
        v_key(k, path)
        if len(k) > MAX_ATTR_NAME:
            raise bad_request(f"{path}: attribute name longer than {MAX_ATTR_NAME} characters.")
        if lst is None:
            continue
        if not isinstance(lst, list):
            raise bad_request(f"{path}.{k} must be an array of strings.")
        vals = []
        for i, item in enumerate(lst):
            v_string(item, f"{path}.{k}[{i}]")
            if len(item) > MAX_ATTR_VALUE:
                raise bad_request(
                    f"{path}.{k}[{i}]: attribute value longer than {MAX_ATTR_VALUE} characters.")
            vals.append(item)
        out[k] = vals
    return out


def v_metrics(value, path):
    if not isinstance(value, dict):
        raise bad_request(f"{path} must be an object.")
    out = {}
    for k, num in value.items():
        v_key(k, path)
        if num is None:
            continue
        out[k] = v_double(num, f"{path}.{k}")
    return out


def v_channel(value, path):
    v_string(value, path)
    if value not in CHANNEL_TYPES:
        raise bad_request(f"{path} must be one of {', '.join(sorted(CHANNEL_TYPES))}.")
    return value


def v_struct(fields):
    def validate(value, path):
        if not isinstance(value, dict):
            raise bad_request(f"{path} must be an object.")
        out = {}
        for name, fn in fields.items():
            if name in value and value[name] is not None:
                out[name] = fn(value[name], f"{path}.{name}")
        return out
    return validate


DEMOGRAPHIC = v_struct({n: v_string for n in (
    "AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform", "PlatformVersion",
    "Timezone")})
LOCATION = v_struct({
    "City": v_string, "Country": v_string, "Latitude": v_double, "Longitude": v_double,
    "PostalCode": v_string, "Region": v_string,
})
USER = v_struct({"UserAttributes": v_attributes, "UserId": v_string})

ENDPOINT_FIELDS = {
    "Address": v_string,
    "Attributes": v_attributes,
    "ChannelType": v_channel,
    "Demographic": DEMOGRAPHIC,
    "EffectiveDate": v_string,
    "EndpointStatus": v_string,
    "Location": LOCATION,
    "Metrics": v_metrics,
    "OptOut": v_string,
    "RequestId": v_string,
    "User": USER,
}
ENDPOINT_REQUEST = v_struct(ENDPOINT_FIELDS)
ENDPOINT_BATCH_ITEM = v_struct(dict(ENDPOINT_FIELDS, Id=v_string))


# --------------------------------------------------------------------------------------
# In-memory store
# --------------------------------------------------------------------------------------

class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.apps: dict[str, dict] = {}   # insertion order = creation order


STORE = Store()


def app_view(a: dict) -> dict:
    return {
        "Arn": a["Arn"], "Id": a["Id"], "Name": a["Name"], "tags": dict(a["tags"]),
        "CreationDate": a["CreationDate"],
    }


def endpoint_view(e: dict) -> dict:
    return json.loads(json.dumps(e))  # deep copy of plain JSON data


def cohort_for(endpoint_id: str) -> str:
    return str(int.from_bytes(hashlib.sha256(endpoint_id.encode("utf-8")).digest()[:8], "big") % 100)


def merge_endpoint(existing: dict | None, update: dict, app_id: str, endpoint_id: str,
                   request_id: str, now: str) -> dict:
    e = json.loads(json.dumps(existing)) if existing else {}
    for name, value in update.items():
        if name == "Id":
            continue
        if name in ("Attributes", "Metrics"):
            merged = dict(e.get(name, {}))
            merged.update(value)
            e[name] = merged
        elif name in ("Demographic", "Location"):
            merged = dict(e.get(name, {}))
            merged.update(value)
            e[name] = merged
        elif name == "User":
            user = dict(e.get("User", {}))
            if "UserId" in value:
                user["UserId"] = value["UserId"]
            if "UserAttributes" in value:
                attrs = dict(user.get("UserAttributes", {}))
                attrs.update(value["UserAttributes"])
                user["UserAttributes"] = attrs
            e["User"] = user
        else:
            e[name] = value
    e["ApplicationId"] = app_id
    e["Id"] = endpoint_id
    if existing is None:
        e["CreationDate"] = now
        e["CohortId"] = cohort_for(endpoint_id)
    else:
        e["CreationDate"] = existing["CreationDate"]
        e["CohortId"] = existing["CohortId"]
    if "EffectiveDate" not in update:
        e["EffectiveDate"] = now
    if "RequestId" not in update:
        e["RequestId"] = request_id
    if "EndpointStatus" not in update:
        e["EndpointStatus"] = "ACTIVE"
    return e


def put_endpoint_locked(app: dict, endpoint_id: str, update: dict, request_id: str, now: str):
    eps = app["endpoints"]
    new = merge_endpoint(eps.get(endpoint_id), update, app["Id"], endpoint_id, request_id, now)
    eps[endpoint_id] = new
    addr = new.get("Address")
    if addr:
        # "Amazon Pinpoint automatically sets this value to INACTIVE if you update another
        #  endpoint that has the same address specified by the Address property."
        for other_id, other in eps.items():
            if other_id != endpoint_id and other.get("Address") == addr:
                other["EndpointStatus"] = "INACTIVE"


# --------------------------------------------------------------------------------------
# Flask application
# --------------------------------------------------------------------------------------

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES + 1  # one more byte, to detect "too large" in chunked bodies
app.url_map.merge_slashes = False
app.url_map.strict_slashes = True
app.wsgi_app = RawPathMiddleware(app.wsgi_app)


def region_from_auth() -> str:
    auth = request.headers.get("Authorization", "")
    m = re.search(r"Credential=[^/,\s]*/\d{8}/([a-z0-9-]{1,32})/", auth)
    return m.group(1) if m else DEFAULT_REGION


@app.before_request
def _prepare():
    g.request_id = new_request_id()
    problem = request.environ.get("pinpoint.path_problem")
    if problem:
        # RFC 9112 3.2: a request-target that is not valid URI syntax is a bad request,
        # whatever the method.
        raise bad_request(problem)
    if request.routing_exception is not None:
        raise request.routing_exception
    original = request.environ.get("REQUEST_METHOD", "")
    if original != original.upper():
        # RFC 9110 9.1: "The method token is case-sensitive"; Werkzeug upper-cases it.
        try:
            allowed = sorted(request_ctx.url_adapter.allowed_methods())
        except Exception:
            allowed = []
        raise MethodNotAllowed(valid_methods=allowed)
    if request.method == "OPTIONS":
        return None  # Flask's automatic OPTIONS answer, untouched
    if request.view_args:
        names = {"application_id": "application ID", "endpoint_id": "endpoint ID",
                 "user_id": "user ID"}
        request.view_args = {
            k: decode_segment(v, names.get(k, k)) for k, v in request.view_args.items()
        }
    return None


@app.after_request
def _stamp(resp: Response):
    rid = getattr(g, "request_id", None) or new_request_id()
    resp.headers["x-amzn-RequestId"] = rid
    return resp


@app.errorhandler(ApiError)
def _api_error(e: ApiError):
    return error_response(e.status, e.message, e.headers)


@app.errorhandler(HTTPException)
def _http_error(e: HTTPException):
    code = e.code or 500
    status = documented_status(code)
    headers = {}
    if isinstance(e, MethodNotAllowed) and e.valid_methods:
        headers["Allow"] = ", ".join(sorted(e.valid_methods))
    if isinstance(e, (NotFound, RequestRedirect)) and status == 404:
        message = "The requested resource was not found."
    elif status == 405:
        message = f"The method {request.environ.get('REQUEST_METHOD', '')[:40]!r} is not allowed for this resource."
    elif status == 413:
        message = "The request body is too large."
    elif status == 400 and code == 400:
        # Werkzeug raises BadRequest when the body cannot be read (truncated body,
        # malformed chunked encoding, client gone).
        message = "The request body could not be read."
    else:
        message = e.description or REASONS[status]
    return error_response(status, message, headers)


@app.errorhandler(Exception)
def _unexpected(e: Exception):
    app.logger.exception("unexpected error")
    return error_response(500, "An internal error occurred.")


def get_app_locked(app_id: str) -> dict:
    a = STORE.apps.get(app_id)
    if a is None:
        raise not_found("Application not found")
    return a


# ---- Applications --------------------------------------------------------------------

@app.route("/v1/apps", methods=["POST"])
def create_app():
    body = read_json_object("CreateApplicationRequest")
    name = body.get("Name")
    if name is None:
        raise bad_request("Name is required.")
    v_string(name, "Name")
    if name.strip() == "":
        raise bad_request("Name must not be empty.")
    tags = body.get("tags")
    tag_map = {}
    if tags is not None:
        if not isinstance(tags, dict):
            raise bad_request("tags must be an object.")
        for k, v in tags.items():
            v_key(k, "tags")
            tag_map[k] = v_string(v, f"tags.{k}")
    app_id = uuid.uuid4().hex
    record = {
        "Id": app_id,
        "Name": name,
        "Arn": f"arn:aws:mobiletargeting:{region_from_auth()}:{ACCOUNT_ID}:apps/{app_id}",
        "tags": tag_map,
        "CreationDate": now_iso(),
        "endpoints": {},
    }
    with STORE.lock:
        STORE.apps[app_id] = record
        view = app_view(record)
    return json_response(view, 201)


@app.route("/v1/apps", methods=["GET"])
def get_apps():
    page_size_raw = request.args.get("page-size")
    token = request.args.get("token")
    page_size = None
    if page_size_raw is not None:
        if not re.fullmatch(r"[0-9]{1,4}", page_size_raw) or int(page_size_raw) < 1:
            raise bad_request("page-size must be a positive integer.")
        page_size = int(page_size_raw)
    start = 0
    if token:
        if not re.fullmatch(r"[0-9]{1,9}", token):
            raise bad_request("The token is not valid.")
        start = int(token)
    with STORE.lock:
        items = [app_view(a) for a in STORE.apps.values()]
    result = {}
    if page_size is None:
        result["Item"] = items[start:]
    else:
        result["Item"] = items[start:start + page_size]
        if start + page_size < len(items):
            result["NextToken"] = str(start + page_size)
    return json_response(result, 200)


@app.route("/v1/apps/<application_id>", methods=["GET"])
def get_app(application_id):
    with STORE.lock:
        view = app_view(get_app_locked(application_id))
    return json_response(view, 200)


@app.route("/v1/apps/<application_id>", methods=["DELETE"])
def delete_app(application_id):
    with STORE.lock:
        a = get_app_locked(application_id)
        del STORE.apps[application_id]
        view = app_view(a)
    return json_response(view, 200)


# ---- Endpoints -----------------------------------------------------------------------

@app.route("/v1/apps/<application_id>/endpoints/<endpoint_id>", methods=["PUT"])
def update_endpoint(application_id, endpoint_id):
    body = read_json_object("EndpointRequest")
    update = ENDPOINT_REQUEST(body, "EndpointRequest")
    now = now_iso()
    with STORE.lock:
        a = get_app_locked(application_id)
        put_endpoint_locked(a, endpoint_id, update, g.request_id, now)
    return json_response({"Message": "Accepted", "RequestID": g.request_id}, 202)


@app.route("/v1/apps/<application_id>/endpoints", methods=["PUT"])
def update_endpoints_batch(application_id):
    body = read_json_object("EndpointBatchRequest")
    items = body.get("Item")
    if items is None:
        raise bad_request("Item is required.")
    if not isinstance(items, list):
        raise bad_request("Item must be an array.")
    if len(items) > MAX_BATCH_ITEMS:
        raise bad_request(f"Item can contain at most {MAX_BATCH_ITEMS} endpoints.")
    updates = []
    for i, raw in enumerate(items):
        item = ENDPOINT_BATCH_ITEM(raw, f"Item[{i}]")
        if "Id" not in item:
            raise bad_request(f"Item[{i}].Id is required.")
        check_id_text(item["Id"], f"endpoint ID of Item[{i}]")
        updates.append(item)
    now = now_iso()
    with STORE.lock:
        a = get_app_locked(application_id)
        for item in updates:
            put_endpoint_locked(a, item["Id"], item, g.request_id, now)
    return json_response({"Message": "Accepted", "RequestID": g.request_id}, 202)


@app.route("/v1/apps/<application_id>/endpoints/<endpoint_id>", methods=["GET"])
def get_endpoint(application_id, endpoint_id):
    with STORE.lock:
        a = get_app_locked(application_id)
        e = a["endpoints"].get(endpoint_id)
        if e is None:
            raise not_found("Endpoint not found")
        view = endpoint_view(e)
    return json_response(view, 200)


@app.route("/v1/apps/<application_id>/endpoints/<endpoint_id>", methods=["DELETE"])
def delete_endpoint(application_id, endpoint_id):
    with STORE.lock:
        a = get_app_locked(application_id)
        e = a["endpoints"].pop(endpoint_id, None)
        if e is None:
            raise not_found("Endpoint not found")
        view = endpoint_view(e)
    return json_response(view, 202)


# ---- Users ---------------------------------------------------------------------------

def _user_endpoints_locked(a: dict, user_id: str) -> list[str]:
    return [eid for eid, e in a["endpoints"].items()
            if e.get("User", {}).get("UserId") == user_id]


@app.route("/v1/apps/<application_id>/users/<user_id>", methods=["GET"])
def get_user_endpoints(application_id, user_id):
    with STORE.lock:
        a = get_app_locked(application_id)
        items = [endpoint_view(a["endpoints"][eid]) for eid in _user_endpoints_locked(a, user_id)]
    return json_response({"Item": items}, 200)


@app.route("/v1/apps/<application_id>/users/<user_id>", methods=["DELETE"])
def delete_user_endpoints(application_id, user_id):
    with STORE.lock:
        a = get_app_locked(application_id)
        items = []
        for eid in _user_endpoints_locked(a, user_id):
            items.append(endpoint_view(a["endpoints"].pop(eid)))
    return json_response({"Item": items}, 202)


# --------------------------------------------------------------------------------------
# HTTP server: Werkzeug's own, single-threaded
# --------------------------------------------------------------------------------------

class _DeadlineSocketIO(socket.SocketIO):
    """Raw socket reader that gives up once the connection's read budget is spent."""

    def __init__(self, sock, deadline):
        super().__init__(sock, "rb")
        self._deadline = deadline

    def readinto(self, b):
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("connection read deadline exceeded")
        self._sock.settimeout(min(remaining, SOCKET_TIMEOUT_S))
        return super().readinto(b)


class PinpointRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler with bounded reads and JSON MessageBody errors for requests
    that http.server itself rejects before the WSGI application sees them."""

    timeout = SOCKET_TIMEOUT_S

    def setup(self):
        super().setup()
        deadline = time.monotonic() + CONNECTION_DEADLINE_S
        self.rfile = io.BufferedReader(_DeadlineSocketIO(self.connection, deadline),
                                       buffer_size=65536)

    def run_wsgi(self):
        if self.request_version == "HTTP/1.0" and "Expect" in self.headers:
            # RFC 9110 10.1.1: "A server that receives a 100-continue expectation in an
            # HTTP/1.0 request MUST ignore that expectation." (Werkzeug would answer it.)
            del self.headers["Expect"]
        return super().run_wsgi()

    def parse_request(self):
        ok = super().parse_request()
        if ok and self.request_version == "HTTP/0.9":
            self.send_error(400, "HTTP/0.9 requests are not supported")
            return False
        return ok

    def send_error(self, code, message=None, explain=None):
        status = documented_status(int(code))
        if self.request_version in ("HTTP/0.9", "", None):
            # make sure a status line and headers are written
            self.request_version = "HTTP/1.0"
        rid = new_request_id()
        text = {
            400: "The request could not be parsed.",
            404: "The requested resource was not found.",
            405: "The method is not allowed.",
            413: "The request is too large.",
        }.get(status, REASONS[status])
        if int(code) == 414:
            text = "The request target is too long."
        elif int(code) == 431:
            text = "The request header fields are too large or too many."
        elif int(code) == 505:
            text = "The HTTP version is not supported."
        body = error_body(text, rid)
        try:
            self.log_error("code %d, message %s", int(code), str(message)[:200])
            self.send_response(status, REASONS[status])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-amzn-ErrorType", ERROR_TYPES[status])
            self.send_header("x-amzn-RequestId", rid)
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass
        self.close_connection = True


def main(argv=None):
    parser = argparse.ArgumentParser(description="Pinpoint User resource server (Flask)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)

    server = make_server(args.host, args.port, app, threaded=False, processes=1,
                         request_handler=PinpointRequestHandler)

    def _on_term(signum, frame):
        # serve_forever runs in this thread: shut it down from another one; the loop
        # ends after the request in progress, if any.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _on_term)
    host = args.host
    shown = f"[{host}]" if ":" in host else host
    print(f"listening on http://{shown}:{server.port}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
