"""The resource's routes: which handler answers which method on which path.

Routing splits the *raw* path into segments before percent-decoding each one, unlike routers that
decode first: a user ID may hold an encoded slash (`%2F`) and must still be one segment. A literal
`+` stays a plus (it means a space only in form-encoded query strings).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .errors import bad_request, not_found

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Route:
    pattern: tuple[str, ...]  # literal segments, or "{name}" for a parameter
    methods: dict[str, str]  # HTTP method -> handler name (an AWS operation)

    def match(self, segments: list[str]) -> dict[str, str] | None:
        if len(segments) != len(self.pattern):
            return None
        params: dict[str, str] = {}
        for want, got in zip(self.pattern, segments, strict=True):
            if want.startswith("{"):
                params[want[1:-1]] = got
            elif want != got:
                return None
        return params


ROUTES = (
    Route(("v1", "apps"), {"POST": "CreateApp"}),
    Route(("v1", "apps", "{application-id}"), {"GET": "GetApp", "DELETE": "DeleteApp"}),
    Route(("v1", "apps", "{application-id}", "endpoints"), {"PUT": "UpdateEndpointsBatch"}),
    Route(
        ("v1", "apps", "{application-id}", "endpoints", "{endpoint-id}"),
        {"GET": "GetEndpoint", "PUT": "UpdateEndpoint", "DELETE": "DeleteEndpoint"},
    ),
    Route(
        ("v1", "apps", "{application-id}", "users", "{user-id}"),
        {"GET": "GetUserEndpoints", "DELETE": "DeleteUserEndpoints"},
    ),
)


ABSOLUTE_FORM = re.compile(rb"^https?://[^/]*", re.IGNORECASE)


def origin_form(raw_target: bytes) -> bytes:
    """The path of a request target. RFC 9112 §3.2.2: a server MUST accept the absolute-form
    (`GET http://host/v1/apps/...`), and uvicorn's h11 parser passes it on whole as the path; the
    authority in it names this server (a proxy would have taken it), so only the path counts."""
    match = ABSOLUTE_FORM.match(raw_target)
    if match is None:
        return raw_target
    return raw_target[match.end() :] or b"/"


def split_path(raw_path: bytes) -> list[str]:
    """Percent-decode each segment of the raw path as UTF-8; invalid UTF-8 is a 400."""
    text = raw_path.decode("latin-1")
    segments = text.strip("/").split("/") if text.strip("/") else []
    try:
        return [unquote(segment, encoding="utf-8", errors="strict") for segment in segments]
    except UnicodeDecodeError:
        raise bad_request("the path is not valid percent-encoded UTF-8") from None


def resolve(raw_path: bytes) -> tuple[Route, dict[str, str]]:
    segments = split_path(origin_form(raw_path))
    for route in ROUTES:
        params = route.match(segments)
        if params is not None:
            return route, params
    raise not_found("No such resource")
