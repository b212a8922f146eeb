"""The whole flow over real loopback HTTP, through the generated package and signed_client."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_api_keys_client.api.api_keys import (
    create_api_key,
    delete_api_key,
    generate_api_key,
    get_api_keys,
)
from kalshi_api_keys_client.models import (
    CreateApiKeyRequest,
    CreateApiKeyResponse,
    GenerateApiKeyRequest,
    GenerateApiKeyResponse,
    GetApiKeysResponse,
)
from kalshi_auth import (
    AuthenticationError,
    KalshiAPIError,
    KalshiSigner,
    NotFoundError,
    load_private_key,
    signed_client,
)

from .conftest import Exchange, public_pem


def test_full_key_lifecycle_sync(live: Exchange) -> None:
    client, base_url = live.client, live.base_url
    listed = get_api_keys.sync(client=client)
    assert isinstance(listed, GetApiKeysResponse)
    assert [k.api_key_id for k in listed.api_keys] == [live.key.api_key_id]

    local = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    body = CreateApiKeyRequest(
        name="bot", public_key=public_pem(local).decode(), scopes=["read", "write::trade"]
    )
    created = create_api_key.sync(client=client, body=body)
    assert isinstance(created, CreateApiKeyResponse)
    with signed_client(
        api_key_id=created.api_key_id, private_key_pem=_pem(local), base_url=base_url
    ) as as_created:
        assert get_api_keys.sync(client=as_created) is not None

    generated = generate_api_key.sync(client=client, body=GenerateApiKeyRequest(name="gen"))
    assert isinstance(generated, GenerateApiKeyResponse)
    with signed_client(
        api_key_id=generated.api_key_id, private_key_pem=generated.private_key, base_url=base_url
    ) as as_generated:
        names = {k.name for k in _listed(get_api_keys.sync(client=as_generated))}
        assert names == {"bootstrap", "bot", "gen"}
        delete_api_key.sync(generated.api_key_id, client=client)
        with pytest.raises(AuthenticationError, match="demo key used against production"):
            get_api_keys.sync(client=as_generated)
    with pytest.raises(NotFoundError):
        delete_api_key.sync(generated.api_key_id, client=client)


def test_full_key_lifecycle_async(live: Exchange) -> None:
    async def flow() -> None:
        client = signed_client(
            api_key_id=live.key.api_key_id,
            private_key_pem=_pem_of(live),
            base_url=live.base_url,
        )
        async with client:
            generated = await generate_api_key.asyncio(
                client=client, body=GenerateApiKeyRequest(name="gen", scopes=["read"])
            )
            assert isinstance(generated, GenerateApiKeyResponse)
            as_generated = signed_client(
                api_key_id=generated.api_key_id,
                private_key_pem=generated.private_key,
                base_url=live.base_url,
            )
            async with as_generated:
                listed = await get_api_keys.asyncio(client=as_generated)
                assert generated.api_key_id in {k.api_key_id for k in _listed(listed)}
                detailed = await delete_api_key.asyncio_detailed(
                    generated.api_key_id, client=client
                )
                assert detailed.status_code == 204
                with pytest.raises(AuthenticationError):
                    await get_api_keys.asyncio(client=as_generated)
            with pytest.raises(NotFoundError):
                await delete_api_key.asyncio(generated.api_key_id, client=client)

    asyncio.run(flow())


def test_trailing_slash_gets_301_and_is_not_followed(live: Exchange) -> None:
    with pytest.raises(KalshiAPIError) as err:
        live.client.get_httpx_client().get("/api_keys/")
    assert err.value.status_code == 301
    assert [r.path for r in live.exchange.requests] == ["/trade-api/v2/api_keys/"]


def test_one_client_shared_by_8_threads_x_200_calls(live: Exchange) -> None:
    def work(_: int) -> int:
        ok = 0
        for _ in range(200):
            ok += get_api_keys.sync(client=live.client) is not None
        return ok

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sum(pool.map(work, range(8))) == 1600
    requests = live.exchange.requests
    assert len(requests) == 1600 and all(r.authenticated for r in requests)


def test_1000_concurrent_async_calls(live: Exchange) -> None:
    async def flood() -> list[object]:
        client = signed_client(
            api_key_id=live.key.api_key_id, private_key_pem=_pem_of(live), base_url=live.base_url
        )
        async with client:
            return await asyncio.gather(*(get_api_keys.asyncio(client=client) for _ in range(1000)))

    results = asyncio.run(flood())
    assert sum(r is not None for r in results) == 1000
    requests = live.exchange.requests
    assert len(requests) == 1000 and all(r.authenticated for r in requests)


def _listed(response: object) -> list:  # type: ignore[type-arg]
    assert isinstance(response, GetApiKeysResponse)
    return list(response.api_keys)


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _pem_of(live: Exchange) -> bytes:
    return live.pem


@pytest.mark.parametrize("skew_s", [-30.0, 30.0], ids=["stale", "future"])
def test_clock_skew_is_rejected_over_http(live: Exchange, skew_s: float) -> None:
    with (
        signed_client(
            api_key_id=live.key.api_key_id,
            private_key_pem=live.pem,
            base_url=live.base_url,
            clock=lambda: time.time() + skew_s,
        ) as skewed,
        pytest.raises(AuthenticationError, match="clock"),
    ):
        get_api_keys.sync(client=skewed)


@pytest.mark.parametrize("header", ["KALSHI-ACCESS-SIGNATURE", "KALSHI-ACCESS-KEY", None])
def test_tampered_or_missing_headers_over_http(live: Exchange, header: str | None) -> None:
    signer = KalshiSigner(live.key.api_key_id, load_private_key(pem=live.pem))
    headers = signer.sign("GET", "/trade-api/v2/api_keys")
    if header is None:
        headers["KALSHI-ACCESS-SIGNATURE"] = signer.sign("GET", "/trade-api/v2/other")[
            "KALSHI-ACCESS-SIGNATURE"
        ]
    else:
        del headers[header]
    response = httpx.get(live.base_url + "/api_keys", headers=headers)
    assert response.status_code == 401
    details = response.json()["error"]["details"]
    assert details == ("INCORRECT_API_KEY_SIGNATURE" if header is None else "MISSING_AUTH_HEADERS")
