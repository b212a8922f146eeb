"""delete_key tells "deleted now" from "already gone after a lost answer"; may_have_acted's rule."""

from __future__ import annotations

import pytest
from kalshi_auth import KalshiConnectionError, NotFoundError, ServerError, delete_key
from kalshi_auth._recovery import may_have_acted
from kalshi_auth.testing import FakeResponse

from ..cli_support import GATEWAY, Account, Hook, Shell


def _once(answer: FakeResponse) -> Hook:
    """After the exchange acted on the first matching request, its answer is replaced."""
    used: list[bool] = []

    def hook(method: str, path: str, response: FakeResponse) -> FakeResponse | None:
        if used:
            return None
        used.append(True)
        return answer

    return hook


def test_a_delete_reports_deleted(account: Account) -> None:
    from kalshi_api_keys_client.api.api_keys import ApiKeysApi

    victim = account.exchange.add_key(name="victim")
    assert delete_key(ApiKeysApi(account.client), victim.api_key_id) == "deleted"
    assert account.others() == []


def test_a_delete_whose_answer_was_lost_reports_already_gone(account: Account) -> None:
    from kalshi_api_keys_client.api.api_keys import ApiKeysApi

    victim = account.exchange.add_key(name="victim")
    account.exchange.after("DELETE", victim.api_key_id, _once(GATEWAY))
    assert delete_key(ApiKeysApi(account.client), victim.api_key_id) == "already_gone"
    assert [r.status for r in account.exchange.requests] == [204, 404]  # as the exchange saw it
    with pytest.raises(NotFoundError):  # without a lost answer, a missing key is an error
        delete_key(ApiKeysApi(account.client), victim.api_key_id)


def test_the_cli_says_already_gone_after_a_lost_answer(shell: Shell) -> None:
    victim = shell.exchange.add_key(name="victim")
    shell.exchange.after("DELETE", victim.api_key_id, _once(GATEWAY))
    result = shell.run("delete", victim.api_key_id, "--yes")
    assert result.code == 0, result.err
    assert "already gone (an earlier attempt's answer was lost)" in result.out


@pytest.mark.parametrize(
    ("error", "acted"),
    [
        (KeyboardInterrupt(), True),
        (KalshiConnectionError("lost", may_have_arrived=True), True),
        (KalshiConnectionError("refused", may_have_arrived=False), False),
        (ServerError(status_code=502, method="POST", path="/x"), True),
        (ServerError(status_code=500, method="POST", path="/x"), False),
        (NotFoundError(status_code=404, method="POST", path="/x"), False),
        (ValueError("unreadable"), True),
    ],
)
def test_what_may_have_been_acted_on(error: BaseException, acted: bool) -> None:
    assert may_have_acted(error) is acted
