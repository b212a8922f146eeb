"""Loading Kalshi private keys (RSA or Ed25519) from files, PEM text or the environment."""

from __future__ import annotations

import base64
import binascii
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519

from ._errors import KeyLoadError
from ._files import read_key_file
from ._hints import VARIABLES, ValueSource
from ._signer import PrivateKey, check_rsa_key_size

__all__ = [
    "ENV_KEY_ID",
    "ENV_KEY_PASSWORD",
    "ENV_KEY_PATH",
    "ENV_KEY_PEM",
    "ENV_KEY_URI",
    "KeyInput",
    "load_private_key",
    "parse_key",
    "read_key",
]

ENV_KEY_ID = VARIABLES["api_key_id"]
ENV_KEY_PATH = VARIABLES["private_key_path"]
ENV_KEY_PEM = VARIABLES["private_key_pem"]
ENV_KEY_PASSWORD = VARIABLES["private_key_password"]
ENV_KEY_URI = VARIABLES["private_key_uri"]

_PUBLIC_MARKERS = (b"-----BEGIN PUBLIC KEY-----", b"-----BEGIN RSA PUBLIC KEY-----")
_ENCRYPTED = (b"BEGIN ENCRYPTED PRIVATE KEY", b"Proc-Type: 4,ENCRYPTED")
_OPENSSH_MARKER = b"-----BEGIN OPENSSH PRIVATE KEY"


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


@dataclass(frozen=True)
class KeyInput:
    """Key material as read, once: PEM bytes, the file they came from, and from which setting."""

    data: bytes = field(repr=False)
    path: str | None
    source: ValueSource | None

    def error(self, problem: str, **facts: object) -> KeyLoadError:
        if self.path is not None:
            facts["path"] = self.path
        return KeyLoadError.of(problem, self.source, **facts)

    @functools.cached_property
    def encrypted(self) -> bool:  # asked up to three times; an OpenSSH key decodes to know
        if _OPENSSH_MARKER in self.data:
            return _openssh_encrypted(self.data)
        return any(marker in self.data for marker in _ENCRYPTED)


def read_key(
    path: str | os.PathLike[str] | None, pem: str | bytes | None, source: ValueSource | None
) -> KeyInput:
    if (path is None) == (pem is None):
        raise KeyLoadError.of("two_key_sources" if path is not None else "no_key_source")
    if pem is not None:
        return KeyInput(_normalise_pem(_as_bytes(pem)), None, source)
    where = Path(path or "").expanduser()
    key_input = KeyInput(b"", str(where), source)
    try:
        data = read_key_file(where)
    except FileNotFoundError:
        failure = key_input.error("missing_file")
    except OSError as exc:
        failure = key_input.error("unreadable_file", why=exc.strerror or type(exc).__name__)
    except ValueError:  # e.g. a NUL byte: no file system can have such a path
        failure = key_input.error("unreadable_file", why="not a valid path")
    else:
        return KeyInput(_normalise_pem(data), str(path), source)
    # Raised out of the except block: the OSError, whose filename may be PEM text given as a
    # path, is not kept as this error's context.
    raise failure


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
    return parse_key(read_key(path, pem, None), password)


def _looks_like_a_path(data: bytes) -> bool:
    """PEM text that is one short line naming a file: a path put where the PEM goes."""
    text = data.strip()
    if b"\n" in text or not 0 < len(text) <= 4096:
        return False
    return text.endswith((b".pem", b".key")) or text[:1] in (b"/", b"~", b".")


def parse_key(key_input: KeyInput, password: str | bytes | None) -> PrivateKey:
    data = key_input.data
    if b"-----BEGIN" not in data:
        if key_input.path is None and _looks_like_a_path(data):
            raise key_input.error("pem_is_a_path")
        raise key_input.error("no_armour")
    if b"PRIVATE KEY" not in data and any(m in data for m in _PUBLIC_MARKERS):
        raise key_input.error("public_key")
    encrypted = key_input.encrypted
    if encrypted and password is None:
        raise key_input.error("password_required")
    if not encrypted and password is not None:
        raise key_input.error("password_not_needed")
    secret = None if password is None else _as_bytes(password)
    if _OPENSSH_MARKER in data:
        key = _load_openssh(key_input, secret)
    else:
        key = _load_pem(key_input, secret)
    if isinstance(key, rsa.RSAPrivateKey):
        check_rsa_key_size(key)
        return key
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key
    raise key_input.error("unsupported_key_type", kind=_kind(key))


def _load_pem(key_input: KeyInput, password: bytes | None) -> object:
    # Imported here: cryptography's serialization package costs ~15 ms (it loads the OpenSSH
    # and cipher modules too), and signing with a ready key never needs it.
    from cryptography.hazmat.primitives import serialization

    try:
        return serialization.load_pem_private_key(key_input.data, password=password)
    except (ValueError, TypeError):
        raise _undecodable(key_input, password, "undecodable") from None
    except Exception:
        # e.g. UnsupportedAlgorithm; never chain: the cause's message is not ours to vouch for.
        raise key_input.error("unsupported_format") from None


def _load_openssh(key_input: KeyInput, password: bytes | None) -> object:
    from cryptography.hazmat.primitives import serialization

    try:
        return serialization.load_ssh_private_key(key_input.data, password=password)
    except UnsupportedAlgorithm:
        # Encrypted OpenSSH keys need bcrypt's KDF, which cryptography takes from the optional
        # bcrypt package; the SDK does not depend on it.
        raise key_input.error("encrypted_openssh") from None
    except (ValueError, TypeError):
        raise _undecodable(key_input, password, "undecodable_openssh") from None


def _undecodable(key_input: KeyInput, password: bytes | None, problem: str) -> KeyLoadError:
    """A key the loader refused: with a password, the password is wrong; else ``problem``."""
    return key_input.error("wrong_password" if password is not None else problem)


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
