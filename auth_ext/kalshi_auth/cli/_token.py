"""kalshi-keys with keys in a PKCS#11 token: making a pair in it, registering its public half.

The private half of a token key never leaves the token, so nothing here writes a key file and
no failure can lose a private key: at worst a key Kalshi never registered stays in the token.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.models import CreateApiKeyRequest

from .._credentials import AskPin
from .._errors import KalshiError, PermissionDeniedError
from .._keypairs import public_pem
from .._keyspec import KeySpec
from .._keytypes import KeyType
from .._newkey import describe_failure, warning_of
from .._pkcs11 import Pkcs11Key
from .._pkcs11keygen import make_token_key
from .._pkcs11uri import Pkcs11Uri
from .._recovery import key_ids, may_have_acted, the_new_key
from ._commands import CREATE_FORBIDDEN, say_warning
from ._console import CommandError, Console, safe
from ._session import Connection

__all__ = ["describe_token_key", "keygen_in_token", "register_in_token", "report_token_key"]


def describe_token_key(key: Pkcs11Key) -> str:
    """``Ed25519 in token 'kalshi', object 'bot-1', id ...``: what a person needs, no PIN."""
    public = key.public_key()
    kind = f"{public.key_size}-bit RSA" if isinstance(public, rsa.RSAPublicKey) else "Ed25519"
    return f"{kind} in {key.uri.described()}"


def keygen_in_token(
    console: Console,
    uri: Pkcs11Uri,
    *,
    key_type: KeyType,
    bits: int | None,
    environ: Mapping[str, str],
    ask_pin: AskPin | None,
) -> Pkcs11Key:
    """A new pair inside the token (no API call); prints its URI and how to register it."""
    key = make_token_key(uri, key_type, bits=bits or 2048, environ=environ, ask_pin=ask_pin)
    console.out(f"private key: {safe(describe_token_key(key))} (non-extractable, sign-only)")
    console.out(f"  its URI: {safe(key.uri.text())}")
    console.say(
        "Register it with: kalshi-keys register --name NAME --public-key "
        f"{shlex.quote(safe(key.uri.text()))}"
    )
    return key


def register_in_token(
    console: Console, connection: Connection, spec: KeySpec, key: Pkcs11Key, api: ApiKeysApi
) -> tuple[str, str | None]:
    """createApiKey for the token key's public half: its new ID, and Kalshi's warning.

    If the answer is lost after Kalshi may have made the key, the new key is looked for by
    name among the IDs that did not exist before; the private half is in the token either way.
    """
    before = key_ids(api)
    body = CreateApiKeyRequest(
        name=spec.name, public_key=public_pem(key).decode("ascii"), scopes=spec.wire_scopes(),
        **spec.wire_binding(),
    )  # fmt: skip
    try:
        created = api.create_api_key(body)
    except PermissionDeniedError:
        raise CommandError(
            CREATE_FORBIDDEN.format(url=connection.url)
            + f" The token key stays unregistered in {key.uri.described()}."
        ) from None
    except (KalshiError, KeyboardInterrupt) as exc:
        if not may_have_acted(exc):
            raise
        found = the_new_key(api, spec.name, before)
        if found is not None:
            console.say(f"the answer was lost ({describe_failure(exc)}); found the new key")
            return found, None
        raise CommandError(
            f"createApiKey's answer was lost ({describe_failure(exc)}) and Kalshi may have made "
            f"the key. Its private half stays in {key.uri.described()}. Run 'kalshi-keys list': "
            f"a new key named {safe(spec.name)!r} is this one; if there is none, register again "
            "with --public-key and the same URI."
        ) from None
    return created.api_key_id, warning_of(created.warning)


def report_token_key(
    console: Console,
    connection: Connection,
    spec: KeySpec,
    api_key_id: str,
    key: Pkcs11Key,
    warning: str | None,
    *,
    as_json: bool,
) -> None:
    """The new key's ID and the URI to sign with (no PIN in it)."""
    say_warning(console, api_key_id, warning)
    uri = key.uri.text()
    if as_json:
        console.out(json.dumps({"api_key_id": api_key_id, "key_type": key.key_type,
                                "private_key_uri": uri, "how": "register-token-key",
                                "warning": warning}))  # fmt: skip
        return
    console.out(
        f"created {key.key_type} key {api_key_id} ({safe(spec.describe())}) on {connection.url}"
    )
    console.out(f"private key: {safe(describe_token_key(key))} (it never leaves the token)")
    console.out(f"  export KALSHI_API_KEY_ID={shlex.quote(api_key_id)}")
    console.out(f"  export KALSHI_PRIVATE_KEY_URI={shlex.quote(safe(uri))}")
