"""The admission limiter in signed clients over loopback (``_admission``): a request is signed only
once a connection is its own, and a wait for one honours the pool timeout.

The slots themselves: tests/unit/test_admission.py. The async transports' limits:
test_async_transports.py; slots given back after failed calls: test_http.py; 1000 concurrent
calls: test_end_to_end.py.
"""

from __future__ import annotations

import threading

import httpx2
import pytest
from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_auth import KalshiClient, KalshiTimeoutError, RetryPolicy, signed_client
from kalshi_auth.testing import FakeExchange

from ..conftest import SlowExchange


def _one_slot_client(slow: tuple[FakeExchange, str, bytes], pool: float) -> KalshiClient:
    exchange, base_url, pem = slow
    return signed_client(
        api_key_id=exchange.keys[0].api_key_id, private_key_pem=pem, base_url=base_url,
        timeout=httpx2.Timeout(10.0, pool=pool), retry=RetryPolicy(max_retries=0),
        httpx_args={"transport": httpx2.HTTPTransport(limits=httpx2.Limits(max_connections=1))},
    )  # fmt: skip


def test_the_slot_count_comes_from_a_custom_transports_pool(
    slow: tuple[FakeExchange, str, bytes],
) -> None:
    """Failed before: the slot count ignored a custom transport's pool, so a request was signed
    while it still waited for a connection."""
    with _one_slot_client(slow, pool=10.0) as client:
        threads = [threading.Thread(target=ApiKeysApi(client).get_api_keys) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    first, second = sorted(r.timestamp_ms or 0 for r in slow[0].requests)
    assert second - first >= 350  # the second was signed only once the first was done


def test_waiting_for_a_slot_honours_the_pool_timeout(slow: tuple[FakeExchange, str, bytes]) -> None:
    """Failed before: waiting for a slot ignored the pool timeout and could wait for ever."""
    exchange = slow[0]
    assert isinstance(exchange, SlowExchange)
    with _one_slot_client(slow, pool=0.1) as client:
        busy = threading.Thread(target=ApiKeysApi(client).get_api_keys)
        busy.start()
        assert exchange.entered.wait(10)  # the only slot is taken for the next 0.4 s
        with pytest.raises(KalshiTimeoutError, match="free connection"):
            ApiKeysApi(client).get_api_keys()
        busy.join()


def test_a_streamed_response_holds_its_slot_until_closed(
    slow: tuple[FakeExchange, str, bytes],
) -> None:
    """Failed before: a streamed response gave its slot back before it was closed."""
    with _one_slot_client(slow, pool=0.2) as client:
        http = client.get_httpx_client()
        with http.stream("GET", "/api_keys") as streamed:
            assert streamed.status_code == 200
            with pytest.raises(KalshiTimeoutError):
                http.get("/api_keys")
        assert http.get("/api_keys").status_code == 200
