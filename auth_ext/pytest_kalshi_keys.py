"""pytest fixtures for testing code that manages Kalshi API keys, against the bundled fake exchange.

Installing kalshi-api-keys registers this plugin (``pytest11`` entry point ``kalshi-keys``). It
is a top-level module so that loading it imports nothing but pytest: the SDK, httpx2 and
cryptography load only when a test first asks for one of these fixtures.

    def test_my_rotation(kalshi_api, kalshi_exchange):
        my_code.rotate(kalshi_api)
        assert len(kalshi_exchange.exchange.keys) == 1

Override ``kalshi_exchange_options`` in a conftest to configure the exchange (usage tier, FCM
membership, clock, ...): its dict is passed to ``FakeExchange(...)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi
    from kalshi_auth import KalshiClient
    from kalshi_auth.testing import FakeKey, RunningExchange

__all__ = [
    "kalshi_api",
    "kalshi_async_api",
    "kalshi_client",
    "kalshi_exchange",
    "kalshi_exchange_options",
    "kalshi_key",
]


@pytest.fixture
def kalshi_exchange_options() -> dict[str, Any]:
    """Keyword arguments for the test's ``FakeExchange``; override to configure it."""
    return {}


@pytest.fixture
def kalshi_exchange(kalshi_exchange_options: dict[str, Any]) -> Iterator[RunningExchange]:
    """A fresh fake exchange served over real HTTP on 127.0.0.1 for one test.

    ``.base_url`` is its API root; ``.exchange`` the FakeExchange, to inspect keys and requests
    or inject faults.
    """
    from kalshi_auth.testing import FakeExchange, serve

    with serve(FakeExchange(**kalshi_exchange_options)) as running:
        yield running


@pytest.fixture
def kalshi_key(kalshi_exchange: RunningExchange) -> FakeKey:
    """A key the exchange knows (RSA, scopes read and write), with its private key PEM."""
    return kalshi_exchange.exchange.add_key(name="bootstrap")


@pytest.fixture
def kalshi_client(kalshi_exchange: RunningExchange, kalshi_key: FakeKey) -> Iterator[KalshiClient]:
    """A ``signed_client`` bound to the exchange as ``kalshi_key``: for sync and async calls.

    It never reads the KALSHI_* variables of the machine running the tests.
    """
    from kalshi_auth import signed_client

    assert kalshi_key.private_key_pem is not None
    with signed_client(
        api_key_id=kalshi_key.api_key_id,
        private_key_pem=kalshi_key.private_key_pem,
        base_url=kalshi_exchange.base_url,
        environ={},
    ) as client:
        yield client


@pytest.fixture
def kalshi_api(kalshi_client: KalshiClient) -> ApiKeysApi:
    """``ApiKeysApi`` over ``kalshi_client``."""
    from kalshi_api_keys_client.api.api_keys import ApiKeysApi

    return ApiKeysApi(kalshi_client)


@pytest.fixture
def kalshi_async_api(kalshi_client: KalshiClient) -> AsyncApiKeysApi:
    """``AsyncApiKeysApi`` over ``kalshi_client``. Await its methods inside
    ``async with kalshi_async_api.client:`` so the connections close in your event loop."""
    from kalshi_api_keys_client.api.api_keys import AsyncApiKeysApi

    return AsyncApiKeysApi(kalshi_client)
