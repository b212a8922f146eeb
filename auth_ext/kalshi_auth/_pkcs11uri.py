"""RFC 7512 ``pkcs11:`` URIs: which token object a key is, and how to reach it (no PKCS#11 here).

``pkcs11:token=kalshi;object=bot-1;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin``

Path attributes (``;``-separated) name the object; query attributes (``&``-separated) say how
to reach it. Values are percent-encoded. An attribute this SDK does not know is refused rather
than ignored: ignoring one could select a different key than the one meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import unquote_to_bytes

from ._errors import KeyLoadError
from ._redact import shown

__all__ = ["Pkcs11Uri", "is_pkcs11_uri", "parse_pkcs11_uri"]

SCHEME = "pkcs11:"
PATH_ATTRIBUTES = frozenset(
    {"token", "object", "id", "type", "serial", "manufacturer", "model", "slot-id"}
)
QUERY_ATTRIBUTES = frozenset({"module-path", "pin-source", "pin-value"})
OBJECT_TYPES = frozenset({"private", "public"})
_NAME = re.compile(r"[a-z][a-z0-9-]*")


def is_pkcs11_uri(text: object) -> bool:
    """Whether ``text`` is meant as a PKCS#11 URI (its scheme, in any case)."""
    return isinstance(text, str) and text[: len(SCHEME)].lower() == SCHEME


@dataclass(frozen=True)
class Pkcs11Uri:
    """A parsed ``pkcs11:`` URI. The PIN, if the URI holds one, is never in repr or messages."""

    token: str | None = None
    object: str | None = None
    id: bytes | None = None
    type: str | None = None
    serial: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    slot_id: int | None = None
    module_path: str | None = None
    pin_source: str | None = None
    pin_value: str | None = field(default=None, repr=False)

    def described(self) -> str:
        """The key in words for messages: the token and the object, each through ``shown``."""
        parts = [f"token {shown(self.token)}" if self.token is not None else "the first token"]
        if self.object is not None:
            parts.append(f"object {shown(self.object)}")
        if self.id is not None:
            parts.append(f"id {self.id.hex()}")
        return ", ".join(parts)

    def with_object(self, label: str, key_id: bytes | None = None) -> Pkcs11Uri:
        """The same URI naming another object (a key just made in the token)."""
        return replace(self, object=label, id=key_id, type=None)

    def text(self, *, with_pin: bool = False) -> str:
        """The URI again (without ``pin-value`` unless asked), percent-encoding what needs it."""
        slot = None if self.slot_id is None else str(self.slot_id).encode()
        path = [(name, value) for name, value in (
            ("token", _utf8(self.token)), ("object", _utf8(self.object)), ("id", self.id),
            ("type", _utf8(self.type)), ("serial", _utf8(self.serial)),
            ("manufacturer", _utf8(self.manufacturer)), ("model", _utf8(self.model)),
            ("slot-id", slot),
        ) if value is not None]  # fmt: skip
        encoded = [
            f"{name}={''.join(f'%{b:02x}' for b in value) if name == 'id' else _encode(value)}"
            for name, value in path
        ]
        query = [(n, v) for n, v in (("module-path", self.module_path),
                                     ("pin-source", self.pin_source)) if v is not None]  # fmt: skip
        if with_pin and self.pin_value is not None:
            query.append(("pin-value", self.pin_value))
        tail = "&".join(f"{n}={_encode(v.encode(), keep='/:')}" for n, v in query)
        return SCHEME + ";".join(encoded) + (f"?{tail}" if tail else "")


def _utf8(value: str | None) -> bytes | None:
    return None if value is None else value.encode()


_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _encode(value: bytes, keep: str = "") -> str:
    allowed = _UNRESERVED | frozenset(keep.encode())
    return "".join(chr(b) if b in allowed else f"%{b:02X}" for b in value)


def _bad(why: str) -> KeyLoadError:
    return KeyLoadError.of("pkcs11_bad_uri", why=why)


def _decoded(name: str, raw: str) -> bytes:
    if re.search(r"%(?![0-9A-Fa-f]{2})", raw):
        raise _bad(f"the value of {name!r} has a '%' that is not followed by two hex digits")
    return unquote_to_bytes(raw)


def _pairs(part: str, separator: str, known: frozenset[str], where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in filter(None, part.split(separator)):
        name, equals, raw = item.partition("=")
        if not equals or not _NAME.fullmatch(name):
            raise _bad(f"each {where} attribute is name=value, separated by {separator!r}")
        if name not in known and not name.startswith("x-"):
            raise _bad(
                f"unknown {where} attribute {shown(name)} (known: {', '.join(sorted(known))})"
            )
        if name in found:
            raise _bad(f"the {where} attribute {name!r} is given twice")
        value = _decoded(name, raw)
        if name != "id":
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                raise _bad(f"the value of {name!r} is not UTF-8") from None
        found[name] = value.decode("latin-1") if name == "id" else value.decode("utf-8")
    return found


def parse_pkcs11_uri(text: str) -> Pkcs11Uri:
    """``text`` as a :class:`Pkcs11Uri`, or a KeyLoadError (reason ``pkcs11_bad_uri``) saying
    what to fix. The message never repeats the URI, which may hold a PIN."""
    if not is_pkcs11_uri(text):
        raise _bad("it does not start with 'pkcs11:'")
    body = text[len(SCHEME) :].strip()
    path, _, query = body.partition("?")
    attributes = _pairs(path, ";", PATH_ATTRIBUTES, "path")
    options = _pairs(query, "&", QUERY_ATTRIBUTES, "query")
    if "pin-value" in options and "pin-source" in options:
        raise _bad("give the PIN once: pin-value or pin-source, not both")
    kind = attributes.get("type")
    if kind is not None and kind not in OBJECT_TYPES:
        raise _bad(f"type must be private or public, not {shown(kind)}")
    slot = attributes.get("slot-id")
    if slot is not None and not slot.isdigit():
        raise _bad("slot-id must be a decimal number")
    key_id = attributes.get("id")
    return Pkcs11Uri(
        token=attributes.get("token"),
        object=attributes.get("object"),
        id=None if key_id is None else key_id.encode("latin-1"),
        type=kind,
        serial=attributes.get("serial"),
        manufacturer=attributes.get("manufacturer"),
        model=attributes.get("model"),
        slot_id=None if slot is None else int(slot),
        module_path=options.get("module-path"),
        pin_source=options.get("pin-source"),
        pin_value=options.get("pin-value"),
    )
