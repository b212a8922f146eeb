"""Many calls at once on one async client, on each of our async transports, against the serial
sync rate measured in the same rounds, and against a hand-rolled httpx2.AsyncClient."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import TypeAlias

import httpx2
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi
from kalshi_auth import AsyncTransport
from report import Row
from server import Key, Server, hand_rolled_auth, ours
from timing import Samples, in_turn, ratio

CALLS = 1000

Call: TypeAlias = Callable[[], Awaitable[object]]
Close: TypeAlias = Callable[[], Awaitable[None]]
#: A contender: makes its client, returning one call and the client's close.
Make: TypeAlias = Callable[[], tuple[Call, Close]]

METHOD = f"""\
{CALLS} `get_api_keys` calls gathered at once on one client (`asyncio.gather`), against the same
uvicorn server; each round also times 200 serial sync calls of ours with the same key, so every
rate is compared with a serial rate of the same round. Rates are calls per second (**higher is
better** for A-rows with `>=`). A4 compares costs: ours on httpx2's own transport against a
hand-rolled `httpx2.AsyncClient` (which signs all {CALLS} at once, then queues them in its pool),
the time for the whole batch. Every answer must be a 200 verified by
the server, every round, or the run fails."""


async def _gathered(make: Make) -> float:
    """Seconds for CALLS concurrent calls after one warm-up call, on a client made here."""
    call, close = make()
    try:
        await call()
        started = time.perf_counter()
        await asyncio.gather(*(call() for _ in range(CALLS)))
        return time.perf_counter() - started
    finally:
        await close()


def _ours(server: Server, key: Key, transport: AsyncTransport) -> Make:
    def make() -> tuple[Call, Close]:
        client = ours(server, key, transport)
        return AsyncApiKeysApi(client).get_api_keys, client.aclose

    return make


def _hand(server: Server, key: Key) -> Make:
    def make() -> tuple[Call, Close]:
        client = httpx2.AsyncClient(auth=hand_rolled_auth(key))

        async def call() -> object:
            response = await client.get(server.url)
            response.raise_for_status()
            return response.json()

        return call, client.aclose

    return make


def bench(server: Server, rounds: int) -> list[Row]:
    rows: list[Row] = []
    for label, key in (("RSA-2048", server.rsa), ("Ed25519", server.ed25519)):
        seconds = _rounds(server, key, rounds)
        rate = {name: [CALLS / s for s in values] for name, values in seconds.items()}
        rate["serial"] = [1 / s for s in seconds["serial"]]
        mid = {name: statistics.median(values) for name, values in rate.items()}
        first = "A1" if label == "RSA-2048" else "A2"
        rows += [
            Row(first, f"{label}: {CALLS} concurrent calls on the aiohttp transport vs serial "
                "sync calls", f"{mid['aiohttp']:,.0f}/s", f"{mid['serial']:,.0f}/s",
                ratio(rate, "aiohttp", "serial"), 1.5, higher_is_better=True,
                note=f"all {CALLS} answered 200 and verified, every round"),
            Row(f"{first}b", f"{label}: the same on httpx2's own async transport (the default)",
                f"{mid['httpx']:,.0f}/s", f"{mid['serial']:,.0f}/s",
                ratio(rate, "httpx", "serial"), higher_is_better=True),
        ]  # fmt: skip
        if label == "Ed25519":
            rows.append(
                Row("A4", f"Ed25519, {CALLS} concurrent: ours on httpx2's transport vs the "
                    "hand-rolled `httpx2.AsyncClient` (time for the batch)",
                    f"{statistics.median(seconds['httpx']) * 1e3:.0f} ms",
                    f"{statistics.median(seconds['hand']) * 1e3:.0f} ms",
                    ratio(seconds, "httpx", "hand"), 1.03)
            )  # fmt: skip
    return rows


def _rounds(server: Server, key: Key, rounds: int) -> Samples:
    """Per round: serial sync seconds per call, then seconds per CALLS-batch for each async."""
    contenders = {"httpx": _ours(server, key, "httpx"), "aiohttp": _ours(server, key, "aiohttp")}
    if key is server.ed25519:
        contenders["hand"] = _hand(server, key)
    samples: Samples = {"serial": [], **{name: [] for name in contenders}}
    with ours(server, key) as sync_client:
        serial = ApiKeysApi(sync_client).get_api_keys
        for _ in range(20):
            serial()
        for turn in range(rounds):
            started = time.perf_counter()
            for _ in range(200):
                serial()
            samples["serial"].append((time.perf_counter() - started) / 200)
            for name, make in in_turn(contenders, turn):
                before = server.verified()
                samples[name].append(asyncio.run(_gathered(make)))
                verified = server.verified() - before
                if verified != CALLS + 1:
                    raise RuntimeError(f"{name}: only {verified - 1}/{CALLS} calls verified")
    return samples
