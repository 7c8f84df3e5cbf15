"""Servers that keep what the support calls are given, where the reference server drops or
overrides it: stored exactly as written, or normalized only as AWS documents or ISO 8601 allows.

The reference server's validation keeps only the members it stores itself (EffectiveDate,
EndpointStatus and RequestId are dropped and then set by the store) and refuses user IDs it could
not address. A conforming server may instead check nothing but the JSON types and AWS's documented
limits, and keep every member of a schema-valid request; these variants do that.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from typing import Any

from starlette.requests import Request

from pinpoint_conformance.reference import ReferenceServer
from pinpoint_conformance.reference.errors import bad_request
from pinpoint_conformance.reference.store import Store

# The reference's own type and limit checks (private there), so that only what it drops differs.
from pinpoint_conformance.reference.validation import (
    CHANNEL_TYPES,
    DEMOGRAPHIC_MEMBERS,
    LOCATION_NUMBERS,
    LOCATION_STRINGS,
    MAX_BATCH_ITEMS,
    STRING_MEMBERS,
    _attribute_map,
    _members,
    _metrics,
    _object,
    _string,
)

# What the reference store sets at every update; here it does so only where the request is silent.
SERVER_SET = ("EffectiveDate", "EndpointStatus", "RequestId")


def endpoint_as_given(body: Any, where: str = "EndpointRequest") -> dict[str, Any]:
    """Every member of an EndpointRequest the model knows, checked for its JSON type only (and the
    ChannelType enum, without which the request is not schema-valid), kept as written."""
    body = _object(body, where)
    kept: dict[str, Any] = {name: _string(body[name], f"{where}.{name}") for name in STRING_MEMBERS if name in body}
    if "ChannelType" in body:
        kept["ChannelType"] = _string(body["ChannelType"], f"{where}.ChannelType")
        if kept["ChannelType"] not in CHANNEL_TYPES:
            raise bad_request(f"{where}.ChannelType: {kept['ChannelType']!r} is not a valid channel type")
    if "Attributes" in body:
        kept["Attributes"] = _attribute_map(body["Attributes"], f"{where}.Attributes")
    if "Metrics" in body:
        kept["Metrics"] = _metrics(body["Metrics"], f"{where}.Metrics")
    if "Demographic" in body:
        kept["Demographic"] = _members(body["Demographic"], f"{where}.Demographic", DEMOGRAPHIC_MEMBERS)
    if "Location" in body:
        kept["Location"] = _members(body["Location"], f"{where}.Location", LOCATION_STRINGS, LOCATION_NUMBERS)
    if "User" in body:
        kept["User"] = user_as_given(body["User"], f"{where}.User")
    return kept


def user_as_given(value: Any, where: str) -> dict[str, Any]:
    # Unlike the reference server, no rule on the characters of UserId: the model has none.
    user = _object(value, where)
    kept: dict[str, Any] = {}
    if "UserId" in user:
        kept["UserId"] = _string(user["UserId"], f"{where}.UserId")
    if "UserAttributes" in user:
        kept["UserAttributes"] = _attribute_map(user["UserAttributes"], f"{where}.UserAttributes")
    return kept


def batch_as_given(body: Any) -> list[tuple[str, dict[str, Any]]]:
    items = _object(body, "EndpointBatchRequest").get("Item")
    if not isinstance(items, list):
        raise bad_request("EndpointBatchRequest.Item must be a list")
    if len(items) > MAX_BATCH_ITEMS:
        raise bad_request(f"a batch holds at most {MAX_BATCH_ITEMS} items")
    parsed = []
    for index, item in enumerate(items):
        at = f"Item[{index}]"
        # Any string is an endpoint ID here, as the model says (the reference refuses empty ones).
        parsed.append((_string(_object(item, at).get("Id"), f"{at}.Id"), endpoint_as_given(item, at)))
    return parsed


class AsGivenServer(ReferenceServer):
    """The reference server with the support calls' validation swapped for the as-given one."""

    async def _UpdateEndpoint(self, request: Request, request_id: str, application_id: str,
                              endpoint_id: str) -> tuple[int, Any]:  # fmt: skip
        fields = endpoint_as_given(await self._json_body(request))
        self.store.update_endpoints(application_id, [(endpoint_id, fields)], request_id)
        return 202, {"Message": "Accepted", "RequestID": request_id}

    async def _UpdateEndpointsBatch(self, request: Request, request_id: str,
                                    application_id: str) -> tuple[int, Any]:  # fmt: skip
        self.store.update_endpoints(application_id, batch_as_given(await self._json_body(request)), request_id)
        return 202, {"Message": "Accepted", "RequestID": request_id}


class StoresAsGiven(Store):
    """Puts back the server-set members a request gave, after the reference store set its own."""

    def _upsert(self, db: sqlite3.Connection, application_id: str, endpoint_id: str, fields: dict[str, Any],
                request_id: str) -> None:  # fmt: skip
        super()._upsert(db, application_id, endpoint_id, fields, request_id)
        key = (application_id, endpoint_id)
        (stored,) = db.execute("SELECT document FROM endpoints WHERE application_id = ? AND endpoint_id = ?",
                               key).fetchone()  # fmt: skip
        document = json.loads(stored)
        document.update({name: fields[name] for name in SERVER_SET if name in fields})
        self.normalize(document, given=fields)
        db.execute("UPDATE endpoints SET document = ? WHERE application_id = ? AND endpoint_id = ?",
                   (json.dumps(document), *key))  # fmt: skip

    def normalize(self, document: dict[str, Any], given: dict[str, Any]) -> None:
        """As given: nothing to do."""


# The zone the normalizing server writes a client's dates in: any offset names the same instant.
SERVER_ZONE = timezone(timedelta(hours=1))
FRACTION = re.compile(r"[.,](\d+)")  # a date has no '.' or ',': only the seconds' fraction does


def same_instant(text: str, zone: timezone) -> str:
    """`text` as an ISO 8601 date-time in `zone`, fractional seconds kept unless they are zero;
    unchanged if it is not a date-time with an offset (a local time names no instant)."""
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return text
    fraction = FRACTION.search(text)
    if stamp.tzinfo is None or (fraction and len(fraction.group(1)) > 6):
        return text  # Python keeps microseconds: a finer fraction would move the instant
    spec = "seconds" if not stamp.microsecond else "milliseconds" if stamp.microsecond % 1000 == 0 else "microseconds"
    try:
        return stamp.astimezone(zone).isoformat(timespec=spec)
    except OverflowError:  # 9999-12-31T23:30:00Z has no later form: keep it as given
        return text


class NormalizesAsDocumented(StoresAsGiven):
    """Keeps what it is given, in another form where AWS or ISO 8601 allow one: a client's
    EffectiveDate in the server's zone, coordinates rounded to one decimal place (AWS's model:
    "rounded to one decimal place"), its own dates with +00:00 instead of Z."""

    def normalize(self, document: dict[str, Any], given: dict[str, Any]) -> None:
        for name in ("CreationDate", "EffectiveDate"):
            value = document.get(name)
            if name not in given and isinstance(value, str) and value.endswith("Z"):
                document[name] = value[:-1] + "+00:00"
        if "EffectiveDate" in given:
            document["EffectiveDate"] = same_instant(document["EffectiveDate"], SERVER_ZONE)
        location = document.get("Location") or {}
        for name in LOCATION_NUMBERS:
            if name in location:
                location[name] = round(location[name], 1)
