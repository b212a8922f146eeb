"""Admission: at most as many requests between signing and closing as the pool holds.

httpx2 signs (runs the auth flow) *before* waiting for a pooled connection, so under load a
request could sit signed in the pool queue until its timestamp is stale. On a transport other
than httpx2's own (which lets KalshiAuth sign as the headers are written, see SIGN_WHEN_SENT),
the signed clients therefore admit at most as many requests as the connection pool really
holds, and sign only once admitted. A slot is held as one context,
``with slots.held(request) as hold:``, which gives it back on leaving unless
``hold.keep_for(response)`` hands it to a streamed response, which then gives it back when it
is closed. Waiting for a slot honours the pool timeout.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import Any

import httpx2

from ._internals import transport_pool_limit

__all__ = ["DEFAULT_LIMITS", "AsyncSlots", "SyncSlots", "pool_limit"]

#: httpx2's own default pool limits (what a client built without ``limits=`` gets).
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=20)


def pool_limit(client_kwargs: Mapping[str, Any]) -> int | None:
    """How many connections the pools that may really be used hold: the smallest known limit of
    ``transport`` (else the one ``limits`` gives httpx2's own) and of each of ``mounts``, since
    a mount may serve the API's host (None: no limit known)."""
    transport = client_kwargs.get("transport")
    if transport is not None:
        known = [transport_pool_limit(transport)]
    else:
        limits: httpx2.Limits = client_kwargs.get("limits", DEFAULT_LIMITS)
        known = [limits.max_connections]
    mounts: Mapping[str, object] = client_kwargs.get("mounts") or {}
    known += [transport_pool_limit(mount) for mount in mounts.values() if mount is not None]
    limited = [limit for limit in known if limit is not None]
    return min(limited) if limited else None


def _pool_timeout(request: httpx2.Request) -> float | None:
    timeout = request.extensions.get("timeout", {})
    value = timeout.get("pool") if isinstance(timeout, dict) else None
    return value if isinstance(value, int | float) else None


def _no_slot(request: httpx2.Request) -> httpx2.PoolTimeout:
    return httpx2.PoolTimeout("no connection slot freed up", request=request)


class SyncSlots:
    """The slots of one sync client (threads)."""

    def __init__(self, limit: int | None) -> None:
        self._semaphore = threading.BoundedSemaphore(limit) if limit else None

    def held(self, request: httpx2.Request) -> _SyncHold:
        """A slot for ``request``, taken on entering (``httpx2.PoolTimeout`` if none frees up)."""
        return _SyncHold(self._semaphore, request)


class _SyncHold:
    __slots__ = ("_kept", "_request", "_semaphore")

    def __init__(self, semaphore: threading.BoundedSemaphore | None, request: httpx2.Request):
        self._semaphore, self._request, self._kept = semaphore, request, False

    def __enter__(self) -> _SyncHold:
        semaphore = self._semaphore
        if semaphore is not None and not semaphore.acquire(timeout=_pool_timeout(self._request)):
            raise _no_slot(self._request)
        return self

    def keep_for(self, response: httpx2.Response) -> httpx2.Response:
        """Hand the slot to a streamed ``response``: given back when it is closed (at once if
        it already is: a response hook read the body)."""
        if response.is_closed:
            return response
        if self._semaphore is not None:
            response.stream = _ReleasingStream(response.stream, self._semaphore)  # type: ignore[arg-type]
        self._kept = True
        return response

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._semaphore is not None and not self._kept:
            self._semaphore.release()


class _ReleasingStream(httpx2.SyncByteStream):
    """A streamed body that gives its connection slot back when the response is closed."""

    def __init__(self, stream: httpx2.SyncByteStream, semaphore: threading.BoundedSemaphore):
        self._stream, self._semaphore = stream, semaphore

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._semaphore.release()


class AsyncSlots:
    """The slots of one async client (tasks)."""

    def __init__(self, limit: int | None) -> None:
        import anyio  # only async clients need it

        self._anyio = anyio
        self._semaphore = anyio.Semaphore(limit) if limit else None

    def held(self, request: httpx2.Request) -> _AsyncHold:
        """A slot for ``request``, taken on entering (``httpx2.PoolTimeout`` if none frees up)."""
        return _AsyncHold(self, request)

    async def _acquire(self, request: httpx2.Request) -> None:
        semaphore = self._semaphore
        if semaphore is None:
            return
        try:
            semaphore.acquire_nowait()  # the common case: no timer to set up
            return
        except self._anyio.WouldBlock:
            pass
        try:
            with self._anyio.fail_after(_pool_timeout(request)):
                await semaphore.acquire()
        except TimeoutError:
            raise _no_slot(request) from None

    def _release(self) -> None:
        if self._semaphore is not None:
            self._semaphore.release()


class _AsyncHold:
    __slots__ = ("_kept", "_request", "_slots")

    def __init__(self, slots: AsyncSlots, request: httpx2.Request) -> None:
        self._slots, self._request, self._kept = slots, request, False

    async def __aenter__(self) -> _AsyncHold:
        await self._slots._acquire(self._request)
        return self

    def keep_for(self, response: httpx2.Response) -> httpx2.Response:
        """Hand the slot to a streamed ``response``: given back when it is closed (at once if
        it already is: a response hook read the body)."""
        if response.is_closed:
            return response
        if self._slots._semaphore is not None:
            response.stream = _AsyncReleasingStream(response.stream, self._slots)  # type: ignore[arg-type]
        self._kept = True
        return response

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._kept:
            self._slots._release()


class _AsyncReleasingStream(httpx2.AsyncByteStream):
    """The async counterpart of _ReleasingStream."""

    def __init__(self, stream: httpx2.AsyncByteStream, slots: AsyncSlots) -> None:
        self._stream, self._slots = stream, slots

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._slots._release()
