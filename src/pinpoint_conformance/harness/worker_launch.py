"""Starting the property worker's process (property_worker.py) with nothing heavy imported: the
`run` command starts it before it imports pytest, so that the worker's start-up overlaps all of the
suite's own; the suite's session takes that process, or starts one if none was."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import IO

from ..early import Early
from ..lifeline import end_through_stdin


@dataclass
class Launched:
    process: subprocess.Popen[bytes]
    errors: IO[bytes]  # the worker's error stream, told when it ends without answering

    def close(self) -> None:
        """End the worker: closing its input ends its next read; it is killed if it does not end."""
        end_through_stdin(self.process, timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()


# The worker's process. It yields the processor to the suite and to the server (a lower priority,
# where the platform has one): what it does before the suite hands it the wire has time to spare,
# and what the suite does meanwhile is the verdict's critical path. It collects no garbage while it
# imports, which makes little; property_worker.main() turns collection back on.
WORKER_MAIN = """
import gc
import os
gc.disable()
if hasattr(os, "nice"):
    try:
        os.nice(10)
    except OSError:
        pass
from pinpoint_conformance.harness.property_worker import main
raise SystemExit(main())
"""

# The worker the `run` command started before it imported pytest, for the session to take.
EARLY: Early[Launched] = Early()


def launch() -> Launched:
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by Launched.close, when the run ends)
    # The worker imports what this process can: its import path, which pytest may have extended
    # (`pythonpath` in an ini file, a rootdir conftest), is handed down.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(entry for entry in sys.path if entry)}
    # A session of its own: a Ctrl-C at the terminal interrupts the run, which then ends the worker
    # through its lifeline, instead of reaching the worker in the middle of its work.
    process = subprocess.Popen([sys.executable, "-c", WORKER_MAIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=errors, env=env, start_new_session=True)  # fmt: skip
    return Launched(process, errors)
