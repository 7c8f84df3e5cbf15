"""A normalizing reverse proxy in front of the server, as nginx or Envoy normalize paths: the raw
path is rewritten before the server sees it. RFC 3986 makes both rewrites equivalences: a
percent-escape of an unreserved character is that character (§2.3, §6.2.2.2), and dot segments
are removed (§5.2.4, §6.2.2.3). Nothing else is changed: reserved escapes such as %2F stay
encoded, and empty segments are not merged.
"""

from __future__ import annotations

import re
import string
import uuid

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from .middleware import with_raw_path

UNRESERVED = frozenset((string.ascii_letters + string.digits + "-._~").encode())
ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")
MALFORMED_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


class Refused(Exception):
    """A path the proxy will not forward."""


def decode_unreserved(raw: bytes) -> bytes:
    if MALFORMED_ESCAPE.search(raw):
        raise Refused("the path holds a malformed percent-escape")

    def decode(match: re.Match[bytes]) -> bytes:
        byte = int(match.group(1), 16)
        return bytes([byte]) if byte in UNRESERVED else match.group(0)

    return ESCAPE.sub(decode, raw)


def remove_dot_segments(path: bytes) -> bytes:
    """RFC 3986 §5.2.4 on an absolute path, except that climbing above the root is refused
    rather than clamped: such a request was never meant for this server."""
    segments = path.split(b"/")[1:]
    kept: list[bytes] = []
    for segment in segments:
        if segment == b"..":
            if not kept:
                raise Refused("the path climbs above the root")
            kept.pop()
        elif segment != b".":
            kept.append(segment)
    if segments[-1] in (b".", b".."):
        kept.append(b"")  # "/a/b/.." is "/a/": the directory, with its slash
    return b"/" + b"/".join(kept)


def normalize(raw: bytes) -> bytes:
    """Decoding comes first, so that %2E%2E is a dot segment too (as in nginx)."""
    return remove_dot_segments(decode_unreserved(raw)) if raw.startswith(b"/") else raw


class NormalizingProxy:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            raw = normalize(scope.get("raw_path") or scope["path"].encode())
        except Refused as refusal:
            await refuse(str(refusal))(scope, receive, send)
            return
        scope = with_raw_path(scope, raw)
        await self.app(scope, receive, send)


def refuse(reason: str) -> JSONResponse:
    # The API's own error shape and headers, so that clients of the API parse the proxy's refusals.
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": "BadRequestException"}
    return JSONResponse({"Message": reason, "RequestID": request_id}, status_code=400, headers=headers)
