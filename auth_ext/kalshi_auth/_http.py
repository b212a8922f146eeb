"""httpx clients that retry per RetryPolicy and turn every failure into a typed KalshiError.

Each attempt goes through ``httpx.Client.send`` and so through KalshiAuth again: every retry
carries a fresh timestamp and signature. Redirects are never followed (the signature covers
the path, so a redirected request would be rejected, or worse, signed for the wrong path).

What happens after an attempt is decided once, by ``_Attempts`` (no I/O), for the sync and the
async client alike; they only do the sending, reading, closing and sleeping.

httpx signs (runs the auth flow) *before* waiting for a pooled connection, so under load a
request could sit signed in the pool queue until its timestamp is stale. Both clients
therefore admit at most as many requests as the connection pool really holds, and sign only
once admitted; a streamed response keeps its slot until it is closed. Waiting for a slot
honours the pool timeout.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx

from ._auth import NO_REDIRECTS, signed_path
from ._errors import (
    AuthenticationError,
    InvalidRequestError,
    KalshiConnectionError,
    KalshiError,
    KalshiTimeoutError,
    ResponseFormatError,
    error_from_response,
    unexpected_status_error,
)
from ._retry import RetryPolicy, classify_error, retry_after_seconds
from ._signer import ACCESS_KEY_HEADER

__all__: list[str] = []

logger = logging.getLogger("kalshi_auth")

#: Set on the 204 a DELETE reports when a retry found the key already gone.
ALREADY_DELETED_HEADER = "X-Kalshi-SDK-Already-Deleted"


def _is_standard_status(status_code: int) -> bool:
    try:
        HTTPStatus(status_code)
    except ValueError:
        return False
    return True


def safe_url(url: httpx.URL) -> str:
    """A URL for messages: no userinfo, no query."""
    return str(url.copy_with(query=None, fragment=None, userinfo=b""))


def _transport_error(exc: httpx.TransportError, request: httpx.Request) -> KalshiError:
    where = f"{request.method} {safe_url(request.url)}"
    kind = classify_error(exc)
    if kind == "deterministic":
        # Never the exception's own text: h11 quotes the offending header value, which may be a
        # secret pasted into the wrong place.
        return InvalidRequestError(
            f"{where} could not be sent as built ({type(exc).__name__}: an illegal header value "
            "or an unsupported URL scheme); check the key ID and base_url. Not retried."
        )
    if isinstance(exc, httpx.PoolTimeout):
        return KalshiTimeoutError(
            f"{where} waited longer than the pool timeout for a free connection; raise "
            "limits.max_connections or the timeout, or send fewer requests at once"
        )
    if isinstance(exc, httpx.TimeoutException):
        return KalshiTimeoutError(f"{where} timed out ({type(exc).__name__}); raise the timeout")
    return KalshiConnectionError(f"{where} failed before a response: {type(exc).__name__}: {exc}")


def _undecodable(request: httpx.Request, exc: httpx.DecodingError) -> ResponseFormatError:
    return ResponseFormatError(
        f"{request.method} {safe_url(request.url)}: the answer's body could not be decoded "
        f"({type(exc).__name__}); a proxy may have corrupted it"
    )


def _looks_like_json(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "application/json").lower()
    if "json" not in content_type:
        return False
    body = response.content  # only its ends are looked at: no copy of a long list
    ends = (body[:64].lstrip()[:1], body[-64:].rstrip()[-1:])
    return ends in {(b"{", b"}"), (b"[", b"]")}


class DocumentedStatuses:
    """Which statuses the spec documents for the operation a request path belongs to."""

    def __init__(self, base_path: str, table: Mapping[tuple[str, str], tuple[int, ...]]) -> None:
        prefix = re.escape(base_path.rstrip("/"))
        self._routes = [
            (
                method,
                re.compile(prefix + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "$"),
                statuses,
            )
            for (method, path), statuses in table.items()
        ]

    def of(self, method: str, path: str) -> tuple[int, ...] | None:
        """The documented statuses, or None for a request outside the spec's operations."""
        for route_method, pattern, statuses in self._routes:
            if route_method == method and pattern.match(path):
                return statuses
        return None


