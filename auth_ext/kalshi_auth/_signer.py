"""Kalshi request signing over timestamp + METHOD + path, with no I/O.

RSA keys sign with RSA-PSS (SHA-256, MGF1-SHA256, salt = digest length); Ed25519 keys with pure
Ed25519 (RFC 8032). Kalshi knows each key's type from its registration: no header says which.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from ._errors import KeyLoadError
from ._hints import ValueSource
from ._keytypes import KeyType
from ._redact import holds_key_material

__all__ = [
    "ACCESS_KEY_HEADER",
    "ACCESS_SIGNATURE_HEADER",
    "ACCESS_TIMESTAMP_HEADER",
    "KalshiSigner",
    "KeyType",
    "PrivateKey",
    "PublicKey",
    "key_type_of",
]

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey

ACCESS_KEY_HEADER = "KALSHI-ACCESS-KEY"
ACCESS_SIGNATURE_HEADER = "KALSHI-ACCESS-SIGNATURE"
ACCESS_TIMESTAMP_HEADER = "KALSHI-ACCESS-TIMESTAMP"

MIN_KEY_BITS = 2048

# Kalshi's documented scheme; verifiers must use the same salt length (not AUTO), so a
# salt regression fails loudly.
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
_HASH = hashes.SHA256()


def signing_message(timestamp_ms: int, method: str, path: str) -> bytes:
    """The exact bytes Kalshi signs: ms timestamp, upper-case method, path without query."""
    return f"{timestamp_ms}{method.upper()}{path.split('?', 1)[0]}".encode()


def key_type_of(key: PrivateKey | PublicKey) -> KeyType:
    """``"rsa"`` or ``"ed25519"``; TypeError for any other kind of key."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "rsa"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "ed25519"
    raise TypeError(f"Kalshi keys are RSA or Ed25519, not {type(key).__name__}")


def verify_signature(
    public_key: PublicKey, signature_b64: str, timestamp_ms: int, method: str, path: str
) -> bool:
    """True if ``signature_b64`` is a valid Kalshi signature of this request by ``public_key``,
    made with that key's own algorithm (an RSA signature never passes for an Ed25519 key)."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        message = signing_message(timestamp_ms, method, path)
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, message, _PSS, _HASH)
        else:
            public_key.verify(signature, message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def check_rsa_key_size(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> None:
    """Reject RSA keys too small to be safe (and too small for Kalshi to accept)."""
    if key.key_size < MIN_KEY_BITS:
        raise KeyLoadError.of("key_too_small", bits=key.key_size, min_bits=MIN_KEY_BITS)


MAX_KEY_ID_LENGTH = 128
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")


class CheckedKeyId(str):
    """A key ID that passed :func:`check_key_id`, stripped: the signer takes it unchecked."""

    __slots__ = ()


def check_key_id(key_id: object, source: ValueSource | None = None) -> CheckedKeyId:
    """The key ID, stripped, or a KeyLoadError if it cannot be an API key ID.

    Done once, where the value enters (an argument, an environment variable, a flag), before it
    is sent or printed anywhere. Messages describe the problem and never echo the value: a
    swapped variable may hold a private key.
    """
    if isinstance(key_id, CheckedKeyId):
        return key_id
    if not isinstance(key_id, str) or not key_id.strip():
        raise KeyLoadError.of("empty_key_id", source)
    value = key_id.strip()
    if holds_key_material(value) or "\\n" in value:
        raise KeyLoadError.of("key_id_holds_pem", source)
    if len(value) > MAX_KEY_ID_LENGTH:
        raise KeyLoadError.of("key_id_too_long", source, length=len(value))
    if not _VISIBLE_ASCII.fullmatch(value):
        raise KeyLoadError.of("key_id_characters", source)
    return CheckedKeyId(value)


def _rsa_pss(key: rsa.RSAPrivateKey) -> Callable[[bytes], bytes]:
    def sign(message: bytes) -> bytes:
        return key.sign(message, _PSS, _HASH)

    return sign


class KalshiSigner:
    """Produces the three ``KALSHI-ACCESS-*`` headers for one request.

    The algorithm follows the key (RSA-PSS for RSA, Ed25519 for Ed25519) and is chosen once,
    here, not per request. Pure and stateless between calls: one instance may be shared by any
    number of threads and tasks (cryptography keys are immutable).
    """

    __slots__ = ("_clock", "_key", "_key_id", "_key_type", "_sign")

    def __init__(
        self,
        key_id: str,
        private_key: PrivateKey,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        checked = check_key_id(key_id)
        if isinstance(private_key, rsa.RSAPrivateKey):
            check_rsa_key_size(private_key)
            self._sign = _rsa_pss(private_key)
        elif isinstance(private_key, ed25519.Ed25519PrivateKey):
            self._sign = private_key.sign
        else:
            raise KeyLoadError.of("not_a_key_object", kind=type(private_key).__name__)
        self._key_type: KeyType = key_type_of(private_key)
        self._key_id = str(checked)
        self._key = private_key
        self._clock = clock

    @property
    def key_id(self) -> str:
        """The API key ID sent as ``KALSHI-ACCESS-KEY``."""
        return self._key_id

    @property
    def key_type(self) -> KeyType:
        """``"rsa"`` or ``"ed25519"``: the key's type, and so the signature algorithm."""
        return self._key_type

    def public_key(self) -> PublicKey:
        """The public half of the signing key (safe to share)."""
        return self._key.public_key()

    def sign(self, method: str, path: str, *, timestamp_ms: int | None = None) -> dict[str, str]:
        """Headers for a request; ``path`` is the encoded path from the host root.

        Any query string in ``path`` is ignored, as Kalshi requires. ``timestamp_ms`` defaults
        to the injected clock, in milliseconds.
        """
        if timestamp_ms is None:
            timestamp_ms = int(self._clock() * 1000)
        signature = self._sign(signing_message(timestamp_ms, method, path))
        return {
            ACCESS_KEY_HEADER: self._key_id,
            ACCESS_TIMESTAMP_HEADER: str(timestamp_ms),
            ACCESS_SIGNATURE_HEADER: binascii.b2a_base64(signature, newline=False).decode("ascii"),
        }

    def __repr__(self) -> str:
        if isinstance(self._key, rsa.RSAPrivateKey):
            kind = f"RSA-{self._key.key_size}"
        else:
            kind = "Ed25519"
        return f"KalshiSigner(key_id={self._key_id!r}, key=<{kind} private key>)"
