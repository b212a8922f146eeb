"""rotate: replace the key in use without ever leaving the user without a working key.

Order: make the new key (register, or generate if register is forbidden; or, with a pkcs11:
``--out``, make it in the token and register it), prove it by calling the API with the new
key as saved, then delete the old key. Until the proof passes the old key is untouched, and a
failure removes the new key again (on the server, and its file; a token key stays in the
token, unregistered).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.types import Unset

from .._client import KalshiClient
from .._errors import KalshiError, PermissionDeniedError
from .._keyspec import Destination, KeySpec, NewKey
from .._newkey import describe_failure, generate_key, register_key
from .._pkcs11uri import Pkcs11Uri
from .._recovery import cleanup_api
from .._redact import shown
from ._console import CommandError, Console, Interrupted
from ._keygen import AskPassphrase
from ._session import Connection, find_key, list_keys
from ._unsaved import new_key_failures

if TYPE_CHECKING:
    from .._pkcs11 import Pkcs11Key

__all__ = ["Replacement", "rotate"]


@dataclass(frozen=True)
class Replacement:
    """The new key: registered, and either saved to a file or held in a token."""

    api_key_id: str
    #: Where its private key is, for messages: a file, or the token and object.
    where: str
    #: Removes the private key kept for a key that was withdrawn (a token key stays).
    discard: Callable[[], None]
    file: NewKey | None = None
    token: Pkcs11Key | None = None
    warning: str | None = None

    @classmethod
    def of_file(cls, new: NewKey) -> Replacement:
        return cls(new.api_key_id, shown(new.path), lambda: new.path.unlink(missing_ok=True),
                   file=new, warning=new.warning)  # fmt: skip

    @classmethod
    def of_token(cls, api_key_id: str, key: Pkcs11Key, warning: str | None) -> Replacement:
        return cls(api_key_id, key.uri.described(), lambda: None, token=key, warning=warning)


def rotate(
    console: Console,
    connection: Connection,
    overrides: KeySpec,
    out: Path | Pkcs11Uri | None,
    *,
    bits: int | None,
    ask_passphrase: AskPassphrase,
    keep_old: bool,
) -> tuple[KeySpec, Replacement]:
    """Rotate the configured key; returns the new key's spec and where it is stored."""
    token = out if isinstance(out, Pkcs11Uri) else None
    file = out if isinstance(out, Path) else None
    destination = Destination.of(file, connection.key_directory or Path.cwd())
    passphrase = None
    if token is None:
        destination.check()
        passphrase = ask_passphrase()
    with connection.client(console) as old_client:
        old_id = old_client.signer.key_id
        spec = _spec_like(old_client, old_id, overrides)
        # The list does not say a key's type; the key file in use does.
        spec = replace(spec, key_type=overrides.key_type or old_client.signer.key_type)
        console.say(
            f"rotating {old_client.signer.key_type} key {old_id} on {connection.url}: making "
            f"its {spec.key_type} replacement"
        )
        if token is not None:
            new = _make_token_key(console, connection, old_client, spec, token, bits)
        else:
            with new_key_failures(console):
                made = _make_key(console, old_client, spec, destination, bits, passphrase)
            new = Replacement.of_file(made)
        try:
            _prove(connection, new, passphrase)
        except (KalshiError, OSError, KeyboardInterrupt) as exc:
            _withdraw(console, old_client, new, exc)
        console.say(f"new key {new.api_key_id} works")
        if keep_old:
            console.say(f"kept the old key {old_id} (--keep-old); delete it when you are done")
            return spec, new
        try:
            # The old key deletes itself: it may manage keys (it just made one), while the new
            # key may have been given narrower scopes. With time of its own: the proof may
            # have spent the command's.
            with cleanup_api(ApiKeysApi(old_client)) as cleanup:
                cleanup.delete_api_key(old_id)
        except KeyboardInterrupt:
            raise Interrupted(
                f"interrupted while deleting the old key {old_id}: the new key "
                f"{new.api_key_id} works and is kept in {new.where}; the old key may or "
                f"may not be gone. Switch to the new key, then run 'kalshi-keys delete {old_id}' "
                "(a 404 there means it is gone)."
            ) from None
        except KalshiError as exc:
            raise CommandError(
                f"the new key {new.api_key_id} works and is kept in {new.where}, but "
                f"deleting the old key {old_id} failed ({exc}); both keys work now. Switch to "
                f"the new key, then run 'kalshi-keys delete {old_id}'."
            ) from None
        held = (
            "pair can be removed from the token" if connection.in_token else "file can be removed"
        )
        console.say(f"deleted the old key {old_id}; its private key {held}")
    return spec, new


