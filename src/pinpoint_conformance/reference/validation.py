"""Input checks for the write calls, by the types of AWS's model.

The shapes are those of `EndpointRequest` / `EndpointBatchItem` in botocore's
`pinpoint/2016-12-01/service-2.json`; the limits are AWS's documented quotas for endpoints
(attribute names up to 50 characters, values up to 100, 15 endpoints per user ID, 100 items per
batch). Anything that does not fit is a 400 `MessageBody`, so nothing invalid is ever stored.
Members the model does not know are ignored, as AWS's JSON protocol does.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import bad_request

CHANNEL_TYPES = frozenset(
    {
        "PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "ADM", "SMS",
        "VOICE", "EMAIL", "BAIDU", "CUSTOM", "IN_APP",
    }
)  # fmt: skip
DEMOGRAPHIC_MEMBERS = ("AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform",
                       "PlatformVersion", "Timezone")  # fmt: skip
LOCATION_STRINGS = ("City", "Country", "PostalCode", "Region")
LOCATION_NUMBERS = ("Latitude", "Longitude")
STRING_MEMBERS = ("Address", "EffectiveDate", "EndpointStatus", "OptOut", "RequestId")
# The members of EndpointRequest the server stores (EffectiveDate, EndpointStatus and RequestId
# are set by the server itself, as AWS does).
STORED_MEMBERS = ("Address", "Attributes", "ChannelType", "Demographic", "Location", "Metrics",
                  "OptOut", "User")  # fmt: skip

MAX_ATTRIBUTE_NAME = 50
MAX_ATTRIBUTE_VALUE = 100
MAX_ENDPOINTS_PER_USER = 15
# The channels whose 16th endpoint for a user evicts the user's push endpoint with the oldest
# EffectiveDate instead of being refused (AWS's developer guide, "Manage the maximum number of
# endpoints": every other channel gets BadRequestException).
EVICTING_CHANNELS = frozenset({"ADM", "GCM", "APNS", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU"})
MAX_BATCH_ITEMS = 100


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise bad_request(f"{where} must be a string")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise bad_request(f"{where} must be a number")
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request(f"{where} must be an object")
    return value


def _attribute_map(value: Any, where: str) -> dict[str, list[str]]:
    for name, values in _object(value, where).items():
        if len(name) > MAX_ATTRIBUTE_NAME:
            raise bad_request(f"{where}: attribute name longer than {MAX_ATTRIBUTE_NAME} characters")
        if not isinstance(values, list):
            raise bad_request(f"{where}.{name} must be a list of strings")
        for item in values:
            if len(_string(item, f"{where}.{name}[]")) > MAX_ATTRIBUTE_VALUE:
                raise bad_request(f"{where}.{name}: value longer than {MAX_ATTRIBUTE_VALUE} characters")
    return value


def _metrics(value: Any, where: str) -> dict[str, float]:
    for name, number in _object(value, where).items():
        if len(name) > MAX_ATTRIBUTE_NAME:
            raise bad_request(f"{where}: metric name longer than {MAX_ATTRIBUTE_NAME} characters")
        _number(number, f"{where}.{name}")
    return value


def _members(value: Any, where: str, strings: tuple[str, ...], numbers: tuple[str, ...] = ()) -> dict:
    kept: dict[str, Any] = {}
    for name, member in _object(value, where).items():
        if name in strings:
            kept[name] = _string(member, f"{where}.{name}")
        elif name in numbers:
            kept[name] = _number(member, f"{where}.{name}")
    return kept


def _user(value: Any) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for name, member in _object(value, "User").items():
        if name == "UserId":
            # The same rule as for the path's user-id, so that every stored user can be addressed.
            kept[name] = identifier(_string(member, "User.UserId"), "User.UserId")
        elif name == "UserAttributes":
            kept[name] = _attribute_map(member, "User.UserAttributes")
    return kept


def endpoint_request(body: Any, *, where: str = "EndpointRequest") -> dict[str, Any]:
    """The stored members of one EndpointRequest (or EndpointBatchItem), type-checked."""
    body = _object(body, where)
    kept: dict[str, Any] = {}
    for name in STRING_MEMBERS:
        if name in body:
            value = _string(body[name], f"{where}.{name}")
            if name in STORED_MEMBERS:
                kept[name] = value
    if "ChannelType" in body:
        channel = _string(body["ChannelType"], f"{where}.ChannelType")
        if channel not in CHANNEL_TYPES:
            raise bad_request(f"{where}.ChannelType: {channel!r} is not a valid channel type")
        kept["ChannelType"] = channel
    if "Attributes" in body:
        kept["Attributes"] = _attribute_map(body["Attributes"], f"{where}.Attributes")
    if "Metrics" in body:
        kept["Metrics"] = _metrics(body["Metrics"], f"{where}.Metrics")
    if "Demographic" in body:
        kept["Demographic"] = _members(body["Demographic"], f"{where}.Demographic", DEMOGRAPHIC_MEMBERS)
    if "Location" in body:
        kept["Location"] = _members(body["Location"], f"{where}.Location", LOCATION_STRINGS, LOCATION_NUMBERS)
    if "User" in body:
        kept["User"] = _user(body["User"])
    return kept


def batch_request(body: Any) -> list[tuple[str, dict[str, Any]]]:
    """(endpoint ID, stored members) for each item of an EndpointBatchRequest."""
    items = _object(body, "EndpointBatchRequest").get("Item")
    if not isinstance(items, list):
        raise bad_request("EndpointBatchRequest.Item must be a list")
    if len(items) > MAX_BATCH_ITEMS:
        raise bad_request(f"a batch holds at most {MAX_BATCH_ITEMS} items")
    parsed = []
    for index, item in enumerate(items):
        where = f"Item[{index}]"
        endpoint_id = _object(item, where).get("Id")
        if not isinstance(endpoint_id, str) or not endpoint_id:
            raise bad_request(f"{where}.Id must be a non-empty string")
        parsed.append((endpoint_id, endpoint_request(item, where=where)))
    return parsed


def create_application(body: Any) -> tuple[str, dict[str, str]]:
    body = _object(body, "CreateApplicationRequest")
    name = _string(body.get("Name"), "CreateApplicationRequest.Name")
    if not name:
        raise bad_request("CreateApplicationRequest.Name must not be empty")
    tags = _object(body.get("tags", {}), "CreateApplicationRequest.tags")
    for key, value in tags.items():
        _string(value, f"CreateApplicationRequest.tags.{key}")
    return name, tags


def identifier(value: str, what: str) -> str:
    """Path IDs: any text but control characters (which no AWS ID may hold)."""
    if not value:
        raise bad_request(f"the {what} must not be empty")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        raise bad_request(f"the {what} holds a control character")
    return value
