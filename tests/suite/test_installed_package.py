"""The suite as a user installs it: the built wheel in a fresh venv, run from an empty folder outside
the repository through each entry point — `pytest --pyargs pinpoint_conformance.suite`, the plugin
named with `-p` where autoloading is off, and `pinpoint-conformance run` — against the outside
implementation of proof/independent/ under strict (where its HTTP layer's 501 to TRACE fails it).
Each gives the repository run's verdict, the reports' reproduce
line works where the user is, a catalogue variant fails exactly its declared checks, the plugin stays
out of the user's own pytest runs, and nothing is left in the folder. The venv's interpreter is this
one, or $PINPOINT_WHEEL_PYTHON (.ci/smoke-python-versions runs this file so on Python 3.12 and 3.13)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pinpoint_conformance.harness import checks
from proof.processes import ROOT, free_port, running
from proof.suite_runs import CATALOGUE_OPTIONS, SuiteRun, run_suite
from proof.variants import VARIANTS

pytestmark = pytest.mark.slow

EMULATOR = ROOT / "proof" / "independent" / "pinpoint_emulator.py"
# What the emulator fails under strict at the default seed: TRACE answered 501 by http.server (PC603,
# PC604, PC902), no 15-endpoint quota (PCA06), an endpoint listed without Attributes (PC903).
EMULATOR_FAILS = {"PC603", "PC604", "PC902", "PC903", "PCA06"}


@dataclass(frozen=True)
class Installed:
    bin: Path
    folder: Path  # an empty folder outside the repository, where the user runs

    def run(self, *command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
        return subprocess.run([str(self.bin / command[0]), *command[1:]], cwd=self.folder, capture_output=True,
                              text=True, timeout=600, env={**environment, **(env or {})})  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("installed")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(work / "dist"),
                    str(ROOT)], check=True, capture_output=True, timeout=600)  # fmt: skip
    (wheel,) = (work / "dist").glob("pinpoint_conformance-*.whl")
    python = os.environ.get("PINPOINT_WHEEL_PYTHON", sys.executable)
    subprocess.run([python, "-m", "venv", str(work / "venv")], check=True, capture_output=True, timeout=300)
    bin_dir = work / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                   capture_output=True, timeout=900)  # fmt: skip
    folder = work / "user"
    folder.mkdir()
    return Installed(bin_dir, folder)


@pytest.fixture(scope="module")
def target() -> Iterator[str]:
    port = free_port()
    with running([sys.executable, str(EMULATOR), "--host", "127.0.0.1", "--port", str(port)], port) as base_url:
        yield base_url


def _run(result: subprocess.CompletedProcess[str], report_dir: Path) -> SuiteRun:
    return SuiteRun.read(result.returncode, report_dir, result.stdout + result.stderr)


def test_the_main_job_conforms_from_an_empty_folder(installed: Installed, tmp_path: Path) -> None:
    """No URL: the installed suite starts its embedded reference server and judges it."""
    result = installed.run("pinpoint-conformance", "run", "-q", "-p", "no:cacheprovider",
                           "--report-dir", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    core = sum(check.profile == checks.Profile.CORE for check in checks.CHECKS.values())
    verdict = f"pinpoint-conformance verdict: CONFORMS — {core} of {core} checks run"
    assert result.stdout.splitlines()[-1].startswith(verdict)
    assert not any(installed.folder.iterdir()), "a run left files in the user's folder"


def test_every_entry_point_of_the_wheel_gives_the_repository_verdict(installed: Installed, target: str,
                                                                       tmp_path: Path) -> None:  # fmt: skip
    # From the checkout, the way a contributor runs it.
    checkout = run_suite(target, tmp_path / "checkout", profile="strict", options={"--timeout": None})
    assert checkout.exit_code == 1 and checkout.failed == EMULATOR_FAILS, checkout.explain()

    common = ["--base-url", target, "--profile", "strict", "-q", "-p", "no:cacheprovider"]
    suite = ["--pyargs", "pinpoint_conformance.suite", *common]
    runs = {
        "pytest --pyargs": installed.run("pytest", *suite, "--report-dir", str(tmp_path / "pyargs")),
        "pytest -p": installed.run(
            "pytest",
            "-p",
            "pinpoint_conformance.harness.plugin",
            *suite,
            "--report-dir",
            str(tmp_path / "plugin"),
            env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        ),
        "pinpoint-conformance run": installed.run(
            "pinpoint-conformance", "run", *common, "--report-dir", str(tmp_path / "cli")
        ),
    }
    for (name, result), folder in zip(runs.items(), ("pyargs", "plugin", "cli"), strict=True):
        assert result.returncode == 1, f"{name}: {result.stdout[-3000:]}{result.stderr[-2000:]}"
        last = result.stdout.splitlines()[-1]
        assert last == checkout.report["verdict"], f"{name}: {last}"
        assert _run(result, tmp_path / folder).failed == EMULATOR_FAILS, name
    assert not any(installed.folder.iterdir()), "a run left files in the user's folder"


def test_the_wheel_fails_a_catalogue_variant_for_its_declared_checks(installed: Installed, tmp_path: Path) -> None:
    """The run the catalogue test makes from the checkout, made by the installed command: the same
    exact set of failed checks."""
    variant = VARIANTS["prefix-match"]
    with variant.serve() as base_url:
        options = ["--base-url", base_url, "--profile", variant.profile, *CATALOGUE_OPTIONS]
        result = installed.run("pinpoint-conformance", "run", *options, "-q", "-p", "no:cacheprovider",
                               "--report-dir", str(tmp_path))  # fmt: skip
    run = _run(result, tmp_path)
    assert run.exit_code == 1 and run.failed == variant.expected, run.explain()


def test_the_reports_reproduce_line_runs_where_the_user_is(installed: Installed, target: str,
                                                           tmp_path: Path) -> None:  # fmt: skip
    first = installed.run("pinpoint-conformance", "run", "--base-url", target, "--profile", "strict", "-q", "-p",
                          "no:cacheprovider", "--report-dir", str(tmp_path / "first"))  # fmt: skip
    assert first.returncode == 1, first.stdout[-3000:]
    reproduce = _run(first, tmp_path / "first").report["reproduce"]
    assert reproduce.startswith("pinpoint-conformance run "), reproduce
    command = shlex.split(reproduce)
    again = installed.run(*command, "-q", "-p", "no:cacheprovider", "--report-dir", str(tmp_path / "again"))
    assert again.returncode == 1, again.stdout[-3000:]
    assert _run(again, tmp_path / "again").failed == _run(first, tmp_path / "first").failed == EMULATOR_FAILS


def test_the_plugin_stays_out_of_the_users_own_test_runs(installed: Installed, tmp_path: Path) -> None:
    """Installed, the plugin is loaded into every pytest run of the environment: a user's own tests
    run as if it were absent (no server started, no report written, no fixture shadowed)."""
    project = tmp_path / "project"
    project.mkdir()
    mine = "def test_mine(request):\n    assert 'findings' not in request.fixturenames\n"
    (project / "test_mine.py").write_text(mine)
    result = subprocess.run([str(installed.bin / "pytest"), "-q", "-p", "no:cacheprovider"], cwd=project,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout and "pinpoint-conformance" not in result.stdout
    assert sorted(p.name for p in project.iterdir()) == ["test_mine.py"]
