"""`python -m kalshi_auth.testing`: run the fake exchange on loopback until interrupted."""

from __future__ import annotations

import argparse
import contextlib
import errno
import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from .._errors import KalshiError
from .._files import check_writable, write_secret_file
from ._exchange import _TIERS, FakeExchange
from ._server import LOOPBACK_HOSTS, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kalshi_auth.testing",
        description="Serve a fake Kalshi exchange (the /api_keys endpoints) on loopback.",
    )
    parser.add_argument("--host", choices=LOOPBACK_HOSTS, default="127.0.0.1",
                        help="loopback address to listen on (default: 127.0.0.1)")  # fmt: skip
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--tier", choices=_TIERS, default="premier", help="account usage tier")
    parser.add_argument(
        "--key-out",
        type=Path,
        required=True,
        help="where to write the bootstrap key's private PEM (mode 0600, must not exist; "
        "deleted when the fake stops)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port < 65536:
        parser.error(f"--port {args.port} is not a port number (0-65535)")
    key_out = args.key_out.expanduser().absolute()
    exchange = FakeExchange(usage_tier=args.tier)
    key = exchange.add_key(name="bootstrap")
    assert key.private_key_pem is not None
    try:
        check_writable(key_out)
        with (
            _sigterm_as_ctrl_c(),
            contextlib.suppress(KeyboardInterrupt),
            serve(exchange, host=args.host, port=args.port) as running,
        ):
            # Written only once the port is ours: a busy port leaves no stray key file.
            write_secret_file(key_out, key.private_key_pem)
            try:
                sys.stdout.write(
                    f"fake exchange at {running.base_url}\n"
                    f"export KALSHI_BASE_URL={shlex.quote(running.base_url)}\n"
                    f"export KALSHI_API_KEY_ID={shlex.quote(key.api_key_id)}\n"
                    f"export KALSHI_PRIVATE_KEY_PATH={shlex.quote(str(key_out))}\n"
                )
                sys.stdout.flush()
                threading.Event().wait()
            finally:
                _remove_key_file(key_out, key.private_key_pem)
    except KalshiError as exc:
        return _fail(str(exc))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return _fail(f"port {args.port} on {args.host} is already in use; pick another "
                         "--port, or 0 for a free one")  # fmt: skip
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
            return _fail(f"{args.host} is not available on this machine; try --host 127.0.0.1")
        return _fail(f"{exc.strerror or type(exc).__name__}"
                     + (f" ({exc.filename})" if exc.filename else ""))  # fmt: skip
    return 0


@contextlib.contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (a service manager's, or ``kill``'s, stop) ends the fake as Ctrl-C does. Set
    before anything is served or written, so a stop right after the start is clean too."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _remove_key_file(key_out: Path, pem: bytes) -> None:
    """The bootstrap key means nothing once its fake is gone: leave no key file behind (unless
    the file has been replaced meanwhile, by something that is not ours to delete)."""
    with contextlib.suppress(OSError):
        if key_out.read_bytes() == pem:
            key_out.unlink()


def _fail(message: str) -> int:
    sys.stderr.write(f"python -m kalshi_auth.testing: error: {message}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
