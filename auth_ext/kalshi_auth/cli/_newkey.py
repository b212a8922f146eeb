"""Making a new API key without ever losing its private half.

``register_key`` makes the pair here and writes the private key to disk *before* calling
createApiKey. ``generate_key`` saves what generateApiKey returns; if that fails it deletes the
new key on the server, and if that fails too it prints the private key once rather than drop it.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NoReturn, cast

import httpx
from kalshi_api_keys_client import AuthenticatedClient
from kalshi_api_keys_client.api.api_keys import create_api_key, delete_api_key, generate_api_key
from kalshi_api_keys_client.models import (
    CreateApiKeyRequest,
    CreateApiKeyResponse,
    GenerateApiKeyRequest,
    GenerateApiKeyResponse,
)
from kalshi_api_keys_client.models.api_key_scope import ApiKeyScope
from kalshi_api_keys_client.types import UNSET, Unset

from .._errors import KalshiAPIError, KalshiConnectionError, KalshiError
from .._files import check_writable, write_secret_file
from .._signer import KeyType, key_type_of
from ._console import CommandError, Console
from ._keygen import new_private_key, private_pem, public_pem, reseal

__all__ = ["Destination", "KeySpec", "NewKey", "generate_key", "register_key", "unexpected"]


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
            return cls(None, default_directory.expanduser())
        out = out.expanduser()
        return cls(out, out.parent)

    def check(self) -> None:
        """Refuse now, before any key exists, if the private key could not be written later."""
        check_writable(self.file or self.directory / f".kalshi-keys-probe-{uuid.uuid4().hex}")

    def path_for(self, api_key_id: str) -> Path:
        return self.file or self.directory / f"kalshi-{api_key_id}.pem"


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
    staged = destination.directory / f".kalshi-keys-{uuid.uuid4().hex}.pem.pending"
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
    except Exception as exc:  # a success status with a body we cannot read: the key may exist
        raise _kept(
            staged, spec, f"unreadable createApiKey answer ({type(exc).__name__})"
        ) from None
    if not isinstance(created, CreateApiKeyResponse):
        raise _kept(staged, spec, f"unexpected createApiKey answer ({type(created).__name__})")
    target = destination.path_for(created.api_key_id)
    try:
        os.link(staged, target)  # never over an existing file
    except OSError as exc:
        raise CommandError(
            f"key {created.api_key_id} was created, but {str(target)!r} could not be written "
            f"({exc.strerror}); its private key is safe in {str(staged)!r}: move it where you "
            "want it."
        ) from None
    staged.unlink()
    return NewKey(
        created.api_key_id, target, "register", key_type_of(key), _warning(created.warning)
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
    try:
        generated = generate_api_key.sync(client=client, body=body)
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
    except (OSError, KalshiError) as exc:
        _save_failed(client, generated.api_key_id, pem, target, exc, console)
    key_type = generated.key_type if isinstance(generated.key_type, str) else None
    return NewKey(
        generated.api_key_id,
        target,
        "generate",
        key_type or spec.key_type or "rsa",
        _warning(generated.warning),
    )


def _warning(value: str | Unset | None) -> str | None:
    return value if isinstance(value, str) and value else None


def _kept(staged: Path, spec: KeySpec, why: str) -> CommandError:
    return CommandError(
        f"{why}. The key may or may not have been created; its private key is kept in "
        f"{str(staged)!r}. Run 'kalshi-keys list': if a key named {spec.name!r} appeared, "
        "rename the file and use it, otherwise delete the file."
    )


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
    error: Exception,
    console: Console,
) -> NoReturn:
    """Delete the unsaved key again; failing that, print its private key once."""
    why = f"{error.strerror} ({str(target)!r})" if isinstance(error, OSError) else str(error)
    try:
        delete_api_key.sync_detailed(api_key=api_key_id, client=client)
    except KalshiError as delete_error:
        console.say(
            f"WARNING: the new key {api_key_id} is live, its private key could not be saved "
            f"({why}) and deleting the key failed too ({delete_error}). Its private key is "
            "printed below ONCE; store it now, Kalshi cannot show it again."
        )
        console.out(pem.decode("ascii").rstrip("\n"))
        raise CommandError(
            f"could not save the private key of the new key {api_key_id}; it was printed above"
        ) from None
    raise CommandError(
        f"could not save the private key ({why}), so the new key {api_key_id} was deleted "
        "again on the server; nothing is left behind. Fix the path and run again."
    ) from None
