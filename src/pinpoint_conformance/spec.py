"""The OpenAPI documents, in their two layers.

- **Published**: the contract a client may rely on, tolerant where AWS evolves or varies
  (`spec/pinpoint-user.openapi.yaml`, `spec/pinpoint-support.openapi.yaml`). Released as one file
  per OpenAPI version and format in `spec/dist/` (`python -m pinpoint_conformance.spec build`).
- **Conformance**: the published documents with `spec/pinpoint-conformance.overlay.yaml` applied,
  the strictness the suite enforces. `load_user_spec()` and `load_bundle()` return this view: the
  suite reads the spec only through them.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from . import bundling, overlay

USER_SPEC_NAME = bundling.USER_SPEC_NAME
SUPPORT_SPEC_NAME = "pinpoint-support.openapi.yaml"
OVERLAY_NAME = "pinpoint-conformance.overlay.yaml"
DIST_NAME = "pinpoint-user-api"  # spec/dist/pinpoint-user-api.openapi-<version>.<yaml|json>
DIST_VERSIONS = ("3.0.3", "3.1.0")
DIST_FORMATS = ("yaml", "json")


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


def overlay_path() -> Path:
    return spec_dir() / OVERLAY_NAME


def dist_path(version: str, fmt: str) -> Path:
    return spec_dir() / "dist" / f"{DIST_NAME}.openapi-{version}.{fmt}"


# libyaml's safe loader when PyYAML was built with it: ten times faster than the pure-Python one,
# which took a third of a second of every suite run's start-up (benchmarks/suite_runtime.py).
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        # A JSON round trip turns the YAML aliases (shared members) into independent copies, so
        # that changing one schema never changes another.
        return json.loads(json.dumps(yaml.load(handle, Loader=_SafeLoader)))


@cache
def _documents_json() -> str:
    """Every view, computed once per process from the source files."""
    user = load_yaml(user_spec_path())
    support = load_yaml(support_spec_path())
    strict = load_yaml(overlay_path())
    published_bundle = bundling.bundle(support, user)
    return json.dumps({
        "published_user": user,
        "published_bundle": published_bundle,
        # The User document lacks the support calls' schemas that some actions target.
        "conformance_user": overlay.apply(user, strict, require_matches=False),
        "conformance_bundle": overlay.apply(published_bundle, strict),
    })  # fmt: skip


def _view(name: str) -> dict[str, Any]:
    """One view, parsed afresh: each caller gets its own copy to change."""
    return json.loads(_documents_json())[name]


def load_published_user_spec() -> dict[str, Any]:
    """The User document as published: the client contract, without the support calls."""
    return _view("published_user")


def load_published_bundle() -> dict[str, Any]:
    """The released contract: the User resource and its support calls in one OpenAPI 3.0.3 document,
    as in `spec/dist/`."""
    return _view("published_bundle")


def load_published_bundle_3_1() -> dict[str, Any]:
    """The released contract in OpenAPI 3.1.0."""
    return bundling.to_openapi_3_1(load_published_bundle())


def load_user_spec() -> dict[str, Any]:
    """The User document in the conformance view (published + conformance overlay)."""
    return _view("conformance_user")


def load_bundle() -> dict[str, Any]:
    """The bundle in the conformance view (published + conformance overlay): one self-contained
    OpenAPI 3.0.3 document with the support calls."""
    return _view("conformance_bundle")


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings (the Markdown descriptions) as literal blocks, as a person would."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_str)


def render(document: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def built_artifacts() -> dict[Path, str]:
    """What `spec/dist/` must hold: each released file and its text, from the sources."""
    documents = {"3.0.3": load_published_bundle(), "3.1.0": load_published_bundle_3_1()}
    return {dist_path(v, f): render(documents[v], f) for v in DIST_VERSIONS for f in DIST_FORMATS}


def build() -> list[Path]:
    """Write `spec/dist/` from the sources; returns the files written."""
    artifacts = built_artifacts()
    for path, text in artifacts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(artifacts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pinpoint_conformance.spec", description="Build or check the released bundles in spec/dist/."
    )
    parser.add_argument(
        "command", choices=["build", "check"], help="build: write spec/dist/; check: exit 1 if it is not up to date"
    )
    arguments = parser.parse_args(argv)
    if arguments.command == "build":
        for path in build():
            print(path)
        return 0
    stale = [path for path, text in built_artifacts().items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]  # fmt: skip
    for path in stale:
        print(f"{path} differs from what the sources produce: run `python -m pinpoint_conformance.spec build`")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
