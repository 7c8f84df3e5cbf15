"""What a fresh interpreter has imported once some statements have run: for the tests that hold a
process of a run (the property worker, the embedded server) to importing only what it needs."""

from __future__ import annotations

import json
import subprocess
import sys

# The embedded server's process up to its options parsed: `serve --help` stops right there.
SERVE_HELP = ("import contextlib\n"
              "from pinpoint_conformance import cli\n"
              "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(None):\n"
              "    cli.main(['serve', '--help'])\n")  # fmt: skip


def imported_after(statements: str, *packages: str) -> list[str]:
    """The modules of `packages` (each with its submodules) that `statements` imported."""
    code = (statements + "\nimport json, sys\n"
            f"packages = {list(packages)!r}\n"
            "inside = lambda m: any(m == p or m.startswith(p + '.') for p in packages)\n"
            "print(json.dumps(sorted(filter(inside, sys.modules))))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])
