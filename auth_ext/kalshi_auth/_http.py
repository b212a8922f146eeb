"""httpx clients that retry per RetryPolicy and turn non-2xx responses into typed errors.

Each attempt goes through ``httpx.Client.send`` and so through KalshiAuth again: every retry
carries a fresh timestamp and signature. Redirects are never followed (the signature covers
the path, so a redirected request would be rejected, or worse, signed for the wrong path).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import httpx

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


class SignedClient(httpx.Client):
    """httpx.Client with Kalshi's retry and error policy in ``send``."""

    def __init__(self, *, retry: RetryPolicy, raise_on_error: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs, follow_redirects=False)
        self._retry = retry
        self._raise_on_error = raise_on_error

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        kwargs["follow_redirects"] = False
        attempt = 0
        while True:
            try:
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
                        raise error_from_response(response)
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

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        kwargs["follow_redirects"] = False
        attempt = 0
        while True:
            try:
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
                        raise error_from_response(response)
                    return response
                await response.aclose()
            await self._retry.async_sleep(delay)
            attempt += 1
