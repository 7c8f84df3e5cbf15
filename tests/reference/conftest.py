from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from pinpoint_conformance.reference import RunningServer, create_app, start_in_thread


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with start_in_thread(create_app()) as running:
        yield running


def boto3_client(base_url: str, retries: int = 1) -> Any:
    """boto3 exactly as a user configures it for an emulator (dummy credentials, requests signed)."""
    return boto3.client("pinpoint", endpoint_url=base_url, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": retries, "mode": "standard"}))  # fmt: skip


@pytest.fixture(scope="module")
def pinpoint(server: RunningServer) -> Any:
    return boto3_client(server.base_url)


@pytest.fixture
def app(pinpoint: Any) -> str:
    return pinpoint.create_app(CreateApplicationRequest={"Name": "reference-tests"})["ApplicationResponse"]["Id"]
