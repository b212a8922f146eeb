"""The kalshi-keys command line: argument parsing, dispatch, and errors as exit statuses."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from importlib import metadata
from pathlib import Path

from kalshi_api_keys_client.models.api_key_scope import API_KEY_SCOPE_VALUES, ApiKeyScope

from .._errors import ConfigurationError, KalshiError, KeyLoadError
from .._signer import check_key_id
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
from ._keygen import KEY_SIZES, KEY_TYPES, AskPassphrase, new_passphrase
from ._newkey import Destination, KeySpec
from ._rotate import rotate
from ._session import Connection

__all__ = ["EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "build_parser", "console_main", "main"]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
PROG = "kalshi-keys"

_DESCRIPTION = """\
Manage Kalshi API keys: make, register, list, delete and rotate them.

Credentials come from --key-id/--key-file, else from KALSHI_API_KEY_ID and
KALSHI_PRIVATE_KEY_PATH (or KALSHI_PRIVATE_KEY_PEM); an encrypted key's password
from KALSHI_PRIVATE_KEY_PASSWORD, or a prompt. The host is production unless
--env demo or --base-url says otherwise.

exit status: 0 success, 1 the API or a key/file refused (one line on stderr),
             2 the command line is wrong, 130 interrupted (Ctrl-C or SIGTERM)

--debug (or KALSHI_KEYS_DEBUG=1) adds the traceback of an unexpected error, for bug reports."""

_EXAMPLES = {
    "keygen": """\
examples:
  kalshi-keys keygen --out bot.pem                 # bot.pem (0600) and bot.pem.pub
  kalshi-keys keygen --out bot.pem --bits 4096 --encrypt""",
    "register": """\
examples:
  kalshi-keys register --name bot-1 --out bot-1.pem
  kalshi-keys --env demo register --name reader --scopes read --subaccount 2
  kalshi-keys register --name fix-desk --fcm-subtrader-id 1234_desk7 --out desk7.pem
  kalshi-keys register --name bot-1 --public-key bot-1.pem.pub   # a pair from keygen

The key pair is made here and the private key written before Kalshi is called;
only the public key is sent. Needs the Premier usage tier (else use generate).""",
    "generate": """\
examples:
  kalshi-keys generate --name bot-1 --out bot-1.pem
  kalshi-keys generate --name trader --scopes read,write::trade --out trader.pem --json

Kalshi makes the pair and returns the private key once; it is written to --out
(mode 0600). If that fails the new key is deleted again on the server.""",
    "list": """\
examples:
  kalshi-keys list
  kalshi-keys --env demo list --json | jq -r '.api_keys[].api_key_id'
  kalshi-keys list --fcm-subtrader-id 1234_desk7""",
    "delete": """\
examples:
  kalshi-keys delete 6a1f...c2              # asks first
  kalshi-keys delete 6a1f...c2 --yes        # for scripts""",
    "rotate": """\
examples:
  kalshi-keys rotate                        # new key beside the old file, old key deleted
  kalshi-keys rotate --out ~/.kalshi/bot.pem --keep-old

The new key gets the old key's name, scopes and sub-account unless given. It is
tested with a real API call before the old key is deleted; if anything fails
before that, the new key is removed again and the old one keeps working.""",
    "whoami": """\
examples:
  kalshi-keys whoami
  kalshi-keys --env demo check --key-id 6a1f...c2 --key-file demo.pem

On a 401 it names the likely cause: wrong key file, a key ID from the other
environment, or this machine's clock (measured against the server's Date).""",
}


def _scopes(text: str) -> list[ApiKeyScope]:
    scopes: list[ApiKeyScope] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if part not in API_KEY_SCOPE_VALUES:
            raise argparse.ArgumentTypeError(
                f"unknown scope {part!r}; choose from {', '.join(sorted(API_KEY_SCOPE_VALUES))}"
            )
        scopes.append(part)
    return scopes


