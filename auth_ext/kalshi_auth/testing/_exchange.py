"""FakeExchange: the four /api_keys operations with Kalshi's signature checks, in memory."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, unquote

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from kalshi_api_keys_client.models.api_key_scope import API_KEY_SCOPE_VALUES

from .._signer import (
    ACCESS_KEY_HEADER,
    ACCESS_SIGNATURE_HEADER,
    ACCESS_TIMESTAMP_HEADER,
    MIN_KEY_BITS,
    KeyType,
    PrivateKey,
    PublicKey,
    key_type_of,
    verify_signature,
)

__all__ = ["FakeExchange", "FakeKey", "FakeResponse", "RecordedRequest", "UsageTier"]

UsageTier = Literal["basic", "advanced", "expert", "premier", "paragon", "prime", "prestige"]
_TIERS: tuple[UsageTier, ...] = (
    "basic", "advanced", "expert", "premier", "paragon", "prime", "prestige",
)  # fmt: skip
_SCOPES: frozenset[str] = frozenset(API_KEY_SCOPE_VALUES)  # the spec's enum, via the generator
_DEFAULT_SCOPES = ("read", "write")


@dataclass(frozen=True)
class FakeKey:
    """A key the fake exchange knows; ``private_key_pem`` is set only when it made the pair."""

    api_key_id: str
    name: str
    scopes: tuple[str, ...]
    subaccount: int | None
    public_key: PublicKey = field(repr=False)
    private_key_pem: bytes | None = field(default=None, repr=False)
    fcm_subtrader_id: str | None = None

    @property
    def key_type(self) -> KeyType:
        """``"rsa"`` or ``"ed25519"``: which algorithm this key's signatures must use."""
        return key_type_of(self.public_key)

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "api_key_id": self.api_key_id,
            "name": self.name,
            "scopes": list(self.scopes),
        }
        if self.subaccount is not None:
            wire["subaccount"] = self.subaccount
        if self.fcm_subtrader_id is not None:
            wire["fcm_subtrader_id"] = self.fcm_subtrader_id
        return wire


