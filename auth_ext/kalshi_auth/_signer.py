"""Kalshi request signing over timestamp + METHOD + path, with no I/O of its own.

RSA keys sign with RSA-PSS (SHA-256, MGF1-SHA256, salt = digest length); Ed25519 keys with pure
Ed25519 (RFC 8032). Kalshi knows each key's type from its registration: no header says which.
The key itself is a :class:`~kalshi_auth.SigningKey` (``_signingkey``): in memory, in a
PKCS#11 token, or a user's own.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa

from ._errors import KeyLoadError
from ._hints import ValueSource
from ._keytypes import KeyType
from ._redact import holds_key_material
from ._signingkey import (
    MIN_KEY_BITS,
    PSS,
    SHA256,
    InMemoryKey,
    PrivateKey,
    PublicKey,
    SigningKey,
    check_rsa_key_size,
    key_type_of,
    signing_key,
)

__all__ = [
    "ACCESS_KEY_HEADER",
    "ACCESS_SIGNATURE_HEADER",
    "ACCESS_TIMESTAMP_HEADER",
    "MIN_KEY_BITS",
    "KalshiSigner",
    "KeyType",
    "PrivateKey",
    "PublicKey",
    "check_rsa_key_size",
    "key_type_of",
]

ACCESS_KEY_HEADER = "KALSHI-ACCESS-KEY"
ACCESS_SIGNATURE_HEADER = "KALSHI-ACCESS-SIGNATURE"
ACCESS_TIMESTAMP_HEADER = "KALSHI-ACCESS-TIMESTAMP"


def signing_message(timestamp_ms: int, method: str, path: str) -> bytes:
    """The exact bytes Kalshi signs: ms timestamp, upper-case method, path without query."""
    return f"{timestamp_ms}{method.upper()}{path.split('?', 1)[0]}".encode()


def verify_signature(
    public_key: PublicKey, signature_b64: str, timestamp_ms: int, method: str, path: str
) -> bool:
    """True if ``signature_b64`` is a valid Kalshi signature of this request by ``public_key``,
    made with that key's own algorithm (an RSA signature never passes for an Ed25519 key)."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        message = signing_message(timestamp_ms, method, path)
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, message, PSS, SHA256)
        else:
            public_key.verify(signature, message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


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


class KalshiSigner:
    """Produces the three ``KALSHI-ACCESS-*`` headers for one request.

    The algorithm follows the key (RSA-PSS for RSA, Ed25519 for Ed25519) and is chosen once,
    here, not per request. Stateless between calls: one instance may be shared by any number of
    threads and tasks (in-memory keys are immutable; a :class:`SigningKey` must be thread-safe).
    """

    __slots__ = ("_clock", "_key", "_key_id", "_sign")

    def __init__(
        self,
        key_id: str,
        private_key: PrivateKey | SigningKey,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        checked = check_key_id(key_id)
        self._key: SigningKey = signing_key(private_key)
        self._sign = self._key.sign
        self._key_id = str(checked)
        self._clock = clock

    @property
    def key_id(self) -> str:
        """The API key ID sent as ``KALSHI-ACCESS-KEY``."""
        return self._key_id

    @property
    def key_type(self) -> KeyType:
        """``"rsa"`` or ``"ed25519"``: the key's type, and so the signature algorithm."""
        return self._key.key_type

    @property
    def signing_key(self) -> SigningKey:
        """The key requests are signed with (an :class:`InMemoryKey` for files and PEM)."""
        return self._key

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
        return f"KalshiSigner(key_id={self._key_id!r}, key={self._key!r})"


__all__ += ["InMemoryKey", "SigningKey"]
