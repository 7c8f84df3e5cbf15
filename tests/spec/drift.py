"""Compares the spec with AWS's model (botocore's pinpoint/2016-12-01/service-2.json and botocore's
rest-json parser) and lists every difference. An empty list means they agree.

Both layers are held to the model's members, types, paths, methods, parameters, statuses and
exceptions (with the response headers botocore reads them from). They differ where the model
leaves room (DIVERGENCES.md says why):

- published (the client contract): an enum of the model is open (`x-extensible-enum`, no `enum`);
  a response string carries no `pattern`, `format` or length that could reject a value AWS
  sends; exactly the model's members are required; every optional member of a shape only
  responses use is nullable (botocore's parser treats `null` as absent), and no member of a shape
  requests use is (a generated client would send the nulls); and the error text may come under
  every key botocore reads it from.
- conformance (the suite's view): an enum is the model's, closed; at least the model's members
  are required; nothing is nullable.
"""

from __future__ import annotations

import json
from typing import Any

from botocore import parsers
from botocore.loaders import Loader
from botocore.model import ServiceModel

PUBLISHED, CONFORMANCE = "published", "conformance"
# Spec schema <- model shape (same names, which the spec keeps on purpose).
EXCEPTIONS = ("BadRequestException", "ForbiddenException", "NotFoundException", "MethodNotAllowedException",
              "PayloadTooLargeException", "TooManyRequestsException", "InternalServerErrorException")  # fmt: skip
USER_SHAPES = ("EndpointsResponse", "EndpointResponse", "EndpointDemographic", "EndpointLocation", "EndpointUser",
               "MessageBody", *EXCEPTIONS)  # fmt: skip
SUPPORT_SHAPES = ("ApplicationResponse", "CreateApplicationRequest", "EndpointRequest", "EndpointBatchItem",
                  "EndpointBatchRequest")  # fmt: skip
REQUEST_SHAPES = ("CreateApplicationRequest", "EndpointRequest", "EndpointBatchItem", "EndpointBatchRequest")
USER_OPERATIONS = ("GetUserEndpoints", "DeleteUserEndpoints")
SUPPORT_OPERATIONS = ("CreateApp", "GetApp", "DeleteApp", "UpdateEndpoint", "UpdateEndpointsBatch", "GetEndpoint",
                      "DeleteEndpoint")  # fmt: skip
SCALARS = {"string": "string", "double": "number", "float": "number", "integer": "integer", "long": "integer",
           "boolean": "boolean", "timestamp": "string"}  # fmt: skip
# Keywords that would make a client reject a string AWS may send: the published layer has none.
REJECTING = ("enum", "pattern", "format", "minLength", "maxLength")


def load_model() -> dict[str, Any]:
    return Loader().load_service_model("pinpoint", "service-2")


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/")]
        node = target
    return node


