"""Loading Kalshi private keys (RSA or Ed25519) from files, PEM text or the environment."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519

from ._errors import KeyLoadError
from ._signer import PrivateKey, check_key_id, check_rsa_key_size

__all__ = ["ENV_KEY_ID", "ENV_KEY_PASSWORD", "ENV_KEY_PATH", "ENV_KEY_PEM", "load_private_key"]

ENV_KEY_ID = "KALSHI_API_KEY_ID"
ENV_KEY_PATH = "KALSHI_PRIVATE_KEY_PATH"
ENV_KEY_PEM = "KALSHI_PRIVATE_KEY_PEM"
ENV_KEY_PASSWORD = "KALSHI_PRIVATE_KEY_PASSWORD"

_PUBLIC_MARKERS = (b"-----BEGIN PUBLIC KEY-----", b"-----BEGIN RSA PUBLIC KEY-----")
_ENCRYPTED = (b"BEGIN ENCRYPTED PRIVATE KEY", b"Proc-Type: 4,ENCRYPTED")
_OPENSSH_MARKER = b"-----BEGIN OPENSSH PRIVATE KEY"


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def _read_key_file(path: str | os.PathLike[str]) -> bytes:
    where = Path(path).expanduser()
    try:
        return where.read_bytes()
    except FileNotFoundError:
        raise KeyLoadError(
            "missing_file",
            f"private key file {str(where)!r} does not exist; check the path "
            f"(or {ENV_KEY_PATH}). Kalshi shows the private key only once, when the key is made.",
        ) from None
    except OSError as exc:
        raise KeyLoadError(
            "unreadable_file",
            f"private key file {str(where)!r} cannot be read "
            f"({exc.strerror or type(exc).__name__}); check that it is a file this user may read.",
        ) from None


def _normalise_pem(data: bytes) -> bytes:
    # Environment variables and JSON configs often carry the PEM with literal "\n" (or, from
    # Windows, "\r\n") escapes.
    if b"\n" not in data.strip() and b"\\n" in data:
        data = data.replace(b"\\r\\n", b"\n").replace(b"\\n", b"\n")
    return data.strip() + b"\n"


def load_private_key(
    path: str | os.PathLike[str] | None = None,
    *,
    pem: str | bytes | None = None,
    password: str | bytes | None = None,
) -> PrivateKey:
    """Load an RSA or Ed25519 private key from ``path`` or ``pem``.

    Accepts PEM (PKCS#1 or PKCS#8, encrypted or not) and unencrypted OpenSSH keys. Raises
    KeyLoadError, with a ``reason`` and a message that says what to fix, for every way the key
    can be unusable. Messages never contain key material.
    """
    if (path is None) == (pem is None):
        raise KeyLoadError(
            "ambiguous_key_source" if path is not None else "no_key",
            "pass exactly one of a private key file path or PEM text.",
        )
    data = _normalise_pem(_read_key_file(path) if path is not None else _as_bytes(pem or b""))
    source = f"private key file {str(path)!r}" if path is not None else "the private key PEM"

    if b"-----BEGIN" not in data:
        raise KeyLoadError(
            "not_pem",
            f"{source} is not PEM (a PEM key file starts with a '-----BEGIN' line); "
            "make sure you passed the key file Kalshi gave you, not the key ID.",
        )
    if b"PRIVATE KEY" not in data and any(m in data for m in _PUBLIC_MARKERS):
        raise KeyLoadError(
            "public_key",
            f"{source} holds a public key; signing needs the private key it was made from.",
        )
    openssh = _OPENSSH_MARKER in data
    encrypted = _openssh_encrypted(data) if openssh else any(m in data for m in _ENCRYPTED)
    if encrypted and password is None:
        raise KeyLoadError(
            "password_required",
            f"{source} is encrypted; pass its password (or set {ENV_KEY_PASSWORD}).",
        )
    if not encrypted and password is not None:
        raise KeyLoadError(
            "password_not_needed",
            f"a password was given but {source} is not encrypted; drop the password "
            f"(or unset {ENV_KEY_PASSWORD}).",
        )
    secret = None if password is None else _as_bytes(password)
    key = _load_openssh(data, secret, source) if openssh else _load_pem(data, secret, source)
    if isinstance(key, rsa.RSAPrivateKey):
        check_rsa_key_size(key)
        return key
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key
    raise KeyLoadError(
        "unsupported_key_type",
        f"{source} is an {_kind(key)} key; Kalshi API keys are RSA (2048 bits or more) or "
        "Ed25519 keys.",
    )


def _load_pem(data: bytes, password: bytes | None, source: str) -> object:
    # Imported here: cryptography's serialization package costs ~15 ms (it loads the OpenSSH
    # and cipher modules too), and signing with a ready key never needs it.
    from cryptography.hazmat.primitives import serialization

    try:
        return serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError):
        raise _undecodable(
            source,
            password,
            "could not be decoded as a private key: it is corrupt, truncated or in an "
            "unsupported format (Kalshi keys are RSA or Ed25519 PEM, PKCS#1 or PKCS#8).",
        ) from None
    except Exception:
        # e.g. UnsupportedAlgorithm; never chain: the cause's message is not ours to vouch for.
        raise KeyLoadError(
            "unsupported_format",
            f"{source} uses an unsupported key format; Kalshi keys are RSA or Ed25519 PEM.",
        ) from None


def _load_openssh(data: bytes, password: bytes | None, source: str) -> object:
    from cryptography.hazmat.primitives import serialization

    try:
        return serialization.load_ssh_private_key(data, password=password)
    except UnsupportedAlgorithm:
        # Encrypted OpenSSH keys need bcrypt's KDF, which cryptography takes from the optional
        # bcrypt package; the SDK does not depend on it.
        raise KeyLoadError(
            "unsupported_format",
            f"{source} is an encrypted OpenSSH key, which needs the bcrypt package to decrypt: "
            "`pip install bcrypt`, or remove the passphrase from a copy of the key "
            "(`ssh-keygen -p -N '' -f COPY`) and use the copy.",
        ) from None
    except (ValueError, TypeError):
        raise _undecodable(
            source,
            password,
            "looks like an OpenSSH private key but could not be decoded: it is corrupt or "
            "truncated.",
        ) from None


def _undecodable(source: str, password: bytes | None, what: str) -> KeyLoadError:
    """A key the loader refused: with a password, the password is wrong; else ``what``."""
    if password is not None:
        return KeyLoadError("wrong_password", f"{source} could not be decrypted: wrong password.")
    return KeyLoadError("not_pem", f"{source} {what}")


def _openssh_encrypted(data: bytes) -> bool:
    """Whether an OpenSSH private key names a cipher (its header says so in plain text)."""
    body = b"".join(
        line for line in data.strip().splitlines() if line and not line.startswith(b"-----")
    )
    try:
        raw = base64.b64decode(body, validate=False)
    except (ValueError, binascii.Error):
        return False
    magic = b"openssh-key-v1\x00"
    if not raw.startswith(magic) or len(raw) < len(magic) + 4:
        return False
    size = int.from_bytes(raw[len(magic) : len(magic) + 4], "big")
    return raw[len(magic) + 4 : len(magic) + 4 + size] != b"none"


def _kind(key: object) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"EC ({key.curve.name})"
    if isinstance(key, ed448.Ed448PrivateKey):
        return "Ed448"
    if isinstance(key, x25519.X25519PrivateKey | x448.X448PrivateKey):
        return "X25519/X448 (key agreement, not signing)"
    if isinstance(key, dsa.DSAPrivateKey):
        return "DSA"
    return f"unsupported ({type(key).__name__})"


@dataclass(frozen=True)
class Credentials:
    """An API key ID and its parsed private key; the key is kept out of repr."""

    key_id: str
    private_key: PrivateKey = field(repr=False)


def resolve_credentials(
    *,
    api_key_id: str | None = None,
    private_key_path: str | os.PathLike[str] | None = None,
    private_key_pem: str | bytes | None = None,
    private_key_password: str | bytes | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """Explicit arguments win; anything not given falls back to the KALSHI_* variables."""
    env = os.environ if environ is None else environ
    key_id = api_key_id if api_key_id is not None else env.get(ENV_KEY_ID, "")
    if not key_id.strip():
        raise KeyLoadError(
            "empty_key_id",
            f"no API key ID: pass api_key_id or set {ENV_KEY_ID} (the UUID Kalshi shows "
            "next to the key).",
        )
    check_key_id(key_id)
    env_password = env.get(ENV_KEY_PASSWORD) or None
    if private_key_path is None and private_key_pem is None:
        private_key_path = env.get(ENV_KEY_PATH) or None
        private_key_pem = env.get(ENV_KEY_PEM) or None
        if private_key_path is None and private_key_pem is None:
            raise KeyLoadError(
                "no_key",
                f"no private key: pass private_key_path or private_key_pem, or set "
                f"{ENV_KEY_PATH} or {ENV_KEY_PEM}.",
            )
        if private_key_path is not None and private_key_pem is not None:
            raise KeyLoadError(
                "ambiguous_key_source",
                f"both {ENV_KEY_PATH} and {ENV_KEY_PEM} are set; unset one of them so it is "
                "clear which private key to sign with.",
            )
        if private_key_password is None:
            private_key_password = env_password
    elif private_key_password is None and env_password is not None:
        # An explicit key: the variable's password (meant for the environment's key) is used
        # only if this key turns out to need one.
        try:
            key = load_private_key(private_key_path, pem=private_key_pem)
        except KeyLoadError as exc:
            if exc.reason != "password_required":
                raise
            private_key_password = env_password
        else:
            return Credentials(key_id=key_id.strip(), private_key=key)
    key = load_private_key(private_key_path, pem=private_key_pem, password=private_key_password)
    return Credentials(key_id=key_id.strip(), private_key=key)
