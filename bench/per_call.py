"""One call at a time over loopback: ours against a hand-rolled httpx2 client (the floor a user
could write), Kalshi's official SDK and an unsigned GET, with RSA and Ed25519 keys."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable

import httpx2
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi
from report import Row
from server import Server, hand_rolled_auth, official_client, official_signatures_per_call, ours
from timing import Samples, in_turn, interleaved, median, ms, ratio

METHOD = """\
`GET /api_keys` against the fake exchange under uvicorn (h11) in another process on 127.0.0.1,
one call at a time on kept-alive connections, all contenders interleaved in the same rounds.
*Ours* is `ApiKeysApi(signed_client(...)).get_api_keys()`: typed result, retries, typed errors,
the admission limit. The *hand-rolled* client is a plain `httpx2.Client` with a six-line auth
callable signing with `cryptography` (`bench/server.py`), returning `response.json()`. The
*official* SDK is `kalshi-python-sync`'s `KalshiClient.get_api_keys()`; its signatures per call
are counted. The *floor* is an unsigned `httpx2` GET, answered 401 without a signature check. The
server verifies every signed call with the key's own algorithm; the run fails if any did not.
C3 makes the async calls one `await` at a time, on both of our async transports."""


def bench(server: Server, rounds: int) -> tuple[list[Row], float, float]:
    """The rows, and our serial sync seconds per call with the RSA and the Ed25519 key."""
    officials = {k: official_client(server, key) for k, key in
                 (("rsa", server.rsa), ("ed", server.ed25519))}  # fmt: skip
    signatures = {k: official_signatures_per_call(o) for k, o in officials.items()}
    clients = {"rsa": ours(server, server.rsa), "ed": ours(server, server.ed25519)}
    hands = {k: httpx2.Client(auth=hand_rolled_auth(key)) for k, key in
             (("rsa", server.rsa), ("ed", server.ed25519))}  # fmt: skip
    url = server.url
    calls = 50
    with httpx2.Client() as plain:
        before = server.stats()
        t = interleaved(
            {
                "floor": lambda: plain.get(url),
                "ours_rsa": ApiKeysApi(clients["rsa"]).get_api_keys,
                "hand_rsa": lambda: hands["rsa"].get(url).json(),
                "official_rsa": officials["rsa"].get_api_keys,
                "ours_ed": ApiKeysApi(clients["ed"]).get_api_keys,
                "hand_ed": lambda: hands["ed"].get(url).json(),
                "official_ed": officials["ed"].get_api_keys,
            },
            calls=calls,
            rounds=rounds,
        )
        after = server.stats()
    for ours_client in clients.values():
        ours_client.close()
    for hand_client in hands.values():
        hand_client.close()
    unsigned = (after["requests"] - after["authenticated"]) - (
        before["requests"] - before["authenticated"]
    )
    signed = after["authenticated"] - before["authenticated"]
    if unsigned != calls * rounds + max(1, calls // 5):
        raise RuntimeError(f"serial run: {unsigned} requests failed verification")
    a = asyncio.run(_async_serial(server, calls, rounds))
    m = {name: median(values) for name, values in {**t, **a}.items()}
    rows = [
        Row("C1", "RSA-2048, sync: ours vs the hand-rolled httpx2 client", ms(m["ours_rsa"]),
            ms(m["hand_rsa"]), ratio(t, "ours_rsa", "hand_rsa"), 1.03,
            note=f"{signed} signed calls, all verified"),
        Row("C2", "Ed25519, sync: ours vs the hand-rolled httpx2 client", ms(m["ours_ed"]),
            ms(m["hand_ed"]), ratio(t, "ours_ed", "hand_ed"), 1.03),
        Row("C3", "Ed25519, async one at a time: ours (httpx2 transport) vs the hand-rolled "
            "`httpx2.AsyncClient`", ms(m["ours_httpx"]), ms(m["hand_async"]),
            ratio(a, "ours_httpx", "hand_async"), 1.03),
        Row("C3b", "the same, ours on the aiohttp transport", ms(m["ours_aiohttp"]),
            ms(m["hand_async"]), ratio(a, "ours_aiohttp", "hand_async")),
        Row("C4", "RSA-2048: ours vs official `kalshi-python-sync`", ms(m["ours_rsa"]),
            ms(m["official_rsa"]), ratio(t, "ours_rsa", "official_rsa"), 0.90,
            note=f"signatures per call: ours 1, official {signatures['rsa']} (counted)"),
        Row("C5", "Ed25519: ours vs official `kalshi-python-sync`", ms(m["ours_ed"]),
            ms(m["official_ed"]), ratio(t, "ours_ed", "official_ed"), 0.80,
            note=f"signatures per call: ours 1, official {signatures['ed']} (counted)"),
        Row("C6", "ours: an Ed25519 key vs an RSA-2048 key", ms(m["ours_ed"]),
            ms(m["ours_rsa"]), ratio(t, "ours_ed", "ours_rsa"), 0.80),
        Row("C7", "ours with Ed25519 vs an unsigned plain `httpx2` GET (the HTTP floor)",
            ms(m["ours_ed"]), ms(m["floor"]), ratio(t, "ours_ed", "floor")),
    ]  # fmt: skip
    return rows, m["ours_rsa"], m["ours_ed"]


async def _async_serial(server: Server, calls: int, rounds: int) -> Samples:
    key = server.ed25519
    hand = httpx2.AsyncClient(auth=hand_rolled_auth(key))
    ours_httpx, ours_aiohttp = ours(server, key), ours(server, key, "aiohttp")

    async def hand_call() -> object:
        return (await hand.get(server.url)).json()

    contenders: dict[str, Callable[[], Awaitable[object]]] = {
        "ours_httpx": AsyncApiKeysApi(ours_httpx).get_api_keys,
        "ours_aiohttp": AsyncApiKeysApi(ours_aiohttp).get_api_keys,
        "hand_async": hand_call,
    }
    samples: Samples = {name: [] for name in contenders}
    for fn in contenders.values():
        for _ in range(calls // 5):
            await fn()
    gc.collect()
    gc.disable()
    try:
        for turn in range(rounds):
            for name, fn in in_turn(contenders, turn):
                started = time.perf_counter()
                for _ in range(calls):
                    await fn()
                samples[name].append((time.perf_counter() - started) / calls)
    finally:
        gc.enable()
        await hand.aclose()
        await ours_httpx.aclose()
        await ours_aiohttp.aclose()
    return samples
