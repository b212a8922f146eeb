"""Signing in-process: our signer against one raw sign (the floor), and what KalshiAuth adds to
an httpx2 call with no network (signed minus unsigned through an httpx2.MockTransport)."""

from __future__ import annotations

import json
import time

import httpx2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from kalshi_auth import KalshiAuth, KalshiSigner
from kalshi_auth._signer import signing_message
from kalshi_python_sync.auth import KalshiAuth as OfficialAuth
from report import Row
from server import PSS, hand_rolled_auth_with
from timing import Spread, interleaved, median, ms, ratio, us

PATH = "/trade-api/v2/api_keys"

METHOD = """\
- **S1/S1b/S3**: `KalshiSigner.sign("GET", path)` (the three headers) against the key's raw
  `sign` on a prebuilt message: what signing costs beyond the cryptography itself. S1b times the
  official SDK's `KalshiAuth.create_auth_headers` against the same floor.
- **S2/S2b**: the same `httpx2.Client.get` through an `httpx2.MockTransport`, unsigned, with
  `KalshiAuth`, and with the hand-rolled auth callable of the C-rows; per round, what signing
  added (signed - unsigned) over the raw sign (S2), and ours over the hand-rolled one's (S2b)."""


def bench(rsa_key: rsa.RSAPrivateKey, rsa_pem: bytes, rounds: int) -> list[Row]:
    message = signing_message(int(time.time() * 1000), "GET", PATH)
    signer = KalshiSigner("bench-key", rsa_key)
    official = OfficialAuth("bench-key", rsa_pem.decode("ascii"))
    t = interleaved(
        {
            "raw": lambda: rsa_key.sign(message, PSS, hashes.SHA256()),
            "ours": lambda: signer.sign("GET", PATH),
            "official": lambda: official.create_auth_headers("GET", PATH),
        },
        calls=100,
        rounds=rounds,
    )
    ed_key = ed25519.Ed25519PrivateKey.generate()
    ed_signer = KalshiSigner("bench-key", ed_key)
    e = interleaved(
        {"raw": lambda: ed_key.sign(message), "ours": lambda: ed_signer.sign("GET", PATH)},
        calls=2000,
        rounds=rounds,
    )
    return [
        Row("S1", "RSA-2048: `KalshiSigner.sign` vs one raw RSA-PSS sign (the floor)",
            ms(median(t["ours"])), ms(median(t["raw"])), ratio(t, "ours", "raw"), 1.10),
        Row("S1b", "official `KalshiAuth.create_auth_headers` vs the same floor",
            ms(median(t["official"])), ms(median(t["raw"])), ratio(t, "official", "raw"),
            note="and the official SDK signs twice per request (C4)"),
        *_auth_overhead(rsa_key, rounds),
        Row("S3", "Ed25519: `KalshiSigner.sign` vs one raw Ed25519 sign (the floor)",
            us(median(e["ours"])), us(median(e["raw"])), ratio(e, "ours", "raw"), 1.10),
    ]  # fmt: skip


def _auth_overhead(key: rsa.RSAPrivateKey, rounds: int) -> list[Row]:
    body = json.dumps({"api_keys": [{"api_key_id": "k", "name": "n", "scopes": ["read"]}]})
    transport = httpx2.MockTransport(
        lambda request: httpx2.Response(
            200, content=body, headers={"Content-Type": "application/json"}
        )
    )
    base = "https://bench.invalid/trade-api/v2"
    auth = KalshiAuth(KalshiSigner("bench-key", key))
    raw_message = signing_message(int(time.time() * 1000), "GET", PATH)
    hand_auth = hand_rolled_auth_with("bench-key", key)
    with (
        httpx2.Client(transport=transport, base_url=base) as plain,
        httpx2.Client(transport=transport, base_url=base, auth=auth) as signed,
        httpx2.Client(transport=transport, base_url=base, auth=hand_auth) as hand,
    ):
        t = interleaved(
            {
                "plain": lambda: plain.get("/api_keys"),
                "signed": lambda: signed.get("/api_keys"),
                "hand": lambda: hand.get("/api_keys"),
                "raw": lambda: key.sign(raw_message, PSS, hashes.SHA256()),
            },
            calls=100,
            rounds=rounds,
        )
    raw_sign = median(t["raw"])  # from these rounds, like every ratio below
    added = [s - p for s, p in zip(t["signed"], t["plain"], strict=True)]
    hand_added = [h - p for h, p in zip(t["hand"], t["plain"], strict=True)]
    return [
        Row("S2", "what `KalshiAuth` adds to an httpx2 call (signed minus unsigned GET, "
            "`httpx2.MockTransport`) vs the raw sign", ms(median(added)), ms(raw_sign),
            Spread.of([a / r for a, r in zip(added, t["raw"], strict=True)]), 1.10,
            note=f"unsigned call itself: {ms(median(t['plain']))}"),
        Row("S2b", "the same added cost: `KalshiAuth` vs the hand-rolled auth callable",
            ms(median(added)), ms(median(hand_added)),
            Spread.of([a / h for a, h in zip(added, hand_added, strict=True)]),
            note="what any httpx2 auth costs beyond the signature itself: "
            f"{ms(median(hand_added) - raw_sign)} for the hand-rolled one"),
    ]  # fmt: skip
