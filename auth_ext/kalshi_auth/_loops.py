"""One async connection pool per event loop, so one async client can outlive an ``asyncio.run``.

A pooled connection belongs to the event loop it was opened in; once that loop has closed, using
the connection raises ``RuntimeError: Event loop is closed``. A program that calls
``asyncio.run`` twice with one client (a script, a test suite) therefore needs a fresh pool in
each loop, and the old pool closed before its loop is. :class:`PerLoopTransport` does that for
httpx2's own async transport; the aiohttp transport does the same for its sessions.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import httpx2

from ._admission import DEFAULT_LIMITS

__all__ = ["PerLoopTransport", "closed_with_the_loop", "with_per_loop_transport"]


async def closed_with_the_loop(close: Callable[[], Awaitable[None]]) -> AsyncGenerator[None, None]:
    """Start it once in a loop (``await anext(gen)``) and keep it: ``asyncio.run`` closes every
    live async generator before it closes the loop, and this one then awaits ``close()``. So a
    pool left open still ends clean with its loop."""
    try:
        yield
    finally:
        await close()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # another async library (trio): its one run shares one pool
        return None


class PerLoopTransport(httpx2.AsyncBaseTransport):
    """httpx2's async transport, made afresh (by ``make``) in each event loop it is used in."""

    def __init__(
        self, make: Callable[[], httpx2.AsyncBaseTransport], *, max_connections: int | None
    ) -> None:
        self._make = make
        #: What each loop's pool holds (None: unlimited); signed_client's admission limit.
        self.max_connections = max_connections
        self._loop: asyncio.AbstractEventLoop | None = None
        self._current: httpx2.AsyncBaseTransport | None = None
        self._closer: AsyncGenerator[None, None] | None = None

    async def _here(self) -> httpx2.AsyncBaseTransport:
        loop = _running_loop()
        transport = self._current
        if transport is None or self._loop is not loop:
            transport = self._make()
            self._current, self._loop = transport, loop
            if loop is not None:
                self._closer = closed_with_the_loop(transport.aclose)
                await anext(self._closer)
        return transport

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        transport = self._current
        if transport is None or self._loop is not _running_loop():
            transport = await self._here()
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        transport, self._current = self._current, None
        if transport is not None and self._loop is _running_loop():
            await transport.aclose()


#: The AsyncClient settings that shape its default transport (httpx2 2.16.2's ``_init_transport``).
_TRANSPORT_SETTINGS = ("verify", "cert", "trust_env", "http1", "http2", "limits")
#: Settings after which httpx2 builds other transports: those are then left to httpx2 as given.
_OTHER_TRANSPORTS = ("transport", "mounts", "proxy")


def with_per_loop_transport(client_kwargs: dict[str, Any]) -> dict[str, Any]:
    """AsyncClient arguments whose default transport is made afresh in each event loop; as
    given when the caller chose the transport (``transport``, ``mounts`` or ``proxy``)."""
    if any(name in client_kwargs for name in _OTHER_TRANSPORTS):
        return client_kwargs
    kwargs = dict(client_kwargs)
    settings = {name: kwargs.pop(name) for name in _TRANSPORT_SETTINGS if name in kwargs}
    limits: httpx2.Limits = settings.get("limits", DEFAULT_LIMITS)
    kwargs["transport"] = PerLoopTransport(
        lambda: httpx2.AsyncHTTPTransport(**settings), max_connections=limits.max_connections
    )
    return kwargs
