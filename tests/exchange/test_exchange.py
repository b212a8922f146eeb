"""The fake exchange: Kalshi's semantics, strict authentication, spec-valid responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from kalshi_auth import KalshiSigner, load_private_key
from kalshi_auth._signer import PrivateKey
from kalshi_auth.testing import FakeExchange, FakeResponse, serve
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from ..conftest import public_pem

SPEC = OpenAPI.from_file_path(str(Path(__file__).resolve().parent.parent.parent / "openapi.yaml"))
NOW = 1_790_000_000.0
BASE = "/trade-api/v2/api_keys"


class Caller:
    """Signs and sends requests straight into a FakeExchange, checking each answer's schema."""

    def __init__(self, exchange: FakeExchange, key_id: str, key: PrivateKey) -> None:
        self.exchange = exchange
        self.signer = KalshiSigner(key_id, key, clock=lambda: NOW)

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        validate: bool = True,
    ) -> FakeResponse:
        sent = self.signer.sign(method, path) if headers is None else headers
        raw = b"" if body is None else json.dumps(body).encode()
        response = self.exchange.handle(method, path, sent, raw)
        if validate:
            content_type = response.headers.get("Content-Type", "")
            SPEC.validate_response(
                MockRequest("https://demo-api.kalshi.co", method.lower(), path.split("?")[0]),
                MockResponse(response.body, response.status, content_type=content_type),
            )
        return response


@pytest.fixture
def exchange() -> FakeExchange:
    return FakeExchange(clock=lambda: NOW, region_expiration_ts=1_800_000_000)


@pytest.fixture
def call(exchange: FakeExchange, rsa_key: rsa.RSAPrivateKey) -> Caller:
    key = exchange.add_key(public_pem(rsa_key), name="bootstrap")
    return Caller(exchange, key.api_key_id, rsa_key)


def body_of(response: FakeResponse) -> Any:
    return json.loads(response.body)


def test_list_returns_keys_with_scopes_and_subaccount(
    exchange: FakeExchange, call: Caller, rsa_key: rsa.RSAPrivateKey
) -> None:
    exchange.add_key(public_pem(rsa_key), name="sub", scopes=["read"], subaccount=3)
    response = call("GET", BASE + "?limit=5")
    assert response.status == 200
    listed = body_of(response)
    assert listed["api_key_region_expiration_ts"] == 1_800_000_000
    assert [(k["name"], k["scopes"], k.get("subaccount")) for k in listed["api_keys"]] == [
        ("bootstrap", ["read", "write"], None),
        ("sub", ["read"], 3),
    ]


def test_create_registers_a_public_key_that_then_authenticates(
    exchange: FakeExchange, call: Caller
) -> None:
    new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = call(
        "POST",
        BASE,
        {"name": "bot", "public_key": public_pem(new).decode(), "scopes": ["read", "write::trade"]},
    )
    assert response.status == 201
    key_id = body_of(response)["api_key_id"]
    assert Caller(exchange, key_id, new)("GET", BASE).status == 200
    created = next(k for k in exchange.keys if k.api_key_id == key_id)
    assert created.scopes == ("read", "write::trade")


@pytest.mark.parametrize(
    "body",
    [
        {"public_key": "x"},
        {"name": "bot", "public_key": "not a pem"},
        {"name": "bot"},
        {"name": "bot", "public_key": "PUBLIC", "scopes": ["read", "write::everything"]},
        {"name": "bot", "public_key": "PUBLIC", "scopes": ["write"]},
        {"name": "bot", "public_key": "PUBLIC", "subaccount": 64},
        {"name": "bot", "public_key": "PUBLIC", "subaccount": None},
        {"name": "bot", "public_key": "PUBLIC", "fcm_subtrader_id": None},
        {"name": "bot", "public_key": "SMALL"},
        {"name": "bot", "public_key": "EC"},
    ],
    ids=[
        "no-name",
        "not-pem",
        "no-key",
        "bad-scope",
        "write-without-read",
        "subaccount",
        "subaccount-null",  # not nullable in requests: a fuzz run found it accepted
        "fcm-subtrader-null",
        "small",
        "ec",
    ],
)
def test_create_rejects_bad_input_with_400(
    call: Caller, rsa_key: rsa.RSAPrivateKey, body: dict[str, Any]
) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    replacements = {
        "PUBLIC": public_pem(rsa_key).decode(),
        "SMALL": public_pem(small).decode(),
        "EC": ec_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode(),
    }
    if "public_key" in body:
        body = {**body, "public_key": replacements.get(body["public_key"], body["public_key"])}
    response = call("POST", BASE, body)
    assert response.status == 400
    assert body_of(response)["code"] == "invalid_parameters"


def test_create_needs_premier(
    call: Caller, exchange: FakeExchange, rsa_key: rsa.RSAPrivateKey
) -> None:
    exchange.usage_tier = "advanced"
    response = call("POST", BASE, {"name": "bot", "public_key": public_pem(rsa_key).decode()})
    assert response.status == 403
    assert "Premier" in body_of(response)["message"]
    assert call("POST", BASE + "/generate", {"name": "bot"}).status == 201  # any tier may


