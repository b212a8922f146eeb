"""The kalshi-keys argument parser: every argument, its type check and its help text.

Nothing here runs a command: each subcommand records its canonical name as ``handler``, and
``_app`` dispatches on it through one table.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._errors import KeyLoadError
from .._keytypes import KEY_SIZES, KEY_TYPES
from .._redact import shown
from .._version import VERSION
from ._help import DESCRIPTION, EXAMPLES

if TYPE_CHECKING:
    from pathlib import Path

    from kalshi_api_keys_client.models.api_key_scope import ApiKeyScope

    from .._pkcs11uri import Pkcs11Uri

__all__ = ["PROG", "build_parser"]

PROG = "kalshi-keys"


def _path(text: str) -> Path:
    from pathlib import Path  # when a path flag is given: --help and --version never need it

    return Path(text)


def _path_or_uri(text: str) -> Path | Pkcs11Uri:
    """A file, or a ``pkcs11:`` URI naming a key in a token (checked here, never echoed)."""
    from .._pkcs11uri import is_pkcs11_uri, parse_pkcs11_uri

    if not is_pkcs11_uri(text):
        return _path(text)
    try:
        return parse_pkcs11_uri(text)
    except KeyLoadError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _key_uri(text: str) -> str:
    from .._pkcs11uri import parse_pkcs11_uri

    try:
        parse_pkcs11_uri(text)
    except KeyLoadError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _scopes(text: str) -> list[ApiKeyScope]:
    # Imported when --scopes is given: --help and --version load no generated code.
    from kalshi_api_keys_client.models.api_key_scope import API_KEY_SCOPE_VALUES

    scopes: list[ApiKeyScope] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if part not in API_KEY_SCOPE_VALUES:
            raise argparse.ArgumentTypeError(
                f"unknown scope {shown(part)}; choose from "
                f"{', '.join(sorted(API_KEY_SCOPE_VALUES))}"
            )
        scopes.append(part)
    return scopes


def _subaccount(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a whole number") from None
    if not 0 <= value <= 63:
        raise argparse.ArgumentTypeError("a sub-account is a number from 0 to 63")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a number") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600 seconds")
    return value


def _key_id_shape(text: str) -> str:
    """Refused before anything else: what no key ID can be, and what would act as a path."""
    if text.strip() in {"", ".", ".."} or "/" in text:
        raise argparse.ArgumentTypeError(
            "not a key ID (Kalshi key IDs are UUIDs, e.g. 6a1f0c2e-...); check what you pasted"
        )
    return text


def _key_id_flag(text: str) -> str:
    """--key-id: its shape here; its format is checked once, by the SDK, when the client is
    built (a refusal there is still a usage error: see ``_app``)."""
    return _key_id_shape(text)


def _target_key_id(text: str) -> str:
    """The key a command acts on (``delete KEY_ID``): checked whole here, before any request."""
    _key_id_shape(text)
    try:
        from .._signer import check_key_id  # only when --key-id is given: it loads cryptography

        return str(check_key_id(text))
    except KeyLoadError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
        help="API root instead of --env, e.g. http://127.0.0.1:8080/trade-api/v2 "
        "(default: $KALSHI_BASE_URL, else production)",
    )  # fmt: skip
    group.add_argument(
        "--key-id", type=_key_id_flag, default=argparse.SUPPRESS,
        help="API key ID (default: $KALSHI_API_KEY_ID)",
    )  # fmt: skip
    key = group.add_mutually_exclusive_group()
    key.add_argument(
        "--key-file", type=_path, default=argparse.SUPPRESS,
        help="its private key file (default: $KALSHI_PRIVATE_KEY_PATH or $KALSHI_PRIVATE_KEY_PEM)",
    )  # fmt: skip
    key.add_argument(
        "--key-uri", type=_key_uri, metavar="PKCS11_URI", default=argparse.SUPPRESS,
        help="instead, its private key in a PKCS#11 token: pkcs11:token=...;object=... "
        "(default: $KALSHI_PRIVATE_KEY_URI)",
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
            f"{shown(text)} is not an FCM subtrader ID: YOURUSERID_SUFFIX, the suffix 1-16 ASCII "
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


#: A constant, not importlib.metadata (~30 ms to import): --version answers at once.
_VERSION = f"{PROG} (kalshi-api-keys {VERSION}; the version names the Kalshi spec it implements)"


def build_parser() -> argparse.ArgumentParser:
    """The full kalshi-keys argument parser."""
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=_VERSION)
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
            epilog=EXAMPLES[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(handler=name)
        if name != "keygen":
            _connection_options(sub)
        return sub

    sub = command("keygen", "make an RSA or Ed25519 key pair locally (no API call)")
    sub.add_argument(
        "--out", type=_path_or_uri, required=True, metavar="FILE|PKCS11_URI",
        help="private key file to write, or a pkcs11: URI to make the pair in a token",
    )  # fmt: skip
    _key_type_option(sub)
    _bits_option(sub)
    group = sub.add_argument_group("encryption")
    _encryption_options(group)
    sub.add_argument("--force", action="store_true", help="overwrite existing files")

    sub = command("register", "make a key pair here and register its public key (createApiKey)")
    _new_key_options(sub, name_required=True)
    sub.add_argument(
        "--out", type=_path_or_uri, metavar="FILE|PKCS11_URI",
        help="private key file (default: ./kalshi-<id>.pem), or a pkcs11: URI to make the pair "
        "in a token",
    )  # fmt: skip
    sub.add_argument(
        "--public-key", type=_path_or_uri, metavar="FILE|PKCS11_URI",
        help="register this existing public key (e.g. keygen's FILE.pub, any RSA or Ed25519 "
        "SPKI PEM, or a token key's pkcs11: URI) instead of making a new pair; nothing is written",
    )  # fmt: skip
    _key_type_option(sub)
    _bits_option(sub)

    sub = command("generate", "have Kalshi make a key pair and save it (generateApiKey)")
    _new_key_options(sub, name_required=True)
    sub.add_argument("--out", type=_path, required=True, help="private key file to write")
    _key_type_option(sub, default="rsa (Kalshi's default)")

    sub = command("list", "list the account's API keys")
    sub.add_argument("--json", action="store_true", help="Kalshi's response as JSON")
    sub.add_argument(
        "--fcm-subtrader-id", type=_fcm_subtrader, metavar="ID",
        help="only the keys bound to this FCM subtrader",
    )  # fmt: skip

    sub = command("delete", "delete an API key")
    sub.add_argument("api_key_id", type=_target_key_id, metavar="KEY_ID", help="the key to delete")
    sub.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    sub.add_argument("--force", action="store_true", help="allow deleting the key in use")

    sub = command("rotate", "replace the key in use with a new, tested one")
    # A key bound to an FCM subtrader is refused on REST, so it cannot be rotated from here.
    _new_key_options(sub, name_required=False, bindable=False)
    sub.add_argument(
        "--out", type=_path_or_uri, metavar="FILE|PKCS11_URI",
        help="new private key file (default: kalshi-<id>.pem beside the old), or a pkcs11: URI "
        "to make the new key in a token",
    )  # fmt: skip
    _key_type_option(sub, default="the old key's type, read from its key file")
    _bits_option(sub)
    sub.add_argument("--keep-old", action="store_true", help="do not delete the old key")

    command("whoami", "check that the configured key works, and why not", aliases=["check"])
    return parser
