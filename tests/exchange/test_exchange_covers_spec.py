"""The fake exchange produces every response property openapi.yaml declares, so a spec change
cannot silently leave it behind: a property it never emits fails here, named."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pytest
import yaml
from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.models import CreateApiKeyRequest, GenerateApiKeyRequest
from kalshi_auth import KalshiAPIError, ResponseFormatError, signed_client
from kalshi_auth.testing import FakeExchange, mock_transport

from ..conftest import public_pem

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
PREFIX = "/trade-api/v2"
T = TypeVar("T")


def _schema(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        found: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            found = found[part]
        node = found
    return node


def _response_schema(method: str, path: str, status: int) -> tuple[str, dict[str, Any]] | None:
    """The documented schema (its name, and itself) of an answer, if the spec has one."""
    for template, operations in SPEC["paths"].items():
        parts, asked = template.strip("/").split("/"), path.strip("/").split("/")
        if len(parts) != len(asked) or any(
            p != a and not p.startswith("{") for p, a in zip(parts, asked, strict=True)
        ):
            continue
        response = operations.get(method.lower(), {}).get("responses", {}).get(str(status))
        if response is None:
            return None
        for media in _schema(response).get("content", {}).values():
            ref = media["schema"]["$ref"]
            return ref.rsplit("/", 1)[1], _schema(media["schema"])
    return None


def _walk(name: str, schema: dict[str, Any], value: Any, seen: set[str]) -> None:
    """Record ``Schema.property`` for every documented property present in ``value``."""
    if not isinstance(value, dict):
        return
    for prop, sub in schema.get("properties", {}).items():
        if prop not in value or value[prop] is None:
            continue
        seen.add(f"{name}.{prop}")
        target = _schema(sub.get("items", sub)) if sub.get("type") == "array" else _schema(sub)
        ref = sub.get("items", sub).get("$ref", "")
        items = value[prop] if isinstance(value[prop], list) else [value[prop]]
        for item in items:
            _walk(ref.rsplit("/", 1)[-1] or name, target, item, seen)


def _declared() -> set[str]:
    names: set[str] = set()
    for operations in SPEC["paths"].values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                for media in _schema(response).get("content", {}).values():
                    _collect(media["schema"], names, set())
    return names


def _collect(node: dict[str, Any], names: set[str], visited: set[str]) -> None:
    ref = node.get("$ref") or node.get("items", {}).get("$ref")
    if not ref or ref in visited:
        return
    visited.add(ref)
    name, schema = ref.rsplit("/", 1)[1], _schema({"$ref": ref})
    for prop, sub in schema.get("properties", {}).items():
        names.add(f"{name}.{prop}")
        _collect(sub, names, visited)


def _produced(rsa_key: Any, pkcs1_pem: bytes) -> set[str]:
    """Every documented response property the fake emits, over one call of each kind (FCM
    binding, a warning, a sub-account, a region expiry, errors) answered in-process."""
    exchange = FakeExchange(
        fcm_member=True, user_id="u1", mint_warning="no risk control", region_expiration_ts=1
    )
    admin = exchange.add_key(public_pem(rsa_key), name="admin")
    seen: set[str] = set()

    def record(response: httpx2.Response) -> None:
        response.read()
        path = response.request.url.path.removeprefix(PREFIX)
        documented = _response_schema(response.request.method, path, response.status_code)
        if documented is not None and response.content:
            body = response.json()
            _walk(*documented, body, seen)
            if documented[0] == "ErrorResponse" and isinstance(body.get("error"), dict):
                _walk(*documented, body["error"], seen)  # Kalshi's nested form, as on a 401

    client = signed_client(
        api_key_id=admin.api_key_id,
        private_key_pem=pkcs1_pem,
        base_url="http://127.0.0.1:1" + PREFIX,
        httpx_args={"transport": mock_transport(exchange), "event_hooks": {"response": [record]}},
    )
    api = ApiKeysApi(client)

    def call(operation: Callable[..., T], *args: Any) -> T | None:
        """The answer, or None when the client cannot parse it because the fake lags a spec
        that now requires more: the answer was recorded, so the check below names what lacks."""
        try:
            return operation(*args)
        except ResponseFormatError:
            return None

    bound = call(
        api.generate_api_key,
        GenerateApiKeyRequest(name="bound", key_type="ed25519", fcm_subtrader_id="u1_desk"),
    )
    public = public_pem(rsa_key).decode()
    call(api.create_api_key, CreateApiKeyRequest(name="sub", public_key=public, subaccount=1))
    call(
        api.create_api_key,
        CreateApiKeyRequest(name="fcm", public_key=public, fcm_subtrader_id="u1_b"),
    )
    call(api.get_api_keys)
    stranger = signed_client(
        api_key_id="not-a-key-here",
        private_key_pem=pkcs1_pem,
        base_url="http://127.0.0.1:1" + PREFIX,
        httpx_args={"transport": mock_transport(exchange), "event_hooks": {"response": [record]}},
    )
    with pytest.raises(KalshiAPIError):
        ApiKeysApi(stranger).get_api_keys()  # 401, with details
    with pytest.raises(KalshiAPIError):
        api.delete_api_key("no-such-key")  # 404
    if bound is not None:
        api.delete_api_key(bound.api_key_id)
    return seen


def test_every_response_property_in_the_spec_is_produced_by_the_fake(
    rsa_key: Any, pkcs1_pem: bytes
) -> None:
    missing = sorted(_declared() - _produced(rsa_key, pkcs1_pem))
    assert missing == [], (
        f"openapi.yaml declares {missing} in responses, but the fake exchange never produced "
        "them: teach auth_ext/kalshi_auth/testing (_exchange.py, _wire.py) to emit each, then "
        "run this test again"
    )


def test_a_property_the_fake_never_produces_is_named(
    rsa_key: Any, pkcs1_pem: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after a spec update that adds ``ApiKey.created_ts``: the check names it."""
    api_key = dict(SPEC["components"]["schemas"]["ApiKey"])
    api_key["properties"] = {**api_key["properties"], "created_ts": {"type": "integer"}}
    monkeypatch.setitem(SPEC["components"]["schemas"], "ApiKey", api_key)
    assert sorted(_declared() - _produced(rsa_key, pkcs1_pem)) == ["ApiKey.created_ts"]
