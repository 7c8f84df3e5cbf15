"""Parity inside a suite run: registered by the suite's session when the run was given `--record FILE`
(keep a transcript) or `--transcript FILE` (compare with one, `--tolerate FILE` accepting the
differences it names). It tells the recorder which scenario is running; at the end of the session
the collector asks it for the outcome, which goes into every report and into the exit code."""

from __future__ import annotations

from typing import Any

import pytest

from ..harness import checks
from ..harness.settings import Settings
from . import differences, tolerance, transcript
from .outcome import Evidence, ParityOutcome
from .transcript import Recorder


class ParitySession:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.recorder = Recorder(settings.base_url, settings.headers, settings.app_id)
        self.recorded: dict[str, Any] | None = None
        self.tolerances: list[tolerance.Tolerance] = []
        self.written = ""  # what the terminal says of the transcript written (--record)
        try:
            if settings.transcript is not None:
                self.recorded = transcript.read(settings.transcript)
            if settings.tolerate is not None:
                self.tolerances = tolerance.load(settings.tolerate)
        except ValueError as error:
            raise pytest.UsageError(f"pinpoint-conformance: {error}") from None
        profile = settings.profile.name.lower()
        if self.recorded is not None and self.recorded.get("profile") != profile:
            recorded = self.recorded.get("profile")
            raise pytest.UsageError(f"pinpoint-conformance: {settings.transcript} was recorded under --profile "
                                    f"{recorded}; compare under the same profile, not {profile}")  # fmt: skip

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.written:
            terminalreporter.write_line(self.written)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Before the test's fixtures: what they send belongs to the test that needed them."""
        marker = item.get_closest_marker("check")
        replayable = marker is None or checks.get(marker.args[0]).replayable
        self.recorder.scenario = transcript.scenario_of(item.nodeid) if replayable else None

    def pytest_runtest_logfinish(self) -> None:
        self.recorder.scenario = None

    def finish(self) -> ParityOutcome | None:
        """Write the transcript (`--record`); compare with the recording (`--transcript`)."""
        live = self.recorder.transcript(self.settings.profile.name.lower())
        if self.settings.record is not None:
            transcript.write(self.settings.record, live)
            exchanges = sum(map(len, live["scenarios"].values()))
            self.written = (f"pinpoint-conformance: transcript of {exchanges} exchanges in "
                            f"{len(live['scenarios'])} scenarios written to {self.settings.record}")  # fmt: skip
        if self.recorded is None:
            return None
        found = differences.scenarios(self.recorded["scenarios"], live["scenarios"])
        tolerance.apply(self.tolerances, found)
        outcome = ParityOutcome(str(self.settings.transcript), found,
                                scenarios=len(self.recorded["scenarios"].keys() | live["scenarios"].keys()),
                                exchanges=sum(map(len, live["scenarios"].values())))  # fmt: skip
        for difference in outcome.untolerated:
            scenario, _, number = difference.exchange.rpartition("#")
            if not number.isdigit() or difference.exchange in outcome.evidence:
                continue  # a whole scenario on one side only, or an exchange already shown
            index = int(number) - 1
            sent = _at(self.recorder.exchanges.get(scenario), index)
            outcome.evidence[difference.exchange] = Evidence(_at(self.recorded["scenarios"].get(scenario), index),
                                                             _at(live["scenarios"].get(scenario), index),
                                                             sent.curl() if sent is not None else None)  # fmt: skip
        return outcome


def _at(items: list[Any] | None, index: int) -> Any:
    return items[index] if items is not None and index < len(items) else None
