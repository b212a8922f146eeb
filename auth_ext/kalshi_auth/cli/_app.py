"""The kalshi-keys entry point: dispatch to the command's handler, and errors as exit statuses.

The parser (arguments, types, help) is ``_parser``'s; each handler here only turns parsed
arguments into the typed inputs of one command function, and ``_HANDLERS`` maps a command's
name to its handler.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from .._errors import ConfigurationError, KalshiError, KeyLoadError
from .._hints import CLI_TERMS, ValueSource
from .._keyspec import Destination, KeySpec
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
from ._console import Console, Interrupted, UsageError, safe
from ._keygen import AskPassphrase, new_passphrase
from ._parser import PROG, build_parser
from ._rotate import rotate
from ._session import Connection

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "build_parser", "console_main", "main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

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


def _keygen(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    _check_bits(args)
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
        register_public_key(console, connection, spec, args.public_key, as_json=args.json)
        return
    register(
        console, connection, spec, Destination.of(args.out, Path.cwd()),
        bits=args.bits, ask_passphrase=_asker(args, console, environ), as_json=args.json,
    )  # fmt: skip


def _generate(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    connection, spec = _connection(args, environ), _spec(args)
    generate(
        console, connection, spec, Destination.of(args.out, Path.cwd()),
        ask_passphrase=_asker(args, console, environ), as_json=args.json,
    )  # fmt: skip


def _rotate(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    connection, spec = _connection(args, environ), _spec(args)
    spec, new = rotate(
        console, connection, spec, args.out,
        bits=args.bits, ask_passphrase=_asker(args, console, environ), keep_old=args.keep_old,
    )  # fmt: skip
    report_new_key(console, connection, spec, new, as_json=args.json)


#: Each command's handler, by the name ``_parser`` records as ``handler``.
_HANDLERS: Mapping[str, Handler] = {
    "keygen": _keygen,
    "register": _register,
    "generate": _generate,
    "list": _list,
    "delete": _delete,
    "rotate": _rotate,
    "whoami": _whoami,
}


def _fail(console: Console, message: str, status: int) -> int:
    # safe(): messages may quote what a server sent; nothing from it may drive the terminal.
    console.say(f"{PROG}: error: {safe(message)}")
    return status


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    console_factory: Callable[[], Console] = Console,
) -> int:
    """Run kalshi-keys with ``argv`` (default: sys.argv[1:]); returns the exit status."""
    parser = build_parser()
    console = console_factory()
    try:
        stdout, stderr = console.streams()
        with redirect_stdout(stdout), redirect_stderr(stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or argparse's own usage error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    env = os.environ if environ is None else environ
    debug = args.debug or env.get("KALSHI_KEYS_DEBUG", "") not in ("", "0")
    try:
        _HANDLERS[args.handler](args, console, env)
    except (UsageError, ConfigurationError) as exc:
        parser.print_usage(console.streams()[1])
        return _fail(console, str(exc), EXIT_USAGE)
    except Interrupted as exc:
        return _fail(console, str(exc), EXIT_INTERRUPTED)
    except KeyLoadError as exc:
        # A key ID given as --key-id that cannot be one: the command line is wrong.
        flag = exc.source == ValueSource("api_key_id", "argument")
        if flag:
            parser.print_usage(console.streams()[1])
        return _fail(console, exc.describe(CLI_TERMS), EXIT_USAGE if flag else EXIT_ERROR)
    except KalshiError as exc:
        return _fail(console, str(exc), EXIT_ERROR)
    except BrokenPipeError:
        raise  # the reader went away (`kalshi-keys list | head -1`): console_main ends quietly
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        return _fail(console, f"{exc.strerror or type(exc).__name__}{where}", EXIT_ERROR)
    except KeyboardInterrupt:
        return _fail(console, "interrupted", EXIT_INTERRUPTED)
    except Exception as exc:  # the last resort: one line, never a traceback unless asked for
        if debug:
            console.write(console.stderr, "".join(traceback.format_exception(exc)))
        return _fail(
            console,
            f"unexpected {type(exc).__name__}; this is a bug in kalshi-keys. Run again with "
            "--debug (or KALSHI_KEYS_DEBUG=1) to see the traceback, and report it.",
            EXIT_ERROR,
        )
    return EXIT_OK


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM gets the same careful unwinding as Ctrl-C


def console_main() -> None:
    """The ``kalshi-keys`` console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        status = main()
        if sys.stdout is not None:  # None: started with stdout closed (>&-)
            sys.stdout.flush()
    except BrokenPipeError:
        # stdout's reader is gone: say nothing more, and keep Python's own flush at exit quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = EXIT_OK
    sys.exit(status)
