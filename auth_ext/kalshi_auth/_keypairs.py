"""Making RSA and Ed25519 key pairs here and serialising them the way Kalshi accepts."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from ._errors import ConfigurationError
from ._keys import load_private_key
from ._keytypes import KEY_SIZES, KEY_TYPES, KeyType
from ._signer import PrivateKey
from ._signingkey import SigningKey

__all__ = ["new_private_key", "private_pem", "public_pem", "reseal"]


def new_private_key(key_type: KeyType, bits: int | None) -> PrivateKey:
    """A fresh Ed25519 key, or an RSA key of ``bits`` (default 2048), exponent 65537."""
    if key_type not in KEY_TYPES:
        raise ConfigurationError(f"key_type must be one of {', '.join(KEY_TYPES)}")
    if key_type == "ed25519":
        if bits is not None:
            raise ConfigurationError("bits is for RSA keys; an Ed25519 key has no size to choose")
        return ed25519.Ed25519PrivateKey.generate()
    bits = 2048 if bits is None else bits
    if bits not in KEY_SIZES:
        raise ConfigurationError(f"bits must be one of {', '.join(map(str, KEY_SIZES))}")
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_pem(key: PrivateKey, passphrase: bytes | None) -> bytes:
    """PKCS#8 PEM, encrypted with the best available scheme when a passphrase is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def public_pem(key: PrivateKey | SigningKey) -> bytes:
    """The SubjectPublicKeyInfo PEM that createApiKey takes, of a key here or in a token."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def reseal(pem: bytes, passphrase: bytes | None) -> bytes:
    """A server-made private key as it should be stored: unchanged, or encrypted PKCS#8."""
    if passphrase is None:
        return pem
    return private_pem(load_private_key(pem=pem), passphrase)
