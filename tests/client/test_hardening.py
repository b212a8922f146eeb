"""The SDK's hardening: key IDs, honest retries, typed failures, pickling, settings, limiter,
standalone auth, rewriting proxies, key files and messages. Each test failed before its fix."""

from __future__ import annotations

import asyncio
import copy
import errno
import logging
import os
import pickle
import stat
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from kalshi_api_keys_client.api.api_keys import (
    ApiKeysApi,
    AsyncApiKeysApi,
    delete_api_key,
    generate_api_key,
    get_api_keys,
)
from kalshi_api_keys_client.models import GenerateApiKeyRequest
from kalshi_auth import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    InvalidRequestError,
    KalshiAPIError,
    KalshiAuth,
    KalshiClient,
    KalshiConnectionError,
    KalshiError,
    KalshiSigner,
    KalshiTimeoutError,
    KeyLoadError,
    NotFoundError,
    ResponseFormatError,
    RetryPolicy,
    UnexpectedStatusError,
    signed_client,
)
from kalshi_auth._credentials import resolve_credentials
from kalshi_auth._files import FileExistsRefusedError, write_secret_file
from kalshi_auth.testing import FakeExchange, serve

from ..conftest import Exchange, SlowExchange

BASE = "https://kalshi.test/trade-api/v2"
ARMOUR = "-----BEGIN PRIVATE" + " KEY-----"  # split: no key armour in tracked files


def ed25519_pem() -> bytes:
    return ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.append(seconds)


def policy(sleeps: Sleeps, **kwargs: Any) -> RetryPolicy:
    return RetryPolicy(sleep=sleeps, async_sleep=sleeps.asleep, uniform=lambda: 1.0, **kwargs)


def in_process(
    exchange: FakeExchange,
    key_id: str,
    pem: bytes,
    *,
    first: Callable[..., Any] | None = None,
    retry: RetryPolicy | None = None,
) -> KalshiClient:
    """A client whose transport answers from ``exchange``; ``first(request, response)`` can
    replace the first answer (e.g. lose it) after the exchange has acted on the request."""
    calls: list[int] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        answer = exchange.handle(
            request.method, request.url.raw_path.decode(), request.headers, request.read()
        )
        response = httpx2.Response(answer.status, headers=answer.headers, content=answer.body)
        calls.append(1)
        if first is not None and len(calls) == 1:
            return first(request, response)  # type: ignore[no-any-return]
        return response

    return signed_client(
        api_key_id=key_id, private_key_pem=pem, base_url=BASE, retry=retry or RetryPolicy(),
        httpx_args={"transport": httpx2.MockTransport(handler)},
    )  # fmt: skip


