"""One self-contained document from the two sources, and its OpenAPI 3.1.0 twin.

The support document includes the User document by relative `$ref`s (so that each is readable and
lintable on its own). Code generators, Schemathesis and Prism want one file, so `bundle()` inlines
those references: the User document's components are copied in and every
`./pinpoint-user.openapi.yaml#…` pointer becomes a local one.
"""

from __future__ import annotations

import copy
from typing import Any

USER_SPEC_NAME = "pinpoint-user.openapi.yaml"
_EXTERNAL_PREFIX = f"./{USER_SPEC_NAME}#"


def _resolve_pointer(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for raw in pointer.lstrip("/").split("/"):
        node = node[raw.replace("~1", "/").replace("~0", "~")]
    return node


def _localise(node: Any, user_doc: dict[str, Any]) -> Any:
    """Rewrite references into the User document as local ones, inlining path items (which
    OpenAPI 3.0 cannot hold under components)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_EXTERNAL_PREFIX):
            pointer = ref[len(_EXTERNAL_PREFIX) :]
            if pointer.startswith("/paths/"):
                return _localise(copy.deepcopy(_resolve_pointer(user_doc, pointer)), user_doc)
            return {"$ref": "#" + pointer}
        return {key: _localise(value, user_doc) for key, value in node.items()}
    if isinstance(node, list):
        return [_localise(item, user_doc) for item in node]
    return node


def bundle(support_doc: dict[str, Any], user_doc: dict[str, Any]) -> dict[str, Any]:
    """The support document with the User document folded in: one self-contained document."""
    result = _localise(support_doc, user_doc)
    components = result.setdefault("components", {})
    for section, entries in user_doc.get("components", {}).items():
        target = components.setdefault(section, {})
        for name, value in entries.items():
            # A support entry that merely re-exported the User one (now `{"$ref": "#/…/name"}`)
            # would point at itself: the User document's definition takes its place.
            existing = target.get(name)
            if existing is None or existing == {"$ref": f"#/components/{section}/{name}"}:
                target[name] = copy.deepcopy(value)
    return result


def _nullable_to_3_1(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0's `nullable: true` in 3.1's terms. A nullable reference, which 3.0 can only
    write as `type` + `nullable` + `allOf` of the one reference, becomes `anyOf` the reference or
    `null`; any other nullable schema gets `null` among its types."""
    schema = dict(schema)
    if not schema.pop("nullable"):
        return schema
    if len(schema.get("allOf", [])) == 1 and "$ref" in schema["allOf"][0]:
        schema.pop("type", None)  # the reference gives the type
        schema["anyOf"] = [schema.pop("allOf")[0], {"type": "null"}]
    elif isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
    else:
        raise ValueError(f"cannot express this nullable schema in OpenAPI 3.1: {schema}")
    return schema


def to_openapi_3_1(document: dict[str, Any]) -> dict[str, Any]:
    """The same API as an OpenAPI 3.1.0 document. The sources use no other 3.0-only construct
    (no schema-level `example`, no boolean `exclusiveMinimum`); `nullable` is the one to convert."""

    def convert(node: Any) -> Any:
        if isinstance(node, dict):
            converted = {key: convert(value) for key, value in node.items()}
            return _nullable_to_3_1(converted) if "nullable" in converted else converted
        if isinstance(node, list):
            return [convert(item) for item in node]
        return node

    result = convert(document)
    result["openapi"] = "3.1.0"
    return result
