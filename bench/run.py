"""`make bench`: what this SDK costs, against the floor, a hand-rolled client and Kalshi's SDK.

One module per kind of measurement (signing, per_call, concurrency, official_async, memory,
cli_start, token_keys, parsing, imports);
this script runs them and writes the report. Every figure that matters is a ratio to a baseline
measured in the same rounds (see timing.py); BENCHMARKS.md shows each with its spread.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cli_start
import concurrency
import imports
import memory
import official_async
import parsing
import per_call
import signing
import token_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from report import Row, render, summary
from server import uvicorn_exchange


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21, help="rounds for the per-call timings")
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args()
    rounds = args.rounds
    started = time.perf_counter()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    sections: list[tuple[str, list[Row], str]] = []

    def section(title: str, rows: list[Row], method: str) -> None:
        sections.append((title, rows, method))
        print(f"{title}: done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    section("Signing (in-process)", signing.bench(key, pem, rounds), signing.METHOD)
    with tempfile.TemporaryDirectory() as workdir, uvicorn_exchange(Path(workdir)) as server:
        rows, _, _ = per_call.bench(server, rounds)
        section("Per call, over loopback", rows, per_call.METHOD)
        section("Many calls at once", concurrency.bench(server, max(15, rounds * 2 // 3)),
                concurrency.METHOD)  # fmt: skip
        section("Against Kalshi's async SDK", official_async.bench(server, max(9, rounds // 2)),
                official_async.METHOD)  # fmt: skip
        section("Memory", memory.bench(server), memory.METHOD)
        section("Starting kalshi-keys", cli_start.bench(server, max(11, rounds // 2)),
                cli_start.METHOD)  # fmt: skip
        section("Keys in a PKCS#11 token", token_keys.bench(server, max(9, rounds // 2)),
                token_keys.METHOD)  # fmt: skip
    section("Parsing", parsing.bench(max(9, rounds // 2)), parsing.METHOD)
    section("Cold import", imports.bench(max(11, rounds // 2)), imports.METHOD)
    report = render(sections, time.perf_counter() - started)
    sys.stdout.write(report)
    sys.stdout.write("\n" + summary([row for _, rows, _ in sections for row in rows]))
    if args.out is not None:
        args.out.write_text(report)
        sys.stdout.write(f"written to {args.out}\n")


if __name__ == "__main__":
    main()
