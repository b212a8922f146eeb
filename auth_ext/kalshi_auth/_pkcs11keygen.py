"""Making a key pair inside a PKCS#11 token: private half non-extractable, sensitive, sign-only."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ._credentials import AskPin
from ._errors import KeyLoadError
from ._keytypes import KeyType
from ._pkcs11 import Pkcs11Key, open_pkcs11_key
from ._pkcs11token import find_token, load_module, pkcs11_library, user_pin, user_session
from ._pkcs11uri import Pkcs11Uri, parse_pkcs11_uri
from ._signingkey import MIN_KEY_BITS

__all__ = ["make_token_key"]

#: The OID of Ed25519 (RFC 8410) as DER: CKA_EC_PARAMS of a key to make.
_ED25519_PARAMS = bytes.fromhex("06032b6570")


def make_token_key(
    uri: str | Pkcs11Uri,
    key_type: KeyType = "rsa",
    *,
    bits: int = 2048,
    environ: Mapping[str, str] | None = None,
    ask_pin: AskPin | None = None,
) -> Pkcs11Key:
    """Make an RSA or Ed25519 key pair in the token ``uri`` names, labelled its ``object``.

    The private key is made inside the token and never leaves it: ``CKA_EXTRACTABLE`` false,
    ``CKA_SENSITIVE`` true, allowed to sign and nothing else. It gets a random 16-byte
    ``CKA_ID`` (or the URI's ``id``) shared with its public key. Refused, with nothing made, if
    the token already holds an object with that label or id. Returns the new key, opened.
    """
    parsed = uri if isinstance(uri, Pkcs11Uri) else parse_pkcs11_uri(uri)
    if not parsed.object:
        raise KeyLoadError.of("pkcs11_bad_uri", why="name the new key with object=LABEL")
    if key_type == "rsa" and bits < MIN_KEY_BITS:
        raise KeyLoadError.of("key_too_small", bits=bits, min_bits=MIN_KEY_BITS)
    env = os.environ if environ is None else environ
    token = find_token(load_module(parsed, env), parsed)
    key_id = parsed.id or os.urandom(16)
    pin = user_pin(parsed, env, ask_pin)
    session = user_session(token, parsed, pin, rw=True)
    try:
        _refuse_existing(session, parsed, key_id)
        _generate(session, key_type, bits, parsed.object, key_id)
    finally:
        session.close()
    named = replace(parsed.with_object(parsed.object, key_id), pin_value=pin)
    return open_pkcs11_key(named, environ=env)


def _refuse_existing(session: Any, uri: Pkcs11Uri, key_id: bytes) -> None:
    pkcs11 = pkcs11_library()
    for query in ({pkcs11.Attribute.LABEL: uri.object}, {pkcs11.Attribute.ID: key_id}):
        for _ in session.get_objects(query):
            raise KeyLoadError.of("pkcs11_object_exists", key=uri.described())


def _generate(session: Any, key_type: KeyType, bits: int, label: str, key_id: bytes) -> None:
    pkcs11 = pkcs11_library()
    attribute = pkcs11.Attribute
    private = {
        attribute.TOKEN: True,
        attribute.PRIVATE: True,
        attribute.SENSITIVE: True,
        attribute.EXTRACTABLE: False,
        attribute.SIGN: True,
        attribute.DECRYPT: False,
        attribute.UNWRAP: False,
        attribute.DERIVE: False,
    }
    public: dict[Any, object] = {
        attribute.TOKEN: True,
        attribute.VERIFY: True,
        attribute.ENCRYPT: False,
        attribute.WRAP: False,
    }
    try:
        if key_type == "rsa":
            session.generate_keypair(pkcs11.KeyType.RSA, bits, id=key_id, label=label, store=True,
                                     public_template=public, private_template=private)  # fmt: skip
        else:
            public[attribute.EC_PARAMS] = _ED25519_PARAMS
            session.generate_keypair(pkcs11.KeyType.EC_EDWARDS, id=key_id, label=label,
                                     store=True, public_template=public,
                                     private_template=private)  # fmt: skip
    except pkcs11.PKCS11Error as exc:
        raise KeyLoadError.of("pkcs11_failed", key=f"a new {key_type} key",
                              why=type(exc).__name__) from None  # fmt: skip
