"""Every use of another library's private internals, each with the version it was checked against.

Checked against httpx2 2.16.2, httpcore2 2.16.2 and aiohttp 3.14.5 (the pins in
requirements/dev.txt). Each use is here for a measured or required reason, and
``tests/unit/test_internals.py`` fails loudly if any of them disappears: run it first after
upgrading one of these libraries. Nothing else in kalshi_auth touches a private name.
"""

from __future__ import annotations

from typing import Any

import httpx2

__all__ = [
    "REQUEST_HEADERS_EVENT",
    "LeanBuilding",
    "bound_by_call_deadline",
    "httpcore_pools_only",
    "stop_aiohttp_resend",
    "transport_pool_limit",
]

#: The suffix of httpcore2's trace event fired just before a request's headers are written
#: (``http11.send_request_headers.started``, ``http2.send_request_headers.started``).
#: httpcore2 2.16.2: ``_async/http11.py`` and ``_async/http2.py`` name their events so.
REQUEST_HEADERS_EVENT = "send_request_headers.started"


class _KeptCookies(httpx2.Cookies):
    """The cookies the caller set, sent as given; answers' Set-Cookie is not kept. Kalshi's API
    uses no cookies (its official SDK keeps none), and httpx2's cookie jar costs every call."""

    def extract_cookies(self, response: httpx2.Response) -> None:
        return None


class LeanBuilding:
    """Request building without the work a Kalshi call never needs (measured: 347 -> 77 us of
    a 325 us call): ``base_url`` joined to a path once per distinct path (httpx2 parses both
    again on every call), no empty query merge (which parses the URL once more), and no cookie
    jar fed from answers.

    httpx2 2.16.2 internals used: ``Client._merge_url`` (overridden; every request URL goes
    through it) and ``Client._cookies`` (the jar ``build_request`` merges from and ``send``
    extracts into; swapped for one that keeps nothing from answers).
    """

    _base_url: httpx2.URL

    def _init_lean(self) -> None:
        self._joined: dict[str, httpx2.URL] = {}
        self._joined_base = self._base_url
        client: Any = self
        client._cookies = _KeptCookies(client._cookies)

    def _merge_url(self, url: httpx2.URL | str) -> httpx2.URL:
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

    def build_request(self, method: str, url: httpx2.URL | str, **kwargs: Any) -> httpx2.Request:
        if not kwargs.get("params"):
            kwargs["params"] = None
        build: Any = super().build_request  # type: ignore[misc]
        return build(method, url, **kwargs)  # type: ignore[no-any-return]


def transport_pool_limit(transport: object) -> int | None:
    """How many connections ``transport``'s pool holds (None: no limit, or not known).

    httpx2 2.16.2's ``HTTPTransport``/``AsyncHTTPTransport`` keep httpcore2 2.16.2's pool as
    ``_pool``, whose limit is ``_max_connections``; our aiohttp transport says it publicly as
    ``max_connections``.
    """
    pool = getattr(transport, "_pool", None)
    limit = getattr(pool, "_max_connections", getattr(transport, "max_connections", None))
    return limit if isinstance(limit, int) else None


def bound_by_call_deadline(client: httpx2.Client) -> int:
    """Make the network backend of each of ``client``'s connection pools (its transport and its
    mounts, proxies from the environment among them) honour the running call's deadline; how
    many pools it wrapped (a transport without an httpcore2 pool is left as it is).

    httpx2 2.16.2 keeps a client's transport as ``Client._transport`` and its mounts as
    ``Client._mounts``; its ``HTTPTransport`` keeps httpcore2 2.16.2's pool as ``_pool``, which
    opens every connection through ``_network_backend``.
    """
    import httpcore2

    from ._deadline import DeadlineBackend

    held: Any = client
    wrapped = 0
    for transport in [held._transport, *held._mounts.values()]:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore2.NetworkBackend) and not isinstance(
            backend, DeadlineBackend
        ):
            pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
            wrapped += 1
    return wrapped


def httpcore_pools_only(client: httpx2.Client | httpx2.AsyncClient) -> bool:
    """Whether every transport ``client`` may send through (its transport and its mounts) is
    httpx2's own, on an httpcore2 pool (or our per-loop wrapper of one): the transports that
    trace ``send_request_headers`` for every request, so a request can be signed then.

    httpx2 2.16.2 keeps them as ``Client._transport`` and ``Client._mounts``.
    """
    from ._loops import PerLoopTransport

    held: Any = client
    own = (httpx2.HTTPTransport, httpx2.AsyncHTTPTransport, PerLoopTransport)
    transports = [held._transport, *held._mounts.values()]
    return all(transport is None or type(transport) in own for transport in transports)


def stop_aiohttp_resend(session: Any) -> None:
    """Switch off aiohttp's own re-send of a GET or DELETE whose kept-alive connection dropped:
    a second request on one signature, outside the retry policy.

    aiohttp 3.11 added ``ClientSession._retry_connection`` (checked on 3.14.5); setting a
    missing attribute would warn, and the suite treats warnings as errors.
    """
    session._retry_connection = False
