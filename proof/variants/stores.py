"""Storage defects: the filters, indexes and deletes that real implementations get wrong."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pinpoint_conformance.reference.errors import bad_request, not_found
from pinpoint_conformance.reference.store import Store


def like_escaped(user_id: str) -> str:
    """The ID as a LIKE pattern that matches it literally (ESCAPE '\\')."""
    return user_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SelectStore(Store):
    """A store whose GET (and optionally DELETE) select users with another SQL condition, over the
    named parameters :app, :user and :like (the ID escaped for LIKE)."""

    get_where = "application_id = :app AND user_id = :user"
    delete_where: str | None = None  # None: the correct, exact delete
    limit = ""
    case_sensitive_like = False  # True: LIKE compares case as PostgreSQL's does (SQLite's ignores ASCII case)

    def __init__(self) -> None:
        super().__init__()
        if self.case_sensitive_like:
            self._db.execute("PRAGMA case_sensitive_like = ON")

    def _select(self, db: sqlite3.Connection, where: str, app: str, user: str) -> list[str]:
        self._application(db, app)
        rows = db.execute(f"SELECT document FROM endpoints WHERE {where} ORDER BY endpoint_id {self.limit}",
                          self._params(app, user)).fetchall()  # fmt: skip
        if not rows:
            raise not_found()
        return [document for (document,) in rows]

    @staticmethod
    def _params(app: str, user: str) -> dict[str, str]:
        return {"app": app, "user": user, "like": like_escaped(user)}

    def get_user_endpoints(self, application_id: str, user_id: str) -> list[str]:
        with self.transaction() as db:
            return self._select(db, self.get_where, application_id, user_id)

    def delete_user_endpoints(self, application_id: str, user_id: str) -> list[str]:
        if self.delete_where is None:
            return super().delete_user_endpoints(application_id, user_id)
        with self.transaction() as db:
            found = self._select(db, self.delete_where, application_id, user_id)
            db.execute(f"DELETE FROM endpoints WHERE {self.delete_where}", self._params(application_id, user_id))
            return found


# Prefix and wildcard matchers compare case as PostgreSQL's LIKE does, so that each is caught by
# the neighbour it is about and not also by the upper-case one (src/pinpoint_conformance/harness/neighbours.py).
PREFIX = "application_id = :app AND user_id LIKE :like || '%' ESCAPE '\\'"


class PrefixMatch(SelectStore):
    get_where = PREFIX
    case_sensitive_like = True


class StoredPrefixMatch(SelectStore):
    """strncmp(requested, stored, strlen(stored)): a stored ID that is a prefix of the requested one matches."""

    get_where = "application_id = :app AND substr(:user, 1, length(user_id)) = user_id"


class CaseInsensitive(SelectStore):
    get_where = "application_id = :app AND user_id = :user COLLATE NOCASE"


class UnescapedLike(SelectStore):
    get_where = "application_id = :app AND user_id LIKE :user"  # '_' and '%' in an ID act as wildcards
    case_sensitive_like = True


class PadSpace(SelectStore):
    """Trailing spaces ignored in the comparison, as in the PAD SPACE collations of MySQL and SQL Server."""

    get_where = "application_id = :app AND rtrim(user_id, ' ') = rtrim(:user, ' ')"


class IgnoresLeadingSpaces(SelectStore):
    """Leading spaces ignored in the comparison (an ltrim of both sides, as a lenient matcher does):
    IDs with a leading space still round-trip, but ' id' and 'id' read each other's endpoints."""

    get_where = "application_id = :app AND ltrim(user_id, ' ') = ltrim(:user, ' ')"


class IgnoresApplication(SelectStore):
    get_where = "user_id = :user"


class FirstPageOnly(SelectStore):
    limit = "LIMIT 10"


class DeletesByPrefix(SelectStore):
    delete_where = PREFIX
    case_sensitive_like = True


class DeletesCaseInsensitive(SelectStore):
    delete_where = "application_id = :app AND user_id = :user COLLATE NOCASE"


class DeletesInEveryApplication(SelectStore):
    delete_where = "user_id = :user"


