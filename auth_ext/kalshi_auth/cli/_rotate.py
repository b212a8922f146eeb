"""rotate: replace the key in use without ever leaving the user without a working key.

Order: make the new key (register, or generate if register is forbidden), prove it by calling
the API with the saved file, then delete the old key. Until the proof passes the old key is
untouched, and a failure removes the new key again (server and file).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.types import Unset

from .._client import KalshiClient
from .._errors import KalshiError, PermissionDeniedError
from .._keyspec import Destination, KeySpec, NewKey
from .._newkey import describe_failure, generate_key, register_key
from .._recovery import cleanup_api
from .._redact import shown
from ._console import CommandError, Console, Interrupted
from ._keygen import AskPassphrase
from ._session import Connection, find_key, list_keys
from ._unsaved import new_key_failures

__all__ = ["rotate"]


def rotate(
    console: Console,
    connection: Connection,
    overrides: KeySpec,
    out: Path | None,
    *,
    bits: int | None,
    ask_passphrase: AskPassphrase,
    keep_old: bool,
) -> tuple[KeySpec, NewKey]:
    """Rotate the configured key; returns the new key's spec and where it is stored."""
    destination = Destination.of(out, connection.key_directory or Path.cwd())
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
        with new_key_failures(console):
            new = _make_key(console, old_client, spec, destination, bits, passphrase)
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
                f"{new.api_key_id} works and is saved at {shown(new.path)}; the old key may or "
                f"may not be gone. Switch to the new key, then run 'kalshi-keys delete {old_id}' "
                "(a 404 there means it is gone)."
            ) from None
        except KalshiError as exc:
            raise CommandError(
                f"the new key {new.api_key_id} works and is saved at {shown(new.path)}, but "
                f"deleting the old key {old_id} failed ({exc}); both keys work now. Switch to "
                f"the new key, then run 'kalshi-keys delete {old_id}'."
            ) from None
        console.say(f"deleted the old key {old_id}; its private key file can be removed")
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


def _prove(connection: Connection, new: NewKey, passphrase: bytes | None) -> None:
    """Load the saved file and call the API with it: the only proof that counts."""
    with connection.client_for(new.api_key_id, new.path, passphrase) as client:
        if find_key(list_keys(client), new.api_key_id) is None:
            raise CommandError(f"the new key {new.api_key_id} is missing from the key list")


def _withdraw(
    console: Console, client: KalshiClient, new: NewKey, cause: BaseException
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
            f"({describe_failure(exc)}); its private key stays at {shown(new.path)}. Your old "
            "key still works."
        ) from None
    new.path.unlink(missing_ok=True)
    raise stop(
        f"the new key {new.api_key_id} failed its check ({why}); it was deleted again and its "
        "file removed. Your old key is unchanged and still works."
    )
