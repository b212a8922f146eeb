"""A walkthrough of the SDK against the bundled fake exchange: no Kalshi account needed.

Run with `make demo`. Everything below is the public API, used as you would against Kalshi;
only the base URL (a fake exchange on 127.0.0.1) differs.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from kalshi_api_keys_client.api.api_keys import delete_api_key, get_api_keys
from kalshi_api_keys_client.models import GetApiKeysResponse
from kalshi_auth import AuthenticationError, NotFoundError, make_api_key, signed_client
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

    with serve(exchange) as running, tempfile.TemporaryDirectory() as saved:
        keys = Path(saved)
        print(f"fake exchange listening at {running.base_url}\n")
        with signed_client(
            api_key_id=bootstrap.api_key_id,
            private_key_pem=bootstrap.private_key_pem,
            base_url=running.base_url,
        ) as client:
            show_keys("1. list (signed with the bootstrap key)", get_api_keys.sync(client=client))

            # make_api_key saves each new private key (0600, atomically) and never leaves a
            # key behind that nobody holds, whatever fails part-way.
            created = make_api_key(
                client,
                keys / "bot.pem",
                name="bot",
                how="register",
                scopes=["read", "write::trade"],
            )
            print(f"\n2. create: registered a key pair made here as {created.api_key_id}")
            print(f"   (its private key never left this machine: {created.path.name}, mode 0600)")

            generated = make_api_key(
                client, keys / "generated.pem", name="generated", scopes=["read"]
            )
            print(f"\n3. generate: the exchange made {generated.api_key_id} and returned its")
            print(f"   private key once, saved before anything else: {generated.path.name}")

            async def list_async() -> object:
                as_generated = signed_client(
                    api_key_id=generated.api_key_id,
                    private_key_path=generated.path,
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
            private_key_path=generated.path,
            base_url=running.base_url,
        ) as revoked:
            try:
                get_api_keys.sync(client=revoked)
            except AuthenticationError as exc:
                print(f"\n6. the deleted key no longer authenticates:\n   {exc}")

    print("\ndemo finished")


if __name__ == "__main__":
    main()
