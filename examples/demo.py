"""A walkthrough of the SDK against the bundled fake exchange: no Kalshi account needed.

Run with `make demo`. Everything below is the public API, used as you would against Kalshi;
only the base URL (a fake exchange on 127.0.0.1) differs.
"""

from __future__ import annotations

import asyncio

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_api_keys_client.api.api_keys import (
    create_api_key,
    delete_api_key,
    generate_api_key,
    get_api_keys,
)
from kalshi_api_keys_client.models import (
    CreateApiKeyRequest,
    CreateApiKeyResponse,
    GenerateApiKeyRequest,
    GenerateApiKeyResponse,
    GetApiKeysResponse,
)
from kalshi_auth import AuthenticationError, NotFoundError, signed_client
from kalshi_auth.testing import FakeExchange, serve


def show_keys(title: str, listed: object) -> None:
    assert isinstance(listed, GetApiKeysResponse)
    print(f"{title}:")
    for key in listed.api_keys:
        print(f"  {key.api_key_id}  {key.name:<10} scopes={','.join(key.scopes)}")


def main() -> None:
    exchange = FakeExchange()
    bootstrap = exchange.add_key(name="bootstrap")  # the key you would download from Kalshi
    assert bootstrap.private_key_pem is not None

    with serve(exchange) as running:
        print(f"fake exchange listening at {running.base_url}\n")
        with signed_client(
            api_key_id=bootstrap.api_key_id,
            private_key_pem=bootstrap.private_key_pem,
            base_url=running.base_url,
        ) as client:
            show_keys("1. list (signed with the bootstrap key)", get_api_keys.sync(client=client))

            local = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            public_pem = local.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            body = CreateApiKeyRequest(
                name="bot", public_key=public_pem.decode(), scopes=["read", "write::trade"]
            )
            created = create_api_key.sync(client=client, body=body)
            assert isinstance(created, CreateApiKeyResponse)
            print(f"\n2. create: registered a local public key as {created.api_key_id}")
            print("   (the private key never left this process)")

            generated = generate_api_key.sync(
                client=client, body=GenerateApiKeyRequest(name="generated", scopes=["read"])
            )
            assert isinstance(generated, GenerateApiKeyResponse)
            print(f"\n3. generate: the exchange made {generated.api_key_id} and returned its")
            print("   private key once; store it now, it cannot be fetched again")

            async def list_async() -> object:
                as_generated = signed_client(
                    api_key_id=generated.api_key_id,
                    private_key_pem=generated.private_key,
                    base_url=running.base_url,
                )
                async with as_generated:
                    return await get_api_keys.asyncio(client=as_generated)

            print()
            show_keys(
                "4. list again, async, signed with the generated key", asyncio.run(list_async())
            )

            delete_api_key.sync(generated.api_key_id, client=client)
            print(f"\n5. delete {generated.api_key_id}: done")
            try:
                delete_api_key.sync(generated.api_key_id, client=client)
            except NotFoundError as exc:
                print(f"   deleting it again raises NotFoundError: {exc}")

        with signed_client(
            api_key_id=generated.api_key_id,
            private_key_pem=generated.private_key,
            base_url=running.base_url,
        ) as revoked:
            try:
                get_api_keys.sync(client=revoked)
            except AuthenticationError as exc:
                print(f"\n6. the deleted key no longer authenticates:\n   {exc}")

    print("\ndemo finished")


if __name__ == "__main__":
    main()
