"""ApiKeysApi is generated from the spec: an operation added or removed changes the class."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.generate import generate as run_generator

ROOT = Path(__file__).resolve().parent.parent.parent
GENERATOR = Path(sys.prefix) / "bin" / "openapi-python-client"

LIMITS_OPERATION = {
    "get": {
        "tags": ["api-keys"],
        "summary": "Get API Key Limits",
        "operationId": "GetApiKeyLimits",
        "parameters": [
            {"name": "api_key", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "window", "in": "query", "required": False, "schema": {"type": "integer"}},
        ],
        "responses": {
            "200": {
                "description": "ok",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ApiKeyLimits"}}
                },
            }
        },
        "security": [
            {"kalshiAccessKey": [], "kalshiAccessSignature": [], "kalshiAccessTimestamp": []}
        ],
    }
}


def generate(tmp_path: Path, spec: dict[str, Any]) -> ast.Module:
    """Run the generator as `make generate` does, on ``spec``; the tag's __init__ parsed."""
    spec_file = tmp_path / "openapi.yaml"
    spec_file.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    run_generator(out, spec=spec_file)
    source = (out / "api" / "api_keys" / "__init__.py").read_text(encoding="utf-8")
    return ast.parse(source)


def methods(
    module: ast.Module, class_name: str
) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    (cls,) = [n for n in module.body if isinstance(n, ast.ClassDef) and n.name == class_name]
    return {
        n.name: n
        for n in cls.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and not n.name.startswith("_")
        and not any(isinstance(d, ast.Name) and d.id == "property" for d in n.decorator_list)
    }  # fmt: skip


def our_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    return spec


@pytest.mark.skipif(not GENERATOR.exists(), reason="needs the generator in this venv")
def test_an_added_operation_becomes_a_typed_method_on_both_classes(tmp_path: Path) -> None:
    spec = our_spec()
    spec["paths"]["/api_keys/{api_key}/limits"] = LIMITS_OPERATION
    spec["components"]["schemas"]["ApiKeyLimits"] = {
        "type": "object",
        "properties": {"per_second": {"type": "integer"}},
    }
    module = generate(tmp_path, spec)
    for class_name, kind in (
        ("ApiKeysApi", ast.FunctionDef),
        ("AsyncApiKeysApi", ast.AsyncFunctionDef),
    ):
        found = methods(module, class_name)
        assert set(found) == {
            "get_api_keys", "create_api_key", "generate_api_key", "delete_api_key",
            "get_api_key_limits",
        }  # fmt: skip
        method = found["get_api_key_limits"]
        assert isinstance(method, kind)
        assert [a.arg for a in method.args.args] == ["self", "api_key"]
        assert [a.arg for a in method.args.kwonlyargs] == ["window"]
        assert ast.unparse(method.args.kwonlyargs[0].annotation or ast.Constant(None)) == (
            "int | Unset"
        )
        assert ast.unparse(method.returns or ast.Constant(None)) == "ApiKeyLimits"
        built = "get_async_httpx_client" if kind is ast.AsyncFunctionDef else "get_httpx_client"
        source = ast.unparse(method)
        assert f"self._client.{built}().request(**get_api_key_limits._get_kwargs(" in source
        assert "get_api_key_limits._parse_response" in source


@pytest.mark.skipif(not GENERATOR.exists(), reason="needs the generator in this venv")
def test_a_removed_operation_leaves_the_classes(tmp_path: Path) -> None:
    spec = our_spec()
    del spec["paths"]["/api_keys/{api_key}"]
    module = generate(tmp_path, spec)
    for class_name in ("ApiKeysApi", "AsyncApiKeysApi"):
        assert set(methods(module, class_name)) == {
            "get_api_keys", "create_api_key", "generate_api_key",
        }  # fmt: skip
