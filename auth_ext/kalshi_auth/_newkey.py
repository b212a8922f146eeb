"""Making a new API key and saving its private key, without ever losing it or orphaning the key.

``register_key`` makes the pair here and saves the private key *before* createApiKey, so an
answer that goes missing leaves the key's private half on disk. ``generate_key`` saves what
generateApiKey returns; when the answer goes missing it lists the account's keys, finds the one
Kalshi made (by its name, among the IDs that did not exist before) and deletes it again, since
nobody holds its private key; when saving fails it deletes the key, and if that fails too the
private key is handed to the caller on the error rather than dropped. Every failure after
Kalshi may have acted is a :class:`NewKeyError` saying which of these happened.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.models import CreateApiKeyRequest, GenerateApiKeyRequest
from kalshi_api_keys_client.types import UNSET, Unset

from ._errors import KalshiError
from ._files import write_secret_file
from ._keypairs import new_private_key, private_pem, public_pem, reseal
from ._keyspec import Destination, KeySpec, NewKey, NewKeyError
from ._recovery import cleanup_api, key_ids, may_have_acted, new_keys_named, the_new_key
from ._redact import shown
from ._signer import key_type_of

__all__ = ["describe_failure", "generate_key", "register_key", "warning_of"]


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
    before = key_ids(api)  # to name the new key exactly if the answer goes missing
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
    except (KalshiError, KeyboardInterrupt) as exc:
        failure = exc
    else:
        return _named(created.api_key_id, staged, destination, key_type_of(key), created.warning)
    if not may_have_acted(failure):
        staged.unlink(missing_ok=True)  # Kalshi said no: there is no key to keep a file for
        raise failure
    raise _kept(api, spec, staged, before, failure)


def generate_key(
    api: ApiKeysApi, spec: KeySpec, destination: Destination, *, passphrase: bytes | None
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
    before = key_ids(api)  # to find the key again if the answer never reaches us
    try:
        generated = api.generate_api_key(body)
    except (KalshiError, KeyboardInterrupt) as exc:
        failure = exc
    else:
        pem = generated.private_key.encode("ascii", errors="replace")
        target = destination.path_for(generated.api_key_id)
        try:
            write_secret_file(target, reseal(pem, passphrase))
        except (OSError, KalshiError, KeyboardInterrupt) as exc:
            raise _save_failed(api, generated.api_key_id, pem, target, exc) from None
        key_type = generated.key_type if isinstance(generated.key_type, str) else None
        return NewKey(
            generated.api_key_id,
            target,
            "generate",
            key_type or spec.key_type or "rsa",
            warning_of(generated.warning),
        )
    if not may_have_acted(failure):
        raise failure
    raise _withdrawn(api, spec, before, failure)


def warning_of(value: str | Unset | None) -> str | None:
    """Kalshi's ``warning`` on a new key, or None when there is none."""
    return value if isinstance(value, str) and value else None


def describe_failure(error: BaseException) -> str:
    """Why a call or a file write failed, in words (never a bare None)."""
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
    if isinstance(error, KalshiError):
        return str(error) or type(error).__name__
    return f"unreadable answer ({type(error).__name__})"


def _named(
    api_key_id: str,
    staged: Path,
    destination: Destination,
    key_type: str,
    warning: str | Unset | None,
) -> NewKey:
    """The registered key, its private key moved from the staged file to its own name."""
    target = destination.path_for(api_key_id)
    if target != staged:
        try:
            os.link(staged, target)  # never over an existing file
            staged.unlink()
        except (OSError, KeyboardInterrupt) as exc:
            where = target if target.exists() and not staged.exists() else staged
            named = "" if where == target else (
                f" (it could not be named {shown(target)}: {describe_failure(exc)}); move it "
                "where you want it"
            )  # fmt: skip
            raise NewKeyError.of(
                f"key {api_key_id} was created; its private key is safe in {shown(where)}{named}",
                outcome="kept",
                api_key_id=api_key_id,
                private_key_path=where,
                interrupted=isinstance(exc, KeyboardInterrupt),
            ) from None
    return NewKey(api_key_id, target, "register", key_type, warning_of(warning))


