"""One async pool per event loop: an async client used across asyncio.run() calls keeps working."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import httpx2
from kalshi_api_keys_client.api.api_keys import AsyncApiKeysApi
from kalshi_auth._loops import PerLoopTransport, with_per_loop_transport

from ..conftest import Exchange


def test_one_async_client_serves_two_asyncio_runs(live: Exchange) -> None:
    """Failed before: the second run reused the first loop's connection ("Event loop is
    closed"), on the default transport (the aiohttp one already made a session per loop)."""
    api = AsyncApiKeysApi(live.client)
    first = asyncio.run(api.get_api_keys())
    second = asyncio.run(api.get_api_keys())
    assert first.api_keys[0].api_key_id == second.api_keys[0].api_key_id
    assert [r.status for r in live.exchange.requests] == [200, 200]


class _Counting(httpx2.AsyncBaseTransport):
    made: ClassVar[list[_Counting]] = []

    def __init__(self) -> None:
        self.closed = False
        _Counting.made.append(self)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, request=request)

    async def aclose(self) -> None:
        self.closed = True


def test_a_transport_is_made_per_loop_and_closed_with_it() -> None:
    _Counting.made.clear()
    transport = PerLoopTransport(_Counting, max_connections=5)
    request = httpx2.Request("GET", "http://127.0.0.1/")

    async def twice() -> None:
        await transport.handle_async_request(request)
        await transport.handle_async_request(request)

    asyncio.run(twice())
    asyncio.run(twice())
    first, second = _Counting.made
    assert first.closed and second.closed  # each closed as its loop ended
    assert transport.max_connections == 5


def test_a_transport_the_caller_chose_is_left_alone() -> None:
    own = httpx2.AsyncHTTPTransport()
    for chosen in ({"transport": own}, {"mounts": {"all://": own}}, {"proxy": "http://p:1"}):
        assert with_per_loop_transport(dict(chosen)) == chosen
    limits = httpx2.Limits(max_connections=7)
    made = with_per_loop_transport({"limits": limits, "http2": False, "verify": True})
    assert set(made) == {"transport"}
    assert isinstance(made["transport"], PerLoopTransport)
    assert made["transport"].max_connections == 7
