"""Race defects (clause 11): the reference server with a critical section that is not one.

Each defect is made deterministic in the server, never in the suite: its critical section holds a
window of WINDOW seconds open (an await where the real defect would yield to another request), so
that requests clause 11 sends at once are sure to meet inside it; a request sent alone passes
through and is answered as the reference server answers it. A window opens only on the path the
defect is about, so that the rest of a run is not slowed.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request

from pinpoint_conformance.reference import validation
from pinpoint_conformance.reference.app import ReferenceServer, endpoints_response
from pinpoint_conformance.reference.errors import ApiError, bad_request
from pinpoint_conformance.reference.store import Store

WINDOW = 0.1


def _listed(documents: list[str], keep: Any) -> bytes:
    return endpoints_response([document for document in documents if keep(json.loads(document))])


class _WrittenStore(Store):
    """Remembers the endpoint IDs of its last write, for a handler to read right after it (no other
    request runs between a handler's synchronous write and its return)."""

    def __init__(self) -> None:
        super().__init__()
        self.last_written: list[str] = []

    def update_endpoints(self, application_id: str, items: list[tuple[str, dict[str, Any]]],
                         request_id: str) -> None:  # fmt: skip
        super().update_endpoints(application_id, items, request_id)
        self.last_written = [endpoint_id for endpoint_id, _ in items]


class LostUpdate(ReferenceServer):
    """Which endpoints each application lists is kept as one set per application, read, changed and
    written back by every write (an unlocked read-modify-write): of writes in one application that
    overlap, only the last one's endpoints are listed."""

    store: _WrittenStore

    def __init__(self) -> None:
        super().__init__(_WrittenStore())
        self.listed: dict[str, frozenset[str]] = {}

    async def _index(self, application_id: str) -> None:
        written = self.store.last_written
        known = self.listed.get(application_id, frozenset())
        await asyncio.sleep(WINDOW)
        self.listed[application_id] = known | {endpoint_id.lower() for endpoint_id in written}

    async def _UpdateEndpoint(self, request: Request, request_id: str, application_id: str,
                              endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        answer = await super()._UpdateEndpoint(request, request_id, application_id, endpoint_id)
        await self._index(application_id)
        return answer

    async def _UpdateEndpointsBatch(self, request: Request, request_id: str,
                                    application_id: str) -> tuple[int, Any]:  # fmt: skip
        answer = await super()._UpdateEndpointsBatch(request, request_id, application_id)
        await self._index(application_id)
        return answer

    async def _GetUserEndpoints(self, request: Request, request_id: str, application_id: str,
                                user_id: str) -> tuple[int, Any]:  # fmt: skip
        listed = self.listed.get(application_id, frozenset())
        documents = self.store.get_user_endpoints(application_id, user_id)
        return 200, _listed(documents, lambda endpoint: str(endpoint.get("Id", "")).lower() in listed)


class ListedTwiceMidUpdate(ReferenceServer):
    """An update writes the endpoint's new version before it removes the old one (copy on write
    without a unique key): a GET of the user while an update is under way lists the endpoint twice."""

    def __init__(self) -> None:
        super().__init__(Store())
        self.old_versions: dict[tuple[str, str], str] = {}  # (application, endpoint) -> the old document

    async def _UpdateEndpoint(self, request: Request, request_id: str, application_id: str,
                              endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        try:
            old = json.dumps(self.store.get_endpoint(application_id, endpoint_id))
        except ApiError:
            old = None  # a new endpoint: no old version to remove
        answer = await super()._UpdateEndpoint(request, request_id, application_id, endpoint_id)
        if old is not None:
            self.old_versions[(application_id, endpoint_id)] = old
            await asyncio.sleep(WINDOW)
            del self.old_versions[(application_id, endpoint_id)]
        return answer

    async def _GetUserEndpoints(self, request: Request, request_id: str, application_id: str,
                                user_id: str) -> tuple[int, Any]:  # fmt: skip
        documents = self.store.get_user_endpoints(application_id, user_id)
        for (app, _), old in list(self.old_versions.items()):
            if app == application_id and (json.loads(old).get("User") or {}).get("UserId") == user_id:
                documents.append(old)
        return 200, endpoints_response(documents)


class DeleteFromSnapshot(ReferenceServer):
    """A DELETE of a user rebuilds the application's endpoints from a snapshot taken when it began,
    less the user's: endpoints written for other users while it ran are lost with them."""

    async def _DeleteUserEndpoints(self, request: Request, request_id: str, application_id: str,
                                   user_id: str) -> tuple[int, Any]:  # fmt: skip
        self.store.get_user_endpoints(application_id, user_id)  # 404 for a user without endpoints, at once
        before = self._endpoint_ids(application_id)
        await asyncio.sleep(WINDOW)
        answer = await super()._DeleteUserEndpoints(request, request_id, application_id, user_id)
        for endpoint_id in self._endpoint_ids(application_id) - before:
            self.store.delete_endpoint(application_id, endpoint_id)
        return answer

    def _endpoint_ids(self, application_id: str) -> set[str]:
        with self.store.transaction() as db:
            rows = db.execute("SELECT endpoint_id FROM endpoints WHERE application_id = ?", (application_id,))
            return {endpoint_id for (endpoint_id,) in rows.fetchall()}


class InvalidateThenDelete(ReferenceServer):
    """GETs are served from a cache that a DELETE of a user empties before it deletes, not after
    (cache-aside in the wrong order): a GET while the DELETE is under way fills the cache again from
    the store, which still holds the user's endpoints, and every later GET lists them."""

    def __init__(self) -> None:
        super().__init__(Store())
        self.cache: dict[tuple[str, str], list[str]] = {}

    def _users_of(self, application_id: str, endpoint_ids: list[str]) -> set[str]:
        users = set()
        for endpoint_id in endpoint_ids:
            try:
                users.add((self.store.get_endpoint(application_id, endpoint_id).get("User") or {}).get("UserId"))
            except ApiError:
                continue
        return users

    def _forget(self, application_id: str, users: set[str]) -> None:
        for user_id in users:
            self.cache.pop((application_id, user_id), None)

    def _forget_application(self, application_id: str) -> None:
        self.cache = {key: value for key, value in self.cache.items() if key[0] != application_id}

    async def _GetUserEndpoints(self, request: Request, request_id: str, application_id: str,
                                user_id: str) -> tuple[int, Any]:  # fmt: skip
        key = (application_id, user_id)
        if key not in self.cache:
            self.cache[key] = self.store.get_user_endpoints(application_id, user_id)  # a 404 is not kept
        return 200, endpoints_response(self.cache[key])

    async def _DeleteUserEndpoints(self, request: Request, request_id: str, application_id: str,
                                   user_id: str) -> tuple[int, Any]:  # fmt: skip
        self.store.get_user_endpoints(application_id, user_id)  # 404 for a user without endpoints, at once
        self._forget(application_id, {user_id})
        await asyncio.sleep(WINDOW)
        return await super()._DeleteUserEndpoints(request, request_id, application_id, user_id)

    async def _UpdateEndpoint(self, request: Request, request_id: str, application_id: str,
                              endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        before = self._users_of(application_id, [endpoint_id])  # a moved endpoint leaves its old user
        answer = await super()._UpdateEndpoint(request, request_id, application_id, endpoint_id)
        self._forget(application_id, before | self._users_of(application_id, [endpoint_id]))
        return answer

    async def _UpdateEndpointsBatch(self, request: Request, request_id: str,
                                    application_id: str) -> tuple[int, Any]:  # fmt: skip
        self._forget_application(application_id)
        return await super()._UpdateEndpointsBatch(request, request_id, application_id)

    async def _DeleteEndpoint(self, request: Request, request_id: str, application_id: str,
                              endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        self._forget(application_id, self._users_of(application_id, [endpoint_id]))
        return await super()._DeleteEndpoint(request, request_id, application_id, endpoint_id)

    async def _DeleteApp(self, request: Request, request_id: str, application_id: str) -> tuple[int, Any]:
        self._forget_application(application_id)
        return await super()._DeleteApp(request, request_id, application_id)


class UnlockedLimitStore(Store):
    """The store without its own check of the 15-endpoint limit for channels that are refused: the
    server checks it before the write, outside the transaction."""

    def _evict_for(self, db: Any, application_id: str, user_id: str, endpoint_id: str, channel: Any) -> None:
        if channel in validation.EVICTING_CHANNELS:
            super()._evict_for(db, application_id, user_id, endpoint_id, channel)


class CheckThenActLimit(ReferenceServer):
    """UpdateEndpoint counts the user's endpoints, then writes: writes of one user that overlap all
    pass the count, and the user ends with more than 15."""

    def __init__(self) -> None:
        super().__init__(UnlockedLimitStore())

    async def _UpdateEndpoint(self, request: Request, request_id: str, application_id: str,
                              endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        fields = validation.endpoint_request(await self._json_body(request))
        user_id = (fields.get("User") or {}).get("UserId")
        if user_id is not None and fields.get("ChannelType") not in validation.EVICTING_CHANNELS:
            others = self._count(application_id, user_id, endpoint_id)
            if others >= validation.MAX_ENDPOINTS_PER_USER:
                raise bad_request(f"a user ID has at most {validation.MAX_ENDPOINTS_PER_USER} endpoints")
            await asyncio.sleep(WINDOW)
        self.store.update_endpoints(application_id, [(endpoint_id, fields)], request_id)
        return 202, {"Message": "Accepted", "RequestID": request_id}

    def _count(self, application_id: str, user_id: str, endpoint_id: str) -> int:
        with self.store.transaction() as db:
            self.store._application(db, application_id)
            query = "SELECT COUNT(*) FROM endpoints WHERE application_id = ? AND user_id = ? AND endpoint_id <> ?"
            return int(db.execute(query, (application_id, user_id, endpoint_id)).fetchone()[0])
