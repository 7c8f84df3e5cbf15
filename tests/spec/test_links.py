"""The support document's links let stateful generation chain the calls: every link names an
operation that exists, with parameters that operation has, and a Schemathesis state machine
driven only by the links reaches GetUserEndpoints and DeleteUserEndpoints for users it wrote."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from pinpoint_conformance import spec
from pinpoint_conformance.harness.property_checks import draw_without_local_constants
from pinpoint_conformance.reference import create_app, start_in_thread

USER_PATH = "/v1/apps/{application-id}/users/{user-id}"


def _resolve(bundle: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = bundle
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _operations(bundle: dict[str, Any]) -> dict[str, set[str]]:
    """operationId -> names of its path parameters."""
    found = {}
    for item in bundle["paths"].values():
        shared = {_resolve(bundle, p)["name"] for p in item.get("parameters", [])}
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                own = {_resolve(bundle, p)["name"] for p in operation.get("parameters", [])}
                found[operation["operationId"]] = shared | own
    return found


def test_every_link_names_an_existing_operation_and_its_parameters() -> None:
    bundle = spec.load_bundle()
    operations = _operations(bundle)
    links = 0
    for item in bundle["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                for name, link in _resolve(bundle, response).get("links", {}).items():
                    links += 1
                    assert link["operationId"] in operations, name
                    assert set(link["parameters"]) <= operations[link["operationId"]], name
    assert links == 5


@pytest.fixture
def without_local_constants() -> None:
    """Hypothesis also draws constants found in the source of the local modules imported so far;
    under xdist which those are depends on what else the worker ran, and a derandomized run then
    differed from worker to worker. Without them, as the suite draws, it is the same run everywhere."""
    draw_without_local_constants()


@pytest.mark.usefixtures("without_local_constants")
def test_stateful_generation_chains_into_the_user_operations() -> None:
    schema = schemathesis.openapi.from_dict(spec.load_bundle()).include(
        operation_id=["CreateApp", "UpdateEndpoint", "GetUserEndpoints", "DeleteUserEndpoints"]
    )
    seen: Counter[tuple[str, int]] = Counter()
    with start_in_thread(create_app()) as server:

        class Machine(schema.as_state_machine()):  # type: ignore[misc]
            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                return {"base_url": server.base_url}

            def after_call(self, response: Any, case: Any) -> None:
                seen[(case.operation.label, response.status_code)] += 1

            def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
                assert response.status_code < 500, (case.operation.label, response.text)

        Machine.run(settings=settings(max_examples=100, stateful_step_count=6, deadline=None, database=None,
                                      derandomize=True, suppress_health_check=list(HealthCheck),
                                      phases=[Phase.generate]))  # fmt: skip
    # Only a user ID taken from UpdateEndpoint's body, in an application from CreateApp, can have
    # endpoints: a 200 or 202 proves the links carried both values.
    assert seen[(f"GET {USER_PATH}", 200)] > 0, sorted(seen.items())
    assert seen[(f"DELETE {USER_PATH}", 202)] > 0, seen
