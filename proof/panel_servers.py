"""The independent panel: servers of the User resource (and of the calls that create its data) that
were written outside this project's checks, each by an author who read only AWS's reference page of
the resource (the seed), botocore's service model and the RFCs, never the suite, the spec's
divergences, the reference server or another panel server. Each is kept exactly as its author wrote
it under proof/panel/<name>/, with the author's README.md (stack, versions, start command) and
DECISIONS.md (what the author decided where the documents are silent). Every stack is another one:
Node's http module, Express, the JDK's HttpServer, aiohttp, Flask on Werkzeug's server, and Python's
socketserver.

This module says how to start each and what the suite must say of it, profile by profile, as
adjudicated in proof/panel/ADJUDICATION.md: the checks a server fails as written are its real
defects, each with the citation that makes it one. Every other failure the panel met was a false
alarm of the suite, and was fixed in the suite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from proof.processes import ROOT, free_port, running

PANEL = ROOT / "proof" / "panel"
SEEDS = (0, 1, 2, 3, 4)
PROFILES = ("core", "aws")


class PanelSetupError(RuntimeError):
    """A panel server cannot start here: what it needs is not installed (the message says how)."""


@dataclass(frozen=True)
class PanelServer:
    name: str  # its folder under proof/panel/
    stack: str
    command: tuple[str, ...]  # run in its folder; {port} and {build} are filled in
    # The checks the suite fails it with as written, per profile (absent: it conforms), and, per
    # profile and seed, the generated checks (clause 9) that also meet the same defect on that seed.
    defects: dict[str, frozenset[str]] = field(default_factory=dict)
    generated: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    needs: str = ""  # a file or folder of its own that must exist before it can start, and how to get it
    java_sources: bool = False  # compiled with javac into a temporary folder ({build}) first

    @property
    def folder(self) -> Path:
        return PANEL / self.name

    def expected(self, profile: str, seed: int) -> frozenset[str]:
        """Exactly the checks the suite fails this server with under `profile` and `seed`."""
        return self.defects.get(profile, frozenset()) | self.generated.get((profile, seed), frozenset())

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Start the server as written on a free loopback port; yield its base URL."""
        if self.needs:
            path, _, how = self.needs.partition(": ")
            if not (self.folder / path).exists():
                raise PanelSetupError(f"{self.name}: {self.folder / path} is missing ({how})")
        with tempfile.TemporaryDirectory(prefix=f"panel-{self.name}-") as build:
            if self.java_sources:
                javac = shutil.which("javac")
                if javac is None:
                    raise PanelSetupError(f"{self.name}: javac (Java 17+) is not on PATH")
                sources = sorted(str(path) for path in (self.folder / "src").glob("*.java"))
                subprocess.run([javac, "-nowarn", "-d", build, *sources], check=True, capture_output=True)
            port = free_port()
            argv = [part.format(port=port, build=build, python=sys.executable) for part in self.command]
            with running(argv, port, startup=60, cwd=self.folder) as base_url:
                yield base_url


# The 15-endpoint quota per user ID is AWS's (its Pinpoint developer guide), in neither the seed nor
# the model: no panel author could know it, and under `aws` every one of them fails PCA06, and PCB04
# (with no quota at all, four writes at once for a user with 13 are all accepted).
QUOTA = frozenset({"PCA06", "PCB04"})
# OptOut left out of endpoints written without it, where AWS always returns it (PCA05); the
# generated requests meet it too (PC901 on every seed, PC903 on the seeds that list such endpoints).
NO_OPT_OUT = frozenset({"PCA05", "PC901"})


def on_seeds(check: str, *seeds: int) -> dict[tuple[str, int], frozenset[str]]:
    return {("aws", seed): frozenset({check}) for seed in seeds}


def _command(*argv: str) -> tuple[str, ...]:
    return (*argv, "--host", "127.0.0.1", "--port", "{port}")


SERVERS: tuple[PanelServer, ...] = (
    PanelServer("node-http", "Node.js 20, the http module, no framework", _command("node", "server.js"),
                defects={"aws": QUOTA}),
    PanelServer("express", "Node.js 20, Express 5.3 with compression 1.8", _command("node", "server.js"),
                needs="node_modules: run `npm ci --prefix proof/panel/express`",
                defects={"aws": QUOTA | NO_OPT_OUT}, generated=on_seeds("PC903", 0, 1, 3)),
    PanelServer("java-httpserver", "Java 17, the JDK's com.sun.net.httpserver",
                _command("java", "-cp", "{build}", "PinpointServer"), java_sources=True,
                defects={"aws": QUOTA | NO_OPT_OUT}, generated=on_seeds("PC903", 1, 3)),
    PanelServer("aiohttp", "Python, aiohttp 3.14 (its pure-Python parser)", _command("{python}", "server.py"),
                defects={"aws": QUOTA | NO_OPT_OUT}, generated=on_seeds("PC903", 0, 1, 3, 4)),
    PanelServer("flask", "Python, Flask 3.1 on Werkzeug 3.1's server, single-threaded, HTTP/1.0",
                _command("{python}", "server.py"), defects={"aws": QUOTA | NO_OPT_OUT | {"PCA07"}},
                generated=on_seeds("PC903", 0, 1, 3, 4)),
    PanelServer("stdlib-socketserver", "Python's http.server on socketserver (listen backlog 5), HTTP/1.1",
                _command("{python}", "server.py"), defects={"aws": QUOTA}),
)  # fmt: skip
BY_NAME = {server.name: server for server in SERVERS}
