"""Making RSA and Ed25519 key pairs locally and serialising them the way Kalshi accepts."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from .._keys import load_private_key
from .._signer import KeyType, PrivateKey
from ._console import Console, UsageError

__all__ = [
    "KEY_SIZES",
    "KEY_TYPES",
    "AskPassphrase",
    "describe_key",
    "new_passphrase",
    "new_private_key",
    "private_pem",
    "public_pem",
    "reseal",
]

KEY_SIZES = (2048, 3072, 4096)
KEY_TYPES: tuple[KeyType, ...] = ("rsa", "ed25519")

#: Gets the new key's passphrase (None: unencrypted); commands call it once their checks pass.
AskPassphrase = Callable[[], bytes | None]


def new_private_key(key_type: KeyType, bits: int | None) -> PrivateKey:
    """A fresh Ed25519 key, or an RSA key of ``bits`` (default 2048), exponent 65537."""
    if key_type == "ed25519":
        if bits is not None:
            raise UsageError("--bits is for RSA keys; an Ed25519 key has no size to choose")
        return ed25519.Ed25519PrivateKey.generate()
    bits = 2048 if bits is None else bits
    if bits not in KEY_SIZES:
        raise UsageError(f"--bits must be one of {', '.join(map(str, KEY_SIZES))}")
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def describe_key(key: PrivateKey) -> str:
    """``2048-bit RSA`` or ``Ed25519``: what a person needs to know of a key, no material."""
    return f"{key.key_size}-bit RSA" if isinstance(key, rsa.RSAPrivateKey) else "Ed25519"


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


def public_pem(key: PrivateKey) -> bytes:
    """The SubjectPublicKeyInfo PEM that createApiKey takes."""
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def reseal(pem: bytes, passphrase: bytes | None) -> bytes:
    """A server-made private key as it should be stored: unchanged, or encrypted PKCS#8."""
    if passphrase is None:
        return pem
    return private_pem(load_private_key(pem=pem), passphrase)


def new_passphrase(
    console: Console, *, encrypt: bool, passphrase_env: str | None, environ: Mapping[str, str]
) -> bytes | None:
    """The passphrase for a key about to be written, asked for before anything is created.

    From the variable named by ``--passphrase-env``, else prompted twice on a terminal.
    """
    if passphrase_env is not None:
        value = environ.get(passphrase_env, "")
        if not value:
            raise UsageError(f"--passphrase-env {passphrase_env}: that variable is unset or empty")
        return value.encode("utf-8")
    if not encrypt:
        return None
    if not console.interactive():
        raise UsageError(
            "--encrypt needs a passphrase but there is no terminal to ask on; "
            "use --passphrase-env VAR instead"
        )
    first = console.secret("Passphrase for the new private key: ")
    if not first:
        raise UsageError("an empty passphrase would not encrypt anything; drop --encrypt instead")
    if console.secret("Same passphrase again: ") != first:
        raise UsageError("the two passphrases differ; nothing was written")
    return first.encode("utf-8")
