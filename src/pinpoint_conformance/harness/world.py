"""The suite's own data: the applications it creates, the endpoints it seeds, and how it cleans up.

Every ID the suite creates starts with a prefix of the run's own (one per xdist worker), so a run
never touches data it did not create: it deletes only its own applications and, with --app-id, only
its own prefixed user IDs. The prefix follows from the seed when the run creates its applications
(fresh ones each run, so nothing can collide, and two runs send the same requests); with --app-id
the data shares an application with earlier runs, and the prefix is drawn afresh.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .breaker import NotSent
from .client import Client, segment
from .exchange import Exchange
from .failures import ConformanceFailure, fail


@dataclass
class World:
    client: Client
    prefix: str
    app_a: str = ""
    app_b: str | None = None  # None with --app-id: isolation between applications is then not checked
    created_apps: list[str] = field(default_factory=list)
    seeded_users: set[str] = field(default_factory=set)
    userless: list[tuple[str, str]] = field(default_factory=list)  # (app, endpoint ID) written without a user
    _counter: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def start(cls, client: Client, worker: str) -> World:
        """Create the run's applications. Any way this goes wrong is one failure of PC001 (or, when
        the run's own credentials are refused, a blocked run), which blocks every other check."""
        settings = client.settings
        run = uuid.uuid4().hex if settings.app_id else hashlib.sha256(f"seed {settings.seed}".encode()).hexdigest()
        world = cls(client, prefix=f"pc-{run[:8]}-{worker}-")
        try:
            if settings.app_id:
                world.app_a = settings.app_id
            else:
                world.app_a = world.create_app("a")
                world.app_b = world.create_app("b")
        except ConformanceFailure:
            raise
        except Exception as error:  # a server that answers what no parser expects: still one failure
            fail("PC001", f"creating the run's applications failed ({type(error).__name__}: {error}); "
                          "the suite cannot create its test data")  # fmt: skip
        return world

    @property
    def owns_applications(self) -> bool:
        """Whether the applications are the run's own (not --app-id): anything may be deleted there."""
        return self.app_b is not None

    def name(self, label: str) -> str:
        """A new run-unique ID, readable in reports: prefix + label + counter."""
        return f"{self.prefix}{label}-{next(self._counter)}"

    def next_number(self) -> int:
        """The number `name()` gives next, without using it up."""
        value = next(self._counter)
        self._counter = itertools.count(value)
        return value

    def number_from(self, value: int) -> None:
        """Go on numbering from `value` (where another process that named IDs of the run stopped)."""
        self._counter = itertools.count(value)

    def unknown_application(self, label: str) -> str:
        """An application ID of the form of a real one (32 hex digits) that no server assigned."""
        return hashlib.sha256(f"{self.prefix}unknown-{label}".encode()).hexdigest()[:32]

    def create_app(self, label: str) -> str:
        exchange = self.client.send("POST", "/v1/apps", body=json.dumps({"Name": f"{self.prefix}{label}"}).encode(),
                                    headers={"Content-Type": "application/json"})  # fmt: skip
        if exchange.status == 403:
            refused = "the server refused the run's credentials (403): the run could not authenticate"
            raise ConformanceFailure("PC001", refused, exchange, blocks_run=True)
        body = exchange.json_or_none()
        if exchange.status != 201 or not isinstance(body, dict) or not isinstance(body.get("Id"), str):
            fail("PC001", "CreateApp did not answer 201 with an ApplicationResponse holding an Id; "
                          "the suite cannot create its test data", exchange)  # fmt: skip
        self.created_apps.append(body["Id"])
        return body["Id"]

    def send_endpoint(self, app: str, endpoint_id: str, request: dict[str, Any]) -> Exchange:
        """UpdateEndpoint, whatever it answers (a write the contract may refuse)."""
        user = request.get("User", {}).get("UserId")
        if user is not None:
            self.seeded_users.add(user)
        self.client.ledger.record(app, endpoint_id, request)
        return self.client.send(
            "PUT", f"/v1/apps/{segment(app)}/endpoints/{segment(endpoint_id)}",
            body=json.dumps(request).encode(), headers={"Content-Type": "application/json"},
        )  # fmt: skip

    def put_endpoint(self, app: str, endpoint_id: str, request: dict[str, Any]) -> Exchange:
        exchange = self.send_endpoint(app, endpoint_id, request)
        if exchange.status != 202:
            fail("PC002", f"UpdateEndpoint answered {exchange.status}, not 202; the suite cannot seed", exchange)
        return exchange

    def put_batch(self, app: str, items: list[dict[str, Any]]) -> Exchange:
        for item in items:
            if item.get("User", {}).get("UserId") is not None:
                self.seeded_users.add(item["User"]["UserId"])
            self.client.ledger.record(app, item["Id"], item)
        exchange = self.client.send("PUT", f"/v1/apps/{segment(app)}/endpoints",
                                    body=json.dumps({"Item": items}).encode(),
                                    headers={"Content-Type": "application/json"})  # fmt: skip
        if exchange.status != 202:
            fail("PC002", f"UpdateEndpointsBatch answered {exchange.status}, not 202; "
                                "the suite cannot seed", exchange)  # fmt: skip
        return exchange

    def put_userless_endpoint(self, app: str) -> str:
        """An endpoint written without a User: what a server that reads an undecodable user ID as no
        user at all would list or delete."""
        endpoint_id = self.name("userless")
        self.put_endpoint(app, endpoint_id, {"ChannelType": "EMAIL", "Address": f"{endpoint_id}@example.com"})
        self.userless.append((app, endpoint_id))
        return endpoint_id

    def seed_user(self, app: str, user_id: str, count: int, *, batch: bool = True,
                  label: str = "ep") -> list[str]:  # fmt: skip
        """Give `user_id` `count` new endpoints in `app`; return their IDs."""
        ids = [self.name(label) for _ in range(count)]
        items = [{"Id": endpoint_id, "Address": f"{endpoint_id}@example.com", "ChannelType": "EMAIL",
                  "User": {"UserId": user_id}} for endpoint_id in ids]  # fmt: skip
        if batch:
            self.put_batch(app, items)
        else:
            for item in items:
                endpoint_id = item.pop("Id")
                self.put_endpoint(app, endpoint_id, item)
        return ids

    def get_endpoint(self, app: str, endpoint_id: str, check_id: str) -> Exchange:
        """GetEndpoint, judged without the User resource: 200 or 404, anything else fails `check_id`."""
        exchange = self.client.send("GET", f"/v1/apps/{segment(app)}/endpoints/{segment(endpoint_id)}")
        if exchange.status not in (200, 404):
            fail(check_id, f"GetEndpoint answered {exchange.status}, neither 200 nor 404", exchange)
        return exchange

    def endpoint_exists(self, app: str, endpoint_id: str, check_id: str) -> bool:
        """Whether GetEndpoint still finds the endpoint: judged without the User resource, so that
        a DELETE check does not depend on GET being right."""
        return self.get_endpoint(app, endpoint_id, check_id).status == 200

    def cleanup(self, within: float | None = None) -> list[str]:
        """Remove what the run created, each deletion tried once and all of them within `within`
        seconds when given (after a Ctrl-C: the person waits for it); return what could not be
        removed, for the report."""
        deadline = None if within is None else time.monotonic() + within
        problems = []
        for label, path in self._deletions():
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                problems.append(f"{label}: not tried within {within:g} s")
                continue
            try:
                with self.client.waiting_at_most(left):
                    exchange = self.client.send("DELETE", path)
            except NotSent:
                problems.append(f"{label}: not sent (the server had stopped answering)")
            except AssertionError as error:
                problems.append(f"{label}: {error}")
            else:
                if exchange.status not in (200, 202, 204, 404):
                    problems.append(f"{label}: answered {exchange.status}")
        return problems

    def _deletions(self) -> Iterator[tuple[str, str]]:
        """What the clean-up deletes, named and addressed: the run's applications and, with --app-id,
        its endpoints without a user (no DELETE of a user removes them) and its users."""
        for app in self.created_apps:
            yield f"DeleteApp {app}", f"/v1/apps/{segment(app)}"
        if not self.client.settings.app_id:
            return
        for app, endpoint_id in self.userless:
            yield f"DeleteEndpoint {endpoint_id}", f"/v1/apps/{segment(app)}/endpoints/{segment(endpoint_id)}"
        for user in sorted(self.seeded_users):
            # Never a user the run did not create (its IDs may be led by spaces or U+FEFF).
            if user.lstrip(" \ufeff").startswith(self.prefix):
                yield f"DeleteUserEndpoints {user}", f"/v1/apps/{segment(self.app_a)}/users/{segment(user)}"
