"""Every value the run writes through the support calls is valid by AWS's documentation, the
generated ones included: the spec's request schemas are only as strict as AWS's model (plain
strings for dates and statuses, open objects), so Schemathesis draws values that AWS would refuse
and that a server may still store as given. A server that stores them is not at fault, and a check
that then reads them back would fail it for the suite's own input. `valid_endpoint_request` maps a
generated EndpointRequest (or EndpointBatchItem) onto a valid one, deterministically: what was
valid stays as drawn, the rest becomes a valid value derived from what was drawn.

What "valid" means, member by member (AWS's model documentation of EndpointRequest and the shapes
it reaches, and AWS's endpoint quotas):
- ChannelType one of the model's 13 values; Address of the kind the channel takes;
- EffectiveDate an ISO 8601 date-time (kept within 2000-2099, so that any store can hold it);
- EndpointStatus ACTIVE or INACTIVE; OptOut ALL or NONE;
- Demographic.Locale ISO 639-1 + "_" + ISO 3166-1; Demographic.Timezone a tz database name;
- Location.Country ISO 3166-1 alpha-2; Latitude within ±90 and Longitude within ±180;
- attribute and metric names of 1-50 characters, attribute values up to 100, at most 5 each here;
- no member the model does not define.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from .wire import CHANNEL_TYPES  # the model's 13, as the conformance view lists them
from .written import iso_instant

LOCALES = ("en_US", "de_DE", "fr_FR", "ja_JP", "pt_BR", "es_MX")
TIMEZONES = ("America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo", "UTC", "America/Sao_Paulo", "Australia/Sydney")
COUNTRIES = ("US", "DE", "FR", "JP", "BR", "MX", "AU")
DEMOGRAPHIC = ("AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform", "PlatformVersion", "Timezone")
LOCATION = ("City", "Country", "Latitude", "Longitude", "PostalCode", "Region")
REQUEST = ("Address", "Attributes", "ChannelType", "Demographic", "EffectiveDate", "EndpointStatus", "Location",
           "Metrics", "OptOut", "RequestId", "User")  # fmt: skip
MAX_NAME, MAX_VALUE, MAX_ENTRIES = 50, 100, 5


def _pick(options: tuple[str, ...], drawn: Any) -> str:
    """A valid option: the drawn value if it is one, else one chosen by the drawn value's digest."""
    if drawn in options:
        return drawn
    return options[zlib.crc32(repr(drawn).encode()) % len(options)]


def _token(drawn: Any, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
    digest = zlib.crc32(repr(drawn).encode())
    return "".join(alphabet[(digest >> (5 * i)) % len(alphabet)] for i in range(6))


APNS_TOKEN = re.compile(r"[0-9a-f]{64}")
ADDRESS_FORMS = {
    "APNS": APNS_TOKEN,
    "APNS_SANDBOX": APNS_TOKEN,
    "APNS_VOIP": APNS_TOKEN,
    "APNS_VOIP_SANDBOX": APNS_TOKEN,
    "EMAIL": re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+"),
    "SMS": re.compile(r"\+[1-9][0-9]{6,14}"),
    "VOICE": re.compile(r"\+[1-9][0-9]{6,14}"),
    "CUSTOM": re.compile(r"https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?"),
}
TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,200}")  # a device token, an ARN-like ID: no spaces, no controls


def address_for(channel: str, drawn: Any) -> str:
    """An address of the kind `channel` takes (an email address, an E.164 number, a device token…):
    the drawn one if it already is one."""
    if isinstance(drawn, str) and ADDRESS_FORMS.get(channel, TOKEN).fullmatch(drawn):
        return drawn
    token = _token(drawn)
    digits = f"{zlib.crc32(repr(drawn).encode()) % 10_000:04d}"
    if channel == "EMAIL":
        return f"{token}@example.com"
    if channel in ("SMS", "VOICE"):
        return f"+1206555{digits}"
    if channel.startswith("APNS"):
        return f"{zlib.crc32(repr(drawn).encode()):08x}" * 8
    if channel == "CUSTOM":
        return f"https://example.com/hooks/{token}"
    return f"{channel.lower()}-token-{token}"


