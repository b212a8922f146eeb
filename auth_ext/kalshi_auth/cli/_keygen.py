"""keygen's part of key making: describing a key, and asking for a new key's passphrase."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cryptography.hazmat.primitives.asymmetric import rsa

from .._signer import PrivateKey
from ._console import Console, UsageError

__all__ = [
    "AskPassphrase",
    "describe_key",
    "new_passphrase",
]

#: Gets the new key's passphrase (None: unencrypted); commands call it once their checks pass.
AskPassphrase = Callable[[], bytes | None]


def describe_key(key: PrivateKey) -> str:
    """``2048-bit RSA`` or ``Ed25519``: what a person needs to know of a key, no material."""
    return f"{key.key_size}-bit RSA" if isinstance(key, rsa.RSAPrivateKey) else "Ed25519"


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
