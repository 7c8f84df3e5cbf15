"""Variants of the reference server for the load tests.

LostUserWrite, a race: which endpoints each user lists is kept
beside the store as one set per user, which every write reads, changes and writes back with an
await in between (an unlocked read-modify-write, as a server that keeps a user's endpoint list in
one document has). Of two writes to one user that overlap, the first one's endpoint is never listed,
though it was acknowledged with 202: a lost write.

The defect is made deterministic in the server: the await holds a window of WINDOW seconds open, so
that writes to one user under load are sure to meet inside it. A write alone is listed as the
reference server lists it.

HostileListing answers every GET of a user with markup instead of JSON: what the load must report,
not crash on, and show as text.

Run as a module (`python -m tests.load.variants PORT [hostile]`), one serves on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from starlette.requests import Request

from pinpoint_conformance.reference import serve, validation
from pinpoint_conformance.reference.app import ReferenceServer, endpoints_response
from pinpoint_conformance.reference.store import Store

WINDOW = 0.05


class LostUserWrite(ReferenceServer):
    def __init__(self) -> None:
        super().__init__(Store())
        self.listed: dict[tuple[str, str], frozenset[str]] = {}

    async def _list(self, application_id: str, items: list[tuple[str, dict[str, Any]]]) -> None:
        for user_id in {(fields.get("User") or {}).get("UserId") for _, fields in items} - {None}:
            known = self.listed.get((application_id, user_id), frozenset())
            await asyncio.sleep(WINDOW)  # where the real defect yields to another request
            added = {
                endpoint_id for endpoint_id, fields in items if (fields.get("User") or {}).get("UserId") == user_id
            }
            self.listed[(application_id, user_id)] = known | added

    async def _UpdateEndpoint(
        self, request: Request, request_id: str, application_id: str, endpoint_id: str
    ) -> tuple[int, Any]:
        fields = validation.endpoint_request(await self._json_body(request))
        self.store.update_endpoints(application_id, [(endpoint_id, fields)], request_id)
        await self._list(application_id, [(endpoint_id, fields)])
        return 202, {"Message": "Accepted", "RequestID": request_id}

    async def _UpdateEndpointsBatch(self, request: Request, request_id: str, application_id: str) -> tuple[int, Any]:
        items = validation.batch_request(await self._json_body(request))
        self.store.update_endpoints(application_id, items, request_id)
        await self._list(application_id, items)
        return 202, {"Message": "Accepted", "RequestID": request_id}

    async def _GetUserEndpoints(
        self, request: Request, request_id: str, application_id: str, user_id: str
    ) -> tuple[int, Any]:
        listed = self.listed.get((application_id, user_id), frozenset())
        documents = self.store.get_user_endpoints(application_id, user_id)
        return 200, endpoints_response([d for d in documents if _endpoint_id(d) in listed])

    async def _DeleteUserEndpoints(
        self, request: Request, request_id: str, application_id: str, user_id: str
    ) -> tuple[int, Any]:
        answer = await super()._DeleteUserEndpoints(request, request_id, application_id, user_id)
        self.listed.pop((application_id, user_id), None)
        return answer


def _endpoint_id(document: str) -> str:
    return str(json.loads(document).get("Id"))


class HostileListing(ReferenceServer):
    MARKUP = b"<img src=x onerror=alert(1)></script><script>alert(2)</script>"

    def __init__(self) -> None:
        super().__init__(Store())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and b"/users/" in scope.get("raw_path", b""):
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
            await send({"type": "http.response.body", "body": self.MARKUP})
            return
        await super().__call__(scope, receive, send)


if __name__ == "__main__":
    serve(HostileListing() if sys.argv[2:] == ["hostile"] else LostUserWrite(), "127.0.0.1", int(sys.argv[1]))
