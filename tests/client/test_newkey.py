"""make_api_key and its two ways (register, generate): no key is lost or orphaned at any step.

The same promise through kalshi-keys, Ctrl-C at each step: tests/cli/test_cli_interrupts.py.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_auth import (
    FileExistsRefusedError,
    NewKeyError,
    RetryPolicy,
    load_private_key,
    make_api_key,
)
from kalshi_auth import _newkey as newkey_module
from kalshi_auth.testing import FakeResponse

from ..cli_support import GATEWAY, Account, serve_account


@pytest.mark.parametrize("how", ["generate", "register"])
@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_a_new_key_is_saved_0600_and_works(
    account: Account, tmp_path: Path, how: Any, key_type: Any
) -> None:
    new = make_api_key(account.client, tmp_path / "new.pem", name="bot", how=how, key_type=key_type)
    assert new.path == tmp_path / "new.pem" and new.how == how and new.key_type == key_type
    assert new.path.stat().st_mode & 0o777 == 0o600
    assert account.works(new.api_key_id, new.path)
    assert [f.name for f in tmp_path.iterdir()] == ["new.pem"]  # no staged file left


def test_a_directory_gets_a_file_named_after_the_key(account: Account, tmp_path: Path) -> None:
    new = make_api_key(ApiKeysApi(account.client), tmp_path, name="bot", passphrase="pw")
    assert new.path == tmp_path / f"kalshi-{new.api_key_id}.pem"
    assert load_private_key(new.path, password="pw") is not None


def test_an_existing_file_is_refused_before_anything_is_sent(
    account: Account, tmp_path: Path
) -> None:
    (tmp_path / "taken.pem").write_bytes(b"keep me")
    with pytest.raises(FileExistsRefusedError):
        make_api_key(account.client, tmp_path / "taken.pem", name="bot")
    assert account.exchange.requests == [] and account.others() == []
    assert (tmp_path / "taken.pem").read_bytes() == b"keep me"


def test_generate_after_a_gateway_error_finds_the_new_key_and_withdraws_it(
    account: Account, tmp_path: Path
) -> None:
    """Failed before: only the status was reported, and the key Kalshi made stayed live."""
    account.exchange.after("POST", "/api_keys/generate", lambda m, p, r: GATEWAY)
    with pytest.raises(NewKeyError) as caught:
        make_api_key(account.client, tmp_path / "new.pem", name="bot")
    error = caught.value
    assert error.outcome == "withdrawn" and error.api_key_id is not None
    assert error.api_key_id in str(error) and "deleted again" in str(error)
    assert account.others() == [] and not (tmp_path / "new.pem").exists()


def test_register_after_a_gateway_error_keeps_the_private_key_and_names_the_key(
    account: Account, tmp_path: Path
) -> None:
    """Failed before: the private key of a key Kalshi had made was deleted."""
    account.exchange.after("POST", "/api_keys", lambda m, p, r: GATEWAY)
    with pytest.raises(NewKeyError) as caught:
        make_api_key(account.client, tmp_path / "new.pem", name="bot", how="register")
    error = caught.value
    (made,) = account.others()
    assert error.outcome == "kept" and error.api_key_id == made.api_key_id
    assert error.private_key_path == tmp_path / "new.pem" and made.api_key_id in str(error)
    assert account.works(made.api_key_id, tmp_path / "new.pem")


def test_a_refusal_from_kalshi_itself_leaves_nothing(account: Account, tmp_path: Path) -> None:
    from kalshi_auth import ServerError

    account.exchange.fail("POST", "/api_keys", 500)
    with pytest.raises(ServerError):
        make_api_key(account.client, tmp_path / "new.pem", name="bot", how="register")
    assert account.others() == [] and list(tmp_path.iterdir()) == []


def test_a_failed_save_withdraws_the_key(
    account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(newkey_module, "write_secret_file", disk_full)
    with pytest.raises(NewKeyError) as caught:
        make_api_key(account.client, tmp_path / "new.pem", name="bot")
    assert caught.value.outcome == "withdrawn" and "the disk is full" in str(caught.value)
    assert account.others() == []


def test_a_failed_save_and_a_failed_delete_hand_the_private_key_over(
    account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(newkey_module, "write_secret_file", disk_full)
    account.exchange.fail("DELETE", "", 500, times=10)
    with pytest.raises(NewKeyError) as caught:
        make_api_key(account.client, tmp_path / "new.pem", name="bot")
    error = caught.value
    (made,) = account.others()
    assert error.outcome == "held" and error.api_key_id == made.api_key_id
    assert error.private_key_pem is not None
    assert load_private_key(pem=error.private_key_pem) is not None
    marker = error.private_key_pem.splitlines()[1].decode()
    assert marker not in str(error) and marker not in repr(error)


def test_clean_up_has_time_of_its_own(tmp_path: Path) -> None:
    """Failed before: after a slow create the compensating DELETE was refused locally, the
    command's deadline spent, and the orphan stayed."""
    for account in serve_account(RetryPolicy(deadline=time.monotonic() + 1.0)):

        def slow_gateway(method: str, path: str, response: FakeResponse) -> FakeResponse:
            time.sleep(1.2)  # past the caller's deadline
            return GATEWAY

        account.exchange.after("POST", "/api_keys/generate", slow_gateway)
        with pytest.raises(NewKeyError) as caught:
            make_api_key(account.client, tmp_path / "new.pem", name="bot")
        assert caught.value.outcome == "withdrawn"
        assert account.others() == []


def test_an_interrupt_is_still_an_interrupt_and_says_what_became_of_the_key(
    account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kalshi_api_keys_client.api.api_keys import generate_api_key
    from kalshi_auth import NewKeyInterrupted

    def parse_then_interrupt(**kwargs: Any) -> None:
        raise KeyboardInterrupt  # Ctrl-C after Kalshi made the key, before it was used

    monkeypatch.setattr(generate_api_key, "_parse_response", parse_then_interrupt)
    with pytest.raises(KeyboardInterrupt) as caught:
        make_api_key(account.client, tmp_path / "new.pem", name="bot")
    assert isinstance(caught.value, NewKeyInterrupted)
    assert caught.value.outcome == "withdrawn" and caught.value.interrupted
    assert account.others() == []