def _date(drawn: Any) -> str:
    instant = iso_instant(drawn)
    if instant is not None and isinstance(drawn, str) and 2000 <= int(drawn[:4]) <= 2099:
        return drawn
    digest = zlib.crc32(repr(drawn).encode())
    return f"20{digest % 100:02d}-{digest % 12 + 1:02d}-{digest % 28 + 1:02d}T{digest % 24:02d}:{digest % 60:02d}:00Z"


def _name(name: str) -> str:
    return name[:MAX_NAME] if name else "attribute"


def _attributes(drawn: Any) -> dict[str, list[str]]:
    if not isinstance(drawn, dict):
        return {}
    return {_name(str(name)): [str(value)[:MAX_VALUE] for value in values[:MAX_ENTRIES]]
            for name, values in list(drawn.items())[:MAX_ENTRIES] if isinstance(values, list)}  # fmt: skip


def _metrics(drawn: Any) -> dict[str, float]:
    if not isinstance(drawn, dict):
        return {}
    return {_name(str(name)): value for name, value in list(drawn.items())[:MAX_ENTRIES]
            if isinstance(value, int | float) and not isinstance(value, bool)}  # fmt: skip


def _strings(drawn: Any, members: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(drawn, dict):
        return {}
    return {name: value for name, value in drawn.items() if name in members and isinstance(value, str)}


def _demographic(drawn: Any) -> dict[str, Any]:
    demographic = _strings(drawn, DEMOGRAPHIC)
    if "Locale" in demographic:
        demographic["Locale"] = _pick(LOCALES, demographic["Locale"])
    if "Timezone" in demographic:
        demographic["Timezone"] = _pick(TIMEZONES, demographic["Timezone"])
    return demographic


def _location(drawn: Any) -> dict[str, Any]:
    location = _strings(drawn, ("City", "Country", "PostalCode", "Region"))
    if "Country" in location:
        location["Country"] = _pick(COUNTRIES, location["Country"])
    for name, bound in (("Latitude", 90.0), ("Longitude", 180.0)):
        value = drawn.get(name) if isinstance(drawn, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            location[name] = value if -bound <= value <= bound else float(value % bound)
    return location


def valid_endpoint_request(drawn: dict[str, Any]) -> dict[str, Any]:
    """The valid EndpointRequest (or EndpointBatchItem, with its Id) nearest to what was drawn."""
    request: dict[str, Any] = {name: value for name, value in drawn.items() if name in (*REQUEST, "Id")}
    if "ChannelType" in request or "Address" in request:
        request["ChannelType"] = _pick(CHANNEL_TYPES, request.get("ChannelType"))
        request["Address"] = address_for(request["ChannelType"], request.get("Address"))
    if "EffectiveDate" in request:
        request["EffectiveDate"] = _date(request["EffectiveDate"])
    if "EndpointStatus" in request:
        request["EndpointStatus"] = _pick(("ACTIVE", "INACTIVE"), request["EndpointStatus"])
    if "OptOut" in request:
        request["OptOut"] = _pick(("ALL", "NONE"), request["OptOut"])
    if "Attributes" in request:
        request["Attributes"] = _attributes(request["Attributes"])
    if "Metrics" in request:
        request["Metrics"] = _metrics(request["Metrics"])
    if "Demographic" in request:
        request["Demographic"] = _demographic(request["Demographic"])
    if "Location" in request:
        request["Location"] = _location(request["Location"])
    if "User" in request:
        user = request["User"] if isinstance(request["User"], dict) else {}
        request["User"] = {}
        if "UserAttributes" in user:
            request["User"]["UserAttributes"] = _attributes(user["UserAttributes"])
        if isinstance(user.get("UserId"), str):
            request["User"]["UserId"] = user["UserId"]
    for name in ("Address", "RequestId", "Id"):
        if name in request and not isinstance(request[name], str):
            del request[name]
    return request