# -- 1. key IDs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key_id",
    [
        f"{ARMOUR}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n",
        f"{ARMOUR}\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n",
        "5f6c5a3e 0000",
        "5f6c5a3e\x00",
        "5f6c5a3e-\u00e9",
        "k" * 129,
    ],
    ids=["pem", "pem-one-line", "space", "control", "non-ascii", "too-long"],
)
def test_impossible_key_ids_are_refused_before_anything_is_sent(key_id: str) -> None:
    sent: list[httpx2.Request] = []

    def record(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return httpx2.Response(200)

    transport = httpx2.MockTransport(record)
    with pytest.raises(KeyLoadError) as err:
        signed_client(
            environ={"KALSHI_API_KEY_ID": key_id, "KALSHI_PRIVATE_KEY_PEM": ed25519_pem().decode()},
            base_url=BASE, httpx_args={"transport": transport},
        )  # fmt: skip
    assert err.value.reason == "invalid_key_id"
    assert "MIIEvQ" not in str(err.value) and key_id not in str(err.value)
    assert sent == []


def test_an_illegal_header_is_not_retried_nor_quoted(live: Exchange) -> None:
    secret = "hunter2-not-for-logs"
    sleeps = Sleeps()
    with signed_client(
        api_key_id=live.key.api_key_id, private_key_pem=live.pem, base_url=live.base_url,
        headers={"X-Trace": f"{secret}\nInjected: yes"}, retry=policy(sleeps),
    ) as client, pytest.raises(InvalidRequestError) as err:  # fmt: skip
        ApiKeysApi(client).get_api_keys()
    assert secret not in str(err.value) and "Not retried" in str(err.value)
    assert not isinstance(err.value, KalshiConnectionError)
    assert sleeps == [] and live.exchange.requests == []


# -- 2. retries tell the truth ---------------------------------------------------------------


def _lose(request: httpx2.Request, response: httpx2.Response) -> httpx2.Response:
    raise httpx2.ReadTimeout("answer lost", request=request)


def _bad_gateway(request: httpx2.Request, response: httpx2.Response) -> httpx2.Response:
    return httpx2.Response(502, content=b"<html>502</html>")


@pytest.mark.parametrize("lost", [_lose, _bad_gateway], ids=["read-timeout", "proxy-502"])
def test_a_retried_delete_that_finds_the_key_gone_has_succeeded(
    lost: Callable[..., httpx2.Response], caplog: pytest.LogCaptureFixture
) -> None:
    exchange = FakeExchange()
    admin, victim = exchange.add_key(name="admin"), exchange.add_key(name="victim")
    assert admin.private_key_pem is not None
    sleeps = Sleeps()
    client = in_process(exchange, admin.api_key_id, admin.private_key_pem, first=lost,
                        retry=policy(sleeps))  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="kalshi_auth"):
        assert ApiKeysApi(client).delete_api_key(victim.api_key_id) is None  # type: ignore[func-returns-value]
    assert [r.status for r in exchange.requests] == [204, 404]
    assert "found the key already gone" in caplog.text
    assert len(sleeps) == 1
    with pytest.raises(NotFoundError):  # a fresh DELETE is not masked: only a retry is
        ApiKeysApi(client).delete_api_key(victim.api_key_id)


@pytest.mark.own_transport  # a MockTransport
def test_a_key_that_deleted_itself_and_lost_the_answer_has_succeeded() -> None:
    exchange = FakeExchange()
    key = exchange.add_key(name="self")
    assert key.private_key_pem is not None
    client = in_process(exchange, key.api_key_id, key.private_key_pem, first=_lose,
                        retry=policy(Sleeps()))  # fmt: skip

    async def delete() -> None:
        async with client:
            await AsyncApiKeysApi(client).delete_api_key(key.api_key_id)

    asyncio.run(delete())
    assert [r.status for r in exchange.requests] == [204, 401]
    assert exchange.keys == []


def test_a_plain_404_still_raises(live: Exchange) -> None:
    with pytest.raises(NotFoundError):
        ApiKeysApi(live.client).delete_api_key("no-such-key")


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), ("8", 8.0), (None, 0.5)],
    ids=["seconds", "at-max-delay", "absent-backoff"],
)
def test_retry_after_is_honoured_within_the_policy(header: str | None, expected: float) -> None:
    sleeps = Sleeps()
    answers = iter([httpx2.Response(429, headers={"Retry-After": header} if header else {}),
                    httpx2.Response(200, json={"api_keys": []})])  # fmt: skip
    client = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE, retry=policy(sleeps),
        httpx_args={"transport": httpx2.MockTransport(lambda r: next(answers))},
    )  # fmt: skip
    ApiKeysApi(client).get_api_keys()
    assert sleeps == [expected]


def test_retry_after_as_an_http_date() -> None:
    sleeps = Sleeps()
    when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 5))
    answers = iter([httpx2.Response(503, headers={"Retry-After": when}),
                    httpx2.Response(200, json={"api_keys": []})])  # fmt: skip
    client = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE, retry=policy(sleeps),
        httpx_args={"transport": httpx2.MockTransport(lambda r: next(answers))},
    )  # fmt: skip
    ApiKeysApi(client).get_api_keys()
    assert len(sleeps) == 1 and 3.0 <= sleeps[0] <= 5.0


def test_a_post_whose_answer_was_lost_is_never_repeated() -> None:
    exchange = FakeExchange()
    admin = exchange.add_key(name="admin")
    assert admin.private_key_pem is not None
    sleeps = Sleeps()
    client = in_process(exchange, admin.api_key_id, admin.private_key_pem, first=_lose,
                        retry=policy(sleeps))  # fmt: skip
    with pytest.raises(KalshiTimeoutError):
        ApiKeysApi(client).generate_api_key(GenerateApiKeyRequest(name="once"))
    assert sleeps == [] and len(exchange.requests) == 1


