"""Making a new API key without ever losing its private half.

``register_key`` makes the pair here and writes the private key to disk *before* calling
createApiKey. ``generate_key`` saves what generateApiKey returns; if that fails it deletes the
new key on the server, and if that fails too it prints the private key once rather than drop it.
"""

from __future__ import annotations

import errno
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NoReturn, cast

import httpx
from kalshi_api_keys_client import AuthenticatedClient
from kalshi_api_keys_client.api.api_keys import (
    create_api_key,
    delete_api_key,
    generate_api_key,
    get_api_keys,
)
from kalshi_api_keys_client.models import (
    CreateApiKeyRequest,
    CreateApiKeyResponse,
    GenerateApiKeyRequest,
    GenerateApiKeyResponse,
    GetApiKeysResponse,
)
from kalshi_api_keys_client.models.api_key_scope import ApiKeyScope
from kalshi_api_keys_client.types import UNSET, Unset

from .._errors import KalshiAPIError, KalshiConnectionError, KalshiError
from .._files import check_writable, write_secret_file
from .._signer import KeyType, key_type_of
from ._console import CommandError, Console, Interrupted
from ._keygen import new_private_key, private_pem, public_pem, reseal

__all__ = [
    "Destination",
    "KeySpec",
    "NewKey",
    "describe_failure",
    "generate_key",
    "register_key",
    "unexpected",
    "warning_of",
]


@dataclass(frozen=True)
class KeySpec:
    """What the new key should be: name, scopes (None: Kalshi's default), sub-account or FCM
    subtrader binding (at most one of the two).

    Scopes are plain strings: a rotated key keeps even scopes newer than this SDK's list.
    """

    name: str
    scopes: tuple[str, ...] | None = None
    subaccount: int | None = None
    fcm_subtrader_id: str | None = None
    #: None: RSA when we make the pair, Kalshi's default (also RSA) when Kalshi makes it.
    key_type: KeyType | None = None

    def wire_scopes(self) -> list[ApiKeyScope] | Unset:
        # Unknown scopes go through unchanged for the server to judge (see the class doc).
        return cast(list[ApiKeyScope], list(self.scopes)) if self.scopes else UNSET

    def describe(self) -> str:
        scopes = ",".join(self.scopes) if self.scopes else "read,write (default)"
        sub = "" if self.subaccount is None else f", sub-account {self.subaccount}"
        fcm = "" if self.fcm_subtrader_id is None else f", FCM subtrader {self.fcm_subtrader_id}"
        return f"{self.name!r}, scopes {scopes}{sub}{fcm}"

    def wire_binding(self) -> dict[str, Any]:
        """The sub-account and FCM subtrader fields of a create or generate request."""
        return {
            "subaccount": UNSET if self.subaccount is None else self.subaccount,
            "fcm_subtrader_id": UNSET if self.fcm_subtrader_id is None else self.fcm_subtrader_id,
        }


@dataclass(frozen=True)
class NewKey:
    """A key that now exists on the server, and where its private key is stored."""

    api_key_id: str
    path: Path
    how: Literal["register", "generate"]
    key_type: str = "rsa"
    #: Kalshi's warning about the new key (an FCM subtrader lacking a risk control), if any.
    warning: str | None = None


@dataclass(frozen=True)
class Destination:
    """Where a new private key goes: ``file``, or ``kalshi-<key id>.pem`` in ``directory``."""

    file: Path | None
    directory: Path

    @classmethod
    def of(cls, out: Path | None, default_directory: Path) -> Destination:
        if out is None:
            return cls(None, default_directory.expanduser().absolute())
        out = out.expanduser().absolute()  # messages name the file unmistakably
        return cls(out, out.parent)

    def check(self) -> None:
        """Refuse now, before any key exists, if the private key could not be written later."""
        check_writable(self.file or self.directory / f"kalshi-probe-{uuid.uuid4().hex}.pem")

    def pending(self) -> Path:
        """Where a key made here waits for its ID: the asked-for file itself, else a dated,
        visible ``kalshi-pending-*.pem`` that a person can recognise if it is left behind."""
        if self.file is not None:
            return self.file
        stamp = time.strftime("%Y%m%dT%H%M%S")
        return self.directory / f"kalshi-pending-{stamp}-{uuid.uuid4().hex[:6]}.pem"

    def path_for(self, api_key_id: str) -> Path:
        """The key's file: ``file``, or ``kalshi-<id>.pem`` if the ID is safe in a file name
        (it comes from the server), else a ``kalshi-pending-*`` name."""
        if self.file is not None:
            return self.file
        if api_key_id in {".", ".."} or not re.fullmatch(r"[A-Za-z0-9._-]{1,128}", api_key_id):
            return self.pending()
        return self.directory / f"kalshi-{api_key_id}.pem"


def unexpected(what: str, value: object) -> KalshiError:
    """The generated client returned something other than the success model."""
    return KalshiError(f"{what}: unexpected response ({type(value).__name__}); nothing was saved")


def _never_sent(exc: KalshiConnectionError) -> bool:
    return isinstance(exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout)


