"""openapi.yaml matches Kalshi's official spec (v3.34.0) for the four /api_keys operations."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

SPEC_PATH = Path(__file__).resolve().parent.parent.parent / "openapi.yaml"

# (path, method) -> (operationId, success status, every documented status)
OPERATIONS = {
    ("/api_keys", "get"): ("GetApiKeys", "200", {"200", "401", "500"}),
    ("/api_keys", "post"): ("CreateApiKey", "201", {"201", "400", "401", "403", "409", "500"}),
    ("/api_keys/generate", "post"): (
        "GenerateApiKey",
        "201",
        {"201", "400", "401", "403", "409", "500"},
    ),
    ("/api_keys/{api_key}", "delete"): (
        "DeleteApiKey",
        "204",
        {"204", "400", "401", "404", "500"},
    ),
}

REQUIRED = {
    "ApiKey": ["api_key_id", "name", "scopes"],
    "CreateApiKeyRequest": ["name", "public_key"],
    "CreateApiKeyResponse": ["api_key_id"],
    "GenerateApiKeyRequest": ["name"],
    "GenerateApiKeyResponse": ["api_key_id", "private_key"],
    "GetApiKeysResponse": ["api_keys"],
}

SCOPES = [
    "read",
    "write",
    "read::block_trade_accept",
    "read::portfolio_balance",
    "write::trade",
    "write::transfer",
    "write::fcm_risk",
    "write::block_trade_accept",
]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["components"]["schemas"][name]
    return found


def test_spec_is_valid_openapi_3(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.0.")
    validate(spec)


def test_exactly_the_four_operations(spec: dict[str, Any]) -> None:
    found = {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(("path", "method"), sorted(OPERATIONS))
def test_operation_ids_statuses_and_security(spec: dict[str, Any], path: str, method: str) -> None:
    op = spec["paths"][path][method]
    operation_id, success, statuses = OPERATIONS[(path, method)]
    assert op["operationId"] == operation_id
    assert op["tags"] == ["api-keys"]
    assert set(op["responses"]) == statuses
    assert op["description"].strip(), "descriptions become the generated docstrings"
    assert op["security"] == [
        {"kalshiAccessKey": [], "kalshiAccessSignature": [], "kalshiAccessTimestamp": []}
    ]
    for status, response in op["responses"].items():
        if status == success:
            continue
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorResponse"
    if success == "204":
        assert "content" not in op["responses"]["204"]
    else:
        assert "application/json" in op["responses"][success]["content"]


def test_no_trailing_slash_paths(spec: dict[str, Any]) -> None:
    # Kalshi answers /api_keys/ with a 301, which would invalidate the signature.
    assert all(not p.endswith("/") for p in spec["paths"])


def test_delete_path_parameter_is_named_api_key(spec: dict[str, Any]) -> None:
    (param,) = spec["paths"]["/api_keys/{api_key}"]["delete"]["parameters"]
    assert param == {
        "name": "api_key",
        "in": "path",
        "required": True,
        "description": "API key ID to delete",
        "schema": {"type": "string"},
    }


@pytest.mark.parametrize(("name", "required"), sorted(REQUIRED.items()))
def test_required_lists(spec: dict[str, Any], name: str, required: list[str]) -> None:
    assert schema(spec, name)["required"] == required


def test_error_response_has_no_required_fields(spec: dict[str, Any]) -> None:
    error = schema(spec, "ErrorResponse")
    assert "required" not in error
    assert set(error["properties"]) == {"code", "message", "details"}


def test_scope_enum_on_requests_plain_strings_in_responses(spec: dict[str, Any]) -> None:
    assert schema(spec, "ApiKeyScope")["enum"] == SCOPES
    for request in ("CreateApiKeyRequest", "GenerateApiKeyRequest"):
        items = schema(spec, request)["properties"]["scopes"]["items"]
        assert items == {"$ref": "#/components/schemas/ApiKeyScope"}
    assert schema(spec, "ApiKey")["properties"]["scopes"]["items"] == {"type": "string"}


def test_subaccount_bounds_and_nullability(spec: dict[str, Any]) -> None:
    for name in ("ApiKey", "CreateApiKeyRequest", "GenerateApiKeyRequest"):
        sub = schema(spec, name)["properties"]["subaccount"]
        assert (sub["type"], sub["minimum"], sub["maximum"]) == ("integer", 0, 63)
        assert sub.get("nullable", False) is (name == "ApiKey")
    expiry = schema(spec, "GetApiKeysResponse")["properties"]["api_key_region_expiration_ts"]
    assert expiry == {**expiry, "type": "integer", "format": "int64", "nullable": True}


def test_security_schemes_and_servers(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert {k: (v["type"], v["in"], v["name"]) for k, v in schemes.items()} == {
        "kalshiAccessKey": ("apiKey", "header", "KALSHI-ACCESS-KEY"),
        "kalshiAccessSignature": ("apiKey", "header", "KALSHI-ACCESS-SIGNATURE"),
        "kalshiAccessTimestamp": ("apiKey", "header", "KALSHI-ACCESS-TIMESTAMP"),
    }
    assert spec["security"] == []
    assert [s["url"] for s in spec["servers"]] == [
        "https://external-api.kalshi.com/trade-api/v2",
        "https://api.elections.kalshi.com/trade-api/v2",
        "https://external-api.demo.kalshi.co/trade-api/v2",
        "https://demo-api.kalshi.co/trade-api/v2",
    ]


def test_the_spec_version_is_a_release_number(spec: dict[str, Any]) -> None:
    """openapi.yaml's info.version is the one source of the version; test_packaging.py checks
    everything derived from it."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", spec["info"]["version"])


