"""The suite's options: their command-line form, and the settings a run uses."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .checks import Profile

if TYPE_CHECKING:
    import pytest

# pytest is imported where it is used, not here: the property worker's process imports this module
# and does not need pytest, about 65 ms of its start-up (benchmarks/suite_runtime.py, finding 17).

ENV_BASE_URL = "PINPOINT_BASE_URL"
# A run is deterministic unless asked otherwise: the same server gets the same requests and so the
# same verdict. Fresh randomness is opt-in (`--seed random`).
DEFAULT_SEED = 0
# The budget the proof runs at: tests/verdicts/ judges every variant with the defaults, so that what
# the catalogue shows the suite catches is what a default run catches. A larger budget explores more
# and costs about 10 ms an example (benchmarks/suite_runtime.py).
DEFAULT_MAX_EXAMPLES = 20
DEFAULT_TIMEOUT = 10.0
# How long clause 11 waits for a state concurrent requests left to show: AWS documents no bound on its
# eventual consistency, and a conforming local server shows it at once (the check then reads once).
DEFAULT_SETTLE = 5.0


def parse_seed(text: str | int | None) -> int:
    """`--seed`: None is the default seed, 'random' draws one, anything else must be a number."""
    if text is None:
        return DEFAULT_SEED
    if isinstance(text, int):
        return text
    if text.strip().lower() == "random":
        return random.SystemRandom().randrange(2**32)
    try:
        return int(text)
    except ValueError:
        import pytest

        raise pytest.UsageError(f"--seed wants a number or 'random', got {text!r}") from None


def _at_least_one(text: str) -> int:
    """A count option's value: a whole number of at least 1."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, got {text!r}")
    return value


def _parse_seconds(text: str, *, zero: bool) -> float:
    """A time option's value: finite seconds, more than 0 (with `zero`, 0 or more)."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of seconds, got {text!r}") from None
    if not (math.isfinite(value) and (value >= 0 if zero else value > 0)):
        wanted = ", 0 or more" if zero else " greater than 0"
        raise argparse.ArgumentTypeError(f"a number of seconds{wanted}, got {text!r}")
    return value


def _seconds(text: str) -> float:
    return _parse_seconds(text, zero=False)


def _seconds_or_zero(text: str) -> float:
    return _parse_seconds(text, zero=True)


def writable_folder(path: Path) -> str | None:
    """Why reports cannot be written to `path` (created if missing), or None if they can."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".pinpoint-conformance-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return error.strerror or str(error)
    return None


