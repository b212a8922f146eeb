"""The one redaction boundary: a user's or the wire's value, shown only if it cannot be a secret.

Every message, repr or log line that mentions a value the user supplied (a path, a key ID, a
name) or the wire delivered goes through :func:`shown`. A plausible path or ID is shown quoted,
as users need it; anything that could be key material (PEM armour, a long base64 run, the
one-line ``\\n`` form, several lines, or simply too long for a path or an ID) is described
instead: its length and why it is not shown. :func:`holds_key_material` is the same judgement
for the tripwire that stops such a value before it leaves the machine.
"""

from __future__ import annotations

import re

__all__ = ["PRIVATE_DER", "holds_key_material", "looks_secret", "scrub", "shown"]

#: Longer than any sane path or key ID: described, never echoed.
MAX_SHOWN = 256
#: A run this long of base64 without its "/" (which paths are full of), mixing upper case,
#: lower case and digits: a key's body. No UUID, file name or path segment looks like it.
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+]{40,}")


def _mixed(run: str) -> bool:
    """Upper case, lower case and digits together: random base64, not a word or a name."""
    return (
        any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and any(c.isdigit() for c in run)
    )


def _base64_body(data: bytes) -> bool:
    return any(_mixed(m.group(0).decode("ascii")) for m in _BASE64_RUN.finditer(data))


_ARMOUR = (b"-----BEGIN", b"-----END", b"PRIVATE KEY", b"OPENSSH PRIVATE")
#: How a private key's DER starts, in base64: Ed25519 and RSA PKCS#8, RSA PKCS#1 (2048, 3072
#: and 4096 bits). Found even where "/" breaks the body into short runs.
PRIVATE_DER = (b"MC4CAQAwBQYDK2Vw", b"AgEAMA0GCSqGSIb3DQEBAQUA", b"IBAAKCAQEA", b"IBAAKCAYEA",
                b"IBAAKCAgEA")  # fmt: skip
_MARKERS = _ARMOUR + PRIVATE_DER


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8", "surrogateescape") if isinstance(value, str) else bytes(value)


def holds_key_material(value: str | bytes) -> bool:
    """Whether ``value`` holds PEM armour, a key's base64 body, or PEM's line breaks (real or
    written as ``\\n``): what no path, query, header or key ID ever needs to carry."""
    data = _as_bytes(value)
    return (
        any(marker in data for marker in _MARKERS)
        or _base64_body(data)
        or (b"\\n" in data and b"-----" in data)
    )


def looks_secret(value: str | bytes) -> bool:
    """Whether ``value`` must be described rather than shown: key material, several lines, a
    control character, or longer than :data:`MAX_SHOWN`."""
    return _why_hidden(value) is not None


def _why_hidden(value: str | bytes) -> str | None:
    data = _as_bytes(value)
    if holds_key_material(data):
        return "that look like key material"
    if len(data) > MAX_SHOWN:
        return "(too long for a path or an ID)"
    if any(byte < 0x20 or byte == 0x7F for byte in data) or b"\\n" in data:
        return "over several lines or with control characters"
    return None


def shown(value: str | bytes | object) -> str:
    """``value`` quoted (``repr``) if it is safe to show, else a description of it.

    The only function that may put a user's or the wire's value into a message.
    """
    if not isinstance(value, str | bytes):
        value = str(value)
    why = _why_hidden(value)
    if why is None:
        return repr(value)
    unit = "characters" if isinstance(value, str) else "bytes"
    return f"<{len(value)} {unit} {why}, not shown>"


_ARMOUR_LINE = re.compile(r"-----(BEGIN|END) [A-Z0-9 ]*-----")
_KEY_RUN = re.compile(r"[A-Za-z0-9+/=]{16,}")
_HIDDEN = "<key material, not shown>"


def scrub(text: str) -> str:
    """``text`` with what looks like key material replaced: the last line of defence in front
    of the terminal, for text no message function built (a parser's error, a server's field).

    Only text that holds key material is touched; in it, PEM armour and every base64-like run
    of 16 or more characters mixing cases and digits (a key's lines, its last short one too).
    """
    if not holds_key_material(text):
        return text
    text = _ARMOUR_LINE.sub(_HIDDEN, text)
    return _KEY_RUN.sub(lambda m: _HIDDEN if _mixed(m.group(0)) else m.group(0), text)