# -- 3. every failure is a KalshiError -------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "says"),
    [
        ("http://127.0.0.1:99999/trade-api/v2", "not a valid URL"),
        ("https://user:s3cret@kalshi.test/trade-api/v2", "user name or password"),
        ("http://[::1/trade-api/v2", "not a valid URL"),
        ("ftp://kalshi.test/trade-api/v2", "http(s)"),
    ],
)
def test_malformed_base_urls_are_configuration_errors(base_url: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says.replace("(", r"\(").replace(")", r"\)")) as e:
        signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=base_url)
    assert "s3cret" not in str(e.value)


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1.0, 0.0,
                                     httpx2.Timeout(5.0, read=float("inf"))])  # fmt: skip
def test_impossible_timeouts_are_configuration_errors(timeout: float | httpx2.Timeout) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE,
                      timeout=timeout)  # fmt: skip


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


@pytest.mark.parametrize(("status", "call"), [
    (202, lambda c: get_api_keys.sync(client=c)),
    (200, lambda c: generate_api_key.sync(client=c, body=GenerateApiKeyRequest(name="n"))),
    (200, lambda c: delete_api_key.sync("k", client=c)),
], ids=["list-202", "generate-200", "delete-200"])  # fmt: skip
def test_an_undocumented_2xx_from_the_free_functions_raises_too(
    status: int, call: Callable[[KalshiClient], object]
) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, json={"api_keys": [], "api_key_id": "k", "private_key": "p"})

    client = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE,
        httpx_args={"transport": httpx2.MockTransport(answer)},
    )  # fmt: skip
    with pytest.raises(UnexpectedStatusError, match=str(status)):
        call(client)
    opted_out = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE, raise_on_error=False,
        httpx_args={"transport": httpx2.MockTransport(answer)},
    )  # fmt: skip
    assert call(opted_out) is None  # the generated behaviour, as documented


def test_connection_messages_carry_no_query(live: Exchange) -> None:
    with signed_client(
        api_key_id=live.key.api_key_id, private_key_pem=live.pem,
        base_url="http://127.0.0.1:9/trade-api/v2", retry=RetryPolicy(max_retries=0),
    ) as client, pytest.raises(KalshiConnectionError) as err:  # fmt: skip
        ApiKeysApi(client).get_api_keys(fcm_subtrader_id="u1_queryvalue")
    assert "queryvalue" not in str(err.value) and "/trade-api/v2/api_keys" in str(err.value)


# -- 4. exceptions pickle and copy -----------------------------------------------------------


def _examples() -> list[KalshiError]:
    return [
        KalshiError("plain"),
        ConfigurationError("bad config"),
        KeyLoadError("invalid_key_id", "bad id"),
        KalshiConnectionError("refused"),
        KalshiTimeoutError("slow"),
        InvalidRequestError("illegal"),
        ResponseFormatError("html"),
        NotFoundError(
            status_code=404,
            method="DELETE",
            path="/p",
            code="not_found",
            message="gone",
            body=b"{}",
            hint="h",
        ),
        AuthenticationError(status_code=401, method="GET", path="/p", details="NOT_FOUND"),
        ConflictError(status_code=409, method="POST", path="/p"),
        UnexpectedStatusError(status_code=200, method="DELETE", path="/p", body=b"{}"),
        KalshiAPIError(status_code=418, method="GET", path="/p"),
        FileExistsRefusedError("exists"),
    ]


@pytest.mark.parametrize("error", _examples(), ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    "clone", [lambda e: pickle.loads(pickle.dumps(e)), copy.copy, copy.deepcopy],
    ids=["pickle", "copy", "deepcopy"],
)  # fmt: skip
def test_every_exception_survives_pickle_and_copy(
    error: KalshiError, clone: Callable[[KalshiError], KalshiError]
) -> None:
    again = clone(error)
    assert type(again) is type(error)
    assert str(again) == str(error) and again.args == error.args
    assert vars(again) == vars(error)
    if isinstance(error, AuthenticationError):
        assert isinstance(again, AuthenticationError) and again.cause == "unknown_key"


