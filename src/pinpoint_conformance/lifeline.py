"""The lifeline between the run and a child process it starts (the embedded reference server, the
property worker): the child reads its standard input until end-of-file and then exits, so that
the parent ends it by closing that pipe, and a child whose parent was killed ends too."""

from __future__ import annotations

import os
import subprocess
import sys
import threading


def end_through_stdin(process: subprocess.Popen[bytes], timeout: float) -> None:
    """End a child that exits when its standard input closes (the embedded server, the property
    worker): close it, wait, and kill the child if it has not ended within `timeout` seconds."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def exit_when_stdin_closes() -> None:
    """In the embedded server (`serve --exit-when-stdin-closes`): exit once standard input reaches
    end-of-file, so that the server ends with its parent, even a parent that was killed. (The
    property worker reads its orders from that pipe, and ends at its end the same way.)"""

    def watch() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
