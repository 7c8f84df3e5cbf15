"""The reference server, counting the HTTP requests that reach its application; when it shuts down
(its ASGI lifespan's shutdown) it writes the count to a file. benchmarks/verdict_floor.py runs the
suite against it once to learn how many requests a verdict sends.
Run: `python -m benchmarks.counted_reference --port P --count-file F`.

Requests that uvicorn refuses before the application sees them (a request line h11 cannot parse)
are not counted, so the count is a lower bound of what went over the wire."""

from __future__ import annotations

import argparse
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pinpoint_conformance.reference import create_app, serve


class Counted:
    def __init__(self, app: ASGIApp, count_file: Path) -> None:
        self.app = app
        self.count_file = count_file
        self.requests = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.requests += 1
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def receive_and_count() -> Message:
            # Written here, not after uvicorn returns: uvicorn re-raises the SIGTERM that stopped
            # it once it has shut down, and the process ends there.
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.count_file.write_text(str(self.requests))
            return message

        await self.app(scope, receive_and_count, send)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count-file", type=Path, required=True)
    args = parser.parse_args()
    serve(Counted(create_app(), args.count_file), "127.0.0.1", args.port)


if __name__ == "__main__":
    main()
