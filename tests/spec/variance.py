"""The reference server, answering some users as AWS may answer one day or through another front
end, so that generated clients meet what the published contract tolerates: `varied-…` users'
endpoints come back with a ChannelType added later, CohortId "100", null members and a member
no one has heard of; errors about `lowercase-…` users carry their text in `message`."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.requests import Request

from pinpoint_conformance.reference import create_app
from proof.variants.middleware import ResponseRewrite, on_user_json
from tests.spec.clients.scenario import NEW_CHANNEL


def _user_id(request: Request) -> str:
    raw = (request.scope.get("raw_path") or b"").rsplit(b"/", 1)[-1]
    return unquote_to_bytes(raw).decode("utf-8", "replace")


def _vary(request: Request, status: int, data: Any) -> tuple[int, Any]:
    user = _user_id(request)
    if user.startswith("varied-") and status < 400:
        for endpoint in data["Item"]:
            endpoint.update(ChannelType=NEW_CHANNEL, CohortId="100", Address=None, Demographic=None,
                            AddedLater={"Since": "2027"})  # fmt: skip
    if user.startswith("lowercase-") and status >= 400:
        data = {"message": data["Message"], "RequestID": data["RequestID"]}
    return status, data


def variance_app() -> ResponseRewrite:
    return ResponseRewrite(create_app(), on_user_json(_vary))
