"""Loading Kalshi private keys from files, PEM text or the environment, with clear errors."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from ._errors import KeyLoadError
from ._signer import check_rsa_key_size

__all__ = ["ENV_KEY_ID", "ENV_KEY_PASSWORD", "ENV_KEY_PATH", "ENV_KEY_PEM", "load_private_key"]

ENV_KEY_ID = "KALSHI_API_KEY_ID"
ENV_KEY_PATH = "KALSHI_PRIVATE_KEY_PATH"
ENV_KEY_PEM = "KALSHI_PRIVATE_KEY_PEM"
ENV_KEY_PASSWORD = "KALSHI_PRIVATE_KEY_PASSWORD"

_PUBLIC_MARKERS = (b"-----BEGIN PUBLIC KEY-----", b"-----BEGIN RSA PUBLIC KEY-----")
_ENCRYPTED_MARKERS = (b"BEGIN ENCRYPTED PRIVATE KEY", b"Proc-Type: 4,ENCRYPTED")


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
    # Environment variables and JSON configs often carry the PEM with literal "\n" escapes.
    if b"\n" not in data.strip() and b"\\n" in data:
        data = data.replace(b"\\n", b"\n")
    return data.strip() + b"\n"


def load_private_key(
    path: str | os.PathLike[str] | None = None,
    *,
    pem: str | bytes | None = None,
    password: str | bytes | None = None,
) -> rsa.RSAPrivateKey:
    """Load an RSA private key (PKCS#1 or PKCS#8 PEM, encrypted or not) from ``path`` or ``pem``.

    Raises KeyLoadError, with a ``reason`` and a message that says what to fix, for every way
    the key can be unusable. Messages never contain key material.
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
    encrypted = any(marker in data for marker in _ENCRYPTED_MARKERS)
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
    try:
        key = serialization.load_pem_private_key(
            data, password=None if password is None else _as_bytes(password)
        )
    except (ValueError, TypeError):
        if encrypted:
            raise KeyLoadError(
                "wrong_password", f"{source} could not be decrypted: wrong password."
            ) from None
        raise KeyLoadError(
            "not_pem",
            f"{source} could not be decoded as a private key: it is corrupt, truncated or "
            "in an unsupported format (Kalshi keys are RSA PEM, PKCS#1 or PKCS#8).",
        ) from None
    except Exception:
        # e.g. UnsupportedAlgorithm; never chain: the cause's message is not ours to vouch for.
        raise KeyLoadError(
            "not_pem", f"{source} uses an unsupported key format; Kalshi keys are RSA PEM."
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyLoadError(
            "not_rsa",
            f"{source} is an {_kind(key)} key; Kalshi API keys are RSA keys (2048 bits or more).",
        )
    check_rsa_key_size(key)
    return key


def _kind(key: object) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "EC (elliptic-curve)"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return "EdDSA (Ed25519/Ed448)"
    return f"unsupported ({type(key).__name__})"


@dataclass(frozen=True)
class Credentials:
    """An API key ID and its parsed private key; the key is kept out of repr."""

    key_id: str
    private_key: rsa.RSAPrivateKey = field(repr=False)


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
    if private_key_path is None and private_key_pem is None:
        private_key_path = env.get(ENV_KEY_PATH) or None
        private_key_pem = env.get(ENV_KEY_PEM) or None
        if private_key_path is None and private_key_pem is None:
            raise KeyLoadError(
                "no_key",
                f"no private key: pass private_key_path or private_key_pem, or set "
                f"{ENV_KEY_PATH} or {ENV_KEY_PEM}.",
            )
    if private_key_password is None:
        private_key_password = env.get(ENV_KEY_PASSWORD) or None
    key = load_private_key(private_key_path, pem=private_key_pem, password=private_key_password)
    return Credentials(key_id=key_id.strip(), private_key=key)