def test_key_type_enum_on_requests_plain_string_in_responses(spec: dict[str, Any]) -> None:
    assert schema(spec, "ApiKeyType")["enum"] == ["rsa", "ed25519"]
    key_type = schema(spec, "GenerateApiKeyRequest")["properties"]["key_type"]
    assert key_type == {"$ref": "#/components/schemas/ApiKeyType"}
    assert "key_type" not in schema(spec, "GenerateApiKeyRequest")["required"]
    response = schema(spec, "GenerateApiKeyResponse")
    assert response["properties"]["key_type"]["type"] == "string"
    assert "key_type" not in response["required"]


def test_fcm_subtrader_binding(spec: dict[str, Any]) -> None:
    (param,) = spec["paths"]["/api_keys"]["get"]["parameters"]
    assert (param["name"], param["in"], param["required"], param["schema"]) == (
        "fcm_subtrader_id",
        "query",
        False,
        {"type": "string"},
    )
    listed = schema(spec, "ApiKey")["properties"]["fcm_subtrader_id"]
    assert (listed["type"], listed["nullable"]) == ("string", True)
    for name in ("CreateApiKeyRequest", "GenerateApiKeyRequest"):
        bound = schema(spec, name)["properties"]["fcm_subtrader_id"]
        assert bound["type"] == "string" and "nullable" not in bound
        assert "fcm_subtrader_id" not in schema(spec, name)["required"]


def test_mint_responses_carry_a_nullable_warning(spec: dict[str, Any]) -> None:
    for name in ("CreateApiKeyResponse", "GenerateApiKeyResponse"):
        warning = schema(spec, name)["properties"]["warning"]
        assert (warning["type"], warning["nullable"]) == ("string", True)
        assert "warning" not in schema(spec, name)["required"]


def test_every_deviation_is_listed_with_a_reason() -> None:
    listed = yaml.safe_load((SPEC_PATH.parent / "spec-deviations.yaml").read_text("utf-8"))
    ids = {entry["id"] for entry in listed["deviations"]}
    text = SPEC_PATH.read_text(encoding="utf-8")
    marked = set(re.findall(r"DEVIATION ([a-z-]+)", text))
    assert marked == ids
    guide = (SPEC_PATH.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert all(f"`{dev_id}`" in guide for dev_id in ids), "list each in CONTRIBUTING.md"
