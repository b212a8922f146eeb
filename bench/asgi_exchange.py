"""The fake exchange as an ASGI app, served by uvicorn in its own process for `make bench`.

    python bench/asgi_exchange.py --port 8123 --key-out /tmp/key.pem [--ed25519-key-out ed.pem]

Prints ``<api key id>`` once the key file is written (a second line with the Ed25519 key's ID
when ``--ed25519-key-out`` is given), then serves until killed.
``GET /_bench/stats`` reports how many requests arrived and how many verified.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from kalshi_auth._files import write_secret_file
from kalshi_auth._signer import KeyType
from kalshi_auth.testing import FakeExchange

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATS_PATH = "/_bench/stats"


def asgi_app(exchange: FakeExchange) -> ASGIApp:
    """An ASGI application answering every request from ``exchange``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("ascii")
        if scope["path"] == STATS_PATH:
            requests = exchange.requests
            payload = {
                "requests": len(requests),
                "authenticated": sum(r.authenticated for r in requests),
            }
            status, headers = 200, {"Content-Type": "application/json"}
            content = json.dumps(payload).encode()
        else:
            headers_in = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            response = exchange.handle(scope["method"], raw_path.decode("ascii"), headers_in, body)
            status, headers, content = response.status, dict(response.headers), response.body
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    *((k.lower().encode(), v.encode()) for k, v in headers.items()),
                    (b"content-length", str(len(content)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})

    return app


def main() -> None:
    import uvicorn  # only in the bench venv; the app itself is tested without it

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key-out", type=Path, required=True, help="an RSA key's file")
    parser.add_argument("--ed25519-key-out", type=Path, help="also an Ed25519 key's file")
    args = parser.parse_args()
    # A wide window: under tracemalloc (the memory rows) a call can take seconds from signing
    # to the server's check on this 2-core machine; the rows measure cost, not clock skew.
    exchange = FakeExchange(timestamp_window_s=60.0)
    wanted: list[tuple[KeyType, Path | None]] = [
        ("rsa", args.key_out),
        ("ed25519", args.ed25519_key_out),
    ]
    for key_type, path in wanted:
        if path is None:
            continue
        key = exchange.add_key(name=f"bench-{key_type}", key_type=key_type)
        assert key.private_key_pem is not None
        write_secret_file(path, key.private_key_pem)
        sys.stdout.write(key.api_key_id + "\n")
    sys.stdout.flush()
    uvicorn.run(
        asgi_app(exchange),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        http="h11",
    )


if __name__ == "__main__":
    main()
