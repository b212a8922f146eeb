"""Hand-written layer over the generated Kalshi API-keys client: signing, keys, errors."""

from __future__ import annotations

__all__: list[str] = []
