"""The ASGI wrapper `make bench` serves the fake exchange with, driven without a server."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from collections.abc import MutableMapping
from pathlib import Path
from types import ModuleType
from typing import Any

from kalshi_auth import KalshiSigner, load_private_key
from kalshi_auth.testing import FakeExchange

BENCH = Path(__file__).resolve().parent.parent.parent / "bench" / "asgi_exchange.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("asgi_exchange", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _call(app: Any, path: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    asyncio.run(app(scope, receive, send))
    start, body = sent
    assert start["type"] == "http.response.start"
    length = dict(start["headers"])[b"content-length"]
    assert int(length) == len(body["body"])
    return start["status"], json.loads(body["body"])


def test_the_bench_app_verifies_signatures_and_counts_them() -> None:
    exchange = FakeExchange()
    key = exchange.add_key(name="bench")
    assert key.private_key_pem is not None
    signer = KalshiSigner(key.api_key_id, load_private_key(pem=key.private_key_pem))
    app = _load().asgi_app(exchange)

    status, body = _call(
        app, "/trade-api/v2/api_keys", signer.sign("GET", "/trade-api/v2/api_keys")
    )
    assert status == 200 and body["api_keys"][0]["name"] == "bench"
    status, _ = _call(app, "/trade-api/v2/api_keys", {})
    assert status == 401
    status, stats = _call(app, "/_bench/stats", {})
    assert (status, stats) == (200, {"requests": 2, "authenticated": 1})
