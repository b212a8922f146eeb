"""The fake exchange's HTTP server: strict framing, bounded reads, a stop that never hangs."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import httpx2
import pytest
from kalshi_auth.testing import FakeExchange, RunningExchange, serve

from ..cli_support import Shell


@pytest.fixture
def running() -> Iterator[RunningExchange]:
    with serve(FakeExchange()) as running:
        yield running


def _exchange_raw(running: RunningExchange, request: bytes, *, half_close: bool = True) -> bytes:
    """Send raw bytes to the fake, then read its whole answer (it closes after a refusal)."""
    host, port = running.base_url.split("//", 1)[1].split("/", 1)[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(request)
        if half_close:
            conn.shutdown(socket.SHUT_WR)  # the body is cut off where the bytes end
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def _post(path: str, framing: str, body: bytes) -> bytes:
    head = f"POST /trade-api/v2{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{framing}\r\n"
    return head.encode() + body


@pytest.mark.parametrize(
    ("framing", "body"),
    [
        ("Transfer-Encoding: chunked\r\n", b'5\r\n{"nam\r\n'),  # no last chunk
        ("Transfer-Encoding: chunked\r\n", b"-1\r\n"),
        ("Transfer-Encoding: chunked\r\n", b"zz\r\n"),
        ("Transfer-Encoding: chunked\r\n", b"FFFFFFF\r\n"),  # far above MAX_BODY
        ("Transfer-Encoding: chunked\r\n", b'5\r\n{"n\r\n'),  # chunk shorter than its size
        ("Transfer-Encoding: chunked\r\n", b"2\r\n{}XX0\r\n\r\n"),  # no CRLF after a chunk
        ("Transfer-Encoding: chunked\r\n", b"0\r\n"),  # no end of trailers
        ("Transfer-Encoding: chunked\r\n", b"1" * 10_000),  # an endless size line
        ("Content-Length: 50\r\n", b'{"name": "cut"}'),
        ("Content-Length: -1\r\n", b""),
        ("Content-Length: 1048577\r\n", b""),  # MAX_BODY + 1
    ],
    ids=[
        "no-last-chunk",
        "negative-size",
        "not-hex",
        "huge-size",
        "short-chunk",
        "no-crlf",
        "no-trailer-end",
        "endless-line",
        "short-body",
        "negative-length",
        "too-long",
    ],
)
def test_a_malformed_body_is_answered_400_and_makes_no_key(
    running: RunningExchange, framing: str, body: bytes
) -> None:
    answer = _exchange_raw(running, _post("/api_keys/generate", framing, body))
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:80]
    assert b"malformed request body" in answer
    assert b"Connection: close" in answer
    assert not [r for r in running.exchange.requests if r.path.endswith("/generate")]


def test_a_well_framed_chunked_body_is_read_whole(running: RunningExchange) -> None:
    payload = b'{"name": "chunky"}'
    body = b"%x;ext=1\r\n%s\r\n0\r\nX-Trailer: yes\r\n\r\n" % (len(payload), payload)
    answer = _exchange_raw(
        running, _post("/api_keys/generate", "Transfer-Encoding: chunked\r\n", body)
    )
    # Unsigned, so refused by the exchange itself: the framing was read, the body reached it.
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:80]
    assert [r.path for r in running.exchange.requests] == ["/trade-api/v2/api_keys/generate"]


def test_a_server_left_open_does_not_hang_an_exiting_interpreter() -> None:
    script = textwrap.dedent(
        """
        from kalshi_auth.testing import serve
        left_open = serve()
        running = left_open.__enter__()
        print(running.base_url)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("http://127.0.0.1:")


def test_the_fake_reads_chunked_bodies_and_refuses_other_methods_in_json(shell: Shell) -> None:
    """Failed before: a chunked body was not read, and TRACE got the HTTP server's HTML 501."""
    from kalshi_auth import KalshiAuth

    auth = KalshiAuth.from_pem(shell.key.api_key_id, shell.key_file.read_bytes())

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "chunked",'
        yield b' "scopes": ["read"]}'

    with httpx2.Client(auth=auth) as http:
        made = http.post(shell.base_url + "/api_keys/generate", content=chunks())
        assert made.request.headers.get("Transfer-Encoding") == "chunked"
        assert made.status_code == 201, made.text
        for method in ("TRACE", "OPTIONS", "PUT"):
            refused = http.request(method, shell.base_url + "/api_keys")
            assert refused.status_code == 405 and refused.json()["code"] == "method_not_allowed"
        head = http.head(shell.base_url + "/api_keys")
        assert head.status_code == 405 and head.content == b""
