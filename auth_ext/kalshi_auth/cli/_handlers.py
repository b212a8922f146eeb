"""Each kalshi-keys command's handler: from parsed arguments to the command's function."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .._keyspec import Destination, KeySpec
from .._pkcs11uri import Pkcs11Uri
from ._commands import (
    delete,
    generate,
    keygen,
    list_,
    register,
    register_public_key,
    report_new_key,
    whoami,
)
from ._console import Console, UsageError
from ._keygen import AskPassphrase, new_passphrase
from ._rotate import rotate
from ._session import Connection

if TYPE_CHECKING:
    from .._pkcs11 import Pkcs11Key

__all__ = ["HANDLERS", "Handler"]

#: Runs one command from its parsed arguments.
Handler = Callable[[argparse.Namespace, Console, Mapping[str, str]], None]


def _connection(args: argparse.Namespace, environ: Mapping[str, str]) -> Connection:
    password_env = getattr(args, "password_env", None)
    password = None
    if password_env is not None:
        password = environ.get(password_env) or None
        if password is None:
            raise UsageError(f"--password-env {password_env}: that variable is unset or empty")
    return Connection(
        environ=environ,
        key_id=getattr(args, "key_id", None),
        key_file=getattr(args, "key_file", None),
        key_uri=getattr(args, "key_uri", None),
        environment=getattr(args, "environment", None),
        base_url=getattr(args, "base_url", None),
        timeout=getattr(args, "timeout", 10.0),
        password=password,
    )


def _spec(args: argparse.Namespace) -> KeySpec:
    scopes = tuple(dict.fromkeys(args.scopes)) if args.scopes else None
    if scopes and "write" in scopes and "read" not in scopes:
        raise UsageError("--scopes: the write scope needs the read scope too (Kalshi's rule)")
    subtrader = getattr(args, "fcm_subtrader_id", None)
    if subtrader is not None and args.subaccount is not None:
        raise UsageError(
            "--subaccount and --fcm-subtrader-id cannot be combined: a key is bound to one "
            "sub-account or to one FCM subtrader (Kalshi's rule)"
        )
    _check_bits(args)
    return KeySpec(
        name=args.name or "",
        scopes=scopes,
        subaccount=args.subaccount,
        fcm_subtrader_id=subtrader,
        key_type=args.key_type,
    )


def _asker(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> AskPassphrase:
    def ask() -> bytes | None:
        return new_passphrase(
            console, encrypt=args.encrypt, passphrase_env=args.passphrase_env, environ=environ
        )

    return ask


def _check_bits(args: argparse.Namespace) -> None:
    if args.key_type == "ed25519" and getattr(args, "bits", None) is not None:
        raise UsageError("--bits is for RSA keys; an Ed25519 key has no size to choose")


#: The file-only options, by the attribute argparse stores each in.
_FILE_ONLY = {"encrypt": "--encrypt", "passphrase_env": "--passphrase-env", "force": "--force"}


def _not_for_token_keys(args: argparse.Namespace, *names: str) -> None:
    given = [_FILE_ONLY[name] for name in names if getattr(args, name, None)]
    if given:
        raise UsageError(
            f"{', '.join(given)}: not for a key made in a PKCS#11 token (it is never written "
            "to a file, so there is nothing to encrypt or overwrite)"
        )


def _keygen(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    _check_bits(args)
    if isinstance(args.out, Pkcs11Uri):
        _not_for_token_keys(args, "encrypt", "passphrase_env", "force")
        from ._token import keygen_in_token  # token keys only: it loads the PKCS#11 layer

        ask_pin = Connection(environ=environ).ask_pin(console)
        keygen_in_token(console, args.out, key_type=args.key_type or "rsa", bits=args.bits,
                        environ=environ, ask_pin=ask_pin)  # fmt: skip
        return
    keygen(
        console, out=args.out, key_type=args.key_type or "rsa", bits=args.bits,
        ask_passphrase=_asker(args, console, environ), force=args.force,
    )  # fmt: skip


def _list(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    connection = _connection(args, environ)
    list_(console, connection, as_json=args.json, fcm_subtrader_id=args.fcm_subtrader_id)


def _delete(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    connection = _connection(args, environ)
    delete(console, connection, args.api_key_id, yes=args.yes, force=args.force)


def _whoami(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    whoami(console, _connection(args, environ))


def _register(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    connection, spec = _connection(args, environ), _spec(args)
    if args.public_key is not None:
        clashing = [flag for flag, value in (("--out", args.out), ("--key-type", args.key_type),
                    ("--bits", args.bits), ("--encrypt", args.encrypt or args.passphrase_env))
                    if value]  # fmt: skip
        if clashing:
            raise UsageError(
                f"--public-key registers an existing key pair; {', '.join(clashing)} "
                "only apply when kalshi-keys makes the pair"
            )
        if isinstance(args.public_key, Pkcs11Uri):
            from .._pkcs11 import open_pkcs11_key

            key = open_pkcs11_key(
                args.public_key, environ=environ, ask_pin=connection.ask_pin(console)
            )
            _register_token_key(console, connection, spec, key, as_json=args.json)
            return
        register_public_key(console, connection, spec, args.public_key, as_json=args.json)
        return
    if isinstance(args.out, Pkcs11Uri):
        _not_for_token_keys(args, "encrypt", "passphrase_env")
        from .._pkcs11keygen import make_token_key

        key = make_token_key(args.out, args.key_type or "rsa", bits=args.bits or 2048,
                             environ=environ, ask_pin=connection.ask_pin(console))  # fmt: skip
        _register_token_key(console, connection, spec, key, as_json=args.json)
        return
    register(
        console, connection, spec, Destination.of(args.out, Path.cwd()),
        bits=args.bits, ask_passphrase=_asker(args, console, environ), as_json=args.json,
    )  # fmt: skip


def _register_token_key(
    console: Console, connection: Connection, spec: KeySpec, key: Pkcs11Key, *, as_json: bool
) -> None:
    from kalshi_api_keys_client.api.api_keys import ApiKeysApi

    from ._token import register_in_token, report_token_key

    with connection.client(console) as client:
        api_key_id, warning = register_in_token(console, connection, spec, key, ApiKeysApi(client))
    report_token_key(console, connection, spec, api_key_id, key, warning, as_json=as_json)


def _generate(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    connection, spec = _connection(args, environ), _spec(args)
    generate(
        console, connection, spec, Destination.of(args.out, Path.cwd()),
        ask_passphrase=_asker(args, console, environ), as_json=args.json,
    )  # fmt: skip


def _rotate(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    connection, spec = _connection(args, environ), _spec(args)
    if isinstance(args.out, Pkcs11Uri):
        _not_for_token_keys(args, "encrypt", "passphrase_env")
    spec, new = rotate(
        console, connection, spec, args.out,
        bits=args.bits, ask_passphrase=_asker(args, console, environ), keep_old=args.keep_old,
    )  # fmt: skip
    if new.token is not None:
        from ._token import report_token_key

        report_token_key(console, connection, spec, new.api_key_id, new.token, new.warning,
                         as_json=args.json)  # fmt: skip
    else:
        assert new.file is not None
        report_new_key(console, connection, spec, new.file, as_json=args.json)


#: Each command's handler, by the name ``_parser`` records as ``handler``.
HANDLERS: Mapping[str, Handler] = {
    "keygen": _keygen,
    "register": _register,
    "generate": _generate,
    "list": _list,
    "delete": _delete,
    "rotate": _rotate,
    "whoami": _whoami,
}
