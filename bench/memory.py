"""Memory: one client after its first call, and 1000 calls in flight on one async client.

Each figure comes from a fresh interpreter (this file run as a script), with everything
imported before tracing starts, so it counts what the client allocates, not the imports.
``tracemalloc`` sees Python's heap (httpx2, h11, aiohttp's objects); native buffers are not in it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx2
import kalshi_auth._aiohttp  # noqa: F401  (imported before tracing, like everything else)
from cryptography.hazmat.primitives import serialization  # noqa: F401  (key loading's)
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi
from report import Row
from server import Key, Server, hand_rolled_auth, ours
from timing import Spread

IN_FLIGHT = 1000

METHOD = f"""\
`tracemalloc` in a fresh interpreter per figure, after all imports, against the uvicorn
server, Ed25519 key. M1: bytes still held after building a client and making one call (the
connection pool included). M2: the peak during {IN_FLIGHT} gathered calls minus the heap
before, per call. Ours and the hand-rolled client are measured alike, alternating, 3 rounds."""


def _client_bytes(contender: str, server: Server, key: Key) -> int:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    if contender == "ours":
        client = ours(server, key)  # held while measured, like the hand-rolled one below
        ApiKeysApi(client).get_api_keys()
    else:
        hand = httpx2.Client(auth=hand_rolled_auth(key))
        hand.get(server.url).json()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held


async def _in_flight_bytes(contender: str, server: Server, key: Key) -> int:
    call: Callable[[], Awaitable[object]]
    if contender == "hand":
        hand = httpx2.AsyncClient(auth=hand_rolled_auth(key))

        async def hand_call() -> object:
            return (await hand.get(server.url)).json()

        call, close = hand_call, hand.aclose
    else:
        client = ours(server, key, "aiohttp" if contender == "aiohttp" else "httpx")
        call, close = AsyncApiKeysApi(client).get_api_keys, client.aclose
    await call()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    await asyncio.gather(*(call() for _ in range(IN_FLIGHT)))
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    await close()
    return peak // IN_FLIGHT


def _measure(kind: str, contender: str, server: Server) -> int:
    args = [sys.executable, __file__, kind, contender, server.base_url,
            server.ed25519.key_id, str(server.ed25519.path)]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return int(done.stdout)


def bench(server: Server, rounds: int = 3) -> list[Row]:
    client: dict[str, list[float]] = {"ours": [], "hand": []}
    flight: dict[str, list[float]] = {"httpx": [], "aiohttp": [], "hand": []}
    for _ in range(rounds):
        for name in client:
            client[name].append(_measure("client", name, server))
        for name in flight:
            flight[name].append(_measure("in-flight", name, server))

    def kib(values: list[float]) -> str:
        return f"{statistics.median(values) / 1024:,.1f} KiB"

    def ratio(values: dict[str, list[float]], ours: str, base: str) -> Spread:
        return Spread.of([a / b for a, b in zip(values[ours], values[base], strict=True)])

    return [
        Row("M1", "one client after its first call: ours vs the hand-rolled `httpx2.Client`",
            kib(client["ours"]), kib(client["hand"]), ratio(client, "ours", "hand")),
        Row("M2", f"{IN_FLIGHT} async calls in flight, peak per call: ours (httpx2 transport) "
            "vs the hand-rolled `httpx2.AsyncClient`", kib(flight["httpx"]), kib(flight["hand"]),
            ratio(flight, "httpx", "hand")),
        Row("M2b", "the same, ours on the aiohttp transport", kib(flight["aiohttp"]),
            kib(flight["hand"]), ratio(flight, "aiohttp", "hand")),
    ]  # fmt: skip


def _child() -> None:
    parser = argparse.ArgumentParser()
    for name in ("kind", "contender", "base_url", "key_id", "key_path"):
        parser.add_argument(name)
    args = parser.parse_args()
    server = Server(args.base_url, Key("", Path()), Key(args.key_id, Path(args.key_path)))
    if args.kind == "client":
        print(_client_bytes(args.contender, server, server.ed25519))
    else:
        print(asyncio.run(_in_flight_bytes(args.contender, server, server.ed25519)))


if __name__ == "__main__":
    _child()
