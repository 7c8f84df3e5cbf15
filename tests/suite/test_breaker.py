"""The suite stops waiting on what a server stopped answering (harness/breaker.py): a few timeouts of
one kind of request in a row stop that kind, a few more of any kinds stop everything; each request
not sent blocks its check and is counted, told in full once; and the clean-up after a Ctrl-C is
bounded by its own budget, not by --timeout for each deletion."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pinpoint_conformance.harness.breaker import ANY_IN_A_ROW, KIND_IN_A_ROW, Breaker, NotSent, kind, relative
from pinpoint_conformance.harness.client import Client
from pinpoint_conformance.harness.settings import Settings
from pinpoint_conformance.harness.world import World
from pinpoint_conformance.reporting.results import repeats
from proof.suite_runs import run_suite
from proof.variants import VARIANTS

USER = "/v1/apps/app/users/u"


@pytest.mark.parametrize(("method", "path", "expected"), [
    ("GET", "/v1/apps/a/users/u", "GET of the User resource"),
    ("delete", "/v1/apps/a/users/a%2Fb?x=1", "DELETE of the User resource"),
    ("PUT", "/v1/apps/a/endpoints/e", "PUT of an endpoint"),
    ("PUT", "/v1/apps/a/endpoints", "PUT of an application's endpoints"),
    ("DELETE", "/v1/apps/a", "DELETE of an application"),
    ("POST", "/v1/apps", "POST of the applications"),
    ("GET", "/v1/apps/a/b/c", "GET of another path"),
])  # fmt: skip
def test_a_request_s_kind_is_its_method_and_resource(method: str, path: str, expected: str) -> None:
    assert kind(method, path) == expected


def test_a_path_is_taken_relative_to_the_base_url_s_own() -> None:
    assert relative("http://h/prefix/v1/apps/a/users/u", "http://h/prefix/") == "/v1/apps/a/users/u"
    assert relative("http://h/v1/apps", "http://h") == "/v1/apps"


def test_timeouts_of_one_kind_in_a_row_stop_that_kind_only() -> None:
    breaker = Breaker(timeout=10)
    for _ in range(KIND_IN_A_ROW - 1):
        breaker.timed_out("GET", USER)
    breaker.admit("GET", USER)  # not yet
    breaker.answered("GET", "/v1/apps/a/users/v")  # an answer of the kind ends its run of timeouts
    breaker.timed_out("GET", USER)
    breaker.admit("GET", USER)
    breaker.answered("PUT", "/v1/apps/a/endpoints/e")  # an answer of another kind does not
    for _ in range(KIND_IN_A_ROW - 1):
        breaker.timed_out("GET", USER)
    with pytest.raises(NotSent) as refused:
        breaker.admit("GET", "/v1/apps/other/users/other")
    assert refused.value.check_id == "PC803"
    assert refused.value.message.startswith(f"GET of the User resource not sent: the server answered none of "
                                            f"the last {KIND_IN_A_ROW} requests of this kind within 10 s")  # fmt: skip
    breaker.admit("DELETE", USER)  # another kind is still sent


def test_timeouts_of_any_kinds_in_a_row_stop_everything() -> None:
    breaker = Breaker(timeout=1)
    methods = ["GET", "DELETE", "PUT", "POST", "PATCH"][:ANY_IN_A_ROW]
    for method in methods:  # never KIND_IN_A_ROW of one kind
        breaker.timed_out(method, USER)
    with pytest.raises(NotSent, match=f"none of the last {ANY_IN_A_ROW} requests within 1 s"):
        breaker.admit("DELETE", "/v1/apps/a")


def test_every_refusal_of_a_kind_reads_alike_so_that_reports_fold_them() -> None:
    breaker = Breaker(timeout=10)
    for _ in range(KIND_IN_A_ROW):
        breaker.timed_out("GET", USER)
    messages = set()
    for user in ("a", "b"):
        with pytest.raises(NotSent) as refused:
            breaker.admit("GET", f"/v1/apps/app/users/{user}")
        messages.add(refused.value.message)
        assert refused.value.to_dict()["not_sent"] == "GET of the User resource"
    assert len(messages) == 1


def test_reports_count_requests_not_sent_and_tests_that_met_one_failure() -> None:
    assert repeats({"message": "m", "count": 7, "not_sent": "GET of the User resource"}) == (
        " (7 requests of this kind not sent)")  # fmt: skip
    assert repeats({"message": "m", "count": 3}) == " (and 2 more tests)"
    assert repeats({"message": "m", "count": 1}) == ""


def _timeouts(report: dict) -> int:
    """How many requests of the run went unanswered: tests that failed PC803 by waiting."""
    pc803 = next(check for check in report["checks"] if check["id"] == "PC803")
    return sum(f["count"] for f in pc803["failures"] if not f.get("not_sent"))


@pytest.mark.parametrize(("name", "waited"), [("stops-answering-get", KIND_IN_A_ROW),
                                              ("stops-answering", ANY_IN_A_ROW)])  # fmt: skip
def test_a_server_that_stops_answering_is_waited_on_a_few_times_then_not_at_all(name: str, waited: int,
                                                                                 tmp_path: Path) -> None:  # fmt: skip
    variant = VARIANTS[name]
    with variant.serve() as base_url:
        run = run_suite(base_url, tmp_path, options=variant.options, entry="run")
    assert run.exit_code == 1 and run.failed == {"PC803"}, run.explain()
    assert _timeouts(run.report) == waited, run.explain()
    assert run.ids("blocked"), run.explain()
    refusals = [f for c in run.report["checks"] for f in c["failures"] if f.get("not_sent")]
    assert refusals and all(f["check"] == "PC803" for f in refusals), run.explain()
    # Before pytest's short summary, which under CI=true repeats every failure's whole text.
    failures = run.output.split("short test summary info")[0]
    told = [
        line
        for line in failures.splitlines()
        if " not sent: the server answered none" in line and not line.startswith("pinpoint-conformance:")
    ]
    assert len(told) == len({f["not_sent"] for f in refusals}), run.output  # in full once per stopped kind
    assert "not sent, as told in full at the first test it stopped" in run.output
    counted = f"({refusals[0]['count']} request"
    assert f"pinpoint-conformance: PC803 {refusals[0]['message'][:40]}" in run.output, "the terminal counts them"
    assert counted in (tmp_path / "conformance.md").read_text(), "the Markdown report counts them"
    assert counted in (tmp_path / "junit.xml").read_text(), "the JUnit report counts them"
    assert counted in (tmp_path / "conformance.html").read_text(), "the HTML report counts them"


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_the_clean_up_after_a_ctrl_c_keeps_to_its_budget(silent_server: str) -> None:
    client = Client(Settings(base_url=silent_server, timeout=30))
    world = World(client, "pc-test-w0-", "app-a", "app-b", ["app-a", "app-b", "app-c"])
    problems = world.cleanup(within=0.5)
    # The first deletion waits out the budget, not --timeout; the others are not tried.
    assert problems[0] == "DeleteApp app-a: PC803 no complete response within 0.5 s"
    assert problems[1:] == ["DeleteApp app-b: not tried within 0.5 s", "DeleteApp app-c: not tried within 0.5 s"]
    assert client.settings.timeout == 30, "the budget is the clean-up's own"
