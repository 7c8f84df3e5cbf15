"""Minimal in-memory emulator of part of the Amazon Pinpoint REST API (2016-12-01, rest-json).

Implemented operations (paths, methods, status codes and member names as in
AWS's service model):

    GetApps              GET    /v1/apps                                200 ApplicationsResponse
    CreateApp            POST   /v1/apps                                201 ApplicationResponse
    GetApp / DeleteApp   GET / DELETE /v1/apps/{application-id}         200 ApplicationResponse
    UpdateEndpointsBatch PUT    /v1/apps/{application-id}/endpoints     202 MessageBody
    UpdateEndpoint       PUT    /v1/apps/{app}/endpoints/{endpoint-id}  202 MessageBody
    GetEndpoint          GET    /v1/apps/{app}/endpoints/{endpoint-id}  200 EndpointResponse
    DeleteEndpoint       DELETE /v1/apps/{app}/endpoints/{endpoint-id}  202 EndpointResponse
    GetUserEndpoints     GET    /v1/apps/{app}/users/{user-id}          200 EndpointsResponse
    DeleteUserEndpoints  DELETE /v1/apps/{app}/users/{user-id}          202 EndpointsResponse

Errors are MessageBody {"Message", "RequestID"} with the exception name in the
x-amzn-ErrorType header; every response carries x-amzn-RequestId.

Decisions taken where the documentation is silent or ambiguous:
  * Paths: the raw request path (query string removed) is split on "/" and each
    segment is percent-decoded on its own as UTF-8 ("+" stays a literal plus), so
    "%2F" inside a user or endpoint ID is part of the ID. Bad UTF-8 -> 400.
    An empty path parameter (e.g. ".../users/") -> 400 BadRequestException.
  * Routing: a known path with a method the API does not define for it -> 405
    MethodNotAllowedException (checked before anything else); an unknown path ->
    404 NotFoundException.
  * Unknown application ID -> 404 NotFoundException on every per-app operation.
  * A user ID with no endpoints in the application: GetUserEndpoints and
    DeleteUserEndpoints answer 404 NotFoundException, because a user exists only
    through the endpoints that carry its UserId (this is how the real service
    behaves, to the best of my knowledge).
  * Endpoint IDs are case-insensitive (model: "The case insensitive unique
    identifier"); the Id keeps the spelling used when the endpoint was created.
    IDs containing "$", "{" or "}" are rejected with 400.
  * Updates are partial: a top-level member given replaces the stored one; inside
    Demographic, Location and User the fields given replace the stored fields;
    in Attributes, User.UserAttributes and Metrics the keys given replace the
    stored keys (others are kept) and an attribute given with [] is removed.
    User.UserId "" detaches the endpoint from its user.
  * Server-set fields: ApplicationId, Id, CreationDate (once), CohortId (random
    "0".."99", once), EffectiveDate and RequestId (every update; client values
    for these are ignored), OptOut "NONE" until set, EndpointStatus "ACTIVE" on
    every update unless the request gives one. As the model documents, updating
    an endpoint to ACTIVE sets other endpoints of the application with the same
    ChannelType and Address to INACTIVE.
  * Limits (400 BadRequestException): 15 endpoints per user ID, 100 items per
    batch, attribute/metric names 1-50 chars, attribute values <= 100 chars,
    <= 50 values per attribute, <= 250 Attributes+UserAttributes+Metrics keys per
    endpoint; ChannelType / OptOut / EndpointStatus must be documented values.
    Request bodies over 7 MB -> 413 PayloadTooLargeException.
  * A batch is validated in full before anything is stored (all or nothing).
  * 403 and 429 are never produced; unexpected failures become 500.
"""
import argparse
import copy
import json
import random
import re
import secrets
import threading
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
MAX_BODY_BYTES = 7 * 1024 * 1024
MAX_BATCH_ITEMS = 100
MAX_ENDPOINTS_PER_USER = 15
MAX_ATTR_NAME = 50
MAX_ATTR_VALUE = 100
MAX_VALUES_PER_ATTR = 50
MAX_ATTRS_PER_ENDPOINT = 250
CHANNEL_TYPES = {"PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "ADM",
                 "SMS", "VOICE", "EMAIL", "BAIDU", "CUSTOM", "IN_APP"}
