"""The SigningKey interface (_signingkey): a key kept anywhere, e.g. in a cloud KMS, plugs into
the signer in a few lines; a key that breaks the interface's rules is refused when the signer
is built. Token keys are tests/client/test_pkcs11.py; the signer itself,
tests/unit/test_signer.py."""

from __future__ import annotations

from typing import Literal

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_auth import InMemoryKey, KalshiSigner, KeyLoadError, SigningKey, signed_client
from kalshi_auth.testing import FakeExchange, serve


class RemoteKey:
    """The recipe of docs/credentials.md: a key that signs elsewhere (here, a key this object
    keeps to itself, standing in for a KMS's sign call)."""

    key_type: Literal["ed25519", "rsa"] = "ed25519"

    def __init__(self) -> None:
        self._remote = ed25519.Ed25519PrivateKey.generate()
        self.calls = 0

    def sign(self, message: bytes) -> bytes:
        self.calls += 1
        return self._remote.sign(message)

    def public_key(self) -> ed25519.Ed25519PublicKey:
        return self._remote.public_key()


def test_a_users_own_key_signs_every_request_once() -> None:
    key = RemoteKey()
    assert isinstance(key, SigningKey)
    exchange = FakeExchange()
    registered = exchange.add_key(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))  # fmt: skip
    with (
        serve(exchange) as running,
        signed_client(
            api_key_id=registered.api_key_id, signing_key=key, base_url=running.base_url
        ) as client,
    ):
        ApiKeysApi(client).get_api_keys()
        ApiKeysApi(client).get_api_keys()
    assert key.calls == 2
    assert [r.authenticated for r in exchange.requests] == [True, True]


def test_in_memory_keys_are_signing_keys() -> None:
    key = InMemoryKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    assert isinstance(key, SigningKey) and key.key_type == "rsa"
    assert repr(key) == "<RSA-2048 private key>"
    signer = KalshiSigner("k", key)
    assert signer.signing_key is key and signer.key_type == "rsa"


SMALL_RSA = rsa.generate_private_key(public_exponent=65537, key_size=1024)


class Misfit(RemoteKey):
    def __init__(self, key_type: str, public: object) -> None:
        super().__init__()
        self.key_type = key_type  # type: ignore[assignment]  # deliberately not a KeyType
        self._public = public

    def public_key(self) -> ed25519.Ed25519PublicKey:
        return self._public  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("key", "said"),
    [
        (Misfit("dsa", ed25519.Ed25519PrivateKey.generate().public_key()), "got a Misfit key"),
        (Misfit("rsa", ed25519.Ed25519PrivateKey.generate().public_key()), "of another type"),
        (Misfit("rsa", SMALL_RSA.public_key()), "1024 bits"),
        ("not a key", "got str"),
    ],
)
def test_a_key_that_breaks_the_interface_is_refused_at_build(key: object, said: str) -> None:
    with pytest.raises(KeyLoadError) as caught:
        KalshiSigner("k", key)  # type: ignore[arg-type]
    assert said in str(caught.value)


def test_the_rsa_parameters_are_kalshis() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signature = InMemoryKey(private).sign(b"message")
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    private.public_key().verify(signature, b"message", pss, hashes.SHA256())
