"""Code can be generated from the spec: datamodel-code-generator and openapi-python-client (PyPI)
produce Python that imports and parses the spec's examples; openapi-typescript (npm) produces
types that the TypeScript compiler accepts the examples against, in strict mode."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pinpoint_conformance import spec
from tests.processes import ROOT

USER_SPEC = spec.user_spec_path()


def _example() -> dict[str, Any]:
    return spec.load_user_spec()["components"]["examples"]["EndpointsResponseTwoEndpoints"]["value"]


def _error_example() -> dict[str, Any]:
    return spec.load_user_spec()["components"]["responses"]["NotFoundException"]["content"]["application/json"][
        "example"
    ]


def _run(*command: str, cwd: Path | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def test_datamodel_code_generator_models_parse_the_examples(tmp_path: Path) -> None:
    output = tmp_path / "pinpoint_models.py"
    _run(sys.executable, "-m", "datamodel_code_generator", "--input", str(USER_SPEC), "--input-file-type",
         "openapi", "--output", str(output), "--output-model-type", "pydantic_v2.BaseModel",
         "--formatters", "ruff-format")  # fmt: skip
    module_spec = importlib.util.spec_from_file_location("pinpoint_models", output)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules["pinpoint_models"] = module
    module_spec.loader.exec_module(module)
    parsed = module.EndpointsResponse.model_validate(_example())
    assert parsed.Item[0].Location.Latitude == 47.6
    assert parsed.Item[0].model_dump(by_alias=True, mode="json")["ChannelType"] == "GCM"
    assert module.MessageBody.model_validate(_error_example()).Message == "Resource not found"
    with pytest.raises(Exception, match="CohortId"):
        module.EndpointsResponse.model_validate({"Item": [{"CohortId": "100"}]})


def test_openapi_python_client_parses_the_examples(tmp_path: Path) -> None:
    _run(sys.executable, "-m", "openapi_python_client", "generate", "--path", str(USER_SPEC), "--output-path",
         str(tmp_path / "client"))  # fmt: skip
    sys.path.insert(0, str(tmp_path / "client"))
    try:
        models = importlib.import_module("amazon_pinpoint_user_resource_client.models")
        api = importlib.import_module("amazon_pinpoint_user_resource_client.api.user.get_user_endpoints")
    finally:
        sys.path.remove(str(tmp_path / "client"))
    parsed = models.EndpointsResponse.from_dict(_example())
    assert [item.id for item in parsed.item] == ["device-3f9a", "email-8c21"]
    assert parsed.item[0].user.user_id == "user-123"
    assert parsed.to_dict()["Item"][1]["OptOut"] == "ALL"
    assert callable(api.sync_detailed)


def test_openapi_typescript_types_accept_the_examples(tmp_path: Path) -> None:
    types = tmp_path / "pinpoint-user.d.ts"
    _run(str(ROOT / "node_modules/.bin/openapi-typescript"), str(USER_SPEC), "-o", str(types))
    usage = tmp_path / "usage.ts"
    usage.write_text(
        'import type { components, operations } from "./pinpoint-user";\n'
        'type EndpointsResponse = components["schemas"]["EndpointsResponse"];\n'
        'type Ok = operations["GetUserEndpoints"]["responses"][200]["content"]["application/json"];\n'
        f"const example: EndpointsResponse = {json.dumps(_example())};\n"
        "const same: Ok = example;\n"
        'const channel: components["schemas"]["ChannelType"] = "IN_APP";\n'
        f'const error: components["schemas"]["MessageBody"] = {json.dumps(_error_example())};\n'
        "export { same, channel, error };\n"
    )
    _run(str(ROOT / "node_modules/.bin/tsc"), "--noEmit", "--strict", "--target", "es2020", "--module", "es2020",
         "--moduleResolution", "node", str(usage), cwd=tmp_path)  # fmt: skip
    broken = tmp_path / "broken.ts"
    broken.write_text('import type { components } from "./pinpoint-user";\n'
                      'const bad: components["schemas"]["ChannelType"] = "FAX";\nexport { bad };\n')  # fmt: skip
    result = subprocess.run([str(ROOT / "node_modules/.bin/tsc"), "--noEmit", "--strict", str(broken)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    assert result.returncode != 0, "tsc accepted a ChannelType outside the enum: the type check proves nothing"