def _spec_like(client: KalshiClient, old_id: str, overrides: KeySpec) -> KeySpec:
    """The old key's name, scopes and sub-account, unless the command line says otherwise."""
    old = find_key(list_keys(client), old_id)
    if old is None:
        if overrides.scopes is None:
            raise CommandError(
                f"key {old_id} is not in the account's key list, so its scopes are unknown; "
                "pass --scopes (and --subaccount if it had one) for its replacement"
            )
        return replace(overrides, name=overrides.name or "rotated by kalshi-keys")
    # Exactly the old scopes, even ones this SDK does not know: Kalshi's default (read, write)
    # could be broader than what the old key had.
    if not old.scopes and not overrides.scopes:
        raise CommandError(f"key {old_id} lists no scopes; pass --scopes for its replacement")
    subaccount = None if isinstance(old.subaccount, Unset) else old.subaccount
    base = KeySpec(name=old.name, scopes=tuple(old.scopes), subaccount=subaccount)
    return replace(
        base,
        name=overrides.name or base.name,
        scopes=overrides.scopes or base.scopes,
        subaccount=base.subaccount if overrides.subaccount is None else overrides.subaccount,
    )


def _make_key(
    console: Console,
    client: KalshiClient,
    spec: KeySpec,
    destination: Destination,
    bits: int | None,
    passphrase: bytes | None,
) -> NewKey:
    api = ApiKeysApi(client)
    try:
        return register_key(api, spec, destination, bits=bits, passphrase=passphrase)
    except PermissionDeniedError:
        console.say("createApiKey is not allowed for this account (403); using generateApiKey")
    return generate_key(api, spec, destination, passphrase=passphrase)


def _make_token_key(
    console: Console,
    connection: Connection,
    client: KalshiClient,
    spec: KeySpec,
    token: Pkcs11Uri,
    bits: int | None,
) -> Replacement:
    """The new key made in the token, then registered (a token key cannot be generated)."""
    from .._pkcs11keygen import make_token_key
    from ._token import register_in_token

    ask_pin = connection.ask_pin(console)
    key_type = spec.key_type or "rsa"
    key = make_token_key(
        token, key_type, bits=bits or 2048, environ=connection.environ, ask_pin=ask_pin
    )
    api_key_id, warning = register_in_token(console, connection, spec, key, ApiKeysApi(client))
    return Replacement.of_token(api_key_id, key, warning)


def _prove(connection: Connection, new: Replacement, passphrase: bytes | None) -> None:
    """Sign with the new key as kept (its saved file, or the token) and call the API with it:
    the only proof that counts."""
    if new.token is not None:
        client = connection.client_for(new.api_key_id, signing_key=new.token)
    else:
        assert new.file is not None
        client = connection.client_for(new.api_key_id, new.file.path, passphrase)
    with client:
        if find_key(list_keys(client), new.api_key_id) is None:
            raise CommandError(f"the new key {new.api_key_id} is missing from the key list")


def _withdraw(
    console: Console, client: KalshiClient, new: Replacement, cause: BaseException
) -> NoReturn:
    """Undo a new key that failed (or was interrupted in) its proof; the old key was never
    touched."""
    stop = Interrupted if isinstance(cause, KeyboardInterrupt) else CommandError
    why = describe_failure(cause)
    if isinstance(cause, OSError) and cause.filename:
        why += f" ({cause.filename})"
    try:
        with cleanup_api(ApiKeysApi(client)) as cleanup:
            cleanup.delete_api_key(new.api_key_id)
    except (KalshiError, KeyboardInterrupt) as exc:
        raise stop(
            f"the new key {new.api_key_id} failed its check ({why}) and could not be deleted "
            f"({describe_failure(exc)}); its private key stays in {new.where}. Your old "
            "key still works."
        ) from None
    new.discard()
    kept = "its file removed" if new.file is not None else f"its pair left in {new.where}"
    raise stop(
        f"the new key {new.api_key_id} failed its check ({why}); it was deleted again and "
        f"{kept}. Your old key is unchanged and still works."
    )
