"""Clause 9's checks, PC901-PC903, as functions that run in whichever process runs them: the suite's
own, or the property worker beside it (property_worker.py), with the same requests either way.

PC901 and PC902 draw all their examples, under the run's seed, before they send any
(`draw_examples`): what they send cannot depend on what the server answers, and the worker draws
while the suite's other checks use the wire. Each check sends its examples in the order drawn and
ends at its first failure (no example is shrunk). The examples name the run's application and
PC901's known user by stand-ins, replaced as each is sent: the worker draws before the run's
application exists. PC903's sequences follow the server's answers (the links), so they are drawn
as they are sent.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import cache
from typing import Any

import requests
import schemathesis
from hypothesis import given
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from . import properties
from .client import Client, other_methods, segment
from .failures import ConformanceFailure, NotApplicable, fail, observe
from .settings import Settings, cache_dir
from .wire import check_message_body
from .world import World
from .writes import valid_endpoint_request

# Stand-ins for IDs that exist only once the run has created its data.
APPLICATION = "the-run-s-application"
KNOWN_USER = "the-run-s-known-user"

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


@dataclass
class Drawn:
    """The examples of PC901 (a case and an Accept header) and PC902 (a method and a case)."""

    generated: list[tuple[Any, str | None]]
    other_methods: list[tuple[str, Any]]


def prepare() -> None:
    """Before the process draws anything. Hypothesis keeps what it writes in .hypothesis/ of the
    working folder; the suite sends it to a cache folder of its own, so that a run leaves nothing
    where it was started."""
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(cache_dir() / "hypothesis")
    draw_without_local_constants()


def draw_without_local_constants() -> None:
    """Hypothesis also draws literals found in the source of "local" modules, those imported from
    outside site-packages. Which those are depends on where the suite is installed (a repository
    checkout, a wheel) and on what else the process imported, so the same seed drew different
    requests, and a verdict could change with the installation. The suite draws from Hypothesis'
    own constants only. (A private name: hypothesis is pinned exactly in pyproject.toml.)"""
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    providers._get_local_constants = Constants
    providers.CONSTANTS_CACHE.cache.clear()


def draw_examples(settings: Settings) -> Drawn:
    get, delete = (properties.user_schema()[properties.USER_PATH][method] for method in ("GET", "DELETE"))
    pinned = {"application-id": APPLICATION}
    generated_strategy = st.one_of(
        get.as_strategy(),  # any application: mostly unknown ones
        get.as_strategy(path_parameters=pinned),  # the run's application, generated users
        get.as_strategy(path_parameters={**pinned, "user-id": KNOWN_USER}),  # a user with endpoints
        delete.as_strategy(),
        delete.as_strategy(path_parameters=pinned),
    )
    generated: list[tuple[Any, str | None]] = []

    @hypothesis_seed(settings.seed)
    @properties.hypothesis_profile(settings, max_examples=settings.max_examples * 2)
    @given(case=generated_strategy, accept=ACCEPT)
    def draw_generated(case: Any, accept: str | None) -> None:
        generated.append((case, accept))

    drawn_methods: list[tuple[str, Any]] = []

    @hypothesis_seed(settings.seed)
    @properties.hypothesis_profile(settings)
    @given(drawn=st.tuples(st.sampled_from(other_methods(settings.profile)), get.as_strategy(path_parameters=pinned)))
    def draw_other_methods(drawn: tuple[str, Any]) -> None:
        drawn_methods.append(drawn)

    draw_generated()
    draw_other_methods()
    return Drawn(generated, drawn_methods)


def _own_user(world: World, drawn: Any) -> str:
    """A drawn user ID made one of the run's own: a request that could change data names no other."""
    return world.prefix + "pbt-" + str(drawn)


def _place(case: Any, world: World, known_user: str) -> Any:
    """The drawn case with the run's IDs in place of the stand-ins; a DELETE only ever names the
    run's own users, whatever the generator drew."""
    parameters = case.path_parameters
    if parameters.get("application-id") == APPLICATION:
        parameters["application-id"] = world.app_a
    if parameters.get("user-id") == KNOWN_USER:
        parameters["user-id"] = known_user
    if case.method.upper() == "DELETE":
        parameters["user-id"] = _own_user(world, parameters["user-id"])
    return case


