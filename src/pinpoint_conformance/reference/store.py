"""The reference server's storage: applications and endpoints in SQLite.

In memory unless a file is named, in which case the data survives a restart. Endpoints are keyed
by (application, endpoint ID) and indexed by (application, user ID), so listing or deleting one
user's endpoints costs O(log n + k). Every operation runs under one lock inside one transaction,
so a DELETE is atomic: a concurrent GET sees all of a user's endpoints or none.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from .errors import bad_request, not_found
from .validation import EVICTING_CHANNELS, MAX_ENDPOINTS_PER_USER

SCHEMA_TEMPLATE = """
CREATE TABLE IF NOT EXISTS applications (
    id TEXT PRIMARY KEY,
    document TEXT NOT NULL
);
-- Endpoint IDs are matched without regard to (ASCII) case, as AWS's model says of UpdateEndpoint's
-- EndpointId ("The case insensitive unique identifier for the endpoint"; DIVERGENCES.md D27).
CREATE TABLE IF NOT EXISTS endpoints (
    application_id TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    endpoint_id TEXT NOT NULL COLLATE {endpoint_id_collation},
    user_id TEXT,
    document TEXT NOT NULL,
    PRIMARY KEY (application_id, endpoint_id)
);
-- Ordered by endpoint ID within a user, so that listing a user never falls back to scanning the
-- application's primary key for the ORDER BY (which made a GET cost O(n) at 10^6 endpoints).
CREATE INDEX IF NOT EXISTS endpoints_by_user_ordered ON endpoints (application_id, user_id, endpoint_id);
"""
SCHEMA = SCHEMA_TEMPLATE.format(endpoint_id_collation="NOCASE")

ACCOUNT = "000000000000"
REGION = "us-east-1"


def now_iso() -> str:
    """ISO 8601 in UTC with milliseconds, as AWS writes its dates."""
    stamp = datetime.now(UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def cohort_of(application_id: str, endpoint_id: str) -> str:
    """A stable cohort from "0" to "99": the same endpoint always lands in the same one."""
    digest = hashlib.sha256(f"{application_id}/{endpoint_id}".encode()).digest()
    return str(int.from_bytes(digest[:4], "big") % 100)


class Store:
    endpoint_id_collation = "NOCASE"

    def __init__(self, path: str = ":memory:") -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(SCHEMA_TEMPLATE.format(endpoint_id_collation=self.endpoint_id_collation))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The database inside one transaction, under the store's lock (public for the variant
        stores of proof/ and for tests that read the tables directly)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # Applications -------------------------------------------------------------------------

    def create_application(self, name: str, tags: dict[str, str]) -> dict[str, Any]:
        application_id = uuid.uuid4().hex
        document = {
            "Arn": f"arn:aws:mobiletargeting:{REGION}:{ACCOUNT}:apps/{application_id}",
            "Id": application_id,
            "Name": name,
            "tags": tags,
            "CreationDate": now_iso(),
        }
        with self.transaction() as db:
            db.execute("INSERT INTO applications VALUES (?, ?)", (application_id, json.dumps(document)))
        return document

    def _application(self, db: sqlite3.Connection, application_id: str) -> dict[str, Any]:
        row = db.execute("SELECT document FROM applications WHERE id = ?", (application_id,)).fetchone()
        if row is None:
            raise not_found("Application not found")
        return json.loads(row[0])

    def get_application(self, application_id: str) -> dict[str, Any]:
        with self.transaction() as db:
            return self._application(db, application_id)

    def delete_application(self, application_id: str) -> dict[str, Any]:
        with self.transaction() as db:
            document = self._application(db, application_id)
            db.execute("DELETE FROM applications WHERE id = ?", (application_id,))
            return document

    # Endpoints ----------------------------------------------------------------------------

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str,
                fields: dict[str, Any], request_id: str) -> None:  # fmt: skip
        row = db.execute(
            "SELECT document FROM endpoints WHERE application_id = ? AND endpoint_id = ?",
            (application_id, endpoint_id),
        ).fetchone()
        stamp = now_iso()
        if row is None:
            document: dict[str, Any] = {
                "ApplicationId": application_id,
                "Id": endpoint_id,
                "CohortId": cohort_of(application_id, endpoint_id),
                "CreationDate": stamp,
                "OptOut": "NONE",
            }
        else:
            document = json.loads(row[0])
        # The members given replace those stored, as UpdateEndpoint's documentation says.
        document.update(fields)
        document.update({"EffectiveDate": stamp, "EndpointStatus": "ACTIVE", "RequestId": request_id})
        user_id = document.get("User", {}).get("UserId")
        if user_id is not None:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM endpoints WHERE application_id = ? AND user_id = ? AND endpoint_id <> ?",
                (application_id, user_id, endpoint_id),
            ).fetchone()
            if count >= MAX_ENDPOINTS_PER_USER:
                self._evict_for(db, application_id, user_id, endpoint_id, document.get("ChannelType"))
        db.execute(
            "INSERT OR REPLACE INTO endpoints VALUES (?, ?, ?, ?)",
            (application_id, endpoint_id, user_id, json.dumps(document)),
        )
        if fields.get("Address"):
            self._deactivate_others(db, application_id, endpoint_id, fields["Address"])

    @staticmethod
    def _deactivate_others(db: sqlite3.Connection, application_id: str, endpoint_id: str, address: str) -> None:
        """AWS's model (EndpointResponse.EndpointStatus): "Amazon Pinpoint automatically sets this
        value to INACTIVE if you update another endpoint that has the same address specified by the
        Address property". A write that names an Address does that to the application's others."""
        rows = db.execute("SELECT endpoint_id, document FROM endpoints WHERE application_id = ? AND endpoint_id <> ? "
                          "AND json_extract(document, '$.Address') = ?",
                          (application_id, endpoint_id, address)).fetchall()  # fmt: skip
        for other, document in rows:
            deactivated = {**json.loads(document), "EndpointStatus": "INACTIVE"}
            db.execute("UPDATE endpoints SET document = ? WHERE application_id = ? AND endpoint_id = ?",
                       (json.dumps(deactivated), application_id, other))  # fmt: skip

    def _evict_for(self, db: sqlite3.Connection, application_id: str, user_id: str, endpoint_id: str,
                   channel: Any) -> None:  # fmt: skip
        """Make room for a 16th endpoint of `user_id` as AWS does: for a push channel, the user's
        push endpoint with the oldest EffectiveDate is set INACTIVE and loses its UserId; for any
        other channel, or when the user has no push endpoint, the write is refused."""
        refused = bad_request(f"a user ID has at most {MAX_ENDPOINTS_PER_USER} endpoints")
        if channel not in EVICTING_CHANNELS:
            raise refused
        rows = db.execute("SELECT endpoint_id, document FROM endpoints WHERE application_id = ? AND user_id = ? "
                          "AND endpoint_id <> ?", (application_id, user_id, endpoint_id)).fetchall()  # fmt: skip
        pushed = [(json.loads(document), other) for other, document in rows]
        pushed = [(document, other) for document, other in pushed if document.get("ChannelType") in EVICTING_CHANNELS]
        if not pushed:
            raise refused
        oldest, oldest_id = self._evicted(pushed)
        oldest["EndpointStatus"] = "INACTIVE"
        oldest.get("User", {}).pop("UserId", None)
        db.execute("UPDATE endpoints SET user_id = NULL, document = ? WHERE application_id = ? AND endpoint_id = ?",
                   (json.dumps(oldest), application_id, oldest_id))  # fmt: skip

    @staticmethod
    def _evicted(pushed: list[tuple[dict[str, Any], str]]) -> tuple[dict[str, Any], str]:
        """Of (document, endpoint ID) pairs, the one with the oldest EffectiveDate. The reference
        server's own dates (one format, UTC) order as strings; ties go by endpoint ID."""
        return min(pushed, key=lambda pair: (pair[0].get("EffectiveDate", ""), pair[1]))

    def update_endpoints(self, application_id: str, items: list[tuple[str, dict[str, Any]]],
                         request_id: str) -> None:  # fmt: skip
        """Create or update every item, or (on any error) none of them."""
        with self.transaction() as db:
            self._application(db, application_id)
            for endpoint_id, fields in items:
                self._upsert(db, application_id, endpoint_id, fields, request_id)

    def get_endpoint(self, application_id: str, endpoint_id: str) -> dict[str, Any]:
        with self.transaction() as db:
            return self._endpoint(db, application_id, endpoint_id)

    def _endpoint(self, db: sqlite3.Connection, application_id: str, endpoint_id: str) -> dict[str, Any]:
        self._application(db, application_id)
        row = db.execute(
            "SELECT document FROM endpoints WHERE application_id = ? AND endpoint_id = ?",
            (application_id, endpoint_id),
        ).fetchone()
        if row is None:
            raise not_found("Endpoint not found")
        return json.loads(row[0])

    def delete_endpoint(self, application_id: str, endpoint_id: str) -> dict[str, Any]:
        with self.transaction() as db:
            document = self._endpoint(db, application_id, endpoint_id)
            db.execute(
                "DELETE FROM endpoints WHERE application_id = ? AND endpoint_id = ?",
                (application_id, endpoint_id),
            )
            return document

    # Users --------------------------------------------------------------------------------

    def _user_endpoints(self, db: sqlite3.Connection, application_id: str, user_id: str) -> list[str]:
        self._application(db, application_id)
        rows = db.execute(
            "SELECT document FROM endpoints WHERE application_id = ? AND user_id = ? ORDER BY endpoint_id",
            (application_id, user_id),
        ).fetchall()
        if not rows:
            raise not_found("Resource not found")
        return [document for (document,) in rows]

    # The User resource's reads return the stored JSON documents as they are: the response is
    # spliced from them without a parse and a dump per endpoint (a third of a GET's time).

    def get_user_endpoints(self, application_id: str, user_id: str) -> list[str]:
        with self.transaction() as db:
            return self._user_endpoints(db, application_id, user_id)

    def delete_user_endpoints(self, application_id: str, user_id: str) -> list[str]:
        with self.transaction() as db:
            endpoints = self._user_endpoints(db, application_id, user_id)
            db.execute("DELETE FROM endpoints WHERE application_id = ? AND user_id = ?", (application_id, user_id))
            return endpoints

    def count_endpoints(self) -> int:
        with self.transaction() as db:
            return db.execute("SELECT COUNT(*) FROM endpoints").fetchone()[0]
