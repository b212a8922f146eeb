"""Serving a FakeExchange: real HTTP on loopback in a thread, or an in-process transport."""

from __future__ import annotations

import re
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2

from ._exchange import FakeExchange
from ._wire import FakeResponse, flat_error

__all__ = ["LOOPBACK_HOSTS", "RunningExchange", "mock_transport", "serve"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: The largest request body the fake reads (an API-key request is well under 10 KB).
MAX_BODY = 1 << 20
_MAX_LINE = 4096
_POLL_INTERVAL = 0.05
_STOP_WAIT = 5.0
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}(;[^\r\n]*)?\r?\n")


class _BadFraming(Exception):
    """A request body whose HTTP/1.1 framing is malformed, cut off or too large."""


def _chunk_size(line: bytes) -> int:
    if not _CHUNK_SIZE.fullmatch(line):
        raise _BadFraming("a chunk size is not a hexadecimal number")
    return int(line.split(b";", 1)[0].strip(), 16)


def _framing_refusal(reason: str) -> FakeResponse:
    return flat_error(400, "bad_request", f"malformed request body: {reason}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real exchange would
    # One buffered write per response and no Nagle: otherwise headers and body go out as two
    # small segments and delayed ACKs stall every keep-alive request by ~40 ms.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: _Server

    def _body(self) -> bytes:
        """The request body in either HTTP/1.1 framing, read strictly and at most
        ``MAX_BODY`` bytes: a cut-off, malformed or oversized body raises ``_BadFraming``."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked_body()
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isascii() or not declared.isdigit():
            raise _BadFraming("Content-Length is not a number")
        length = int(declared)
        if length > MAX_BODY:
            raise _BadFraming(f"the body is larger than {MAX_BODY} bytes")
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise _BadFraming("the body ended before its Content-Length")
        return body

    def _chunked_body(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = _chunk_size(self._line())
            if size == 0:
                while self._line() not in (b"\r\n", b"\n"):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise _BadFraming(f"the body is larger than {MAX_BODY} bytes")
            chunk = self.rfile.read(size)
            if len(chunk) != size or self._line() not in (b"\r\n", b"\n"):
                raise _BadFraming("a chunk ended before its size, or without its line break")
            chunks.append(chunk)

    def _line(self) -> bytes:
        """One framing line; the end of the stream (a cut-off body) or an endless line raises."""
        line = self.rfile.readline(_MAX_LINE + 1)
        if not line.endswith(b"\n") or len(line) > _MAX_LINE:
            raise _BadFraming("the body was cut off, or a framing line is too long")
        return line

    def _answer(self) -> None:
        try:
            body = self._body()
        except _BadFraming as exc:
            self.close_connection = True  # the stream's framing is lost: no keep-alive
            self._send(_framing_refusal(str(exc)))
            return
        self._send(self.server.exchange.handle(self.command, self.path, dict(self.headers), body))

    def _send(self, response: FakeResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
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
    stop = threading.Event()
    thread = threading.Thread(
        target=_serve_until, args=(server, stop), name="fake-kalshi", daemon=True
    )
    thread.start()
    try:
        bound_port = server.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        yield RunningExchange(exchange, f"http://{shown}:{bound_port}{exchange.path_prefix}")
    finally:
        stop.set()
        # A server still open when the interpreter shuts down has a frozen thread: waiting
        # for it would hang the exit for ever.
        if not sys.is_finalizing():
            thread.join(timeout=_STOP_WAIT)
        server.server_close()


def _serve_until(server: _Server, stop: threading.Event) -> None:
    """Accept connections until ``stop`` is set (checked every ``server.timeout`` seconds)."""
    server.timeout = _POLL_INTERVAL
    while not stop.is_set():
        server.handle_request()


def mock_transport(exchange: FakeExchange) -> httpx2.MockTransport:
    """An in-process transport (sync and async) that answers from ``exchange``."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        response = exchange.handle(
            request.method, request.url.raw_path.decode("ascii"), request.headers, request.read()
        )
        return httpx2.Response(response.status, headers=response.headers, content=response.body)

    return httpx2.MockTransport(handler)
