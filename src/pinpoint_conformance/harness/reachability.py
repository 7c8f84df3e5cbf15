"""Whether the target can be tested at all. A server that cannot be reached (nothing listens, its
name does not resolve, no TLS handshake, no answer) is not a server that fails checks: the run
says so in one message and stops, before any check runs, with its own exit code."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from .client import Client
from .failures import ConformanceFailure

# How long the first connection may take to open: a server on the other side of the world opens one
# in well under a second; an address where nothing answers never does.
CONNECT_WITHIN = 2.0
# The first request: a GET of the User resource in an application no run creates. Any HTTP answer,
# whatever its status, shows the target can be tested.
FIRST_REQUEST = "/v1/apps/pinpoint-conformance-reachability/users/reachability"


def unreachable(client: Client) -> str | None:
    """Why `client`'s target cannot be tested, in a phrase; None when it answers HTTP."""
    target = urlsplit(client.settings.base_url)
    if client.connects_directly():
        host = target.hostname or ""
        port = target.port or (443 if target.scheme == "https" else 80)
        if (why := _no_connection(host, port, min(CONNECT_WITHIN, client.settings.timeout))) is not None:
            return why
    try:
        client.send("GET", FIRST_REQUEST)
    except ConformanceFailure as failure:
        return f"no HTTP answer to GET {FIRST_REQUEST}: {failure.message}"
    return None


def _no_connection(host: str, port: int, within: float) -> str | None:
    try:
        socket.create_connection((host, port), timeout=within).close()
    except socket.gaierror as error:
        return f"the host name {host!r} does not resolve ({error.strerror})"
    except ConnectionRefusedError:
        return f"connection refused: nothing listens on {host} port {port}"
    except TimeoutError:
        return f"no connection to {host} port {port} within {within:g} s"
    except OSError as error:
        return f"no connection to {host} port {port} ({error.strerror or error})"
    return None
