"""The documents are valid OpenAPI in every layer and release, every example validates against its
schema, and the published contract is written for API users: descriptions without provenance,
AWS's page in `externalDocs`, the FIPS endpoint among the servers, the response headers AWS sends,
no `accept` parameter."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from pinpoint_conformance import spec

USER_PATH = "/v1/apps/{application-id}/users/{user-id}"
SOURCES = {"user": spec.user_spec_path, "support": spec.support_spec_path}
VIEWS: dict[str, Callable[[], dict[str, Any]]] = {
    "published-user": spec.load_published_user_spec,
    "published-bundle": spec.load_published_bundle,
    "published-bundle-3.1": spec.load_published_bundle_3_1,
    "conformance-user": spec.load_user_spec,
    "conformance-bundle": spec.load_bundle,
}
PUBLISHED = ["published-user", "published-bundle", "published-bundle-3.1"]
# Words that tell where a statement comes from rather than what the API does.
PROVENANCE = re.compile(r"\bseed\b|DIVERGENCES|conformance|\bD\d{1,2}\b|botocore|AWS's model|this document follows",
                        re.IGNORECASE)  # fmt: skip


@pytest.mark.parametrize("name", SOURCES)
def test_source_is_valid_openapi_3_0_3(name: str) -> None:
    document, base_uri = read_from_filename(str(SOURCES[name]()))
    assert document["openapi"] == "3.0.3"
    validate(document, base_uri=base_uri)


@pytest.mark.parametrize("name", VIEWS)
def test_view_is_valid_and_self_contained(name: str) -> None:
    document = VIEWS[name]()
    validate(document)
    assert document["openapi"] == ("3.1.0" if name.endswith("3.1") else "3.0.3")
    assert "'$ref': './" not in str(document), "an external reference survived bundling"
    if "bundle" in name:
        operations = {op["operationId"] for item in document["paths"].values() for op in item.values()
                      if isinstance(op, dict) and "operationId" in op}  # fmt: skip
        assert operations == {"CreateApp", "GetApp", "DeleteApp", "UpdateEndpoint", "UpdateEndpointsBatch",
                              "GetEndpoint", "DeleteEndpoint", "GetUserEndpoints", "DeleteUserEndpoints"}  # fmt: skip


def _resolve(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"].removeprefix("#/").split("/")
        node = document
        for part in pointer:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in _resolve(document, item).items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def _examples(document: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(where, schema, example) for every example of a media type, request or response."""
    for path, method, operation in _operations(document):
        bodies = [("request", _resolve(document, operation.get("requestBody", {})))]
        bodies += [(status, _resolve(document, r)) for status, r in operation["responses"].items()]
        for label, body in bodies:
            for media, content in (body or {}).get("content", {}).items():
                where = f"{method.upper()} {path} {label} {media}"
                if "example" in content:
                    yield where, content["schema"], content["example"]
                for name, example in content.get("examples", {}).items():
                    yield f"{where} ({name})", content["schema"], _resolve(document, example)["value"]


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    root = {"components": document["components"], **schema}
    if document["openapi"].startswith("3.1"):
        return jsonschema.Draft202012Validator(root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return jsonschema.Draft4Validator(root, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("name", VIEWS)
def test_every_response_has_an_example(name: str) -> None:
    document = VIEWS[name]()
    missing = [f"{method.upper()} {path} {status} {media}"
               for path, method, operation in _operations(document)
               for status, response in operation["responses"].items()
               for media, content in _resolve(document, response).get("content", {}).items()
               if "example" not in content and "examples" not in content]  # fmt: skip
    assert not missing, missing


@pytest.mark.parametrize("name", VIEWS)
def test_every_example_validates_against_its_schema(name: str) -> None:
    document = VIEWS[name]()
    checked = 0
    for where, schema, example in _examples(document):
        errors = [e.message for e in _validator(document, schema).iter_errors(example)]
        assert not errors, f"{where}: {errors}"
        checked += 1
    assert checked >= (14 if name.endswith("user") else 30), f"only {checked} examples found: the walk is broken"


def test_a_wrong_example_is_caught() -> None:
    """The example check can fail: the seed's own example (no Item wrapper) does not validate."""
    document = spec.load_user_spec()
    seed_example = {"Address": "string", "ChannelType": "GCM", "CohortId": "string", "EffectiveDate": "string"}
    validator = _validator(document, {"$ref": "#/components/schemas/EndpointsResponse"})
    assert list(validator.iter_errors(seed_example))
    messages = " ".join(e.message for e in validator.iter_errors({"Item": [seed_example]}))
    assert "does not match" in messages and "date-time" in messages


def _descriptions(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary", "title") and isinstance(value, str):
                yield f"{where}/{key}", value
            elif not key.startswith("x-"):
                yield from _descriptions(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _descriptions(item, f"{where}/{index}")


@pytest.mark.parametrize("name", ["published-user", "published-bundle"])
def test_descriptions_are_for_api_users(name: str) -> None:
    """No description says where it comes from (that is in `x-divergence` and DIVERGENCES.md)."""
    found = [f"{where}: {text[:100]}" for where, text in _descriptions(VIEWS[name]()) if PROVENANCE.search(text)]
    assert not found, "\n".join(found)
    assert PROVENANCE.search("The seed says 'Unused.'") and PROVENANCE.search("see DIVERGENCES.md (D9)")


@pytest.mark.parametrize("name", ["published-user", "published-bundle"])
def test_descriptions_use_the_models_wording_where_the_seed_was_wrong(name: str) -> None:
    schemas = VIEWS[name]()["components"]["schemas"]
    endpoint = schemas["EndpointResponse"]["properties"]
    assert "email address" in endpoint["Address"]["description"] and "E.164" in endpoint["Address"]["description"]
    assert "INACTIVE" in endpoint["EndpointStatus"]["description"]
    assert "Users has" not in endpoint["OptOut"]["description"]
    assert "America/Los_Angeles" in schemas["EndpointDemographic"]["properties"]["Timezone"]["description"]
    assert schemas["MessageBody"]["properties"]["RequestID"]["description"] == (
        "The unique identifier for the request or response."
    )


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_contract_metadata(name: str) -> None:
    document = VIEWS[name]()
    assert document["externalDocs"]["url"].startswith("https://docs.aws.amazon.com/pinpoint/latest/apireference/")
    urls = [server["url"] for server in document["servers"]]
    assert "https://pinpoint-fips.{region}.amazonaws.com" in urls, urls
    if "bundle" in name:
        assert document["info"]["title"] == "Pinpoint User API"


@pytest.mark.parametrize("name", VIEWS)
def test_responses_declare_awss_headers_and_no_accept_parameter(name: str) -> None:
    document = VIEWS[name]()
    for path, method, operation in _operations(document):
        parameters = _resolve(document, document["paths"][path]).get("parameters", [])
        parameters += operation.get("parameters", [])
        assert all(_resolve(document, p)["in"] != "header" for p in parameters), f"{method} {path}"
        for status, response in operation["responses"].items():
            headers = _resolve(document, response).get("headers", {})
            assert "x-amzn-RequestId" in headers, f"{method} {path} {status}"
            if int(status) >= 400:
                assert "x-amzn-ErrorType" in headers, f"{method} {path} {status}"


@pytest.mark.parametrize("name", VIEWS)
def test_each_error_has_its_own_response_and_schema(name: str) -> None:
    document = VIEWS[name]()
    responses = document["paths"][USER_PATH]["get"]["responses"]
    errors = {status: ref["$ref"].rsplit("/", 1)[-1] for status, ref in responses.items() if int(status) >= 400}
    assert errors == {"400": "BadRequestException", "403": "ForbiddenException", "404": "NotFoundException",
                      "405": "MethodNotAllowedException", "413": "PayloadTooLargeException",
                      "429": "TooManyRequestsException", "500": "InternalServerErrorException"}  # fmt: skip
    for exception in errors.values():
        schema = document["components"]["responses"][exception]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{exception}"}
        assert {"$ref": "#/components/schemas/MessageBody"} in document["components"]["schemas"][exception]["allOf"]


def test_404_and_202_say_what_they_mean_here() -> None:
    document = spec.load_published_user_spec()
    not_found = document["components"]["responses"]["NotFoundException"]["description"]
    assert "application does not exist" in not_found and "no endpoints" in not_found
    deleted = document["paths"][USER_PATH]["delete"]["responses"]["202"]["description"]
    assert "deleted" in deleted and "lists them" in deleted
