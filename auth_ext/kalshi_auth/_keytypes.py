"""The key types and RSA sizes this SDK makes, as plain constants: the CLI parser stays light."""

from __future__ import annotations

from typing import Literal

__all__ = ["KEY_SIZES", "KEY_TYPES", "KeyType"]

#: The two key types Kalshi accepts (its ``ApiKeyType``): RSA-PSS and pure Ed25519.
KeyType = Literal["rsa", "ed25519"]

KEY_SIZES = (2048, 3072, 4096)
KEY_TYPES: tuple[KeyType, ...] = ("rsa", "ed25519")
