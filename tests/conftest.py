"""Shared fixtures: real RSA keys made at run time, and the fake exchange on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_auth import KalshiClient, signed_client
from kalshi_auth._files import write_secret_file
from kalshi_auth.testing import FakeExchange, FakeKey, RunningExchange, serve

from .cli_support import ScriptedExchange, Shell


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
