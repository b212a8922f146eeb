"""Keys that never leave a PKCS#11 token (an HSM, a YubiHSM, SoftHSM): found, checked, used to sign.

Needs the ``pkcs11`` extra (``python-pkcs11``), imported only when a ``pkcs11:`` URI is used.
Kalshi's algorithms map onto PKCS#11 directly: RSA-PSS with SHA-256, MGF1-SHA-256 and a
32-byte salt is ``CKM_SHA256_RSA_PKCS_PSS`` (the token hashes the message), pure Ed25519 is
``CKM_EDDSA``. A PKCS#11 session must not be used by two threads at once, so each key signs
through one session behind a lock; a signature takes well under a millisecond, so under many
concurrent async calls the event loop waits no longer than for an in-memory key.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from ._credentials import AskPin
from ._errors import KeyLoadError
from ._keytypes import KeyType
from ._pkcs11token import find_token, load_module, pkcs11_library, user_pin, user_session
from ._pkcs11uri import Pkcs11Uri, parse_pkcs11_uri
from ._redact import shown
from ._signer import signing_message, verify_signature
from ._signingkey import PublicKey, check_rsa_key_size

__all__ = ["Pkcs11Key", "open_pkcs11_key"]

#: CKA_EC_PARAMS of an Ed25519 key: the DER OID 1.3.101.112, or the printable name (PKCS#11 3.0).
ED25519_PARAMS = frozenset({bytes.fromhex("06032b6570"), b"\x13\x0cedwards25519"})


def _query(uri: Pkcs11Uri) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if uri.object is not None:
        found["label"] = uri.object
    if uri.id is not None:
        found["id"] = uri.id
    return found


def _private_key(session: Any, uri: Pkcs11Uri) -> Any:
    pkcs11 = pkcs11_library()
    if uri.type == "public":
        raise KeyLoadError.of("pkcs11_bad_uri", why="it names a public key (type=public); "
                              "signing needs the private key: type=private or no type")  # fmt: skip
    try:
        return session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, **_query(uri))
    except pkcs11.NoSuchKey:
        raise KeyLoadError.of("pkcs11_object_missing", key=uri.described()) from None
    except pkcs11.MultipleObjectsReturned:
        raise KeyLoadError.of("pkcs11_object_ambiguous", key=uri.described()) from None


def key_type_in_token(key: Any, uri: Pkcs11Uri) -> KeyType:
    """``"rsa"`` or ``"ed25519"`` for a token key object; KeyLoadError for anything else."""
    from pkcs11 import Attribute
    from pkcs11 import KeyType as TokenKeyType

    if key.key_type == TokenKeyType.RSA:
        return "rsa"
    if key.key_type == TokenKeyType.EC_EDWARDS:
        if bytes(key[Attribute.EC_PARAMS]) in ED25519_PARAMS:
            return "ed25519"
        return _wrong_type(uri, "an EdDSA key on another curve (not Ed25519)")
    return _wrong_type(uri, f"a {shown(key.key_type.name)} key")


def _wrong_type(uri: Pkcs11Uri, kind: str) -> KeyType:
    raise KeyLoadError.of("pkcs11_wrong_key_type", key=uri.described(), kind=kind)


def public_key_in_token(session: Any, key: Any, key_type: KeyType, uri: Pkcs11Uri) -> PublicKey:
    """The public half of a token key, as a ``cryptography`` object."""
    from pkcs11 import Attribute, ObjectClass

    if key_type == "rsa":
        modulus = int.from_bytes(key[Attribute.MODULUS], "big")
        exponent = int.from_bytes(key[Attribute.PUBLIC_EXPONENT], "big")
        return rsa.RSAPublicNumbers(exponent, modulus).public_key()
    match = {"label": key.label} if key.label else {}
    if key.id:
        match["id"] = key.id
    try:
        public = session.get_key(object_class=ObjectClass.PUBLIC_KEY, **match)
    except pkcs11_library().PKCS11Error:
        raise KeyLoadError.of("pkcs11_no_public_key", key=uri.described()) from None
    point = bytes(public[Attribute.EC_POINT])
    raw = point[2:] if len(point) == 34 and point[:2] == b"\x04\x20" else point  # DER OCTET STRING
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)


def _reopenable(exceptions: Any) -> tuple[type[BaseException], ...]:
    return (exceptions.SessionHandleInvalid, exceptions.SessionClosed, exceptions.UserNotLoggedIn,
            exceptions.KeyHandleInvalid, exceptions.ObjectHandleInvalid, exceptions.DeviceRemoved,
            exceptions.TokenNotPresent)  # fmt: skip


class Pkcs11Key:
    """A private key inside a PKCS#11 token, as a :class:`~kalshi_auth.SigningKey`.

    The key never leaves the token: this object holds a session and the key's handle. It is
    checked when opened (its type, its sign permission, and one probe signature verified
    against its public key), so a client built on it fails at once, not at the first call.
    """

    def __init__(self, *, session: Any, key: Any, uri: Pkcs11Uri, reopen: Callable[[], Any]):
        self._session = session
        self._key = key
        self._uri = uri
        self._reopen = reopen
        self._lock = threading.Lock()
        exceptions = pkcs11_library().exceptions
        self._reopenable = _reopenable(exceptions)
        self._token_error: type[BaseException] = exceptions.PKCS11Error
        self.key_type: KeyType = key_type_in_token(key, uri)
        self._public = public_key_in_token(session, key, self.key_type, uri)
        self._mechanism, self._parameters = _mechanism(self.key_type)
        self._check()

    @property
    def uri(self) -> Pkcs11Uri:
        """Which key this is (its URI, never with a PIN in it)."""
        return self._uri

    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, message: bytes) -> bytes:
        with self._lock:
            try:
                return self._sign_once(message)
            except self._reopenable:
                pass  # the session or handle is gone (a token put back in): open it again
            except self._token_error as exc:
                raise self._failed(exc) from None
            try:
                self._session, self._key = self._reopen()
                return self._sign_once(message)
            except self._token_error as exc:
                raise self._failed(exc) from None

    def _sign_once(self, message: bytes) -> bytes:
        signature = self._key.sign(message, mechanism=self._mechanism,
                                   mechanism_param=self._parameters)  # fmt: skip
        return bytes(signature)

    def _failed(self, exc: BaseException) -> KeyLoadError:
        return KeyLoadError.of("pkcs11_failed", key=self._uri.described(), why=type(exc).__name__)

    def close(self) -> None:
        """Close the key's session (the token stays logged in while other sessions are open)."""
        with self._lock:
            self._session.close()

    def _check(self) -> None:
        from pkcs11 import Attribute

        if not self._key[Attribute.SIGN]:
            raise KeyLoadError.of("pkcs11_cannot_sign", key=self._uri.described(),
                                  why="its CKA_SIGN attribute is false")  # fmt: skip
        if isinstance(self._public, rsa.RSAPublicKey):
            check_rsa_key_size(self._public)
        probe = self.sign(signing_message(0, "GET", "/kalshi-auth/pkcs11-probe"))
        encoded = base64.b64encode(probe).decode("ascii")
        if not verify_signature(self._public, encoded, 0, "GET", "/kalshi-auth/pkcs11-probe"):
            why = "its signature does not verify against its public key"
            raise KeyLoadError.of("pkcs11_cannot_sign", key=self._uri.described(), why=why)

    def __repr__(self) -> str:
        return f"<{self.key_type} private key in a PKCS#11 token: {self._uri.described()}>"


