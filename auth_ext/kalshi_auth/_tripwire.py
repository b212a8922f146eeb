"""The private-key tripwire: no request leaves whose path, query, headers or body hold key material.

``KalshiAuth`` runs it on every request before signing, so it covers the generated functions,
``ApiKeysApi``, both async transports and the CLI alike. A private key given where a public key
or a key ID goes (a swapped variable, a wrong file) is refused here, before any byte is sent;
the signature headers are not yet set (and are skipped on a retry's re-signing).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

import httpx2

from ._errors import InvalidRequestError
from ._redact import PRIVATE_DER, holds_key_material, shown

__all__ = ["check_outgoing"]

#: What only a private key holds: its PEM or OpenSSH armour (a public key's PEM says PUBLIC
#: KEY), or the start of its DER in base64.
_PRIVATE = (b"PRIVATE KEY" + b"-----", b"PRIVATE KEY\\n", b"OPENSSH PRIVATE", *PRIVATE_DER)
#: In a header value: PEM armour or line breaks (long base64 tokens are legitimate there, and
#: our own signature headers never hold either).
_HEADER_MARKERS = re.compile(rb"-----BEGIN|PRIVATE KEY|\\n|[\r\n]")
#: Paths already judged harmless (Kalshi's few operation paths, key IDs): a call's path is
#: judged once, not on every call. Bounded, as DELETE paths carry key IDs.
_HARMLESS_PATHS: dict[bytes, bool] = {}


def check_outgoing(request: httpx2.Request) -> None:
    """Raise :class:`InvalidRequestError` if ``request`` would carry private-key material."""
    raw = request.url.raw_path
    if raw not in _HARMLESS_PATHS and _path_holds_key_material(raw):
        raise InvalidRequestError(
            f"refusing to send a {request.method} request: its path or query "
            "holds what looks like key material (PEM text, a key's base64 body or a line "
            "break), e.g. a "
            "private key passed as the key ID. Pass the key's ID (a UUID). Nothing was sent. "
            "Not retried."
        )
    headers = request.headers.raw
    if _HEADER_MARKERS.search(b"\0".join(value for _, value in headers)):
        name = next(name for name, value in headers if _HEADER_MARKERS.search(value))
        raise InvalidRequestError(
            f"refusing to send {request.method} {shown(request.url.path)}: header "
            f"{shown(name.decode('latin-1'))} holds PEM text or line breaks, e.g. a private key "
            "pasted into the wrong setting. Nothing was sent. Not retried."
        )
    body = _body(request)
    if body and any(marker in body for marker in _PRIVATE):
        raise InvalidRequestError(
            f"refusing to send {request.method} {shown(request.url.path)}: the body holds a "
            "private key, e.g. a private key given as public_key. Register the public key instead: "
            "`kalshi-keys keygen --out FILE` writes it beside the private key as FILE.pub (or "
            "derive it with `openssl pkey -in FILE -pubout`). Nothing was sent. Not retried."
        )


def _path_holds_key_material(raw: bytes) -> bool:
    decoded = unquote_to_bytes(raw)
    if b"\n" in decoded or b"\r" in decoded:  # PEM's line breaks; no key ID has one
        return True
    if holds_key_material(raw) or holds_key_material(decoded):
        return True
    if len(_HARMLESS_PATHS) >= 256:
        _HARMLESS_PATHS.clear()
    _HARMLESS_PATHS[raw] = True
    return False


def _body(request: httpx2.Request) -> bytes:
    try:
        return request.content
    except httpx2.RequestNotRead:  # a streamed upload: Kalshi's operations never send one
        return b""