def register_key(
    client: AuthenticatedClient,
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
        created = create_api_key.sync(client=client, body=body)
    except KalshiAPIError:
        staged.unlink(missing_ok=True)  # the server said no: nothing exists to keep a key for
        raise
    except KalshiConnectionError as exc:
        if _never_sent(exc):
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
    if not isinstance(created, CreateApiKeyResponse):
        raise _kept(staged, spec, f"unexpected createApiKey answer ({type(created).__name__})")
    target = destination.path_for(created.api_key_id)
    if target != staged:
        try:
            os.link(staged, target)  # never over an existing file
            staged.unlink()
        except (OSError, KeyboardInterrupt) as exc:
            where = target if target.exists() and not staged.exists() else staged
            message = (
                f"key {created.api_key_id} was created; its private key is safe in "
                f"{str(where)!r}"
                + (
                    ""
                    if where == target
                    else f" (it could not be named "
                    f"{str(target)!r}: {describe_failure(exc)}); move it where you want it."
                )
            )
            if isinstance(exc, KeyboardInterrupt):
                raise Interrupted(message) from None
            raise CommandError(message) from None
    return NewKey(
        created.api_key_id, target, "register", key_type_of(key), warning_of(created.warning)
    )


def generate_key(
    client: AuthenticatedClient,
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
    known = _key_ids(client)  # to find the key again if the answer never reaches us
    try:
        generated = generate_api_key.sync(client=client, body=body)
    except KeyboardInterrupt:
        raise Interrupted(_withdraw_unanswered(client, spec, known)) from None
    except KalshiConnectionError as exc:
        if _never_sent(exc):
            raise
        raise _lost(spec, str(exc)) from None
    except KalshiAPIError:
        raise
    except Exception as exc:  # a success status with a body we cannot read
        raise _lost(spec, f"unreadable generateApiKey answer ({type(exc).__name__})") from None
    if not isinstance(generated, GenerateApiKeyResponse):
        raise _lost(spec, f"unexpected generateApiKey answer ({type(generated).__name__})")
    pem = generated.private_key.encode("ascii", errors="replace")
    target = destination.path_for(generated.api_key_id)
    try:
        write_secret_file(target, reseal(pem, passphrase))
    except (OSError, KalshiError, KeyboardInterrupt) as exc:
        _save_failed(client, generated.api_key_id, pem, target, exc, console)
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
        f"{str(staged)!r}. Run 'kalshi-keys list': if a key named {spec.name!r} appeared, "
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


def _key_ids(client: AuthenticatedClient) -> set[str] | None:
    """The account's key IDs now, or None if they cannot be listed (then nothing is guessed)."""
    try:
        listed = get_api_keys.sync(client=client)
    except KalshiError:
        return None
    return (
        {key.api_key_id for key in listed.api_keys}
        if isinstance(listed, GetApiKeysResponse)
        else None
    )


def _withdraw_unanswered(client: AuthenticatedClient, spec: KeySpec, known: set[str] | None) -> str:
    """After an interrupt during generateApiKey: delete the key it may have made, which nobody
    holds the private key of; returns what happened, for the user."""
    advice = (
        f"Run 'kalshi-keys list' and delete any new key named {spec.name!r}: its private key "
        "never reached this machine."
    )
    if known is None:
        return f"interrupted while Kalshi was making the key. {advice}"
    try:
        listed = get_api_keys.sync(client=client)
        if not isinstance(listed, GetApiKeysResponse):
            return f"interrupted while Kalshi was making the key. {advice}"
        orphans = [
            key.api_key_id
            for key in listed.api_keys
            if key.name == spec.name and key.api_key_id not in known
        ]
        for api_key_id in orphans:
            delete_api_key.sync_detailed(api_key=api_key_id, client=client)
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
        f"'kalshi-keys list' and delete any new key named {spec.name!r}."
    )


def _save_failed(
    client: AuthenticatedClient,
    api_key_id: str,
    pem: bytes,
    target: Path,
    error: BaseException,
    console: Console,
) -> NoReturn:
    """Delete the unsaved key again; failing that, print its private key once."""
    why = f"{describe_failure(error)} ({str(target)!r})"
    stop = Interrupted if isinstance(error, KeyboardInterrupt) else CommandError
    try:
        delete_api_key.sync_detailed(api_key=api_key_id, client=client)
    except (KalshiError, KeyboardInterrupt) as delete_error:
        console.say(
            f"WARNING: the new key {api_key_id} is live, its private key could not be saved "
            f"({why}) and deleting the key failed too ({describe_failure(delete_error)}). "
            "Its private key is printed below ONCE; store it now, Kalshi cannot show it again."
        )
        console.out(pem.decode("ascii").rstrip("\n"))
        raise stop(
            f"could not save the private key of the new key {api_key_id}; it was printed above"
        ) from None
    raise stop(
        f"could not save the private key ({why}), so the new key {api_key_id} was deleted "
        "again on the server; nothing is left behind. Fix the path and run again."
    ) from None
