"""Serving a FakeExchange: real HTTP on loopback in a thread, or an in-process transport."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from ._exchange import FakeExchange

__all__ = ["LOOPBACK_HOSTS", "RunningExchange", "mock_transport", "serve"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real exchange would
    # One buffered write per response and no Nagle: otherwise headers and body go out as two
    # small segments and delayed ACKs stall every keep-alive request by ~40 ms.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: _Server

    def _body(self) -> bytes:
        """The request body in either HTTP/1.1 framing: Content-Length or chunked."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self) -> None:
        try:
            body = self._body()
        except ValueError:
            self.send_error(400, "malformed request body framing")
            return
        response = self.server.exchange.handle(self.command, self.path, dict(self.headers), body)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    # Every method reaches the exchange, which answers the ones it does not serve with a JSON
    # 405, as for its other refusals (the base class would send an HTML 501 page).
    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _answer

    def __getattr__(self, name: str) -> Any:
        # Any other method (HEAD, TRACE, QUERY, ...) gets the same treatment.
        if name.startswith("do_"):
            return self._answer
        raise AttributeError(name)

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header follows the exchange's clock, so clock skew can be simulated."""
        return super().date_time_string(
            self.server.exchange.clock() if timestamp is None else timestamp
        )

    def log_message(self, format: str, *args: object) -> None:
        """Silent: tests and demos print what matters themselves."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # bursts of concurrent connects must not overflow the backlog

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-request is normal for a test server; anything else is not."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    def __init__(self, exchange: FakeExchange, host: str, port: int) -> None:
        self.exchange = exchange
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)


@dataclass(frozen=True)
class RunningExchange:
    """A FakeExchange being served; ``base_url`` includes the ``/trade-api/v2`` prefix."""

    exchange: FakeExchange
    base_url: str


@contextmanager
def serve(
    exchange: FakeExchange | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningExchange]:
    """Serve ``exchange`` (a new default one if None) over HTTP until the block exits.

    ``port=0`` picks a free ephemeral port. Only loopback hosts are allowed.
    """
    if host not in LOOPBACK_HOSTS:
        raise ValueError("the fake exchange only listens on loopback (127.0.0.1, localhost, ::1)")
    exchange = exchange or FakeExchange()
    server = _Server(exchange, host, port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-kalshi", daemon=True
    )
    thread.start()
    try:
        bound_port = server.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        yield RunningExchange(exchange, f"http://{shown}:{bound_port}{exchange.path_prefix}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def mock_transport(exchange: FakeExchange) -> httpx.MockTransport:
    """An in-process transport (sync and async) that answers from ``exchange``."""

    def handler(request: httpx.Request) -> httpx.Response:
        response = exchange.handle(
            request.method, request.url.raw_path.decode("ascii"), request.headers, request.read()
        )
        return httpx.Response(response.status, headers=response.headers, content=response.body)

    return httpx.MockTransport(handler)