def _unwrap(document: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A property's schema and whether it may be null: `nullable` on a scalar, or the wrapper
    OpenAPI 3.0 needs for a nullable reference (`type` + `nullable` + `allOf` of the reference)."""
    nullable = schema.get("nullable") is True
    if len(schema.get("allOf", [])) == 1 and "$ref" in schema["allOf"][0]:
        return _resolve(document, schema["allOf"][0]), nullable
    return _resolve(document, schema), nullable


def _flatten(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """An object schema with its `allOf` members merged in (an exception is a MessageBody)."""
    schema = _resolve(document, schema)
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    merged["properties"] = dict(schema.get("properties", {}))
    merged["required"] = list(schema.get("required", []))
    for part in schema.get("allOf", []):
        flat = _flatten(document, part)
        merged.setdefault("type", flat.get("type"))
        merged["properties"].update(flat["properties"])
        merged["required"] += flat["required"]
    return merged


def botocore_reads(model: dict[str, Any]) -> dict[str, Any]:
    """What botocore's rest-json parser reads from an error response of GetUserEndpoints: the keys
    an error's text may come under, and the headers it takes the request ID and exception from."""
    operation = ServiceModel(model).operation_model("GetUserEndpoints")
    parser = parsers.create_parser(model["metadata"]["protocol"])

    def parse(headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        answer = {"status_code": 404, "headers": headers, "body": json.dumps(body).encode()}
        return parser.parse(answer, operation.output_shape)

    message_keys = [key for key in ("Message", "message", "errorMessage")
                    if parse({}, {key: "probe"})["Error"]["Message"] == "probe"]  # fmt: skip
    headers = {"x-amzn-requestid": "request-probe", "x-amzn-errortype": "NotFoundException:http://probe/"}
    parsed = parse(headers, {})
    return {
        "message_keys": message_keys,
        "request_id_header": "x-amzn-requestid" if parsed["ResponseMetadata"].get("RequestId") == "request-probe"
        else None,
        "error_type_header": "x-amzn-errortype" if parsed["Error"]["Code"] == "NotFoundException" else None,
    }  # fmt: skip


class Drift:
    def __init__(self, model: dict[str, Any], document: dict[str, Any], layer: str) -> None:
        self.shapes = model["shapes"]
        self.operations = model["operations"]
        self.document = document
        self.layer = layer
        self.reads = botocore_reads(model)
        self.request_shapes = self._reachable([model["operations"][name]["input"]["shape"]
                                               for name in (*USER_OPERATIONS, *SUPPORT_OPERATIONS)])  # fmt: skip
        self.found: list[str] = []
        self._seen: set[tuple[str, int, bool]] = set()

    def _reachable(self, roots: list[str]) -> set[str]:
        found: set[str] = set()
        pending = list(roots)
        while pending:
            name = pending.pop()
            if name in found:
                continue
            found.add(name)
            shape = self.shapes[name]
            pending += [m["shape"] for m in shape.get("members", {}).values()]
            pending += [shape[k]["shape"] for k in ("member", "value") if k in shape]
        return found

    def shape(self, shape_name: str, schema: dict[str, Any], where: str, *, response: bool) -> None:
        key = (shape_name, id(schema), response)
        if key in self._seen:
            return
        self._seen.add(key)
        shape = self.shapes[shape_name]
        kind = shape["type"]
        if kind == "structure":
            self._structure(shape_name, shape, _flatten(self.document, schema), where, response)
        elif kind == "list":
            schema = _resolve(self.document, schema)
            if schema.get("type") != "array":
                self.found.append(f"{where}: model list ({shape_name}), spec type {schema.get('type')!r}")
            else:
                self.shape(shape["member"]["shape"], schema.get("items", {}), f"{where}[]", response=response)
        elif kind == "map":
            schema = _resolve(self.document, schema)
            value = schema.get("additionalProperties")
            if schema.get("type") != "object" or not isinstance(value, dict):
                self.found.append(f"{where}: model map ({shape_name}), spec has no typed additionalProperties")
            else:
                self.shape(shape["value"]["shape"], value, f"{where}{{}}", response=response)
        else:
            self._scalar(shape_name, shape, _resolve(self.document, schema), where, response)

    def _scalar(self, name: str, shape: dict[str, Any], schema: dict[str, Any], where: str, response: bool) -> None:
        wanted = SCALARS.get(shape["type"])
        if schema.get("type") != wanted:
            self.found.append(f"{where}: model {shape['type']} ({name}), spec type {schema.get('type')!r}")
        model_enum = sorted(shape.get("enum", []))
        if self.layer == CONFORMANCE:
            if model_enum != sorted(schema.get("enum", [])):
                self.found.append(f"{where}: enum differs: model {model_enum}, spec {sorted(schema.get('enum', []))}")
            return
        if model_enum and sorted(schema.get("x-extensible-enum", [])) != model_enum:
            self.found.append(f"{where}: x-extensible-enum differs: model {model_enum}, "
                              f"spec {sorted(schema.get('x-extensible-enum', []))}")  # fmt: skip
        rejecting = [k for k in REJECTING if k in schema and not (k == "format" and schema[k] in ("double", "float"))]
        if response and rejecting:
            self.found.append(f"{where}: the published contract must not reject values AWS may send: {rejecting}")

    def _structure(self, name: str, shape: dict[str, Any], schema: dict[str, Any], where: str, response: bool) -> None:
        if schema.get("type") != "object":
            self.found.append(f"{where}: model structure {name}, spec type {schema.get('type')!r}")
            return
        if schema.get("additionalProperties") is True and self.layer == PUBLISHED:
            # openapi-typescript turns it into an index signature: misspelled members would compile.
            self.found.append(f"{where}: explicit additionalProperties: true")
        properties = schema["properties"]
        model_required = {shape["members"][m].get("locationName", m) for m in shape.get("required", [])}
        wire_names = {}
        for member, definition in shape["members"].items():
            if definition.get("location"):
                continue  # path, query or header members are not body properties
            wire = definition.get("locationName", member)
            wire_names[wire] = member
            if wire not in properties:
                self.found.append(f"{name}.{wire}: in AWS's model, missing from the spec")
                continue
            target, nullable = _unwrap(self.document, properties[wire])
            self._nullability(f"{name}.{wire}", nullable, name in self.request_shapes,
                              response and wire not in model_required)  # fmt: skip
            self.shape(definition["shape"], target, f"{name}.{wire}", response=response)
        for wire in properties:
            if wire not in wire_names:
                self.found.append(f"{name}.{wire}: in the spec, not in AWS's model")
        required = set(schema["required"])
        missing = sorted(model_required - required)
        if missing:
            self.found.append(f"{name}: required in AWS's model, not in the spec: {missing}")
        if self.layer == PUBLISHED and required - model_required:
            self.found.append(f"{name}: required in the published contract, not in AWS's model: "
                              f"{sorted(required - model_required)}")  # fmt: skip

    def _nullability(self, where: str, nullable: bool, in_requests: bool, optional_in_response: bool) -> None:
        if self.layer == CONFORMANCE:
            if nullable:
                self.found.append(f"{where}: nullable in the conformance view")
        elif in_requests and nullable:
            self.found.append(f"{where}: nullable, but requests use this shape (clients would send null)")
        elif not in_requests and optional_in_response and not nullable:
            self.found.append(f"{where}: optional response member not nullable (botocore reads null as absent)")

    def operation(self, name: str) -> None:
        model = self.operations[name]
        path, method = model["http"]["requestUri"], model["http"]["method"].lower()
        item = self.document["paths"].get(path)
        operation = _resolve(self.document, item).get(method) if item else None
        if operation is None or operation.get("operationId") != name:
            self.found.append(f"{name}: {method.upper()} {path} is not in the spec as {name}")
            return
        statuses = set(operation["responses"])
        wanted = {str(model["http"].get("responseCode", 200))}
        errors = {str(self.shapes[e["shape"]]["error"]["httpStatusCode"]): e["shape"] for e in model.get("errors", [])}
        if statuses != wanted | set(errors):
            self.found.append(f"{name}: statuses differ: model {sorted(wanted | set(errors))}, spec {sorted(statuses)}")
        for status, exception in errors.items():
            self._error_response(name, status, exception, operation["responses"].get(status))
        body = self.shapes[model["input"]["shape"]] if "input" in model else {}
        self._parameters(name, item, operation, body)
        payload = body.get("payload")
        if payload:
            content = _resolve(self.document, operation.get("requestBody", {})).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                self.found.append(f"{name}: the model has a request payload, the spec no JSON request body")
            else:
                self.shape(body["members"][payload]["shape"], schema, f"{name} request", response=False)

    def _parameters(self, name: str, item: dict[str, Any], operation: dict[str, Any], body: dict[str, Any]) -> None:
        """Path, query and header parameters are the model's members with those locations (so no
        `accept` header: SDKs send none)."""
        item = _resolve(self.document, item)
        declared = {(p["in"], p["name"]) for p in (_resolve(self.document, p) for p in
                    [*item.get("parameters", []), *operation.get("parameters", [])])}  # fmt: skip
        locations = {"uri": "path", "querystring": "query", "header": "header"}
        wanted = {(locations[m["location"]], m.get("locationName", key)) for key, m in body.get("members", {}).items()
                  if m.get("location") in locations}  # fmt: skip
        if declared != wanted:
            self.found.append(f"{name}: parameters differ: model {sorted(wanted)}, spec {sorted(declared)}")

    def _error_response(self, operation: str, status: str, exception: str, response: Any) -> None:
        """Each error is a response and a schema named after the model's exception (so that
        generated clients have one type per error), a MessageBody with AWS's headers."""
        expected = f"#/components/responses/{exception}"
        if response is None:
            return  # reported as a status difference
        if response.get("$ref") != expected:
            self.found.append(f"{operation} {status}: response is {response.get('$ref')!r}, expected {expected}")
            return
        resolved = _resolve(self.document, response)
        schema = resolved.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("$ref") != f"#/components/schemas/{exception}":
            self.found.append(f"{operation} {status}: body schema is not #/components/schemas/{exception}")
        headers = {name.lower() for name in resolved.get("headers", {})}
        for header in (self.reads["request_id_header"], self.reads["error_type_header"]):
            if header not in headers:
                self.found.append(f"{exception}: response header {header} (read by botocore) not declared")

    def error_text(self) -> None:
        """The keys botocore reads an error's text from are the ones MessageBody names."""
        keys = self.reads["message_keys"]
        declared = self.document["components"]["schemas"]["MessageBody"].get("x-error-message-members")
        if declared != keys:
            self.found.append(f"MessageBody: x-error-message-members {declared}, botocore reads {keys}")


def differences(model: dict[str, Any], user_doc: dict[str, Any], bundle: dict[str, Any], layer: str) -> list[str]:
    found = []
    for document, shapes, operations in ((user_doc, USER_SHAPES, USER_OPERATIONS),
                                         (bundle, SUPPORT_SHAPES, SUPPORT_OPERATIONS)):  # fmt: skip
        drift = Drift(model, document, layer)
        for shape in shapes:
            drift.shape(shape, document["components"]["schemas"][shape], shape, response=shape not in REQUEST_SHAPES)
        for operation in operations:
            drift.operation(operation)
        drift.error_text()
        found += drift.found
    return found
