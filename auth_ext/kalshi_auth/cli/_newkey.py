"""Making a new API key without ever losing its private half.

``register_key`` makes the pair here and writes the private key to disk *before* calling
createApiKey. ``generate_key`` saves what generateApiKey returns; if that fails it deletes the
new key on the server, and if that fails too it prints the private key once rather than drop it.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import NoReturn

from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.models import CreateApiKeyRequest, GenerateApiKeyRequest
from kalshi_api_keys_client.types import UNSET, Unset

from .._errors import KalshiAPIError, KalshiConnectionError, KalshiError
from .._files import write_secret_file
from .._redact import shown
from .._signer import key_type_of
from ._console import CommandError, Console, Interrupted
from ._keygen import new_private_key, private_pem, public_pem, reseal
from ._keyspec import Destination, KeySpec, NewKey

__all__ = [
    "describe_failure",
    "generate_key",
    "register_key",
    "warning_of",
]


def register_key(
    api: ApiKeysApi,
    spec: KeySpec,
    destination: Destination,
    *,
    bits: int | None,
    passphrase: bytes | None,
) -> NewKey:
    """createApiKey with a key pair made here; the private key is on disk before the call.

    The caller has run ``destination.check()`` (before any prompt); linking never overwrites.
    """
    key = new_private_key(spec.key_type or "rsa", bits)
    staged = destination.pending()
    write_secret_file(staged, private_pem(key, passphrase))
    body = CreateApiKeyRequest(
        name=spec.name,
        public_key=public_pem(key).decode("ascii"),
        scopes=spec.wire_scopes(),
        **spec.wire_binding(),
    )
    try:
        created = api.create_api_key(body)
    except KalshiAPIError:
        staged.unlink(missing_ok=True)  # the server said no: nothing exists to keep a key for
        raise
    except KalshiConnectionError as exc:
        if not exc.may_have_arrived:
            staged.unlink(missing_ok=True)
            raise
        raise _kept(staged, spec, str(exc)) from None
    except KeyboardInterrupt:
        raise Interrupted(
            str(_kept(staged, spec, "interrupted while waiting for Kalshi"))
        ) from None
    except Exception as exc:  # a success status with a body we cannot read: the key may exist
        raise _kept(
            staged, spec, f"unreadable createApiKey answer ({type(exc).__name__})"
        ) from None
    target = destination.path_for(created.api_key_id)
    if target != staged:
        try:
            os.link(staged, target)  # never over an existing file
            staged.unlink()
        except (OSError, KeyboardInterrupt) as exc:
            where = target if target.exists() and not staged.exists() else staged
            message = (
                f"key {created.api_key_id} was created; its private key is safe in "
                f"{shown(where)}"
                + (
                    ""
                    if where == target
                    else f" (it could not be named "
                    f"{shown(target)}: {describe_failure(exc)}); move it where you want it."
                )
            )
            if isinstance(exc, KeyboardInterrupt):
                raise Interrupted(message) from None
            raise CommandError(message) from None
    return NewKey(
        created.api_key_id, target, "register", key_type_of(key), warning_of(created.warning)
    )


def generate_key(
    api: ApiKeysApi,
    spec: KeySpec,
    destination: Destination,
    *,
    passphrase: bytes | None,
    console: Console,
) -> NewKey:
    """generateApiKey, then save the returned private key; never leaves a key nobody holds.

    The caller has run ``destination.check()``; a write that still fails deletes the key.
    """
    body = GenerateApiKeyRequest(
        name=spec.name,
        key_type=UNSET if spec.key_type is None else spec.key_type,
        scopes=spec.wire_scopes(),
        **spec.wire_binding(),
    )
    known = _key_ids(api)  # to find the key again if the answer never reaches us
    try:
        generated = api.generate_api_key(body)
    except KeyboardInterrupt:
        raise Interrupted(_withdraw_unanswered(api, spec, known)) from None
    except KalshiConnectionError as exc:
        if not exc.may_have_arrived:
            raise
        raise _lost(spec, str(exc)) from None
    except KalshiAPIError:
        raise
    except Exception as exc:  # a success status with a body we cannot read
        raise _lost(spec, f"unreadable generateApiKey answer ({type(exc).__name__})") from None
    pem = generated.private_key.encode("ascii", errors="replace")
    target = destination.path_for(generated.api_key_id)
    try:
        write_secret_file(target, reseal(pem, passphrase))
    except (OSError, KalshiError, KeyboardInterrupt) as exc:
        _save_failed(api, generated.api_key_id, pem, target, exc, console)
    key_type = generated.key_type if isinstance(generated.key_type, str) else None
    return NewKey(
        generated.api_key_id,
        target,
        "generate",
        key_type or spec.key_type or "rsa",
        warning_of(generated.warning),
    )


def warning_of(value: str | Unset | None) -> str | None:
    """Kalshi's ``warning`` on a new key, or None when there is none."""
    return value if isinstance(value, str) and value else None


