"""RetryPolicy.deadline bounds a whole call, reading included: a trickling server cannot hold it.

The ``trickling`` server is conftest's."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi
from kalshi_auth import KalshiClient, KalshiTimeoutError, RetryPolicy, signed_client

#: How long the tests' calls may take; the trickle below would go on for ever.
DEADLINE_S = 1.0
#: Generous: only "ends near the deadline rather than never" is asserted.
GRACE_S = 3.0


def _client(base_url: str, pem: bytes) -> KalshiClient:
    return signed_client(
        api_key_id="k1",
        private_key_pem=pem,
        base_url=base_url,
        timeout=30.0,  # each read is quick: only the deadline can end the call
        retry=RetryPolicy(deadline=time.monotonic() + DEADLINE_S),
    )


def test_a_sync_call_ends_at_its_deadline(trickling: str, pkcs1_pem: bytes) -> None:
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            ApiKeysApi(client).get_api_keys()
        except BaseException as exc:
            outcome.append(exc)

    started = time.monotonic()
    client = _client(trickling, pkcs1_pem)
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(DEADLINE_S + GRACE_S)
    assert not thread.is_alive(), "the call outlived its deadline"
    assert time.monotonic() - started >= DEADLINE_S * 0.9
    (error,) = outcome
    assert isinstance(error, KalshiTimeoutError), repr(error)


@pytest.mark.parametrize("async_transport", ["httpx", "aiohttp"], indirect=True)
def test_an_async_call_ends_at_its_deadline(trickling: str, pkcs1_pem: bytes) -> None:
    client = _client(trickling, pkcs1_pem)

    async def call() -> BaseException:
        try:
            await asyncio.wait_for(AsyncApiKeysApi(client).get_api_keys(), DEADLINE_S + GRACE_S)
        except KalshiTimeoutError as exc:
            return exc
        except TimeoutError:
            raise AssertionError("the call outlived its deadline") from None
        raise AssertionError("the call returned")

    error = asyncio.run(call())
    assert "timed out" in str(error) or "ran out" in str(error)
