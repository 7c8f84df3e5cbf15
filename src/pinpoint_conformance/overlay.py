"""OpenAPI Overlay 1.0.0, the part the conformance overlay needs: `update` and `remove` actions
whose targets are JSONPath (RFC 9535) queries made of name selectors (`.name`, `['name']`,
`['a','b']`) and wildcards (`.*`, `[*]`).

A target outside that subset raises ValueError rather than matching nothing: a misread target
would silently leave the suite less strict than the overlay says.
"""

from __future__ import annotations

import copy
import re
from typing import Any

# One segment: `.name`, `.*`, `[*]` or a bracketed list of quoted names.
_SEGMENT = re.compile(
    r"""\.(?P<name>[A-Za-z_$][\w$-]*)"""
    r"""|\.(?P<dot_wild>\*)"""
    r"""|\[(?P<bracket>\*|'[^']*'(?:\s*,\s*'[^']*')*)\]"""
)
WILDCARD = None  # a selector that matches every member or item


def parse_target(target: str) -> list[list[str] | None]:
    """The target's segments: a list of names, or WILDCARD."""
    if not target.startswith("$"):
        raise ValueError(f"overlay target {target!r} does not start at the root ($)")
    segments: list[list[str] | None] = []
    position = 1
    while position < len(target):
        match = _SEGMENT.match(target, position)
        if match is None:
            raise ValueError(f"overlay target {target!r}: unsupported JSONPath at {target[position:]!r}")
        if match["name"]:
            segments.append([match["name"]])
        elif match["dot_wild"] or match["bracket"] == "*":
            segments.append(WILDCARD)
        else:
            segments.append(re.findall(r"'([^']*)'", match["bracket"]))
        position = match.end()
    return segments


def select(document: Any, target: str) -> list[tuple[Any, str | int]]:
    """(parent, key) of every node the target selects, in document order."""
    parents: list[tuple[Any, str | int]] = [({"$": document}, "$")]
    for selector in parse_target(target):
        found = []
        for parent, key in parents:
            node = parent[key]
            if isinstance(node, dict):
                keys: list[str | int] = list(node) if selector is WILDCARD else [k for k in selector if k in node]
            elif isinstance(node, list) and selector is WILDCARD:
                keys = list(range(len(node)))
            else:
                keys = []
            found += [(node, k) for k in keys]
        parents = found
    return parents


def _merge(target: Any, update: Any) -> Any:
    """Overlay 1.0 update semantics: objects merge recursively, arrays append, anything else replaces."""
    if isinstance(target, dict) and isinstance(update, dict):
        for key, value in update.items():
            target[key] = _merge(target[key], value) if key in target else copy.deepcopy(value)
        return target
    if isinstance(target, list) and isinstance(update, list):
        return target + copy.deepcopy(update)
    return copy.deepcopy(update)


def apply(document: dict[str, Any], overlay: dict[str, Any], *, require_matches: bool = True) -> dict[str, Any]:
    """A copy of `document` with the overlay's actions applied in order. With `require_matches`,
    an action whose target selects nothing is an error (a typo would otherwise go unnoticed)."""
    if overlay.get("overlay") != "1.0.0":
        raise ValueError(f"not an OpenAPI Overlay 1.0.0 document: overlay={overlay.get('overlay')!r}")
    result = copy.deepcopy(document)
    for action in overlay["actions"]:
        matches = select(result, action["target"])
        if not matches and require_matches:
            raise ValueError(f"overlay target {action['target']!r} selects nothing")
        if action.get("remove"):
            # Delete from the end, so that list indices still point at the right items.
            for parent, key in reversed(matches):
                del parent[key]
        elif "update" in action:
            for parent, key in matches:
                parent[key] = _merge(parent[key], action["update"])
    return result
