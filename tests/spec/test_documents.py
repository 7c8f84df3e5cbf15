"""Both OpenAPI documents (and the bundle the suite loads) are valid OpenAPI 3.0.3, and every
example in them validates against its schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from pinpoint_conformance import spec

DOCUMENTS = {"user": spec.user_spec_path, "support": spec.support_spec_path}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_is_valid_openapi_3_0_3(name: str) -> None:
    document, base_uri = read_from_filename(str(DOCUMENTS[name]()))
    assert document["openapi"] == "3.0.3"
    validate(document, base_uri=base_uri)


def test_bundle_is_valid_and_self_contained() -> None:
    bundle = spec.load_bundle()
    validate(bundle)
    assert "'$ref': './" not in str(bundle), "an external reference survived bundling"
    operations = {op["operationId"] for path in bundle["paths"].values() for op in path.values() if "operationId" in op}
    assert operations == {"CreateApp", "GetApp", "DeleteApp", "UpdateEndpoint", "UpdateEndpointsBatch",
                          "GetEndpoint", "DeleteEndpoint", "GetUserEndpoints", "DeleteUserEndpoints"}  # fmt: skip


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"].removeprefix("#/").split("/")
        node = document
        for part in pointer:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _examples(document: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(where, schema, example) for every example of a media type, request or response."""
    for path, item in document["paths"].items():
        for method, operation in _resolve(document, item).items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            bodies = [("request", _resolve(document, operation.get("requestBody", {})))]
            bodies += [(status, _resolve(document, r)) for status, r in operation["responses"].items()]
            for label, body in bodies:
                for media, content in (body or {}).get("content", {}).items():
                    where = f"{method.upper()} {path} {label} {media}"
                    if "example" in content:
                        yield where, content["schema"], content["example"]
                    for name, example in content.get("examples", {}).items():
                        yield f"{where} ({name})", content["schema"], _resolve(document, example)["value"]


@pytest.mark.parametrize("name", ["user", "bundle"])
def test_every_response_has_an_example(name: str) -> None:
    document = spec.load_user_spec() if name == "user" else spec.load_bundle()
    missing = []
    for path, item in document["paths"].items():
        for method, operation in _resolve(document, item).items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                for media, content in _resolve(document, response).get("content", {}).items():
                    if "example" not in content and "examples" not in content:
                        missing.append(f"{method.upper()} {path} {status} {media}")
    assert not missing, missing


@pytest.mark.parametrize("name", ["user", "bundle"])
def test_every_example_validates_against_its_schema(name: str) -> None:
    document = spec.load_user_spec() if name == "user" else spec.load_bundle()
    checked = 0
    for where, schema, example in _examples(document):
        root = {"components": document["components"], **schema}
        validator = jsonschema.Draft4Validator(root, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, f"{where}: {errors}"
        checked += 1
    assert checked >= (14 if name == "user" else 30), f"only {checked} examples found: the walk is broken"


def test_a_wrong_example_is_caught() -> None:
    """The example check can fail: the seed's own example (no Item wrapper) does not validate."""
    document = spec.load_user_spec()
    seed_example = {"Address": "string", "ChannelType": "GCM", "CohortId": "string", "EffectiveDate": "string"}
    root = {"components": document["components"], "$ref": "#/components/schemas/EndpointsResponse"}
    validator = jsonschema.Draft4Validator(root, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(seed_example))
    wrapped = {"Item": [seed_example]}
    messages = " ".join(e.message for e in validator.iter_errors(wrapped))
    assert "does not match" in messages and "date-time" in messages
