"""The released files in spec/dist/ and spec/views.json are exactly what the sources produce
(`python -m pinpoint_conformance.spec build` rebuilds them), each format holds the same document,
and views.json is read only while it matches the sources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pinpoint_conformance import spec
from proof.processes import ROOT


def test_dist_equals_what_the_sources_produce() -> None:
    stale = [path.name for path, text in spec.built_artifacts().items()
             if not path.is_file() or path.read_text(encoding="utf-8") != text]  # fmt: skip
    assert not stale, f"{stale}: run `python -m pinpoint_conformance.spec build`, commit spec/dist/ and spec/views.json"


@pytest.mark.parametrize("version", spec.DIST_VERSIONS)
def test_yaml_and_json_hold_the_same_document(version: str) -> None:
    as_yaml = yaml.safe_load(spec.dist_path(version, "yaml").read_text(encoding="utf-8"))
    as_json = json.loads(spec.dist_path(version, "json").read_text(encoding="utf-8"))
    assert as_yaml == as_json
    assert as_json["openapi"] == version
    expected = spec.load_published_bundle() if version == "3.0.3" else spec.load_published_bundle_3_1()
    assert as_json == expected


def test_check_command_reports_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` can fail: pointed at a folder with one changed file, it names that file."""
    monkeypatch.setattr(spec, "dist_path", lambda v, f: tmp_path / f"{spec.DIST_NAME}.openapi-{v}.{f}")
    monkeypatch.setattr(spec, "views_path", lambda: tmp_path / spec.VIEWS_NAME)
    written = spec.build()
    assert spec.main(["check"]) == 0
    written[0].write_text(written[0].read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert spec.main(["check"]) == 1


def test_build_command_runs_as_documented() -> None:
    result = subprocess.run([sys.executable, "-m", "pinpoint_conformance.spec", "check"], capture_output=True,
                            text=True, timeout=120, cwd=ROOT)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_views_json_is_read_only_while_its_digest_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A views.json marked by a changed title is what a process reads while its digest matches; with
    another digest (a source edited since the build), the views come from the sources."""
    built = json.loads(spec.views_path().read_text(encoding="utf-8"))
    built["views"]["conformance_user"]["info"]["title"] = "read from views.json"
    marked = tmp_path / spec.VIEWS_NAME
    monkeypatch.setattr(spec, "views_path", lambda: marked)
    try:
        marked.write_text(json.dumps(built), encoding="utf-8")
        spec._views_json.cache_clear()
        assert spec.load_user_spec()["info"]["title"] == "read from views.json"
        marked.write_text(json.dumps({**built, "sources_sha256": "0" * 64}), encoding="utf-8")
        spec._views_json.cache_clear()
        assert spec.load_user_spec()["info"]["title"] != "read from views.json"
    finally:
        spec._views_json.cache_clear()


def test_the_suite_s_checks_load_without_parsing_yaml() -> None:
    code = "import sys; import pinpoint_conformance.harness.wire; print('yaml' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.stdout.strip() == "False", result.stdout + result.stderr
