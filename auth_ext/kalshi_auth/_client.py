"""signed_client(): the generated client, wired to sign, retry and raise typed errors."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NoReturn

import httpx2
from attrs import asdict, define, evolve, field
from kalshi_api_keys_client import AuthenticatedClient

from ._admission import DEFAULT_LIMITS
from ._answers import malformed_answer_error, unexpected_status_error
from ._auth import KalshiAuth, wire_path
from ._credentials import resolve_credentials
from ._errors import ConfigurationError, KalshiAPIError, ResponseFormatError
from ._http import AsyncSignedClient, SignedClient
from ._outcome import AttemptRules, DocumentedStatuses
from ._retry import RetryPolicy
from ._settings import (
    AsyncTransport,
    Environment,
    check_async_transport,
    check_httpx_args,
    check_no_key_settings,
    check_timeout,
    host_url,
    retry_policy,
)
from ._signer import KalshiSigner
from ._signingkey import SigningKey

__all__ = ["KalshiClient", "signed_client"]


@define
class KalshiClient(AuthenticatedClient):
    """The generated ``AuthenticatedClient``, whose httpx2 clients sign, retry and raise.

    Pass it as ``client=`` to any function in ``kalshi_api_keys_client.api``, or to
    ``ApiKeysApi``. ``with_headers``, ``with_timeout`` and ``with_cookies`` (the generator's
    own) return clients that keep all of this. Build it with :func:`signed_client`.

    Of the generated client's eleven methods it overrides six, each because signing needs it:

    - ``get_httpx_client``/``get_async_httpx_client`` build the signing, retrying clients
      (the generated ones build a plain ``httpx2.Client`` that would send unsigned requests);
    - ``set_httpx_client``/``set_async_httpx_client`` are refused: a plain httpx2 client would
      drop signing, retries and typed errors;
    - ``__exit__``/``__aexit__`` close both httpx2 clients, and build neither (the generated
      ones build a client just to close it, and leave the other open).

    The generated bearer-token fields (``token``, ``prefix``, ``auth_header_name``) are not
    used: the ``KALSHI-ACCESS-*`` signature replaces them, so ``token`` stays empty and the key
    ID lives only in :attr:`signer`.
    """

    token: str = field(default="", init=False, repr=False)
    _rules: AttemptRules = field(kw_only=True, alias="rules")
    _async_transport: AsyncTransport = field(default="httpx", kw_only=True, alias="async_transport")
    _build_lock: threading.Lock = field(factory=threading.Lock, init=False, repr=False)

    def unexpected_status_error(
        self, status_code: int, content: bytes, method: str, path: str
    ) -> KalshiAPIError:
        """What ``ApiKeysApi`` raises through this client for an answer its spec does not
        document (error statuses have already raised): an :class:`UnexpectedStatusError`."""
        return unexpected_status_error(status_code, content, method, path)

    def malformed_answer_error(
        self, status_code: int, content: bytes, method: str, path: str, problem: BaseException
    ) -> ResponseFormatError:
        """What ``ApiKeysApi`` raises through this client for a success status whose body is
        not the documented model (not JSON, a missing field, a wrong type): a
        :class:`ResponseFormatError`, never the parser's bare KeyError or TypeError."""
        return malformed_answer_error(status_code, content, method, path, problem)

    def with_retry(self, retry: RetryPolicy) -> KalshiClient:
        """A client like this one (key, host, headers, timeout) that retries by ``retry``, with
        connections of its own: e.g. a clean-up call with a deadline of its own."""
        return evolve(self, rules=replace(self._rules, policy=retry))

    @property
    def signer(self) -> KalshiSigner:
        """What signs this client's requests: its key ID and key type (never key material)."""
        auth: KalshiAuth = self._httpx_args["auth"]
        return auth.signer

    def _httpx_kwargs(self) -> dict[str, Any]:
        # The generated client's own settings, read by field name: its cookie field shares a
        # name with httpx2's private cookie jar, which only _internals may touch.
        settings = asdict(self, recurse=False)
        return {
            "base_url": self._base_url,
            "cookies": settings["_cookies"],
            "headers": self._headers,
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            # The endpoint modules load with the first httpx2 client, not with kalshi_auth.
            "rules": replace(self._rules, documented=_documented_statuses(self._base_url)),
            **self._httpx_args,
        }

    def set_httpx_client(self, client: httpx2.Client) -> NoReturn:
        """Refused: a plain httpx2.Client would drop signing, retries and typed errors."""
        raise ConfigurationError(
            "set_httpx_client would replace the signing client and drop signing, retries and "
            "typed errors; pass what you need (transport, limits, proxy, event_hooks, ...) as "
            "signed_client(httpx_args={...}) instead"
        )

    def set_async_httpx_client(self, async_client: httpx2.AsyncClient) -> NoReturn:
        """Refused, as set_httpx_client."""
        raise ConfigurationError(
            "set_async_httpx_client would replace the signing client and drop signing, "
            "retries and typed errors; pass what you need as signed_client(httpx_args={...})"
        )

    def close(self) -> None:
        """Close the connections of both the sync and the async httpx2 client, if built.

        An async client can only be closed without an event loop running here; inside one,
        use ``await client.aclose()``.
        """
        if self._client is not None:
            self._client.close()
        if self._async_client is not None:
            import asyncio  # only here: sync-only programs never load asyncio

            try:
                asyncio.get_running_loop()
            except RuntimeError:
                # Connections opened in an event loop that has since closed cannot be closed
                # from another; they are dropped with the client.
                with contextlib.suppress(RuntimeError):
                    asyncio.run(self._async_client.aclose())
            else:
                raise ConfigurationError(
                    "an event loop is running: close this client with 'await client.aclose()'"
                )

    async def aclose(self) -> None:
        """Close the connections of both the async and the sync httpx2 client, if built."""
        if self._async_client is not None:
            await self._async_client.aclose()
        if self._client is not None:
            self._client.close()

    def __exit__(self, *args: object, **kwargs: Any) -> None:
        self.close()

    async def __aexit__(self, *args: object, **kwargs: Any) -> None:
        await self.aclose()

    def get_httpx_client(self) -> httpx2.Client:
        """The signing httpx2.Client, built once (thread-safe) on first use."""
        if self._client is None:
            with self._build_lock:
                if self._client is None:
                    self._client = SignedClient(**self._httpx_kwargs())
        return self._client

    def get_async_httpx_client(self) -> httpx2.AsyncClient:
        """The signing httpx2.AsyncClient, built once on first use."""
        if self._async_client is None:
            with self._build_lock:
                if self._async_client is None:
                    kwargs = self._httpx_kwargs()
                    if self._async_transport == "aiohttp":
                        from ._aiohttp import AiohttpTransport

                        kwargs["transport"] = AiohttpTransport(
                            verify=self._verify_ssl,
                            limits=kwargs.pop("limits", DEFAULT_LIMITS),
                        )
                    self._async_client = AsyncSignedClient(**kwargs)
        return self._async_client