def test_generate_returns_a_working_private_key_once(exchange: FakeExchange, call: Caller) -> None:
    response = call("POST", BASE + "/generate", {"name": "gen", "subaccount": 0})
    assert response.status == 201
    answer = body_of(response)
    assert answer["private_key"].startswith("-----BEGIN RSA PRIVATE KEY")  # PKCS#1, as Kalshi
    key = load_private_key(pem=answer["private_key"])
    assert Caller(exchange, answer["api_key_id"], key)("GET", BASE).status == 200
    stored = next(k for k in exchange.keys if k.api_key_id == answer["api_key_id"])
    assert stored.private_key_pem is None and stored.subaccount == 0


def test_delete_then_404_and_the_deleted_key_stops_working(
    exchange: FakeExchange, call: Caller
) -> None:
    answer = body_of(call("POST", BASE + "/generate", {"name": "gen"}))
    victim = Caller(exchange, answer["api_key_id"], load_private_key(pem=answer["private_key"]))
    assert call("DELETE", f"{BASE}/{answer['api_key_id']}").status == 204
    assert call("DELETE", f"{BASE}/{answer['api_key_id']}").status == 404
    denied = victim("GET", BASE)
    assert denied.status == 401
    assert body_of(denied)["error"]["details"] == "NOT_FOUND"


def sign_with(call: Caller, method: str, path: str, **change: str) -> dict[str, str]:
    headers = call.signer.sign(method, path)
    return {**headers, **change}


@pytest.mark.parametrize(
    ("change", "code", "details"),
    [
        (
            {"KALSHI-ACCESS-SIGNATURE": "AAAA"},
            "authentication_error",
            "INCORRECT_API_KEY_SIGNATURE",
        ),
        (
            {"KALSHI-ACCESS-KEY": "00000000-0000-0000-0000-000000000000"},
            "authentication_error",
            "NOT_FOUND",
        ),
        (
            {"KALSHI-ACCESS-TIMESTAMP": str(int((NOW - 6) * 1000))},
            "header_timestamp_expired",
            "TIMESTAMP_OUTSIDE_WINDOW",
        ),
        (
            {"KALSHI-ACCESS-TIMESTAMP": str(int((NOW + 6) * 1000))},
            "header_timestamp_expired",
            "TIMESTAMP_OUTSIDE_WINDOW",
        ),
        (
            {"KALSHI-ACCESS-TIMESTAMP": str(int(NOW))},
            "header_timestamp_expired",
            "TIMESTAMP_OUTSIDE_WINDOW",
        ),
        ({"KALSHI-ACCESS-TIMESTAMP": "soon"}, "authentication_error", "INVALID_TIMESTAMP"),
        ({"KALSHI-ACCESS-KEY": ""}, "authentication_error", "MISSING_AUTH_HEADERS"),
    ],
    ids=["tampered", "unknown-key", "stale", "future", "seconds-not-ms", "not-a-number", "missing"],
)
def test_authentication_failures_use_kalshis_nested_shape(
    call: Caller, change: dict[str, str], code: str, details: str
) -> None:
    response = call("GET", BASE, headers=sign_with(call, "GET", BASE, **change))
    assert response.status == 401
    assert body_of(response) == {"error": {"code": code, "message": code, "details": details}}


def test_timestamp_window_edges(exchange: FakeExchange, call: Caller) -> None:
    for offset, status in [(4.9, 200), (-4.9, 200), (5.1, 401), (-5.1, 401)]:
        ts = str(int((NOW + offset) * 1000))
        headers = call.signer.sign("GET", BASE, timestamp_ms=int(ts))
        assert call("GET", BASE, headers=headers).status == status, offset


def test_signature_over_another_path_or_method_is_rejected(call: Caller) -> None:
    for headers in (call.signer.sign("GET", BASE + "/generate"), call.signer.sign("POST", BASE)):
        assert call("GET", BASE, headers=headers).status == 401


def test_trailing_slash_redirects_like_kalshi(call: Caller) -> None:
    response = call("GET", BASE + "/", validate=False)
    assert (response.status, response.headers["Location"]) == (301, BASE)


def test_fault_injection_answers_before_auth(exchange: FakeExchange, call: Caller) -> None:
    exchange.inject_faults(429, count=2)
    exchange.inject_faults(503)
    statuses = [call("GET", BASE, validate=False).status for _ in range(4)]
    assert statuses == [429, 429, 503, 200]
    assert exchange.requests[0].status == 429


OPERATIONS = [
    ("GET", BASE, None),
    ("POST", BASE, {"name": "n", "public_key": "x"}),
    ("POST", BASE + "/generate", {"name": "n"}),
    ("DELETE", BASE + "/some-id", None),
]


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_every_operation_answers_spec_valid_401_and_500(
    exchange: FakeExchange, call: Caller, method: str, path: str, body: Any
) -> None:
    assert call(method, path, body, headers={}).status == 401
    exchange.inject_faults(500)
    assert call(method, path, body).status == 500


def test_the_served_date_header_follows_the_exchange_clock() -> None:
    exchange = FakeExchange(clock=lambda: 1_000_000_000.0)
    with serve(exchange) as running, httpx2.Client() as client:
        response = client.get(running.base_url + "/api_keys")
    assert response.status_code == 401  # unsigned; the header comes with every answer
    assert response.headers["Date"] == "Sun, 09 Sep 2001 01:46:40 GMT"
