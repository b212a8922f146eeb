"""kalshi-keys' Connection: --timeout bounds the whole command's time with Kalshi, prompts apart."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_auth.cli import EXIT_ERROR, main
from kalshi_auth.cli._console import Console
from kalshi_auth.testing import FakeExchange, serve

from ..cli_support import Shell
from ..conftest import public_pem


class _SlowTypist(Console):
    """A terminal whose user takes ``delay`` seconds to type the passphrase."""

    def __init__(self, passphrase: str, delay: float) -> None:
        self.said = io.StringIO()
        super().__init__(stdout=io.StringIO(), stderr=self.said, stdin=io.StringIO())
        self.passphrase, self.delay, self.asked = passphrase, delay, 0

    def interactive(self) -> bool:
        return True

    def secret(self, prompt: str) -> str:
        self.asked += 1
        time.sleep(self.delay)
        return self.passphrase


def test_time_typing_a_passphrase_does_not_count_against_timeout(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path
) -> None:
    exchange = FakeExchange()
    key = exchange.add_key(public_pem(rsa_key), name="typed")
    key_file = tmp_path / "enc.pem"
    key_file.write_bytes(
        rsa_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"typed slowly"),
        )
    )
    console = _SlowTypist("typed slowly", delay=1.5)
    with serve(exchange) as running:
        code = main(
            ["--base-url", running.base_url, "--timeout", "1", "whoami"],
            environ={"KALSHI_API_KEY_ID": key.api_key_id, "KALSHI_PRIVATE_KEY_PATH": str(key_file)},
            console_factory=lambda: console,
        )
    assert console.asked == 1
    assert code == 0, console.said.getvalue()


def test_timeout_bounds_a_command_against_a_trickling_server(
    trickling: str, pkcs1_pem: bytes, tmp_path: Path
) -> None:
    """Failed before: --timeout only capped each read; a trickle held the command for ever."""
    key_file = tmp_path / "k.pem"
    key_file.write_bytes(pkcs1_pem)
    out, err = io.StringIO(), io.StringIO()
    console = Console(stdout=out, stderr=err, stdin=io.StringIO())
    codes: list[int] = []

    def run() -> None:
        codes.append(
            main(
                ["--base-url", trickling, "--timeout", "1", "list"],
                environ={"KALSHI_API_KEY_ID": "k1", "KALSHI_PRIVATE_KEY_PATH": str(key_file)},
                console_factory=lambda: console,
            )
        )

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(5.0)
    assert not thread.is_alive(), "kalshi-keys outlived its --timeout"
    assert codes == [1], err.getvalue()
    assert "timed out" in err.getvalue() or "ran out" in err.getvalue()


def test_timeout_bounds_the_whole_command_retries_included(shell: Shell, silent_port: str) -> None:
    """Failed before: --timeout bounded each attempt, so with retries a command took three times
    as long."""
    started = time.monotonic()
    result = shell.run("list", "--base-url", silent_port, "--timeout", "1")
    elapsed = time.monotonic() - started
    assert result.code == EXIT_ERROR and "Traceback" not in result.err
    # 1 s in all; per attempt it would be 3 attempts of 1 s plus backoff, over 3 s.
    assert elapsed < 2.9, elapsed
