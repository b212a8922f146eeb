"""Both async transports keep every guarantee: the admission limit of the pool really used,
typed errors that say whether a request may have arrived (so a POST is never repeated after
it may have reached Kalshi), timeouts, exact signed paths; and aiohttp stays optional."""

from __future__ import annotations

import asyncio
import importlib.metadata
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from kalshi_api_keys_client.api.api_keys import AsyncApiKeysApi
from kalshi_api_keys_client.models import GenerateApiKeyRequest
from kalshi_auth import (
    ConfigurationError,
    KalshiConnectionError,
    KalshiTimeoutError,
    NotFoundError,
    RetryPolicy,
    signed_client,
)
from kalshi_auth.testing import FakeExchange

from ..conftest import Exchange, SlowExchange

TRANSPORTS = pytest.mark.parametrize("transport", ["httpx", "aiohttp"])


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _client(base_url: str, transport: str, sleeps: Sleeps, **kwargs: Any) -> Any:
    key = FakeExchange().add_key()  # any key: these servers never check signatures
    assert key.private_key_pem is not None
    return signed_client(
        api_key_id=key.api_key_id, private_key_pem=key.private_key_pem, base_url=base_url,
        retry=RetryPolicy(max_retries=2, async_sleep=sleeps, uniform=lambda: 1.0),
        async_transport=transport, **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip


class RawServer:
    """A TCP server on 127.0.0.1 that answers each connection with ``reply(request_bytes)``
    (None: hang up without a word) and counts the requests it read."""

    def __init__(self, reply: Callable[[bytes], bytes | None]) -> None:
        self.requests = 0
        self._reply = reply
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/trade-api/v2"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                if not data:
                    continue
                self.requests += 1
                answer = self._reply(data)
                if answer is not None:
                    conn.sendall(answer)

    def close(self) -> None:
        self._sock.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[bytes], bytes | None]], RawServer]]:
    made: list[RawServer] = []

    def make(reply: Callable[[bytes], bytes | None]) -> RawServer:
        made.append(RawServer(reply))
        return made[-1]

    yield make
    for server in made:
        server.close()


def _generate(client: Any) -> Any:
    async def call() -> Any:
        async with client:
            return await AsyncApiKeysApi(client).generate_api_key(GenerateApiKeyRequest(name="x"))

    return asyncio.run(call())


def _list(client: Any) -> Any:
    async def call() -> Any:
        async with client:
            return await AsyncApiKeysApi(client).get_api_keys()

    return asyncio.run(call())


@TRANSPORTS
def test_a_post_whose_connection_dropped_is_never_repeated(
    transport: str, raw_server: Callable[..., RawServer]
) -> None:
    server = raw_server(lambda request: None)  # reads the request, then hangs up
    sleeps = Sleeps()
    with pytest.raises(KalshiConnectionError):
        _generate(_client(server.base_url, transport, sleeps))
    assert server.requests == 1 and sleeps == []  # it may have arrived: no second key


@TRANSPORTS
def test_a_get_whose_connection_dropped_is_retried(
    transport: str, raw_server: Callable[..., RawServer]
) -> None:
    server = raw_server(lambda request: None)
    sleeps = Sleeps()
    with pytest.raises(KalshiConnectionError):
        _list(_client(server.base_url, transport, sleeps))
    assert server.requests == 3 and sleeps == [0.5, 1.0]


@TRANSPORTS
def test_a_post_that_could_not_connect_is_retried(transport: str) -> None:
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(KalshiConnectionError, match="failed before a response"):
        _generate(_client(f"http://127.0.0.1:{port}/trade-api/v2", transport, sleeps))
    assert sleeps == [0.5, 1.0]  # nothing was sent: safe to repeat, POST included


@TRANSPORTS
def test_a_malformed_answer_is_a_typed_error(
    transport: str, raw_server: Callable[..., RawServer]
) -> None:
    server = raw_server(lambda request: b"this is not HTTP\r\n\r\n")
    with pytest.raises(KalshiConnectionError) as err:
        _generate(_client(server.base_url, transport, Sleeps()))
    assert server.requests == 1
    # Named, not chained: an httpx2 error holds the request, signature included (see
    # test_transport_errors.py); the fact that matters rides on the error as a field.
    assert "RemoteProtocolError" in str(err.value) and err.value.__cause__ is None
    assert err.value.may_have_arrived


