"""How soon kalshi-keys answers: whole processes, each against `python -c "import httpx2"` timed
in the same rounds (the contenders taking turns)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from report import Row
from server import Server
from timing import Samples, in_turn, median, ms, ratio

METHOD = """\
Each figure is a whole process, started and waited for (bytecode cached): `kalshi-keys --version`,
`kalshi-keys --help`, and `kalshi-keys list` against the uvicorn fake exchange (one signed call,
its table printed), each against `python -c "import httpx2"` in the same rounds. K1 and K2 must
load neither the HTTP stack nor the generated models."""


def _seconds(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def bench(server: Server, rounds: int) -> list[Row]:
    cli = str(Path(sys.executable).parent / "kalshi-keys")
    env = {
        **os.environ,
        "KALSHI_API_KEY_ID": server.ed25519.key_id,
        "KALSHI_PRIVATE_KEY_PATH": str(server.ed25519.path),
    }
    contenders = {
        "httpx2": [sys.executable, "-c", "import httpx2"],
        "version": [cli, "--version"],
        "help": [cli, "--help"],
        "list": [cli, "--base-url", server.base_url, "list"],
    }
    t: Samples = {name: [] for name in contenders}
    for argv in contenders.values():
        _seconds(argv, env)  # warm the bytecode cache
    for turn in range(rounds):
        for name, argv in in_turn(contenders, turn):
            t[name].append(_seconds(argv, env))
    m = {name: median(values) for name, values in t.items()}
    base = ms(m["httpx2"])
    return [
        Row("K1", "`kalshi-keys --version` vs `python -c \"import httpx2\"`", ms(m["version"]),
            base, ratio(t, "version", "httpx2"), 0.35),
        Row("K2", "`kalshi-keys --help` vs the same", ms(m["help"]), base,
            ratio(t, "help", "httpx2"), 0.35),
        Row("K3", "`kalshi-keys list` against the fake exchange vs the same", ms(m["list"]), base,
            ratio(t, "list", "httpx2"), 1.6, note="one signed call, verified"),
    ]  # fmt: skip
