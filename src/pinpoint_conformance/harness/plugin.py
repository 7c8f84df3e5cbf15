"""The suite's pytest plugin, as pytest loads it: through the package's `pytest11` entry point (so
`pytest --pyargs pinpoint_conformance.suite --base-url URL` works from any folder), through `-p` with
this module's name where plugin autoloading is off, or through the suite folder's conftest.py.

Installed, the plugin is loaded into every pytest run of the environment, the user's own test runs
included. So it only declares the suite's options there; everything else (the target, the reports,
the fixtures: `session.py`) is registered only when the run collects the suite.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pinpoint_conformance import suite_dir

from .settings import add_options

if TYPE_CHECKING:
    from pinpoint_conformance.server_process import ServerProcess

# Where the controller hands an xdist worker its decisions (session.py); a worker runs the suite when
# its controller does.
WORKERINPUT_KEY = "pinpoint_conformance"

# The embedded reference server's process, when the run started one (`_start_embedded_server`).
SERVER_KEY: pytest.StashKey[ServerProcess] = pytest.StashKey()

# Options a plugin loaded before this one had already declared (pytest-timeout's --timeout, say): the
# suite cannot run beside that plugin, and says so when it is asked to run (see `pytest_configure`).
_taken: list[str] = []


class _TolerantParser:
    """Declares each option unless a plugin loaded before this one already has its name: argparse
    refuses a second declaration when pytest builds its parser, which would stop every pytest run of
    the environment. (pytest has no public list of declared options; `_anonymous` and `_groups` are
    read as pytest 8.3-9.1 keep them.)"""

    def __init__(self, parser: pytest.Parser) -> None:
        self._parser = parser
        self._group: Any = None
        groups = [getattr(parser, "_anonymous", None), *getattr(parser, "_groups", [])]
        self._declared = {name for group in groups if group is not None for o in group.options for name in o.names()}

    def getgroup(self, *args: Any) -> _TolerantParser:
        self._group = self._parser.getgroup(*args)
        return self

    def addoption(self, name: str, **options: Any) -> None:
        if name in self._declared:
            _taken.append(name)
        else:
            self._group.addoption(name, **options)


def pytest_addoption(parser: pytest.Parser) -> None:
    _taken.clear()
    add_options(_TolerantParser(parser))  # type: ignore[arg-type]


def _arg_path(arg: str, config: pytest.Config) -> Path:
    """What a command-line argument names on disk: a path, or with --pyargs a module or package."""
    name = arg.split("::", 1)[0]
    if config.option.pyargs:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None:
            if spec.submodule_search_locations:
                return Path(next(iter(spec.submodule_search_locations))).resolve()
            if spec.origin:
                return Path(spec.origin).resolve()
    return (config.invocation_params.dir / name).resolve()


def runs_suite(config: pytest.Config) -> bool:
    """Whether this run collects the suite: one of its arguments is the suite, inside it, or a folder
    that holds it. An xdist worker follows its controller's decision."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:
        return WORKERINPUT_KEY in workerinput
    suite = suite_dir()
    for arg in config.args:
        path = _arg_path(str(arg), config)
        if path == suite or suite in path.parents or path in suite.parents:
            return True
    return False


def pytest_configure(config: pytest.Config) -> None:
    if not runs_suite(config):
        return
    if _taken:
        raise pytest.UsageError(
            f"pinpoint-conformance: another installed pytest plugin already declares {', '.join(_taken)}; "
            "run the suite without it (pytest's `-p no:NAME`, e.g. `-p no:timeout` for pytest-timeout)"
        )
    _start_embedded_server(config)
    # Registered now, its own pytest_configure runs at once (pytest replays that hook to late plugins).
    from . import session

    config.pluginmanager.register(session, "pinpoint-conformance-session")


def _start_embedded_server(config: pytest.Config) -> None:
    """With no --base-url (nor PINPOINT_BASE_URL), start the reference server, on a free loopback
    port, as the run's target (or take the one the `run` command started before it imported pytest).
    Started here, before the session module and its imports (the client, the reports) load, and not
    waited for: it takes about half a second to listen, which overlaps the suite's own start-up
    instead of delaying the first test (the `client` fixture waits).
    An xdist worker never starts one: its controller's target is handed to it (session.py)."""
    from pinpoint_conformance import server_process

    early = server_process.EARLY.take()  # the one the `run` command started, if it did
    if hasattr(config, "workerinput") or config.option.base_url or os.environ.get("PINPOINT_BASE_URL"):
        if early is not None:
            early.stop()
        return
    server = early or server_process.start()
    config.option.base_url = server.base_url
    config.option.embedded_reference = True
    config.stash[SERVER_KEY] = server
    config.add_cleanup(server.stop)
