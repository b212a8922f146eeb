"""What the loopback measurements run against: the fake exchange under uvicorn in its own
process, and the clients we compare with (Kalshi's official SDK, a hand-rolled httpx2 client)."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from kalshi_auth import AsyncTransport, load_private_key, signed_client
from kalshi_auth import KalshiClient as OurClient
from kalshi_python_sync import Configuration, KalshiClient

HERE = Path(__file__).resolve().parent
PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


@dataclass(frozen=True)
class Key:
    key_id: str
    path: Path


@dataclass(frozen=True)
class Server:
    base_url: str
    rsa: Key
    ed25519: Key

    @property
    def url(self) -> str:
        """GET /api_keys, absolute."""
        return self.base_url + "/api_keys"

    def stats(self) -> dict[str, int]:
        root = self.base_url.removesuffix("/trade-api/v2")
        data: dict[str, int] = httpx2.get(f"{root}/_bench/stats").json()
        return data

    def verified(self) -> int:
        return self.stats()["authenticated"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def uvicorn_exchange(workdir: Path) -> Iterator[Server]:
    """The fake exchange under uvicorn, in its own process, on a free loopback port."""
    port, rsa_file, ed_file = _free_port(), workdir / "bench-rsa.pem", workdir / "bench-ed.pem"
    process = subprocess.Popen(
        [sys.executable, str(HERE / "asgi_exchange.py"), "--port", str(port),
         "--key-out", str(rsa_file), "--ed25519-key-out", str(ed_file)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        rsa_id = process.stdout.readline().strip()
        ed_id = process.stdout.readline().strip()
        server = Server(
            f"http://127.0.0.1:{port}/trade-api/v2", Key(rsa_id, rsa_file), Key(ed_id, ed_file)
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                server.stats()
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the uvicorn fake exchange did not start") from None
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def ours(server: Server, key: Key, async_transport: AsyncTransport = "httpx") -> OurClient:
    """This SDK's client for the fake exchange, signing as ``key``."""
    return signed_client(api_key_id=key.key_id, private_key_path=key.path,
                         base_url=server.base_url, async_transport=async_transport)  # fmt: skip


def hand_rolled_auth(key: Key) -> Callable[[httpx2.Request], httpx2.Request]:
    """What a user could write instead of this SDK: a six-line auth callable for a plain
    ``httpx2.Client``, signing with cryptography."""
    return hand_rolled_auth_with(key.key_id, load_private_key(key.path))


def hand_rolled_auth_with(
    key_id: str, private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
) -> Callable[[httpx2.Request], httpx2.Request]:
    """hand_rolled_auth for a key already in memory."""
    if isinstance(private, rsa.RSAPrivateKey):
        rsa_key = private

        def sign(message: bytes) -> bytes:
            return rsa_key.sign(message, PSS, hashes.SHA256())
    else:
        ed_key = private

        def sign(message: bytes) -> bytes:
            return ed_key.sign(message)

    def auth(request: httpx2.Request) -> httpx2.Request:
        stamp = str(int(time.time() * 1000))
        signature = sign((stamp + request.method + request.url.path).encode())
        request.headers.update(
            {
                "KALSHI-ACCESS-KEY": key_id,
                "KALSHI-ACCESS-TIMESTAMP": stamp,
                "KALSHI-ACCESS-SIGNATURE": base64.b64encode(signature).decode(),
            }
        )
        return request

    return auth


def official_client(server: Server, key: Key) -> KalshiClient:
    """Kalshi's own Python SDK, configured for the fake exchange."""
    config = Configuration(host=server.base_url)
    config.api_key_id = key.key_id  # the official SDK reads these undeclared attributes
    config.private_key_pem = key.path.read_text()
    return KalshiClient(config)


@contextmanager
def counted_signatures(auth: Any) -> Iterator[list[int]]:
    """Count the signatures an official SDK's ``KalshiAuth`` computes inside the block (sync
    and async SDKs alike): the one-element list holds the count when the block ends."""
    original, count = auth.sign, [0]

    def counting(message: bytes) -> bytes:
        count[0] += 1
        signature: bytes = original(message)
        return signature

    auth.sign = counting
    try:
        yield count
    finally:
        del auth.sign  # back to the class's method


def official_signatures_per_call(official: KalshiClient) -> int:
    """How many signatures one official get_api_keys() computes (counted, not assumed)."""
    with counted_signatures(official.kalshi_auth) as count:
        official.get_api_keys()
    return count[0]
