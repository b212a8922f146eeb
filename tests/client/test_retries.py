"""Retries over the wire (``_retry`` driven by ``_http``): a retry never hides nor repeats an act.

What is retried after an answer was lost, how long Retry-After makes it wait, and what a retry
that finds its work done reports. The policy's own decisions: tests/unit/test_retry.py."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from kalshi_api_keys_client.api.api_keys import (
    ApiKeysApi,
    AsyncApiKeysApi,
)
from kalshi_api_keys_client.models import GenerateApiKeyRequest
from kalshi_auth import (
    InvalidRequestError,
    KalshiClient,
    KalshiConnectionError,
    KalshiTimeoutError,
    NotFoundError,
    RetryPolicy,
    signed_client,
)
from kalshi_auth.testing import FakeExchange

from ..conftest import BASE, Exchange, ed25519_pem


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


def test_an_illegal_header_is_not_retried_nor_quoted(live: Exchange) -> None:
    """Failed before: an illegal header value was retried as a connection problem and quoted in the
    message."""
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


def _lose(request: httpx2.Request, response: httpx2.Response) -> httpx2.Response:
    raise httpx2.ReadTimeout("answer lost", request=request)


def _bad_gateway(request: httpx2.Request, response: httpx2.Response) -> httpx2.Response:
    return httpx2.Response(502, content=b"<html>502</html>")


@pytest.mark.parametrize("lost", [_lose, _bad_gateway], ids=["read-timeout", "proxy-502"])
def test_a_retried_delete_that_finds_the_key_gone_has_succeeded(
    lost: Callable[..., httpx2.Response], caplog: pytest.LogCaptureFixture
) -> None:
    """Failed before: the retry's 404 was raised although the first attempt had deleted the key."""
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
    """Failed before: the retry's 401 (the signing key no longer exists) was raised although the
    delete had worked."""
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
    """Keeps the fix above narrow: a 404 on a first attempt is still an error."""
    with pytest.raises(NotFoundError):
        ApiKeysApi(live.client).delete_api_key("no-such-key")


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), ("8", 8.0), (None, 0.5)],
    ids=["seconds", "at-max-delay", "absent-backoff"],
)
def test_retry_after_is_honoured_within_the_policy(header: str | None, expected: float) -> None:
    """Failed before: Retry-After was not waited for; the backoff was used instead."""
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
    """Failed before: a Retry-After given as an HTTP date was not understood."""
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
    """Failed before: a POST whose answer was lost could be sent again, and Kalshi make a second
    key."""
    exchange = FakeExchange()
    admin = exchange.add_key(name="admin")
    assert admin.private_key_pem is not None
    sleeps = Sleeps()
    client = in_process(exchange, admin.api_key_id, admin.private_key_pem, first=_lose,
                        retry=policy(sleeps))  # fmt: skip
    with pytest.raises(KalshiTimeoutError):
        ApiKeysApi(client).generate_api_key(GenerateApiKeyRequest(name="once"))
    assert sleeps == [] and len(exchange.requests) == 1
