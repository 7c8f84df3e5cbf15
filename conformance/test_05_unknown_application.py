"""Clause 5: an application that does not exist gets 404 with a MessageBody."""

from __future__ import annotations

import pytest

from . import expect
from .client import Client
from .wire import check_message_body
from .world import World


@pytest.mark.check("PC501")
def test_get_in_an_unknown_application(world: World, client: Client) -> None:
    exchange = client.user("GET", world.unknown_application("get"), world.name("user"))
    expect.status("PC501", exchange, 404, what="GET in an application that does not exist")
    check_message_body(exchange, "PC501")


@pytest.mark.check("PC502")
def test_delete_in_an_unknown_application(world: World, client: Client) -> None:
    exchange = client.user("DELETE", world.unknown_application("delete"), world.name("user"))
    expect.status("PC502", exchange, 404, what="DELETE in an application that does not exist")
    check_message_body(exchange, "PC502")
