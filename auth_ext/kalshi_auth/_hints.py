"""The wording of key errors: one table from (problem, source, facts) to a sentence, per audience.

Errors carry facts as fields (``KeyLoadError.reason``, ``.source``, ``.problem``, ``.facts``);
this module alone turns them into words. The same error reads in the SDK's terms (keyword
arguments such as ``private_key_path``) for library users and in flag names (``--key-file``)
for ``kalshi-keys``: :data:`SDK_TERMS` and :data:`CLI_TERMS`. Nothing rewrites a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, NamedTuple

from ._redact import shown

if TYPE_CHECKING:
    from ._errors import KeyLoadReason

__all__ = [
    "CLI_TERMS",
    "PROBLEMS",
    "SDK_TERMS",
    "VARIABLES",
    "Setting",
    "Terms",
    "ValueSource",
    "describe",
]

#: The credential settings a value can be given for.
Setting = Literal[
    "api_key_id", "private_key_path", "private_key_pem", "private_key_password", "private_key_uri"
]

#: The KALSHI_* variable each setting falls back to.
VARIABLES: Mapping[Setting, str] = {
    "api_key_id": "KALSHI_API_KEY_ID",
    "private_key_path": "KALSHI_PRIVATE_KEY_PATH",
    "private_key_pem": "KALSHI_PRIVATE_KEY_PEM",
    "private_key_password": "KALSHI_PRIVATE_KEY_PASSWORD",
    "private_key_uri": "KALSHI_PRIVATE_KEY_URI",
}


class ValueSource(NamedTuple):
    """Where a credential value came from: an argument (a keyword argument of the SDK, or a
    ``kalshi-keys`` flag) or its ``KALSHI_*`` environment variable."""

    setting: Setting
    origin: Literal["argument", "environment"]

    @property
    def variable(self) -> str:
        """The environment variable of this setting."""
        return VARIABLES[self.setting]


#: How each setting is named to the reader: a keyword argument or a command-line flag.
Terms = Mapping[Setting, str]

SDK_TERMS: Terms = {
    "api_key_id": "api_key_id",
    "private_key_path": "private_key_path",
    "private_key_pem": "private_key_pem",
    "private_key_password": "its password",
    "private_key_uri": "private_key_uri",
}
CLI_TERMS: Terms = {
    "api_key_id": "--key-id",
    "private_key_path": "--key-file",
    "private_key_pem": "--key-file",
    "private_key_password": "--password-env VAR",
    "private_key_uri": "--key-uri",
}

#: Each problem a key or key ID can have: its public reason, and its sentence. Placeholders:
#: ``{key_id}``, ``{key_path}``, ``{key_pem}``, ``{password}`` (each setting in the reader's
#: terms), ``{source}`` (the key described: a file, or PEM text, and where it came from), and
#: the problem's own facts.
PROBLEMS: Mapping[str, tuple[KeyLoadReason, str]] = {
    "missing_file": (
        "missing_file",
        "{source} does not exist; check the path (or KALSHI_PRIVATE_KEY_PATH). Kalshi shows the "
        "private key only once, when the key is made.",
    ),
    "unreadable_file": (
        "unreadable_file",
        "{source} cannot be read ({why}); check that it is a file this user may read.",
    ),
    "no_key_source": ("no_key", "pass exactly one of a private key file path or PEM text."),
    "two_key_sources": (
        "ambiguous_key_source",
        "pass exactly one of a private key file path or PEM text.",
    ),
    "two_key_variables": (
        "ambiguous_key_source",
        "both KALSHI_PRIVATE_KEY_PATH and KALSHI_PRIVATE_KEY_PEM are set; unset one of them so "
        "it is clear which private key to sign with.",
    ),
    "no_key": (
        "no_key",
        "no private key: pass {key_path_or_pem} (or {key_uri} for a key in a PKCS#11 token), "
        "or set KALSHI_PRIVATE_KEY_PATH, KALSHI_PRIVATE_KEY_PEM or KALSHI_PRIVATE_KEY_URI.",
    ),
    "two_key_uri_sources": (
        "ambiguous_key_source",
        "a key in a PKCS#11 token ({key_uri}, or KALSHI_PRIVATE_KEY_URI) and a key file or PEM "
        "were both given; give one, so it is clear which key to sign with.",
    ),
    "no_armour": (
        "not_pem",
        "{source} is not PEM (a PEM key file starts with a '-----BEGIN' line); make sure you "
        "passed the key file Kalshi gave you, not the key ID.",
    ),
    "pem_is_a_path": (
        "not_pem",
        "{source} holds a file path, not PEM text; pass the path as {key_path} (or set "
        "KALSHI_PRIVATE_KEY_PATH) instead.",
    ),
    "undecodable": (
        "not_pem",
        "{source} could not be decoded as a private key: it is corrupt, truncated or in an "
        "unsupported format (Kalshi keys are RSA or Ed25519 PEM, PKCS#1 or PKCS#8).",
    ),
    "undecodable_openssh": (
        "not_pem",
        "{source} looks like an OpenSSH private key but could not be decoded: it is corrupt or "
        "truncated.",
    ),
    "public_key": (
        "public_key",
        "{source} holds a public key; signing needs the private key it was made from.",
    ),
    "password_required": (
        "password_required",
        "{source} is encrypted; pass {password} (or set KALSHI_PRIVATE_KEY_PASSWORD).",
    ),
    "wrong_password": ("wrong_password", "{source} could not be decrypted: wrong password."),
    "password_not_needed": (
        "password_not_needed",
        "a password was given but {source} is not encrypted; drop the password (or unset "
        "KALSHI_PRIVATE_KEY_PASSWORD).",
    ),
    "unsupported_key_type": (
        "unsupported_key_type",
        "{source} is an {kind} key; Kalshi API keys are RSA (2048 bits or more) or Ed25519 keys.",
    ),
    "not_a_key_object": (
        "unsupported_key_type",
        "expected an RSA or Ed25519 private key, got {kind}; load it with "
        "kalshi_auth.load_private_key(), or pass a kalshi_auth.SigningKey.",
    ),
    "unsupported_format": (
        "unsupported_format",
        "{source} uses an unsupported key format; Kalshi keys are RSA or Ed25519 PEM.",
    ),
    "encrypted_openssh": (
        "unsupported_format",
        "{source} is an encrypted OpenSSH key, which needs the bcrypt package to decrypt: "
        "`pip install bcrypt`, or remove the passphrase from a copy of the key "
        "(`ssh-keygen -p -N '' -f COPY`) and use the copy.",
    ),
    "pkcs11_bad_uri": ("pkcs11_bad_uri", "the PKCS#11 URI cannot be used: {why}."),
    "pkcs11_no_module": (
        "pkcs11_module_unreachable",
        "no PKCS#11 module for {key}: add module-path=/path/to/module.so to the URI's query "
        "(after '?') or set KALSHI_PKCS11_MODULE.",
    ),
    "pkcs11_module_unreachable": (
        "pkcs11_module_unreachable",
        "the PKCS#11 module {module} could not be loaded ({why}); check the path and that it "
        "is the vendor's module for this machine (SoftHSM: /usr/lib/softhsm/libsofthsm2.so).",
    ),
    "pkcs11_token_missing": (
        "pkcs11_token_missing",
        "no token matching {key} is present in the PKCS#11 module; is it plugged in and "
        "initialised? (softhsm2-util --show-slots lists SoftHSM's tokens.)",
    ),
    "pkcs11_pin_required": (
        "pkcs11_pin_required",
        "{key} needs its user PIN: set KALSHI_PKCS11_PIN, or add pin-source=file:/path/to/pin "
        "to the URI's query.",
    ),
    "pkcs11_pin_incorrect": (
        "pkcs11_pin_incorrect",
        "the PIN for {key} is incorrect; check KALSHI_PKCS11_PIN or the URI's pin-source "
        "(each wrong try counts towards the token locking its PIN).",
    ),
    "pkcs11_pin_locked": (
        "pkcs11_pin_locked",
        "the user PIN of {key} is locked after too many wrong tries; the token's security "
        "officer must unlock or reset it.",
    ),
    "pkcs11_object_missing": (
        "pkcs11_object_missing",
        "the token holds no private key matching {key}; check the URI's object= (the key's "
        "label) or id= (pkcs11-tool --list-objects lists them).",
    ),
    "pkcs11_object_ambiguous": (
        "pkcs11_object_missing",
        "the token holds several private keys matching {key}; name one with object= or id=.",
    ),
    "pkcs11_object_exists": (
        "pkcs11_object_exists",
        "the token already holds a key matching {key}; choose another object= label (nothing "
        "in the token was changed).",
    ),
    "pkcs11_wrong_key_type": (
        "pkcs11_wrong_key_type",
        "{key} is {kind}; Kalshi keys are RSA (2048 bits or more) or Ed25519.",
    ),
    "pkcs11_cannot_sign": (
        "pkcs11_cannot_sign",
        "{key} may not sign ({why}); use a key made with the sign permission (kalshi-keys "
        "keygen --out pkcs11:... makes one).",
    ),
    "pkcs11_no_public_key": (
        "pkcs11_failed",
        "the token holds {key} but not its public key, which registering and checking "
        "signatures need; keep the public key object beside it, with the same label or id.",
    ),
    "pkcs11_failed": (
        "pkcs11_failed",
        "the PKCS#11 token failed for {key} ({why}); check that it is still present.",
    ),
    "key_too_small": (
        "key_too_small",
        "the RSA key is {bits} bits; Kalshi keys must be at least {min_bits} bits. Create a new "
        "key (e.g. `kalshi-keys keygen`).",
    ),
    "no_key_id": (
        "empty_key_id",
        "no API key ID: pass {key_id} or set KALSHI_API_KEY_ID (the UUID Kalshi shows next to "
        "the key).",
    ),
    "empty_key_id": (
        "empty_key_id",
        "the API key ID is empty; pass the key's ID (a UUID shown when the key was created) as "
        "{key_id} or set KALSHI_API_KEY_ID.",
    ),
    "key_id_holds_pem": (
        "invalid_key_id",
        "the API key ID holds PEM key text: the key ID and the private key look swapped. The "
        "key ID is a UUID; the PEM goes in {key_pem} (or KALSHI_PRIVATE_KEY_PEM).",
    ),
    "key_id_too_long": (
        "invalid_key_id",
        "the API key ID is {length} characters long; Kalshi key IDs are UUIDs (36 characters). "
        "Check that {key_id} (or KALSHI_API_KEY_ID) holds the key ID.",
    ),
    "key_id_characters": (
        "invalid_key_id",
        "the API key ID contains whitespace, control or non-ASCII characters; Kalshi key IDs "
        "are UUIDs. Check {key_id} (or KALSHI_API_KEY_ID) for a stray character.",
    ),
}


def _described_key(facts: Mapping[str, object], source: ValueSource | None, terms: Terms) -> str:
    """The key a message is about: its file or its PEM text, and where that came from."""
    path = facts.get("path")
    what = f"private key file {shown(path)}" if path is not None else "the private key PEM"
    if source is None:
        return what
    origin = source.variable if source.origin == "environment" else terms[source.setting]
    return f"{what} (from {origin})"


def describe(
    problem: str,
    facts: Mapping[str, object],
    source: ValueSource | None,
    terms: Terms = SDK_TERMS,
) -> str:
    """The sentence for ``problem`` with its facts, in ``terms``."""
    template = PROBLEMS[problem][1]
    path_or_pem = (
        terms["private_key_path"]
        if terms["private_key_path"] == terms["private_key_pem"]
        else f"{terms['private_key_path']} or {terms['private_key_pem']}"
    )
    return template.format(
        key_id=terms["api_key_id"],
        key_path=terms["private_key_path"],
        key_pem=terms["private_key_pem"],
        key_path_or_pem=path_or_pem,
        password=terms["private_key_password"],
        key_uri=terms["private_key_uri"],
        source=_described_key(facts, source, terms),
        **{name: value for name, value in facts.items() if name != "path"},
    )
