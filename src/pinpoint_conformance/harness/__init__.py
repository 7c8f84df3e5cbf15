"""The suite's machinery: its pytest plugin, settings, HTTP client, the check catalogue, and what the
checks share (the run's data, writes, wire rules, probes). The checks themselves are the numbered files
of the suite package (`conformance/` in the repository, `pinpoint_conformance.suite` once installed)."""
