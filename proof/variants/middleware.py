"""ASGI wrappers that turn the reference server into a variant: rewrite a response, rewrite the
request path, or delay and cut responses. Each variant composes one of these with one defect."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pinpoint_conformance.reference.routes import origin_form

USER_PATH = re.compile(rb"^/v1/apps/[^/]+/users/[^/]+/?$")
Transform = Callable[[Request, int, MutableHeaders, bytes], tuple[int, MutableHeaders, bytes]]


def is_user_resource(request: Request) -> bool:
    return bool(USER_PATH.match(request.scope.get("raw_path") or b""))


# Where OriginForm keeps an absolute-form request target as it was sent.
SENT_TARGET = "pinpoint.sent_target"


def with_raw_path(scope: Scope, raw: bytes, **extra: Any) -> Scope:
    """The scope with another raw path, its decoded `path` to match, and `extra` keys."""
    return {**scope, "raw_path": raw, "path": unquote(raw.decode("latin-1")), **extra}


class OriginForm:
    """The HTTP layer under every ASGI variant: an absolute-form request target (`GET http://host/v1/...`,
    RFC 9112 §3.2.2) reaches the application as its path, as most servers' parsers deliver it, so
    that each variant's defect meets both forms of a request alike (PC708 compares them). The
    target as sent stays in the scope under SENT_TARGET, for the variant whose defect is to route it
    as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or scope["path"].encode()
            path = origin_form(raw)
            if path != raw:
                scope = with_raw_path(scope, path, **{SENT_TARGET: raw})
        await self.app(scope, receive, send)


async def buffered(app: ASGIApp, scope: Scope, receive: Receive) -> tuple[dict[str, Any], bytes]:
    """Run `app` and keep its response: the start message and the whole body."""
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    return start, b"".join(chunks)


class ResponseRewrite:
    """Buffers the wrapped app's response and passes it through `transform`."""

    def __init__(self, app: ASGIApp, transform: Transform) -> None:
        self.app = app
        self.transform = transform

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, body = await buffered(self.app, scope, receive)
        headers = MutableHeaders(raw=list(start["headers"]))
        status, headers, body = self.transform(Request(scope), start["status"], headers, body)
        headers["content-length"] = str(len(body))
        await send({"type": "http.response.start", "status": status, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})


def on_user_json(change: Callable[[Request, int, Any], tuple[int, Any]]) -> Transform:
    """A transform of the User resource's JSON bodies; other responses pass unchanged."""

    def transform(request: Request, status: int, headers: MutableHeaders, body: bytes):
        if not is_user_resource(request):
            return status, headers, body
        status, data = change(request, status, json.loads(body))
        return status, headers, json.dumps(data).encode()

    return transform


def on_endpoints(change: Callable[[dict[str, Any]], None]) -> Transform:
    """Change every endpoint listed by the User resource."""

    def apply(request: Request, status: int, data: Any) -> tuple[int, Any]:
        for endpoint in data.get("Item", []) if isinstance(data, dict) else []:
            change(endpoint)
        return status, data

    return on_user_json(apply)


class PathRewrite:
    """Rewrites the raw path of User resource requests before the server routes them."""

    def __init__(self, app: ASGIApp, rewrite: Callable[[bytes], bytes]) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and USER_PATH.match(scope.get("raw_path") or b""):
            scope = dict(scope)
            scope["raw_path"] = self.rewrite(scope["raw_path"])
        await self.app(scope, receive, send)


class QueryIntoPath:
    """Appends the query string to the raw path of User resource requests, as a router that reads the
    user ID from the whole request target does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("query_string") and USER_PATH.match(scope.get("raw_path") or b""):
            scope = {**scope, "raw_path": scope["raw_path"] + b"?" + scope["query_string"], "query_string": b""}
        await self.app(scope, receive, send)


class Intercept:
    """Answers some requests itself (`respond` returns a response or None) before the server does."""

    def __init__(self, app: ASGIApp, respond: Callable[[Request], Any]) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            result = self.respond(Request(scope))
            if asyncio.iscoroutine(result):
                result = await result
            if result is not None:
                await result(scope, receive, send)
                return
        await self.app(scope, receive, send)


class Trickle:
    """Sends large User resource bodies a few bytes at a time: the stalled-stream defect."""

    def __init__(self, app: ASGIApp, threshold: int, pause: float) -> None:
        self.app = app
        self.threshold = threshold
        self.pause = pause

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not USER_PATH.match(scope.get("raw_path") or b""):
            await self.app(scope, receive, send)
            return
        start, body = await buffered(self.app, scope, receive)
        await send(start)
        if len(body) < self.threshold:
            await send({"type": "http.response.body", "body": body})
            return
        for offset in range(0, len(body), 64):
            await send({"type": "http.response.body", "body": body[offset : offset + 64], "more_body": True})
            await asyncio.sleep(self.pause)
        await send({"type": "http.response.body", "body": b""})
