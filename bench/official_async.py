"""Ours against Kalshi's own async SDK (kalshi-python-async, on aiohttp): one call at a time and
1000 at once, both key types, on both of our async transports; every answer verified."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import TypeAlias

from kalshi_api_keys_client.api.api_keys import AsyncApiKeysApi
from kalshi_auth import AsyncTransport
from kalshi_python_async import Configuration, KalshiClient
from report import Row
from server import Key, Server, counted_signatures, ours
from timing import Samples, in_turn, ms, ratio

CALLS = 1000
SERIAL = 100

Call: TypeAlias = Callable[[], Awaitable[object]]
Close: TypeAlias = Callable[[], Awaitable[None]]
#: A contender, made inside the event loop that uses it: one call, and the client's close.
Make: TypeAlias = Callable[[], tuple[Call, Close]]

METHOD = f"""\
Kalshi's `kalshi-python-async` 3.34.0 (`KalshiClient.get_api_keys()`, aiohttp underneath, its
default pool of 100) against ours (`AsyncApiKeysApi(signed_client(...)).get_api_keys()`) on the
default transport (httpx2's own) and on the aiohttp one, against the same uvicorn server. Each
round makes every client afresh in its own event loop, in turn: {SERIAL} calls one `await` at a
time (time per call), then {CALLS} gathered at once (time for the batch). The official SDK's
signatures per call are counted; ours is 1. Every answer must be a 200 verified by the server."""


def _official_client(server: Server, key: Key) -> KalshiClient:
    config = Configuration(host=server.base_url)
    config.api_key_id = key.key_id  # the official SDK reads these undeclared attributes
    config.private_key_pem = key.path.read_text()
    return KalshiClient(config)


def _official(server: Server, key: Key) -> Make:
    def make() -> tuple[Call, Close]:
        client = _official_client(server, key)
        return client.get_api_keys, client.close

    return make


def _ours(server: Server, key: Key, transport: AsyncTransport) -> Make:
    def make() -> tuple[Call, Close]:
        client = ours(server, key, transport)
        return AsyncApiKeysApi(client).get_api_keys, client.aclose

    return make


async def _serial_then_gathered(make: Make) -> tuple[float, float]:
    """Seconds per serial call, and seconds for CALLS gathered, after one warm-up call."""
    call, close = make()
    try:
        await call()
        started = time.perf_counter()
        for _ in range(SERIAL):
            await call()
        serial = (time.perf_counter() - started) / SERIAL
        started = time.perf_counter()
        await asyncio.gather(*(call() for _ in range(CALLS)))
        return serial, time.perf_counter() - started
    finally:
        await close()


async def _signatures_per_call(server: Server, key: Key) -> int:
    """How many signatures one official call computes (counted, not assumed)."""
    client = _official_client(server, key)
    try:
        with counted_signatures(client.kalshi_auth) as count:
            await client.get_api_keys()
    finally:
        await client.close()
    return count[0]


def _rounds(server: Server, key: Key, rounds: int) -> tuple[Samples, Samples]:
    contenders = {
        "official": _official(server, key),
        "httpx": _ours(server, key, "httpx"),
        "aiohttp": _ours(server, key, "aiohttp"),
    }
    serial: Samples = {name: [] for name in contenders}
    batch: Samples = {name: [] for name in contenders}
    for turn in range(rounds):
        for name, make in in_turn(contenders, turn):
            before = server.verified()
            one, many = asyncio.run(_serial_then_gathered(make))
            verified = server.verified() - before
            if verified != 1 + SERIAL + CALLS:
                raise RuntimeError(f"{name}: only {verified} of {1 + SERIAL + CALLS} verified")
            serial[name].append(one)
            batch[name].append(many)
    return serial, batch


def bench(server: Server, rounds: int) -> list[Row]:
    rows: list[Row] = []
    numbers = {"RSA-2048": ("A5", "A7"), "Ed25519": ("A6", "A8")}
    for label, key in (("RSA-2048", server.rsa), ("Ed25519", server.ed25519)):
        signatures = asyncio.run(_signatures_per_call(server, key))
        serial, batch = _rounds(server, key, rounds)
        one = {name: statistics.median(values) for name, values in serial.items()}
        many = {name: statistics.median(values) for name, values in batch.items()}
        counted = f"signatures per call: ours 1, official {signatures} (counted)"
        serial_no, batch_no = numbers[label]
        rows += [
            Row(serial_no, f"{label}, async one at a time: ours (default transport) vs official "
                "`kalshi-python-async`", ms(one["httpx"]), ms(one["official"]),
                ratio(serial, "httpx", "official"), note=counted),
            Row(f"{serial_no}b", "the same, ours on the aiohttp transport", ms(one["aiohttp"]),
                ms(one["official"]), ratio(serial, "aiohttp", "official")),
            Row(batch_no, f"{label}, {CALLS} concurrent: ours (default transport) vs official "
                "`kalshi-python-async` (time for the batch)", f"{many['httpx'] * 1e3:.0f} ms",
                f"{many['official'] * 1e3:.0f} ms", ratio(batch, "httpx", "official"), 0.90,
                note=f"all {CALLS} answered 200 and verified, every round"),
            Row(f"{batch_no}b", "the same, ours on the aiohttp transport",
                f"{many['aiohttp'] * 1e3:.0f} ms", f"{many['official'] * 1e3:.0f} ms",
                ratio(batch, "aiohttp", "official"), 0.50 if label == "Ed25519" else None),
        ]  # fmt: skip
    return rows
