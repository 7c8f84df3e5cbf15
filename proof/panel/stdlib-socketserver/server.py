#!/usr/bin/env python3
"""A small, independent server for part of the Amazon Pinpoint REST API
(API version 2016-12-01, protocol rest-json): applications, endpoints and the
User resource (GetUserEndpoints / DeleteUserEndpoints).

Python 3.11 standard library only: http.server.BaseHTTPRequestHandler on
http.server.HTTPServer with socketserver.ThreadingMixIn. Data lives in memory.

Start:  python3 server.py --host 127.0.0.1 --port 8080
"""

import argparse
import copy
import datetime
import hashlib
import json
import re
import signal
import socket
import socketserver
import sys
import threading
import traceback
import uuid
import http.server
from urllib.parse import parse_qsl
from http import HTTPStatus

# --------------------------------------------------------------------------
# Limits and constants (see DECISIONS.md)
# --------------------------------------------------------------------------

MAX_ID_CHARS = 256            # user, endpoint and application IDs
MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_BATCH_ITEMS = 100         # "An array can contain a maximum of 100 items."
MAX_ATTR_NAME_CHARS = 50      # "An attribute name can contain up to 50 characters."
MAX_ATTR_VALUE_CHARS = 100    # "An attribute value can contain up to 100 characters."
IDLE_TIMEOUT_SECONDS = 2
ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

CHANNEL_TYPES = {
    "PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX",
    "ADM", "SMS", "VOICE", "EMAIL", "BAIDU", "CUSTOM", "IN_APP",
}
ENDPOINT_STATUSES = {"ACTIVE", "INACTIVE"}
OPT_OUT_VALUES = {"ALL", "NONE"}

# Exception name -> HTTP status, as in the service model's error shapes.
ERROR_STATUS = {
    "BadRequestException": 400,
    "ForbiddenException": 403,
    "NotFoundException": 404,
    "MethodNotAllowedException": 405,
    "PayloadTooLargeException": 413,
    "TooManyRequestsException": 429,
    "InternalServerErrorException": 500,
}

# RFC 9110 section 5.6.2: token = 1*tchar
TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
HEX = "0123456789abcdefABCDEF"


class ApiError(Exception):
    """An error answered with a MessageBody and x-amzn-ErrorType."""

    def __init__(self, error_type, message, close=False, headers=()):
        super().__init__(message)
        self.error_type = error_type
        self.status = ERROR_STATUS[error_type]
        self.message = message
        self.close = close
        self.headers = tuple(headers)


def bad_request(message, close=False):
    return ApiError("BadRequestException", message, close=close)


def not_found(message):
    return ApiError("NotFoundException", message)