def cache_dir() -> Path:
    """Where the suite keeps what persists between runs (Hypothesis' caches):
    $PINPOINT_CONFORMANCE_CACHE, else pinpoint-conformance/ under $XDG_CACHE_HOME or ~/.cache."""
    if explicit := os.environ.get("PINPOINT_CONFORMANCE_CACHE"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pinpoint-conformance"


@dataclass(frozen=True)
class OptionSpec:
    """One of the suite's command-line options, as `add_options` declares it to pytest."""

    name: str
    options: dict[str, Any]

    @property
    def default(self) -> Any:
        return self.options.get("default")


def option_specs() -> list[OptionSpec]:
    """The suite's options as `add_options` declares them, for other front ends: the CLI lists
    them in `run --help`, the comparison benchmark reads their defaults."""
    specs: list[OptionSpec] = []

    class Recorder:
        def getgroup(self, *_: Any) -> Recorder:
            return self

        def addoption(self, name: str, **options: Any) -> None:
            specs.append(OptionSpec(name, options))

    add_options(Recorder())  # type: ignore[arg-type]
    return specs


def add_options(parser: pytest.Parser) -> None:
    # The help texts are what `--help` shows, and docs/snippets/options.md is generated from them
    # (harness/option_docs.py): what an option does, and what a run does without it.
    group = parser.getgroup("pinpoint-conformance", "Pinpoint User resource conformance")
    group.addoption(
        "--base-url",
        default=None,
        metavar="URL",
        help=f"the server under test (default: ${ENV_BASE_URL}, else the embedded reference server, which the "
        "run starts)",
    )
    group.addoption(
        "--profile",
        default="core",
        choices=[p.name.lower() for p in Profile],
        help="core (the default); aws adds AWS's own behaviour, clause 10 (x-amzn-RequestId, x-amzn-ErrorType, "
        "boto3's typed exceptions, 403 for unsigned requests under --sigv4…); strict adds HTTP obligations beyond "
        "what this API's clients send and warnings for undocumented fields, and makes a missing Allow on a 405 a "
        "failure. Cumulative: aws runs everything core runs, strict everything aws runs",
    )
    group.addoption(
        "--seed",
        default=None,
        metavar="N|random",
        help="seed of every generated input, the stateful sequences included: a number, or 'random' to draw a "
        f"fresh one and print it (the reports print the full command); default {DEFAULT_SEED}, so that two runs "
        "against the same server send the same requests and reach the same verdict",
    )
    group.addoption(
        "--max-examples",
        type=_at_least_one,
        default=DEFAULT_MAX_EXAMPLES,
        metavar="N",
        help="generated examples per property-based check (PC901 draws twice as many, PC903 a quarter as many "
        f"sequences, at least 5); default {DEFAULT_MAX_EXAMPLES}, the budget the proof of the verdicts runs at",
    )
    group.addoption(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds a response may take, body included; a slower one fails PC803, and after 3 in a row of one "
        f"kind of request (4 of any kinds) that kind is no longer sent (default {DEFAULT_TIMEOUT:g})",
    )
    group.addoption(
        "--settle",
        type=_seconds_or_zero,
        default=DEFAULT_SETTLE,
        metavar="SECONDS",
        help="how long a state that concurrent requests left may take to show (clause 11: a server may be "
        "eventually consistent): the check reads again until it shows or this much time has passed "
        f"(default {DEFAULT_SETTLE:g}; 0 reads once)",
    )
    group.addoption(
        "--app-id",
        default=None,
        metavar="ID",
        help="work inside this existing application: only the run's own prefixed user IDs are written or deleted; "
        "the checks that need applications of the run's own (PC001, PC103, PC105, PC404, PC903) do not run, so the "
        "verdict is at best INCOMPLETE (default: the run creates two applications)",
    )
    group.addoption(
        "--sigv4",
        action="store_true",
        help="sign every request with SigV4 (service mobiletargeting), credentials from the standard AWS chain; "
        "enables PCA04 (unsigned requests must get 403)",
    )
    group.addoption(
        "--region",
        default=None,
        metavar="REGION",
        help="region for SigV4 (default: $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1)",
    )
    group.addoption(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add a header to every request, for any other authentication; repeatable; values are redacted in "
        "every report",
    )
    group.addoption("--report-dir", default="reports", metavar="DIR", help="where the reports go (default reports/)")
    group.addoption(
        "--keep-data",
        action="store_true",
        help="leave the run's applications and endpoints in place, so that the curl commands in the reports "
        "replay failures against the same data",
    )
    group.addoption("--no-property-worker", action="store_true",
                    help="run the property-based checks (clause 9, PC901-PC903) in the suite's own process instead "
                         "of the property worker, a second process that draws their examples while the other "
                         "checks run: slower, the same requests (runs with --record, --transcript or xdist's -n "
                         "always do)")  # fmt: skip
    group.addoption("--max-attempts", type=_at_least_one, default=8, metavar="N",
                    help="attempts per request while the server answers 429, with backoff, honouring Retry-After, "
                         "at most 5 s a wait (default 8)")  # fmt: skip
    group.addoption("--record", default=None, metavar="FILE",
                    help="parity: write a transcript of the deterministic scenarios as this server answers "
                         "them")  # fmt: skip
    group.addoption("--transcript", default=None, metavar="FILE",
                    help="parity: compare this server's answers with a transcript, difference by "
                         "difference")  # fmt: skip
    group.addoption("--tolerate", default=None, metavar="FILE",
                    help="parity, with --transcript: a TOML file of accepted differences, each with its "
                         "reason")  # fmt: skip


def _parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        import pytest

        raise pytest.UsageError(f"--header wants 'NAME: VALUE', got {text!r}")
    return name.strip(), value.strip()


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None


@dataclass(frozen=True)
class Settings:
    base_url: str
    profile: Profile = Profile.CORE
    seed: int = 0
    max_examples: int = DEFAULT_MAX_EXAMPLES
    timeout: float = DEFAULT_TIMEOUT
    settle: float = DEFAULT_SETTLE  # --settle: how long a final state may take to show (clause 11)
    app_id: str | None = None
    sigv4: bool = False
    region: str = "us-east-1"
    headers: dict[str, str] = field(default_factory=dict)
    report_dir: Path = Path("reports")
    max_attempts: int = 8
    keep_data: bool = False
    property_worker: bool = True  # clause 9 runs in a second process (property_worker.py)
    embedded: bool = False  # the target is the reference server the run started itself
    record: Path | None = None  # --record: where the transcript of this run goes
    transcript: Path | None = None  # --transcript: the recording this run is compared with
    tolerate: Path | None = None  # --tolerate: the differences that comparison accepts

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings:
        import pytest

        option = config.option
        base_url = option.base_url or os.environ.get(ENV_BASE_URL)
        if not base_url:
            raise pytest.UsageError("no --base-url (and no reference server was started)")
        if not base_url.startswith(("http://", "https://")):
            raise pytest.UsageError(f"--base-url must be an http(s) URL, got {base_url!r}")
        if (why := writable_folder(Path(option.report_dir))) is not None:
            raise pytest.UsageError(f"--report-dir {option.report_dir}: reports cannot be written there ({why})")
        region = option.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        return cls(
            base_url=base_url.rstrip("/"),
            profile=Profile.parse(option.profile),
            seed=parse_seed(option.seed),
            max_examples=option.max_examples,
            timeout=option.timeout,
            settle=option.settle,
            app_id=option.app_id,
            sigv4=option.sigv4,
            region=region or "us-east-1",
            headers=dict(_parse_header(h) for h in option.header),
            report_dir=Path(option.report_dir),
            max_attempts=option.max_attempts,
            keep_data=option.keep_data,
            property_worker=not option.no_property_worker,
            embedded=bool(getattr(option, "embedded_reference", False)),
            record=_path(option.record),
            transcript=_path(option.transcript),
            tolerate=_path(option.tolerate),
        )

    def command_line(self) -> str:
        """The options that reproduce this run (the seed included)."""
        target = [] if self.embedded else [f"--base-url {self.base_url}"]
        parts = [*target, f"--profile {self.profile.name.lower()}", f"--seed {self.seed}",
                 f"--max-examples {self.max_examples}", f"--timeout {self.timeout:g}"]  # fmt: skip
        parts += [f"--settle {self.settle:g}"] if self.settle != DEFAULT_SETTLE else []
        if self.app_id:
            parts.append(f"--app-id {self.app_id}")
        if self.sigv4:
            parts.append(f"--sigv4 --region {self.region}")
        parts += [f"--transcript {self.transcript}"] if self.transcript else []
        parts += [f"--tolerate {self.tolerate}"] if self.tolerate else []
        # The installed command, which works from any folder (`pytest conformance` only works from a checkout).
        return "pinpoint-conformance run " + " ".join(parts)
