"""The reference server as an ASGI application (Starlette's request and response types, served by
uvicorn): the User resource and the support calls, answered exactly as AWS's model shapes them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from . import validation
from .errors import ApiError, bad_request
from .routes import resolve
from .store import Store

MAX_PAYLOAD = 7 * 1024 * 1024  # AWS's limit on a request body; larger ones get 413.
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FaultOptions:
    """Realistic misbehaviour for testing clients: a share of requests throttled, added latency."""

    throttle: float = 0.0
    latency_ms: float = 0.0


def json_response(status: int, body: Any, request_id: str, headers: dict[str, str] | None = None) -> Response:
    payload = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(payload, status_code=status, media_type="application/json")
    response.headers["x-amzn-RequestId"] = request_id
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def endpoints_response(documents: list[str]) -> bytes:
    """An EndpointsResponse spliced from stored JSON documents."""
    return b'{"Item":[' + ",".join(documents).encode() + b"]}"


def error_response(error: ApiError, request_id: str) -> Response:
    headers = {"x-amzn-ErrorType": error.error_type, **error.headers}
    return json_response(error.status, {"Message": error.message, "RequestID": request_id}, request_id, headers)


class ReferenceServer:
    """ASGI callable. One instance owns one store."""

    def __init__(self, store: Store, faults: FaultOptions | None = None) -> None:
        self.store = store
        self.faults = faults or FaultOptions()
        self._random = random.Random()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        request_id = str(uuid.uuid4())
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)
        try:
            if self.faults.throttle and self._random.random() < self.faults.throttle:
                raise ApiError(429, "Too many requests")
            response = await self._dispatch(request, request_id)
        except ApiError as error:
            response = error_response(error, request_id)
        except ClientDisconnect:
            return  # the client left in the middle of its request: nobody to answer
        except Exception:  # a bug: answer as AWS would rather than drop the connection
            log.exception("unhandled error")
            response = error_response(ApiError(500, "Internal server error"), request_id)
        await response(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _dispatch(self, request: Request, request_id: str) -> Response:
        route, params = resolve(request.scope.get("raw_path") or request.scope["path"].encode())
        operation = route.methods.get(request.method)
        if operation is None:
            allow = ", ".join(route.methods)
            raise ApiError(405, f"{request.method} is not allowed on this resource", {"Allow": allow})
        for name in ("application-id", "endpoint-id", "user-id"):
            if name in params:
                validation.identifier(params[name], name)
        handler = getattr(self, f"_{operation}")
        status, body = await handler(request, request_id, **{k.replace("-", "_"): v for k, v in params.items()})
        return json_response(status, body, request_id)

    async def _json_body(self, request: Request) -> Any:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_PAYLOAD:
            raise ApiError(413, "Request entity too large")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_PAYLOAD:
                raise ApiError(413, "Request entity too large")
            chunks.append(chunk)
        raw = b"".join(chunks)
        if not raw.strip():
            raise bad_request("a JSON request body is required")
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            raise bad_request("the request body is not valid JSON") from None

    # Support calls ------------------------------------------------------------------------

    async def _CreateApp(self, request: Request, request_id: str) -> tuple[int, Any]:
        name, tags = validation.create_application(await self._json_body(request))
        return 201, self.store.create_application(name, tags)

    async def _GetApp(self, request: Request, request_id: str, application_id: str) -> tuple[int, Any]:
        return 200, self.store.get_application(application_id)

    async def _DeleteApp(self, request: Request, request_id: str, application_id: str) -> tuple[int, Any]:
        return 200, self.store.delete_application(application_id)

    async def _UpdateEndpoint(self, request: Request, request_id: str, application_id: str,
                              endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        fields = validation.endpoint_request(await self._json_body(request))
        self.store.update_endpoints(application_id, [(endpoint_id, fields)], request_id)
        return 202, {"Message": "Accepted", "RequestID": request_id}

    async def _UpdateEndpointsBatch(self, request: Request, request_id: str,
                                    application_id: str) -> tuple[int, Any]:  # fmt: skip
        items = validation.batch_request(await self._json_body(request))
        for endpoint_id, _ in items:
            validation.identifier(endpoint_id, "endpoint ID")
        self.store.update_endpoints(application_id, items, request_id)
        return 202, {"Message": "Accepted", "RequestID": request_id}

    async def _GetEndpoint(self, request: Request, request_id: str, application_id: str,
                           endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        return 200, self.store.get_endpoint(application_id, endpoint_id)

    async def _DeleteEndpoint(self, request: Request, request_id: str, application_id: str,
                              endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        return 202, self.store.delete_endpoint(application_id, endpoint_id)

    # The User resource --------------------------------------------------------------------

    async def _GetUserEndpoints(self, request: Request, request_id: str, application_id: str,
                                user_id: str) -> tuple[int, Any]:  # fmt: skip
        return 200, endpoints_response(self.store.get_user_endpoints(application_id, user_id))

    async def _DeleteUserEndpoints(self, request: Request, request_id: str, application_id: str,
                                   user_id: str) -> tuple[int, Any]:  # fmt: skip
        return 202, endpoints_response(self.store.delete_user_endpoints(application_id, user_id))


def create_app(db_path: str = ":memory:", faults: FaultOptions | None = None) -> ReferenceServer:
    return ReferenceServer(Store(db_path), faults)
