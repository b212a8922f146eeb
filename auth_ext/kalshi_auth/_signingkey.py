"""What signing needs from a private key: its type, sign(message), its public half.

``KalshiSigner`` signs through this small interface, so a key may live anywhere: in memory
(:class:`InMemoryKey`, what key files and PEM text load into), in a PKCS#11 token
(``kalshi_auth.pkcs11``), or in a cloud KMS a user plugs in by writing three members.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from ._errors import KeyLoadError
from ._keytypes import KeyType

__all__ = [
    "MIN_KEY_BITS",
    "InMemoryKey",
    "PrivateKey",
    "PublicKey",
    "SigningKey",
    "check_rsa_key_size",
    "key_type_of",
    "signing_key",
]

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey

MIN_KEY_BITS = 2048

# Kalshi's documented scheme; verifiers must use the same salt length (not AUTO), so a
# salt regression fails loudly.
PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
SHA256 = hashes.SHA256()


@runtime_checkable
class SigningKey(Protocol):
    """A private key Kalshi requests can be signed with, wherever it is kept.

    ``key_type`` is ``"rsa"`` or ``"ed25519"``. ``sign(message)`` returns the raw signature of
    ``message`` (the bytes Kalshi signs: timestamp, method and path): RSA-PSS with SHA-256,
    MGF1-SHA-256 and a 32-byte salt for RSA; pure Ed25519 (no pre-hash) for Ed25519. It may be
    called from many threads at once. ``public_key()`` is the matching public key, as a
    ``cryptography`` object (what ``createApiKey`` registers, and what signatures are checked
    against). Implementations should raise :class:`~kalshi_auth.KalshiError` subclasses.
    """

    @property
    def key_type(self) -> KeyType: ...

    def sign(self, message: bytes) -> bytes: ...

    def public_key(self) -> PublicKey: ...


def key_type_of(key: PrivateKey | PublicKey) -> KeyType:
    """``"rsa"`` or ``"ed25519"``; TypeError for any other kind of key."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "rsa"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "ed25519"
    raise TypeError(f"Kalshi keys are RSA or Ed25519, not {type(key).__name__}")


def check_rsa_key_size(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> None:
    """Reject RSA keys too small to be safe (and too small for Kalshi to accept)."""
    if key.key_size < MIN_KEY_BITS:
        raise KeyLoadError.of("key_too_small", bits=key.key_size, min_bits=MIN_KEY_BITS)


class InMemoryKey:
    """A ``cryptography`` private key held in this process: the key files' and PEM's kind.

    Immutable, so one instance may be shared by any number of threads and tasks.
    """

    __slots__ = ("_key", "key_type", "sign")

    def __init__(self, private_key: PrivateKey) -> None:
        # ``sign`` is the key's own bound function (RSA: with Kalshi's PSS parameters bound),
        # chosen once: no type check and no extra call per request.
        self.sign: Callable[[bytes], bytes]
        if isinstance(private_key, rsa.RSAPrivateKey):
            check_rsa_key_size(private_key)
            self.sign = _rsa_pss(private_key)
        elif isinstance(private_key, ed25519.Ed25519PrivateKey):
            self.sign = private_key.sign
        else:
            raise KeyLoadError.of("not_a_key_object", kind=type(private_key).__name__)
        self._key = private_key
        self.key_type: KeyType = key_type_of(private_key)

    @property
    def private_key(self) -> PrivateKey:
        """The ``cryptography`` key itself."""
        return self._key

    def public_key(self) -> PublicKey:
        return self._key.public_key()

    def __repr__(self) -> str:
        if isinstance(self._key, rsa.RSAPrivateKey):
            return f"<RSA-{self._key.key_size} private key>"
        return "<Ed25519 private key>"


def _rsa_pss(key: rsa.RSAPrivateKey) -> Callable[[bytes], bytes]:
    def sign(message: bytes) -> bytes:
        return key.sign(message, PSS, SHA256)

    return sign


def signing_key(key: object) -> SigningKey:
    """``key`` as a SigningKey: a ``cryptography`` private key is wrapped, one of ours or a
    user's implementation is checked (its type, and an RSA key's size); anything else is a
    KeyLoadError saying what is accepted."""
    if isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        return InMemoryKey(key)
    if isinstance(key, SigningKey) and not isinstance(key, type):
        if key.key_type not in ("rsa", "ed25519"):
            raise KeyLoadError.of("not_a_key_object", kind=f"a {type(key).__name__} key")
        public = key.public_key()
        try:
            public_type: KeyType | None = key_type_of(public)
        except TypeError:
            public_type = None
        if public_type != key.key_type:
            raise KeyLoadError.of("not_a_key_object", kind=f"a {type(key).__name__} whose "
                                  "public key is of another type")  # fmt: skip
        if isinstance(public, rsa.RSAPublicKey):
            check_rsa_key_size(public)
        return key
    raise KeyLoadError.of("not_a_key_object", kind=type(key).__name__)
