"""Retries (``_retry``): GET/DELETE retried with fresh signatures and bounded backoff; POST never.

After a lost answer (a retry that finds its work done, Retry-After, a POST never repeated):
tests/client/test_retries.py.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator

import httpx2
import pytest
from kalshi_api_keys_client.api.api_keys import delete_api_key, generate_api_key, get_api_keys
from kalshi_api_keys_client.models import GenerateApiKeyRequest
from kalshi_auth import (
    KalshiClient,
    KalshiConnectionError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    signed_client,
)

from ..conftest import Exchange


class Sleeps:
    """Records requested sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def make_client(live: Exchange, pkcs1_pem: bytes) -> Iterator[Callable[..., KalshiClient]]:
    """Clients signed with the live exchange's bootstrap key; sync sides closed afterwards."""
    made: list[KalshiClient] = []

    def make(retry: RetryPolicy, base_url: str | None = None) -> KalshiClient:
        client = signed_client(
            api_key_id=live.key.api_key_id,
            private_key_pem=pkcs1_pem,
            base_url=base_url or live.base_url,
            retry=retry,
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.get_httpx_client().close()


def policy(sleeps: Sleeps, **kwargs: float) -> RetryPolicy:
    return RetryPolicy(sleep=sleeps, async_sleep=sleeps.asleep, uniform=lambda: 1.0, **kwargs)  # type: ignore[arg-type]


def test_429_then_200_on_get_is_signed_afresh(
    live: Exchange, make_client: Callable[..., KalshiClient]
) -> None:
    sleeps = Sleeps()
    client = make_client(policy(sleeps))
    live.exchange.inject_faults(429)
    assert get_api_keys.sync(client=client) is not None
    first, second = live.exchange.requests
    assert (first.status, second.status) == (429, 200)
    assert second.authenticated
    assert first.signature != second.signature
    assert sleeps.delays == [0.5]


def test_async_retries_use_the_async_sleep(
    live: Exchange, make_client: Callable[..., KalshiClient]
) -> None:
    sleeps = Sleeps()
    client = make_client(policy(sleeps))
    live.exchange.inject_faults(503)
    live.exchange.inject_faults(502)

    async def call() -> object:
        async with client:
            return await get_api_keys.asyncio(client=client)

    assert asyncio.run(call()) is not None
    assert [r.status for r in live.exchange.requests] == [503, 502, 200]
    assert len({r.signature for r in live.exchange.requests}) == 3
    assert sleeps.delays == [0.5, 1.0]


def test_retry_count_is_respected(live: Exchange, make_client: Callable[..., KalshiClient]) -> None:
    sleeps = Sleeps()
    client = make_client(policy(sleeps, max_retries=3))
    live.exchange.inject_faults(429, count=10)
    with pytest.raises(RateLimitError):
        delete_api_key.sync("whatever", client=client)
    assert len(live.exchange.requests) == 4
    assert sleeps.delays == [0.5, 1.0, 2.0]


def test_post_is_retried_only_when_kalshi_provably_did_nothing(
    live: Exchange, make_client: Callable[..., KalshiClient]
) -> None:
    sleeps = Sleeps()
    client = make_client(policy(sleeps, max_retries=5))
    live.exchange.inject_faults(429)  # refused: nothing was done, so a retry is safe
    made = generate_api_key.sync(client=client, body=GenerateApiKeyRequest(name="once"))
    assert made is not None and sleeps.delays == [0.5]
    assert len(live.exchange.keys) == 2
    live.exchange.inject_faults(503)  # may have been done: never repeated

    async def call() -> object:
        async with client:
            body = GenerateApiKeyRequest(name="twice?")
            return await generate_api_key.asyncio(client=client, body=body)

    with pytest.raises(ServerError):
        asyncio.run(call())
    assert sleeps.delays == [0.5]
    assert len(live.exchange.keys) == 2  # no second key was made
    assert [r.status for r in live.exchange.requests] == [429, 201, 503]


def test_non_retryable_status_is_not_retried(
    live: Exchange, make_client: Callable[..., KalshiClient]
) -> None:
    sleeps = Sleeps()
    client = make_client(policy(sleeps))
    live.exchange.inject_faults(500)
    with pytest.raises(ServerError):
        get_api_keys.sync(client=client)
    assert sleeps.delays == []


def test_connection_errors_are_retried_then_raised_typed(
    make_client: Callable[..., KalshiClient],
) -> None:
    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = Sleeps()
    client = make_client(policy(sleeps), base_url=f"http://127.0.0.1:{port}/trade-api/v2")
    with pytest.raises(KalshiConnectionError, match="ConnectError") as err:
        get_api_keys.sync(client=client)
    assert sleeps.delays == [0.5, 1.0]
    assert "PRIVATE" not in str(err.value)
    # Nothing could be sent, so even a POST is retried: it provably never reached Kalshi.
    with pytest.raises(KalshiConnectionError):
        generate_api_key.sync(client=client, body=GenerateApiKeyRequest(name="x"))
    assert sleeps.delays == [0.5, 1.0, 0.5, 1.0]


@pytest.mark.parametrize("attempt", range(8))
def test_backoff_is_bounded_and_jittered(attempt: int) -> None:
    low = RetryPolicy(uniform=lambda: 0.0).backoff(attempt)
    high = RetryPolicy(uniform=lambda: 0.999999).backoff(attempt)
    assert low == 0.0
    assert 0 < high <= min(8.0, 0.5 * 2**attempt)
    real = [RetryPolicy().backoff(attempt) for _ in range(50)]
    assert all(0 <= d <= min(8.0, 0.5 * 2**attempt) for d in real)
    assert len(set(real)) > 1


def test_policy_decisions() -> None:
    p = RetryPolicy(max_retries=2, uniform=lambda: 1.0)
    assert p.delay_after("GET", 0, status_code=429) == 0.5
    assert p.delay_after("delete", 1, status_code=504) == 1.0
    assert p.delay_after("GET", 2, status_code=429) is None
    assert p.delay_after("POST", 0, status_code=429) == 0.5
    assert p.delay_after("POST", 0, status_code=503) is None
    assert p.delay_after("GET", 0, status_code=400) is None
    assert p.delay_after("GET", 0, error=ValueError()) is None
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)


