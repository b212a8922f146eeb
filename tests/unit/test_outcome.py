"""Unit tests of ``kalshi_auth._outcome``: one attempt's result, decided with no I/O.

Driven by hand with ``httpx2.Request``/``httpx2.Response`` objects, as httpx2's own
``tests/test_auth.py`` drives an auth flow; the same rules through real clients and a real
server are in ``test_retry.py`` and ``test_client.py``.
"""

from __future__ import annotations

import httpx2
import pytest
from kalshi_auth import KalshiTimeoutError, RetryPolicy, ServerError, _outcome, _retry
from kalshi_auth._outcome import ALREADY_DELETED_HEADER, AttemptRules, Attempts, Retry

BASE = "https://kalshi.test/trade-api/v2"
UNKNOWN_KEY = b'{"error": {"code": "api_key_not_found", "message": "not found"}}'


def attempts(method: str, path: str, *, own_key_id: str = "me", **headers: str) -> Attempts:
    policy = RetryPolicy(max_retries=2, uniform=lambda: 1.0)
    rules = AttemptRules(policy=policy, raise_on_error=True, own_key_id=own_key_id)
    return Attempts(rules, httpx2.Request(method, BASE + path, headers=headers))


def answer(status: int, content: bytes = b"{}") -> httpx2.Response:
    return httpx2.Response(
        status,
        content=content,
        headers={"Content-Type": "application/json"},
        request=httpx2.Request("GET", BASE),  # the method that matters is the Attempts' own
    )


def test_a_success_is_returned_as_it_is() -> None:
    response = answer(200, b'{"api_keys": []}')
    assert attempts("GET", "/api_keys").after_response(response) is response


def test_a_gateway_error_is_retried_for_get_and_raised_for_post() -> None:
    assert attempts("GET", "/api_keys").after_response(answer(503)) == Retry(0.5)
    with pytest.raises(ServerError):
        attempts("POST", "/api_keys").after_response(answer(503))


def test_each_retry_counts_towards_max_retries() -> None:
    get = attempts("GET", "/api_keys")
    assert get.after_response(answer(502)) == Retry(0.5)
    assert get.after_response(answer(502)) == Retry(1.0)
    with pytest.raises(ServerError):
        get.after_response(answer(502))


def test_a_delete_after_a_lost_answer_meeting_404_is_reported_deleted() -> None:
    delete = attempts("DELETE", "/api_keys/other")
    lost = httpx2.ReadTimeout("lost", request=httpx2.Request("DELETE", BASE))
    assert isinstance(delete.after_error(lost), Retry)
    reported = delete.after_response(answer(404))
    assert isinstance(reported, httpx2.Response) and reported.status_code == 204
    assert reported.headers[ALREADY_DELETED_HEADER] == "true"


def test_the_delete_rule_takes_the_signers_key_id_from_the_client_not_the_header() -> None:
    """Failed before the re-cut: the rule read the key ID back out of the outgoing header."""
    # The key deleted itself, so the retry's own signature names a key that no longer exists.
    delete = attempts("DELETE", "/api_keys/me", own_key_id="me", **{"KALSHI-ACCESS-KEY": "x"})
    assert isinstance(delete.after_error(httpx2.ReadTimeout("lost")), Retry)
    reported = delete.after_response(answer(401, UNKNOWN_KEY))
    assert isinstance(reported, httpx2.Response) and reported.status_code == 204
    # Another key's DELETE meeting "no such key" is a real 401, whatever the header says.
    other = attempts("DELETE", "/api_keys/you", own_key_id="me", **{"KALSHI-ACCESS-KEY": "you"})
    assert isinstance(other.after_error(httpx2.ReadTimeout("lost")), Retry)
    with pytest.raises(Exception, match="401"):
        other.after_response(answer(401, UNKNOWN_KEY))


def test_a_failure_is_classified_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[BaseException] = []
    classify = _retry.classify_error

    def counting(error: BaseException) -> _retry.ErrorKind:
        calls.append(error)
        return classify(error)

    monkeypatch.setattr(_outcome, "classify_error", counting)
    monkeypatch.setattr(_retry, "classify_error", counting)
    get = attempts("GET", "/api_keys")
    get.after_error(httpx2.ConnectError("refused"))
    get.after_error(httpx2.ConnectError("refused"))
    with pytest.raises(Exception, match="ConnectError"):
        get.after_error(httpx2.ConnectError("refused"))
    assert len(calls) == 3  # one per failure: the retry policy and the error reuse the kind


def test_a_passed_deadline_refuses_the_next_attempt() -> None:
    policy = RetryPolicy(deadline=0.0)
    rules = AttemptRules(policy=policy, raise_on_error=True, own_key_id="me")
    with pytest.raises(KalshiTimeoutError, match="ran out"):
        Attempts(rules, httpx2.Request("GET", BASE + "/api_keys")).start()


def test_the_deadline_shrinks_every_timeout_of_the_attempt() -> None:
    import time

    policy = RetryPolicy(deadline=time.monotonic() + 3)
    rules = AttemptRules(policy=policy, raise_on_error=True, own_key_id="me")
    request = httpx2.Request("GET", BASE, extensions={"timeout": {"read": 10.0, "connect": 1.0}})
    Attempts(rules, request).start()
    timeout = request.extensions["timeout"]
    assert timeout["connect"] == 1.0 and 2 < timeout["read"] <= 3 and 2 < timeout["pool"] <= 3
