"""The private-key tripwire: no request leaves whose path, query, headers or body hold key material.

``KalshiAuth`` runs it on every request before signing, so it covers the generated functions,
``ApiKeysApi``, both async transports and the CLI alike. A private key given where a public key
or a key ID goes (a swapped variable, a wrong file) is refused here, before any byte is sent;
the signature headers are not yet set (and are skipped on a retry's re-signing).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

import httpx

from ._errors import InvalidRequestError
from ._redact import PRIVATE_DER, holds_key_material, shown
from ._signer import ACCESS_KEY_HEADER, ACCESS_SIGNATURE_HEADER, ACCESS_TIMESTAMP_HEADER

__all__ = ["check_outgoing"]

_OURS = frozenset(
    name.lower() for name in (ACCESS_KEY_HEADER, ACCESS_SIGNATURE_HEADER, ACCESS_TIMESTAMP_HEADER)
)
#: What only a private key's PEM or OpenSSH file holds (a public key's PEM says PUBLIC KEY).
_PRIVATE_ARMOUR = (b"PRIVATE KEY-----", b"PRIVATE KEY\\n", b"OPENSSH PRIVATE")
#: In a header value: PEM armour or line breaks (long base64 tokens are legitimate there).
_HEADER_MARKERS = (b"-----BEGIN", b"PRIVATE KEY", b"\\n", b"\n", b"\r")


def check_outgoing(request: httpx.Request) -> None:
    """Raise :class:`InvalidRequestError` if ``request`` would carry private-key material."""
    raw = request.url.raw_path
    if holds_key_material(raw) or holds_key_material(unquote_to_bytes(raw)):
        raise InvalidRequestError(
            f"refusing to send a {request.method} request: its path or query "
            "holds what looks like key material (PEM text or a key's base64 body), e.g. a "
            "private key passed as the key ID. Pass the key's ID (a UUID). Nothing was sent. "
            "Not retried."
        )
    for name, value in request.headers.raw:
        if name.decode("latin-1").lower() in _OURS:
            continue
        if any(marker in value for marker in _HEADER_MARKERS):
            raise InvalidRequestError(
                f"refusing to send {request.method} {shown(request.url.path)}: header "
                f"{name.decode('latin-1')} holds PEM text or line breaks, e.g. a private key "
                "pasted into the wrong setting. Nothing was sent. Not retried."
            )
    body = _body(request)
    if any(marker in body for marker in _PRIVATE_ARMOUR + PRIVATE_DER):
        raise InvalidRequestError(
            f"refusing to send {request.method} {shown(request.url.path)}: the body holds a "
            "private key, e.g. a private key given as public_key. Register the public key instead: "
            "`kalshi-keys keygen --out FILE` writes it beside the private key as FILE.pub (or "
            "derive it with `openssl pkey -in FILE -pubout`). Nothing was sent. Not retried."
        )


def _body(request: httpx.Request) -> bytes:
    try:
        return request.content
    except httpx.RequestNotRead:  # a streamed upload: Kalshi's operations never send one
        return b""