def _raise_in_worker() -> None:
    raise NotFoundError(status_code=404, method="DELETE", path="/api_keys/x", code="not_found")


def test_an_exception_crosses_a_process_pool() -> None:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(NotFoundError) as err:
        pool.submit(_raise_in_worker).result(timeout=60)
    assert (err.value.status_code, err.value.code) == (404, "not_found")


# -- 5. settings cannot be bypassed ----------------------------------------------------------


@pytest.mark.parametrize("name", ["base_url", "verify", "headers", "auth", "follow_redirects"])
def test_httpx_args_cannot_override_what_signed_client_controls(name: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE,
                      httpx_args={name: None})  # fmt: skip


def test_signing_cannot_be_dropped_by_replacing_the_httpx_client() -> None:
    client = signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE)
    with pytest.raises(ConfigurationError, match="drop signing"):
        client.set_httpx_client(httpx2.Client())
    with pytest.raises(ConfigurationError, match="drop signing"):
        client.set_async_httpx_client(httpx2.AsyncClient())


@pytest.mark.parametrize("extra", [{"private_key_password": "pw"}, {"clock": lambda: 0.0},
                                   {"environ": {}}, {"api_key_id": "k"}])  # fmt: skip
def test_arguments_that_would_be_ignored_next_to_auth_are_refused(extra: dict[str, Any]) -> None:
    auth = KalshiAuth(KalshiSigner("k", ed25519.Ed25519PrivateKey.generate()))
    with pytest.raises(ConfigurationError, match="would be ignored"):
        signed_client(auth=auth, base_url=BASE, **extra)


def test_closing_closes_both_httpx_clients() -> None:
    client = signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE)
    sync_http, async_http = client.get_httpx_client(), client.get_async_httpx_client()
    with client:
        pass
    assert sync_http.is_closed and async_http.is_closed

    other = signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE)
    pair = other.get_httpx_client(), other.get_async_httpx_client()

    async def close_in_a_loop() -> None:
        with pytest.raises(ConfigurationError, match="aclose"):
            other.close()
        await other.aclose()

    asyncio.run(close_in_a_loop())
    assert all(h.is_closed for h in pair)


# -- 6. the admission limiter keeps its promise ----------------------------------------------


def _one_slot_client(slow: tuple[FakeExchange, str, bytes], pool: float) -> KalshiClient:
    exchange, base_url, pem = slow
    return signed_client(
        api_key_id=exchange.keys[0].api_key_id, private_key_pem=pem, base_url=base_url,
        timeout=httpx2.Timeout(10.0, pool=pool), retry=RetryPolicy(max_retries=0),
        httpx_args={"transport": httpx2.HTTPTransport(limits=httpx2.Limits(max_connections=1))},
    )  # fmt: skip


