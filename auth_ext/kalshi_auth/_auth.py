"""KalshiAuth: the signer as one httpx.Auth, for sync and async clients alike."""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable, Generator, Mapping

import httpx

from ._errors import ConfigurationError
from ._keys import load_private_key, resolve_credentials
from ._signer import KalshiSigner

__all__ = ["KalshiAuth", "is_loopback", "signed_path"]


def signed_path(request: httpx.Request) -> str:
    """The request's path as sent on the wire (percent-encoded, from the host root), no query."""
    return request.url.raw_path.split(b"?", 1)[0].decode("ascii")


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
        raise ConfigurationError(f"{what} must be a URL path starting with '/', not {prefix!r}")
    return prefix.rstrip("/")


class KalshiAuth(httpx.Auth):
    """Signs every request with Kalshi's three ``KALSHI-ACCESS-*`` headers.

    Sans-I/O (one ``auth_flow`` serves ``httpx.Client`` and ``httpx.AsyncClient``) and holds no
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
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> KalshiAuth:
        """Read ``KALSHI_API_KEY_ID`` and ``KALSHI_PRIVATE_KEY_PATH`` or ``KALSHI_PRIVATE_KEY_PEM``
        (plus optional ``KALSHI_PRIVATE_KEY_PASSWORD``) from ``environ`` (default os.environ)."""
        credentials = resolve_credentials(environ=environ)
        return cls(KalshiSigner(credentials.key_id, credentials.private_key, clock=clock))

    def path_to_sign(self, request: httpx.Request) -> str:
        """The path Kalshi will see for ``request`` (see ``path_rewrite``)."""
        path = signed_path(request)
        if self.path_rewrite is not None:
            local, kalshi = self.path_rewrite
            if path == local or path.startswith(local + "/"):
                return kalshi + path[len(local) :]
        return path

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        url = request.url
        if url.scheme != "https" and not is_loopback(url.host):
            raise ConfigurationError(
                f"refusing to sign a plain {url.scheme}:// request to {url.host}: anyone on the "
                "path could replay it. Use https (plain http is allowed to loopback only)."
            )
        # Item assignment: about half the cost of Headers.update, which builds a Headers first.
        for name, value in self.signer.sign(request.method, self.path_to_sign(request)).items():
            request.headers[name] = value
        response = yield request
        if response.history:
            _refuse_redirects(request, response)

    def __repr__(self) -> str:
        return f"KalshiAuth({self.signer!r})"


def _refuse_redirects(request: httpx.Request, response: httpx.Response) -> None:
    """httpx follows redirects inside one auth step and copies every header but Authorization
    onto each hop, so a client that follows them hands the signature to wherever it is sent.
    KalshiAuth cannot stop the copy; it refuses to let such a call pass unnoticed."""
    first = request.url
    hops = [hop.request.url for hop in (*response.history[1:], response)]
    elsewhere = [
        u for u in hops if (u.scheme, u.host, u.port) != (first.scheme, first.host, first.port)
    ]
    where = f" to another origin ({elsewhere[0].host})" if elsewhere else ""
    raise ConfigurationError(
        f"the httpx client followed a redirect{where} and sent the Kalshi signature headers "
        "along; build it with follow_redirects=False (httpx's default). Kalshi does not "
        "redirect signed API requests, and the signature covers the original path."
    )
