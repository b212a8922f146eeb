"""The generated package imports, exposes every variant, and parses leniently where it must."""

from __future__ import annotations

import importlib
import inspect
import typing
from typing import Any

import pytest
from kalshi_api_keys_client.models import (
    ApiKey,
    ApiKeyScope,
    ApiKeyType,
    CreateApiKeyRequest,
    ErrorResponse,
    GenerateApiKeyRequest,
    GenerateApiKeyResponse,
    GetApiKeysResponse,
)
from kalshi_api_keys_client.types import UNSET

MODULES = ["get_api_keys", "create_api_key", "generate_api_key", "delete_api_key"]


@pytest.mark.parametrize("name", MODULES)
def test_each_operation_has_all_four_variants(name: str) -> None:
    module = importlib.import_module(f"kalshi_api_keys_client.api.api_keys.{name}")
    for variant in ("sync", "sync_detailed"):
        assert inspect.isfunction(getattr(module, variant))
    for variant in ("asyncio", "asyncio_detailed"):
        assert inspect.iscoroutinefunction(getattr(module, variant))


def test_unknown_scope_in_a_response_parses() -> None:
    parsed = ApiKey.from_dict(
        {"api_key_id": "k1", "name": "bot", "scopes": ["read", "write::future_scope"]}
    )
    assert parsed.scopes == ["read", "write::future_scope"]


def test_requests_keep_the_scope_enum_as_a_literal() -> None:
    assert set(typing.get_args(ApiKeyScope)) == {
        "read",
        "write",
        "read::block_trade_accept",
        "read::portfolio_balance",
        "write::trade",
        "write::transfer",
        "write::fcm_risk",
        "write::block_trade_accept",
    }
    body = CreateApiKeyRequest(name="bot", public_key="pem", scopes=["read", "write::trade"])
    assert body.to_dict()["scopes"] == ["read", "write::trade"]
    with pytest.raises(TypeError, match="write::future_scope"):
        CreateApiKeyRequest.from_dict(
            {"name": "b", "public_key": "p", "scopes": ["write::future_scope"]}
        )


def test_key_type_is_checked_on_requests_and_open_in_responses() -> None:
    assert set(typing.get_args(ApiKeyType)) == {"rsa", "ed25519"}
    assert GenerateApiKeyRequest(name="b", key_type="ed25519").to_dict()["key_type"] == "ed25519"
    assert "key_type" not in GenerateApiKeyRequest(name="b").to_dict()  # Kalshi's default: rsa
    with pytest.raises(TypeError, match="ml_dsa"):
        GenerateApiKeyRequest.from_dict({"name": "b", "key_type": "ml_dsa"})
    parsed = GenerateApiKeyResponse.from_dict(
        {"api_key_id": "k", "private_key": "pem", "key_type": "ml_dsa", "warning": None}
    )
    assert (parsed.key_type, parsed.warning) == ("ml_dsa", None)


def test_fcm_subtrader_binding_round_trips() -> None:
    wire = {"api_key_id": "a", "name": "fix", "scopes": ["read"], "fcm_subtrader_id": "u1_desk7"}
    assert ApiKey.from_dict(wire).fcm_subtrader_id == "u1_desk7"
    assert ApiKey.from_dict(wire).to_dict() == wire
    body = GenerateApiKeyRequest(name="fix", fcm_subtrader_id="u1_desk7")
    assert body.to_dict() == {"name": "fix", "fcm_subtrader_id": "u1_desk7"}


FULL: dict[str, Any] = {
    "api_keys": [
        {"api_key_id": "a", "name": "one", "scopes": ["read"], "subaccount": 7},
        {"api_key_id": "c", "name": "fix", "scopes": ["read"], "fcm_subtrader_id": None},
        {"api_key_id": "b", "name": "two", "scopes": ["read", "write"], "subaccount": None},
    ],
    "api_key_region_expiration_ts": 1_790_000_000,
}
MINIMAL: dict[str, Any] = {"api_keys": [{"api_key_id": "a", "name": "one", "scopes": []}]}


@pytest.mark.parametrize("wire", [FULL, MINIMAL, {**MINIMAL, "api_key_region_expiration_ts": None}])
def test_get_api_keys_response_round_trips(wire: dict[str, Any]) -> None:
    parsed = GetApiKeysResponse.from_dict(wire)
    assert parsed.to_dict() == wire


def test_optional_fields_absent_are_unset_and_null_is_none() -> None:
    minimal = GetApiKeysResponse.from_dict(MINIMAL)
    assert minimal.api_key_region_expiration_ts is UNSET
    assert minimal.api_keys[0].subaccount is UNSET
    full = GetApiKeysResponse.from_dict(FULL)
    assert full.api_key_region_expiration_ts == 1_790_000_000
    assert [k.subaccount for k in full.api_keys] == [7, UNSET, None]
    assert [k.fcm_subtrader_id for k in full.api_keys] == [UNSET, None, UNSET]


def test_error_response_accepts_the_nested_wire_shape() -> None:
    nested = {"error": {"code": "authentication_error", "details": "NOT_FOUND"}}
    parsed = ErrorResponse.from_dict(nested)
    assert parsed.code is UNSET
    assert parsed["error"] == nested["error"]


def test_the_generated_package_is_on_httpx2_only() -> None:
    """The generator writes httpx; the post-hook in generator-config.yml rewrites it to httpx2.
    Failed before the move: every endpoint module imported httpx."""
    import re
    from pathlib import Path

    import kalshi_api_keys_client

    root = Path(kalshi_api_keys_client.__file__).parent
    mentions = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if re.search(r"\bhttpx\b|\bhttpcore\b", path.read_text(encoding="utf-8"))
    }
    assert mentions == set()
    assert "import httpx2" in (root / "client.py").read_text(encoding="utf-8")
