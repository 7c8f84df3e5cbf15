"""Clause 9: property-based. Schemathesis generates IDs and headers from the spec for both
operations (and other methods for the resource, and stateful sequences through the support
document's links); every response is held to clauses 3, 6 and 7."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from pinpoint_conformance.harness import properties
from pinpoint_conformance.harness.client import OTHER_METHODS, Client, segment
from pinpoint_conformance.harness.failures import ConformanceFailure, fail, observe
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.harness.wire import check_message_body
from pinpoint_conformance.harness.world import World
from pinpoint_conformance.harness.writes import valid_endpoint_request

# OpenAPI 3.0 tells tools to ignore a header parameter named Accept, so Schemathesis never sends the
# seed's `accept`: the suite draws it itself, from values that all admit JSON (a server must serve
# them; refusing one that does not admit JSON with 406 is not this check's business).
ACCEPT = st.one_of(
    st.none(),
    st.sampled_from(["application/json", "*/*", "application/*", "APPLICATION/JSON", "application/json; charset=utf-8",
                     "application/json, text/plain, */*", "text/html, application/xhtml+xml, */*;q=0.8"]),
    st.builds("{}, application/json;q={}".format, st.sampled_from(["text/html", "text/plain", "application/xml",
                                                                   "image/*"]),
              st.sampled_from(["0.1", "0.5", "0.9", "1"])),
)  # fmt: skip


@pytest.fixture(scope="module")
def generated_session(client: Client) -> Any:
    session = client.generated_session()
    yield session
    session.close()


def _prefixed(world: World) -> Any:
    """DELETEs only ever name the run's own users, whatever the generator drew."""

    def apply(case: Any) -> Any:
        case.path_parameters["user-id"] = world.prefix + "pbt-" + str(case.path_parameters["user-id"])
        return case

    return apply


@pytest.mark.check("PC901")
def test_generated_requests_conform(world: World, settings: Settings, client: Client, generated_session: Any) -> None:
    schema = properties.user_schema()
    get, delete = schema[properties.USER_PATH]["GET"], schema[properties.USER_PATH]["DELETE"]
    known_user = world.name("pbt-known")
    world.seed_user(world.app_a, known_user, 2)
    pinned = {"application-id": world.app_a}
    strategy = st.one_of(
        get.as_strategy(),  # any application: mostly unknown ones
        get.as_strategy(path_parameters=pinned),  # the run's application, generated users
        get.as_strategy(path_parameters={**pinned, "user-id": known_user}),  # a user with endpoints
        delete.as_strategy().map(_prefixed(world)),
        delete.as_strategy(path_parameters=pinned).map(_prefixed(world)),
    )

    first = properties.FirstFailure()

    @hypothesis_seed(settings.seed)
    @properties.hypothesis_profile(settings, max_examples=settings.max_examples * 2)
    @given(case=strategy, accept=ACCEPT)
    def generated(case: Any, accept: str | None) -> None:
        headers = {"Accept": accept} if accept is not None else None
        try:
            response = properties.call(case, settings, generated_session, headers)
            properties.judge(case, response, settings, client)
        except ConformanceFailure as failure:
            raise first.record(failure) from None

    first.run(generated)


@pytest.mark.check("PC902")
def test_generated_requests_with_other_methods_get_405(world: World, settings: Settings, client: Client) -> None:
    get = properties.user_schema()[properties.USER_PATH]["GET"]
    strategy = st.tuples(
        st.sampled_from(OTHER_METHODS), get.as_strategy(path_parameters={"application-id": world.app_a})
    )

    first = properties.FirstFailure()

    @hypothesis_seed(settings.seed)
    @properties.hypothesis_profile(settings)
    @given(drawn=strategy)
    def generated(drawn: tuple[str, Any]) -> None:
        method, case = drawn
        user = world.prefix + "pbt-" + str(case.path_parameters["user-id"])
        try:
            exchange = client.send(method, f"/v1/apps/{segment(world.app_a)}/users/{segment(user)}")
            if exchange.status == 400:  # a server may refuse an ID it does not accept
                check_message_body(exchange, "PC902")
                return
            if exchange.status != 405:
                fail("PC902", f"{method} answered {exchange.status}, expected 405", exchange)
            observe(client.findings, "PC902")
            check_message_body(exchange, "PC902")
        except ConformanceFailure as failure:
            raise first.record(failure) from None

    first.run(generated)


@pytest.mark.check("PC903")
def test_stateful_sequences_through_the_links_conform(world: World, settings: Settings, client: Client,
                                                      generated_session: Any) -> None:  # fmt: skip
    if settings.app_id:
        pytest.skip("stateful sequences create applications; not with --app-id")
    schema = properties.bundle_schema().include(
        operation_id=["CreateApp", "UpdateEndpoint", "GetEndpoint", "GetUserEndpoints", "DeleteUserEndpoints"]
    )
    base = schema.as_state_machine()
    first = properties.FirstFailure()

    class Machine(base):  # type: ignore[misc, valid-type]
        def before_call(self, case: Any) -> None:
            label = case.operation.definition.raw.get("operationId")
            if label == "UpdateEndpoint" and isinstance(case.body, dict):
                # Only values AWS documents as valid, and only the run's own users.
                case.body = valid_endpoint_request(case.body)
                user = case.body.get("User")
                if isinstance(user, dict) and isinstance(user.get("UserId"), str):
                    if not user["UserId"].startswith(world.prefix):
                        user["UserId"] = world.prefix + "sf-" + user["UserId"]
                    world.seeded_users.add(user["UserId"])
                client.ledger.record(str(case.path_parameters.get("application-id")),
                                     str(case.path_parameters.get("endpoint-id")), case.body)  # fmt: skip
            if label == "DeleteUserEndpoints":
                user_id = str(case.path_parameters.get("user-id", ""))
                if not user_id.startswith(world.prefix):
                    case.path_parameters["user-id"] = world.prefix + "sf-" + user_id

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": settings.base_url, "session": generated_session}

        def call(self, case: Any, **kwargs: Any) -> Any:
            try:
                return properties.call(case, settings, generated_session, check_id="PC903")
            except ConformanceFailure as failure:
                raise first.record(failure) from None

        def after_call(self, response: Any, case: Any) -> None:
            if case.operation.definition.raw.get("operationId") == "CreateApp" and response.status_code == 201:
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    world.created_apps.append(response.json()["Id"])

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            try:
                if case.operation.path == properties.USER_PATH:
                    properties.judge(case, response, settings, client, "PC903")
                elif response.status_code >= 500:
                    fail("PC903", f"{case.operation.label} answered {response.status_code}",
                         properties.exchange_of(response, settings.region if settings.sigv4 else None))  # fmt: skip
            except ConformanceFailure as failure:
                raise first.record(failure) from None

    profile = properties.hypothesis_profile(settings, max_examples=max(5, settings.max_examples // 4),
                                            stateful_step_count=6)  # fmt: skip
    seeded = hypothesis_seed(settings.seed)(Machine)  # the run's seed: the same sequences on every run
    first.run(lambda: seeded.run(settings=profile))