class DeleteIsANoop(Store):
    def delete_user_endpoints(self, application_id: str, user_id: str) -> list[str]:
        return self.get_user_endpoints(application_id, user_id)


class PageOverlap(Store):
    """Pages of 10 that overlap by one: the 10th endpoint is listed twice."""

    def get_user_endpoints(self, application_id: str, user_id: str) -> list[str]:
        found = super().get_user_endpoints(application_id, user_id)
        return found[:10] + found[9:] if len(found) >= 10 else found


class DropsLast(Store):
    def get_user_endpoints(self, application_id: str, user_id: str) -> list[str]:
        found = super().get_user_endpoints(application_id, user_id)
        return found[:-1] if len(found) > 1 else found


class StaleUserIndex(Store):
    """Moving an endpoint to another user rewrites the document but not the user index."""

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        row = db.execute("SELECT user_id FROM endpoints WHERE application_id = ? AND endpoint_id = ?",
                         (application_id, endpoint_id)).fetchone()  # fmt: skip
        super()._upsert(db, application_id, endpoint_id, fields, request_id)
        if row is not None and row[0] is not None:
            db.execute("UPDATE endpoints SET user_id = ? WHERE application_id = ? AND endpoint_id = ?",
                       (row[0], application_id, endpoint_id))  # fmt: skip


class MergesAttributes(Store):
    """An update appends attribute values instead of replacing them."""

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        row = db.execute("SELECT document FROM endpoints WHERE application_id = ? AND endpoint_id = ?",
                         (application_id, endpoint_id)).fetchone()  # fmt: skip
        if row is not None and "Attributes" in fields:
            old = json.loads(row[0]).get("Attributes", {})
            fields = {**fields, "Attributes": {k: old.get(k, []) + v for k, v in fields["Attributes"].items()}}
        super()._upsert(db, application_id, endpoint_id, fields, request_id)


class ReplacesOnUpdate(Store):
    """An update stores the members it names and drops the rest (a PUT in place of an update): only
    what the server itself set at creation stays."""

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        row = db.execute("SELECT document FROM endpoints WHERE application_id = ? AND endpoint_id = ?",
                         (application_id, endpoint_id)).fetchone()  # fmt: skip
        if row is not None:
            kept = {k: v for k, v in json.loads(row[0]).items() if k in ("ApplicationId", "Id", "CohortId",
                                                                          "CreationDate")}  # fmt: skip
            db.execute("UPDATE endpoints SET document = ?, user_id = NULL WHERE application_id = ? AND endpoint_id = ?",
                       (json.dumps({**kept, "OptOut": "NONE"}), application_id, endpoint_id))  # fmt: skip
        super()._upsert(db, application_id, endpoint_id, fields, request_id)


class RewritesUserIds(Store):
    """UserId rewritten when written (`rewrite`), and in the path of a GET too where `in_path`."""

    in_path = False

    @staticmethod
    def rewrite(user_id: str) -> str:
        return user_id

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        if isinstance(fields.get("User"), dict) and isinstance(fields["User"].get("UserId"), str):
            fields = {**fields, "User": {**fields["User"], "UserId": self.rewrite(fields["User"]["UserId"])}}
        super()._upsert(db, application_id, endpoint_id, fields, request_id)

    def get_user_endpoints(self, application_id: str, user_id: str) -> list[str]:
        return super().get_user_endpoints(application_id, self.rewrite(user_id) if self.in_path else user_id)


class TruncatesUserIds(RewritesUserIds):
    """User IDs cut to 64 characters on write and on read (a VARCHAR(64) column)."""

    in_path = True

    @staticmethod
    def rewrite(user_id: str) -> str:
        return user_id[:64]


class TrimsUserIds(RewritesUserIds):
    """UserId trimmed of surrounding whitespace when written, as by a framework that trims every
    input string (Laravel's TrimStrings middleware); the ID in the path is compared as sent."""

    @staticmethod
    def rewrite(user_id: str) -> str:
        return user_id.strip()


