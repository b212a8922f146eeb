"""Every private name ``kalshi_auth._internals`` relies on still exists, and only it uses them.

Run this first after upgrading httpx2, httpcore2 or aiohttp: each test names the internal and
the version ``_internals`` was checked against. The behaviour they buy is tested through the
clients in ``test_lean_client.py``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any

import httpx2
import pytest
from kalshi_auth import _internals

PACKAGE = Path(__file__).resolve().parent.parent.parent / "auth_ext" / "kalshi_auth"
PRIVATE_USES = re.compile(
    r"_merge_url|\._cookies\b|\._pool\b|_max_connections|send_request_headers|_retry_connection"
    r"|_network_backend|\._transport\b|\._mounts\b"
)


def test_no_other_module_uses_a_librarys_internals() -> None:
    users = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if PRIVATE_USES.search(path.read_text(encoding="utf-8"))
    )
    assert users == ["_internals.py"]


def test_httpx_client_merge_url_and_cookie_jar_exist() -> None:
    """httpx2 2.16.2: ``Client._merge_url(url)`` joins base_url; ``Client._cookies`` is the jar."""
    for cls in (httpx2.Client, httpx2.AsyncClient):
        client = cls(base_url="https://kalshi.test/trade-api/v2")
        merge = client._merge_url
        assert str(merge("/api_keys")) == "https://kalshi.test/trade-api/v2/api_keys"
        assert isinstance(client._cookies, httpx2.Cookies)
    assert callable(httpx2.Cookies.extract_cookies)


def test_httpx_transports_keep_httpcores_pool_limit() -> None:
    """httpx2 2.16.2 ``HTTPTransport._pool``: httpcore2 2.16.2's pool, with ``_max_connections``."""
    limits = httpx2.Limits(max_connections=7)
    sync = httpx2.HTTPTransport(limits=limits)
    asynchronous = httpx2.AsyncHTTPTransport(limits=limits)
    assert sync._pool._max_connections == 7
    assert asynchronous._pool._max_connections == 7
    assert _internals.transport_pool_limit(sync) == 7
    assert _internals.transport_pool_limit(asynchronous) == 7


def test_httpx_clients_keep_transports_and_httpcores_pools_their_backend() -> None:
    """httpx2 2.16.2 ``Client._transport``/``Client._mounts``; httpcore2 2.16.2
    ``ConnectionPool._network_backend``: a signed client's pools all honour call deadlines."""
    from kalshi_auth._deadline import DeadlineBackend

    mount = httpx2.HTTPTransport()
    client = httpx2.Client(mounts={"all://other.test": mount})
    assert client._transport._pool._network_backend is not None  # type: ignore[attr-defined]
    assert list(client._mounts.values()) == [mount]
    assert _internals.bound_by_call_deadline(client) == 2
    assert _internals.bound_by_call_deadline(client) == 0  # never wrapped twice
    assert isinstance(mount._pool._network_backend, DeadlineBackend)


@pytest.fixture
def server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_httpcore_names_the_request_headers_event(server: str) -> None:
    """httpcore2 2.16.2 traces ``http11.send_request_headers.started`` with the request."""
    events: list[tuple[str, Any]] = []
    with httpx2.Client() as client:
        client.get(server, extensions={"trace": lambda name, info: events.append((name, info))})
    started = [info for name, info in events if name.endswith(_internals.REQUEST_HEADERS_EVENT)]
    assert len(started) == 1
    assert started[0]["request"].headers  # the hop's headers, which the redirect guard edits


def test_aiohttp_session_has_its_resend_switch() -> None:
    """aiohttp >= 3.11 (checked on 3.14.5): ``ClientSession._retry_connection``."""
    aiohttp = pytest.importorskip("aiohttp")

    async def check() -> None:
        async with aiohttp.ClientSession() as session:
            assert session._retry_connection is True
            _internals.stop_aiohttp_resend(session)
            assert session._retry_connection is False

    asyncio.run(check())


def test_only_httpx2s_own_pools_count_as_signing_when_sent() -> None:
    """httpx2 2.16.2 ``Client._transport``/``Client._mounts``: a client with any other transport
    keeps signing in its auth flow (and the admission limit)."""
    own = httpx2.Client(mounts={"all://other.test": httpx2.HTTPTransport()})
    mocked = httpx2.Client(transport=httpx2.MockTransport(lambda request: httpx2.Response(200)))
    assert _internals.httpcore_pools_only(own)
    assert not _internals.httpcore_pools_only(mocked)
