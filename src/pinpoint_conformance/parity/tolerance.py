"""The tolerance file: the differences a comparison accepts, each with its reason.

TOML, one `[[tolerate]]` table per entry:

    [[tolerate]]
    exchange = "test_04_delete.py::test_*_no_endpoints*"   # optional: every exchange
    path = "status"                                        # optional: the whole exchange
    reason = "404 or an empty 200/202 both conform (PC405)"

`exchange` is a glob (`*` any characters, `?` one; nothing else is special, so a test's `[param]`
is matched as written) over an exchange's name, `<scenario>#<n>`, or over its scenario alone.
`path` names a difference's path (see `differences.py`) segment by segment: `*` is one segment
(`[*]` one list element or endpoint), `**` any number of them, and within a segment `*` and `?`
are globs (`headers.content-*`). An entry needs a reason and at least one of exchange and path.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Tolerance:
    reason: str
    exchange: str | None = None
    path: str | None = None

    def covers(self, difference: Difference) -> bool:
        if self.exchange is not None:
            pattern = glob(self.exchange)
            if not (pattern.fullmatch(difference.exchange) or pattern.fullmatch(difference.scenario)):
                return False
        return self.path is None or path_matches(tuple(SEGMENT.findall(self.path)), difference.path)


def load(path: Path) -> list[Tolerance]:
    """The entries of a tolerance file; ValueError naming the entry that is not right."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"cannot read the tolerance file {path}: {error}") from None
    entries = document.get("tolerate", [])
    if not isinstance(entries, list) or set(document) - {"tolerate"}:
        raise ValueError(f"{path}: a tolerance file holds [[tolerate]] tables only")
    out = []
    for number, entry in enumerate(entries, start=1):
        unknown = set(entry) - {"exchange", "path", "reason"}
        reason = entry.get("reason")
        if unknown or not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"{path}: entry {number} needs a reason (and only exchange, path, reason)")
        if "exchange" not in entry and "path" not in entry:
            raise ValueError(f"{path}: entry {number} names neither an exchange nor a path")
        out.append(Tolerance(reason.strip(), entry.get("exchange"), entry.get("path")))
    return out


def apply(tolerances: list[Tolerance], differences: list[Difference]) -> None:
    """Mark each difference a tolerance covers with that tolerance's reason (the first that does)."""
    for difference in differences:
        difference.tolerated = next((t.reason for t in tolerances if t.covers(difference)), None)
