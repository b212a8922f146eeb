"""Every non-2xx status and body shape becomes the right typed exception, sync and async."""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import pickle
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_api_keys_client.api.api_keys import (
    ApiKeysApi,
    create_api_key,
    delete_api_key,
    generate_api_key,
    get_api_keys,
)
from kalshi_api_keys_client.models import CreateApiKeyRequest, GenerateApiKeyRequest
from kalshi_auth import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InvalidRequestError,
    KalshiAPIError,
    KalshiClient,
    KalshiConnectionError,
    KalshiError,
    KalshiTimeoutError,
    KeyLoadError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFormatError,
    RetryPolicy,
    ServerError,
    UnexpectedStatusError,
    signed_client,
)
from kalshi_auth._files import FileExistsRefusedError

from ..conftest import ed25519_pem


def nested(code: str, details: str) -> bytes:
    """Kalshi's wire shape for authentication failures."""
    return json.dumps({"error": {"code": code, "message": code, "details": details}}).encode()


NESTED_BAD_SIG = nested("authentication_error", "INCORRECT_API_KEY_SIGNATURE")
NESTED_UNKNOWN = nested("authentication_error", "NOT_FOUND")
NESTED_STALE = b'{"error":{"code":"header_timestamp_expired","message":"expired","details":""}}'
FLAT = b'{"code":"invalid_parameters","message":"bad scopes","details":"write needs read"}'
BARE = b'{"error": "too many requests"}'
HTML = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
TRUNCATED = b'{"code":"internal","mess'

CASES: list[tuple[int, bytes, type[KalshiAPIError], tuple[str | None, str | None, str | None]]] = [
    (400, FLAT, BadRequestError, ("invalid_parameters", "bad scopes", "write needs read")),
    (
        401,
        NESTED_BAD_SIG,
        AuthenticationError,
        ("authentication_error", "authentication_error", "INCORRECT_API_KEY_SIGNATURE"),
    ),
    (
        403,
        b'{"code":"forbidden","message":"insufficient API usage level"}',
        PermissionDeniedError,
        ("forbidden", "insufficient API usage level", None),
    ),
    (404, b"", NotFoundError, (None, None, None)),
    (429, BARE, RateLimitError, (None, "too many requests", None)),
    (500, TRUNCATED, ServerError, (None, None, None)),
    (502, HTML, ServerError, (None, None, None)),
    (520, b"", ServerError, (None, None, None)),
    (499, b"", KalshiAPIError, (None, None, None)),
    (
        409,
        b'{"code":"conflict","details":{"why":"x"}}',
        ConflictError,
        ("conflict", None, '{"why": "x"}'),
    ),
    (418, b"", KalshiAPIError, (None, None, None)),
]


@functools.cache
def _pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def client_answering(
    status: int,
    body: bytes,
    *,
    raise_on_error: bool = True,
    seen: list[httpx2.Request] | None = None,
) -> KalshiClient:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if seen is not None:
            seen.append(request)
        return httpx2.Response(status, content=body)

    return signed_client(
        api_key_id="key-id",
        private_key_pem=_pem(),
        base_url="https://kalshi.test/trade-api/v2",
        retry=RetryPolicy(max_retries=0),
        raise_on_error=raise_on_error,
        httpx_args={"transport": httpx2.MockTransport(handler)},
    )


CALLS: dict[str, Callable[[KalshiClient], Any]] = {
    "get.sync": lambda c: get_api_keys.sync(client=c),
    "get.sync_detailed": lambda c: get_api_keys.sync_detailed(client=c),
    "create.sync": lambda c: create_api_key.sync(
        client=c, body=CreateApiKeyRequest(name="n", public_key="p")
    ),
    "generate.sync_detailed": lambda c: generate_api_key.sync_detailed(
        client=c, body=GenerateApiKeyRequest(name="n")
    ),
    "delete.sync": lambda c: delete_api_key.sync("k", client=c),
    "get.asyncio": lambda c: asyncio.run(get_api_keys.asyncio(client=c)),
    "create.asyncio_detailed": lambda c: asyncio.run(
        create_api_key.asyncio_detailed(
            client=c, body=CreateApiKeyRequest(name="n", public_key="p")
        )
    ),
    "generate.asyncio": lambda c: asyncio.run(
        generate_api_key.asyncio(client=c, body=GenerateApiKeyRequest(name="n"))
    ),
    "delete.asyncio_detailed": lambda c: asyncio.run(
        delete_api_key.asyncio_detailed("k", client=c)
    ),
}


@pytest.mark.parametrize(("status", "body", "cls", "parsed"), CASES, ids=[str(c[0]) for c in CASES])
@pytest.mark.parametrize("call", sorted(CALLS))
def test_status_and_shape_to_exception(
    status: int,
    body: bytes,
    cls: type[KalshiAPIError],
    parsed: tuple[str | None, str | None, str | None],
    call: str,
) -> None:
    with pytest.raises(KalshiAPIError) as err:
        CALLS[call](client_answering(status, body))
    exc = err.value
    assert type(exc) is cls
    assert isinstance(exc, KalshiError)
    assert exc.status_code == status
    assert (exc.code, exc.message, exc.details) == parsed
    assert exc.body == body
    assert exc.method in {"GET", "POST", "DELETE"}
    assert exc.path.startswith("/trade-api/v2/api_keys")
    assert str(status) in str(exc) and exc.path in str(exc)