class UpdatesEveryApplication(Store):
    """UpdateEndpoint's update is keyed by the endpoint ID alone: the same endpoint ID in another
    application is rewritten with the same members."""

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        super()._upsert(db, application_id, endpoint_id, fields, request_id)
        others = db.execute("SELECT application_id FROM endpoints WHERE endpoint_id = ? AND application_id <> ?",
                            (endpoint_id, application_id)).fetchall()  # fmt: skip
        for (other,) in others:
            super()._upsert(db, other, endpoint_id, fields, request_id)


class DeactivatesOthers(Store):
    """After every write, sets INACTIVE each other stored endpoint that `deactivates` picks (AWS
    deactivates older endpoints with the written address, in the application written to)."""

    def deactivates(self, application_id: str, fields: dict[str, Any], written: dict[str, Any], other_app: str,
                    other: dict[str, Any]) -> bool:  # fmt: skip
        raise NotImplementedError

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        super()._upsert(db, application_id, endpoint_id, fields, request_id)
        written = _document(db, application_id, endpoint_id) or {}
        for other_app, other_id, document in db.execute("SELECT application_id, endpoint_id, document FROM endpoints "
                                                        "WHERE NOT (application_id = ? AND endpoint_id = ?)",
                                                        (application_id, endpoint_id)).fetchall():  # fmt: skip
            other = json.loads(document)
            if self.deactivates(application_id, fields, written, other_app, other):
                other["EndpointStatus"] = "INACTIVE"
                _store_document(db, other_app, other_id, other)


class DeactivatesSameAddressEverywhere(DeactivatesOthers):
    """AWS marks an older endpoint with the same address INACTIVE; this store does it in every
    application, not only the one written to."""

    def deactivates(self, application_id: str, fields: dict[str, Any], written: dict[str, Any], other_app: str,
                    other: dict[str, Any]) -> bool:  # fmt: skip
        address = fields.get("Address")
        return other_app != application_id and address is not None and other.get("Address") == address


class LooseApplicationLookup(SelectStore):
    """The User resource resolves the application in the path with a looser condition than
    equality (over :app, the ID as given), then works in the application it found: a lookalike of
    an existing application ID reads, and deletes, that application's users."""

    application_where = "id = :app"
    delete_where = SelectStore.get_where  # the exact delete, but through _select and _params below
    case_sensitive_like = True  # LIKE compares case as PostgreSQL's does, so only its own lookalike catches it

    def _resolve(self, db: sqlite3.Connection, application_id: str) -> str:
        row = db.execute(f"SELECT id FROM applications WHERE {self.application_where} ORDER BY id LIMIT 1",
                         {"app": application_id}).fetchone()  # fmt: skip
        return row[0] if row else application_id

    def _select(self, db: sqlite3.Connection, where: str, app: str, user: str) -> list[str]:
        return super()._select(db, where, self._resolve(db, app), user)

    def _params(self, app: str, user: str) -> dict[str, str]:  # type: ignore[override]
        return super()._params(self._resolve(self._db, app), user)


class ApplicationCaseInsensitive(LooseApplicationLookup):
    application_where = "id = :app COLLATE NOCASE"


class ApplicationTrimmed(LooseApplicationLookup):
    application_where = "id = trim(:app, ' ')"


class ApplicationPrefix(LooseApplicationLookup):
    """LIKE :app || '%': the requested ID may be a prefix of the application's."""

    application_where = "id LIKE :app || '%'"


class ApplicationStoredPrefix(LooseApplicationLookup):
    """The application's ID compared over its own length: a requested ID that extends it matches."""

    application_where = "substr(:app, 1, length(id)) = id"


class ApplicationUnescapedLike(LooseApplicationLookup):
    """LIKE with the raw ID as the pattern: a '_' in it matches any one character, a '%' any run."""

    application_where = "id LIKE :app"


def _document(db: sqlite3.Connection, application_id: str, endpoint_id: str) -> dict[str, Any] | None:
    row = db.execute("SELECT document FROM endpoints WHERE application_id = ? AND endpoint_id = ?",
                     (application_id, endpoint_id)).fetchone()  # fmt: skip
    return None if row is None else json.loads(row[0])