def _mechanism(key_type: KeyType) -> tuple[Any, Any]:
    from pkcs11 import MGF, Mechanism

    if key_type == "rsa":
        return Mechanism.SHA256_RSA_PKCS_PSS, (Mechanism.SHA256, MGF.SHA256, 32)
    return Mechanism.EDDSA, None


def open_pkcs11_key(
    uri: str | Pkcs11Uri,
    *,
    environ: Mapping[str, str] | None = None,
    ask_pin: AskPin | None = None,
) -> Pkcs11Key:
    """The token key ``uri`` names, opened and checked; a KeyLoadError says what to fix.

    The module comes from the URI's ``module-path``, else ``KALSHI_PKCS11_MODULE``; the PIN
    from ``pin-value`` or ``pin-source``, else ``KALSHI_PKCS11_PIN``, else ``ask_pin``.
    """
    parsed = uri if isinstance(uri, Pkcs11Uri) else parse_pkcs11_uri(uri)
    env = os.environ if environ is None else environ
    library = load_module(parsed, env)
    token = find_token(library, parsed)
    pin = user_pin(parsed, env, ask_pin)
    parsed = replace(parsed, pin_value=None)  # kept by the key: no PIN in it, even unshown

    def opened() -> tuple[Any, Any]:
        session = user_session(find_token(library, parsed), parsed, pin)
        return session, _private_key(session, parsed)

    session = user_session(token, parsed, pin)
    try:
        return Pkcs11Key(session=session, key=_private_key(session, parsed), uri=parsed,
                         reopen=opened)  # fmt: skip
    except BaseException:
        session.close()
        raise
