"""The private-key tripwire (``kalshi_auth._tripwire``): nothing leaves with key material in it.

Real requests against the fake exchange on loopback: each refused one must never reach it.
Unit tests of the judgement itself are in ``test_redact.py``.
"""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi, create_api_key
from kalshi_api_keys_client.models import CreateApiKeyRequest
from kalshi_auth import InvalidRequestError, signed_client

from ..conftest import Exchange, ed25519_private_pem


def test_a_private_key_given_as_public_key_is_never_sent(live: Exchange) -> None:
    """Failed before: the private key was POSTed to the server, which refused it."""
    pem = ed25519_private_pem()
    body = CreateApiKeyRequest(name="oops", public_key=pem)
    with pytest.raises(InvalidRequestError, match=r"FILE\.pub") as err:
        ApiKeysApi(live.client).create_api_key(body)
    with pytest.raises(InvalidRequestError):
        create_api_key.sync(client=live.client, body=body)
    assert live.exchange.requests == []
    assert pem.splitlines()[1] not in str(err.value)


@pytest.mark.parametrize("form", ["pem", "body", "one-line"])
def test_a_private_key_given_as_the_key_to_delete_is_never_sent(live: Exchange, form: str) -> None:
    """Failed before: the key went out in the DELETE's URL path."""
    pem = ed25519_private_pem()
    value = {
        "pem": pem,
        "body": "".join(pem.splitlines()[1:-1]),
        "one-line": pem.strip().replace("\n", "\\n"),
    }[form]
    with pytest.raises(InvalidRequestError, match="Nothing was sent") as err:
        ApiKeysApi(live.client).delete_api_key(quote(value, safe=""))
    assert live.exchange.requests == []
    assert not any(line in str(err.value) for line in pem.splitlines()[1:-1])


def test_a_key_id_with_a_line_break_is_never_sent(live: Exchange) -> None:
    with pytest.raises(InvalidRequestError, match="line break"):
        ApiKeysApi(live.client).delete_api_key("6c0ffee0\nrest")
    assert live.exchange.requests == []


def test_async_calls_meet_the_same_tripwire(live: Exchange) -> None:
    pem = ed25519_private_pem()
    client = signed_client(api_key_id=live.key.api_key_id, private_key_pem=live.pem,
                           base_url=live.base_url)  # fmt: skip

    async def run() -> None:
        async with client:
            api = AsyncApiKeysApi(client)
            with pytest.raises(InvalidRequestError):
                await api.create_api_key(CreateApiKeyRequest(name="x", public_key=pem))

    asyncio.run(run())
    assert live.exchange.requests == []


def test_a_header_holding_pem_text_is_refused(live: Exchange) -> None:
    pem = ed25519_private_pem()
    client = signed_client(api_key_id=live.key.api_key_id, private_key_pem=live.pem,
                           base_url=live.base_url,
                           headers={"X-Note": pem.splitlines()[0]})  # fmt: skip
    with client, pytest.raises(InvalidRequestError, match="X-Note"):
        ApiKeysApi(client).get_api_keys()
    assert live.exchange.requests == []


def test_harmless_requests_still_go_out_exactly_as_signed(live: Exchange) -> None:
    api = ApiKeysApi(live.client)
    public = ed25519.Ed25519PrivateKey.generate().public_key()
    spki = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    created = api.create_api_key(CreateApiKeyRequest(name="ok", public_key=spki))
    api.delete_api_key(created.api_key_id)
    assert [r.status for r in live.exchange.requests] == [201, 204]
