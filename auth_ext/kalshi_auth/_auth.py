"""KalshiAuth: the signer as one httpx2.Auth, for sync and async clients alike."""

from __future__ import annotations

import functools
import ipaddress
import os
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import Any

import httpx2

from ._credentials import resolve_credentials
from ._errors import ConfigurationError
from ._internals import REQUEST_HEADERS_EVENT
from ._keys import load_private_key
from ._redact import shown
from ._signer import (
    ACCESS_KEY_HEADER,
    ACCESS_SIGNATURE_HEADER,
    ACCESS_TIMESTAMP_HEADER,
    KalshiSigner,
)
from ._tripwire import check_outgoing

__all__ = ["KalshiAuth", "is_loopback", "signed_path"]


def signed_path(request: httpx2.Request) -> str:
    """The request's path as sent on the wire (percent-encoded, from the host root), no query."""
    return wire_path(request.url)


def wire_path(url: httpx2.URL | str) -> str:
    """A URL's path as it goes on the wire, percent-encoding kept (``URL.path`` decodes it, so
    ``/kalshi%20prod`` would not match the paths requests are signed for), no query."""
    return httpx2.URL(url).raw_path.split(b"?", 1)[0].decode("ascii")


@functools.lru_cache(maxsize=64)
def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (plain http is acceptable only there)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_prefix(prefix: str, what: str) -> str:
    if not prefix.startswith("/") or "?" in prefix or "#" in prefix:
        raise ConfigurationError(
            f"{what} must be a URL path starting with '/', not {shown(prefix)}"
        )
    return prefix.rstrip("/")


