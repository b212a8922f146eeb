"""The per-call work the signed clients skip (cookie jar, repeated URL joins, empty query
merges) changes nothing a caller can rely on, and a failed call never keeps its pool slot."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import httpx2
import pytest
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi, get_api_keys
from kalshi_auth import KalshiClient, RetryPolicy, signed_client
from kalshi_auth.testing import FakeExchange, serve

from ..conftest import Exchange


@pytest.fixture
def cookie_server() -> Iterator[tuple[str, list[str | None]]]:
    """Answers every GET with ``{"api_keys": []}`` and a Set-Cookie; records each Cookie sent."""
    seen: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Cookie"))
            body = b'{"api_keys": []}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Set-Cookie", "tracker=1; Path=/")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/trade-api/v2", seen
    finally:
        server.shutdown()
        server.server_close()


def test_answers_cookies_are_not_kept_but_the_callers_are_sent(
    cookie_server: tuple[str, list[str | None]], live: Exchange
) -> None:
    base_url, seen = cookie_server
    client = signed_client(api_key_id=live.key.api_key_id, private_key_pem=live.pem,
                           base_url=base_url)  # fmt: skip
    with client:
        get_api_keys.sync_detailed(client=client)
        get_api_keys.sync_detailed(client=client)
    with client.with_cookies({"chosen": "yes"}) as chosen:
        get_api_keys.sync_detailed(client=chosen)
        get_api_keys.sync_detailed(client=chosen)
    assert seen == [None, None, "chosen=yes", "chosen=yes"]


def test_a_reassigned_base_url_is_used(live: Exchange) -> None:
    client = signed_client(api_key_id=live.key.api_key_id, private_key_pem=live.pem,
                           base_url="http://127.0.0.1:9/trade-api/v2")  # fmt: skip
    http = client.get_httpx_client()
    with client:
        http.base_url = httpx2.URL(live.base_url)
        assert len(ApiKeysApi(client).get_api_keys().api_keys) == 1
    (request,) = live.exchange.requests
    assert request.authenticated and request.path == "/trade-api/v2/api_keys"


def test_query_parameters_still_reach_the_server() -> None:
    exchange = FakeExchange(fcm_member=True, user_id="u")
    key = exchange.add_key(name="bound", fcm_subtrader_id="u_1")
    exchange.add_key(name="unbound")
    assert key.private_key_pem is not None
    with (
        serve(exchange) as running,
        signed_client(
            api_key_id=key.api_key_id,
            private_key_pem=key.private_key_pem,
            base_url=running.base_url,
        ) as client,
    ):
        api = ApiKeysApi(client)
        assert [k.name for k in api.get_api_keys(fcm_subtrader_id="u_1").api_keys] == ["bound"]
        assert len(api.get_api_keys().api_keys) == 2


class FailingHook:
    """A request hook that raises while ``failing`` is set (sync and async)."""

    def __init__(self) -> None:
        self.failing = True

    def __call__(self, request: httpx2.Request) -> None:
        if self.failing:
            raise RuntimeError("a request hook failed")

    async def asynchronous(self, request: httpx2.Request) -> None:
        self(request)


def _one_slot(live: Exchange, hook: object) -> KalshiClient:
    return signed_client(
        api_key_id=live.key.api_key_id, private_key_pem=live.pem, base_url=live.base_url,
        timeout=httpx2.Timeout(5.0, pool=0.2), retry=RetryPolicy(max_retries=0),
        httpx_args={"limits": httpx2.Limits(max_connections=1), "event_hooks": {"request": [hook]}},
    )  # fmt: skip


def test_a_call_that_fails_in_a_hook_gives_its_slot_back(live: Exchange) -> None:
    hook = FailingHook()
    with _one_slot(live, hook) as client:
        for _ in range(3):
            with pytest.raises(RuntimeError, match="hook failed"):
                ApiKeysApi(client).get_api_keys()
        hook.failing = False
        assert len(ApiKeysApi(client).get_api_keys().api_keys) == 1  # no KalshiTimeoutError


def test_an_async_call_that_fails_in_a_hook_gives_its_slot_back(live: Exchange) -> None:
    hook = FailingHook()
    client = _one_slot(live, hook.asynchronous)

    async def calls() -> int:
        async with client:
            for _ in range(3):
                with pytest.raises(RuntimeError, match="hook failed"):
                    await AsyncApiKeysApi(client).get_api_keys()
            hook.failing = False
            return len((await AsyncApiKeysApi(client).get_api_keys()).api_keys)

    assert asyncio.run(calls()) == 1
