"""Volatile values out, stable placeholders in: what makes two recordings of the same server
identical, and a recording comparable with another server's answers.

- The run's prefix (`pc-<8 hex>-<worker>-`, which depends on the seed and the xdist worker) becomes
  `<run>` (`<RUN>` where the suite sent it upper-cased).
- The counter that ends every name the run made (`<prefix><label>-<counter>`) becomes `<k>`, the rank
  of that counter among those one scenario uses: a scenario's names keep their identity and order
  wherever they appear in it, and a server that makes another scenario create more or fewer names
  does not renumber this one's.
- Application IDs a server assigned become `<app-LABEL>`, LABEL being the name the run gave the
  application (upper-cased `<APP-LABEL>`, and `<app-LABEL>[:-1]` with its last character cut, as the
  unknown-application checks send them); other UUIDs and long hexadecimal strings (IDs the suite
  derives from the prefix) become `<uuid-k>` and `<hex-k>` by first appearance in the scenario.
- In responses: request IDs (the `x-amzn-RequestId` header, `RequestId`/`RequestID` members) become
  `<request-id>`, a string CohortId `<cohort>`, and dates (members whose name ends in `Date`) keep
  their format but not their digits (`<date dddd-dd-ddTdd:dd:dd.dddZ>`).
- Secrets (see `transcript.secrets_of`) become `<redacted>` wherever they appear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PREFIX = re.compile(r"pc-[0-9a-f]{8}-g?w\d+-", re.IGNORECASE)
# A name the run made: its prefix, a label (which may hold `+ @ : é` or their escapes, never a
# slash, a quote or a space) and its counter.
NAME = re.compile(r"(?P<prefix>pc-[0-9a-f]{8}-g?w\d+-)(?:(?P<label>[^/\s\"',]{0,40}?)-(?P<counter>\d+)(?!\d))?",
                  re.IGNORECASE)  # fmt: skip
UUID = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}(?![0-9A-Za-z])")
HEX = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{24,40}(?![0-9A-Za-z])")
REQUEST_ID = "<request-id>"
REDACTED = "<redacted>"


def run_placeholder(prefix: str) -> str:
    return "<run>" if prefix == prefix.lower() else "<RUN>"


def counters_in(text: str) -> set[int]:
    return {int(m["counter"]) for m in NAME.finditer(text) if m["counter"]}


def strings_in(value: Any) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [key, *strings_in(item)]]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def date_shape(value: str) -> str:
    return "<date " + re.sub(r"\d", "d", value) + ">"


@dataclass
class Applications:
    """The application IDs a server assigned, each named by the label the run gave it."""

    names: dict[str, str] = field(default_factory=dict)  # ID -> placeholder

    def add(self, application_id: str, name: str) -> None:
        label = PREFIX.sub("", name, count=1)
        self.names.setdefault(application_id, f"<app-{label}>")

    def replacements(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for app, placeholder in self.names.items():
            if len(app) > 1:
                out[app[:-1]] = placeholder + "[:-1]"
            out[app.upper()] = placeholder.upper()
            out[app] = placeholder
        return out


class Scope:
    """The placeholders of one scenario (a test's exchanges): counters ranked over the scenario,
    other generated IDs numbered by first appearance."""

    def __init__(self, applications: Applications, secrets: list[str], counters: set[int]) -> None:
        self._secrets = sorted((s for s in secrets if s), key=len, reverse=True)
        replacements = applications.replacements()
        self._apps = replacements
        # The longest first, so that an ID is replaced before a shorter string it starts with.
        alternatives = sorted(replacements, key=len, reverse=True)
        self._app_pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        self._rank = {counter: rank for rank, counter in enumerate(sorted(counters), start=1)}
        self._numbered: dict[str, dict[str, str]] = {"uuid": {}, "hex": {}}

    def _number(self, kind: str) -> Callable[[re.Match[str]], str]:
        def placeholder(match: re.Match[str]) -> str:
            seen = self._numbered[kind]
            return seen.setdefault(match[0].lower(), f"<{kind}-{len(seen) + 1}>")

        return placeholder

    def _name(self, match: re.Match[str]) -> str:
        run = run_placeholder(match["prefix"])
        if not match["counter"]:
            return run
        return f"{run}{match['label']}-<{self._rank.get(int(match['counter']), match['counter'])}>"

    def text(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        if self._app_pattern is not None:
            value = self._app_pattern.sub(lambda m: self._apps[m[0]], value)
        value = UUID.sub(self._number("uuid"), value)
        value = NAME.sub(self._name, value)
        return HEX.sub(self._number("hex"), value)

    def value(self, value: Any) -> Any:
        """A request's JSON: every string normalized, nothing else touched."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(key): self.value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value

    def response_value(self, value: Any) -> Any:
        """A response's JSON: strings normalized, server-set volatile members replaced, and every
        `Item` list of endpoints in the order of its normalized Ids (the contract leaves it open)."""
        if isinstance(value, dict):
            return {self.text(key): self._member(key, item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.response_value(item) for item in value]
        return self.value(value)

    def _member(self, key: str, item: Any) -> Any:
        if key in ("RequestId", "RequestID") and isinstance(item, str):
            return REQUEST_ID
        if key == "CohortId" and isinstance(item, str):
            return "<cohort>"
        if key.endswith("Date") and isinstance(item, str):
            return date_shape(item)
        normalized = self.response_value(item)
        if key == "Item" and isinstance(normalized, list) and all(_has_id(e) for e in normalized):
            normalized.sort(key=lambda endpoint: endpoint["Id"])
        return normalized


def _has_id(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("Id"), str)
