"""Same server, same requests: two runs without --seed send the same requests, byte for byte,
once the application IDs the server assigned are named by their order of creation (and the
server's own address in an absolute-form target, which changes with its port, by <origin>): in the
same order, but for clause 11's, which its clients send at once in whatever order their threads
run, and which must be the same multiset."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from starlette.types import Message, Receive, Scope, Send

from pinpoint_conformance.reference import create_app, start_in_thread
from proof.suite_runs import run_suite

ORIGIN = re.compile(rb"^https?://[^/]*")


class Recorder:
    """Keeps every request (method, raw target, body) and the application IDs CreateApp assigned."""

    def __init__(self) -> None:
        self.app = create_app()
        self.requests: list[tuple[str, bytes, bytes]] = []
        self.application_ids: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def recording_receive() -> Message:
            message = await receive()
            chunks.append(message.get("body", b""))
            return message

        async def recording_send(message: Message) -> None:
            if (
                message["type"] == "http.response.body"
                and scope["method"] == "POST"
                and scope["raw_path"] == b"/v1/apps"
            ):
                body = json.loads(message.get("body") or b"{}")
                if "Id" in body:
                    self.application_ids.append(body["Id"])
            await send(message)

        target = scope["raw_path"] + (b"?" + scope["query_string"] if scope["query_string"] else b"")
        # PC708's absolute-form targets name the server, whose port differs from run to run.
        target = ORIGIN.sub(b"<origin>", target)
        await self.app(scope, recording_receive, recording_send)
        self.requests.append((scope["method"], target, b"".join(chunks)))

    def normalized(self) -> list[tuple[str, bytes, bytes]]:
        names: dict[bytes, bytes] = {}
        for i, app in enumerate(self.application_ids):
            # The suite also requests lookalikes of its applications' IDs (PC501, PC502).
            names |= {app.encode(): f"<app{i}>".encode(), app.upper().encode(): f"<APP{i}>".encode(),
                      app[:-1].encode(): f"<app{i}-truncated>".encode()}  # fmt: skip
        alternatives = sorted(names, key=len, reverse=True)  # the longest first: an ID before its prefix
        pattern = re.compile(b"|".join(re.escape(app) for app in alternatives)) if names else None
        return [(method, pattern.sub(lambda m: names[m.group(0)], target) if pattern else target,
                 pattern.sub(lambda m: names[m.group(0)], body) if pattern else body)
                for method, target, body in self.requests]  # fmt: skip


def _sent(tmp_path: Path, *extra: str) -> list[tuple[str, bytes, bytes]]:
    recorder = Recorder()
    with start_in_thread(recorder) as server:
        run = run_suite(server.base_url, tmp_path, options={"--seed": None}, extra=extra)
    assert run.exit_code == 0, run.explain()
    return recorder.normalized()


# What names clause 11's data (test_11_concurrency.py names every user and endpoint "race-…").
CONCURRENT = b"-race-"


def _assert_same(sent: list[tuple[str, bytes, bytes]], again: list[tuple[str, bytes, bytes]]) -> None:
    assert len(sent) > 500, "the run should have sent hundreds of requests"
    assert Counter(sent) == Counter(again), "the runs sent different requests"
    one_at_a_time, again = ([r for r in run if CONCURRENT not in r[1] + r[2]] for run in (sent, again))
    assert len(one_at_a_time) < len(sent), "clause 11's requests should be among them"
    first_difference = next((i for i, (a, b) in enumerate(zip(one_at_a_time, again, strict=False)) if a != b), None)
    assert first_difference is None and len(one_at_a_time) == len(again), (
        f"request {first_difference} differs: {one_at_a_time[first_difference or 0]!r} vs "
        f"{again[first_difference or 0]!r}"
    )


def test_two_runs_send_the_same_requests(tmp_path: Path) -> None:
    _assert_same(_sent(tmp_path / "1"), _sent(tmp_path / "2"))


def test_the_property_worker_sends_what_the_suite_s_own_process_would(tmp_path: Path) -> None:
    """Clause 9 in the property worker (the default) and in the suite's process: the same requests
    in the same order, so the worker changes a run's time, never its verdict."""
    _assert_same(_sent(tmp_path / "worker"), _sent(tmp_path / "inline", "--no-property-worker"))
