"""FakeExchange: the four /api_keys operations with Kalshi's signature checks, in memory."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal
from urllib.parse import parse_qs, unquote

from cryptography.hazmat.primitives import serialization

from .._signer import (
    ACCESS_KEY_HEADER,
    ACCESS_SIGNATURE_HEADER,
    ACCESS_TIMESTAMP_HEADER,
    KeyType,
    PublicKey,
    verify_signature,
)
from ._wire import (
    DEFAULT_SCOPES,
    FakeKey,
    FakeResponse,
    Invalid,
    Mint,
    RecordedRequest,
    Refused,
    auth_error,
    fault_body,
    flat_error,
    json_answer,
    load_public_key,
    mint_fields,
    new_private_key,
    parse_object,
)

__all__ = ["FakeExchange", "FakeKey", "FakeResponse", "RecordedRequest", "UsageTier"]

UsageTier = Literal["basic", "advanced", "expert", "premier", "paragon", "prime", "prestige"]
_TIERS: tuple[UsageTier, ...] = (
    "basic", "advanced", "expert", "premier", "paragon", "prime", "prestige",
)  # fmt: skip


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
        scopes: Iterable[str] = DEFAULT_SCOPES,
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
            private = new_private_key(key_type)
            public = private.public_key()
            private_pem = private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        else:
            public = load_public_key(public_key_pem)
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
        body = fault_body(status)
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
        self, method: str, path: str, headers: Mapping[str, str], ok: bool, response: FakeResponse
    ) -> None:
        entry = RecordedRequest.of(method, path, headers, ok, response.status)
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
            return flat_error(404, "not_found", f"no route for {path}"), False
        if method not in handlers:
            refused = flat_error(405, "method_not_allowed", f"{method} not allowed here")
            allowed = {**refused.headers, "Allow": ", ".join(sorted(handlers))}
            return FakeResponse(405, refused.body, allowed), False
        denied = self._authenticate(method, path, headers)
        if denied is not None:
            return denied, False
        try:
            return handlers[method](body), True
        except Invalid as exc:
            return flat_error(400, "invalid_parameters", str(exc)), True
        except Refused as exc:
            return flat_error(403, "forbidden", str(exc)), True

    def _authenticate(
        self, method: str, path: str, headers: Mapping[str, str]
    ) -> FakeResponse | None:
        key_id = headers.get(ACCESS_KEY_HEADER.lower())
        timestamp = headers.get(ACCESS_TIMESTAMP_HEADER.lower())
        signature = headers.get(ACCESS_SIGNATURE_HEADER.lower())
        if not key_id or not timestamp or not signature:
            return auth_error("authentication_error", "MISSING_AUTH_HEADERS")
        if not timestamp.isdigit():
            return auth_error("authentication_error", "INVALID_TIMESTAMP")
        skew_s = abs(self.clock() - int(timestamp) / 1000)
        if skew_s > self.timestamp_window_s:
            return auth_error("header_timestamp_expired", "TIMESTAMP_OUTSIDE_WINDOW")
        with self._lock:
            key = self._keys.get(key_id)
        if key is None:
            return auth_error("authentication_error", "NOT_FOUND")
        if not verify_signature(key.public_key, signature, int(timestamp), method, path):
            return auth_error("authentication_error", "INCORRECT_API_KEY_SIGNATURE")
        return None

    # -- operations ------------------------------------------------------------------------

    def _list(self, query: str) -> FakeResponse:
        wanted = parse_qs(query).get("fcm_subtrader_id")
        keys = [k for k in self.keys if wanted is None or k.fcm_subtrader_id in wanted]
        payload: dict[str, Any] = {"api_keys": [key.to_wire() for key in keys]}
        if self.region_expiration_ts is not None:
            payload["api_key_region_expiration_ts"] = self.region_expiration_ts
        return json_answer(200, payload)

    def _create(self, body: bytes) -> FakeResponse:
        if _TIERS.index(self.usage_tier) < _TIERS.index("premier"):
            return flat_error(
                403,
                "insufficient_usage_level",
                "creating API keys requires Premier or Market Maker API usage level",
            )
        request = parse_object(body)
        mint = mint_fields(self.fcm_member, self.user_id, request)
        public_pem = request.get("public_key")
        if not isinstance(public_pem, str):
            raise Invalid("public_key is required and must be a PEM string")
        try:
            public = load_public_key(public_pem)
        except ValueError as exc:
            raise Invalid(str(exc)) from None
        key = self._register(mint, public)
        return json_answer(201, self._minted({"api_key_id": key.api_key_id}, mint))

    def _generate(self, body: bytes) -> FakeResponse:
        request = parse_object(body)
        mint = mint_fields(self.fcm_member, self.user_id, request)
        key_type = request.get("key_type", "rsa")  # Kalshi's default when it is left out
        if key_type not in ("rsa", "ed25519"):
            raise Invalid("key_type must be rsa or ed25519")
        private = new_private_key(key_type)
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
        return json_answer(201, self._minted(answer, mint))

    def _delete(self, key_id: str) -> FakeResponse:
        with self._lock:
            removed = self._keys.pop(key_id, None)
        if removed is None:
            return flat_error(404, "not_found", "API key not found")
        return FakeResponse(204)

    def _minted(self, answer: dict[str, Any], mint: Mint) -> dict[str, Any]:
        if mint.fcm_subtrader_id is not None and self.mint_warning is not None:
            answer["warning"] = self.mint_warning
        return answer

    def _register(self, mint: Mint, public: PublicKey) -> FakeKey:
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
