"""The signed clients' send loops: a closed client, before or during a call, raises typed."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi
from kalshi_auth import ClientClosedError, KalshiClient, signed_client

from ..conftest import Exchange


def test_a_call_after_close_raises_client_closed(live: Exchange) -> None:
    ApiKeysApi(live.client).get_api_keys()
    live.client.close()
    with pytest.raises(ClientClosedError) as caught:
        ApiKeysApi(live.client).get_api_keys()
    assert isinstance(caught.value, RuntimeError)  # code that caught httpx2's RuntimeError
    assert not caught.value.may_have_arrived
    assert "the client was closed." in str(caught.value)


def test_an_async_call_after_aclose_raises_client_closed(live: Exchange) -> None:
    async def run() -> None:
        api = AsyncApiKeysApi(live.client)
        await api.get_api_keys()
        await live.client.aclose()
        with pytest.raises(ClientClosedError):
            await api.get_api_keys()

    asyncio.run(run())


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/trade-api/v2"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def _client(base_url: str, pem: bytes) -> KalshiClient:
    return signed_client(api_key_id="k1", private_key_pem=pem, base_url=base_url, timeout=2.0)


def test_closing_during_a_sync_call_raises_client_closed(
    silent_server: str, pkcs1_pem: bytes
) -> None:
    client = _client(silent_server, pkcs1_pem)
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            ApiKeysApi(client).get_api_keys()
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    threading.Event().wait(0.3)
    client.close()
    thread.join(10)
    (error,) = outcome
    assert isinstance(error, ClientClosedError), repr(error)
    assert error.may_have_arrived and "while this call ran" in str(error)


def test_closing_during_an_async_call_raises_client_closed(
    silent_server: str, pkcs1_pem: bytes
) -> None:
    client = _client(silent_server, pkcs1_pem)

    async def run() -> BaseException:
        task = asyncio.create_task(AsyncApiKeysApi(client).get_api_keys())
        await asyncio.sleep(0.3)
        await client.aclose()
        try:
            await task
        except BaseException as exc:
            return exc
        raise AssertionError("the call returned")

    error = asyncio.run(run())
    assert isinstance(error, ClientClosedError), repr(error)
    assert error.may_have_arrived


def test_a_hook_that_reads_a_stream_does_not_keep_its_slot(
    live: Exchange, pkcs1_pem: bytes
) -> None:
    """Failed before: after ``max_connections`` such calls every call timed out in the pool."""
    import httpx2

    def read_body(response: httpx2.Response) -> None:
        response.read()

    client = signed_client(
        api_key_id=live.key.api_key_id,
        private_key_pem=pkcs1_pem,
        base_url=live.base_url,
        timeout=httpx2.Timeout(5.0, pool=0.5),
        httpx_args={
            "limits": httpx2.Limits(max_connections=1),
            "event_hooks": {"response": [read_body]},
        },
    )
    with client:
        for _ in range(3):
            with client.get_httpx_client().stream("GET", "/api_keys") as response:
                assert response.status_code == 200


@pytest.mark.own_transport
@pytest.mark.parametrize("variant", ["sync", "async"])
def test_a_request_is_signed_when_it_is_sent_not_while_it_waits(
    slow: tuple[Any, str, bytes], variant: str
) -> None:
    """On httpx2's own transport a request is signed as its headers are written: one that
    waited 0.4 s for the only connection carries a timestamp from after the wait (so no
    admission limit is needed to keep timestamps fresh)."""
    import httpx2

    exchange, base_url, pem = slow
    key_id = exchange.keys[0].api_key_id
    client = signed_client(
        api_key_id=key_id,
        private_key_pem=pem,
        base_url=base_url,
        httpx_args={"limits": httpx2.Limits(max_connections=1)},
    )
    with client:
        assert client.get_httpx_client()._sign_when_sent  # type: ignore[attr-defined]
        if variant == "sync":
            threads = [threading.Thread(target=ApiKeysApi(client).get_api_keys) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:

            async def both() -> None:
                api = AsyncApiKeysApi(client)
                await asyncio.gather(api.get_api_keys(), api.get_api_keys())

            asyncio.run(both())
    first, second = sorted(r.timestamp_ms or 0 for r in exchange.requests)
    assert all(r.authenticated for r in exchange.requests)
    assert second - first >= 350  # signed after the first answer, not when it was made
