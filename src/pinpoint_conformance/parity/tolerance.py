"""The tolerance file: the differences a comparison accepts, each with its reason.

TOML, one `[[tolerate]]` table per entry:

    [[tolerate]]
    exchange = ["test_04_delete.py::test_get_of_a_user_with_no_endpoints#1"]   # optional: every exchange
    path = "status"                                                           # optional: every path
    recorded = "404"                                                          # optional
    live = "20?"                                                              # optional
    reason = "a user with no endpoints: 404, or an empty 200/202 (PC405)"

`exchange` is a glob, or a list of them (`*` any characters, `?` one; nothing else is special, so
a test's `[param]` is matched as written), over an exchange's name, `<scenario>#<n>`, or over its
scenario alone. `path` (or a list of them) names a difference's path (see `differences.py`) segment
by segment: `*` is one segment (`[*]` one list element or endpoint), `**` any number of them, and
within a segment `*` and `?` are globs (`headers.content-*`). `kind` names the kind of difference
(`value`, `status`, `only in this run`…). `recorded` and `live` are globs over the two values (a
string as it is, anything else as JSON, nothing as an empty string). An entry covers a difference
when everything it gives matches; it needs a reason, and an exchange or a path.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .differences import Difference

SEGMENT = re.compile(r"\[[^\]]*\]|[^.\[]+")


def glob(pattern: str) -> re.Pattern[str]:
    """`*` any characters, `?` one, everything else literal."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL)


def _segment_matches(pattern: str, segment: str) -> bool:
    if pattern == "[*]":
        return segment.startswith("[")
    return glob(pattern).fullmatch(segment) is not None


def path_matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(path_matches(rest, path[i:]) for i in range(len(path) + 1))
    return bool(path) and _segment_matches(head, path[0]) and path_matches(rest, path[1:])


def value_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _globs(patterns: tuple[str, ...], *texts: str) -> bool:
    return any(glob(p).fullmatch(text) for p in patterns for text in texts)


@dataclass(frozen=True)
class Tolerance:
    reason: str
    exchanges: tuple[str, ...] = ()  # empty: every exchange
    paths: tuple[str, ...] = ()  # empty: every path
    kind: str | None = None
    recorded: str | None = None
    live: str | None = None

    def covers(self, difference: Difference) -> bool:
        if self.exchanges and not _globs(self.exchanges, difference.exchange, difference.scenario):
            return False
        if self.paths and not any(path_matches(tuple(SEGMENT.findall(p)), difference.path) for p in self.paths):
            return False
        if self.kind is not None and self.kind != difference.kind:
            return False
        sides = ((self.recorded, difference.recorded), (self.live, difference.live))
        return all(pattern is None or glob(pattern).fullmatch(value_text(value)) for pattern, value in sides)


FIELDS = {"exchange", "path", "kind", "recorded", "live", "reason"}


def _strings(value: Any) -> tuple[str, ...] | None:
    """An entry's exchange or path: a string or a list of them (None if it is neither)."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    return tuple(values)


def _entry(entry: Any, where: str) -> Tolerance:
    if not isinstance(entry, dict) or set(entry) - FIELDS:
        raise ValueError(f"{where} may hold only {', '.join(sorted(FIELDS))}")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError(f"{where} needs a reason")
    exchanges, paths = _strings(entry.get("exchange", [])), _strings(entry.get("path", []))
    if exchanges is None or paths is None:
        raise ValueError(f"{where}: exchange and path are strings or lists of strings")
    if not exchanges and not paths:
        raise ValueError(f"{where} names neither an exchange nor a path")
    values = [entry.get(name) for name in ("kind", "recorded", "live")]
    if not all(value is None or isinstance(value, str) for value in values):
        raise ValueError(f"{where}: kind, recorded and live are strings")
    return Tolerance(reason.strip(), exchanges, paths, *values)


def load(path: Path) -> list[Tolerance]:
    """The entries of a tolerance file; ValueError naming the entry that is not right."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"cannot read the tolerance file {path}: {error}") from None
    entries = document.get("tolerate", [])
    if not isinstance(entries, list) or set(document) - {"tolerate"}:
        raise ValueError(f"{path}: a tolerance file holds [[tolerate]] tables only")
    return [_entry(entry, f"{path}: entry {number}") for number, entry in enumerate(entries, start=1)]


def apply(tolerances: list[Tolerance], differences: list[Difference]) -> None:
    """Mark each difference a tolerance covers with that tolerance's reason (the first that does)."""
    for difference in differences:
        difference.tolerated = next((t.reason for t in tolerances if t.covers(difference)), None)
