"""What the run wrote, and how a value read back is judged against it.

Whether a server validates, normalizes or stores as given what a support call wrote is not the
User resource's contract. So a value the run wrote is judged against what was written, by the
rules AWS documents for it, never by a stricter one:
- a date comes back as the same instant, in any ISO 8601 form (DIVERGENCES.md D24);
- Latitude and Longitude come back as written or rounded to one decimal place (AWS's model:
  "rounded to one decimal place");
- every other value comes back equal (numbers compared as numbers).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# ISO 8601 date-times as the suite accepts them (D24): calendar date and time, extended
# (2026-11-29T10:50:57.123Z) or basic (20261129T105057Z) format, seconds and fractions optional,
# the fraction after "." or ",", a UTC designator, an offset (+01:00, +0100, +01) or none.
_EXTENDED = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})[Tt](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)?"
)
_BASIC = re.compile(
    r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})[Tt](?P<h>\d{2})(?P<mi>\d{2})(?:(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?:\d{2})?)?"
)
_EPOCH = datetime(1, 1, 1)
COORDINATES = ("Latitude", "Longitude")


def iso_instant(value: Any) -> timedelta | None:
    """The instant an ISO 8601 date-time names, as the time since 0001-01-01 UTC (a timedelta, so
    that offsets at the ends of the calendar never overflow); None if `value` is not one. A value
    without a designator is read as UTC."""
    if not isinstance(value, str):
        return None
    match = _EXTENDED.fullmatch(value) or _BASIC.fullmatch(value)
    if match is None:
        return None
    parts = match.groupdict()
    fraction = parts["f"] or "0"
    offset = _offset(parts["tz"])
    try:
        local = datetime(int(parts["y"]), int(parts["mo"]), int(parts["d"]), int(parts["h"]), int(parts["mi"]),
                         int(parts["s"] or 0), int(fraction[:6].ljust(6, "0")))  # fmt: skip
    except ValueError:  # month 13, hour 24, 30 February…
        return None
    return None if offset is None else (local - _EPOCH) - offset


def iso_tick(value: str) -> timedelta:
    """The step of the clock an ISO 8601 date-time was written with, as far as its digits tell:
    a minute without seconds, a second without a fraction or with an all-zero one (a whole-second
    clock printed with a fraction), else one unit of its last digit (at least a microsecond)."""
    match = _EXTENDED.fullmatch(value) or _BASIC.fullmatch(value)
    if match is None or match["s"] is None:
        return timedelta(minutes=1)
    fraction = match["f"] or ""
    if not fraction.strip("0"):
        return timedelta(seconds=1)
    return timedelta(microseconds=10 ** max(0, 6 - len(fraction)))


def wait_out_a_tick(dates: Iterable[Any], otherwise: float) -> None:
    """Sleep one tick of the coarsest clock the date-times among `dates` show, and 1 ms more, so
    that what the run writes next is later than they are; `otherwise` seconds if none is a string."""
    ticks = [iso_tick(date).total_seconds() for date in dates if isinstance(date, str)]
    time.sleep(max(ticks) + 0.001 if ticks else otherwise)


def _offset(designator: str | None) -> timedelta | None:
    """The designator as an offset from UTC; None if it is no offset (+25:00)."""
    if not designator or designator in "Zz":
        return timedelta(0)
    digits = designator[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        return None
    sign = -1 if designator[0] == "-" else 1
    return sign * timedelta(hours=hours, minutes=minutes)


def is_iso_datetime(value: Any) -> bool:
    return iso_instant(value) is not None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def same_value(name: str, written: Any, read: Any) -> bool:
    """Whether `read` is `written` as AWS allows a server to return it (see the module's rules)."""
    if read == written and type(read) is type(written):
        return True  # the same value, whatever it is (a date PC303 fails is still the same date)
    if name in ("EffectiveDate", "CreationDate") and isinstance(written, str):
        instant = iso_instant(written)
        return instant is not None and iso_instant(read) == instant
    if _is_number(written):
        if not _is_number(read):
            return False
        if float(read) == float(written):
            return True
        return name in COORDINATES and abs(float(read) - round(float(written), 1)) < 1e-9
    return read == written


def differences(written: Any, read: Any, path: str, was: str = "written") -> list[str]:
    """Where `read` differs from what was written (or, with `was`, what was read before); objects
    may carry extra members."""
    if isinstance(written, dict):
        if not isinstance(read, dict):
            return [f"{path} is {read!r}, {was} {written!r}"]
        return [d for key, value in written.items()
                for d in differences(value, read.get(key), f"{path}.{key}", was)]  # fmt: skip
    name = path.rsplit(".", 1)[-1]
    return [] if same_value(name, written, read) else [f"{path} is {read!r}, {was} {written!r}"]


@dataclass
class Ledger:
    """Every EndpointRequest member the run wrote, per (application ID, endpoint ID), merged as
    UpdateEndpoint merges them (members given replace those stored), plus every EffectiveDate
    ever written (a server may keep a written one or set its own at a later update)."""

    members: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    effective_dates: dict[tuple[str, str], set[timedelta]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, application_id: str, endpoint_id: str, request: dict[str, Any]) -> None:
        key = (application_id, endpoint_id)
        with self._lock:
            stored = self.members.setdefault(key, {})
            stored.update({name: value for name, value in request.items() if name != "Id"})
            instant = iso_instant(request.get("EffectiveDate"))
            if instant is not None:
                self.effective_dates.setdefault(key, set()).add(instant)

    def written(self, application_id: str, endpoint_id: Any) -> dict[str, Any] | None:
        with self._lock:
            return self.members.get((application_id, endpoint_id)) if isinstance(endpoint_id, str) else None

    def wrote_effective_date(self, application_id: str, endpoint_id: Any, read: Any) -> bool:
        """Whether `read` is (an ISO 8601 form of) an EffectiveDate the run wrote for that endpoint."""
        instant = iso_instant(read)
        with self._lock:
            return instant is not None and instant in self.effective_dates.get((application_id, endpoint_id), set())