@dataclass
class _Attempts:
    """The attempts of one logical request: retry, fail, or report success. No I/O."""

    policy: RetryPolicy
    request: httpx.Request
    raise_on_error: bool
    documented: DocumentedStatuses | None = None
    attempt: int = 0
    #: A previous attempt may have reached Kalshi although its answer was lost.
    maybe_arrived: bool = False

    def after_error(self, exc: httpx.TransportError) -> float:
        """Seconds to wait before the next attempt; raises the typed error if final."""
        delay = self.policy.delay_after(self.request.method, self.attempt, error=exc)
        if delay is None:
            raise _transport_error(exc, self.request) from exc
        self.maybe_arrived |= classify_error(exc) == "maybe_arrived"
        self.attempt += 1
        return delay

    def after_response(self, response: httpx.Response) -> float | httpx.Response:
        """The response to return, or seconds to wait before the next attempt; raises the
        typed error if the answer is a final failure. Error bodies have been read."""
        status = response.status_code
        if response.is_success:
            if self.request.method != "DELETE" and status != 204 and not _looks_like_json(response):
                raise ResponseFormatError(
                    f"{self.request.method} {safe_url(self.request.url)} answered {status} with "
                    f"a body that is not Kalshi's JSON ({response.headers.get('content-type')!r},"
                    f" {len(response.content)} bytes): a captive portal, a proxy's page or a "
                    "cut-off answer. Check the network and base_url."
                )
            if self.raise_on_error and self.documented is not None:
                path = signed_path(self.request)
                statuses = self.documented.of(self.request.method, path)
                if statuses is not None and status not in statuses:
                    raise unexpected_status_error(
                        status, response.content, self.request.method, path
                    )
            return response
        if self.maybe_arrived and self._already_deleted(response):
            logger.warning(
                "%s %s: an earlier attempt's answer was lost and the retry found the key "
                "already gone (%s); reporting it as deleted",
                self.request.method,
                signed_path(self.request),
                status,
            )
            return httpx.Response(
                204, headers={ALREADY_DELETED_HEADER: "true"}, request=self.request
            )
        delay = self.policy.delay_after(
            self.request.method,
            self.attempt,
            status_code=status,
            retry_after=retry_after_seconds(response.headers.get("retry-after")),
        )
        if delay is not None:
            self.maybe_arrived |= status in (502, 503, 504)
            self.attempt += 1
            return delay
        if self.raise_on_error or not _is_standard_status(status):
            # Non-IANA codes (520, 499) always raise: the generated client cannot represent them.
            raise error_from_response(response, path=signed_path(self.request))
        return response

    def _already_deleted(self, response: httpx.Response) -> bool:
        """A repeated DELETE answered 404, or 401 "no such key" when the key deleted itself."""
        if self.request.method != "DELETE":
            return False
        if response.status_code == 404:
            return True
        if response.status_code != 401:
            return False
        target = signed_path(self.request).rsplit("/", 1)[-1]
        signer = self.request.headers.get(ACCESS_KEY_HEADER, "")
        error = error_from_response(response, path=signed_path(self.request))
        return (
            isinstance(error, AuthenticationError)
            and error.cause == "unknown_key"
            and target == signer
        )


#: httpx's own default pool limits (what a client built without ``limits=`` gets).
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)


def _pool_limit(kwargs: dict[str, Any]) -> int | None:
    """How many connections the pool that will really be used holds (None: no limit known)."""
    transport = kwargs.get("transport")
    if transport is not None:
        pool = getattr(transport, "_pool", None)  # httpx's transports: httpcore's pool
        limit = getattr(pool, "_max_connections", getattr(transport, "max_connections", None))
        return limit if isinstance(limit, int) else None
    limits: httpx.Limits = kwargs.get("limits", DEFAULT_LIMITS)
    return limits.max_connections


