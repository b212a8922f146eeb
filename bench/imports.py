"""Cold import, each statement timed inside a fresh interpreter (bytecode cached), the
contenders taking turns round by round."""

from __future__ import annotations

import subprocess
import sys

from report import Row
from timing import Samples, in_turn, median, ms, ratio

METHOD = """\
`python -c` per figure, timing only the import statement. I1: a plain `import kalshi_auth`
(its public names load on first use). I2: what the quick start imports, `from kalshi_auth import
signed_client` and `from kalshi_api_keys_client.api.api_keys import ApiKeysApi`; httpx2, attrs
(the generated models) and cryptography are most of it."""

STATEMENTS = {
    "plain": "import kalshi_auth",
    "quick_start": "from kalshi_auth import signed_client; "
    "from kalshi_api_keys_client.api.api_keys import ApiKeysApi",
    "httpx": "import httpx2",
    "official": "import kalshi_python_sync",
}


def _seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def bench(rounds: int) -> list[Row]:
    t: Samples = {name: [] for name in STATEMENTS}
    for turn in range(rounds):
        for name, statement in in_turn(STATEMENTS, turn):
            t[name].append(_seconds(statement))
    m = {name: median(values) for name, values in t.items()}
    return [
        Row("I1", "`import kalshi_auth` vs `import httpx2` alone", ms(m["plain"]), ms(m["httpx"]),
            ratio(t, "plain", "httpx"), 1.30),
        Row("I2", "the quick start's imports vs `import httpx2` alone", ms(m["quick_start"]),
            ms(m["httpx"]), ratio(t, "quick_start", "httpx")),
        Row("I3", "the quick start's imports vs `import kalshi_python_sync`",
            ms(m["quick_start"]), ms(m["official"]), ratio(t, "quick_start", "official"), 0.45),
    ]  # fmt: skip
