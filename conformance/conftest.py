"""Loads the suite's plugin: `pytest conformance --base-url URL` needs nothing else."""

from conformance.plugin import (  # noqa: F401  (pytest reads hooks and fixtures from this module)
    client,
    pytest_addoption,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_configure_node,
    pytest_report_header,
    pytest_runtest_makereport,
    settings,
    verdict,
    world,
)
