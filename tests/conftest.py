"""Shared fixtures: real RSA keys made at run time, and the fake exchange on loopback."""

from __future__ import annotations

import contextlib
import inspect
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_auth import KalshiClient, signed_client
from kalshi_auth._files import write_secret_file
from kalshi_auth.testing import FakeExchange, FakeKey, RunningExchange, serve

from .cli_support import Account, ScriptedExchange, Shell, serve_account
from .pkcs11_support import softhsm_token  # noqa: F401  (a fixture: a real SoftHSM2 token)

#: A test whose code makes async calls on a signed client (made in the test or by one of these
#: fixtures) runs once per async transport, unless it brings its own transport (a
#: MockTransport, a pool of a given size) or is marked ``own_transport`` (its helper does).
_USES_ASYNC = re.compile(r"\basync\b|\basyncio\b|\baclose\b|AsyncApiKeysApi|kalshi_async_api")
_OWN_TRANSPORT = re.compile(r"Transport\b|\btransport\b[\"']?\s*[:=]")
_CLIENT_FIXTURES = frozenset({"live", "make_client", "kalshi_client", "kalshi_async_api"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "async_transport" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("own_transport"):
        return
    source = inspect.getsource(metafunc.function)
    makes_calls = "signed_client" in source or _CLIENT_FIXTURES & set(metafunc.fixturenames)
    if makes_calls and _USES_ASYNC.search(source) and not _OWN_TRANSPORT.search(source):
        metafunc.parametrize("async_transport", ["httpx", "aiohttp"], indirect=True)


@pytest.fixture(autouse=True)
def async_transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The async transport signed_client uses by default in this test (see above)."""
    name: str = getattr(request, "param", "httpx")
    defaults = dict(signed_client.__kwdefaults__ or {}, async_transport=name)
    monkeypatch.setattr(signed_client, "__kwdefaults__", defaults)
    return name


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def pkcs1_pem(rsa_key: rsa.RSAPrivateKey) -> bytes:
    return rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def ed25519_private_pem() -> str:
    """A fresh Ed25519 private key as PEM text: a canary to put where no key belongs."""
    from cryptography.hazmat.primitives.asymmetric import ed25519

    return (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def ed25519_pem() -> bytes:
    """A fresh Ed25519 private key as PEM bytes, for a client that never reaches a server."""
    return ed25519_private_pem().encode()


#: A base URL for clients whose transport answers in-process (httpx2.MockTransport).
BASE = "https://kalshi.test/trade-api/v2"


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass
class Exchange:
    """A fake exchange being served, its bootstrap key, and a client signed with that key."""

    exchange: FakeExchange
    running: RunningExchange
    key: FakeKey
    client: KalshiClient
    pem: bytes = field(repr=False)  # a failing test prints its fixtures: never the key

    @property
    def base_url(self) -> str:
        return self.running.base_url


@pytest.fixture
def live(rsa_key: rsa.RSAPrivateKey, pkcs1_pem: bytes) -> Iterator[Exchange]:
    exchange = FakeExchange()
    key = exchange.add_key(public_pem(rsa_key), name="bootstrap")
    with serve(exchange) as running:
        client = signed_client(
            api_key_id=key.api_key_id, private_key_pem=pkcs1_pem, base_url=running.base_url
        )
        with client:
            yield Exchange(exchange, running, key, client, pkcs1_pem)


class SlowExchange(FakeExchange):
    """Takes 0.4 s per request; ``entered`` is set once a request is being handled, and
    ``most_busy`` is the most requests it was handling at once."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self._lock = threading.Lock()
        self.busy = self.most_busy = 0

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> Any:
        with self._lock:
            self.busy += 1
            self.most_busy = max(self.most_busy, self.busy)
        self.entered.set()
        time.sleep(0.4)
        with self._lock:
            self.busy -= 1
        return super().handle(method, raw_path, headers, body)


@pytest.fixture
def slow() -> Iterator[tuple[SlowExchange, str, bytes]]:
    """A served SlowExchange, the ID of its Ed25519 key and that key."""
    exchange = SlowExchange()
    key = exchange.add_key(name="slow", key_type="ed25519")
    assert key.private_key_pem is not None
    with serve(exchange) as running:
        yield exchange, running.base_url, key.private_key_pem


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Shell]:
    """For kalshi-keys: a served ScriptedExchange, its key in ``bot.pem``, cwd = tmp_path."""
    exchange = ScriptedExchange()
    key = exchange.add_key(name="bot", scopes=("read", "write"), subaccount=3)
    assert key.private_key_pem is not None
    key_file = write_secret_file(tmp_path / "bot.pem", key.private_key_pem)
    monkeypatch.chdir(tmp_path)
    with serve(exchange) as running:
        env = {"KALSHI_API_KEY_ID": key.api_key_id, "KALSHI_PRIVATE_KEY_PATH": str(key_file)}
        yield Shell(exchange, running.base_url, key, key_file, tmp_path, env)


_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"


@pytest.fixture
def silent_port() -> Iterator[str]:
    """A base URL on a loopback port that takes connections (into its backlog), never answering."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/trade-api/v2"


@pytest.fixture(params=["headers", "body"])
def trickling(request: pytest.FixtureRequest) -> Iterator[str]:
    """A loopback server that answers every request one byte every 50 ms, never finishing:
    in its status line and headers, or after them in its body."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    stop = threading.Event()
    in_headers = request.param == "headers"

    def answer(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            conn.recv(65536)
            if not in_headers:
                conn.sendall(_HEAD)
            trickle = _HEAD if in_headers else b"[" * 10**6
            for byte in trickle:
                if stop.wait(0.05):
                    return
                conn.sendall(bytes([byte]))

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                conn, _ = server.accept()
                threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/trade-api/v2"
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def account() -> Iterator[Account]:
    yield from serve_account()