def _fit_deadline(request: httpx.Request, policy: RetryPolicy) -> None:
    """Shrink this attempt's timeouts so that it cannot run past the policy's deadline."""
    remaining = policy.remaining()
    if remaining is None:
        return
    if remaining <= 0:
        raise KalshiTimeoutError(
            f"{request.method} {safe_url(request.url)}: the time allowed for this call ran out "
            "(the timeout covers retries too); raise it or retry later"
        )
    timeout = dict(request.extensions.get("timeout") or {})
    for phase in ("connect", "read", "write", "pool"):
        current = timeout.get(phase)
        timeout[phase] = remaining if current is None else min(current, remaining)
    request.extensions["timeout"] = timeout


def _pool_timeout(request: httpx.Request) -> float | None:
    timeout = request.extensions.get("timeout", {})
    value = timeout.get("pool") if isinstance(timeout, dict) else None
    return value if isinstance(value, int | float) else None


class _SyncSlots:
    """At most ``limit`` requests between signing and closing their response (threads)."""

    def __init__(self, limit: int | None) -> None:
        self._semaphore = threading.BoundedSemaphore(limit) if limit else None

    def acquire(self, request: httpx.Request) -> None:
        if self._semaphore is not None and not self._semaphore.acquire(
            timeout=_pool_timeout(request)
        ):
            raise httpx.PoolTimeout("no connection slot freed up", request=request)

    def release(self) -> None:
        if self._semaphore is not None:
            self._semaphore.release()


class _AsyncSlots:
    """At most ``limit`` requests between signing and closing their response (tasks)."""

    def __init__(self, limit: int | None) -> None:
        import anyio  # only async clients need it

        self._anyio = anyio
        self._semaphore = anyio.Semaphore(limit) if limit else None

    async def acquire(self, request: httpx.Request) -> None:
        if self._semaphore is None:
            return
        try:
            self._semaphore.acquire_nowait()  # the common case: no timer to set up
            return
        except self._anyio.WouldBlock:
            pass
        try:
            with self._anyio.fail_after(_pool_timeout(request)):
                await self._semaphore.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no connection slot freed up", request=request) from None

    def release(self) -> None:
        if self._semaphore is not None:
            self._semaphore.release()


class _ReleasingStream(httpx.SyncByteStream):
    """A streamed body that gives its connection slot back when the response is closed."""

    def __init__(self, stream: httpx.SyncByteStream, slots: _SyncSlots) -> None:
        self._stream, self._slots = stream, slots

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._slots.release()


class _AsyncReleasingStream(httpx.AsyncByteStream):
    """The async counterpart of _ReleasingStream."""

    def __init__(self, stream: httpx.AsyncByteStream, slots: _AsyncSlots) -> None:
        self._stream, self._slots = stream, slots

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            self._slots.release()