@pytest.mark.parametrize(
    ("body", "hint", "cause"),
    [
        (NESTED_BAD_SIG, "wrong key file", "signature"),
        (NESTED_UNKNOWN, "demo key used against production", "unknown_key"),
        (NESTED_STALE, "clock", "clock"),
        (b'{"error": {"code": "authentication_error"}}', "^401 Unauthorized[^.]*$", None),
    ],
)
def test_401_messages_name_the_likely_cause(body: bytes, hint: str, cause: str | None) -> None:
    with pytest.raises(AuthenticationError, match=hint) as err:
        get_api_keys.sync(client=client_answering(401, body))
    assert err.value.cause == cause
    assert "KALSHI-ACCESS" not in str(err.value)  # never headers, so never the signature


def test_error_never_carries_request_headers() -> None:
    seen: list[httpx2.Request] = []
    with pytest.raises(AuthenticationError) as err:
        get_api_keys.sync(client=client_answering(401, NESTED_BAD_SIG, seen=seen))
    signature = seen[0].headers["KALSHI-ACCESS-SIGNATURE"]
    exc = err.value
    assert all(signature not in str(v) for v in vars(exc).values())
    assert signature not in str(exc) and signature not in repr(exc)


@pytest.mark.parametrize("call", ["create.sync", "generate.sync_detailed"])
def test_409_says_to_retry_once_the_subtrader_has_propagated(call: str) -> None:
    with pytest.raises(ConflictError, match="retry once the subtrader's creation has propagated"):
        CALLS[call](client_answering(409, b'{"code":"conflict","message":"not yet visible"}'))


@pytest.mark.parametrize(
    ("call", "says"),
    [
        ("create.sync", "createApiKey needs the Premier API usage tier"),
        ("create.sync", "fcm_subtrader_id can only be made by an FCM member"),
        ("generate.sync_detailed", "fcm_subtrader_id can only be made by an FCM member"),
    ],
)
def test_403_names_both_reasons_kalshi_gives(call: str, says: str) -> None:
    with pytest.raises(PermissionDeniedError, match=says) as err:
        CALLS[call](client_answering(403, b""))
    if call.startswith("generate"):
        assert "Premier" not in str(err.value)


def test_redirect_is_an_error_not_followed() -> None:
    seen: list[httpx2.Request] = []
    client = client_answering(301, b"", seen=seen)
    with pytest.raises(KalshiAPIError, match="Redirects are not followed") as err:
        get_api_keys.sync(client=client)
    assert err.value.status_code == 301 and len(seen) == 1


@pytest.mark.own_transport  # a MockTransport
def test_raise_on_error_false_gives_the_generated_behaviour_back() -> None:
    client = client_answering(400, FLAT, raise_on_error=False)
    response = get_api_keys.sync_detailed(client=client)
    assert response.status_code == 400
    assert response.content == FLAT
    parsed = create_api_key.sync(client=client, body=CreateApiKeyRequest(name="n", public_key="p"))
    assert parsed is not None and getattr(parsed, "code", None) == "invalid_parameters"
    assert asyncio.run(get_api_keys.asyncio_detailed(client=client)).status_code == 400


def test_non_standard_status_raises_even_when_opted_out() -> None:
    # The generated code cannot represent 520 (HTTPStatus(520) raises ValueError).
    with pytest.raises(ServerError):
        get_api_keys.sync_detailed(client=client_answering(520, HTML, raise_on_error=False))


def _examples() -> list[KalshiError]:
    return [
        KalshiError("plain"),
        ConfigurationError("bad config"),
        KeyLoadError("invalid_key_id", "bad id"),
        KalshiConnectionError("refused"),
        KalshiTimeoutError("slow"),
        InvalidRequestError("illegal"),
        ResponseFormatError("html"),
        NotFoundError(
            status_code=404,
            method="DELETE",
            path="/p",
            code="not_found",
            message="gone",
            body=b"{}",
            hint="h",
        ),
        AuthenticationError(status_code=401, method="GET", path="/p", details="NOT_FOUND"),
        ConflictError(status_code=409, method="POST", path="/p"),
        UnexpectedStatusError(status_code=200, method="DELETE", path="/p", body=b"{}"),
        KalshiAPIError(status_code=418, method="GET", path="/p"),
        FileExistsRefusedError("exists"),
    ]


@pytest.mark.parametrize("error", _examples(), ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    "clone", [lambda e: pickle.loads(pickle.dumps(e)), copy.copy, copy.deepcopy],
    ids=["pickle", "copy", "deepcopy"],
)  # fmt: skip
def test_every_exception_survives_pickle_and_copy(
    error: KalshiError, clone: Callable[[KalshiError], KalshiError]
) -> None:
    """Failed before: exceptions with keyword-only fields could not be unpickled or copied."""
    again = clone(error)
    assert type(again) is type(error)
    assert str(again) == str(error) and again.args == error.args
    assert vars(again) == vars(error)
    if isinstance(error, AuthenticationError):
        assert isinstance(again, AuthenticationError) and again.cause == "unknown_key"


def _raise_in_worker() -> None:
    raise NotFoundError(status_code=404, method="DELETE", path="/api_keys/x", code="not_found")


def test_an_exception_crosses_a_process_pool() -> None:
    """Failed before: the worker's NotFoundError could not be unpickled, so the pool broke instead
    of re-raising it."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(NotFoundError) as err:
        pool.submit(_raise_in_worker).result(timeout=60)
    assert (err.value.status_code, err.value.code) == (404, "not_found")


def test_a_base_url_without_trade_api_v2_gets_a_hint() -> None:
    """Failed before: a base_url without /trade-api/v2 gave bare 404s with no hint."""
    client = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url="https://kalshi.test",
        httpx_args={"transport": httpx2.MockTransport(lambda r: httpx2.Response(404))},
    )  # fmt: skip
    with pytest.raises(NotFoundError, match="base_url should end with it"):
        ApiKeysApi(client).get_api_keys()
