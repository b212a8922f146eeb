"""The kalshi-keys commands other than rotate: each one is a plain function over typed inputs."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.models import CreateApiKeyRequest
from kalshi_api_keys_client.types import Unset

from .._errors import AuthenticationError, PermissionDeniedError
from .._files import check_writable, read_key_file, write_secret_file
from .._keypairs import new_private_key, private_pem, public_pem
from .._keyspec import Destination, KeySpec, NewKey
from .._newkey import generate_key, register_key, warning_of
from .._recovery import delete_key
from .._redact import shown
from .._signer import KeyType
from ._console import CommandError, Console, safe
from ._diagnose import SKEW_WARNING_S, ClockProbe, explain_auth_failure
from ._keygen import AskPassphrase, describe_key
from ._session import Connection, find_key, list_keys
from ._unsaved import new_key_failures

__all__ = [
    "delete",
    "generate",
    "keygen",
    "list_",
    "register",
    "register_public_key",
    "report_new_key",
    "say_warning",
    "whoami",
]

CREATE_FORBIDDEN = (
    "{url} refused createApiKey (403 Forbidden): this account may not register its own public "
    "keys (Kalshi allows that from the Premier API usage tier up). Use 'kalshi-keys generate "
    "--name NAME --out FILE' instead: it works on every tier."
)


def keygen(
    console: Console,
    *,
    out: Path,
    key_type: KeyType,
    bits: int | None,
    ask_passphrase: AskPassphrase,
    force: bool,
) -> None:
    """A local key pair: private key (PKCS#8, 0600) at ``out``, public key at ``out``.pub."""
    private_path = out.expanduser().absolute()  # never resolve(): it would follow a symlink
    public_path = private_path.with_name(private_path.name + ".pub")
    check_writable(private_path, overwrite=force)
    check_writable(public_path, overwrite=force)
    passphrase = ask_passphrase()
    key = new_private_key(key_type, bits)
    write_secret_file(private_path, private_pem(key, passphrase), overwrite=force)
    try:
        write_secret_file(public_path, public_pem(key), overwrite=force, mode=0o644)
    except BaseException:
        if not force:
            private_path.unlink(missing_ok=True)  # no half-made pair left behind
        raise
    state = "encrypted" if passphrase else "unencrypted"
    console.out(f"private key: {private_path} ({describe_key(key)}, PKCS#8, {state}, mode 0600)")
    console.out(f"public key:  {public_path}")
    console.say(
        "Register it with: kalshi-keys register --name NAME --public-key "
        f"{shlex.quote(str(public_path))}  (or paste the .pub file into Kalshi's web page)"
    )


def register(
    console: Console,
    connection: Connection,
    spec: KeySpec,
    destination: Destination,
    *,
    bits: int | None,
    ask_passphrase: AskPassphrase,
    as_json: bool,
) -> None:
    """keygen + createApiKey: the private key never leaves this machine."""
    destination.check()
    passphrase = ask_passphrase()
    with connection.client(console) as client, new_key_failures(console):
        try:
            new = register_key(
                ApiKeysApi(client), spec, destination, bits=bits, passphrase=passphrase
            )
        except PermissionDeniedError:
            raise CommandError(CREATE_FORBIDDEN.format(url=connection.url)) from None
    report_new_key(console, connection, spec, new, as_json=as_json)


def register_public_key(
    console: Console, connection: Connection, spec: KeySpec, public_key: Path, *, as_json: bool
) -> None:
    """createApiKey for a key pair that already exists (e.g. from keygen): only the public key
    file is read, and no file is written."""
    pem = _read_public_key(public_key)
    body = CreateApiKeyRequest(
        name=spec.name, public_key=pem, scopes=spec.wire_scopes(), **spec.wire_binding()
    )
    with connection.client(console) as client:
        try:
            created = ApiKeysApi(client).create_api_key(body)
        except PermissionDeniedError:
            raise CommandError(CREATE_FORBIDDEN.format(url=connection.url)) from None
    private = public_key.with_suffix("") if public_key.suffix == ".pub" else None
    warning = warning_of(created.warning)
    say_warning(console, created.api_key_id, warning)
    if as_json:
        console.out(json.dumps({"api_key_id": created.api_key_id, "how": "register-public-key",
                                "public_key_path": str(public_key.resolve()),
                                "warning": warning}))  # fmt: skip
        return
    console.out(f"created key {created.api_key_id} ({safe(spec.describe())}) on {connection.url}")
    console.out(f"for the public key {public_key}; sign with the private key it was made from")
    console.out(f"  export KALSHI_API_KEY_ID={shlex.quote(created.api_key_id)}")
    if private is not None and private.is_file():
        console.out(f"  export KALSHI_PRIVATE_KEY_PATH={shlex.quote(str(private.resolve()))}")


def _read_public_key(path: Path) -> str:
    try:
        data = read_key_file(path.expanduser())
    except OSError as exc:
        raise CommandError(
            f"cannot read the public key {shown(path)} ({exc.strerror or type(exc).__name__})"
        ) from None
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        hint = " (that is a private key: pass its .pub file)" if b"PRIVATE" in data else ""
        raise CommandError(
            f"{shown(path)} is not a PEM public key{hint}; kalshi-keys keygen writes one "
            "beside each private key, as FILE.pub"
        ) from None
    if not isinstance(public, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise CommandError(
            f"{shown(path)} is a {type(public).__name__}; Kalshi takes RSA or Ed25519 keys"
        )
    if isinstance(public, rsa.RSAPublicKey) and public.key_size < 2048:
        raise CommandError(f"{shown(path)} is a {public.key_size}-bit RSA key; Kalshi needs 2048+")
    return data.decode("ascii")


def generate(
    console: Console,
    connection: Connection,
    spec: KeySpec,
    destination: Destination,
    *,
    ask_passphrase: AskPassphrase,
    as_json: bool,
) -> None:
    """generateApiKey, saving the private key Kalshi returns (it is shown only once)."""
    destination.check()
    passphrase = ask_passphrase()
    with connection.client(console) as client, new_key_failures(console):
        new = generate_key(ApiKeysApi(client), spec, destination, passphrase=passphrase)
    report_new_key(console, connection, spec, new, as_json=as_json)


def report_new_key(
    console: Console, connection: Connection, spec: KeySpec, new: NewKey, *, as_json: bool
) -> None:
    """What a script or a person needs next: the key ID and where its private key is."""
    path = new.path.resolve()
    say_warning(console, new.api_key_id, new.warning)
    if as_json:
        payload = {
            "api_key_id": new.api_key_id,
            "key_type": new.key_type,
            "private_key_path": str(path),
            "how": new.how,
            "warning": new.warning,
        }
        console.out(json.dumps(payload))
        return
    how = "registered a key made here" if new.how == "register" else "Kalshi generated the pair"
    console.out(
        f"created {safe(new.key_type)} key {new.api_key_id} ({safe(spec.describe())}) "
        f"on {connection.url}"
    )
    console.out(f"private key: {path} (mode 0600; {how})")
    console.out(f"  export KALSHI_API_KEY_ID={shlex.quote(new.api_key_id)}")
    console.out(f"  export KALSHI_PRIVATE_KEY_PATH={shlex.quote(str(path))}")


def say_warning(console: Console, api_key_id: str, warning: str | None) -> None:
    """Kalshi's warning about a new key goes to stderr, escaped; it is never dropped."""
    if warning is not None:
        console.say(f"WARNING from Kalshi about key {api_key_id}: {safe(warning)}")


def list_(
    console: Console, connection: Connection, *, as_json: bool, fcm_subtrader_id: str | None
) -> None:
    """The account's keys as a table (``*`` marks the key in use) or as Kalshi's JSON."""
    with connection.client(console) as client:
        listed = list_keys(client, fcm_subtrader_id=fcm_subtrader_id)
        current = client.signer.key_id
    if as_json:
        console.out(json.dumps(listed.to_dict(), indent=2, sort_keys=True))
        return
    headers = ["", "API KEY ID", "NAME", "SCOPES", "SUBACCOUNT"]
    rows = [
        [
            "*" if key.api_key_id == current else "",
            key.api_key_id,
            key.name,
            ",".join(key.scopes),
            _shown(key.subaccount),
        ]
        for key in listed.api_keys
    ]
    if any(isinstance(key.fcm_subtrader_id, str) for key in listed.api_keys):
        headers.append("FCM SUBTRADER")
        for row, key in zip(rows, listed.api_keys, strict=True):
            row.append(_shown(key.fcm_subtrader_id))
    console.table(headers, rows)
    which = "" if fcm_subtrader_id is None else f" bound to FCM subtrader {fcm_subtrader_id}"
    console.say(f"{len(rows)} key(s){which} on {connection.url}; * = the key these credentials use")


def _shown(value: object) -> str:
    return "-" if value is None or isinstance(value, Unset) else str(value)


def delete(
    console: Console, connection: Connection, api_key_id: str, *, yes: bool, force: bool
) -> None:
    """deleteApiKey, after a confirmation, and never the key in use unless forced."""
    with connection.client(console) as client:
        if api_key_id == client.signer.key_id and not force:
            raise CommandError(
                f"{api_key_id} is the key this command signs with; deleting it locks these "
                "credentials out. Use 'kalshi-keys rotate' to replace it safely, or pass --force."
            )
        if not yes:
            key = find_key(list_keys(client), api_key_id)
            if key is None:
                raise CommandError(f"there is no key {api_key_id} on {connection.url}")
            question = (
                f"Delete key {api_key_id} ({safe(key.name)!r}, scopes {','.join(key.scopes)}) "
                f"on {connection.url}? This cannot be undone."
            )
            if not console.confirm(question):
                raise CommandError(
                    "not confirmed, nothing deleted (pass --yes to skip the question)"
                )
        outcome = delete_key(ApiKeysApi(client), api_key_id)
    if outcome == "already_gone":
        console.out(
            f"key {api_key_id} on {connection.url} is already gone (an earlier attempt's "
            "answer was lost)"
        )
        return
    console.out(f"deleted key {api_key_id} on {connection.url}")


def whoami(console: Console, connection: Connection) -> None:
    """Call the API with the configured key; on a 401, say what is most likely wrong."""
    probe = ClockProbe()
    with connection.client(console, event_hooks=probe.hooks()) as client:
        key_id = client.signer.key_id
        key_type = client.signer.key_type
        try:
            listed = list_keys(client)
        except AuthenticationError as exc:
            said = "/".join(dict.fromkeys(filter(None, (exc.code, exc.details)))) or "no reason"
            raise CommandError(
                f"key {key_id} was rejected by {connection.url} (401, {said}). Likely cause: "
                f"{explain_auth_failure(exc, connection, probe, key_id)}"
            ) from None
    key = find_key(listed, key_id)
    described = f"{safe(key.name)!r}, scopes {','.join(key.scopes)}" if key else "not listed"
    console.out(f"OK: key {key_id} ({described}) works on {connection.url}")
    where = "the key in the token" if connection.in_token else "the private key file"
    console.out(f"key type: {key_type} (from {where}; Kalshi does not list it)")
    console.out(f"clock: this machine is {probe.describe()}")
    if probe.offset_s is not None and abs(probe.offset_s) > SKEW_WARNING_S:
        console.say(
            "WARNING: sync this machine's clock (NTP); Kalshi may start rejecting requests."
        )
