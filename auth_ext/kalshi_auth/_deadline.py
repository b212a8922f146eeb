"""A call's deadline (``RetryPolicy.deadline``) bounds all of it, reading the answer included.

httpx2's timeouts bound each network operation: a server that trickles its answer a byte at a
time never trips a read timeout, so a per-phase timeout alone is no total. The sync client
therefore runs its attempts under :func:`sync_deadline`, which its pools' network backend
(:class:`DeadlineBackend`, installed by ``_internals.bound_by_call_deadline``) reads to shrink
every connect, read and write to the time left; async attempts run in an anyio cancel scope
(:func:`async_deadline`), which bounds any transport, aiohttp's too.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
import time
import typing
from collections.abc import Iterator

import httpcore2

__all__ = ["DeadlineBackend", "async_deadline", "sync_deadline"]

#: The ``time.monotonic()`` instant the running call must end by, if it has one.
_CALL_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "kalshi_call_deadline", default=None
)


@contextlib.contextmanager
def sync_deadline(deadline: float | None) -> Iterator[None]:
    """Run a sync call's network operations within ``deadline`` (None: no bound)."""
    token = _CALL_DEADLINE.set(deadline)
    try:
        yield
    finally:
        _CALL_DEADLINE.reset(token)


def async_deadline(remaining: float | None) -> contextlib.AbstractContextManager[object]:
    """A cancel scope that ends an async attempt after ``remaining`` seconds (None: no bound);
    leaving it by the deadline raises ``TimeoutError``."""
    if remaining is None:
        return contextlib.nullcontext()
    import anyio  # only async callers need it

    return anyio.fail_after(remaining)


def _within(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shrunk to the running call's time left; ``expired`` once none is left."""
    deadline = _CALL_DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the call's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        tls = self._stream.start_tls(
            ssl_context, server_hostname, _within(timeout, httpcore2.ConnectTimeout)
        )
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    """A sync network backend whose streams honour the running call's deadline."""

    def __init__(self, backend: httpcore2.NetworkBackend) -> None:
        self.wrapped = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore2.NetworkStream:
        stream = self.wrapped.connect_tcp(
            host, port, _within(timeout, httpcore2.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore2.NetworkStream:
        stream = self.wrapped.connect_unix_socket(
            path, _within(timeout, httpcore2.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self.wrapped.sleep(seconds)
