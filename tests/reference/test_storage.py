"""Storage: data survives a restart with --db (through the real command line), and concurrent
GET, DELETE and UpdateEndpoint on one user keep the invariants (a DELETE is atomic, a user never
holds more than 15 endpoints)."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

from pinpoint_conformance.reference import create_app, start_in_thread
from proof.processes import free_port, running


def _serve(db: Path, port: int) -> contextlib.AbstractContextManager[str]:
    """The reference server through its real command line."""
    return running([sys.executable, "-m", "pinpoint_conformance", "serve", "--host", "127.0.0.1", "--port",
                    str(port), "--db", str(db)], port)  # fmt: skip


def test_data_survives_a_restart_with_db(tmp_path: Path) -> None:
    db, port = tmp_path / "pinpoint.sqlite", free_port()
    with _serve(db, port) as base:
        app = requests.post(f"{base}/v1/apps", json={"Name": "kept"}).json()["Id"]
        requests.put(f"{base}/v1/apps/{app}/endpoints/e", json={"User": {"UserId": "u"}, "Address": "x"})
    with _serve(db, port) as base:
        items = requests.get(f"{base}/v1/apps/{app}/users/u").json()["Item"]
        assert [(item["Id"], item["Address"]) for item in items] == [("e", "x")]


def test_concurrent_get_delete_and_update_keep_the_invariants() -> None:
    with start_in_thread(create_app()) as server:
        base = server.base_url
        app = requests.post(f"{base}/v1/apps", json={"Name": "race"}).json()["Id"]
        batch = {"Item": [{"Id": f"e{i}", "User": {"UserId": "u"}} for i in range(5)]}
        seen: list[Any] = []
        stop = threading.Event()

        def writer() -> None:
            with requests.Session() as session:
                while not stop.is_set():
                    session.put(f"{base}/v1/apps/{app}/endpoints", json=batch)
                    session.put(f"{base}/v1/apps/{app}/endpoints/extra", json={"User": {"UserId": "u"}})

        def deleter() -> None:
            with requests.Session() as session:
                while not stop.is_set():
                    seen.append(("DELETE", session.delete(f"{base}/v1/apps/{app}/users/u")))

        def reader() -> None:
            with requests.Session() as session:
                while not stop.is_set():
                    seen.append(("GET", session.get(f"{base}/v1/apps/{app}/users/u")))

        threads = [threading.Thread(target=f) for f in (writer, deleter, reader, reader)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join()
        listed = 0
        for method, response in seen:
            assert response.status_code in (200, 202, 404), response.text
            if response.status_code == 404:
                continue
            ids = sorted(item["Id"] for item in response.json()["Item"])
            batch_ids = [i for i in ids if i != "extra"]
            # The batch is written atomically and a DELETE removes atomically: never a part of it.
            assert batch_ids in ([], [f"e{i}" for i in range(5)]), (method, ids)
            assert len(ids) == len(set(ids)) <= 15
            listed += 1
        assert listed > 20, "the race produced too few non-empty answers to prove anything"


def test_user_queries_search_the_user_index() -> None:
    """O(log n + k) without a stopwatch: SQLite's plan for every query of the User resource is an
    index search on (application, user), never a scan (benchmarks/reference_server.py measures it)."""
    from pinpoint_conformance.reference.store import Store

    store = Store()
    queries = [
        "SELECT document FROM endpoints WHERE application_id = ? AND user_id = ? ORDER BY endpoint_id",
        "DELETE FROM endpoints WHERE application_id = ? AND user_id = ?",
        "SELECT COUNT(*) FROM endpoints WHERE application_id = ? AND user_id = ? AND endpoint_id <> ?",
    ]
    for query in queries:
        with store.transaction() as db:
            rows = db.execute(f"EXPLAIN QUERY PLAN {query}", ("a", "u", "e")[: query.count("?")])
            plan = " ".join(row[-1] for row in rows)
        assert "USING" in plan and "endpoints_by_user_ordered" in plan and "SCAN" not in plan, (query, plan)
