"""Kalshi request signing: RSA-PSS over timestamp + METHOD + path, with no I/O."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ._errors import KeyLoadError

__all__ = [
    "ACCESS_KEY_HEADER",
    "ACCESS_SIGNATURE_HEADER",
    "ACCESS_TIMESTAMP_HEADER",
    "KalshiSigner",
]

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


def verify_signature(
    public_key: rsa.RSAPublicKey, signature_b64: str, timestamp_ms: int, method: str, path: str
) -> bool:
    """True if ``signature_b64`` is a valid Kalshi signature of this request by ``public_key``."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, signing_message(timestamp_ms, method, path), _PSS, _HASH)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def check_rsa_key_size(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> None:
    """Reject RSA keys too small to be safe (and too small for Kalshi to accept)."""
    if key.key_size < MIN_KEY_BITS:
        raise KeyLoadError(
            "key_too_small",
            f"the RSA key is {key.key_size} bits; Kalshi keys must be at least "
            f"{MIN_KEY_BITS} bits. Create a new key (e.g. `kalshi-keys keygen`).",
        )


class KalshiSigner:
    """Produces the three ``KALSHI-ACCESS-*`` headers for one request.

    Pure and stateless between calls: the key is parsed once by the caller, and one instance
    may be shared by any number of threads and tasks (cryptography keys are immutable).
    """

    __slots__ = ("_clock", "_key", "_key_id")

    def __init__(
        self,
        key_id: str,
        private_key: rsa.RSAPrivateKey,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(key_id, str) or not key_id.strip():
            raise KeyLoadError(
                "empty_key_id",
                "the API key ID is empty; pass the key's ID (a UUID shown when the key was "
                "created) as api_key_id or set KALSHI_API_KEY_ID.",
            )
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise KeyLoadError(
                "not_rsa",
                f"expected an RSA private key, got {type(private_key).__name__}; "
                "load it with kalshi_auth.load_private_key().",
            )
        check_rsa_key_size(private_key)
        self._key_id = key_id.strip()
        self._key = private_key
        self._clock = clock

    @property
    def key_id(self) -> str:
        """The API key ID sent as ``KALSHI-ACCESS-KEY``."""
        return self._key_id

    def public_key(self) -> rsa.RSAPublicKey:
        """The public half of the signing key (safe to share)."""
        return self._key.public_key()

    def sign(self, method: str, path: str, *, timestamp_ms: int | None = None) -> dict[str, str]:
        """Headers for a request; ``path`` is the encoded path from the host root.

        Any query string in ``path`` is ignored, as Kalshi requires. ``timestamp_ms`` defaults
        to the injected clock, in milliseconds.
        """
        if timestamp_ms is None:
            timestamp_ms = int(self._clock() * 1000)
        signature = self._key.sign(signing_message(timestamp_ms, method, path), _PSS, _HASH)
        return {
            ACCESS_KEY_HEADER: self._key_id,
            ACCESS_TIMESTAMP_HEADER: str(timestamp_ms),
            ACCESS_SIGNATURE_HEADER: base64.b64encode(signature).decode("ascii"),
        }

    def __repr__(self) -> str:
        return f"KalshiSigner(key_id={self._key_id!r}, key=<RSA-{self._key.key_size} private key>)"
