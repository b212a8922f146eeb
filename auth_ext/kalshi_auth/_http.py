"""httpx clients that retry per RetryPolicy and turn non-2xx responses into typed errors.

Each attempt goes through ``httpx.Client.send`` and so through KalshiAuth again: every retry
carries a fresh timestamp and signature. Redirects are never followed (the signature covers
the path, so a redirected request would be rejected, or worse, signed for the wrong path).

httpx signs (runs the auth flow) *before* waiting for a pooled connection, so under load a
request could sit signed in the pool queue until its timestamp is stale. Both clients
therefore admit at most ``limits.max_connections`` requests at a time, and sign only once
admitted.
"""

from __future__ import annotations

import contextlib
import threading
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from http import HTTPStatus
from typing import Any

import anyio
import httpx

from ._auth import signed_path
from ._errors import KalshiConnectionError, KalshiTimeoutError, error_from_response
from ._retry import RetryPolicy

__all__: list[str] = []


def _is_standard_status(status_code: int) -> bool:
    try:
        HTTPStatus(status_code)
    except ValueError:
        return False
    return True


def _must_raise(response: httpx.Response, raise_on_error: bool) -> bool:
    # Non-IANA codes (520, 499) always raise: the generated client cannot represent them
    # and would fail with a bare ValueError instead.
    if response.is_success:
        return False
    return raise_on_error or not _is_standard_status(response.status_code)


def _connection_error(exc: httpx.TransportError, request: httpx.Request) -> KalshiConnectionError:
    where = f"{request.method} {request.url.copy_with(query=None)}"
    if isinstance(exc, httpx.TimeoutException):
        return KalshiTimeoutError(f"{where} timed out ({type(exc).__name__}); raise the timeout")
    return KalshiConnectionError(f"{where} failed before a response: {type(exc).__name__}: {exc}")


def _max_in_flight(kwargs: dict[str, Any]) -> int | None:
    limits: httpx.Limits = kwargs.get("limits", httpx.Limits(max_connections=100))
    return limits.max_connections


class SignedClient(httpx.Client):
    """httpx.Client with Kalshi's retry and error policy in ``send``."""

    def __init__(self, *, retry: RetryPolicy, raise_on_error: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs, follow_redirects=False)
        self._retry = retry
        self._raise_on_error = raise_on_error
        slots = _max_in_flight(kwargs)
        self._slots: AbstractContextManager[Any] = (
            threading.BoundedSemaphore(slots) if slots else contextlib.nullcontext()
        )

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        kwargs["follow_redirects"] = False
        attempt = 0
        while True:
            try:
                with self._slots:
                    response = super().send(request, **kwargs)
            except httpx.TransportError as exc:
                delay = self._retry.delay_after(request.method, attempt, error=exc)
                if delay is None:
                    raise _connection_error(exc, request) from exc
            else:
                delay = self._retry.delay_after(
                    request.method, attempt, status_code=response.status_code
                )
                if delay is None:
                    if _must_raise(response, self._raise_on_error):
                        response.read()
                        response.close()
                        raise error_from_response(response, path=signed_path(request))
                    return response
                response.close()
            self._retry.sleep(delay)
            attempt += 1


class AsyncSignedClient(httpx.AsyncClient):
    """httpx.AsyncClient with Kalshi's retry and error policy in ``send``."""

    def __init__(self, *, retry: RetryPolicy, raise_on_error: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs, follow_redirects=False)
        self._retry = retry
        self._raise_on_error = raise_on_error
        slots = _max_in_flight(kwargs)
        self._slots: AbstractAsyncContextManager[Any] = (
            anyio.Semaphore(slots) if slots else contextlib.nullcontext()
        )

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        kwargs["follow_redirects"] = False
        attempt = 0
        while True:
            try:
                async with self._slots:
                    response = await super().send(request, **kwargs)
            except httpx.TransportError as exc:
                delay = self._retry.delay_after(request.method, attempt, error=exc)
                if delay is None:
                    raise _connection_error(exc, request) from exc
            else:
                delay = self._retry.delay_after(
                    request.method, attempt, status_code=response.status_code
                )
                if delay is None:
                    if _must_raise(response, self._raise_on_error):
                        await response.aread()
                        await response.aclose()
                        raise error_from_response(response, path=signed_path(request))
                    return response
                await response.aclose()
            await self._retry.async_sleep(delay)
            attempt += 1
