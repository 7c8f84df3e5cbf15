"""Compares the spec with AWS's model (botocore's pinpoint/2016-12-01/service-2.json) and lists
every difference: a member missing or typed otherwise, a required member not required, an enum
that differs, an operation whose path, method or statuses differ. An empty list means they agree."""

from __future__ import annotations

from typing import Any

from botocore.loaders import Loader

# Spec schema <- model shape (same names, which the spec keeps on purpose).
USER_SHAPES = ("EndpointsResponse", "EndpointResponse", "EndpointDemographic", "EndpointLocation", "EndpointUser",
               "MessageBody")  # fmt: skip
SUPPORT_SHAPES = ("ApplicationResponse", "CreateApplicationRequest", "EndpointRequest", "EndpointBatchItem",
                  "EndpointBatchRequest")  # fmt: skip
USER_OPERATIONS = ("GetUserEndpoints", "DeleteUserEndpoints")
SUPPORT_OPERATIONS = ("CreateApp", "GetApp", "DeleteApp", "UpdateEndpoint", "UpdateEndpointsBatch", "GetEndpoint",
                      "DeleteEndpoint")  # fmt: skip
SCALARS = {"string": "string", "double": "number", "float": "number", "integer": "integer", "long": "integer",
           "boolean": "boolean", "timestamp": "string"}  # fmt: skip


def load_model() -> dict[str, Any]:
    return Loader().load_service_model("pinpoint", "service-2")


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/")]
        node = target
    return node


class Drift:
    def __init__(self, model: dict[str, Any], document: dict[str, Any]) -> None:
        self.shapes = model["shapes"]
        self.operations = model["operations"]
        self.document = document
        self.found: list[str] = []
        self._seen: set[tuple[str, int]] = set()

    def shape(self, shape_name: str, schema: dict[str, Any], where: str) -> None:
        key = (shape_name, id(schema))
        if key in self._seen:
            return
        self._seen.add(key)
        shape = self.shapes[shape_name]
        schema = _resolve(self.document, schema)
        kind = shape["type"]
        if kind == "structure":
            self._structure(shape_name, shape, schema, where)
        elif kind == "list":
            if schema.get("type") != "array":
                self.found.append(f"{where}: model list ({shape_name}), spec type {schema.get('type')!r}")
            else:
                self.shape(shape["member"]["shape"], schema.get("items", {}), f"{where}[]")
        elif kind == "map":
            value = schema.get("additionalProperties")
            if schema.get("type") != "object" or not isinstance(value, dict):
                self.found.append(f"{where}: model map ({shape_name}), spec has no typed additionalProperties")
            else:
                self.shape(shape["value"]["shape"], value, f"{where}{{}}")
        else:
            wanted = SCALARS.get(kind)
            if schema.get("type") != wanted:
                self.found.append(f"{where}: model {kind} ({shape_name}), spec type {schema.get('type')!r}")
            if "enum" in shape and sorted(shape["enum"]) != sorted(schema.get("enum", [])):
                self.found.append(f"{where}: enum differs: model {sorted(shape['enum'])}, "
                                  f"spec {sorted(schema.get('enum', []))}")  # fmt: skip

    def _structure(self, name: str, shape: dict[str, Any], schema: dict[str, Any], where: str) -> None:
        if schema.get("type") != "object":
            self.found.append(f"{where}: model structure {name}, spec type {schema.get('type')!r}")
            return
        properties = schema.get("properties", {})
        wire_names = {}
        for member, definition in shape["members"].items():
            if definition.get("location"):
                continue  # path, query or header members are not body properties
            wire = definition.get("locationName", member)
            wire_names[wire] = member
            if wire not in properties:
                self.found.append(f"{name}.{wire}: in AWS's model, missing from the spec")
                continue
            self.shape(definition["shape"], properties[wire], f"{name}.{wire}")
        for wire in properties:
            if wire not in wire_names:
                self.found.append(f"{name}.{wire}: in the spec, not in AWS's model")
        required = {shape["members"][m].get("locationName", m) for m in shape.get("required", [])}
        missing = sorted(required - set(schema.get("required", [])))
        if missing:
            self.found.append(f"{name}: required in AWS's model, not in the spec: {missing}")

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
        wanted |= {str(self.shapes[e["shape"]]["error"]["httpStatusCode"]) for e in model.get("errors", [])}
        if statuses != wanted:
            self.found.append(f"{name}: statuses differ: model {sorted(wanted)}, spec {sorted(statuses)}")
        body = self.shapes[model["input"]["shape"]] if "input" in model else {}
        payload = body.get("payload")
        if payload:
            content = _resolve(self.document, operation.get("requestBody", {})).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                self.found.append(f"{name}: the model has a request payload, the spec no JSON request body")
            else:
                self.shape(body["members"][payload]["shape"], schema, f"{name} request")


def differences(model: dict[str, Any], user_doc: dict[str, Any], bundle: dict[str, Any]) -> list[str]:
    found = []
    for document, shapes, operations in ((user_doc, USER_SHAPES, USER_OPERATIONS),
                                         (bundle, SUPPORT_SHAPES, SUPPORT_OPERATIONS)):  # fmt: skip
        drift = Drift(model, document)
        for shape in shapes:
            drift.shape(shape, document["components"]["schemas"][shape], shape)
        for operation in operations:
            drift.operation(operation)
        found += drift.found
    return found
