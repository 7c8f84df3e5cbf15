"""The suite's numbered check files, run as `pytest conformance --base-url URL` in the repository and
as `pytest --pyargs pinpoint_conformance.suite --base-url URL` once installed (the wheel ships this folder
as `pinpoint_conformance/suite`). The machinery they use is `pinpoint_conformance.harness`."""
