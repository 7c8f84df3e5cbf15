"""A pytest plugin for the outcome tests only: the xdist worker that runs the test named in
$PINPOINT_CRASH_TEST dies on the spot, as a worker killed by the OOM killer would."""

from __future__ import annotations

import os

import pytest


def pytest_runtest_call(item: pytest.Item) -> None:
    if item.name == os.environ.get("PINPOINT_CRASH_TEST"):
        os._exit(1)
