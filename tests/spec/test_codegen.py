"""Code generated from the released bundle, checked without a server: datamodel-code-generator's
pydantic models parse the examples and what AWS may vary in; openapi-typescript's types accept
the examples under `tsc --strict` and reject a misspelled member (no index signature). The live
round trips of generated clients are in test_clients.py."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pinpoint_conformance import spec
from proof.processes import ROOT

BUNDLE = spec.dist_path("3.0.3", "yaml")


def _example() -> dict[str, Any]:
    return spec.load_published_bundle()["components"]["examples"]["EndpointsResponseTwoEndpoints"]["value"]


def _error_example() -> dict[str, Any]:
    responses = spec.load_published_bundle()["components"]["responses"]
    return responses["NotFoundException"]["content"]["application/json"]["example"]


def _run(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_datamodel_code_generator_models_parse_examples_and_variance(tmp_path: Path) -> None:
    output = tmp_path / "pinpoint_models.py"
    _run(sys.executable, "-m", "datamodel_code_generator", "--input", str(BUNDLE), "--input-file-type",
         "openapi", "--output", str(output), "--output-model-type", "pydantic_v2.BaseModel",
         "--formatters", "ruff-format")  # fmt: skip
    module_spec = importlib.util.spec_from_file_location("pinpoint_models", output)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    sys.modules["pinpoint_models"] = module
    module_spec.loader.exec_module(module)
    parsed = module.EndpointsResponse.model_validate(_example())
    assert parsed.Item[0].Location.Latitude == 47.6
    assert parsed.Item[0].model_dump(by_alias=True, mode="json")["ChannelType"] == "GCM"
    assert module.NotFoundException.model_validate(_error_example()).Message == "Resource not found"
    varied = module.EndpointsResponse.model_validate(
        {"Item": [{"ChannelType": "WHATSAPP", "CohortId": "100", "Address": None, "Demographic": None, "New": 1}]}
    )
    dumped = varied.Item[0].model_dump(by_alias=True, mode="json")
    assert dumped["ChannelType"] == "WHATSAPP" and dumped["CohortId"] == "100" and dumped["Demographic"] is None
    assert module.NotFoundException.model_validate({"message": "lower case"}).Message is None
    with pytest.raises(Exception, match="Item"):
        module.EndpointsResponse.model_validate({})


def test_openapi_typescript_types_are_strict_where_they_should_be(tmp_path: Path) -> None:
    types = tmp_path / "pinpoint.d.ts"
    _run(str(ROOT / "node_modules/.bin/openapi-typescript"), str(BUNDLE), "-o", str(types))
    usage = tmp_path / "usage.ts"
    usage.write_text(
        'import type { components, operations } from "./pinpoint";\n'
        'type EndpointsResponse = components["schemas"]["EndpointsResponse"];\n'
        'type Ok = operations["GetUserEndpoints"]["responses"][200]["content"]["application/json"];\n'
        f"const example: EndpointsResponse = {json.dumps(_example())};\n"
        "const same: Ok = example;\n"
        'const later: components["schemas"]["ChannelType"] = "A_CHANNEL_ADDED_LATER";\n'
        'const absent: components["schemas"]["EndpointResponse"] = { Demographic: null, Address: null };\n'
        f'const error: components["schemas"]["NotFoundException"] = {json.dumps(_error_example())};\n'
        "export { same, later, absent, error };\n"
    )
    tsc = [str(ROOT / "node_modules/.bin/tsc"), "--noEmit", "--strict", "--target", "es2020", "--module", "es2020",
           "--moduleResolution", "node"]  # fmt: skip
    _run(*tsc, str(usage), cwd=tmp_path)
    misspelled = tmp_path / "misspelled.ts"
    misspelled.write_text('import type { components } from "./pinpoint";\n'
                          'const bad: components["schemas"]["EndpointResponse"] = { ChanelType: "GCM" };\n'
                          "export { bad };\n")  # fmt: skip
    result = subprocess.run([*tsc, str(misspelled)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode != 0 and "ChanelType" in result.stdout, "tsc accepted a misspelled member"
