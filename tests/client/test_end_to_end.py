"""The whole flow over real loopback HTTP, through the generated package and signed_client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
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
from kalshi_auth.testing import FakeExchange, serve

from ..conftest import Exchange, public_pem


@pytest.fixture(params=["rsa", "ed25519"])
def live(
    request: pytest.FixtureRequest, rsa_key: rsa.RSAPrivateKey, pkcs1_pem: bytes
) -> Iterator[Exchange]:
    """The served fake exchange and a client, once with an RSA and once with an Ed25519 key.

    The window is 15 s, not Kalshi's 5: the exchange shares this process's GIL with the client,
    and under 1000 concurrent calls on a loaded 2-core machine a few answers took over 5 s.
    The skew tests below stay well outside it (30 s).
    """
    exchange = FakeExchange(timestamp_window_s=15.0)
    if request.param == "rsa":
        key, pem = exchange.add_key(public_pem(rsa_key), name="bootstrap"), pkcs1_pem
    else:
        key = exchange.add_key(name="bootstrap", key_type="ed25519")
        assert key.private_key_pem is not None
        pem = key.private_key_pem
    with serve(exchange) as running:
        client = signed_client(
            api_key_id=key.api_key_id, private_key_pem=pem, base_url=running.base_url
        )
        with client:
            yield Exchange(exchange, running, key, client, pem)


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
    response = httpx2.get(live.base_url + "/api_keys", headers=headers)
    assert response.status_code == 401
    details = response.json()["error"]["details"]
    assert details == ("INCORRECT_API_KEY_SIGNATURE" if header is None else "MISSING_AUTH_HEADERS")


def test_ed25519_keys_end_to_end_sync_and_async(live: Exchange) -> None:
    """Create from an Ed25519 public key, generate one, use both, sync and async."""
    local = ed25519.Ed25519PrivateKey.generate()
    spki = local.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    created = create_api_key.sync(
        client=live.client, body=CreateApiKeyRequest(name="ed-local", public_key=spki.decode())
    )
    assert isinstance(created, CreateApiKeyResponse)
    generated = generate_api_key.sync(
        client=live.client, body=GenerateApiKeyRequest(name="ed-gen", key_type="ed25519")
    )
    assert isinstance(generated, GenerateApiKeyResponse)
    assert generated.key_type == "ed25519"
    assert generated.private_key.startswith("-----BEGIN PRIVATE KEY")  # PKCS#8, as Kalshi
    assert {k.api_key_id: k.key_type for k in live.exchange.keys}[created.api_key_id] == "ed25519"
    pkcs8 = local.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    async def both_async() -> list[object]:
        async with (
            signed_client(
                api_key_id=created.api_key_id, private_key_pem=pkcs8, base_url=live.base_url
            ) as a,
            signed_client(
                api_key_id=generated.api_key_id,
                private_key_pem=generated.private_key,
                base_url=live.base_url,
            ) as b,
        ):
            return list(
                await asyncio.gather(get_api_keys.asyncio(client=a), get_api_keys.asyncio(client=b))
            )

    results = asyncio.run(both_async())
    assert all(isinstance(r, GetApiKeysResponse) for r in results)
    with signed_client(
        api_key_id=generated.api_key_id,
        private_key_pem=generated.private_key,
        base_url=live.base_url,
    ) as as_generated:
        assert as_generated.signer.key_type == "ed25519"
        assert isinstance(get_api_keys.sync(client=as_generated), GetApiKeysResponse)
        delete_api_key.sync(created.api_key_id, client=as_generated)
    assert created.api_key_id not in {k.api_key_id for k in live.exchange.keys}
    assert all(r.authenticated for r in live.exchange.requests)


def test_generate_without_key_type_gives_rsa_as_kalshi_does(live: Exchange) -> None:
    generated = generate_api_key.sync(client=live.client, body=GenerateApiKeyRequest(name="g"))
    assert isinstance(generated, GenerateApiKeyResponse)
    assert generated.key_type == "rsa"
    assert generated.private_key.startswith("-----BEGIN RSA PRIVATE KEY")  # PKCS#1


def test_a_signature_of_the_wrong_algorithm_is_kalshis_signature_401(live: Exchange) -> None:
    """An Ed25519 signature for an RSA key (or the reverse) is refused like a bad signature."""
    other: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey = (
        ed25519.Ed25519PrivateKey.generate()
        if live.key.key_type == "rsa"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    with (
        signed_client(
            api_key_id=live.key.api_key_id,
            private_key_pem=other.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            base_url=live.base_url,
        ) as wrong,
        pytest.raises(AuthenticationError) as err,
    ):
        get_api_keys.sync(client=wrong)
    assert err.value.details == "INCORRECT_API_KEY_SIGNATURE"
    assert err.value.cause == "signature"
