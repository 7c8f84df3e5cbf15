"""Clients generated from the released bundle, talking to a live server: each creates an
application and endpoints on the reference server, lists and deletes users whose IDs hold `/`,
a space, `+` and non-ASCII letters, and gets typed models back; typed errors for 404; and no
failure where AWS may vary (tests/spec/variance.py): an error body with `message`, an unknown
ChannelType, CohortId "100", `null` members, an unknown member.

The generators and the bundle each uses are those docs/spec.md gives. The openapi-generator runs start
a JVM and compile; they are marked slow."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pinpoint_conformance import spec
from pinpoint_conformance.reference import start_in_thread
from proof.processes import ROOT
from tests.spec.clients import openapi_generator_python_driver, openapi_python_client_driver
from tests.spec.clients.scenario import expected, scenario
from tests.spec.variance import variance_app

CLIENTS = Path(__file__).parent / "clients"
BIN = Path(sys.executable).parent
NODE_BIN = ROOT / "node_modules" / ".bin"
BUNDLE_30 = spec.dist_path("3.0.3", "yaml")
BUNDLE_31 = spec.dist_path("3.1.0", "yaml")
# openapi-generator-cli's jar bundles Jackson, which the Java client needs; javax.annotation.Generated
# (gone from the JDK since 11) is the one other class it names.
JAR = Path(importlib.import_module("openapi_generator_cli").__file__).parent / "openapi-generator.jar"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with start_in_thread(variance_app()) as server:
        yield server.base_url


def _run(*command: str | Path, cwd: Path | None = None, timeout: float = 300) -> str:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                            env=environment)  # fmt: skip
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def _check(report: dict[str, Any]) -> None:
    wanted = expected()
    assert report["listed"] == wanted["listed"], "IDs with /, space, + or non-ASCII did not round-trip"
    assert report["varied"] == wanted["varied"], "the client did not carry what AWS may vary in"
    assert report["deleted"] == wanted["deleted"]
    assert report["errors"] == wanted["errors"], "404s were not typed NotFoundException bodies"


def _import_from(folder: Path, driver: Any, base_url: str, package: str) -> dict[str, Any]:
    """Run a Python driver in this process, with the generated package importable meanwhile."""
    sys.path.insert(0, str(folder))
    try:
        return driver.run(scenario(base_url))
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m.split(".")[0] == package]:
            del sys.modules[name]


# Runs a driver module's `run(scenario)` in another interpreter and prints its report as JSON.
DRIVE = "import json, runpy, sys; print(json.dumps(runpy.run_path(sys.argv[1])['run'](json.load(open(sys.argv[2])))))"


def test_openapi_python_client(tmp_path: Path, base_url: str) -> None:
    """Generated, then installed with pip into a fresh virtual environment, as its user would (its
    package version must be PEP 440's), and driven from there."""
    _run(BIN / "openapi-python-client", "generate", "--path", BUNDLE_31, "--output-path", tmp_path / "client")
    _run(sys.executable, "-m", "venv", tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", tmp_path / "client")
    (tmp_path / "scenario.json").write_text(json.dumps(scenario(base_url)), encoding="utf-8")
    driver = Path(openapi_python_client_driver.__file__)
    _check(json.loads(_run(python, "-c", DRIVE, driver, tmp_path / "scenario.json", cwd=tmp_path)))


@pytest.mark.slow
def test_openapi_generator_python(tmp_path: Path, base_url: str) -> None:
    _run(BIN / "openapi-generator-cli", "generate", "-g", "python", "-i", BUNDLE_30, "-o", tmp_path / "client",
         "--additional-properties=packageName=pinpoint_user_api")  # fmt: skip
    report = _import_from(tmp_path / "client", openapi_generator_python_driver, base_url, "pinpoint_user_api")
    _check(report)


def _node_project(folder: Path) -> None:
    """A folder where `node` and `tsc` find the project's packages (openapi-fetch)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)


TSC = ("--strict", "--target", "es2022", "--module", "commonjs", "--moduleResolution", "node", "--lib",
       "es2022,dom", "--esModuleInterop", "--skipLibCheck")  # fmt: skip


def _run_node(folder: Path, script: str, base_url: str) -> dict[str, Any]:
    (folder / "scenario.json").write_text(json.dumps(scenario(base_url)), encoding="utf-8")
    return json.loads(_run("node", folder / script, folder / "scenario.json", cwd=folder))


def test_openapi_typescript_with_openapi_fetch(tmp_path: Path, base_url: str) -> None:
    _node_project(tmp_path)
    _run(NODE_BIN / "openapi-typescript", BUNDLE_31, "-o", tmp_path / "pinpoint.ts")
    shutil.copy(CLIENTS / "openapi_fetch_driver.ts", tmp_path / "driver.ts")
    _run(NODE_BIN / "tsc", *TSC, "--outDir", tmp_path / "out", tmp_path / "driver.ts", cwd=tmp_path)
    _check(_run_node(tmp_path, "out/driver.js", base_url))


@pytest.mark.slow
def test_openapi_generator_typescript_fetch(tmp_path: Path, base_url: str) -> None:
    _node_project(tmp_path)
    _run(BIN / "openapi-generator-cli", "generate", "-g", "typescript-fetch", "-i", BUNDLE_30, "-o",
         tmp_path / "client", "--additional-properties=supportsES6=true")  # fmt: skip
    shutil.copy(CLIENTS / "typescript_fetch_driver.ts", tmp_path / "driver.ts")
    _run(NODE_BIN / "tsc", *TSC, "--outDir", tmp_path / "out", tmp_path / "driver.ts", cwd=tmp_path)
    _check(_run_node(tmp_path, "out/driver.js", base_url))


@pytest.mark.slow
def test_openapi_generator_java(tmp_path: Path, base_url: str) -> None:
    _run(BIN / "openapi-generator-cli", "generate", "-g", "java", "-i", BUNDLE_30, "-o", tmp_path / "client",
         "--additional-properties=library=native,openApiNullable=false,hideGenerationTimestamp=true,"
         "invokerPackage=pinpoint,apiPackage=pinpoint.api,modelPackage=pinpoint.model")  # fmt: skip
    sources = sorted((tmp_path / "client" / "src" / "main" / "java").rglob("*.java"))
    stub = tmp_path / "stub" / "javax" / "annotation" / "Generated.java"
    stub.parent.mkdir(parents=True)
    stub.write_text("package javax.annotation;\npublic @interface Generated "
                    '{ String[] value(); String date() default ""; String comments() default ""; }\n')  # fmt: skip
    shutil.copy(CLIENTS / "Driver.java", tmp_path / "Driver.java")
    (tmp_path / "sources.txt").write_text("\n".join(map(str, [*sources, stub, tmp_path / "Driver.java"])))
    _run(
        "javac", "-nowarn", "-encoding", "UTF-8", "-d", tmp_path / "classes", "-cp", JAR, f"@{tmp_path / 'sources.txt'}"
    )
    (tmp_path / "scenario.json").write_text(json.dumps(scenario(base_url)), encoding="utf-8")
    classpath = f"{tmp_path / 'classes'}{os.pathsep}{JAR}"
    _check(json.loads(_run("java", "-Dfile.encoding=UTF-8", "-cp", classpath, "Driver", tmp_path / "scenario.json")))


def test_a_client_of_the_conformance_view_breaks_where_the_contract_holds(tmp_path: Path) -> None:
    """The control: generated from the conformance view (closed ChannelType enum, Message
    required), openapi-python-client's models fail on bodies the variance server sends; the
    published contract's tolerance is what makes the clients above pass."""
    strict = tmp_path / "conformance.json"
    strict.write_text(json.dumps(spec.load_bundle()), encoding="utf-8")
    _run(BIN / "openapi-python-client", "generate", "--path", strict, "--output-path", tmp_path / "client")
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        models = importlib.import_module("pinpoint_user_api_client.models")
        with pytest.raises(ValueError, match="A_CHANNEL_ADDED_LATER"):
            models.EndpointsResponse.from_dict({"Item": [{"ChannelType": "A_CHANNEL_ADDED_LATER"}]})
        with pytest.raises(KeyError, match="Message"):
            models.NotFoundException.from_dict({"message": "Resource not found"})
    finally:
        sys.path.remove(str(tmp_path / "client"))
        for name in [m for m in sys.modules if m.split(".")[0] == "pinpoint_user_api_client"]:
            del sys.modules[name]