class KalshiAuth(httpx2.Auth):
    """Signs every request with Kalshi's three ``KALSHI-ACCESS-*`` headers.

    Sans-I/O (one ``auth_flow`` serves ``httpx2.Client`` and ``httpx2.AsyncClient``) and holds no
    per-request state, so one instance can be shared across threads and tasks. Exactly one RSA
    signature per request sent; a retried request is signed again with a fresh timestamp.
    """

    requires_request_body = False
    requires_response_body = False

    def __init__(
        self, signer: KalshiSigner, *, path_rewrite: tuple[str, str] | None = None
    ) -> None:
        """``path_rewrite=(local_prefix, kalshi_prefix)`` is for a reverse proxy that rewrites
        paths: a request to ``local_prefix/...`` is signed as Kalshi will see it,
        ``kalshi_prefix/...``. Without it the path is signed exactly as sent."""
        self.signer = signer
        self.path_rewrite = (
            None
            if path_rewrite is None
            else (
                _check_prefix(path_rewrite[0], "the local path prefix"),
                _check_prefix(path_rewrite[1], "the Kalshi path prefix"),
            )
        )

    @classmethod
    def from_key_file(
        cls,
        api_key_id: str,
        path: str | os.PathLike[str],
        *,
        password: str | bytes | None = None,
        clock: Callable[[], float] = time.time,
    ) -> KalshiAuth:
        """Sign as ``api_key_id`` with the PEM private key stored at ``path``."""
        key = load_private_key(path, password=password)
        return cls(KalshiSigner(api_key_id, key, clock=clock))

    @classmethod
    def from_pem(
        cls,
        api_key_id: str,
        pem: str | bytes,
        *,
        password: str | bytes | None = None,
        clock: Callable[[], float] = time.time,
    ) -> KalshiAuth:
        """Sign as ``api_key_id`` with a PEM private key given as text."""
        key = load_private_key(pem=pem, password=password)
        return cls(KalshiSigner(api_key_id, key, clock=clock))

    @classmethod
    def from_uri(
        cls,
        api_key_id: str,
        uri: str,
        *,
        environ: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> KalshiAuth:
        """Sign as ``api_key_id`` with the key a ``pkcs11:`` URI names in a hardware token
        (module from the URI or ``KALSHI_PKCS11_MODULE``, PIN from the URI or
        ``KALSHI_PKCS11_PIN``); needs the ``pkcs11`` extra."""
        credentials = resolve_credentials(api_key_id=api_key_id, private_key_uri=uri,
                                          environ=environ)  # fmt: skip
        return cls(credentials.signer(clock=clock))

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> KalshiAuth:
        """Read ``KALSHI_API_KEY_ID`` and ``KALSHI_PRIVATE_KEY_PATH``, ``_PEM`` or ``_URI`` (plus
        optional ``KALSHI_PRIVATE_KEY_PASSWORD``) from ``environ`` (default os.environ)."""
        return cls(resolve_credentials(environ=environ).signer(clock=clock))

    def sync_auth_flow(
        self, request: httpx2.Request
    ) -> Generator[httpx2.Request, httpx2.Response, None]:
        _guard_redirects(request, asynchronous=False)
        _sign_when_sent(self, request, asynchronous=False)
        # httpx2's default wraps auth_flow in a second generator to read bodies we never need.
        return self.auth_flow(request)

    def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        _guard_redirects(request, asynchronous=True)
        _sign_when_sent(self, request, asynchronous=True)
        return super().async_auth_flow(request)

    def path_to_sign(self, request: httpx2.Request) -> str:
        """The path Kalshi will see for ``request`` (see ``path_rewrite``)."""
        path = signed_path(request)
        if self.path_rewrite is not None:
            local, kalshi = self.path_rewrite
            if path == local or path.startswith(local + "/"):
                return kalshi + path[len(local) :]
        return path

    def auth_flow(
        self, request: httpx2.Request
    ) -> Generator[httpx2.Request, httpx2.Response, None]:
        url = request.url
        if url.scheme != "https" and not is_loopback(url.host):
            raise ConfigurationError(
                f"refusing to sign a plain {url.scheme}:// request to {url.host}: anyone on the "
                "path could replay it. Use https (plain http is allowed to loopback only)."
            )
        check_outgoing(request)  # nothing leaves with private-key material in it
        if not request.extensions.get(SIGN_WHEN_SENT):
            # Item assignment: about half the cost of Headers.update, which builds a Headers.
            for name, value in self.signer.sign(request.method, self.path_to_sign(request)).items():
                request.headers[name] = value
        response = yield request
        if response.history and not request.extensions.get(_GUARDED_HOPS):
            _refuse_redirects(request, response)

    def __repr__(self) -> str:
        return f"KalshiAuth({self.signer!r})"


#: Set by the signed clients, which never follow redirects: no guard needed.
NO_REDIRECTS = "kalshi_auth.no_redirects"
#: Set by the signed clients whose every pool is httpcore2's: the request is signed at the
#: moment its headers are written (httpcore2's trace), never earlier, so it cannot wait signed
#: in a pool queue until its timestamp is stale; no admission limit is needed for that.
SIGN_WHEN_SENT = "kalshi_auth.sign_when_sent"
_TRACE_BEFORE_SIGNING = "kalshi_auth.trace_before_signing"
_GUARDED_HOPS = "kalshi_auth.guarded_hops"
_OUR_HEADERS = frozenset(
    name.lower().encode("ascii")
    for name in (ACCESS_KEY_HEADER, ACCESS_SIGNATURE_HEADER, ACCESS_TIMESTAMP_HEADER)
)
_DEFAULT_PORTS = {b"https": 443, b"http": 80}


def _guard_redirects(request: httpx2.Request, *, asynchronous: bool) -> None:
    """Keep our headers off every redirect hop to another origin.

    httpx2 follows redirects inside one auth step and copies every header but Authorization onto
    each hop; it also copies the request's extensions. So a ``trace`` extension (httpcore2 calls
    it just before a hop's headers are written) strips our three headers from any hop whose
    origin is not the first request's. Transports without httpcore2's tracing are covered by
    ``_refuse_redirects`` instead.
    """
    if request.extensions.get(NO_REDIRECTS):
        return
    url = request.url
    first = (url.raw_scheme, url.raw_host, url.port or _DEFAULT_PORTS.get(url.raw_scheme))
    previous = request.extensions.get("trace")
    guarded: list[bytes] = []

    def strip(name: str, info: dict[str, Any]) -> None:
        hop = info.get("request")
        if not name.endswith(REQUEST_HEADERS_EVENT) or hop is None:
            return
        target = hop.url
        origin = (target.scheme, target.host, target.port or _DEFAULT_PORTS.get(target.scheme))
        if origin != first:
            hop.headers = [(k, v) for k, v in hop.headers if k.lower() not in _OUR_HEADERS]
        guarded.append(target.host)

    request.extensions["trace"] = _traced(strip, previous, asynchronous=asynchronous)
    request.extensions[_GUARDED_HOPS] = guarded


def _sign_when_sent(auth: KalshiAuth, request: httpx2.Request, *, asynchronous: bool) -> None:
    """Sign ``request`` just before httpcore2 writes its headers (see SIGN_WHEN_SENT), through
    the ``trace`` extension, chained with any trace already set."""
    if not request.extensions.get(SIGN_WHEN_SENT):
        return
    method, path = request.method, auth.path_to_sign(request)
    # The caller's own trace, kept from the first attempt: a retry must not chain the earlier
    # attempt's signer, which would put its stale signature back.
    previous = request.extensions.setdefault(_TRACE_BEFORE_SIGNING, request.extensions.get("trace"))

    # Only the request itself is signed: a proxy's CONNECT carries the same trace, and a fresh
    # signature on it would hand the proxy one it could replay.
    method_bytes, target = method.encode("ascii"), signed_path(request).encode("ascii")

    def sign(name: str, info: dict[str, Any]) -> None:
        hop = info.get("request")
        if hop is None or not name.endswith(REQUEST_HEADERS_EVENT):
            return
        if hop.method != method_bytes or hop.url.target.split(b"?", 1)[0] != target:
            return
        signed = auth.signer.sign(method, path)
        hop.headers = [(k, v) for k, v in hop.headers if k.lower() not in _OUR_HEADERS] + [
            (name.encode("ascii"), value.encode("ascii")) for name, value in signed.items()
        ]

    request.extensions["trace"] = _traced(sign, previous, asynchronous=asynchronous)


def _traced(
    step: Callable[[str, dict[str, Any]], None], previous: Any, *, asynchronous: bool
) -> Callable[[str, dict[str, Any]], Any]:
    """An httpcore2 ``trace`` extension that runs ``step`` on every event, then ``previous``
    (the trace already set, if any); a coroutine function for async clients, as httpcore2
    awaits theirs."""
    if asynchronous:

        async def trace(name: str, info: dict[str, Any]) -> None:
            step(name, info)
            if previous is not None:
                await previous(name, info)

        return trace

    def sync_trace(name: str, info: dict[str, Any]) -> None:
        step(name, info)
        if previous is not None:
            previous(name, info)

    return sync_trace


def _refuse_redirects(request: httpx2.Request, response: httpx2.Response) -> None:
    """A transport without httpcore2's tracing followed a redirect with our headers on: they
    may have reached another origin. Refuse to let such a call pass unnoticed."""
    first = request.url
    hops = [hop.request.url for hop in (*response.history[1:], response)]
    elsewhere = [
        u for u in hops if (u.scheme, u.host, u.port) != (first.scheme, first.host, first.port)
    ]
    where = f" to another origin ({elsewhere[0].host})" if elsewhere else ""
    raise ConfigurationError(
        f"the httpx2 client followed a redirect{where} and sent the Kalshi signature headers "
        "along; build it with follow_redirects=False (httpx2's default). Kalshi does not "
        "redirect signed API requests, and the signature covers the original path."
    )