@TRANSPORTS
def test_a_cut_off_body_is_a_typed_error_and_not_repeated(
    transport: str, raw_server: Callable[..., RawServer]
) -> None:
    cut = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
    server = raw_server(lambda request: cut)
    with pytest.raises(KalshiConnectionError):
        _generate(_client(server.base_url, transport, Sleeps()))
    assert server.requests == 1


@TRANSPORTS
def test_a_silent_server_times_out_within_the_read_timeout(
    transport: str, raw_server: Callable[..., RawServer]
) -> None:
    hold = threading.Event()

    def silent(request: bytes) -> None:
        hold.wait(10)

    server = raw_server(silent)
    client = _client(server.base_url, transport, Sleeps(), timeout=httpx2.Timeout(10, read=0.3))
    started = time.monotonic()
    try:
        with pytest.raises(KalshiTimeoutError, match="timed out"):
            _generate(client)
    finally:
        hold.set()
    assert time.monotonic() - started < 5


@TRANSPORTS
def test_the_path_is_sent_exactly_as_signed(transport: str, live: Exchange) -> None:
    client = signed_client(
        api_key_id=live.key.api_key_id, private_key_pem=live.pem, base_url=live.base_url,
        async_transport=transport,  # type: ignore[arg-type]
    )  # fmt: skip

    async def delete() -> None:
        async with client:
            await AsyncApiKeysApi(client).delete_api_key("a~b c%7E/%2F..")

    with pytest.raises(NotFoundError):  # not a signature 401: the server saw the signed path
        asyncio.run(delete())
    (request,) = live.exchange.requests
    assert request.authenticated and request.path.endswith("/a~b%20c%257E%2F%252F..")


def _limited(slow: tuple[SlowExchange, str, bytes], transport: str, pool: float) -> Any:
    exchange, base_url, pem = slow
    return signed_client(
        api_key_id=exchange.keys[0].api_key_id, private_key_pem=pem, base_url=base_url,
        timeout=httpx2.Timeout(10.0, pool=pool), retry=RetryPolicy(max_retries=0),
        httpx_args={"limits": httpx2.Limits(max_connections=2)},
        async_transport=transport,  # type: ignore[arg-type]
    )  # fmt: skip


@TRANSPORTS
def test_async_calls_are_signed_only_once_the_pool_has_room(
    transport: str, slow: tuple[SlowExchange, str, bytes]
) -> None:
    client = _limited(slow, transport, pool=10.0)

    async def flood() -> None:
        async with client:
            api = AsyncApiKeysApi(client)
            await asyncio.gather(*(api.get_api_keys() for _ in range(6)))

    asyncio.run(flood())
    exchange = slow[0]
    assert exchange.most_busy == 2
    stamps = sorted(r.timestamp_ms or 0 for r in exchange.requests)
    assert len(stamps) == 6 and all(r.authenticated for r in exchange.requests)
    # Two at a time, 0.4 s each: each pair was signed only when the previous one was done.
    assert stamps[2] - stamps[0] >= 350 and stamps[4] - stamps[2] >= 350


@TRANSPORTS
def test_async_waits_for_the_pool_honour_the_pool_timeout(
    transport: str, slow: tuple[SlowExchange, str, bytes]
) -> None:
    client = _limited(slow, transport, pool=0.1)

    async def crowd() -> list[object]:
        async with client:
            api = AsyncApiKeysApi(client)
            return await asyncio.gather(
                *(api.get_api_keys() for _ in range(3)), return_exceptions=True
            )

    results = asyncio.run(crowd())
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1 and isinstance(failures[0], KalshiTimeoutError)
    assert "free connection" in str(failures[0])
    assert len(slow[0].requests) == 2  # the third was never signed nor sent


