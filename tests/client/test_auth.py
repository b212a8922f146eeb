"""``KalshiAuth`` in an httpx2 client of the user's own (``_auth``): no signature leaks or breaks.

Redirects to another origin, plain http and path-rewriting proxies, over loopback. The signed
bytes themselves: tests/unit/test_signer.py."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx2
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from kalshi_api_keys_client.api.api_keys import (
    ApiKeysApi,
)
from kalshi_auth import (
    AuthenticationError,
    ConfigurationError,
    KalshiAuth,
    KalshiSigner,
    signed_client,
)
from kalshi_auth.testing import FakeExchange, serve


@pytest.fixture
def redirecting() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """127.0.0.1 redirects to 127.0.0.2 (another origin), which records the headers it gets."""
    seen: list[dict[str, str]] = []

    class Target(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    target = ThreadingHTTPServer(("127.0.0.2", 0), Target)
    where = f"http://127.0.0.2:{target.server_address[1]}/elsewhere"

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    source = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (target, source)]
    for thread in threads:
        thread.start()
    try:
        yield f"http://127.0.0.1:{source.server_address[1]}/trade-api/v2/api_keys", seen
    finally:
        for server in (target, source):
            server.shutdown()
            server.server_close()


def test_a_redirect_to_another_origin_never_carries_the_signature(
    redirecting: tuple[str, list[dict[str, str]]],
) -> None:
    """Failed before: a followed redirect to another origin carried our three KALSHI-ACCESS
    headers."""
    url, seen = redirecting
    auth = KalshiAuth(KalshiSigner("k", ed25519.Ed25519PrivateKey.generate()))
    with httpx2.Client(auth=auth, follow_redirects=True) as http:
        assert http.get(url).status_code == 200

    async def fetch() -> int:
        async with httpx2.AsyncClient(auth=auth, follow_redirects=True) as client:
            return (await client.get(url)).status_code

    assert asyncio.run(fetch()) == 200
    assert len(seen) == 2
    for headers in seen:  # the other origin got the request, never our three headers
        assert not any(name.lower().startswith("kalshi-access") for name in headers)


def test_a_transport_that_cannot_be_guarded_is_refused_loudly() -> None:
    """A transport without httpcore2's tracing (here MockTransport) cannot have the headers
    stripped on the way: the call is refused instead of passing unnoticed. Failed before: it
    passed."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.host == "kalshi.test":
            return httpx2.Response(302, headers={"Location": "https://elsewhere.test/steal"})
        return httpx2.Response(200)

    auth = KalshiAuth(KalshiSigner("k", ed25519.Ed25519PrivateKey.generate()))
    transport = httpx2.MockTransport(handler)
    with (
        httpx2.Client(auth=auth, transport=transport, follow_redirects=True) as http,
        pytest.raises(ConfigurationError, match=r"another origin \(elsewhere.test\)"),
    ):
        http.get("https://kalshi.test/trade-api/v2/api_keys")
    with httpx2.Client(auth=auth, transport=transport) as http:  # httpx2's default: not followed
        assert http.get("https://kalshi.test/trade-api/v2/api_keys").status_code == 302


def test_plain_http_is_signed_only_to_loopback() -> None:
    """Failed before: KalshiAuth on its own signed plain http to any host; signed_client already
    refused."""
    auth = KalshiAuth(KalshiSigner("k", ed25519.Ed25519PrivateKey.generate()))
    transport = httpx2.MockTransport(lambda r: httpx2.Response(200))
    with httpx2.Client(auth=auth, transport=transport) as http:
        with pytest.raises(ConfigurationError, match="plain http"):
            http.get("http://kalshi.test/trade-api/v2/api_keys")
        assert http.get("http://127.0.0.1:1/trade-api/v2/api_keys").status_code == 200
        assert http.get("http://[::1]:1/trade-api/v2/api_keys").status_code == 200


@pytest.fixture(params=["/kalshi-api", "/kalshi%20prod"], ids=["plain", "percent-encoded"])
def rewriting_proxy(request: pytest.FixtureRequest) -> Iterator[tuple[FakeExchange, str]]:
    """A real HTTP proxy on loopback that maps {prefix}/... onto the fake's /trade-api/v2/...;
    the percent-encoded prefix failed before (signed for the decoded path: 401)."""
    prefix: str = request.param
    exchange = FakeExchange()
    with serve(exchange) as running:
        upstream = running.base_url.removesuffix("/trade-api/v2")

        class Proxy(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                path = self.path.replace(prefix, "/trade-api/v2", 1)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                answer = httpx2.request(
                    self.command, upstream + path, headers=headers, content=body
                )
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_DELETE = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield exchange, f"http://127.0.0.1:{server.server_address[1]}{prefix}"
        finally:
            server.shutdown()
            server.server_close()


def test_a_path_rewriting_proxy_needs_and_gets_kalshi_path_prefix(
    rewriting_proxy: tuple[FakeExchange, str],
) -> None:
    """Failed before: behind a proxy that rewrites the path, every call got 401 and no option signed
    the path Kalshi receives."""
    exchange, proxy_url = rewriting_proxy
    key = exchange.add_key(name="via-proxy")
    assert key.private_key_pem is not None
    pem = key.private_key_pem
    with (
        signed_client(api_key_id=key.api_key_id, private_key_pem=pem, base_url=proxy_url) as sent,
        pytest.raises(AuthenticationError) as err,
    ):
        ApiKeysApi(sent).get_api_keys()
    assert err.value.cause == "signature"
    with signed_client(
        api_key_id=key.api_key_id,
        private_key_pem=pem,
        base_url=proxy_url,
        kalshi_path_prefix="/trade-api/v2",
    ) as rewritten:
        assert [k.name for k in ApiKeysApi(rewritten).get_api_keys().api_keys] == ["via-proxy"]
    assert [r.path for r in exchange.requests] == ["/trade-api/v2/api_keys"] * 2