def _others(before: frozenset[str] | None) -> str:
    return "" if not before else f" (any ID but {', '.join(sorted(before))})"


def _kept(
    api: ApiKeysApi,
    spec: KeySpec,
    staged: Path,
    before: frozenset[str] | None,
    failure: BaseException,
) -> NewKeyError:
    """createApiKey may have made the key: keep its private key, and name the key if found."""
    found = the_new_key(api, spec.name, before)
    why = describe_failure(failure)
    if found is not None:
        message = (
            f"{why}, but Kalshi made the key {found}: its private key is kept in {shown(staged)}"
        )
    else:
        message = (
            f"{why}. The key may or may not have been created; its private key is kept in "
            f"{shown(staged)}. If a key named {shown(spec.name)}{_others(before)} appears in "
            "the account's key list, that file is its private key; otherwise delete the file"
        )
    return NewKeyError.of(
        message,
        outcome="kept",
        api_key_id=found,
        private_key_path=staged,
        interrupted=isinstance(failure, KeyboardInterrupt),
    )


def _withdrawn(
    api: ApiKeysApi, spec: KeySpec, before: frozenset[str] | None, failure: BaseException
) -> NewKeyError:
    """generateApiKey may have made a key whose private key never arrived: delete it again."""
    why = describe_failure(failure)
    interrupted = isinstance(failure, KeyboardInterrupt)
    advice = (
        f"List the account's keys and delete any new key named {shown(spec.name)}"
        f"{_others(before)}: its private key never reached this machine"
    )
    if before is None:
        return NewKeyError.of(f"{why}. {advice}", outcome="unknown", interrupted=interrupted)
    try:
        with cleanup_api(api) as cleanup:
            orphans = new_keys_named(cleanup, spec.name, before)
            for api_key_id in orphans or ():
                cleanup.delete_api_key(api_key_id)
    except (KalshiError, KeyboardInterrupt):
        orphans = None
    if orphans is None:
        message = f"{why}, and checking for the new key failed. {advice}"
        return NewKeyError.of(message, outcome="unknown", interrupted=interrupted)
    if not orphans:
        return NewKeyError.of(
            f"{why}; no new key named {shown(spec.name)} is listed: no key was made",
            outcome="not_made",
            interrupted=interrupted,
        )
    return NewKeyError.of(
        f"{why}. Kalshi had made the key {', '.join(orphans)}; it was deleted again, since its "
        "private key never reached this machine. Nothing is left behind",
        outcome="withdrawn",
        api_key_id=orphans[0],
        interrupted=interrupted,
    )


def _save_failed(
    api: ApiKeysApi, api_key_id: str, pem: bytes, target: Path, error: BaseException
) -> NewKeyError:
    """Delete the key whose private key could not be saved; failing that, hand the key over."""
    why = f"{describe_failure(error)} ({shown(target)})"
    interrupted = isinstance(error, KeyboardInterrupt)
    try:
        with cleanup_api(api) as cleanup:
            cleanup.delete_api_key(api_key_id)
    except (KalshiError, KeyboardInterrupt) as delete_error:
        return NewKeyError.of(
            f"the new key {api_key_id} is live, its private key could not be saved ({why}) and "
            f"deleting the key failed too ({describe_failure(delete_error)}); its private key "
            "is on this error as private_key_pem: store it now, Kalshi cannot show it again",
            outcome="held",
            api_key_id=api_key_id,
            private_key_pem=pem,
            interrupted=interrupted,
        )
    return NewKeyError.of(
        f"could not save the private key ({why}), so the new key {api_key_id} was deleted "
        "again on the server; nothing is left behind. Fix the path and run again",
        outcome="withdrawn",
        api_key_id=api_key_id,
        interrupted=interrupted,
    )
