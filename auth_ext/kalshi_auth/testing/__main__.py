"""`python -m kalshi_auth.testing`: run the fake exchange on loopback until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from pathlib import Path

from .._files import write_secret_file
from ._exchange import _TIERS, FakeExchange
from ._server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kalshi_auth.testing",
        description="Serve a fake Kalshi exchange (the /api_keys endpoints) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--tier", choices=_TIERS, default="premier", help="account usage tier")
    parser.add_argument(
        "--key-out",
        type=Path,
        required=True,
        help="where to write the bootstrap key's private PEM (mode 0600, must not exist)",
    )
    args = parser.parse_args(argv)
    exchange = FakeExchange(usage_tier=args.tier)
    key = exchange.add_key(name="bootstrap")
    assert key.private_key_pem is not None
    write_secret_file(args.key_out, key.private_key_pem)
    with serve(exchange, port=args.port) as running:
        sys.stdout.write(
            f"fake exchange at {running.base_url}\n"
            f"export KALSHI_API_KEY_ID={key.api_key_id}\n"
            f"export KALSHI_PRIVATE_KEY_PATH={args.key_out}\n"
        )
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