def generated_requests_conform(world: World, settings: Settings, client: Client, session: requests.Session,
                               drawn: Drawn) -> None:  # fmt: skip
    """PC901: every generated request for both operations gets a response that clauses 3, 6 and 7
    and Schemathesis' response checks accept."""
    known_user = world.name("pbt-known")
    world.seed_user(world.app_a, known_user, 2)
    for case, accept in drawn.generated:
        _place(case, world, known_user)
        headers = {"Accept": accept} if accept is not None else None
        response = properties.call(case, settings, session, headers)
        properties.judge(case, response, settings, client)


def other_methods_get_405(world: World, client: Client, drawn: Drawn) -> None:
    """PC902: any other method on the resource, for generated users, answers 405 (or 400 for an ID
    the server refuses), with a MessageBody."""
    for method, case in drawn.other_methods:
        user = _own_user(world, properties.path_parameter(case, "user-id"))
        exchange = client.send(method, f"/v1/apps/{segment(world.app_a)}/users/{segment(user)}")
        if exchange.status == 400:  # a server may refuse an ID it does not accept
            check_message_body(exchange, "PC902")
            continue
        if exchange.status != 405:
            fail("PC902", f"{method} answered {exchange.status}, expected 405", exchange)
        observe(client.findings, "PC902")
        check_message_body(exchange, "PC902")


def warm_up(settings: Settings) -> None:
    """In the property worker, while it waits for the suite: one draw of UpdateEndpoint's request in
    each generation mode, from a schema of its own. The first draw from that request's body schema
    makes Hypothesis parse a module of Schemathesis' source (to describe a lambda for its reports):
    about 50 ms that otherwise fell inside PC903, while the suite waited. What PC903 sends does not
    change: Hypothesis keeps only that description (tests/suite/test_determinism.py compares the
    worker's requests with those of clause 9 run without it)."""
    schema = properties.bundle_schema().include(operation_id=["UpdateEndpoint"])
    for result in schema.get_all_operations():
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @hypothesis_seed(settings.seed)
            @properties.hypothesis_profile(settings, max_examples=1)
            @given(case=result.ok().as_strategy(generation_mode=mode))
            def draw(case: Any) -> None:
                pass

            draw()


@cache
def _state_machine_base() -> Any:
    schema = properties.bundle_schema().include(
        operation_id=["CreateApp", "UpdateEndpoint", "GetEndpoint", "GetUserEndpoints", "DeleteUserEndpoints"]
    )
    return schema.as_state_machine()


def stateful_sequences_conform(world: World, settings: Settings, client: Client, session: requests.Session) -> None:
    """PC903: sequences through the support document's links (create an application, write endpoints,
    list and delete the user) get responses that the User resource's checks accept."""
    if settings.app_id:
        raise NotApplicable("stateful sequences create applications; not with --app-id")
    first = properties.FirstFailure()

    class Machine(_state_machine_base()):  # type: ignore[misc]
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
                client.ledger.record(properties.path_parameter(case, "application-id"),
                                     properties.path_parameter(case, "endpoint-id"), case.body)  # fmt: skip
            if label == "DeleteUserEndpoints":
                user_id = str(case.path_parameters.get("user-id", ""))
                if not user_id.startswith(world.prefix):
                    case.path_parameters["user-id"] = world.prefix + "sf-" + user_id

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": settings.base_url, "session": session}

        def call(self, case: Any, **kwargs: Any) -> Any:
            try:
                return properties.call(case, settings, session, check_id="PC903")
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


class Runner:
    """Runs the checks in this process: the examples are drawn at the first check, and the checks
    share one session for the generated requests."""

    def __init__(self, settings: Settings, client: Client, drawn: Drawn | None = None) -> None:
        self.settings = settings
        self.client = client
        self._drawn = drawn
        self._session: requests.Session | None = None

    def run(self, check_id: str, world: World) -> None:
        if self._drawn is None:
            prepare()
            self._drawn = draw_examples(self.settings)
        if self._session is None:
            self._session = self.client.generated_session()
        if check_id == "PC901":
            generated_requests_conform(world, self.settings, self.client, self._session, self._drawn)
        elif check_id == "PC902":
            other_methods_get_405(world, self.client, self._drawn)
        elif check_id == "PC903":
            stateful_sequences_conform(world, self.settings, self.client, self._session)
        else:
            raise ValueError(f"not a property-based check: {check_id}")

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