def _kept(staged: Path, spec: KeySpec, why: str) -> CommandError:
    return CommandError(
        f"{why}. The key may or may not have been created; its private key is kept in "
        f"{shown(staged)}. Run 'kalshi-keys list': if a key named {shown(spec.name)} appeared, "
        "that file is its private key; otherwise delete the file."
    )


def describe_failure(error: BaseException) -> str:
    """Why a file could not be written, in words (never a bare None)."""
    if isinstance(error, KeyboardInterrupt):
        return "interrupted"
    if isinstance(error, FileExistsError):
        return "a file of that name appeared meanwhile"
    if isinstance(error, FileNotFoundError):
        return "its directory no longer exists"
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "the disk is full"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error) or type(error).__name__


def _key_ids(api: ApiKeysApi) -> set[str] | None:
    """The account's key IDs now, or None if they cannot be listed (then nothing is guessed)."""
    try:
        return {key.api_key_id for key in api.get_api_keys().api_keys}
    except KalshiError:
        return None


def _withdraw_unanswered(api: ApiKeysApi, spec: KeySpec, known: set[str] | None) -> str:
    """After an interrupt during generateApiKey: delete the key it may have made, which nobody
    holds the private key of; returns what happened, for the user."""
    advice = (
        f"Run 'kalshi-keys list' and delete any new key named {shown(spec.name)}: its private key "
        "never reached this machine."
    )
    if known is None:
        return f"interrupted while Kalshi was making the key. {advice}"
    try:
        listed = api.get_api_keys()
        orphans = [
            key.api_key_id
            for key in listed.api_keys
            if key.name == spec.name and key.api_key_id not in known
        ]
        for api_key_id in orphans:
            api.delete_api_key(api_key_id)
    except (KalshiError, KeyboardInterrupt):
        return f"interrupted while Kalshi was making the key, and the check failed. {advice}"
    if orphans:
        return (
            f"interrupted while Kalshi was making the key: the new key {', '.join(orphans)} "
            "was deleted again, since its private key never reached this machine. Nothing is "
            "left behind."
        )
    return "interrupted before Kalshi made the key: no key was made."


def _lost(spec: KeySpec, why: str) -> CommandError:
    return CommandError(
        f"{why}. The key may have been created without its private key reaching us: run "
        f"'kalshi-keys list' and delete any new key named {shown(spec.name)}."
    )


def _save_failed(
    api: ApiKeysApi,
    api_key_id: str,
    pem: bytes,
    target: Path,
    error: BaseException,
    console: Console,
) -> NoReturn:
    """Delete the unsaved key again; failing that, print its private key once."""
    why = f"{describe_failure(error)} ({shown(target)})"
    stop = Interrupted if isinstance(error, KeyboardInterrupt) else CommandError
    try:
        api.delete_api_key(api_key_id)
    except (KalshiError, KeyboardInterrupt) as delete_error:
        console.say(
            f"WARNING: the new key {api_key_id} is live, its private key could not be saved "
            f"({why}) and deleting the key failed too ({describe_failure(delete_error)}). "
            "Its private key is printed below ONCE; store it now, Kalshi cannot show it again."
        )
        console.out(pem.decode("ascii").rstrip("\n"), reveal=True)  # the one deliberate print
        raise stop(
            f"could not save the private key of the new key {api_key_id}; it was printed above"
        ) from None
    raise stop(
        f"could not save the private key ({why}), so the new key {api_key_id} was deleted "
        "again on the server; nothing is left behind. Fix the path and run again."
    ) from None