@pytest.mark.parametrize("header", ["²", "٣", "1e3", "-5", "soon"])
def test_an_unusable_retry_after_is_ignored_not_raised(header: str) -> None:
    from kalshi_auth._retry import retry_after_seconds

    assert retry_after_seconds(header) is None


def test_retry_after_within_max_delay_is_waited_exactly() -> None:
    p = RetryPolicy(uniform=lambda: 1.0)
    assert p.delay_after("GET", 0, status_code=429, retry_after=8.0) == 8.0
    assert p.delay_after("GET", 0, status_code=429, retry_after=8.5) is None


def _answers(*responses: httpx2.Response) -> httpx2.MockTransport:
    queue = iter(responses)
    return httpx2.MockTransport(lambda request: next(queue))


def test_a_retry_after_longer_than_the_policy_allows_raises_at_once_with_the_wait(
    pkcs1_pem: bytes,
) -> None:
    sleeps = Sleeps()
    client = signed_client(
        api_key_id="k",
        private_key_pem=pkcs1_pem,
        base_url="https://kalshi.test/trade-api/v2",
        retry=policy(sleeps),
        httpx_args={"transport": _answers(httpx2.Response(429, headers={"Retry-After": "60"}))},
    )
    with pytest.raises(RateLimitError) as caught:
        get_api_keys.sync(client=client)
    assert sleeps.delays == []
    assert caught.value.retry_after == 60.0
    assert "asked to wait 60 s" in str(caught.value)


def test_a_retry_after_past_the_deadline_raises_with_the_wait(pkcs1_pem: bytes) -> None:
    sleeps = Sleeps()
    deadline = time.monotonic() + 2.0
    client = signed_client(
        api_key_id="k",
        private_key_pem=pkcs1_pem,
        base_url="https://kalshi.test/trade-api/v2",
        retry=policy(sleeps, deadline=deadline),
        httpx_args={"transport": _answers(httpx2.Response(503, headers={"Retry-After": "5"}))},
    )
    with pytest.raises(ServerError) as caught:
        get_api_keys.sync(client=client)
    assert sleeps.delays == [] and caught.value.retry_after == 5.0
