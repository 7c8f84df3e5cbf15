"""The HTTP stack's own ceiling: the smallest ASGI app on the same Starlette response type and
uvicorn server as the reference server, answering a fixed JSON body."""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

BODY = b'{"Item":[]}'


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        await Response(BODY, media_type="application/json")(scope, receive, send)
    elif scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