def signed_client(
    *,
    api_key_id: str | None = None,
    private_key_path: str | os.PathLike[str] | None = None,
    private_key_pem: str | bytes | None = None,
    private_key_password: str | bytes | None = None,
    private_key_uri: str | None = None,
    signing_key: SigningKey | None = None,
    environment: Environment | None = None,
    base_url: str | None = None,
    timeout: float | httpx2.Timeout = 10.0,
    max_retries: int | None = None,
    retry: RetryPolicy | None = None,
    raise_on_error: bool = True,
    auth: KalshiAuth | None = None,
    headers: Mapping[str, str] | None = None,
    kalshi_path_prefix: str | None = None,
    httpx_args: Mapping[str, Any] | None = None,
    async_transport: AsyncTransport = "httpx",
    environ: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.time,
) -> KalshiClient:
    """A client for the generated API functions that signs every request as Kalshi requires.

    Credentials: ``api_key_id`` plus one key: ``private_key_path`` or ``private_key_pem`` (and
    ``private_key_password`` if encrypted), ``private_key_uri`` (a ``pkcs11:`` URI naming a key
    in a hardware token; the ``pkcs11`` extra), or ``signing_key`` (any
    :class:`SigningKey`, e.g. one backed by a cloud KMS). Whatever is not given is read from
    ``KALSHI_API_KEY_ID``, ``KALSHI_PRIVATE_KEY_PATH``/``_PEM``/``_URI`` and
    ``KALSHI_PRIVATE_KEY_PASSWORD``. Or pass a ready ``auth``.

    Host: ``environment`` ``"prod"`` or ``"demo"``, or an explicit ``base_url`` (e.g. a proxy,
    or the bundled fake exchange); with neither, ``KALSHI_BASE_URL`` if set, else production.
    Behind a reverse proxy that rewrites paths, ``kalshi_path_prefix`` is the path Kalshi sees
    for ``base_url``'s path (e.g. ``"/trade-api/v2"`` for ``https://proxy/kalshi-api``), so
    requests are signed for the path Kalshi verifies; without it they are signed exactly as
    sent. Non-2xx responses raise
    :class:`KalshiAPIError` subclasses unless ``raise_on_error=False``. GET and DELETE are
    retried ``max_retries`` times (default 2) on 429/502/503/504 and connection errors; POST
    only after a 429 or a failure that provably never left this machine (a repeated POST
    could make a second key). Use it as a context manager (``with`` or ``async with``) to
    close connections.

    ``async_transport="aiohttp"`` sends async calls over aiohttp (``pip install
    'kalshi-api-keys[aiohttp]'``): about twice the throughput for many concurrent calls, with
    the same signing, admission limit, retries, typed errors and timeouts (no write timeout).
    """
    url = host_url(environment, base_url, environ)
    retry = retry_policy(retry, max_retries)
    timeout = check_timeout(timeout)
    check_async_transport(async_transport, httpx_args or {})
    extra = check_httpx_args(httpx_args)
    if auth is None:
        credentials = resolve_credentials(
            api_key_id=api_key_id,
            private_key_path=private_key_path,
            private_key_pem=private_key_pem,
            private_key_password=private_key_password,
            private_key_uri=private_key_uri,
            signing_key=signing_key,
            environ=environ,
        )
        auth = KalshiAuth(credentials.signer(clock=clock))
    else:
        check_no_key_settings(
            {
                "api_key_id": api_key_id,
                "private_key_path": private_key_path,
                "private_key_pem": private_key_pem,
                "private_key_password": private_key_password,
                "private_key_uri": private_key_uri,
                "signing_key": signing_key,
                "environ": environ,
            },
            clock,
        )
    if kalshi_path_prefix is not None:
        local_prefix = wire_path(url)
        auth = KalshiAuth(auth.signer, path_rewrite=(local_prefix, kalshi_path_prefix))
    rules = AttemptRules(
        policy=retry,
        raise_on_error=raise_on_error,
        own_key_id=auth.signer.key_id,
    )
    return KalshiClient(
        base_url=url,
        headers=dict(headers or {}),
        timeout=timeout,
        httpx_args={**extra, "auth": auth},
        rules=rules,
        async_transport=async_transport,
    )


def _documented_statuses(base_url: str) -> DocumentedStatuses:
    from kalshi_api_keys_client.api.api_keys import DOCUMENTED_STATUSES

    return DocumentedStatuses(wire_path(base_url), DOCUMENTED_STATUSES)
