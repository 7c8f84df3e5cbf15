"""Where two transcripts differ, scenario by scenario, exchange by exchange, field by field.

An exchange is named by its scenario and its place in it (`test_04_delete.py::test_…#2`, from 1).
A difference's path says where: `scenario` or `exchange` (one side has none), `request` (the suite
sent something else: the server made the scenario take another path), `error` (no complete
response), `status`, `headers.<name>` (lower-case; `headers.x-amzn-errortype` is the error type),
and `body…` in the JSON: `body.Item[<run>ep-<2>].Address`. Order is compared where it means
something: in every list but `Item`, the list of endpoints, which is matched by Id (the contract
leaves its order open).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

ONLY_RECORDED, ONLY_LIVE = "only in the recording", "only in this run"


@dataclass
class Difference:
    exchange: str  # `<scenario>#<n>`, or the scenario alone when one side has no such scenario
    path: tuple[str, ...]  # segments: ("body", "Item", "[<run>ep-<2>]", "Address")
    kind: str  # status, error type, request, value, type, order, only in the recording, only in this run
    recorded: Any
    live: Any
    tolerated: str | None = None  # the reason the tolerance file gives, when it names this difference

    @property
    def scenario(self) -> str:
        return self.exchange.rsplit("#", 1)[0] if "#" in self.exchange else self.exchange

    @property
    def where(self) -> str:
        return path_text(self.path)

    def describe(self) -> str:
        return f"{self.exchange} {self.where}: {self.kind} (recorded {_short(self.recorded)}, now {_short(self.live)})"


def path_text(path: tuple[str, ...]) -> str:
    return "".join(s if s.startswith("[") or i == 0 else "." + s for i, s in enumerate(path))


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else "nothing"
    return text if len(text) <= 120 else text[:117] + "…"


def scenarios(recorded: dict[str, list[Any]], live: dict[str, list[Any]]) -> list[Difference]:
    """Every difference between two transcripts' `scenarios`."""
    out: list[Difference] = []
    for scenario in sorted(recorded.keys() | live.keys()):
        if scenario not in live:
            out.append(Difference(scenario, ("scenario",), ONLY_RECORDED, len(recorded[scenario]), None))
            continue
        if scenario not in recorded:
            out.append(Difference(scenario, ("scenario",), ONLY_LIVE, None, len(live[scenario])))
            continue
        before, now = recorded[scenario], live[scenario]
        for index in range(max(len(before), len(now))):
            name = f"{scenario}#{index + 1}"
            if index >= len(now):
                out.append(Difference(name, ("exchange",), ONLY_RECORDED, before[index]["request"], None))
            elif index >= len(before):
                out.append(Difference(name, ("exchange",), ONLY_LIVE, None, now[index]["request"]))
            else:
                out += exchange(name, before[index], now[index])
    return out


def exchange(name: str, before: dict[str, Any], now: dict[str, Any]) -> list[Difference]:
    out: list[Difference] = []
    if before["request"] != now["request"]:
        out.append(Difference(name, ("request",), "request", before["request"], now["request"]))
    if "error" in before or "error" in now:
        if before.get("error") != now.get("error"):
            out.append(Difference(name, ("error",), "value", before.get("error"), now.get("error")))
        return out
    old, new = before["response"], now["response"]
    if old["status"] != new["status"]:
        out.append(Difference(name, ("status",), "status", old["status"], new["status"]))
    for header in sorted(old["headers"].keys() | new["headers"].keys()):
        a, b = old["headers"].get(header), new["headers"].get(header)
        if a != b:
            kind = "error type" if header == "x-amzn-errortype" else _presence(a, b) or "value"
            out.append(Difference(name, ("headers", header), kind, a, b))
    out += _values(name, ("body",), _content(old), _content(new))
    return out


def _content(response: dict[str, Any]) -> Any:
    """A response's body: its JSON, or its text when it was not JSON (None for none)."""
    return response["body"] if "body" in response else response.get("text")


def _presence(a: Any, b: Any) -> str | None:
    if b is None:
        return ONLY_RECORDED
    if a is None:
        return ONLY_LIVE
    return None


def _values(name: str, path: tuple[str, ...], a: Any, b: Any) -> list[Difference]:
    if a == b and type(a) is type(b):
        return []
    if (a is None) != (b is None):  # a body on one side only
        return [Difference(name, path, _presence(a, b) or "value", a, b)]
    if isinstance(a, dict) and isinstance(b, dict):
        out: list[Difference] = []
        for key in sorted(a.keys() | b.keys()):
            if key not in b:
                out.append(Difference(name, (*path, key), ONLY_RECORDED, a[key], None))
            elif key not in a:
                out.append(Difference(name, (*path, key), ONLY_LIVE, None, b[key]))
            else:
                out += _values(name, (*path, key), a[key], b[key])
        return out
    if isinstance(a, list) and isinstance(b, list):
        return _lists(name, path, a, b)
    if type(a) is not type(b):
        return [Difference(name, path, "type", a, b)]
    return [Difference(name, path, "value", a, b)]


def _by_id(items: list[Any]) -> dict[str, Any] | None:
    """A list of endpoints keyed by Id, or None if it is not one (or an Id repeats)."""
    keyed = {item["Id"]: item for item in items if isinstance(item, dict) and isinstance(item.get("Id"), str)}
    return keyed if len(keyed) == len(items) else None


def _lists(name: str, path: tuple[str, ...], a: list[Any], b: list[Any]) -> list[Difference]:
    if path[-1] == "Item" and (old := _by_id(a)) is not None and (new := _by_id(b)) is not None:
        return _values(name, path, {f"[{key}]": item for key, item in old.items()},
                       {f"[{key}]": item for key, item in new.items()})  # fmt: skip
    if len(a) == len(b) and sorted(map(_canonical, a)) == sorted(map(_canonical, b)):
        return [Difference(name, path, "order", a, b)]
    out: list[Difference] = []
    for index in range(max(len(a), len(b))):
        segment = (*path, f"[{index}]")
        if index >= len(b):
            out.append(Difference(name, segment, ONLY_RECORDED, a[index], None))
        elif index >= len(a):
            out.append(Difference(name, segment, ONLY_LIVE, None, b[index]))
        else:
            out += _values(name, segment, a[index], b[index])
    return out


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