@dataclass(frozen=True)
class FakeResponse:
    """What the exchange answers: status, headers and body bytes."""

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the exchange saw it, and whether its signature verified."""

    method: str
    path: str
    key_id: str | None
    timestamp_ms: int | None
    signature: str | None
    authenticated: bool
    status: int


def _json(status: int, payload: Mapping[str, Any]) -> FakeResponse:
    return FakeResponse(status, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def _auth_error(code: str, details: str) -> FakeResponse:
    # Kalshi's wire shape for authentication failures is nested, unlike ErrorResponse.
    return _json(401, {"error": {"code": code, "message": code, "details": details}})


def _flat_error(status: int, code: str, message: str) -> FakeResponse:
    return _json(status, {"code": code, "message": message})


class _Invalid(Exception):
    """A request body failed validation; becomes a 400."""


class _Refused(Exception):
    """The account may not do what the request asks; becomes a 403."""


@dataclass(frozen=True)
class _Mint:
    """The validated fields of a create or generate request."""

    name: str
    scopes: tuple[str, ...]
    subaccount: int | None
    fcm_subtrader_id: str | None


def _generate_private_key(key_type: KeyType) -> PrivateKey:
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=MIN_KEY_BITS)


class FakeExchange:
    """An in-memory Kalshi exchange for the API-key endpoints, strict about signatures.

    Every request must carry the three ``KALSHI-ACCESS-*`` headers, a millisecond timestamp
    within ``timestamp_window_s`` of ``clock``, and a signature over timestamp + METHOD + the
    encoded path without query by a known key, made with that key's algorithm: RSA-PSS (salt =
    digest length) for an RSA key, Ed25519 for an Ed25519 key.
    Serve it with :func:`serve` (real HTTP on 127.0.0.1) or :meth:`transport` (in-process).
    Thread-safe.
    """

    def __init__(
        self,
        *,
        usage_tier: UsageTier = "premier",
        timestamp_window_s: float = 5.0,
        clock: Callable[[], float] = time.time,
        path_prefix: str = "/trade-api/v2",
        region_expiration_ts: int | None = None,
        fcm_member: bool = False,
        user_id: str = "fakeuser",
        mint_warning: str | None = None,
    ) -> None:
        if usage_tier not in _TIERS:
            raise ValueError(f"usage_tier must be one of {_TIERS}")
        if not user_id.isascii() or not user_id.isalnum():
            raise ValueError("user_id must be ASCII letters and digits")
        self.usage_tier: UsageTier = usage_tier
        #: Only an FCM member may bind keys to its subtraders (``{user_id}_{suffix}``).
        self.fcm_member = fcm_member
        self.user_id = user_id
        #: Sent as ``warning`` when a key bound to an FCM subtrader is made, as Kalshi does
        #: when the subtrader lacks a risk control; None sends no warning.
        self.mint_warning = mint_warning
        self.timestamp_window_s = timestamp_window_s
        self.clock = clock
        self.path_prefix = path_prefix.rstrip("/")
        self.region_expiration_ts = region_expiration_ts
        self._keys: dict[str, FakeKey] = {}
        self._faults: list[tuple[int, bytes]] = []
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()

    # -- set-up and inspection -------------------------------------------------------------

    def add_key(
        self,
        public_key_pem: bytes | str | None = None,
        *,
        name: str = "bootstrap",
        scopes: Iterable[str] = _DEFAULT_SCOPES,
        subaccount: int | None = None,
        api_key_id: str | None = None,
        fcm_subtrader_id: str | None = None,
        key_type: KeyType = "rsa",
    ) -> FakeKey:
        """Register a key directly (no request needed), e.g. the first key a client uses.

        Without ``public_key_pem`` a new pair of ``key_type`` is made and its PKCS#8 PEM
        returned in ``private_key_pem``; with it, the key's type is the public key's.
        """
        private_pem = None
        if public_key_pem is None:
            private = _generate_private_key(key_type)
            public = private.public_key()
            private_pem = private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        else:
            public = _load_public_key(public_key_pem)
        key = FakeKey(
            api_key_id=api_key_id or str(uuid.uuid4()),
            name=name,
            scopes=tuple(scopes),
            subaccount=subaccount,
            public_key=public,
            private_key_pem=private_pem,
            fcm_subtrader_id=fcm_subtrader_id,
        )
        with self._lock:
            self._keys[key.api_key_id] = key
        return key

    @property
    def keys(self) -> list[FakeKey]:
        """A snapshot of the registered keys."""
        with self._lock:
            return list(self._keys.values())

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request handled so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def inject_faults(self, status: int, count: int = 1) -> None:
        """Answer the next ``count`` requests with ``status`` before handling any normally.

        429 uses Kalshi's bare ``{"error": "too many requests"}`` body; 409 says the FCM
        subtrader is not yet visible, as Kalshi's conflict does.
        """
        if status == 429:
            body = json.dumps({"error": "too many requests"}).encode()
        elif status == 409:
            body = json.dumps(
                {
                    "code": "conflict",
                    "message": "the FCM subtrader is not yet visible in the credential registry",
                }
            ).encode()
        else:
            body = json.dumps({"code": "internal_error", "message": "injected fault"}).encode()
        with self._lock:
            self._faults.extend([(status, body)] * count)

    # -- request handling ------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        """Answer one request. ``raw_path`` is the encoded path, query allowed."""
        method = method.upper()
        path, _, query = raw_path.partition("?")
        lowered = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None:
            response = FakeResponse(fault[0], fault[1], {"Content-Type": "application/json"})
            self._record(method, path, lowered, False, response)
            return response
        response, authenticated = self._route(method, path, query, lowered, body)
        self._record(method, path, lowered, authenticated, response)
        return response

    def _record(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        authenticated: bool,
        response: FakeResponse,
    ) -> None:
        timestamp = headers.get(ACCESS_TIMESTAMP_HEADER.lower(), "")
        entry = RecordedRequest(
            method=method,
            path=path,
            key_id=headers.get(ACCESS_KEY_HEADER.lower()),
            timestamp_ms=int(timestamp) if timestamp.isdigit() else None,
            signature=headers.get(ACCESS_SIGNATURE_HEADER.lower()),
            authenticated=authenticated,
            status=response.status,
        )
        with self._lock:
            self._requests.append(entry)

    def _route(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[FakeResponse, bool]:
        base = self.path_prefix + "/api_keys"
        if path in (base + "/", base + "/generate/"):
            # Kalshi redirects the trailing-slash form; a signed client must not follow it.
            return FakeResponse(301, b"", {"Location": path.rstrip("/")}), False
        if path == base:
            handlers = {"GET": lambda body: self._list(query), "POST": self._create}
        elif path == base + "/generate":
            handlers = {"POST": self._generate}
        elif path.startswith(base + "/") and "/" not in path[len(base) + 1 :]:
            key_id = unquote(path[len(base) + 1 :])
            handlers = {"DELETE": lambda body: self._delete(key_id)}
        else:
            return _flat_error(404, "not_found", f"no route for {path}"), False
        if method not in handlers:
            refused = _flat_error(405, "method_not_allowed", f"{method} not allowed here")
            allowed = {**refused.headers, "Allow": ", ".join(sorted(handlers))}
            return FakeResponse(405, refused.body, allowed), False
        denied = self._authenticate(method, path, headers)
        if denied is not None:
            return denied, False
        try:
            return handlers[method](body), True
        except _Invalid as exc:
            return _flat_error(400, "invalid_parameters", str(exc)), True
        except _Refused as exc:
            return _flat_error(403, "forbidden", str(exc)), True

    def _authenticate(
        self, method: str, path: str, headers: Mapping[str, str]
    ) -> FakeResponse | None:
        key_id = headers.get(ACCESS_KEY_HEADER.lower())
        timestamp = headers.get(ACCESS_TIMESTAMP_HEADER.lower())
        signature = headers.get(ACCESS_SIGNATURE_HEADER.lower())
        if not key_id or not timestamp or not signature:
            return _auth_error("authentication_error", "MISSING_AUTH_HEADERS")
        if not timestamp.isdigit():
            return _auth_error("authentication_error", "INVALID_TIMESTAMP")
        skew_s = abs(self.clock() - int(timestamp) / 1000)
        if skew_s > self.timestamp_window_s:
            return _auth_error("header_timestamp_expired", "TIMESTAMP_OUTSIDE_WINDOW")
        with self._lock:
            key = self._keys.get(key_id)
        if key is None:
            return _auth_error("authentication_error", "NOT_FOUND")
        if not verify_signature(key.public_key, signature, int(timestamp), method, path):
            return _auth_error("authentication_error", "INCORRECT_API_KEY_SIGNATURE")
        return None

    # -- operations ------------------------------------------------------------------------

    def _list(self, query: str) -> FakeResponse:
        wanted = parse_qs(query).get("fcm_subtrader_id")
        keys = [k for k in self.keys if wanted is None or k.fcm_subtrader_id in wanted]
        payload: dict[str, Any] = {"api_keys": [key.to_wire() for key in keys]}
        if self.region_expiration_ts is not None:
            payload["api_key_region_expiration_ts"] = self.region_expiration_ts
        return _json(200, payload)

    def _create(self, body: bytes) -> FakeResponse:
        if _TIERS.index(self.usage_tier) < _TIERS.index("premier"):
            return _flat_error(
                403,
                "insufficient_usage_level",
                "creating API keys requires Premier or Market Maker API usage level",
            )
        request = _parse_object(body)
        mint = self._mint_fields(request)
        public_pem = request.get("public_key")
        if not isinstance(public_pem, str):
            raise _Invalid("public_key is required and must be a PEM string")
        try:
            public = _load_public_key(public_pem)
        except ValueError as exc:
            raise _Invalid(str(exc)) from None
        key = self._register(mint, public)
        return _json(201, self._minted({"api_key_id": key.api_key_id}, mint))

    def _generate(self, body: bytes) -> FakeResponse:
        request = _parse_object(body)
        mint = self._mint_fields(request)
        key_type = request.get("key_type", "rsa")  # Kalshi's default when it is left out
        if key_type not in ("rsa", "ed25519"):
            raise _Invalid("key_type must be rsa or ed25519")
        private = _generate_private_key(key_type)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            # As Kalshi hands them out: PKCS#1 for RSA, PKCS#8 for Ed25519.
            serialization.PrivateFormat.TraditionalOpenSSL
            if key_type == "rsa"
            else serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key = self._register(mint, private.public_key())
        answer = {
            "api_key_id": key.api_key_id,
            "key_type": key_type,
            "private_key": pem.decode("ascii"),
        }
        return _json(201, self._minted(answer, mint))

    def _delete(self, key_id: str) -> FakeResponse:
        with self._lock:
            removed = self._keys.pop(key_id, None)
        if removed is None:
            return _flat_error(404, "not_found", "API key not found")
        return FakeResponse(204)

    def _mint_fields(self, request: Mapping[str, Any]) -> _Mint:
        name, scopes, subaccount = _common_fields(request)
        if "fcm_subtrader_id" not in request:  # present but null is refused below
            return _Mint(name, scopes, subaccount, None)
        subtrader = request["fcm_subtrader_id"]
        if not isinstance(subtrader, str):
            raise _Invalid("fcm_subtrader_id must be a string")
        if not self.fcm_member:
            raise _Refused("fcm_subtrader_id may only be sent by an FCM member")
        if subaccount is not None:
            raise _Invalid("fcm_subtrader_id and subaccount cannot be combined")
        pattern = rf"{re.escape(self.user_id)}_[A-Za-z0-9]{{1,16}}"
        if not re.fullmatch(pattern, subtrader, re.ASCII):
            raise _Invalid(
                f"fcm_subtrader_id must be {self.user_id}_<suffix>, the suffix 1-16 ASCII "
                "letters and digits"
            )
        return _Mint(name, scopes, subaccount, subtrader)

    def _minted(self, answer: dict[str, Any], mint: _Mint) -> dict[str, Any]:
        if mint.fcm_subtrader_id is not None and self.mint_warning is not None:
            answer["warning"] = self.mint_warning
        return answer

    def _register(self, mint: _Mint, public: PublicKey) -> FakeKey:
        key = FakeKey(
            str(uuid.uuid4()),
            mint.name,
            mint.scopes,
            mint.subaccount,
            public,
            fcm_subtrader_id=mint.fcm_subtrader_id,
        )
        with self._lock:
            self._keys[key.api_key_id] = key
        return key


def _load_public_key(pem: bytes | str) -> PublicKey:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        public = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise ValueError("public_key is not a PEM public key") from None
    if isinstance(public, ed25519.Ed25519PublicKey):
        return public
    if not isinstance(public, rsa.RSAPublicKey):
        raise ValueError("public_key must be an RSA or Ed25519 key")
    if public.key_size < MIN_KEY_BITS:
        raise ValueError(f"public_key must be at least {MIN_KEY_BITS} bits")
    return public


def _parse_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _Invalid("request body must be JSON") from None
    if not isinstance(data, dict):
        raise _Invalid("request body must be a JSON object")
    return data


def _common_fields(request: Mapping[str, Any]) -> tuple[str, tuple[str, ...], int | None]:
    name = request.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _Invalid("name is required and must be a non-empty string")
    raw_scopes = request.get("scopes", list(_DEFAULT_SCOPES))
    if not isinstance(raw_scopes, list) or not all(isinstance(s, str) for s in raw_scopes):
        raise _Invalid("scopes must be a list of strings")
    unknown = sorted(set(raw_scopes) - _SCOPES)
    if unknown or not raw_scopes:
        raise _Invalid(f"invalid scopes: {unknown or 'empty list'}")
    if "write" in raw_scopes and "read" not in raw_scopes:
        raise _Invalid("the write scope requires the read scope")
    subaccount = request.get("subaccount")
    if "subaccount" in request and (
        isinstance(subaccount, bool) or not isinstance(subaccount, int) or not 0 <= subaccount <= 63
    ):
        raise _Invalid("subaccount must be an integer from 0 to 63")
    return name, tuple(dict.fromkeys(raw_scopes)), subaccount
