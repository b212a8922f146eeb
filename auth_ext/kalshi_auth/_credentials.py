"""Which key to sign with, and as which key ID: arguments first, then the KALSHI_* variables.

A key is one of: a PEM file (``private_key_path``), PEM text (``private_key_pem``), a key in a
PKCS#11 token (``private_key_uri``, a ``pkcs11:`` URI), or a ready :class:`SigningKey`
(``signing_key``, e.g. a user's cloud KMS). Exactly one may be given; with none, exactly one
of ``KALSHI_PRIVATE_KEY_PATH``, ``KALSHI_PRIVATE_KEY_PEM`` and ``KALSHI_PRIVATE_KEY_URI``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ._errors import KeyLoadError
from ._hints import Setting, ValueSource
from ._keys import (
    ENV_KEY_ID,
    ENV_KEY_PASSWORD,
    ENV_KEY_PATH,
    ENV_KEY_PEM,
    ENV_KEY_URI,
    KeyInput,
    parse_key,
    read_key,
)
from ._signer import KalshiSigner, PrivateKey, check_key_id
from ._signingkey import SigningKey

__all__ = ["AskPassword", "AskPin", "Credentials", "resolve_credentials"]

#: Asked for an encrypted key's password when no argument or variable gives one (a prompt).
AskPassword = Callable[[], str | bytes | None]
#: Asked for a token's user PIN when neither the URI nor KALSHI_PKCS11_PIN gives one.
AskPin = Callable[[], str | None]


@dataclass(frozen=True)
class Credentials:
    """An API key ID and its private key (parsed, or in a token); the key is kept out of repr."""

    key_id: str
    private_key: PrivateKey | SigningKey = field(repr=False)

    def signer(self, *, clock: Callable[[], float] = time.time) -> KalshiSigner:
        """The signer for these credentials (the key ID was checked when they were resolved)."""
        return KalshiSigner(self.key_id, self.private_key, clock=clock)


def resolve_credentials(
    *,
    api_key_id: str | None = None,
    private_key_path: str | os.PathLike[str] | None = None,
    private_key_pem: str | bytes | None = None,
    private_key_password: str | bytes | None = None,
    private_key_uri: str | None = None,
    signing_key: SigningKey | None = None,
    environ: Mapping[str, str] | None = None,
    ask_password: AskPassword | None = None,
    ask_pin: AskPin | None = None,
) -> Credentials:
    """Explicit arguments win; anything not given falls back to the KALSHI_* variables.

    The key ID is checked first, then the key read once and parsed once, with its password
    from the argument, else ``KALSHI_PRIVATE_KEY_PASSWORD``, else ``ask_password`` (called only
    for an encrypted key). The variable's password is meant for the variable's key: next to an
    explicit key it is used only if that key turns out to be encrypted. A token key is opened
    and checked here (see ``kalshi_auth._pkcs11``), its PIN asked of ``ask_pin`` last.
    """
    env = os.environ if environ is None else environ
    key_id = check_key_id(*_key_id_and_source(api_key_id, env))
    files = private_key_path is not None or private_key_pem is not None
    if sum((files, private_key_uri is not None, signing_key is not None)) > 1:
        raise KeyLoadError.of("two_key_uri_sources" if private_key_uri else "two_key_sources")
    if signing_key is not None:
        return Credentials(key_id=key_id, private_key=signing_key)
    if private_key_uri is not None:
        return Credentials(key_id, _token_key(private_key_uri, env, ask_pin))
    env_password = env.get(ENV_KEY_PASSWORD) or None
    if not files:
        uri = env.get(ENV_KEY_URI) or None
        if uri is not None:
            if env.get(ENV_KEY_PATH) or env.get(ENV_KEY_PEM):
                raise KeyLoadError.of("two_key_uri_sources")
            return Credentials(key_id, _token_key(uri, env, ask_pin))
        key_input = _read_environment_key(env)
        if private_key_password is None:
            private_key_password = env_password
    else:
        setting: Setting = "private_key_path" if private_key_path is not None else "private_key_pem"
        key_input = read_key(private_key_path, private_key_pem, ValueSource(setting, "argument"))
        if private_key_password is None and key_input.encrypted:
            private_key_password = env_password
    if private_key_password is None and ask_password is not None and key_input.encrypted:
        private_key_password = ask_password()
    return Credentials(key_id=key_id, private_key=parse_key(key_input, private_key_password))


def _token_key(uri: str, env: Mapping[str, str], ask_pin: AskPin | None) -> SigningKey:
    from ._pkcs11 import open_pkcs11_key

    return open_pkcs11_key(uri, environ=env, ask_pin=ask_pin)


def _key_id_and_source(api_key_id: str | None, env: Mapping[str, str]) -> tuple[str, ValueSource]:
    if api_key_id is not None:
        return api_key_id, ValueSource("api_key_id", "argument")
    key_id = env.get(ENV_KEY_ID, "")
    if not key_id.strip():
        raise KeyLoadError.of("no_key_id")
    return key_id, ValueSource("api_key_id", "environment")


def _read_environment_key(env: Mapping[str, str]) -> KeyInput:
    path = env.get(ENV_KEY_PATH) or None
    pem = env.get(ENV_KEY_PEM) or None
    if path is None and pem is None:
        raise KeyLoadError.of("no_key")
    if path is not None and pem is not None:
        raise KeyLoadError.of("two_key_variables")
    setting: Setting = "private_key_path" if path is not None else "private_key_pem"
    return read_key(path, pem, ValueSource(setting, "environment"))
