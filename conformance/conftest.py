"""Loads the suite's plugin: `pytest conformance --base-url URL` needs nothing else."""

pytest_plugins = ["conformance.plugin"]
