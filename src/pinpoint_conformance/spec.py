"""Where the OpenAPI documents live, and how to load them as one self-contained document.

The support document includes the User document by relative `$ref`s (so that each is readable
and lintable on its own). Schemathesis and the reference server want a single document, so
`load_bundle()` inlines those references: the User document's components are copied in and every
`./pinpoint-user.openapi.yaml#…` pointer becomes a local one.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

USER_SPEC_NAME = "pinpoint-user.openapi.yaml"
SUPPORT_SPEC_NAME = "pinpoint-support.openapi.yaml"
_EXTERNAL_PREFIX = f"./{USER_SPEC_NAME}#"


def spec_dir() -> Path:
    """The `spec/` folder: beside the package in a wheel, at the repository root in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "spec", here.parents[1] / "spec"):
        if (candidate / USER_SPEC_NAME).is_file():
            return candidate
    raise FileNotFoundError(f"cannot find {USER_SPEC_NAME} near {here}")


def user_spec_path() -> Path:
    return spec_dir() / USER_SPEC_NAME


def support_spec_path() -> Path:
    return spec_dir() / SUPPORT_SPEC_NAME


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


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


@lru_cache(maxsize=1)
def _bundle_json() -> str:
    user_doc = load_yaml(user_spec_path())
    support_doc = load_yaml(support_spec_path())
    bundle = _localise(support_doc, user_doc)
    components = bundle.setdefault("components", {})
    for section, entries in user_doc.get("components", {}).items():
        target = components.setdefault(section, {})
        for name, value in entries.items():
            # A support entry that merely re-exported the User one (now `{"$ref": "#/…/name"}`)
            # would point at itself: the User document's definition takes its place.
            existing = target.get(name)
            if existing is None or existing == {"$ref": f"#/components/{section}/{name}"}:
                target[name] = copy.deepcopy(value)
    return json.dumps(bundle)


def load_bundle() -> dict[str, Any]:
    """The support document with the User document folded in: one self-contained OpenAPI 3.0.3."""
    return json.loads(_bundle_json())


@lru_cache(maxsize=1)
def _user_json() -> str:
    return json.dumps(load_yaml(user_spec_path()))


def load_user_spec() -> dict[str, Any]:
    """The User document, parsed once per process; each caller gets its own copy to change."""
    return json.loads(_user_json())
