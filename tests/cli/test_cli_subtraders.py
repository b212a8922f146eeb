"""kalshi-keys and FCM subtraders (cli/_commands, _parser): binding, Kalshi's warnings,
write::fcm_risk. The exchange's side is tests/exchange/test_exchange_subtraders.py."""

from __future__ import annotations

import json

import pytest
from kalshi_auth.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE

from ..cli_support import Shell

WARNING = "subtrader fakeuser_desk7 has no daily cap"


@pytest.fixture
def fcm_shell(shell: Shell) -> Shell:
    shell.exchange.fcm_member = True
    shell.exchange.mint_warning = WARNING
    return shell


@pytest.mark.parametrize("command", ["register", "generate"])
def test_new_keys_can_be_bound_and_kalshis_warning_goes_to_stderr(
    fcm_shell: Shell, command: str
) -> None:
    result = fcm_shell.run(
        command, "--name", "desk7", "--fcm-subtrader-id", "fakeuser_desk7", "--out", "d.pem"
    )
    assert result.code == EXIT_OK, result.err
    (new,) = [k for k in fcm_shell.exchange.keys if k.name == "desk7"]
    assert new.fcm_subtrader_id == "fakeuser_desk7"
    assert f"WARNING from Kalshi about key {new.api_key_id}: {WARNING}" in result.err
    assert WARNING not in result.out
    assert "FCM subtrader fakeuser_desk7" in result.out


def test_the_warning_is_in_the_json_result_too(fcm_shell: Shell) -> None:
    result = fcm_shell.run(
        "generate", "--name", "d", "--fcm-subtrader-id", "fakeuser_d1", "--out", "d.pem", "--json"
    )
    assert result.code == EXIT_OK, result.err
    assert json.loads(result.out)["warning"] == WARNING
    assert WARNING in result.err


def test_a_warning_with_control_characters_is_escaped(fcm_shell: Shell) -> None:
    fcm_shell.exchange.mint_warning = "cap missing\x1b[2J\x07"
    result = fcm_shell.run(
        "generate", "--name", "d", "--fcm-subtrader-id", "fakeuser_d1", "--out", "d.pem"
    )
    assert result.code == EXIT_OK
    assert "\x1b" not in result.text and "cap missing\\x1b[2J\\x07" in result.err


def test_no_warning_line_without_a_warning(fcm_shell: Shell) -> None:
    result = fcm_shell.run("generate", "--name", "plain", "--out", "p.pem")
    assert result.code == EXIT_OK and "WARNING" not in result.text


def test_list_filters_by_subtrader_and_shows_the_binding(fcm_shell: Shell) -> None:
    fcm_shell.exchange.add_key(name="desk1", fcm_subtrader_id="fakeuser_desk1")
    fcm_shell.exchange.add_key(name="desk2", fcm_subtrader_id="fakeuser_desk2")
    table = fcm_shell.run("list")
    assert table.code == EXIT_OK
    assert "FCM SUBTRADER" in table.out and "fakeuser_desk2" in table.out
    only = fcm_shell.run("list", "--fcm-subtrader-id", "fakeuser_desk1")
    assert only.code == EXIT_OK
    assert "desk1" in only.out and "desk2" not in only.out and "bot" not in only.out
    assert "bound to FCM subtrader fakeuser_desk1" in only.err
    as_json = json.loads(
        fcm_shell.run("list", "--json", "--fcm-subtrader-id", "fakeuser_desk2").out
    )
    assert [k["name"] for k in as_json["api_keys"]] == ["desk2"]


def test_list_without_bound_keys_has_no_subtrader_column(shell: Shell) -> None:
    assert "FCM SUBTRADER" not in shell.run("list").out


def test_a_non_member_gets_the_403_explained(shell: Shell) -> None:
    result = shell.run(
        "generate", "--name", "d", "--fcm-subtrader-id", "fakeuser_d1", "--out", "d.pem"
    )
    assert result.code == EXIT_ERROR
    assert "FCM member" in result.err
    assert not (shell.home / "d.pem").exists()


def test_write_fcm_risk_is_an_accepted_scope(fcm_shell: Shell) -> None:
    result = fcm_shell.run("generate", "--name", "risk", "--scopes", "read,write::fcm_risk",
                           "--out", "r.pem")  # fmt: skip
    assert result.code == EXIT_OK, result.err
    (new,) = [k for k in fcm_shell.exchange.keys if k.name == "risk"]
    assert new.scopes == ("read", "write::fcm_risk")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["generate", "--name", "d", "--out", "d.pem", "--fcm-subtrader-id", "nounderscore"],
         "not an FCM subtrader ID"),
        (["generate", "--name", "d", "--out", "d.pem", "--fcm-subtrader-id", "u_" + "x" * 17],
         "not an FCM subtrader ID"),
        (["register", "--name", "d", "--fcm-subtrader-id", "u_a1", "--subaccount", "2"],
         "cannot be combined"),
        (["list", "--fcm-subtrader-id", "u_bad-suffix"], "not an FCM subtrader ID"),
        (["rotate", "--fcm-subtrader-id", "u_a1"], "unrecognized arguments"),
    ],
)  # fmt: skip
def test_bad_subtrader_options_are_usage_errors(
    fcm_shell: Shell, argv: list[str], says: str
) -> None:
    result = fcm_shell.run(*argv)
    assert result.code == EXIT_USAGE
    assert says in result.err
    assert fcm_shell.exchange.requests == []  # refused before any request
