"""The fake exchange's wire: answers and their shapes, and request bodies read and validated."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

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
)

__all__ = ["FakeKey", "FakeResponse", "RecordedRequest"]

SCOPES: frozenset[str] = frozenset(API_KEY_SCOPE_VALUES)  # the spec's enum, via the generator
DEFAULT_SCOPES = ("read", "write")


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

    @classmethod
    def of(
        cls, method: str, path: str, headers: Mapping[str, str], authenticated: bool, status: int
    ) -> RecordedRequest:
        """The record of a request whose header names are lower-cased."""
        timestamp = headers.get(ACCESS_TIMESTAMP_HEADER.lower(), "")
        return cls(
            method=method,
            path=path,
            key_id=headers.get(ACCESS_KEY_HEADER.lower()),
            timestamp_ms=int(timestamp) if timestamp.isdigit() else None,
            signature=headers.get(ACCESS_SIGNATURE_HEADER.lower()),
            authenticated=authenticated,
            status=status,
        )


def json_answer(status: int, payload: Mapping[str, Any]) -> FakeResponse:
    return FakeResponse(status, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def auth_error(code: str, details: str) -> FakeResponse:
    # Kalshi's wire shape for authentication failures is nested, unlike ErrorResponse.
    return json_answer(401, {"error": {"code": code, "message": code, "details": details}})


def flat_error(status: int, code: str, message: str) -> FakeResponse:
    return json_answer(status, {"code": code, "message": message})


class Invalid(Exception):
    """A request body failed validation; becomes a 400."""


class Refused(Exception):
    """The account may not do what the request asks; becomes a 403."""


@dataclass(frozen=True)
class Mint:
    """The validated fields of a create or generate request."""

    name: str
    scopes: tuple[str, ...]
    subaccount: int | None
    fcm_subtrader_id: str | None


def load_public_key(pem: bytes | str) -> PublicKey:
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


def parse_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Invalid("request body must be JSON") from None
    if not isinstance(data, dict):
        raise Invalid("request body must be a JSON object")
    return data


def common_fields(request: Mapping[str, Any]) -> tuple[str, tuple[str, ...], int | None]:
    name = request.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Invalid("name is required and must be a non-empty string")
    raw_scopes = request.get("scopes", list(DEFAULT_SCOPES))
    if not isinstance(raw_scopes, list) or not all(isinstance(s, str) for s in raw_scopes):
        raise Invalid("scopes must be a list of strings")
    unknown = sorted(set(raw_scopes) - SCOPES)
    if unknown or not raw_scopes:
        raise Invalid(f"invalid scopes: {unknown or 'empty list'}")
    if "write" in raw_scopes and "read" not in raw_scopes:
        raise Invalid("the write scope requires the read scope")
    subaccount = request.get("subaccount")
    if "subaccount" in request and (
        isinstance(subaccount, bool) or not isinstance(subaccount, int) or not 0 <= subaccount <= 63
    ):
        raise Invalid("subaccount must be an integer from 0 to 63")
    return name, tuple(dict.fromkeys(raw_scopes)), subaccount


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


def new_private_key(key_type: KeyType) -> PrivateKey:
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=MIN_KEY_BITS)


def mint_fields(fcm_member: bool, user_id: str, request: Mapping[str, Any]) -> Mint:
    """The validated fields of a create or generate request from ``user_id``'s account."""
    name, scopes, subaccount = common_fields(request)
    if "fcm_subtrader_id" not in request:  # present but null is refused below
        return Mint(name, scopes, subaccount, None)
    subtrader = request["fcm_subtrader_id"]
    if not isinstance(subtrader, str):
        raise Invalid("fcm_subtrader_id must be a string")
    if not fcm_member:
        raise Refused("fcm_subtrader_id may only be sent by an FCM member")
    if subaccount is not None:
        raise Invalid("fcm_subtrader_id and subaccount cannot be combined")
    pattern = rf"{re.escape(user_id)}_[A-Za-z0-9]{{1,16}}"
    if not re.fullmatch(pattern, subtrader, re.ASCII):
        raise Invalid(
            f"fcm_subtrader_id must be {user_id}_<suffix>, the suffix 1-16 ASCII letters and digits"
        )
    return Mint(name, scopes, subaccount, subtrader)


def fault_body(status: int) -> bytes:
    """An injected fault's body: 429 in Kalshi's bare shape; 409 says the FCM subtrader is not
    yet visible, as Kalshi's conflict does."""
    if status == 429:
        return json.dumps({"error": "too many requests"}).encode()
    if status == 409:
        message = "the FCM subtrader is not yet visible in the credential registry"
        return json.dumps({"code": "conflict", "message": message}).encode()
    return json.dumps({"code": "internal_error", "message": "injected fault"}).encode()
