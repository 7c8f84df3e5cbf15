"""The conformance suite for Amazon Pinpoint's User resource, run as `pytest conformance --base-url URL`."""

from pathlib import Path


def suite_dir() -> Path:
    return Path(__file__).resolve().parent
