"""Testing your own key-management code with the fixtures kalshi-api-keys installs for pytest.

Nothing to import or configure: installing the package registers the fixtures. `make test`
runs this file, so the example cannot rot.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi
from kalshi_api_keys_client.models import GenerateApiKeyRequest
from kalshi_auth import PermissionDeniedError
from kalshi_auth.testing import RunningExchange


def keep_only_newest(api: ApiKeysApi, name: str) -> str:
    """Code under test: make a fresh key called ``name`` and delete the older ones."""
    fresh = api.generate_api_key(GenerateApiKeyRequest(name=name, key_type="ed25519"))
    for key in api.get_api_keys().api_keys:
        if key.name == name and key.api_key_id != fresh.api_key_id:
            api.delete_api_key(key.api_key_id)
    return fresh.api_key_id


def test_keep_only_newest(kalshi_api: ApiKeysApi, kalshi_exchange: RunningExchange) -> None:
    first = keep_only_newest(kalshi_api, "bot")
    second = keep_only_newest(kalshi_api, "bot")
    names = {k.api_key_id: k.name for k in kalshi_exchange.exchange.keys}
    assert first not in names and names[second] == "bot"
    assert all(r.authenticated for r in kalshi_exchange.exchange.requests)


def test_the_async_api_too(kalshi_async_api: AsyncApiKeysApi) -> None:
    async def count() -> int:
        async with kalshi_async_api.client:  # closes its connections in this event loop
            return len((await kalshi_async_api.get_api_keys()).api_keys)

    assert asyncio.run(count()) == 1  # the bootstrap key


class TestBelowPremier:
    @pytest.fixture
    def kalshi_exchange_options(self) -> dict[str, Any]:
        return {"usage_tier": "basic"}  # passed to FakeExchange(...)

    def test_create_is_refused(self, kalshi_api: ApiKeysApi) -> None:
        from kalshi_api_keys_client.models import CreateApiKeyRequest

        with pytest.raises(PermissionDeniedError):
            kalshi_api.create_api_key(CreateApiKeyRequest(name="x", public_key="unused"))
