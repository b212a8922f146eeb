"""The fake exchange's FCM subtrader rules (_exchange), over real HTTP: binding, warnings, 409s.

The rest of the fake exchange is tests/exchange/test_exchange.py; the CLI's side of
subtraders, tests/cli/test_cli_subtraders.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_api_keys_client.api.api_keys import create_api_key, generate_api_key, get_api_keys
from kalshi_api_keys_client.models import (
    CreateApiKeyRequest,
    CreateApiKeyResponse,
    GenerateApiKeyRequest,
    GenerateApiKeyResponse,
    GetApiKeysResponse,
)
from kalshi_auth import (
    BadRequestError,
    ConflictError,
    KalshiAuth,
    KalshiClient,
    PermissionDeniedError,
    signed_client,
)
from kalshi_auth.testing import FakeExchange, RunningExchange, serve
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from ..conftest import public_pem

SPEC = OpenAPI.from_file_path(str(Path(__file__).resolve().parent.parent.parent / "openapi.yaml"))
WARNING = "subtrader fakeuser_desk1 has no daily cap: its event-contract orders are rejected"


@pytest.fixture
def fcm() -> Iterator[RunningExchange]:
    exchange = FakeExchange(fcm_member=True, user_id="fakeuser", mint_warning=WARNING)
    with serve(exchange) as running:
        yield running


def client_for(running: RunningExchange) -> KalshiClient:
    key = running.exchange.add_key(name="admin")
    assert key.private_key_pem is not None
    return signed_client(
        api_key_id=key.api_key_id, private_key_pem=key.private_key_pem, base_url=running.base_url
    )


def raw_call(
    running: RunningExchange, method: str, path: str, body: dict[str, Any] | None = None
) -> httpx2.Response:
    """One signed request over HTTP, its answer checked against openapi.yaml."""
    key = running.exchange.add_key(name="raw")
    assert key.private_key_pem is not None
    auth = KalshiAuth.from_pem(key.api_key_id, key.private_key_pem)
    with httpx2.Client(base_url=running.base_url, auth=auth) as http:
        response = http.request(method, path, json=body)
    spec_path = httpx2.URL(running.base_url).path + path.split("?")[0]
    SPEC.validate_response(
        MockRequest("https://external-api.kalshi.com", method.lower(), spec_path),
        MockResponse(
            response.content,
            response.status_code,
            content_type=response.headers.get("content-type", ""),
        ),
    )
    return response


def test_bound_keys_are_made_listed_and_filtered(
    fcm: RunningExchange, rsa_key: rsa.RSAPrivateKey
) -> None:
    with client_for(fcm) as client:
        generated = generate_api_key.sync(
            client=client,
            body=GenerateApiKeyRequest(name="fix-desk", fcm_subtrader_id="fakeuser_desk1"),
        )
        created = create_api_key.sync(
            client=client,
            body=CreateApiKeyRequest(
                name="fix-desk-2",
                public_key=public_pem(rsa_key).decode(),
                fcm_subtrader_id="fakeuser_Desk2",
            ),
        )
        everything = get_api_keys.sync(client=client)
        only_desk1 = get_api_keys.sync(client=client, fcm_subtrader_id="fakeuser_desk1")
    assert isinstance(generated, GenerateApiKeyResponse)
    assert isinstance(created, CreateApiKeyResponse)
    assert generated.warning == WARNING and created.warning == WARNING
    assert isinstance(everything, GetApiKeysResponse)
    assert isinstance(only_desk1, GetApiKeysResponse)
    assert {k.name for k in everything.api_keys} == {"admin", "fix-desk", "fix-desk-2"}
    assert [(k.name, k.fcm_subtrader_id) for k in only_desk1.api_keys] == [
        ("fix-desk", "fakeuser_desk1")
    ]
    assert {k.fcm_subtrader_id for k in everything.api_keys} >= {"fakeuser_Desk2"}


def test_wire_answers_validate_against_the_spec(fcm: RunningExchange) -> None:
    minted = raw_call(
        fcm, "POST", "/api_keys/generate", {"name": "b", "fcm_subtrader_id": "fakeuser_a1"}
    )
    assert minted.status_code == 201 and minted.json()["warning"] == WARNING
    listed = raw_call(fcm, "GET", "/api_keys?fcm_subtrader_id=fakeuser_a1")
    assert [k["fcm_subtrader_id"] for k in listed.json()["api_keys"]] == ["fakeuser_a1"]
    assert raw_call(fcm, "GET", "/api_keys?fcm_subtrader_id=fakeuser_zz").json()["api_keys"] == []
    fcm.exchange.inject_faults(409)
    conflict = raw_call(fcm, "POST", "/api_keys/generate", {"name": "c"})
    assert conflict.status_code == 409


def test_unbound_mints_carry_no_warning(fcm: RunningExchange) -> None:
    answer = raw_call(fcm, "POST", "/api_keys/generate", {"name": "plain"}).json()
    assert "warning" not in answer


@pytest.mark.parametrize(
    "subtrader",
    ["fakeuser_", "fakeuser_" + "a" * 17, "otheruser_desk1", "fakeuser_desk-1", "fakeuser_dé",
     "fakeuserdesk1", 42],
)  # fmt: skip
def test_the_subtrader_id_format_is_checked(fcm: RunningExchange, subtrader: object) -> None:
    response = raw_call(
        fcm, "POST", "/api_keys/generate", {"name": "b", "fcm_subtrader_id": subtrader}
    )
    assert response.status_code == 400
    assert "fcm_subtrader_id" in response.json()["message"]


def test_the_longest_suffix_is_accepted(fcm: RunningExchange) -> None:
    body = {"name": "b", "fcm_subtrader_id": "fakeuser_" + "Z9" * 8}
    assert raw_call(fcm, "POST", "/api_keys/generate", body).status_code == 201


def test_subtrader_and_subaccount_together_are_a_400(fcm: RunningExchange) -> None:
    with client_for(fcm) as client, pytest.raises(BadRequestError, match="cannot be combined"):
        generate_api_key.sync(
            client=client,
            body=GenerateApiKeyRequest(name="b", subaccount=2, fcm_subtrader_id="fakeuser_d1"),
        )
    assert {k.name for k in fcm.exchange.keys} == {"admin"}


@pytest.mark.parametrize("operation", ["create", "generate"])
def test_only_an_fcm_member_may_bind_a_key(operation: str, rsa_key: rsa.RSAPrivateKey) -> None:
    exchange = FakeExchange(fcm_member=False)
    with (
        serve(exchange) as running,
        client_for(running) as client,
        pytest.raises(PermissionDeniedError, match="FCM member") as err,
    ):
        if operation == "create":
            create_api_key.sync(
                client=client,
                body=CreateApiKeyRequest(
                    name="b",
                    public_key=public_pem(rsa_key).decode(),
                    fcm_subtrader_id="fakeuser_d1",
                ),
            )
        else:
            generate_api_key.sync(
                client=client,
                body=GenerateApiKeyRequest(name="b", fcm_subtrader_id="fakeuser_d1"),
            )
    assert err.value.status_code == 403
    assert json.loads(err.value.body)["code"] == "forbidden"
    assert len(exchange.keys) == 1


def test_an_injected_409_raises_conflict_error(fcm: RunningExchange) -> None:
    fcm.exchange.inject_faults(409)
    with client_for(fcm) as client, pytest.raises(ConflictError, match="propagated"):
        generate_api_key.sync(
            client=client, body=GenerateApiKeyRequest(name="b", fcm_subtrader_id="fakeuser_d1")
        )
