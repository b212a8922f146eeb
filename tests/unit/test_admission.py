"""Unit tests of ``kalshi_auth._admission``: a slot is given back exactly once, by one context.

Through real clients and servers (pool timeouts, streams, a custom transport's pool):
tests/client/test_admission.py.
"""

from __future__ import annotations

import asyncio

import httpx2
import pytest
from kalshi_auth._admission import AsyncSlots, SyncSlots, pool_limit

REQUEST = httpx2.Request("GET", "https://kalshi.test/", extensions={"timeout": {"pool": 0.01}})


def streamed() -> httpx2.Response:
    return httpx2.Response(200, stream=httpx2.ByteStream(b"body"), request=REQUEST)


def test_a_slot_is_given_back_on_leaving_even_after_an_error() -> None:
    slots = SyncSlots(1)
    with slots.held(REQUEST), pytest.raises(httpx2.PoolTimeout), slots.held(REQUEST):
        pass  # the only slot is taken
    with pytest.raises(ValueError), slots.held(REQUEST):
        raise ValueError
    with slots.held(REQUEST):  # free again
        pass


def test_a_kept_slot_is_given_back_when_the_stream_closes() -> None:
    slots = SyncSlots(1)
    with slots.held(REQUEST) as hold:
        response = hold.keep_for(streamed())
    with pytest.raises(httpx2.PoolTimeout), slots.held(REQUEST):
        pass
    assert response.read() == b"body"
    response.close()
    with slots.held(REQUEST):
        pass


def test_async_slots_behave_alike() -> None:
    async def run() -> None:
        slots = AsyncSlots(1)
        async with slots.held(REQUEST) as hold:
            response = hold.keep_for(streamed())
        with pytest.raises(httpx2.PoolTimeout):
            async with slots.held(REQUEST):
                pass
        await response.aread()
        await response.aclose()
        with pytest.raises(ValueError):
            async with slots.held(REQUEST):
                raise ValueError
        async with slots.held(REQUEST):
            pass

    asyncio.run(run())


def test_no_limit_means_no_waiting() -> None:
    slots = SyncSlots(None)
    with slots.held(REQUEST), slots.held(REQUEST):
        pass


def test_the_limit_is_the_pool_that_will_really_be_used() -> None:
    assert pool_limit({}) == 100
    assert pool_limit({"limits": httpx2.Limits(max_connections=3)}) == 3
    transport = httpx2.HTTPTransport(limits=httpx2.Limits(max_connections=5))
    assert pool_limit({"transport": transport, "limits": httpx2.Limits(max_connections=3)}) == 5
    mounted = {"all://": httpx2.HTTPTransport(limits=httpx2.Limits(max_connections=2))}
    assert pool_limit({"mounts": mounted}) == 2  # a mount may serve the API's host
    assert pool_limit({"mounts": mounted, "limits": httpx2.Limits(max_connections=1)}) == 1
    assert pool_limit({"mounts": {"all://": None}, "limits": httpx2.Limits()}) is None


def test_a_stream_already_read_and_closed_gives_its_slot_back_at_once() -> None:
    """Failed before: a response hook that read a streamed body (as httpx2's docs advise)
    closed it before keep_for wrapped it, so the slot was never given back."""
    slots = SyncSlots(1)
    with slots.held(REQUEST) as hold:
        response = streamed()
        response.read()  # what the hook did
        hold.keep_for(response)
    with slots.held(REQUEST):  # free again
        pass

    async def run() -> None:
        async_slots = AsyncSlots(1)
        async with async_slots.held(REQUEST) as hold:
            response = streamed()
            await response.aread()
            hold.keep_for(response)
        async with async_slots.held(REQUEST):
            pass

    asyncio.run(run())