@TRANSPORTS
def test_an_async_streamed_response_holds_its_slot(
    transport: str, slow: tuple[SlowExchange, str, bytes]
) -> None:
    client = _limited(slow, transport, pool=0.2)

    async def stream() -> None:
        async with client:
            http = client.get_async_httpx_client()
            async with http.stream("GET", "/api_keys") as one, http.stream("GET", "/api_keys"):
                assert one.status_code == 200
                with pytest.raises(KalshiTimeoutError):
                    await http.get("/api_keys")
            assert (await http.get("/api_keys")).status_code == 200

    asyncio.run(stream())


@pytest.mark.own_transport  # always aiohttp
def test_one_aiohttp_client_serves_one_event_loop_after_another(live: Exchange) -> None:
    client = signed_client(
        api_key_id=live.key.api_key_id, private_key_pem=live.pem, base_url=live.base_url,
        async_transport="aiohttp",
    )  # fmt: skip
    api = AsyncApiKeysApi(client)
    for _ in range(3):
        assert len(asyncio.run(api.get_api_keys()).api_keys) == 1
    client.close()
    assert len(live.exchange.requests) == 3


@pytest.mark.parametrize(
    ("httpx_args", "says"),
    [
        ({"proxy": "http://127.0.0.1:1"}, "proxy"),
        ({"http2": True}, "http2"),
        ({"transport": httpx2.AsyncHTTPTransport()}, "transport"),
    ],
)
def test_settings_aiohttp_would_ignore_are_refused(httpx_args: dict[str, Any], says: str) -> None:
    with pytest.raises(ConfigurationError, match=f"httpx_args {says} configure"):
        signed_client(
            api_key_id="k", private_key_pem=_pem(), base_url="http://127.0.0.1:1",
            httpx_args=httpx_args, async_transport="aiohttp",
        )  # fmt: skip


def test_an_unknown_async_transport_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="'httpx' or 'aiohttp', not 'trio'"):
        signed_client(
            api_key_id="k", private_key_pem=_pem(), base_url="http://127.0.0.1:1",
            async_transport="trio",  # type: ignore[arg-type]
        )  # fmt: skip


def _pem() -> bytes:
    key = FakeExchange().add_key(key_type="ed25519")
    assert key.private_key_pem is not None
    return key.private_key_pem


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


def test_an_aiohttp_that_resends_by_itself_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "3.10.11" if name == "aiohttp" else real(name)
    )
    with pytest.raises(ConfigurationError, match=r"aiohttp >= 3.11, not 3.10.11"):
        signed_client(
            api_key_id="k", private_key_pem=_pem(), base_url="http://127.0.0.1:1",
            async_transport="aiohttp",
        )  # fmt: skip


def test_aiohttp_is_never_imported_unless_asked_for() -> None:
    done = _run("""
        import asyncio, sys
        from kalshi_api_keys_client.api.api_keys import AsyncApiKeysApi
        from kalshi_auth import signed_client
        from kalshi_auth.testing import FakeExchange, serve
        exchange = FakeExchange()
        key = exchange.add_key()
        with serve(exchange) as running:
            client = signed_client(api_key_id=key.api_key_id, private_key_pem=key.private_key_pem,
                                   base_url=running.base_url)
            async def call():
                async with client:
                    return await AsyncApiKeysApi(client).get_api_keys()
            asyncio.run(call())
        print(sorted(m for m in sys.modules if m.split(".")[0] in {"aiohttp", "yarl"}))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_the_extra_asking_for_aiohttp_says_what_to_install() -> None:
    done = _run("""
        import sys
        sys.modules["aiohttp"] = None  # as if the extra were not installed
        from kalshi_auth import ConfigurationError, signed_client
        try:
            signed_client(api_key_id="k", private_key_pem="x", base_url="http://127.0.0.1:1",
                          async_transport="aiohttp")
        except ConfigurationError as exc:
            print(exc)
    """)
    assert done.returncode == 0, done.stderr
    assert "pip install 'kalshi-api-keys[aiohttp]'" in done.stdout