class _KeptCookies(httpx.Cookies):
    """The cookies the caller set, sent as given; answers' Set-Cookie is not kept. Kalshi's API
    uses no cookies (its official SDK keeps none), and httpx's cookie jar costs every call."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _LeanBuilding:
    """Request building without the work a Kalshi call never needs: ``base_url`` joined to a
    path once per distinct path (httpx parses both again on every call), and no empty query
    merge (which parses the URL once more)."""

    _base_url: httpx.URL

    def _init_lean(self) -> None:
        self._joined: dict[str, httpx.URL] = {}
        self._joined_base = self._base_url
        client: Any = self
        client._cookies = _KeptCookies(client._cookies)

    def _merge_url(self, url: httpx.URL | str) -> httpx.URL:
        merge: Any = super()._merge_url  # type: ignore[misc]
        if type(url) is not str:
            return merge(url)  # type: ignore[no-any-return]
        if self._joined_base is not self._base_url:  # base_url was reassigned
            self._joined, self._joined_base = {}, self._base_url
        joined = self._joined.get(url)
        if joined is None:
            joined = merge(url)
            if len(self._joined) >= 256:  # DELETE paths carry key IDs: keep it bounded
                self._joined.clear()
            self._joined[url] = joined
        return joined

    def build_request(self, method: str, url: httpx.URL | str, **kwargs: Any) -> httpx.Request:
        if not kwargs.get("params"):
            kwargs["params"] = None
        build: Any = super().build_request  # type: ignore[misc]
        return build(method, url, **kwargs)  # type: ignore[no-any-return]


class SignedClient(_LeanBuilding, httpx.Client):
    """httpx.Client with Kalshi's retry and error policy in ``send``."""

    def __init__(
        self,
        *,
        retry: RetryPolicy,
        raise_on_error: bool,
        documented: DocumentedStatuses | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs, follow_redirects=False)
        self._retry = retry
        self._raise_on_error = raise_on_error
        self._documented = documented
        self._slots = _SyncSlots(_pool_limit(kwargs))
        self._init_lean()

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        kwargs["follow_redirects"] = False
        request.extensions[NO_REDIRECTS] = True  # so KalshiAuth needs no redirect guard
        stream = bool(kwargs.get("stream", False))
        attempts = _Attempts(self._retry, request, self._raise_on_error, self._documented)
        slots = self._slots
        while True:
            _fit_deadline(request, self._retry)
            try:
                slots.acquire(request)
            except httpx.PoolTimeout as exc:
                self._retry.sleep(attempts.after_error(exc))
                continue
            try:
                response = super().send(request, **kwargs)
            except httpx.TransportError as exc:
                slots.release()
                delay = attempts.after_error(exc)
            except httpx.DecodingError as exc:
                slots.release()
                raise _undecodable(request, exc) from exc
            except BaseException:
                slots.release()
                raise
            else:
                if stream and response.is_success:
                    response.stream = _ReleasingStream(response.stream, slots)  # type: ignore[arg-type]
                    return response
                try:
                    response.read()  # not streamed, or an error answer to be read and typed
                    outcome = attempts.after_response(response)
                except BaseException:
                    response.close()
                    raise
                finally:
                    slots.release()
                if isinstance(outcome, httpx.Response):
                    if outcome is not response:
                        response.close()
                    return outcome
                response.close()
                delay = outcome
            self._retry.sleep(delay)


class AsyncSignedClient(_LeanBuilding, httpx.AsyncClient):
    """httpx.AsyncClient with Kalshi's retry and error policy in ``send``."""

    def __init__(
        self,
        *,
        retry: RetryPolicy,
        raise_on_error: bool,
        documented: DocumentedStatuses | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs, follow_redirects=False)
        self._retry = retry
        self._raise_on_error = raise_on_error
        self._documented = documented
        self._slots = _AsyncSlots(_pool_limit(kwargs))
        self._init_lean()

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        kwargs["follow_redirects"] = False
        request.extensions[NO_REDIRECTS] = True  # so KalshiAuth needs no redirect guard
        stream = bool(kwargs.get("stream", False))
        attempts = _Attempts(self._retry, request, self._raise_on_error, self._documented)
        slots = self._slots
        while True:
            _fit_deadline(request, self._retry)
            try:
                await slots.acquire(request)
            except httpx.PoolTimeout as exc:
                await self._retry.async_sleep(attempts.after_error(exc))
                continue
            try:
                response = await super().send(request, **kwargs)
            except httpx.TransportError as exc:
                slots.release()
                delay = attempts.after_error(exc)
            except httpx.DecodingError as exc:
                slots.release()
                raise _undecodable(request, exc) from exc
            except BaseException:
                slots.release()
                raise
            else:
                if stream and response.is_success:
                    response.stream = _AsyncReleasingStream(response.stream, slots)  # type: ignore[arg-type]
                    return response
                try:
                    await response.aread()  # not streamed, or an error answer to be read and typed
                    outcome = attempts.after_response(response)
                except BaseException:
                    await response.aclose()
                    raise
                finally:
                    slots.release()
                if isinstance(outcome, httpx.Response):
                    if outcome is not response:
                        await response.aclose()
                    return outcome
                await response.aclose()
                delay = outcome
            await self._retry.async_sleep(delay)