def test_the_slot_count_comes_from_a_custom_transports_pool(
    slow: tuple[FakeExchange, str, bytes],
) -> None:
    with _one_slot_client(slow, pool=10.0) as client:
        threads = [threading.Thread(target=ApiKeysApi(client).get_api_keys) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    first, second = sorted(r.timestamp_ms or 0 for r in slow[0].requests)
    assert second - first >= 350  # the second was signed only once the first was done


def test_waiting_for_a_slot_honours_the_pool_timeout(slow: tuple[FakeExchange, str, bytes]) -> None:
    exchange = slow[0]
    assert isinstance(exchange, SlowExchange)
    with _one_slot_client(slow, pool=0.1) as client:
        busy = threading.Thread(target=ApiKeysApi(client).get_api_keys)
        busy.start()
        assert exchange.entered.wait(10)  # the only slot is taken for the next 0.4 s
        with pytest.raises(KalshiTimeoutError, match="free connection"):
            ApiKeysApi(client).get_api_keys()
        busy.join()


def test_a_streamed_response_holds_its_slot_until_closed(
    slow: tuple[FakeExchange, str, bytes],
) -> None:
    with _one_slot_client(slow, pool=0.2) as client:
        http = client.get_httpx_client()
        with http.stream("GET", "/api_keys") as streamed:
            assert streamed.status_code == 200
            with pytest.raises(KalshiTimeoutError):
                http.get("/api_keys")
        assert http.get("/api_keys").status_code == 200


# -- 7. standalone KalshiAuth ----------------------------------------------------------------


@pytest.fixture
def redirecting() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """127.0.0.1 redirects to 127.0.0.2 (another origin), which records the headers it gets."""
    seen: list[dict[str, str]] = []

    class Target(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    target = ThreadingHTTPServer(("127.0.0.2", 0), Target)
    where = f"http://127.0.0.2:{target.server_address[1]}/elsewhere"

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", where)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    source = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (target, source)]
    for thread in threads:
        thread.start()
    try:
        yield f"http://127.0.0.1:{source.server_address[1]}/trade-api/v2/api_keys", seen
    finally:
        for server in (target, source):
            server.shutdown()
            server.server_close()


def test_a_redirect_to_another_origin_never_carries_the_signature(
    redirecting: tuple[str, list[dict[str, str]]],
) -> None:
    url, seen = redirecting
    auth = KalshiAuth(KalshiSigner("k", ed25519.Ed25519PrivateKey.generate()))
    with httpx2.Client(auth=auth, follow_redirects=True) as http:
        assert http.get(url).status_code == 200

    async def fetch() -> int:
        async with httpx2.AsyncClient(auth=auth, follow_redirects=True) as client:
            return (await client.get(url)).status_code

    assert asyncio.run(fetch()) == 200
    assert len(seen) == 2
    for headers in seen:  # the other origin got the request, never our three headers
        assert not any(name.lower().startswith("kalshi-access") for name in headers)


def test_a_transport_that_cannot_be_guarded_is_refused_loudly() -> None:
    # A transport without httpcore2's tracing (here MockTransport) cannot have the headers
    # stripped on the way: the call is refused instead of passing unnoticed.
    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.host == "kalshi.test":
            return httpx2.Response(302, headers={"Location": "https://elsewhere.test/steal"})
        return httpx2.Response(200)

    auth = KalshiAuth(KalshiSigner("k", ed25519.Ed25519PrivateKey.generate()))
    transport = httpx2.MockTransport(handler)
    with (
        httpx2.Client(auth=auth, transport=transport, follow_redirects=True) as http,
        pytest.raises(ConfigurationError, match=r"another origin \(elsewhere.test\)"),
    ):
        http.get("https://kalshi.test/trade-api/v2/api_keys")
    with httpx2.Client(auth=auth, transport=transport) as http:  # httpx2's default: not followed
        assert http.get("https://kalshi.test/trade-api/v2/api_keys").status_code == 302


def test_plain_http_is_signed_only_to_loopback() -> None:
    auth = KalshiAuth(KalshiSigner("k", ed25519.Ed25519PrivateKey.generate()))
    transport = httpx2.MockTransport(lambda r: httpx2.Response(200))
    with httpx2.Client(auth=auth, transport=transport) as http:
        with pytest.raises(ConfigurationError, match="plain http"):
            http.get("http://kalshi.test/trade-api/v2/api_keys")
        assert http.get("http://127.0.0.1:1/trade-api/v2/api_keys").status_code == 200
        assert http.get("http://[::1]:1/trade-api/v2/api_keys").status_code == 200


# -- 8. reverse proxies that rewrite the path ------------------------------------------------


@pytest.fixture(params=["/kalshi-api", "/kalshi%20prod"], ids=["plain", "percent-encoded"])
def rewriting_proxy(request: pytest.FixtureRequest) -> Iterator[tuple[FakeExchange, str]]:
    """A real HTTP proxy on loopback that maps {prefix}/... onto the fake's /trade-api/v2/...;
    the percent-encoded prefix failed before (signed for the decoded path: 401)."""
    prefix: str = request.param
    exchange = FakeExchange()
    with serve(exchange) as running:
        upstream = running.base_url.removesuffix("/trade-api/v2")

        class Proxy(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                path = self.path.replace(prefix, "/trade-api/v2", 1)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                answer = httpx2.request(
                    self.command, upstream + path, headers=headers, content=body
                )
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_DELETE = _forward

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield exchange, f"http://127.0.0.1:{server.server_address[1]}{prefix}"
        finally:
            server.shutdown()
            server.server_close()


def test_a_path_rewriting_proxy_needs_and_gets_kalshi_path_prefix(
    rewriting_proxy: tuple[FakeExchange, str],
) -> None:
    exchange, proxy_url = rewriting_proxy
    key = exchange.add_key(name="via-proxy")
    assert key.private_key_pem is not None
    pem = key.private_key_pem
    with (
        signed_client(api_key_id=key.api_key_id, private_key_pem=pem, base_url=proxy_url) as sent,
        pytest.raises(AuthenticationError) as err,
    ):
        ApiKeysApi(sent).get_api_keys()
    assert err.value.cause == "signature"
    with signed_client(
        api_key_id=key.api_key_id,
        private_key_pem=pem,
        base_url=proxy_url,
        kalshi_path_prefix="/trade-api/v2",
    ) as rewritten:
        assert [k.name for k in ApiKeysApi(rewritten).get_api_keys().api_keys] == ["via-proxy"]
    assert [r.path for r in exchange.requests] == ["/trade-api/v2/api_keys"] * 2


# -- 9. key files ----------------------------------------------------------------------------


@pytest.mark.parametrize("dangling", [True, False])
def test_a_symlink_at_the_target_is_refused_not_followed(tmp_path: Path, dangling: bool) -> None:
    elsewhere = tmp_path / "elsewhere.pem"
    if not dangling:
        elsewhere.write_bytes(b"keep me")
    (tmp_path / "key.pem").symlink_to(elsewhere)
    with pytest.raises(FileExistsRefusedError, match="symbolic link"):
        write_secret_file(tmp_path / "key.pem", b"secret")
    assert elsewhere.exists() is not dangling
    if not dangling:
        assert elsewhere.read_bytes() == b"keep me"


def test_without_hard_links_the_file_is_still_written_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file system without hard links cannot be made here: os.link is made to fail as on one.
    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = write_secret_file(tmp_path / "key.pem", b"secret")
    assert target.read_bytes() == b"secret"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.pem"]
    with pytest.raises(FileExistsRefusedError):
        write_secret_file(tmp_path / "key.pem", b"other")
    assert target.read_bytes() == b"secret"


def test_the_directory_is_synced_after_the_key_is_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    write_secret_file(tmp_path / "key.pem", b"secret")
    assert synced == [False, True]  # the file's data, then the directory entry


# -- 10. messages that say what to fix -------------------------------------------------------


def test_both_key_variables_set_is_named(tmp_path: Path) -> None:
    env = {"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": str(tmp_path / "k.pem"),
           "KALSHI_PRIVATE_KEY_PEM": ed25519_pem().decode()}  # fmt: skip
    with pytest.raises(
        KeyLoadError, match="both KALSHI_PRIVATE_KEY_PATH and KALSHI_PRIVATE_KEY_PEM"
    ):
        resolve_credentials(environ=env)


def test_the_password_variable_does_not_break_an_explicit_plain_key(tmp_path: Path) -> None:
    (tmp_path / "k.pem").write_bytes(ed25519_pem())
    env = {"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PASSWORD": "meant-for-another-key"}
    credentials = resolve_credentials(private_key_path=tmp_path / "k.pem", environ=env)
    assert isinstance(credentials.private_key, ed25519.Ed25519PrivateKey)


def test_crlf_escapes_in_an_environment_pem(rsa_key: rsa.RSAPrivateKey) -> None:
    pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()  # fmt: skip
    escaped = pem.strip().replace("\n", "\\r\\n")
    env = {"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PEM": escaped}
    assert isinstance(resolve_credentials(environ=env).private_key, rsa.RSAPrivateKey)


def test_a_base_url_without_trade_api_v2_gets_a_hint() -> None:
    client = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url="https://kalshi.test",
        httpx_args={"transport": httpx2.MockTransport(lambda r: httpx2.Response(404))},
    )  # fmt: skip
    with pytest.raises(NotFoundError, match="base_url should end with it"):
        ApiKeysApi(client).get_api_keys()