def _subaccount(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= 63:
        raise argparse.ArgumentTypeError("a sub-account is a number from 0 to 63")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return value


def _key_id(text: str) -> str:
    """A key ID from the command line: refused before any request if it cannot be one."""
    if text.strip() in {"", ".", ".."} or "/" in text:
        raise argparse.ArgumentTypeError(
            "not a key ID (Kalshi key IDs are UUIDs, e.g. 6a1f0c2e-...); check what you pasted"
        )
    try:
        check_key_id(text)
    except KeyLoadError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


def _name(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("a key name cannot be empty")
    return text


def _connection_options(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: the option may be given before or after the command without one erasing the other.
    group = parser.add_argument_group("connection")
    where = group.add_mutually_exclusive_group()
    where.add_argument(
        "--env", dest="environment", choices=["prod", "demo"], default=argparse.SUPPRESS,
        help="Kalshi environment (default: prod)",
    )  # fmt: skip
    where.add_argument(
        "--base-url", default=argparse.SUPPRESS,
        help="API root instead of --env, e.g. http://127.0.0.1:8080/trade-api/v2",
    )  # fmt: skip
    group.add_argument(
        "--key-id", type=_key_id, default=argparse.SUPPRESS,
        help="API key ID (default: $KALSHI_API_KEY_ID)",
    )  # fmt: skip
    group.add_argument(
        "--key-file", type=Path, default=argparse.SUPPRESS,
        help="its private key file (default: $KALSHI_PRIVATE_KEY_PATH or $KALSHI_PRIVATE_KEY_PEM)",
    )  # fmt: skip
    group.add_argument(
        "--password-env", metavar="VAR", default=argparse.SUPPRESS,
        help="read an encrypted key file's password from environment variable VAR "
        "(default: $KALSHI_PRIVATE_KEY_PASSWORD, else a prompt on a terminal)",
    )  # fmt: skip
    group.add_argument(
        "--timeout", type=_positive, default=argparse.SUPPRESS, metavar="SECONDS",
        help="how long the command may wait for Kalshi in total, retries included, counted "
        "from its first request (default: 10)",
    )  # fmt: skip


def _fcm_subtrader(text: str) -> str:
    user, _, suffix = text.rpartition("_")
    if not user or not (1 <= len(suffix) <= 16 and suffix.isascii() and suffix.isalnum()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an FCM subtrader ID: YOURUSERID_SUFFIX, the suffix 1-16 ASCII "
            "letters and digits"
        )
    return text


def _new_key_options(
    parser: argparse.ArgumentParser, *, name_required: bool, bindable: bool = True
) -> None:
    group = parser.add_argument_group("the new key")
    default = "" if name_required else " (default: the old key's)"
    group.add_argument(
        "--name", type=_name, required=name_required,
        help=f"a name to recognise the key by{default}",
    )  # fmt: skip
    scopes_default = (
        "read,write"
        if name_required
        else "exactly the old key's, even ones this tool does not know"
    )
    group.add_argument(
        "--scopes", type=_scopes, action="extend", metavar="SCOPE[,SCOPE]",
        help=f"e.g. read,write::trade (default: {scopes_default}); write needs read",
    )  # fmt: skip
    group.add_argument("--subaccount", type=_subaccount, metavar="N", help="restrict to 0-63")
    if bindable:
        group.add_argument(
            "--fcm-subtrader-id", type=_fcm_subtrader, metavar="ID",
            help="FCM members: bind the key to subtrader ID (YOURUSERID_SUFFIX); a bound key "
            "trades over FIX only and is refused on every REST endpoint",
        )  # fmt: skip
    _encryption_options(group)
    group.add_argument("--json", action="store_true", help="print the result as one JSON object")


def _encryption_options(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--encrypt", action="store_true", help="encrypt the private key (passphrase prompted)"
    )
    group.add_argument(
        "--passphrase-env", metavar="VAR",
        help="encrypt with the passphrase in environment variable VAR (implies --encrypt)",
    )  # fmt: skip


def _key_type_option(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, default: str = "rsa"
) -> None:
    parser.add_argument(
        "--key-type", choices=KEY_TYPES, default=None,
        help=f"rsa or ed25519 (cheaper to sign with, 32-byte keys); default: {default}",
    )  # fmt: skip


def _bits_option(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--bits", type=int, choices=KEY_SIZES, default=None,
        help="RSA key size (default: 2048); not for Ed25519",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The full kalshi-keys argument parser."""
    parser = argparse.ArgumentParser(
        prog=PROG, description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    _connection_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, aliases: Sequence[str] = ()) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            aliases=list(aliases),
            help=summary,
            description=summary,
            epilog=_EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name != "keygen":
            _connection_options(sub)
        return sub

    sub = command("keygen", "make an RSA or Ed25519 key pair locally (no API call)")
    sub.add_argument("--out", type=Path, required=True, help="private key file to write")
    _key_type_option(sub)
    _bits_option(sub)
    group = sub.add_argument_group("encryption")
    _encryption_options(group)
    sub.add_argument("--force", action="store_true", help="overwrite existing files")

    sub = command("register", "make a key pair here and register its public key (createApiKey)")
    _new_key_options(sub, name_required=True)
    sub.add_argument("--out", type=Path, help="private key file (default: ./kalshi-<id>.pem)")
    sub.add_argument(
        "--public-key", type=Path, metavar="FILE",
        help="register this existing public key (e.g. keygen's FILE.pub, any RSA or Ed25519 "
        "SPKI PEM) instead of making a new pair; nothing is written",
    )  # fmt: skip
    _key_type_option(sub)
    _bits_option(sub)

    sub = command("generate", "have Kalshi make a key pair and save it (generateApiKey)")
    _new_key_options(sub, name_required=True)
    sub.add_argument("--out", type=Path, required=True, help="private key file to write")
    _key_type_option(sub, default="rsa (Kalshi's default)")

    sub = command("list", "list the account's API keys")
    sub.add_argument("--json", action="store_true", help="Kalshi's response as JSON")
    sub.add_argument(
        "--fcm-subtrader-id", type=_fcm_subtrader, metavar="ID",
        help="only the keys bound to this FCM subtrader",
    )  # fmt: skip

    sub = command("delete", "delete an API key")
    sub.add_argument("api_key_id", type=_key_id, metavar="KEY_ID", help="the key to delete")
    sub.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    sub.add_argument("--force", action="store_true", help="allow deleting the key in use")

    sub = command("rotate", "replace the key in use with a new, tested one")
    # A key bound to an FCM subtrader is refused on REST, so it cannot be rotated from here.
    _new_key_options(sub, name_required=False, bindable=False)
    sub.add_argument(
        "--out", type=Path, help="new private key file (default: kalshi-<id>.pem beside the old)"
    )
    _key_type_option(sub, default="the old key's type, read from its key file")
    _bits_option(sub)
    sub.add_argument("--keep-old", action="store_true", help="do not delete the old key")

    command("whoami", "check that the configured key works, and why not", aliases=["check"])
    return parser


def _version() -> str:
    try:
        version = metadata.version("kalshi-api-keys")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"{PROG} (kalshi-api-keys {version}; the version names the Kalshi spec it implements)"


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
    if args.key_type == "ed25519" and getattr(args, "bits", None) is not None:
        raise UsageError("--bits is for RSA keys; an Ed25519 key has no size to choose")
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


def _run(args: argparse.Namespace, console: Console, environ: Mapping[str, str]) -> None:
    command: str = args.command
    if command == "keygen":
        keygen(
            console, out=args.out, key_type=args.key_type or "rsa", bits=args.bits,
            ask_passphrase=_asker(args, console, environ), force=args.force,
        )  # fmt: skip
        return
    connection = _connection(args, environ)
    if command == "list":
        list_(console, connection, as_json=args.json, fcm_subtrader_id=args.fcm_subtrader_id)
    elif command == "delete":
        delete(console, connection, args.api_key_id, yes=args.yes, force=args.force)
    elif command in {"whoami", "check"}:
        whoami(console, connection)
    else:
        spec = _spec(args)
        ask = _asker(args, console, environ)
        if command == "register" and args.public_key is not None:
            clashing = [flag for flag, value in (("--out", args.out), ("--key-type", args.key_type),
                        ("--bits", args.bits), ("--encrypt", args.encrypt or args.passphrase_env))
                        if value]  # fmt: skip
            if clashing:
                raise UsageError(
                    f"--public-key registers an existing key pair; {', '.join(clashing)} "
                    "only apply when kalshi-keys makes the pair"
                )
            register_public_key(console, connection, spec, args.public_key, as_json=args.json)
        elif command == "register":
            destination = Destination.of(args.out, Path.cwd())
            register(
                console, connection, spec, destination,
                bits=args.bits, ask_passphrase=ask, as_json=args.json,
            )  # fmt: skip
        elif command == "generate":
            destination = Destination.of(args.out, Path.cwd())
            generate(console, connection, spec, destination, ask_passphrase=ask, as_json=args.json)
        else:
            spec, new = rotate(
                console, connection, spec, args.out,
                bits=args.bits, ask_passphrase=ask, keep_old=args.keep_old,
            )  # fmt: skip
            report_new_key(console, connection, spec, new, as_json=args.json)


# The SDK's key errors name its keyword arguments; on the command line those are flags.
_CLI_TERMS = (
    ("pass api_key_id or set", "pass --key-id or set"),
    ("pass private_key_path or private_key_pem, or set", "pass --key-file, or set"),
    ("pass its password (or set", "pass --password-env VAR (or set"),
    ("api_key_id (or KALSHI_API_KEY_ID)", "--key-id (or KALSHI_API_KEY_ID)"),
    ("private_key_pem (or KALSHI_PRIVATE_KEY_PEM)", "--key-file (or KALSHI_PRIVATE_KEY_PEM)"),
)


def _in_cli_terms(message: str) -> str:
    for sdk, cli in _CLI_TERMS:
        message = message.replace(sdk, cli)
    return message


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
        with redirect_stdout(console.stdout), redirect_stderr(console.stderr):
            args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or argparse's own usage error (already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    env = os.environ if environ is None else environ
    debug = args.debug or env.get("KALSHI_KEYS_DEBUG", "") not in ("", "0")
    try:
        _run(args, console, env)
    except (UsageError, ConfigurationError) as exc:
        parser.print_usage(console.stderr)
        return _fail(console, str(exc), EXIT_USAGE)
    except Interrupted as exc:
        return _fail(console, str(exc), EXIT_INTERRUPTED)
    except KeyLoadError as exc:
        return _fail(console, _in_cli_terms(str(exc)), EXIT_ERROR)
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
            console.stderr.write("".join(traceback.format_exception(exc)))
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
        sys.stdout.flush()
    except BrokenPipeError:
        # stdout's reader is gone: say nothing more, and keep Python's own flush at exit quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = EXIT_OK
    sys.exit(status)
