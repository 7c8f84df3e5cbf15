"""Regenerates the example reports kept in reports/examples/: `python -m tests.third_party.refresh_examples`."""

from __future__ import annotations

import shutil

from proof.suite_runs import ROOT, run_suite
from tests.third_party.targets import MOTO_ENV, SUITE_OPTIONS, moto_server, prism_mock


def main() -> None:
    for name, target, extra, env in (("moto", moto_server, ("--sigv4",), MOTO_ENV), ("prism", prism_mock, (), None)):
        out = ROOT / "reports" / "examples" / name
        shutil.rmtree(out, ignore_errors=True)
        with target() as base_url:
            run = run_suite(base_url, out, options=SUITE_OPTIONS, extra=extra, env=env)
        print(f"{name}: {run.report['verdict']}")


if __name__ == "__main__":
    main()