def now_iso():
    return (datetime.datetime.now(datetime.timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"))


# --------------------------------------------------------------------------
# Identifier validation
# --------------------------------------------------------------------------

def _has_forbidden_chars(value):
    for ch in value:
        o = ord(ch)
        # C0 controls, DEL, C1 controls (Unicode category Cc), lone surrogates
        if o < 0x20 or 0x7F <= o <= 0x9F or 0xD800 <= o <= 0xDFFF:
            return True
    return False


def check_id(value, what):
    """Raise 400 for an ID that is empty, too long or has control chars."""
    if not isinstance(value, str):
        raise bad_request("%s must be a string." % what)
    if value == "":
        raise bad_request("%s must not be empty." % what)
    if len(value) > MAX_ID_CHARS:
        raise bad_request("%s must be at most %d characters long."
                          % (what, MAX_ID_CHARS))
    if _has_forbidden_chars(value):
        raise bad_request("%s must not contain control characters." % what)


def check_endpoint_id(value, what="Endpoint ID"):
    check_id(value, what)
    # "The identifier can't contain $, { or }."
    if any(c in value for c in "${}"):
        raise bad_request("%s can't contain '$', '{' or '}'." % what)


def endpoint_key(endpoint_id):
    # "The case insensitive unique identifier for the endpoint."
    return endpoint_id.casefold()


# --------------------------------------------------------------------------
# Request body validation (shapes of the service model)
# --------------------------------------------------------------------------

def _no_surrogates(value, where):
    if _has_surrogate(value):
        raise bad_request("%s contains an invalid Unicode code point." % where)


def _has_surrogate(s):
    return any(0xD800 <= ord(c) <= 0xDFFF for c in s)


def v_string(value, where):
    if not isinstance(value, str):
        raise bad_request("%s must be a string." % where)
    _no_surrogates(value, where)
    return value


def v_double(value, where):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad_request("%s must be a number." % where)
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise bad_request("%s must be a finite number." % where)
    return value


def v_enum(allowed):
    def check(value, where):
        v_string(value, where)
        if value not in allowed:
            raise bad_request("%s must be one of: %s."
                              % (where, ", ".join(sorted(allowed))))
        return value
    return check


def v_map(value_check, key_max=None):
    def check(value, where):
        if not isinstance(value, dict):
            raise bad_request("%s must be a JSON object." % where)
        out = {}
        for k, v in value.items():
            _no_surrogates(k, where + " key")
            if key_max is not None and len(k) > key_max:
                raise bad_request("%s: attribute name %r is longer than %d "
                                  "characters." % (where, k[:60], key_max))
            out[k] = value_check(v, "%s[%r]" % (where, k[:60]))
        return out
    return check


def v_list(member_check):
    def check(value, where):
        if not isinstance(value, list):
            raise bad_request("%s must be a JSON array." % where)
        return [member_check(v, "%s[%d]" % (where, i))
                for i, v in enumerate(value)]
    return check


def v_attr_value(value, where):
    v_string(value, where)
    if len(value) > MAX_ATTR_VALUE_CHARS:
        raise bad_request("%s: an attribute value can contain up to %d "
                          "characters." % (where, MAX_ATTR_VALUE_CHARS))
    return value


def v_struct(members, required=()):
    def check(value, where):
        if not isinstance(value, dict):
            raise bad_request("%s must be a JSON object." % where)
        out = {}
        for name, member_check in members.items():
            # A JSON null is treated as an absent member.
            if name in value and value[name] is not None:
                out[name] = member_check(value[name], "%s.%s" % (where, name))
        for name in required:
            if name not in out:
                raise bad_request("%s.%s is required." % (where, name))
        return out
    return check


def v_user_id(value, where):
    v_string(value, where)
    check_id(value, where)
    return value


def v_batch_endpoint_id(value, where):
    v_string(value, where)
    check_endpoint_id(value, where)
    return value


v_attributes = v_map(v_list(v_attr_value), key_max=MAX_ATTR_NAME_CHARS)

ENDPOINT_MEMBERS = {
    "Address": v_string,
    "Attributes": v_attributes,
    "ChannelType": v_enum(CHANNEL_TYPES),
    "Demographic": v_struct({k: v_string for k in (
        "AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform",
        "PlatformVersion", "Timezone")}),
    "EffectiveDate": v_string,
    "EndpointStatus": v_enum(ENDPOINT_STATUSES),
    "Location": v_struct({
        "City": v_string, "Country": v_string, "Latitude": v_double,
        "Longitude": v_double, "PostalCode": v_string, "Region": v_string}),
    "Metrics": v_map(v_double),
    "OptOut": v_enum(OPT_OUT_VALUES),
    "RequestId": v_string,
    "User": v_struct({"UserAttributes": v_attributes, "UserId": v_user_id}),
}

v_endpoint_request = v_struct(ENDPOINT_MEMBERS)
v_endpoint_batch_item = v_struct(
    dict(ENDPOINT_MEMBERS, Id=v_batch_endpoint_id), required=("Id",))


def v_endpoint_batch_request(value, where):
    out = v_struct({"Item": v_list(v_endpoint_batch_item)},
                   required=("Item",))(value, where)
    if len(out["Item"]) > MAX_BATCH_ITEMS:
        raise bad_request("EndpointBatchRequest.Item can contain a maximum of "
                          "%d items." % MAX_BATCH_ITEMS)
    return out


def v_create_application_request(value, where):
    out = v_struct({"Name": v_string, "tags": v_map(v_string)},
                   required=("Name",))(value, where)
    if out["Name"] == "":
        raise bad_request("%s.Name must not be empty." % where)
    return out


def _reject_constant(name):
    raise ValueError("%s is not valid JSON" % name)


def parse_json_body(body, what):
    """Parse a request body as a JSON object (RFC 8259), or raise 400."""
    if not body:
        raise bad_request("The request body (%s) is required." % what)
    try:
        text = body.decode("utf-8-sig")  # strict UTF-8; a BOM is ignored
    except UnicodeDecodeError:
        raise bad_request("The request body is not valid UTF-8.")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise bad_request("The request body is not valid JSON.")
    if not isinstance(value, dict):
        raise bad_request("The request body must be a JSON object (%s)." % what)
    return value


# --------------------------------------------------------------------------
# In-memory store
# --------------------------------------------------------------------------

class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.apps = {}  # app id -> {"app": ApplicationResponse, "endpoints": {key: EndpointResponse}}

    # --- applications -----------------------------------------------------
    def create_app(self, req, region):
        app_id = uuid.uuid4().hex
        app = {
            "Arn": "arn:aws:mobiletargeting:%s:%s:apps/%s"
                   % (region, ACCOUNT_ID, app_id),
            "Id": app_id,
            "Name": req["Name"],
            "tags": dict(req.get("tags", {})),
            "CreationDate": now_iso(),
        }
        with self.lock:
            self.apps[app_id] = {"app": app, "endpoints": {}}
            return copy.deepcopy(app)

    def _app(self, app_id):
        entry = self.apps.get(app_id)
        if entry is None:
            raise not_found("Application not found: the application ID does "
                            "not exist.")
        return entry

    def get_app(self, app_id):
        with self.lock:
            return copy.deepcopy(self._app(app_id)["app"])

    def delete_app(self, app_id):
        with self.lock:
            entry = self._app(app_id)
            del self.apps[app_id]
            return copy.deepcopy(entry["app"])

    def list_apps(self):
        with self.lock:
            return [copy.deepcopy(e["app"]) for e in self.apps.values()]

    # --- endpoints ----------------------------------------------------------
    def _write_endpoint(self, app_id, endpoints, endpoint_id, req, request_id):
        key = endpoint_key(endpoint_id)
        now = now_iso()
        ep = endpoints.get(key)
        if ep is None:
            cohort = int(hashlib.sha256(key.encode("utf-8", "surrogatepass"))
                         .hexdigest(), 16) % 100
            ep = {
                "ApplicationId": app_id,
                "Id": endpoint_id,
                "CohortId": str(cohort),
                "CreationDate": now,
                "OptOut": "NONE",
            }
            endpoints[key] = ep
        for name in ("Address", "ChannelType", "OptOut"):
            if name in req:
                ep[name] = req[name]
        # Custom attributes / metrics: values for a named attribute replace
        # (overwrite) the existing values; other attributes are kept.
        for name in ("Attributes", "Metrics", "Demographic", "Location"):
            if name in req:
                ep.setdefault(name, {}).update(copy.deepcopy(req[name]))
        if "User" in req:
            user = ep.setdefault("User", {})
            if "UserId" in req["User"]:
                user["UserId"] = req["User"]["UserId"]
            if "UserAttributes" in req["User"]:
                user.setdefault("UserAttributes", {}).update(
                    copy.deepcopy(req["User"]["UserAttributes"]))
        ep["EffectiveDate"] = req.get("EffectiveDate", now)
        ep["EndpointStatus"] = req.get("EndpointStatus", "ACTIVE")
        ep["RequestId"] = request_id
        # "Amazon Pinpoint automatically sets this value to INACTIVE if you
        # update another endpoint that has the same address"
        address = ep.get("Address")
        if address is not None:
            for other_key, other in endpoints.items():
                if other_key != key and other.get("Address") == address:
                    other["EndpointStatus"] = "INACTIVE"

    def update_endpoint(self, app_id, endpoint_id, req, request_id):
        with self.lock:
            entry = self._app(app_id)
            self._write_endpoint(app_id, entry["endpoints"], endpoint_id, req,
                                 request_id)

    def update_endpoints_batch(self, app_id, items, request_id):
        with self.lock:
            entry = self._app(app_id)
            for item in items:
                item = dict(item)
                endpoint_id = item.pop("Id")
                self._write_endpoint(app_id, entry["endpoints"], endpoint_id,
                                     item, request_id)

    def get_endpoint(self, app_id, endpoint_id):
        with self.lock:
            ep = self._app(app_id)["endpoints"].get(endpoint_key(endpoint_id))
            if ep is None:
                raise not_found("Endpoint not found: the endpoint ID does not "
                                "exist in this application.")
            return copy.deepcopy(ep)

    def delete_endpoint(self, app_id, endpoint_id):
        with self.lock:
            endpoints = self._app(app_id)["endpoints"]
            ep = endpoints.pop(endpoint_key(endpoint_id), None)
            if ep is None:
                raise not_found("Endpoint not found: the endpoint ID does not "
                                "exist in this application.")
            return copy.deepcopy(ep)

    # --- users --------------------------------------------------------------
    def get_user_endpoints(self, app_id, user_id):
        with self.lock:
            endpoints = self._app(app_id)["endpoints"]
            return [copy.deepcopy(ep) for ep in endpoints.values()
                    if ep.get("User", {}).get("UserId") == user_id]

    def delete_user_endpoints(self, app_id, user_id):
        with self.lock:
            endpoints = self._app(app_id)["endpoints"]
            keys = [k for k, ep in endpoints.items()
                    if ep.get("User", {}).get("UserId") == user_id]
            return [endpoints.pop(k) for k in keys]


STORE = Store()


# --------------------------------------------------------------------------
# Request-target parsing
# --------------------------------------------------------------------------

def percent_decode_segment(raw):
    """Strictly percent-decode one path segment (bytes) into str (UTF-8)."""
    out = bytearray()
    i, n = 0, len(raw)
    while i < n:
        b = raw[i]
        if b == 0x25:  # '%'
            if i + 2 >= n:
                raise bad_request("Malformed percent-encoding in the request "
                                  "path.")
            h = raw[i + 1:i + 3].decode("latin-1")
            if len(h) != 2 or h[0] not in HEX or h[1] not in HEX:
                raise bad_request("Malformed percent-encoding in the request "
                                  "path.")
            out.append(int(h, 16))
            i += 3
        else:
            out.append(b)
            i += 1
    try:
        return bytes(out).decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("The request path is not valid UTF-8 after "
                          "percent-decoding.")


def split_target(target):
    """Return (list of decoded path segments, raw query string)."""
    raw = target.encode("latin-1", "replace")
    if re.match(rb"[A-Za-z][A-Za-z0-9+.\-]*://", raw):  # absolute-form
        rest = raw.split(b"://", 1)[1]
        slash = rest.find(b"/")
        raw = rest[slash:] if slash >= 0 else b"/"
    if not raw.startswith(b"/"):
        raise bad_request("The request target must be an absolute path.")
    for b in raw:
        if b < 0x21 or b == 0x7F or b == 0x23:  # controls, space, '#'
            raise bad_request("The request target contains a character that "
                              "is not allowed.")
    path, _, query = raw.partition(b"?")
    segments = [percent_decode_segment(s) for s in path[1:].split(b"/")]
    return segments, query.decode("latin-1")


# --------------------------------------------------------------------------
# HTTP handler
# --------------------------------------------------------------------------

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "pinpoint-lite/1.0"
    timeout = IDLE_TIMEOUT_SECONDS  # idle connections are closed after 2 s

    def version_string(self):
        return self.server_version

    request_id = None
    _client_close = False

    # ---- connection loop ---------------------------------------------------
    def handle_one_request(self):
        self.request_id = None
        self._client_close = False
        self.command = None
        self.requestline = ""
        self.request_version = "HTTP/1.1"
        try:
            self.raw_requestline = self.rfile.readline(65537)
            # RFC 9112 section 2.2: a server SHOULD ignore at least one empty
            # line received prior to the request-line.
            for _ in range(4):
                if self.raw_requestline not in (b"\r\n", b"\n"):
                    break
                self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            self.requestline = str(self.raw_requestline[:200],
                                   "iso-8859-1").rstrip("\r\n")
            if len(self.raw_requestline) > 65536:
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG,
                                "The request line is too long.")
                return
            if len(self.raw_requestline.split()) == 2:
                # An HTTP/0.9 request line: answer at once instead of
                # waiting for header lines that will never come.
                self.send_error(HTTPStatus.BAD_REQUEST,
                                "HTTP/0.9 requests are not supported.")
                return
            if not self.parse_request():
                return
            self._client_close = self._wants_close()
            if self._client_close:
                self.close_connection = True
            self.dispatch()
            self.wfile.flush()
        except (TimeoutError, socket.timeout):
            self.close_connection = True
        except (ConnectionError, OSError):
            self.close_connection = True
        except Exception:
            traceback.print_exc()
            self.close_connection = True

    def _wants_close(self):
        tokens = set()
        for value in self.headers.get_all("Connection", []):
            tokens.update(t.strip().lower() for t in value.split(","))
        if "close" in tokens:
            return True
        if self.request_version != "HTTP/1.1" and "keep-alive" not in tokens:
            return True
        if self.request_version == "HTTP/1.0" and "keep-alive" in tokens:
            self.close_connection = False
        return False

    # ---- error responses produced by BaseHTTPRequestHandler itself --------
    def send_error(self, code, message=None, explain=None):
        """Malformed request line / headers: answer 400 with a MessageBody."""
        if self.request_version in (None, "HTTP/0.9"):
            self.request_version = "HTTP/1.1"
        status = int(code)
        error_type = next((n for n, s in ERROR_STATUS.items() if s == status),
                          "BadRequestException")
        if not message:
            try:
                message = HTTPStatus(status).phrase
            except ValueError:
                message = "Bad request"
        self.close_connection = True
        try:
            self._send_error_json(ApiError(error_type, message, close=True))
        except OSError:
            pass

    def log_message(self, format, *args):
        msg = format % args
        msg = msg.encode("ascii", "backslashreplace").decode("ascii")
        msg = "".join(c if 0x20 <= ord(c) < 0x7F else "\\x%02x" % ord(c)
                      for c in msg)
        sys.stderr.write("%s - [%s] %s\n" % (
            self.address_string(), self.log_date_time_string(), msg[:500]))

    # ---- response writing ---------------------------------------------------
    def _send_json(self, status, obj, error_type=None, close=False,
                   headers=()):
        if self.request_id is None:
            self.request_id = str(uuid.uuid4())
        body = json.dumps(obj).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", self.request_id)
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        for name, value in headers:
            self.send_header(name, value)
        if close:
            self.close_connection = True
            if not self._client_close:
                self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0" and not self.close_connection:
            self.send_header("Connection", "keep-alive")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_error_json(self, err):
        if self.request_id is None:
            self.request_id = str(uuid.uuid4())
        self._send_json(err.status,
                        {"Message": err.message, "RequestID": self.request_id},
                        error_type=err.error_type, close=err.close,
                        headers=err.headers)

    # ---- body ---------------------------------------------------------------
    def _read_body(self):
        if self.headers.get_all("Transfer-Encoding"):
            raise bad_request("Transfer-Encoding is not supported; send the "
                              "body with a Content-Length.", close=True)
        values = self.headers.get_all("Content-Length") or []
        if not values:
            return b""
        parts = set()
        for v in values:
            for p in v.split(","):
                parts.add(p.strip(" \t"))
        if len(parts) != 1:
            raise bad_request("Conflicting Content-Length values.", close=True)
        value = parts.pop()
        if not value.isascii() or not value.isdigit():
            raise bad_request("Invalid Content-Length.", close=True)
        length = int(value)
        if length > MAX_BODY_BYTES:
            raise ApiError("PayloadTooLargeException",
                           "The request body is larger than %d bytes."
                           % MAX_BODY_BYTES, close=True)
        if length == 0:
            return b""
        try:
            body = self.rfile.read(length)
        except (TimeoutError, socket.timeout):
            body = None
        if body is None or len(body) < length:
            raise bad_request("The request body is shorter than its "
                              "Content-Length.", close=True)
        return body

    # ---- dispatch -----------------------------------------------------------
    def dispatch(self):
        self.request_id = str(uuid.uuid4())
        try:
            method = self.command
            if not TOKEN_RE.match(method or ""):
                raise bad_request("Invalid request method.", close=True)
            body = self._read_body()
            if method in ("HEAD", "OPTIONS"):
                raise bad_request("The %s method is not supported." % method)
            status, payload = self.route(method, body)
            self._send_json(status, payload)
        except ApiError as err:
            self._send_error_json(err)
        except (TimeoutError, socket.timeout, ConnectionError):
            raise
        except Exception:  # deliberate 500, never a crash
            traceback.print_exc()
            self._send_error_json(ApiError(
                "InternalServerErrorException",
                "The request failed due to an internal server error."))

    def _region(self):
        auth = self.headers.get("Authorization", "")
        m = re.search(r"Credential=[^/,\s]*/\d{8}/([a-z0-9-]{1,32})/", auth)
        return m.group(1) if m else DEFAULT_REGION

    def route(self, method, body):
        segments, query = split_target(self.path)
        if len(segments) < 2 or segments[0] != "v1" or segments[1] != "apps":
            raise not_found("No resource at this path.")
        n = len(segments)
        if n == 2:
            return self._dispatch(method, {"POST": self.op_create_app,
                                           "GET": self.op_get_apps},
                                  body=body, query=query)
        app_id = segments[2]
        if n == 3:
            return self._dispatch(method, {"GET": self.op_get_app,
                                           "DELETE": self.op_delete_app},
                                  app_id=app_id)
        if segments[3] == "endpoints":
            if n == 4:
                return self._dispatch(
                    method, {"PUT": self.op_update_endpoints_batch},
                    app_id=app_id, body=body)
            if n == 5:
                return self._dispatch(
                    method, {"PUT": self.op_update_endpoint,
                             "GET": self.op_get_endpoint,
                             "DELETE": self.op_delete_endpoint},
                    app_id=app_id, endpoint_id=segments[4], body=body)
        if segments[3] == "users" and n == 5:
            return self._dispatch(
                method, {"GET": self.op_get_user_endpoints,
                         "DELETE": self.op_delete_user_endpoints},
                app_id=app_id, user_id=segments[4])
        raise not_found("No resource at this path.")

    def _dispatch(self, method, table, **kwargs):
        op = table.get(method)
        if op is None:
            allow = ", ".join(sorted(table))
            raise ApiError("MethodNotAllowedException",
                           "The method %s is not allowed for this resource."
                           % method[:32], headers=[("Allow", allow)])
        params = op.__code__.co_varnames[1:op.__code__.co_argcount]
        return op(**{k: v for k, v in kwargs.items() if k in params})

    # ---- operations -----------------------------------------------------------
    def op_create_app(self, body):
        req = v_create_application_request(
            parse_json_body(body, "CreateApplicationRequest"),
            "CreateApplicationRequest")
        return 201, STORE.create_app(req, self._region())

    def op_get_apps(self, query):
        page_size = None
        token = 0
        try:
            pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise bad_request("Malformed query string.")
        for k, v in pairs:
            if k == "page-size":
                if not (v.isascii() and v.isdigit()) or not 1 <= int(v) <= 1000:
                    raise bad_request("page-size must be an integer from 1 "
                                      "to 1000.")
                page_size = int(v)
            elif k == "token":
                if not (v.isascii() and v.isdigit()) or len(v) > 9:
                    raise bad_request("Invalid token.")
                token = int(v)
        apps = STORE.list_apps()
        end = len(apps) if page_size is None else token + page_size
        result = {"Item": apps[token:end]}
        if end < len(apps):
            result["NextToken"] = str(end)
        return 200, result

    def op_get_app(self, app_id):
        check_id(app_id, "Application ID")
        return 200, STORE.get_app(app_id)

    def op_delete_app(self, app_id):
        check_id(app_id, "Application ID")
        return 200, STORE.delete_app(app_id)

    def op_update_endpoint(self, app_id, endpoint_id, body):
        check_id(app_id, "Application ID")
        check_endpoint_id(endpoint_id)
        req = v_endpoint_request(parse_json_body(body, "EndpointRequest"),
                                 "EndpointRequest")
        STORE.update_endpoint(app_id, endpoint_id, req, self.request_id)
        return 202, {"Message": "Accepted", "RequestID": self.request_id}

    def op_update_endpoints_batch(self, app_id, body):
        check_id(app_id, "Application ID")
        req = v_endpoint_batch_request(
            parse_json_body(body, "EndpointBatchRequest"),
            "EndpointBatchRequest")
        STORE.update_endpoints_batch(app_id, req["Item"], self.request_id)
        return 202, {"Message": "Accepted", "RequestID": self.request_id}

    def op_get_endpoint(self, app_id, endpoint_id):
        check_id(app_id, "Application ID")
        check_endpoint_id(endpoint_id)
        return 200, STORE.get_endpoint(app_id, endpoint_id)

    def op_delete_endpoint(self, app_id, endpoint_id):
        check_id(app_id, "Application ID")
        check_endpoint_id(endpoint_id)
        return 202, STORE.delete_endpoint(app_id, endpoint_id)

    def op_get_user_endpoints(self, app_id, user_id):
        check_id(app_id, "Application ID")
        check_id(user_id, "User ID")
        return 200, {"Item": STORE.get_user_endpoints(app_id, user_id)}

    def op_delete_user_endpoints(self, app_id, user_id):
        check_id(app_id, "Application ID")
        check_id(user_id, "User ID")
        return 202, {"Item": STORE.delete_user_endpoints(app_id, user_id)}


# --------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------

class ThreadingPinpointServer(socketserver.ThreadingMixIn,
                              http.server.HTTPServer):
    # request_queue_size stays socketserver's default (5).
    daemon_threads = True
    block_on_close = False

    def server_bind(self):
        # Like HTTPServer.server_bind, without the reverse-DNS getfqdn() call.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = host
        self.server_port = port

    def handle_error(self, request, client_address):
        # A failure in one connection never stops the server.
        sys.stderr.write("error while handling a connection from %r\n"
                         % (client_address,))
        traceback.print_exc()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)

    server_class = ThreadingPinpointServer
    if ":" in args.host:
        server_class = type("ThreadingPinpointServer6",
                            (ThreadingPinpointServer,),
                            {"address_family": socket.AF_INET6})
    server = server_class((args.host, args.port), Handler)

    def on_signal(signum, frame):
        # shutdown() waits for serve_forever() to return, so call it from
        # another thread than the one running serve_forever().
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    port = server.server_address[1]
    shown_host = "[%s]" % args.host if ":" in args.host else args.host
    print("listening on http://%s:%d" % (shown_host, port), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
