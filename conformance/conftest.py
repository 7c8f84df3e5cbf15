"""Loads the suite's plugin where pytest did not load it already (plugin autoloading turned off):
`pytest conformance --base-url URL` needs nothing else."""

pytest_plugins = ["pinpoint_conformance.harness.plugin"]
