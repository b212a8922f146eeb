"""An httpx2 transport that sends over aiohttp: the optional fast path for async clients.

Loaded only by ``signed_client(async_transport="aiohttp")``, and needs the ``aiohttp`` extra.
httpx2's own async stack spends most of a call in Python; aiohttp parses in C, so many
concurrent calls run at about twice the rate on one core.

Why not the ``httpx-aiohttp`` package: its 0.2.0 maps a dropped connection
(``ServerDisconnectedError``, a reset) to ``httpx.ConnectTimeout``, i.e. "never sent", which
would let a POST be repeated and mint a second key, and lets other aiohttp errors escape
untyped. Here every aiohttp failure becomes the httpx2 error that says whether the request
could have arrived, which is what the retry policy needs.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncGenerator, AsyncIterator

import aiohttp
import httpx2
import yarl

from ._internals import stop_aiohttp_resend
from ._loops import closed_with_the_loop
from ._redact import shown

__all__ = ["AiohttpTransport"]


def _as_httpx(exc: BaseException, request: httpx2.Request) -> httpx2.TransportError:
    """The httpx2 error for an aiohttp failure, chosen by whether the request may have arrived."""
    message = f"{type(exc).__name__}: {shown(str(exc))}"
    error: type[httpx2.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        error = httpx2.ConnectTimeout  # no connection (pooled or new) within the time allowed
    elif isinstance(exc, TimeoutError):
        error = httpx2.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):
        error = httpx2.ConnectError  # refused, unreachable, DNS, TLS handshake: nothing sent
    elif isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        error = httpx2.UnsupportedProtocol
    elif isinstance(exc, ValueError):
        # aiohttp refuses an illegal header value before sending; never quote it.
        error, message = httpx2.LocalProtocolError, f"{type(exc).__name__}"
    else:
        # A dropped or reset connection, a malformed answer, a cut-off body: the request may
        # have reached the server. aiohttp's message may quote the bytes received: not kept.
        error, message = httpx2.RemoteProtocolError, type(exc).__name__
    return error(message, request=request)


class _Body(httpx2.AsyncByteStream):
    """An aiohttp response body as an httpx2 stream; closing it frees the connection."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx2.Request) -> None:
        self._response, self._request = response, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        failure = None
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            failure = _as_httpx(exc, self._request)
        if failure is not None:
            raise failure  # out of the except block: aiohttp's error (headers in it) not kept

    async def aclose(self) -> None:
        self._response.release()


class AiohttpTransport(httpx2.AsyncBaseTransport):
    """Sends httpx2 requests over an aiohttp connection pool of ``limits.max_connections``.

    The URL goes out exactly as httpx2 built (and KalshiAuth signed) it. Timeouts: connect and
    pool bound getting a connection, read bounds each wait for data; aiohttp has no write
    timeout. One pool per event loop, made on first use in it and closed with it.
    """

    def __init__(self, *, verify: ssl.SSLContext | str | bool, limits: httpx2.Limits) -> None:
        self._ssl = httpx2.create_ssl_context(verify=verify)
        #: What the pool really holds (None: unlimited); signed_client's admission limit.
        self.max_connections = limits.max_connections
        self._keepalive_expiry = limits.keepalive_expiry
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closer: AsyncGenerator[None, None] | None = None

    async def _session_here(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.max_connections or 0,
                limit_per_host=0,
                keepalive_timeout=self._keepalive_expiry,
                ssl=self._ssl,
            )
            session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),  # httpx2 keeps the cookies
                auto_decompress=False,  # httpx2 decodes
                trust_env=False,
            )
            stop_aiohttp_resend(session)  # the retry policy alone decides what is re-sent
            self._session, self._loop = session, loop
            self._closer = closed_with_the_loop(session.close)
            await anext(self._closer)
        return self._session

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        session = await self._session_here()
        timeout = request.extensions.get("timeout") or {}
        connect, pool = timeout.get("connect"), timeout.get("pool")
        content = await request.aread()
        try:
            response = await session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=request.headers.multi_items(),
                data=content or None,
                allow_redirects=False,
                compress=None,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=None if connect is None or pool is None else connect + pool,
                    sock_connect=connect,
                    sock_read=timeout.get("read"),
                ),
                server_hostname=request.extensions.get("sni_hostname"),
            )
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            failure = _as_httpx(exc, request)
        else:
            return self._response(response, request)
        # Raised out of the except block: aiohttp's error, whose RequestInfo holds the request
        # headers (the signature among them), is not kept as this error's context.
        raise failure

    @staticmethod
    def _response(response: aiohttp.ClientResponse, request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_Body(response, request),
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("ascii", "replace"),
            },
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None and self._loop is asyncio.get_running_loop():
            await session.close()