DEMOGRAPHIC_FIELDS = ("AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform",
                      "PlatformVersion", "Timezone")
LOCATION_STRINGS = ("City", "Country", "PostalCode", "Region")
LOCATION_NUMBERS = ("Latitude", "Longitude")


class ApiError(Exception):
    def __init__(self, status, error_type, message):
        super().__init__(message)
        self.status, self.error_type, self.message = status, error_type, message


def bad_request(message):
    return ApiError(400, "BadRequestException", message)


def not_found(message="Resource not found"):
    return ApiError(404, "NotFoundException", message)


def now_iso():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# ----------------------------------------------------------------- validation

def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _check_name(name, where):
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_ATTR_NAME:
        raise bad_request(f"{where}: attribute name must be 1-{MAX_ATTR_NAME} characters")


def _attribute_map(value, where):
    """MapOfListOf__string with the documented length limits."""
    if not isinstance(value, dict):
        raise bad_request(f"{where} must be a map of string lists")
    out = {}
    for name, values in value.items():
        _check_name(name, where)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise bad_request(f"{where}.{name} must be a list of strings")
        if len(values) > MAX_VALUES_PER_ATTR:
            raise bad_request(f"{where}.{name} has more than {MAX_VALUES_PER_ATTR} values")
        for v in values:
            if len(v) > MAX_ATTR_VALUE:
                raise bad_request(f"{where}.{name}: value longer than {MAX_ATTR_VALUE} characters")
        out[name] = list(values)
    return out


def _struct(value, where, strings=(), numbers=()):
    if not isinstance(value, dict):
        raise bad_request(f"{where} must be an object")
    out = {}
    for k in strings:
        if value.get(k) is not None:
            if not isinstance(value[k], str):
                raise bad_request(f"{where}.{k} must be a string")
            out[k] = value[k]
    for k in numbers:
        if value.get(k) is not None:
            if not _is_number(value[k]):
                raise bad_request(f"{where}.{k} must be a number")
            out[k] = value[k]
    return out


def validate_endpoint_request(body, where="EndpointRequest"):
    """Return the members of an EndpointRequest/EndpointBatchItem that were given."""
    if not isinstance(body, dict):
        raise bad_request(f"{where} must be a JSON object")
    req = {}
    for k in ("Address", "ChannelType", "OptOut", "EndpointStatus"):
        if body.get(k) is not None:
            if not isinstance(body[k], str):
                raise bad_request(f"{where}.{k} must be a string")
            req[k] = body[k]
    if "ChannelType" in req and req["ChannelType"] not in CHANNEL_TYPES:
        raise bad_request(f"Invalid ChannelType: {req['ChannelType']}")
    if "OptOut" in req and req["OptOut"] not in ("ALL", "NONE"):
        raise bad_request("OptOut must be ALL or NONE")
    if "EndpointStatus" in req and req["EndpointStatus"] not in ("ACTIVE", "INACTIVE"):
        raise bad_request("EndpointStatus must be ACTIVE or INACTIVE")
    if body.get("Attributes") is not None:
        req["Attributes"] = _attribute_map(body["Attributes"], f"{where}.Attributes")
    if body.get("Metrics") is not None:
        metrics = body["Metrics"]
        if not isinstance(metrics, dict):
            raise bad_request(f"{where}.Metrics must be a map of numbers")
        for name, v in metrics.items():
            _check_name(name, f"{where}.Metrics")
            if not _is_number(v):
                raise bad_request(f"{where}.Metrics.{name} must be a number")
        req["Metrics"] = dict(metrics)
    if body.get("Demographic") is not None:
        req["Demographic"] = _struct(body["Demographic"], f"{where}.Demographic", DEMOGRAPHIC_FIELDS)
    if body.get("Location") is not None:
        req["Location"] = _struct(body["Location"], f"{where}.Location",
                                  LOCATION_STRINGS, LOCATION_NUMBERS)
    if body.get("User") is not None:
        user = _struct(body["User"], f"{where}.User", ("UserId",))
        if body["User"].get("UserAttributes") is not None:
            user["UserAttributes"] = _attribute_map(body["User"]["UserAttributes"],
                                                    f"{where}.User.UserAttributes")
        req["User"] = user
    return req


