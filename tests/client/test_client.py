"""signed_client: configuration, hosts, env fallback, context managers, derived clients."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from kalshi_api_keys_client.api.api_keys import (
    generate_api_key,
    get_api_keys,
)
from kalshi_api_keys_client.models import GenerateApiKeyRequest, GetApiKeysResponse
from kalshi_auth import (
    ENVIRONMENTS,
    AuthenticationError,
    ConfigurationError,
    KalshiAuth,
    KalshiClient,
    KalshiSigner,
    UnexpectedStatusError,
    signed_client,
)
from kalshi_auth.testing import FakeExchange, mock_transport, serve

from ..conftest import BASE, Exchange, ed25519_pem


def base_url_of(client: KalshiClient) -> str:
    return str(client.get_httpx_client().base_url).rstrip("/")


def test_environments_use_the_recommended_hosts(pkcs1_pem: bytes) -> None:
    assert ENVIRONMENTS == {
        "prod": "https://external-api.kalshi.com/trade-api/v2",
        "demo": "https://external-api.demo.kalshi.co/trade-api/v2",
    }
    for env, url in ENVIRONMENTS.items():
        with signed_client(api_key_id="id", private_key_pem=pkcs1_pem, environment=env) as c:
            assert base_url_of(c) == url
    with signed_client(api_key_id="id", private_key_pem=pkcs1_pem) as default:
        assert base_url_of(default) == ENVIRONMENTS["prod"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"environment": "demo", "base_url": "https://x/trade-api/v2"}, "not both"),
        ({"environment": "staging"}, "must be one of"),
        ({"base_url": "ftp://x/trade-api/v2"}, "http"),
        ({"base_url": "http://api.example.com/trade-api/v2"}, "plain http"),
        ({"base_url": "https://x/trade-api/v2/trade-api/v2"}, "repeats"),
        ({"base_url": "https://x/trade-api/v2?x=1"}, "query"),
        ({"max_retries": 1, "retry": object()}, "not both"),
        ({"httpx_args": {"follow_redirects": True}}, "follow_redirects"),
        ({"httpx_args": {"auth": None}}, "auth"),
    ],
)
def test_bad_configuration_is_a_clear_error(
    pkcs1_pem: bytes, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ConfigurationError, match=match):
        signed_client(api_key_id="id", private_key_pem=pkcs1_pem, **kwargs)  # type: ignore[arg-type]


def test_falls_back_to_the_environment(live: Exchange, tmp_path: Path, pkcs1_pem: bytes) -> None:
    key_file = tmp_path / "kalshi.pem"
    key_file.write_bytes(pkcs1_pem)
    environ = {"KALSHI_API_KEY_ID": live.key.api_key_id, "KALSHI_PRIVATE_KEY_PATH": str(key_file)}
    with signed_client(base_url=live.base_url, environ=environ) as client:
        assert get_api_keys.sync(client=client) is not None
    with signed_client(private_key_path=key_file, base_url=live.base_url, environ=environ) as c:
        assert get_api_keys.sync(client=c) is not None


def test_proxy_prefix_is_signed(rsa_key: object, pkcs1_pem: bytes) -> None:
    exchange = FakeExchange(path_prefix="/kalshi/trade-api/v2")
    key = exchange.add_key()
    assert key.private_key_pem is not None
    with serve(exchange) as running:
        assert running.base_url.endswith("/kalshi/trade-api/v2")
        with signed_client(
            api_key_id=key.api_key_id,
            private_key_pem=key.private_key_pem,
            base_url=running.base_url,
        ) as client:
            assert get_api_keys.sync(client=client) is not None
    assert exchange.requests[-1].path == "/kalshi/trade-api/v2/api_keys"
    assert exchange.requests[-1].authenticated


def test_with_headers_and_with_timeout_keep_signing(live: Exchange) -> None:
    derived = live.client.with_headers({"X-Trace": "1"}).with_timeout(httpx2.Timeout(3.0))
    assert isinstance(derived, KalshiClient)
    with derived:
        assert get_api_keys.sync(client=derived) is not None
    with live.client.with_cookies({"c": "1"}) as with_cookie:
        assert get_api_keys.sync(client=with_cookie) is not None
    assert all(r.authenticated for r in live.exchange.requests)


def test_sync_and_async_context_managers_share_one_auth(live: Exchange, pkcs1_pem: bytes) -> None:
    auth = KalshiAuth.from_pem(live.key.api_key_id, pkcs1_pem)
    client = signed_client(auth=auth, base_url=live.base_url)
    with client:
        assert get_api_keys.sync(client=client) is not None

    async def run() -> None:
        async with client:
            assert await get_api_keys.asyncio(client=client) is not None

    asyncio.run(run())
    assert [r.authenticated for r in live.exchange.requests] == [True, True]


def test_auth_and_key_arguments_are_exclusive(pkcs1_pem: bytes, rsa_key: object) -> None:
    auth = KalshiAuth.from_pem("id", pkcs1_pem)
    with pytest.raises(ConfigurationError, match="not both"):
        signed_client(auth=auth, api_key_id="id")


def test_wrong_key_surfaces_as_authentication_error(live: Exchange) -> None:
    stranger = FakeExchange().add_key()
    assert stranger.private_key_pem is not None
    with (
        signed_client(
            api_key_id=live.key.api_key_id,
            private_key_pem=stranger.private_key_pem,
            base_url=live.base_url,
        ) as client,
        pytest.raises(AuthenticationError, match="wrong key file"),
    ):
        get_api_keys.sync(client=client)


def test_mock_transport_runs_the_same_exchange_in_process(pkcs1_pem: bytes) -> None:
    exchange = FakeExchange()
    key = exchange.add_key()
    assert key.private_key_pem is not None
    signer = KalshiSigner(key.api_key_id, _load(key.private_key_pem))
    client = signed_client(
        auth=KalshiAuth(signer),
        base_url="https://kalshi.test/trade-api/v2",
        httpx_args={"transport": mock_transport(exchange)},
    )
    listed = get_api_keys.sync(client=client)
    assert isinstance(listed, GetApiKeysResponse)
    assert [k.api_key_id for k in listed.api_keys] == [key.api_key_id]
    assert asyncio.run(get_api_keys.asyncio(client=client)) is not None


def _load(pem: bytes):  # type: ignore[no-untyped-def]
    from kalshi_auth import load_private_key

    return load_private_key(pem=pem)


class CountingSigner(KalshiSigner):
    """A real signer that counts its RSA signatures."""

    __slots__ = ("count",)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.count = 0

    def sign(self, method: str, path: str, *, timestamp_ms: int | None = None) -> dict[str, str]:
        self.count += 1
        return super().sign(method, path, timestamp_ms=timestamp_ms)


def test_exactly_one_signature_per_request(live: Exchange, pkcs1_pem: bytes) -> None:
    signer = CountingSigner(live.key.api_key_id, _load(pkcs1_pem))
    client = signed_client(auth=KalshiAuth(signer), base_url=live.base_url)
    with client:
        get_api_keys.sync(client=client)
        get_api_keys.sync_detailed(client=client)

    async def run() -> None:
        async with client:
            await get_api_keys.asyncio(client=client)

    asyncio.run(run())
    assert signer.count == len(live.exchange.requests) == 3


def test_an_undocumented_2xx_under_a_percent_encoded_base_path_still_raises(
    pkcs1_pem: bytes,
) -> None:
    """Failed before: the documented-status table was keyed on the decoded path, so under
    ``/kalshi%20prod`` no operation matched and a 200 for generate came back as ``None``."""
    import httpx2

    answer = httpx2.Response(200, json={"api_key_id": "k2", "private_key": "x"})
    client = signed_client(
        api_key_id="k1",
        private_key_pem=pkcs1_pem,
        base_url="https://proxy.test/kalshi%20prod/trade-api/v2",
        httpx_args={"transport": httpx2.MockTransport(lambda request: answer)},
    )
    with pytest.raises(UnexpectedStatusError):
        generate_api_key.sync(client=client, body=GenerateApiKeyRequest(name="n"))


@pytest.mark.parametrize("name", ["base_url", "verify", "headers", "auth", "follow_redirects"])
def test_httpx_args_cannot_override_what_signed_client_controls(name: str) -> None:
    """Failed before: httpx_args could replace the base URL, TLS verification, headers, auth or
    redirects that signed_client had checked."""
    with pytest.raises(ConfigurationError, match=name):
        signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE,
                      httpx_args={name: None})  # fmt: skip


def test_signing_cannot_be_dropped_by_replacing_the_httpx_client() -> None:
    """Failed before: set_httpx_client / set_async_httpx_client silently dropped signing, retries
    and typed errors."""
    client = signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE)
    with pytest.raises(ConfigurationError, match="drop signing"):
        client.set_httpx_client(httpx2.Client())
    with pytest.raises(ConfigurationError, match="drop signing"):
        client.set_async_httpx_client(httpx2.AsyncClient())


@pytest.mark.parametrize("extra", [{"private_key_password": "pw"}, {"clock": lambda: 0.0},
                                   {"environ": {}}, {"api_key_id": "k"}])  # fmt: skip
def test_arguments_that_would_be_ignored_next_to_auth_are_refused(extra: dict[str, Any]) -> None:
    """Failed before: a password, clock, environ or key ID next to a ready auth was silently
    ignored."""
    auth = KalshiAuth(KalshiSigner("k", ed25519.Ed25519PrivateKey.generate()))
    with pytest.raises(ConfigurationError, match="would be ignored"):
        signed_client(auth=auth, base_url=BASE, **extra)


def test_closing_closes_both_httpx_clients() -> None:
    """Failed before: closing the client left its async httpx client open, and there was no
    close() / aclose()."""
    client = signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE)
    sync_http, async_http = client.get_httpx_client(), client.get_async_httpx_client()
    with client:
        pass
    assert sync_http.is_closed and async_http.is_closed

    other = signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE)
    pair = other.get_httpx_client(), other.get_async_httpx_client()

    async def close_in_a_loop() -> None:
        with pytest.raises(ConfigurationError, match="aclose"):
            other.close()
        await other.aclose()

    asyncio.run(close_in_a_loop())
    assert all(h.is_closed for h in pair)
