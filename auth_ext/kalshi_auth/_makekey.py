"""make_api_key(): the SDK's one call to make a key and save its private key, losing neither."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from kalshi_api_keys_client.api.api_keys import ApiKeysApi

from ._client import KalshiClient
from ._errors import ConfigurationError
from ._keyspec import Destination, KeySpec, NewKey
from ._keytypes import KEY_TYPES
from ._newkey import generate_key, register_key
from ._redact import shown
from ._signer import KeyType

__all__ = ["make_api_key"]


def make_api_key(
    api: ApiKeysApi | KalshiClient,
    save_to: str | os.PathLike[str],
    *,
    name: str,
    how: Literal["generate", "register"] = "generate",
    key_type: KeyType | None = None,
    bits: int | None = None,
    scopes: Sequence[str] | None = None,
    subaccount: int | None = None,
    fcm_subtrader_id: str | None = None,
    passphrase: str | bytes | None = None,
) -> NewKey:
    """Make a new API key and save its private key at ``save_to`` (a new file, or an existing
    directory, where it is named ``kalshi-<key id>.pem``), written atomically with mode 0600
    and never over an existing file.

    ``how="generate"`` has Kalshi make the pair (any account); ``how="register"`` makes it here
    (``bits`` for RSA, 2048 by default) and sends only the public key (createApiKey: Premier
    tier and up). ``key_type`` is ``"rsa"`` (the default) or ``"ed25519"``; ``scopes`` default to
    Kalshi's (read, write); ``passphrase`` encrypts the saved file.

    The destination is checked before anything is sent (a ``FileExistsRefusedError`` or
    ``ConfigurationError`` then, nothing made). Kalshi refusing the request raises its
    :class:`KalshiAPIError` and leaves nothing behind. Any failure after Kalshi may have acted
    (a lost or cut-off answer, a gateway's 502/504, a failed save, Ctrl-C) raises
    :class:`NewKeyError`, whose ``outcome`` says whether the key was withdrawn again, its
    private key kept on disk, or handed over on the error; no live key is left that nobody holds.
    """
    api = api if isinstance(api, ApiKeysApi) else ApiKeysApi(api)
    if not isinstance(name, str) or not name.strip():
        raise ConfigurationError("name must be a non-empty string: the new key's name")
    if key_type is not None and key_type not in KEY_TYPES:
        raise ConfigurationError(
            f"key_type must be one of {', '.join(KEY_TYPES)}, not {shown(str(key_type))}"
        )
    if how not in ("generate", "register"):
        raise ConfigurationError(f"how must be 'generate' or 'register', not {shown(str(how))}")
    if bits is not None and how != "register":
        raise ConfigurationError("bits is for how='register': Kalshi sizes the keys it makes")
    path = Path(save_to).expanduser().absolute()
    destination = Destination(None, path) if path.is_dir() else Destination.of(path, path.parent)
    destination.check()
    spec = KeySpec(
        name=name,
        scopes=tuple(scopes) if scopes else None,
        subaccount=subaccount,
        fcm_subtrader_id=fcm_subtrader_id,
        key_type=key_type,
    )
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    if how == "register":
        return register_key(api, spec, destination, bits=bits, passphrase=secret or None)
    return generate_key(api, spec, destination, passphrase=secret or None)
