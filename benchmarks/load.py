"""A small closed-loop load generator: N keep-alive connections, each sending its next request as
soon as the last answer arrived, for a fixed time. Same client for every target, so that ratios
measured in one run compare the servers, not the clients."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class Result:
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def row(self, label: str) -> str:
        return (f"| {label} | {self.rps:,.0f} | {statistics.median(self.latencies_ms):.2f} | "
                f"{self.percentile(0.99):.2f} |")  # fmt: skip


def closed_loop(port: int, path: str, connections: int, seconds: float) -> Result:
    latencies: list[list[float]] = [[] for _ in range(connections)]
    stop = time.monotonic() + seconds

    def worker(bucket: list[float]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
            bucket.append((time.perf_counter() - started) * 1000)
        connection.close()

    threads = [threading.Thread(target=worker, args=(bucket,)) for bucket in latencies]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flat = [value for bucket in latencies for value in bucket]
    return Result(len(flat), time.monotonic() - began, flat)
