"""The OpenAPI documents, in their two layers.

- **Published**: the contract a client may rely on, tolerant where AWS evolves or varies
  (`spec/pinpoint-user.openapi.yaml`, `spec/pinpoint-support.openapi.yaml`). Released as one file
  per OpenAPI version and format in `spec/dist/` (`python -m pinpoint_conformance.spec build`).
- **Conformance**: the published documents with `spec/pinpoint-conformance.overlay.yaml` applied,
  the strictness the suite enforces. `load_user_spec()` and `load_bundle()` return this view: the
  suite reads the spec only through them.

`spec/views.json` holds every view as the sources produce them, with a digest of the sources and of
the code that computes the views; `build` writes it with `spec/dist/`. A process reads it when the
digest matches (JSON alone: parsing the YAML and applying the overlay took a fiftieth of a second of
every suite run's start-up, in the suite's process and in the property worker's), and computes the
views from the sources otherwise, so that an edited source is never read stale.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from . import bundling, overlay

USER_SPEC_NAME = bundling.USER_SPEC_NAME
SUPPORT_SPEC_NAME = "pinpoint-support.openapi.yaml"
OVERLAY_NAME = "pinpoint-conformance.overlay.yaml"
DIST_NAME = "pinpoint-user-api"  # spec/dist/pinpoint-user-api.openapi-<version>.<yaml|json>
DIST_VERSIONS = ("3.0.3", "3.1.0")
DIST_FORMATS = ("yaml", "json")
VIEWS_NAME = "views.json"
VIEW_NAMES = ("published_user", "published_bundle", "conformance_user", "conformance_bundle")


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


def views_path() -> Path:
    return spec_dir() / VIEWS_NAME


def load_yaml(path: Path) -> dict[str, Any]:
    import yaml  # here, not at the top: a run whose views are built (spec/views.json) never parses YAML

    # libyaml's safe loader when PyYAML was built with it: ten times faster than the pure-Python
    # one, which took a third of a second of every suite run's start-up (benchmarks/suite_runtime.py).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        # A JSON round trip turns the YAML aliases (shared members) into independent copies, so
        # that changing one schema never changes another.
        return json.loads(json.dumps(yaml.load(handle, Loader=loader)))


def _computed_views() -> dict[str, Any]:
    """Every view, computed from the source files."""
    user = load_yaml(user_spec_path())
    support = load_yaml(support_spec_path())
    strict = load_yaml(overlay_path())
    published_bundle = bundling.bundle(support, user)
    return {
        "published_user": user,
        "published_bundle": published_bundle,
        # The User document lacks the support calls' schemas that some actions target.
        "conformance_user": overlay.apply(user, strict, require_matches=False),
        "conformance_bundle": overlay.apply(published_bundle, strict),
    }


def _sources_digest() -> str:
    """SHA-256 of what the views are computed from: the three source documents, and the modules
    that bundle them, apply the overlay and compute the views."""
    digest = hashlib.sha256()
    for path in (user_spec_path(), support_spec_path(), overlay_path(), Path(bundling.__file__),
                 Path(overlay.__file__), Path(__file__)):  # fmt: skip
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _views_text(views: dict[str, Any]) -> str:
    return json.dumps({"sources_sha256": _sources_digest(), "views": views}, ensure_ascii=False) + "\n"


@cache
def _views_json() -> dict[str, str]:
    """Each view's JSON text, once per process: from spec/views.json when its digest is that of the
    sources as they are, else computed from them."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        built = json.loads(views_path().read_text(encoding="utf-8"))
        if built["sources_sha256"] == _sources_digest() and set(built["views"]) == set(VIEW_NAMES):
            return {name: json.dumps(built["views"][name]) for name in VIEW_NAMES}
    views = _computed_views()
    return {name: json.dumps(views[name]) for name in VIEW_NAMES}


def _view(name: str) -> dict[str, Any]:
    """One view, parsed afresh: each caller gets its own copy to change."""
    return json.loads(_views_json()[name])


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


def render(document: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    import yaml

    class Dumper(yaml.SafeDumper):
        """Writes multi-line strings (the Markdown descriptions) as literal blocks, as a person would."""

    def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    Dumper.add_representer(str, represent_str)
    return yaml.dump(document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)


def built_artifacts() -> dict[Path, str]:
    """What `build` writes, each file with its text, computed from the sources (never read from
    spec/views.json): the released files of `spec/dist/`, and `spec/views.json`."""
    views = _computed_views()
    published = views["published_bundle"]
    documents = {"3.0.3": published, "3.1.0": bundling.to_openapi_3_1(json.loads(json.dumps(published)))}
    artifacts = {dist_path(v, f): render(documents[v], f) for v in DIST_VERSIONS for f in DIST_FORMATS}
    return {**artifacts, views_path(): _views_text(views)}


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
