"""Reaching a PKCS#11 token: its module (once per process), the token, the user PIN, a session.

The ``pkcs11`` package (the ``pkcs11`` extra) is imported only here and only when called.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from ._credentials import AskPin
from ._errors import ConfigurationError, KeyLoadError
from ._pkcs11uri import Pkcs11Uri
from ._redact import shown

__all__ = [
    "ENV_MODULE",
    "ENV_PIN",
    "find_token",
    "load_module",
    "pkcs11_library",
    "user_pin",
    "user_session",
]

ENV_MODULE = "KALSHI_PKCS11_MODULE"
ENV_PIN = "KALSHI_PKCS11_PIN"
PIN_FILE_LIMIT = 4096

_libraries: dict[str, Any] = {}
_libraries_lock = threading.Lock()


def pkcs11_library() -> Any:
    """The ``pkcs11`` package, or a ConfigurationError saying how to install it."""
    try:
        import pkcs11
    except ImportError:
        raise ConfigurationError(
            "a pkcs11: key needs the pkcs11 extra: pip install 'kalshi-api-keys[pkcs11]'"
        ) from None
    return pkcs11


def load_module(uri: Pkcs11Uri, environ: Mapping[str, str]) -> Any:
    """The loaded PKCS#11 module (once per path per process, as PKCS#11 requires)."""
    pkcs11 = pkcs11_library()
    path = uri.module_path or environ.get(ENV_MODULE) or None
    if path is None:
        raise KeyLoadError.of("pkcs11_no_module", key=uri.described())
    with _libraries_lock:
        if path not in _libraries:
            if not os.path.isfile(path):
                raise KeyLoadError.of("pkcs11_module_unreachable", module=shown(path),
                                      why="no such file")  # fmt: skip
            try:
                _libraries[path] = pkcs11.lib(path)
            except pkcs11.PKCS11Error as exc:
                raise KeyLoadError.of("pkcs11_module_unreachable", module=shown(path),
                                      why=type(exc).__name__) from None  # fmt: skip
        return _libraries[path]


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).rstrip(" \x00")


def find_token(library: Any, uri: Pkcs11Uri) -> Any:
    """The token ``uri`` names. A slot whose token cannot be read (one removed since the module
    first listed its slots, as SoftHSM2 and unplugged devices leave them) is passed over: it
    must not make every other token unreachable too."""
    unreadable = pkcs11_library().PKCS11Error
    wanted = {"label": uri.token, "serial": uri.serial, "manufacturer_id": uri.manufacturer,
              "model": uri.model}  # fmt: skip
    for slot in library.get_slots(token_present=True):
        if uri.slot_id is not None and slot.slot_id != uri.slot_id:
            continue
        try:
            token = slot.get_token()
        except unreadable:
            continue
        if all(v is None or _text(getattr(token, k, "")) == v for k, v in wanted.items()):
            return token
    raise KeyLoadError.of("pkcs11_token_missing", key=uri.described())


def user_pin(uri: Pkcs11Uri, environ: Mapping[str, str], ask_pin: AskPin | None) -> str | None:
    if uri.pin_value is not None:
        return uri.pin_value
    if uri.pin_source is not None:
        path = uri.pin_source.removeprefix("file://").removeprefix("file:")
        try:
            with open(path, "rb") as handle:
                data = handle.read(PIN_FILE_LIMIT + 1)
        except OSError as exc:
            why = f"its pin-source {shown(path)} cannot be read ({exc.strerror or 'error'})"
            raise KeyLoadError.of("pkcs11_bad_uri", why=why) from None
        if len(data) > PIN_FILE_LIMIT:
            raise KeyLoadError.of("pkcs11_bad_uri", why="its pin-source is not a PIN file")
        return data.decode("utf-8", "replace").rstrip("\r\n")
    if environ.get(ENV_PIN):
        return environ[ENV_PIN]
    return ask_pin() if ask_pin is not None else None


def user_session(token: Any, uri: Pkcs11Uri, pin: str | None, *, rw: bool = False) -> Any:
    """A session logged in as the user. PKCS#11 logs a whole application in at once, so a
    second key on a token this process already logged in to opens without logging in again."""
    pkcs11 = pkcs11_library()
    exceptions = pkcs11.exceptions
    login_required = bool(token.flags & pkcs11.TokenFlag.LOGIN_REQUIRED)
    if login_required and pin is None:
        raise KeyLoadError.of("pkcs11_pin_required", key=uri.described())
    try:
        return token.open(user_pin=pin if login_required else None, rw=rw)
    except exceptions.UserAlreadyLoggedIn:
        return token.open(rw=rw)
    except (exceptions.PinIncorrect, exceptions.PinInvalid, exceptions.PinLenRange):
        raise KeyLoadError.of("pkcs11_pin_incorrect", key=uri.described()) from None
    except exceptions.PinLocked:
        raise KeyLoadError.of("pkcs11_pin_locked", key=uri.described()) from None
    except exceptions.PKCS11Error as exc:
        raise KeyLoadError.of(
            "pkcs11_failed", key=uri.described(), why=type(exc).__name__
        ) from None