def _store_document(db: sqlite3.Connection, application_id: str, endpoint_id: str, document: dict[str, Any]) -> None:
    db.execute("UPDATE endpoints SET document = ? WHERE application_id = ? AND endpoint_id = ?",
               (json.dumps(document), application_id, endpoint_id))  # fmt: skip


class CreationDateOnEveryWrite(Store):
    """CreationDate is set on every write, like EffectiveDate (an upsert that sets both columns)."""

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        super()._upsert(db, application_id, endpoint_id, fields, request_id)
        document = _document(db, application_id, endpoint_id)
        if document is not None:
            document["CreationDate"] = document["EffectiveDate"]
            _store_document(db, application_id, endpoint_id, document)


class EffectiveDateFrozen(Store):
    """EffectiveDate is set when the endpoint is created and never again (an insert-only default)."""

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        before = _document(db, application_id, endpoint_id)
        super()._upsert(db, application_id, endpoint_id, fields, request_id)
        document = _document(db, application_id, endpoint_id)
        if before is not None and document is not None:
            document["EffectiveDate"] = before["EffectiveDate"]
            _store_document(db, application_id, endpoint_id, document)


class NoEndpointLimit(Store):
    """A 16th endpoint, and more, is stored for one user ID (no per-user quota)."""

    def _evict_for(self, db: sqlite3.Connection, application_id: str, user_id: str, endpoint_id: str,
                   channel: Any) -> None:  # fmt: skip
        return None


class RefusesEvery16th(Store):
    """Every 16th endpoint is refused, push channels too (no eviction)."""

    def _evict_for(self, db: sqlite3.Connection, application_id: str, user_id: str, endpoint_id: str,
                   channel: Any) -> None:  # fmt: skip
        raise bad_request("a user ID has at most 15 endpoints")


class EvictsTheNewest(Store):
    """At the limit, the push endpoint with the newest EffectiveDate is evicted (a sort in the wrong order)."""

    @staticmethod
    def _evicted(pushed: list[tuple[dict[str, Any], str]]) -> tuple[dict[str, Any], str]:
        return max(pushed, key=lambda pair: (pair[0].get("EffectiveDate", ""), pair[1]))


class CaseSensitiveEndpointIds(Store):
    """Endpoint IDs are matched exactly: 'Ep' and 'EP' are two endpoints."""

    endpoint_id_collation = "BINARY"


class DeactivatesOtherAddresses(DeactivatesOthers):
    """Writing an endpoint sets INACTIVE the application's other endpoints of its channel whose
    address differs (AWS's rule, "the same address", with the comparison inverted)."""

    def deactivates(self, application_id: str, fields: dict[str, Any], written: dict[str, Any], other_app: str,
                    other: dict[str, Any]) -> bool:  # fmt: skip
        same_channel = other.get("ChannelType") == written.get("ChannelType")
        return other_app == application_id and same_channel and other.get("Address") != written.get("Address")


class KeepsSameAddressActive(Store):
    """Leaves AWS's same-address rule out: an endpoint written with another's address leaves that
    one ACTIVE."""

    @staticmethod
    def _deactivate_others(db: sqlite3.Connection, application_id: str, endpoint_id: str, address: str) -> None:
        return


class AddresslessDeactivateEachOther(DeactivatesOthers):
    """AWS's same-address rule with no guard for a missing address: writing an endpoint without an
    Address sets INACTIVE the application's other endpoints that have none either."""

    def deactivates(self, application_id: str, fields: dict[str, Any], written: dict[str, Any], other_app: str,
                    other: dict[str, Any]) -> bool:  # fmt: skip
        return other_app == application_id and "Address" not in written and "Address" not in other


class BlankOptOut(Store):
    """An endpoint created without OptOut gets OptOut "" where AWS gives NONE."""

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        created = _document(db, application_id, endpoint_id) is None
        super()._upsert(db, application_id, endpoint_id, fields, request_id)
        document = _document(db, application_id, endpoint_id)
        if created and "OptOut" not in fields and document is not None:
            _store_document(db, application_id, endpoint_id, {**document, "OptOut": ""})