def check_endpoint_id(endpoint_id):
    if not endpoint_id:
        raise bad_request("Endpoint ID is required")
    if any(c in endpoint_id for c in "${}"):
        raise bad_request("Endpoint ID can't contain $, { or }")


# ---------------------------------------------------------------- the store

def _merge_map(target, key, updates, drop_empty):
    merged = dict(target.get(key, {}))
    for name, value in updates.items():
        if drop_empty and value == []:
            merged.pop(name, None)
        else:
            merged[name] = value
    if merged:
        target[key] = merged
    else:
        target.pop(key, None)


def merge_endpoint(old, req, app_id, endpoint_id, request_id, now):
    """Apply a validated update to a stored endpoint (or create one); returns a new dict."""
    if old is None:
        ep = {"ApplicationId": app_id, "Id": endpoint_id, "CreationDate": now,
              "CohortId": str(random.randrange(100)), "OptOut": "NONE"}
    else:
        ep = copy.deepcopy(old)
    for k in ("Address", "ChannelType", "OptOut"):
        if k in req:
            ep[k] = req[k]
    for k in ("Demographic", "Location"):
        if k in req:
            ep[k] = {**ep.get(k, {}), **req[k]}
    if "Attributes" in req:
        _merge_map(ep, "Attributes", req["Attributes"], drop_empty=True)
    if "Metrics" in req:
        _merge_map(ep, "Metrics", req["Metrics"], drop_empty=False)
    if "User" in req:
        user = dict(ep.get("User", {}))
        if "UserId" in req["User"]:
            if req["User"]["UserId"]:
                user["UserId"] = req["User"]["UserId"]
            else:
                user.pop("UserId", None)
        if "UserAttributes" in req["User"]:
            _merge_map(user, "UserAttributes", req["User"]["UserAttributes"], drop_empty=True)
        if user:
            ep["User"] = user
        else:
            ep.pop("User", None)
    ep["EndpointStatus"] = req.get("EndpointStatus", "ACTIVE")
    ep["EffectiveDate"] = now
    ep["RequestId"] = request_id
    count = (len(ep.get("Attributes", {})) + len(ep.get("Metrics", {}))
             + len(ep.get("User", {}).get("UserAttributes", {})))
    if count > MAX_ATTRS_PER_ENDPOINT:
        raise bad_request(f"Endpoint {endpoint_id} would have more than "
                          f"{MAX_ATTRS_PER_ENDPOINT} attributes")
    return ep


def user_of(ep):
    return ep.get("User", {}).get("UserId")


class Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.apps = {}        # application id -> ApplicationResponse dict
        self.endpoints = {}   # application id -> {lower-cased endpoint id -> EndpointResponse}

    def _endpoints_of(self, app_id):
        if app_id not in self.apps:
            raise not_found(f"Application {app_id} not found")
        return self.endpoints[app_id]

    def create_app(self, name, tags, region):
        app_id = secrets.token_hex(16)
        app = {"Arn": f"arn:aws:mobiletargeting:{region}:{ACCOUNT_ID}:apps/{app_id}",
               "Id": app_id, "Name": name, "tags": dict(tags), "CreationDate": now_iso()}
        with self.lock:
            self.apps[app_id] = app
            self.endpoints[app_id] = {}
            return copy.deepcopy(app)

    def list_apps(self):
        with self.lock:
            return [copy.deepcopy(a) for a in self.apps.values()]

    def get_app(self, app_id):
        with self.lock:
            self._endpoints_of(app_id)
            return copy.deepcopy(self.apps[app_id])

    def delete_app(self, app_id):
        with self.lock:
            self._endpoints_of(app_id)
            del self.endpoints[app_id]
            return self.apps.pop(app_id)

    def upsert_endpoints(self, app_id, items, request_id):
        """items: list of (endpoint id, validated request). All or nothing."""
        with self.lock:
            stored = self._endpoints_of(app_id)
            now = now_iso()
            staged = {}
            for endpoint_id, req in items:
                key = endpoint_id.lower()
                old = staged.get(key) or stored.get(key)
                staged[key] = merge_endpoint(old, req, app_id, endpoint_id, request_id, now)
            combined = {**stored, **staged}
            for user_id in {user_of(ep) for ep in staged.values()} - {None}:
                n = sum(1 for ep in combined.values() if user_of(ep) == user_id)
                if n > MAX_ENDPOINTS_PER_USER:
                    raise bad_request(f"User {user_id} would have more than "
                                      f"{MAX_ENDPOINTS_PER_USER} endpoints")
            stored.update(staged)
            for key, ep in reversed(list(staged.items())):   # the last update wins
                if ep.get("Address") and ep["EndpointStatus"] == "ACTIVE":
                    for other_key, other in stored.items():
                        if (other_key != key and other.get("Address") == ep["Address"]
                                and other.get("ChannelType") == ep.get("ChannelType")):
                            other["EndpointStatus"] = "INACTIVE"

    def get_endpoint(self, app_id, endpoint_id):
        with self.lock:
            ep = self._endpoints_of(app_id).get(endpoint_id.lower())
            if ep is None:
                raise not_found(f"Endpoint {endpoint_id} not found")
            return copy.deepcopy(ep)

    def delete_endpoint(self, app_id, endpoint_id):
        with self.lock:
            ep = self._endpoints_of(app_id).pop(endpoint_id.lower(), None)
            if ep is None:
                raise not_found(f"Endpoint {endpoint_id} not found")
            return ep

    def user_endpoints(self, app_id, user_id, delete=False):
        with self.lock:
            stored = self._endpoints_of(app_id)
            keys = [k for k, ep in stored.items() if user_of(ep) == user_id]
            if not keys:
                raise not_found(f"No endpoints found for user {user_id}")
            if delete:
                return [stored.pop(k) for k in keys]
            return [copy.deepcopy(stored[k]) for k in keys]


STORE = Store()


# ------------------------------------------------------------------ handlers

def op_get_apps(h, p):
    return 200, {"Item": STORE.list_apps()}


def op_create_app(h, p):
    body = h.json_body()
    if not isinstance(body, dict):
        raise bad_request("CreateApplicationRequest must be a JSON object")
    name, tags = body.get("Name"), body.get("tags") or {}
    if not isinstance(name, str) or not name:
        raise bad_request("Name is required")
    if not isinstance(tags, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                             for k, v in tags.items()):
        raise bad_request("tags must be a map of strings")
    return 201, STORE.create_app(name, tags, h.region())


def op_get_app(h, p):
    return 200, STORE.get_app(p["application-id"])


def op_delete_app(h, p):
    return 200, STORE.delete_app(p["application-id"])


def op_update_endpoint(h, p):
    check_endpoint_id(p["endpoint-id"])
    req = validate_endpoint_request(h.json_body())
    STORE.upsert_endpoints(p["application-id"], [(p["endpoint-id"], req)], h.request_id)
    return 202, {"Message": "Accepted", "RequestID": h.request_id}


