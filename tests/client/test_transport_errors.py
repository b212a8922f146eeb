"""Typed transport errors quote no byte received and chain no request (so no signature).

Real sockets on loopback, on both async transports and sync; the error mapping itself is in
``_outcome`` (unit-tested in ``test_outcome.py``) and ``_aiohttp``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from kalshi_api_keys_client.api.api_keys import (
    ApiKeysApi,
    AsyncApiKeysApi,
)
from kalshi_auth import (
    KalshiConnectionError,
    KalshiError,
    ResponseFormatError,
    RetryPolicy,
    signed_client,
)

from ..conftest import BASE, Exchange, ed25519_pem

LEAKED = (
    ed25519.Ed25519PrivateKey.generate()
    .private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    .decode()
)
BODY_LINE = LEAKED.splitlines()[1]


@pytest.fixture
def short_length_server() -> Iterator[str]:
    """Answers each request with a Content-Length shorter than the body it sends: the rest,
    holding a private key's lines, is read as the next answer's status line."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                try:
                    while conn.recv(65536):
                        body = b'{"api_keys": []}'
                        rest = f'\r\n"private_key": "{LEAKED}"\r\n'.encode()
                        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        head += f"Content-Length: {len(body)}\r\n\r\n"
                        conn.sendall(head.encode() + body + rest)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/trade-api/v2"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def assert_clean(error: KalshiError) -> None:
    links = chain(error)
    text = " ".join(f"{e!s} {e!r}" for e in links)
    assert BODY_LINE not in text and "PRIVATE KEY" not in text
    assert links == [error], f"chains {[type(e).__name__ for e in links[1:]]}"


def test_bytes_read_as_a_status_line_are_never_quoted_sync(
    short_length_server: str, live: Exchange
) -> None:
    """Failed before: the message quoted 25 of 25 lines of the key received."""
    client = signed_client(api_key_id=live.key.api_key_id, private_key_pem=live.pem,
                           base_url=short_length_server,
                           retry=RetryPolicy(max_retries=0))  # fmt: skip
    with client:
        api = ApiKeysApi(client)
        api.get_api_keys()
        with pytest.raises(KalshiConnectionError) as err:
            api.get_api_keys()
    assert_clean(err.value)
    assert err.value.may_have_arrived


def test_bytes_read_as_a_status_line_are_never_quoted_async(
    short_length_server: str, live: Exchange
) -> None:
    client = signed_client(api_key_id=live.key.api_key_id, private_key_pem=live.pem,
                           base_url=short_length_server,
                           retry=RetryPolicy(max_retries=0))  # fmt: skip

    async def run() -> KalshiError:
        async with client:
            api = AsyncApiKeysApi(client)
            for _ in range(2):  # aiohttp notices the stray bytes already on the first call
                try:
                    await api.get_api_keys()
                except KalshiError as exc:
                    return exc
        raise AssertionError("both calls succeeded")

    assert_clean(asyncio.run(run()))


def test_a_refused_connection_chains_nothing_and_says_nothing_arrived(live: Exchange) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = signed_client(api_key_id=live.key.api_key_id, private_key_pem=live.pem,
                           base_url=f"http://127.0.0.1:{port}/trade-api/v2",
                           retry=RetryPolicy(max_retries=0))  # fmt: skip
    with client, pytest.raises(KalshiConnectionError) as err:
        ApiKeysApi(client).get_api_keys()
    assert_clean(err.value)
    assert not err.value.may_have_arrived


def test_https_to_a_plain_http_port_says_so_instead_of_an_openssl_code(live: Exchange) -> None:
    """Failed before: the message was ssl's own '[SSL: WRONG_VERSION_NUMBER] wrong version
    number', which names neither the cause nor the fix."""
    https = live.base_url.replace("http://", "https://", 1)
    client = signed_client(api_key_id=live.key.api_key_id, private_key_pem=live.pem,
                           base_url=https, retry=RetryPolicy(max_retries=0))  # fmt: skip
    with client, pytest.raises(KalshiConnectionError) as err:
        ApiKeysApi(client).get_api_keys()
    assert "does not speak https on that port" in str(err.value)
    assert "use http:// in base_url" in str(err.value)
    assert_clean(err.value)


@pytest.mark.parametrize(
    ("headers", "body", "error"),
    [
        ({"Content-Encoding": "gzip"}, b"not gzip at all", ResponseFormatError),
        ({"Content-Type": "text/html"}, b"<html>login</html>", ResponseFormatError),
        ({"Content-Type": "application/json"}, b'{"api_keys": []}', None),
        ({"Content-Type": "application/json"}, b'{"api_k', ResponseFormatError),
    ],
    ids=["bad-gzip", "captive-portal", "fine", "cut-off"],
)
def test_unreadable_success_bodies_are_typed(
    headers: dict[str, str], body: bytes, error: type[KalshiError] | None
) -> None:
    """Failed before: bad gzip, an HTML page or a cut-off body on a 2xx escaped as a bare httpx or
    json exception."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers=headers, stream=httpx2.ByteStream(body))

    client = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE,
        httpx_args={"transport": httpx2.MockTransport(answer)},
    )  # fmt: skip
    if error is None:
        assert ApiKeysApi(client).get_api_keys().api_keys == []
        return
    with pytest.raises(error):
        ApiKeysApi(client).get_api_keys()


def test_connection_messages_carry_no_query(live: Exchange) -> None:
    """Failed before: a connection error's message quoted the URL with its query."""
    with signed_client(
        api_key_id=live.key.api_key_id, private_key_pem=live.pem,
        base_url="http://127.0.0.1:9/trade-api/v2", retry=RetryPolicy(max_retries=0),
    ) as client, pytest.raises(KalshiConnectionError) as err:  # fmt: skip
        ApiKeysApi(client).get_api_keys(fcm_subtrader_id="u1_queryvalue")
    assert "queryvalue" not in str(err.value) and "/trade-api/v2/api_keys" in str(err.value)