def op_update_endpoints_batch(h, p):
    body = h.json_body()
    if not isinstance(body, dict) or not isinstance(body.get("Item"), list):
        raise bad_request("EndpointBatchRequest.Item is required and must be a list")
    if len(body["Item"]) > MAX_BATCH_ITEMS:
        raise bad_request(f"A batch can contain at most {MAX_BATCH_ITEMS} items")
    items = []
    for i, item in enumerate(body["Item"]):
        where = f"Item[{i}]"
        req = validate_endpoint_request(item, where)
        endpoint_id = item.get("Id")
        if not isinstance(endpoint_id, str):
            raise bad_request(f"{where}.Id is required")
        check_endpoint_id(endpoint_id)
        items.append((endpoint_id, req))
    STORE.upsert_endpoints(p["application-id"], items, h.request_id)
    return 202, {"Message": "Accepted", "RequestID": h.request_id}


def op_get_endpoint(h, p):
    return 200, STORE.get_endpoint(p["application-id"], p["endpoint-id"])


def op_delete_endpoint(h, p):
    return 202, STORE.delete_endpoint(p["application-id"], p["endpoint-id"])


def op_get_user_endpoints(h, p):
    return 200, {"Item": STORE.user_endpoints(p["application-id"], p["user-id"])}


def op_delete_user_endpoints(h, p):
    return 202, {"Item": STORE.user_endpoints(p["application-id"], p["user-id"], delete=True)}


ROUTES = [
    (("v1", "apps"), {"GET": op_get_apps, "POST": op_create_app}),
    (("v1", "apps", "{application-id}"), {"GET": op_get_app, "DELETE": op_delete_app}),
    (("v1", "apps", "{application-id}", "endpoints"), {"PUT": op_update_endpoints_batch}),
    (("v1", "apps", "{application-id}", "endpoints", "{endpoint-id}"),
     {"GET": op_get_endpoint, "PUT": op_update_endpoint, "DELETE": op_delete_endpoint}),
    (("v1", "apps", "{application-id}", "users", "{user-id}"),
     {"GET": op_get_user_endpoints, "DELETE": op_delete_user_endpoints}),
]


def split_path(raw_path):
    """Split the raw request target into percent-decoded segments."""
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    if "://" in path:                       # absolute-form request target
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    try:
        return [unquote(seg, encoding="utf-8", errors="strict") for seg in path.lstrip("/").split("/")]
    except UnicodeDecodeError:
        raise bad_request("The request path is not valid percent-encoded UTF-8")


def route(segments):
    for pattern, methods in ROUTES:
        if len(pattern) != len(segments):
            continue
        params = {}
        for pat, seg in zip(pattern, segments):
            if pat.startswith("{"):
                params[pat[1:-1]] = seg
            elif pat != seg:
                break
        else:
            return methods, params
    return None, None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PinpointEmulator/1.0"
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            super().log_message(fmt, *args)

    def region(self):
        m = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", self.headers.get("Authorization", ""))
        return m.group(1) if m else DEFAULT_REGION

    def json_body(self):
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("The request body is not valid JSON")

    def _read_body(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise bad_request("Invalid Content-Length")
        if length > MAX_BODY_BYTES:
            self.close_connection = True    # the body is left unread
            raise ApiError(413, "PayloadTooLargeException", "Request payload is too large")
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self):
        self.request_id = str(uuid.uuid4())
        try:
            self.body = self._read_body()
            methods, params = route(split_path(self.path))
            if methods is None:
                raise not_found("Resource not found")
            op = methods.get(self.command)
            if op is None:
                raise ApiError(405, "MethodNotAllowedException",
                               f"Method {self.command} is not allowed for this resource")
            for name, value in params.items():
                if not value:
                    raise bad_request(f"Path parameter {name} is required")
            status, payload = op(self, params)
            self._send(status, payload)
        except ApiError as e:
            self._send(e.status, {"Message": e.message, "RequestID": self.request_id}, e.error_type)
        except Exception as e:  # pragma: no cover - defensive
            self._send(500, {"Message": f"Internal server error: {e}", "RequestID": self.request_id},
                       "InternalServerErrorException")

    def _send(self, status, payload, error_type=None):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", self.request_id)
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle


def main():
    parser = argparse.ArgumentParser(description="In-memory Amazon Pinpoint emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args()
    Handler.verbose = args.verbose
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"Pinpoint emulator listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
