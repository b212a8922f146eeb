"""kalshi-keys in-process, against the fake exchange over loopback: every command and outcome."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_auth import AuthenticationError, load_private_key
from kalshi_auth._signer import PrivateKey, PublicKey
from kalshi_auth.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, main
from kalshi_auth.cli._console import Console
from kalshi_auth.cli._diagnose import ClockProbe, explain_auth_failure
from kalshi_auth.cli._session import Connection
from kalshi_auth.testing import FakeResponse

from ..cli_support import Hook, Shell, files_in

PEM_PUBLIC = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def same_public_key(private: PrivateKey, public: PublicKey) -> bool:
    return private.public_key().public_bytes(*PEM_PUBLIC) == public.public_bytes(*PEM_PUBLIC)


def rsa_key_at(path: Path, password: str | None = None) -> rsa.RSAPrivateKey:
    key = load_private_key(path, password=password)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def server_key(shell: Shell, api_key_id: str) -> PublicKey:
    (key,) = [k for k in shell.exchange.keys if k.api_key_id == api_key_id]
    return key.public_key


def new_ids(shell: Shell) -> set[str]:
    return shell.key_ids() - {shell.key.api_key_id}


# -- keygen ---------------------------------------------------------------------------------


def test_keygen_writes_a_0600_pkcs8_private_key_and_its_public_key(shell: Shell) -> None:
    result = shell.run("keygen", "--out", "k.pem", "--bits", "3072")
    assert result.code == EXIT_OK, result.err
    private_bytes = (shell.home / "k.pem").read_bytes()
    assert private_bytes.startswith(b"-----BEGIN PRIVATE KEY")  # PKCS#8, not PKCS#1 ("RSA ...")
    assert mode(shell.home / "k.pem") == 0o600
    assert mode(shell.home / "k.pem.pub") == 0o644
    private = rsa_key_at(shell.home / "k.pem")
    public = serialization.load_pem_public_key((shell.home / "k.pem.pub").read_bytes())
    assert isinstance(public, rsa.RSAPublicKey)
    assert private.key_size == 3072
    assert same_public_key(private, public)
    assert shell.exchange.requests == []  # keygen never calls the API


def test_keygen_never_overwrites_without_force(shell: Shell) -> None:
    (shell.home / "k.pem.pub").write_text("mine")
    result = shell.run("keygen", "--out", "k.pem")
    assert result.code == EXIT_ERROR
    assert "already exists" in result.err and "k.pem.pub" in result.err
    assert not (shell.home / "k.pem").exists()  # nothing half-made
    assert (shell.home / "k.pem.pub").read_text() == "mine"
    forced = shell.run("keygen", "--out", "k.pem", "--force")
    assert forced.code == EXIT_OK
    assert (shell.home / "k.pem.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_keygen_encrypts_with_a_passphrase_from_the_environment(shell: Shell) -> None:
    env = {**shell.env, "NEW_PASS": "correct horse"}
    result = shell.run("keygen", "--out", "k.pem", "--passphrase-env", "NEW_PASS", env=env)
    assert result.code == EXIT_OK, result.err
    assert b"ENCRYPTED PRIVATE KEY" in (shell.home / "k.pem").read_bytes()
    assert rsa_key_at(shell.home / "k.pem", password="correct horse").key_size == 2048
    assert "correct horse" not in result.text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--encrypt"], "no terminal"),
        (["--passphrase-env", "UNSET_VAR"], "UNSET_VAR"),
        (["--bits", "1024"], "invalid choice"),
    ],
)
def test_keygen_usage_errors_exit_2_and_write_nothing(
    shell: Shell, argv: list[str], message: str
) -> None:
    result = shell.run("keygen", "--out", "k.pem", *argv)
    assert result.code == EXIT_USAGE
    assert message in result.err
    assert "Traceback" not in result.err
    assert not (shell.home / "k.pem").exists()


@pytest.mark.parametrize(
    "argv",
    [["keygen", "--out", "bot.pem"], ["generate", "--name", "x", "--out", "bot.pem"],
     ["register", "--name", "x", "--out", "bot.pem"], ["rotate", "--out", "bot.pem"]],
)  # fmt: skip
def test_a_taken_out_file_is_refused_before_the_passphrase_is_asked(
    shell: Shell, argv: list[str]
) -> None:
    # No terminal here, so asking first would fail with "no terminal" (exit 2) instead.
    result = shell.run(*argv, "--encrypt")
    assert result.code == EXIT_ERROR
    assert "already exists" in result.err and "terminal" not in result.err
    assert shell.exchange.requests == []


def test_keygen_into_a_missing_directory_is_refused(shell: Shell) -> None:
    result = shell.run("keygen", "--out", "nowhere/k.pem")
    assert result.code == EXIT_ERROR
    assert "does not exist" in result.err


# -- register -------------------------------------------------------------------------------


def test_register_keeps_the_private_key_local_and_registers_its_public_half(shell: Shell) -> None:
    result = shell.run(
        "register", "--name", "bot-2", "--scopes", "read,write::trade", "--subaccount", "7",
        "--out", "bot2.pem", "--json",
    )  # fmt: skip
    assert result.code == EXIT_OK, result.err
    report = json.loads(result.out)
    new_id = report["api_key_id"]
    assert report["private_key_path"] == str(shell.home / "bot2.pem")
    assert report["how"] == "register"
    assert mode(shell.home / "bot2.pem") == 0o600
    assert same_public_key(load_private_key(shell.home / "bot2.pem"), server_key(shell, new_id))
    (created,) = [k for k in shell.exchange.keys if k.api_key_id == new_id]
    assert (created.name, created.scopes, created.subaccount) == (
        "bot-2", ("read", "write::trade"), 7,
    )  # fmt: skip
    assert shell.authenticates(new_id, shell.home / "bot2.pem")
    assert files_in(shell.home) == {"bot.pem", "bot2.pem"}  # no staging file left


def test_register_names_the_file_after_the_key_by_default(shell: Shell) -> None:
    result = shell.run("register", "--name", "bot-2")
    assert result.code == EXIT_OK, result.err
    (new_id,) = new_ids(shell)
    assert f"export KALSHI_API_KEY_ID={new_id}" in result.out
    assert shell.authenticates(new_id, shell.home / f"kalshi-{new_id}.pem")


def test_register_below_premier_says_to_use_generate_and_leaves_nothing(shell: Shell) -> None:
    shell.exchange.usage_tier = "advanced"
    result = shell.run("register", "--name", "bot-2")
    assert result.code == EXIT_ERROR
    assert "403" in result.err and "kalshi-keys generate" in result.err
    assert result.err.count("\n") == 1  # one clear line
    assert new_ids(shell) == set()
    assert files_in(shell.home) == {"bot.pem"}


def test_register_refuses_an_existing_out_file_before_calling_the_api(shell: Shell) -> None:
    (shell.home / "taken.pem").write_text("keep me")
    result = shell.run("register", "--name", "bot-2", "--out", "taken.pem")
    assert result.code == EXIT_ERROR
    assert "already exists" in result.err
    assert shell.exchange.requests == []
    assert (shell.home / "taken.pem").read_text() == "keep me"


def test_register_removes_the_staged_key_when_the_server_refuses(shell: Shell) -> None:
    shell.exchange.fail("POST", "/api_keys", 500)
    result = shell.run("register", "--name", "bot-2")
    assert result.code == EXIT_ERROR
    assert "500" in result.err
    assert files_in(shell.home) == {"bot.pem"}
    assert new_ids(shell) == set()


def _staged_files(shell: Shell) -> list[Path]:
    return sorted(shell.home.glob("kalshi-pending-*.pem"))


def test_register_keeps_the_staged_key_when_the_answer_is_unreadable(shell: Shell) -> None:
    shell.exchange.fail("POST", "/api_keys", 201)  # a 201 without an api_key_id
    result = shell.run("register", "--name", "bot-2")
    assert result.code == EXIT_ERROR
    assert "not the documented answer" in result.err and "kept in" in result.err
    (staged,) = _staged_files(shell)
    assert str(staged) in result.err
    assert mode(staged) == 0o600
    assert rsa_key_at(staged).key_size == 2048


def test_register_keeps_the_staged_key_when_the_connection_drops(
    shell: Shell, hang_up_server: str
) -> None:
    result = shell.run("register", "--name", "bot-2", "--base-url", hang_up_server)
    assert result.code == EXIT_ERROR
    assert "may or may not have been created" in result.err
    assert len(_staged_files(shell)) == 1


def test_generate_with_an_unreadable_answer_says_what_to_check(shell: Shell) -> None:
    shell.exchange.fail("POST", "/api_keys/generate", 201)
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == EXIT_ERROR
    assert "not the documented answer" in result.err
    assert "no key was made" in result.err  # the key list was checked for it
    assert not (shell.home / "gen.pem").exists()


def test_register_validates_scopes_before_anything(shell: Shell) -> None:
    for scopes, message in [("write", "needs the read scope"), ("read,root", "unknown scope")]:
        result = shell.run("register", "--name", "x", "--scopes", scopes)
        assert result.code == EXIT_USAGE
        assert message in result.err
    assert shell.exchange.requests == []


# -- generate -------------------------------------------------------------------------------


def test_generate_saves_the_returned_private_key_0600(shell: Shell) -> None:
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == EXIT_OK, result.err
    (new_id,) = new_ids(shell)
    assert new_id in result.out
    assert mode(shell.home / "gen.pem") == 0o600
    assert shell.authenticates(new_id, shell.home / "gen.pem")


def test_generate_can_encrypt_what_kalshi_returns(shell: Shell) -> None:
    env = {**shell.env, "PASS": "s3cret"}
    result = shell.run(
        "generate", "--name", "gen", "--out", "gen.pem", "--passphrase-env", "PASS", env=env
    )
    assert result.code == EXIT_OK, result.err
    (new_id,) = new_ids(shell)
    assert b"ENCRYPTED" in (shell.home / "gen.pem").read_bytes()
    assert shell.authenticates(new_id, shell.home / "gen.pem", password="s3cret")


@pytest.mark.parametrize("out", ["exists.pem", "no-such-dir/gen.pem", "."])
def test_generate_refuses_an_unusable_out_before_any_api_call(shell: Shell, out: str) -> None:
    (shell.home / "exists.pem").write_text("keep me")
    result = shell.run("generate", "--name", "gen", "--out", out)
    assert result.code == EXIT_ERROR
    assert shell.exchange.requests == []
    assert (shell.home / "exists.pem").read_text() == "keep me"


def _take_path(path: Path) -> Hook:
    def hook(method: str, request_path: str, response: FakeResponse) -> None:
        path.write_text("someone else got here first")

    return hook


def test_generate_deletes_the_new_key_when_the_file_cannot_be_written(shell: Shell) -> None:
    # Another process takes the path between the pre-check and the write.
    shell.exchange.after("POST", "/api_keys/generate", _take_path(shell.home / "gen.pem"))
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == EXIT_ERROR
    assert "was deleted again on the server" in result.err
    assert new_ids(shell) == set()
    # The GET is the key list taken before generating, to find the key again if interrupted.
    assert [r.method for r in shell.exchange.requests] == ["GET", "POST", "DELETE"]
    assert (shell.home / "gen.pem").read_text() == "someone else got here first"
    assert "a file of that name appeared meanwhile" in result.err  # the cause, never "None"


def test_generate_prints_the_key_once_when_save_and_cleanup_both_fail(shell: Shell) -> None:
    shell.exchange.after("POST", "/api_keys/generate", _take_path(shell.home / "gen.pem"))
    shell.exchange.fail("DELETE", "", 503, times=3)  # the first try and both retries
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem", secret_ok=True)
    assert result.code == EXIT_ERROR
    (new_id,) = new_ids(shell)
    assert result.out.count("BEGIN RSA PRIVATE KEY") == 1
    assert "PRIVATE KEY" not in result.err  # the warning names no key material
    assert "printed below ONCE" in result.err
    printed = load_private_key(pem=result.out)
    assert same_public_key(printed, server_key(shell, new_id))


# -- list -----------------------------------------------------------------------------------


def test_list_shows_a_table_marking_the_key_in_use(shell: Shell) -> None:
    other = shell.exchange.add_key(name="reader", scopes=("read",))
    result = shell.run("list")
    assert result.code == EXIT_OK, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["API", "KEY", "ID", "NAME", "SCOPES", "SUBACCOUNT"]
    mine = next(line for line in lines if shell.key.api_key_id in line)
    theirs = next(line for line in lines if other.api_key_id in line)
    assert mine.startswith("*") and mine.split()[1:] == [
        shell.key.api_key_id, "bot", "read,write", "3",
    ]  # fmt: skip
    assert theirs.split() == [other.api_key_id, "reader", "read", "-"]


def test_list_json_is_kalshis_response(shell: Shell) -> None:
    result = shell.run("list", "--json")
    assert result.code == EXIT_OK, result.err
    payload = json.loads(result.out)
    assert payload["api_keys"] == [key.to_wire() for key in shell.exchange.keys]


def test_list_escapes_control_characters_in_server_sent_names(shell: Shell) -> None:
    shell.exchange.add_key(name="evil\x1b]0;pwned\x07\nname")
    result = shell.run("list")
    assert result.code == EXIT_OK
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "evil\\x1b]0;pwned\\x07\\nname" in result.out


# -- delete ---------------------------------------------------------------------------------


def test_delete_with_yes(shell: Shell) -> None:
    other = shell.exchange.add_key(name="old")
    result = shell.run("delete", other.api_key_id, "--yes")
    assert result.code == EXIT_OK, result.err
    assert other.api_key_id not in shell.key_ids()


@pytest.mark.parametrize(("answer", "deleted"), [("y\n", True), ("yes\n", True), ("n\n", False),
                                                 ("\n", False), ("", False)])  # fmt: skip
def test_delete_asks_first(shell: Shell, answer: str, deleted: bool) -> None:
    other = shell.exchange.add_key(name="old")
    result = shell.run("delete", other.api_key_id, stdin=answer)
    assert "Delete key" in result.err and "'old'" in result.err
    assert result.code == (EXIT_OK if deleted else EXIT_ERROR)
    assert (other.api_key_id not in shell.key_ids()) is deleted
    if not deleted:
        assert "nothing deleted" in result.err


def test_delete_refuses_the_key_in_use_unless_forced(shell: Shell) -> None:
    result = shell.run("delete", shell.key.api_key_id, "--yes")
    assert result.code == EXIT_ERROR
    assert "signs with" in result.err and "rotate" in result.err
    assert shell.exchange.requests == []
    forced = shell.run("delete", shell.key.api_key_id, "--yes", "--force")
    assert forced.code == EXIT_OK
    assert not shell.authenticates(shell.key.api_key_id, shell.key_file)


def test_delete_of_an_unknown_key_fails_cleanly(shell: Shell) -> None:
    asked = shell.run("delete", "no-such-key", stdin="y\n")
    assert asked.code == EXIT_ERROR and "there is no key no-such-key" in asked.err
    forced = shell.run("delete", "no-such-key", "--yes")
    assert forced.code == EXIT_ERROR and "404" in forced.err


# -- rotate ---------------------------------------------------------------------------------


def test_rotate_replaces_the_key_and_keeps_its_name_scopes_and_subaccount(shell: Shell) -> None:
    result = shell.run("rotate")
    assert result.code == EXIT_OK, result.err
    (new_id,) = shell.key_ids()
    new_file = shell.home / f"kalshi-{new_id}.pem"  # beside the old key file
    assert f"export KALSHI_PRIVATE_KEY_PATH={new_file}" in result.out
    assert shell.authenticates(new_id, new_file)
    assert not shell.authenticates(shell.key.api_key_id, shell.key_file)
    (new,) = shell.exchange.keys
    assert (new.name, new.scopes, new.subaccount) == ("bot", ("read", "write"), 3)
    assert shell.key_file.exists()  # the user's old file is theirs to remove


def test_rotate_keep_old_and_overrides(shell: Shell) -> None:
    result = shell.run(
        "rotate", "--keep-old", "--out", "next.pem", "--name", "bot-v2", "--scopes", "read"
    )
    assert result.code == EXIT_OK, result.err
    (new_id,) = new_ids(shell)
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)
    assert shell.authenticates(new_id, shell.home / "next.pem")
    (new,) = [k for k in shell.exchange.keys if k.api_key_id == new_id]
    assert (new.name, new.scopes, new.subaccount) == ("bot-v2", ("read",), 3)


def _sign_in_as(shell: Shell, scopes: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    key = shell.exchange.add_key(name="scoped", scopes=scopes)
    assert key.private_key_pem is not None
    path = shell.home / "scoped.pem"
    path.write_bytes(key.private_key_pem)
    return key.api_key_id, {
        "KALSHI_API_KEY_ID": key.api_key_id,
        "KALSHI_PRIVATE_KEY_PATH": str(path),
    }


def test_rotate_keeps_exactly_the_old_scopes(shell: Shell) -> None:
    old_id, env = _sign_in_as(shell, ("read::portfolio_balance", "write::trade"))
    result = shell.run("rotate", "--json", env=env)
    assert result.code == EXIT_OK, result.err
    new_id = json.loads(result.out)["api_key_id"]
    (new,) = [k for k in shell.exchange.keys if k.api_key_id == new_id]
    assert new.scopes == ("read::portfolio_balance", "write::trade")
    assert old_id not in shell.key_ids()


def test_rotate_never_widens_a_scope_it_does_not_know(shell: Shell) -> None:
    # A scope newer than this SDK goes to the server as is, never replaced by read,write.
    old_id, env = _sign_in_as(shell, ("read", "write::futures"))
    result = shell.run("rotate", env=env)
    assert result.code == EXIT_ERROR
    assert "write::futures" in result.err  # the fake, like an older Kalshi, refuses it
    assert shell.key_ids() == {shell.key.api_key_id, old_id}
    assert shell.authenticates(old_id, shell.home / "scoped.pem")


def test_rotate_needs_scopes_when_the_old_key_is_not_listed(shell: Shell) -> None:
    def hide_keys(method: str, path: str, response: FakeResponse) -> FakeResponse:
        return FakeResponse(200, b'{"api_keys": []}', {"Content-Type": "application/json"})

    shell.exchange.after("GET", "/api_keys", hide_keys)
    refused = shell.run("rotate")
    assert refused.code == EXIT_ERROR and "pass --scopes" in refused.err
    assert shell.key_ids() == {shell.key.api_key_id}
    # With --scopes it makes the key, whose proof then fails (the list hides it): withdrawn.
    tried = shell.run("rotate", "--scopes", "read")
    assert tried.code == EXIT_ERROR and "missing from the key list" in tried.err
    assert shell.key_ids() == {shell.key.api_key_id}
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)


def test_rotate_falls_back_to_generate_below_premier(shell: Shell) -> None:
    shell.exchange.usage_tier = "basic"
    result = shell.run("rotate", "--out", "next.pem", "--json")
    assert result.code == EXIT_OK, result.err
    report = json.loads(result.out)
    assert report["how"] == "generate"
    assert shell.key_ids() == {report["api_key_id"]}
    assert shell.authenticates(report["api_key_id"], shell.home / "next.pem")


def _fail_list(shell: Shell) -> None:
    shell.exchange.fail("GET", "/api_keys", 503, times=3)  # every retry too


def _fail_create(shell: Shell) -> None:
    shell.exchange.fail("POST", "/api_keys", 500)


def _fail_generate_fallback(shell: Shell) -> None:
    shell.exchange.usage_tier = "basic"
    shell.exchange.fail("POST", "/api_keys/generate", 500)


def _fail_save_after_generate(shell: Shell) -> None:
    shell.exchange.usage_tier = "basic"
    shell.exchange.after("POST", "/api_keys/generate", _take_path(shell.home / "next.pem"))


def _fail_proof(shell: Shell) -> None:
    # The new key's first call fails (with retries): fail GETs not signed by the old key.
    def arm(method: str, path: str, response: FakeResponse) -> None:
        new_id = json.loads(response.body)["api_key_id"]
        shell.exchange.fail("GET", "/api_keys", 401, key_id=new_id)

    shell.exchange.after("POST", "/api_keys", arm)


def _fail_delete_old(shell: Shell) -> None:
    shell.exchange.fail("DELETE", shell.key.api_key_id, 503, times=3)


@pytest.mark.parametrize(
    ("break_step", "message"),
    [
        (_fail_list, "503"),
        (_fail_create, "500"),
        (_fail_generate_fallback, "500"),
        (_fail_save_after_generate, "deleted again on the server"),
        (_fail_proof, "failed its check"),
        (_fail_delete_old, "both keys work now"),
    ],
    ids=["list", "create", "generate", "save", "prove", "delete-old"],
)
@pytest.mark.parametrize(
    "to_type", [[], ["--key-type", "ed25519"]], ids=["same-type", "to-ed25519"]
)
def test_rotate_never_leaves_the_user_without_a_working_key(
    shell: Shell, break_step: Callable[[Shell], None], message: str, to_type: list[str]
) -> None:
    break_step(shell)
    result = shell.run("rotate", "--out", "next.pem", *to_type)
    assert result.code == EXIT_ERROR
    assert message in result.err, result.err
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)
    if break_step is _fail_delete_old:
        (new_id,) = new_ids(shell)  # the new key is there, saved and working
        assert shell.authenticates(new_id, shell.home / "next.pem")
        (new,) = [k for k in shell.exchange.keys if k.api_key_id == new_id]
        assert new.key_type == ("ed25519" if to_type else "rsa")
        # and the advice works: switch to the new key, then delete the old one
        switched = {"KALSHI_API_KEY_ID": new_id, "KALSHI_PRIVATE_KEY_PATH": "next.pem"}
        assert shell.run("delete", shell.key.api_key_id, "--yes", env=switched).code == EXIT_OK
        assert shell.key_ids() == {new_id}
    else:
        assert new_ids(shell) == set()  # no stray key on the server
        if break_step is not _fail_save_after_generate:
            assert files_in(shell.home) == {"bot.pem"}  # and no stray file


def test_rotate_keeps_the_new_file_if_it_cannot_withdraw_the_new_key(shell: Shell) -> None:
    _fail_proof(shell)
    shell.exchange.fail("DELETE", "", 503, times=3)
    result = shell.run("rotate", "--out", "next.pem")
    assert result.code == EXIT_ERROR
    assert "could not be deleted" in result.err and "next.pem" in result.err
    assert (shell.home / "next.pem").exists()
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)


# -- whoami / check -------------------------------------------------------------------------


def test_whoami_reports_the_key_and_the_clock(shell: Shell) -> None:
    for command in ("whoami", "check"):
        result = shell.run(command)
        assert result.code == EXIT_OK, result.err
        assert f"OK: key {shell.key.api_key_id} ('bot', scopes read,write)" in result.out
        assert "clock: this machine is" in result.out


def test_whoami_names_a_wrong_key_file(shell: Shell, pkcs1_pem: bytes) -> None:
    (shell.home / "other.pem").write_bytes(pkcs1_pem)
    result = shell.run("whoami", "--key-file", "other.pem")
    assert result.code == EXIT_ERROR
    assert "INCORRECT_API_KEY_SIGNATURE" in result.err
    assert "other.pem) does not belong to this key ID" in result.err


def test_whoami_names_an_unknown_key_id(shell: Shell) -> None:
    result = shell.run("whoami", "--key-id", "6c0ffee0-0000-4000-8000-000000000000")
    assert result.code == EXIT_ERROR
    assert "does not know this key ID" in result.err and "per environment" in result.err


def test_whoami_measures_clock_skew_from_the_date_header(shell: Shell) -> None:
    shell.exchange.clock = lambda: time.time() + 30  # the server is 30 s ahead of us
    result = shell.run("whoami")
    assert result.code == EXIT_ERROR
    assert "header_timestamp_expired" in result.err
    assert "clock is 30." in result.err or "clock is 29." in result.err
    assert "behind the server" in result.err and "NTP" in result.err


def test_whoami_warns_of_skew_inside_kalshis_window(shell: Shell) -> None:
    shell.exchange.clock = lambda: time.time() - 4  # still accepted (window 5 s)
    result = shell.run("whoami")
    assert result.code == EXIT_OK
    assert "ahead of the server" in result.out
    assert "WARNING: sync this machine's clock" in result.err


def test_unknown_key_advice_names_the_other_environment() -> None:
    error = AuthenticationError(
        status_code=401, method="GET", path="/trade-api/v2/api_keys",
        code="authentication_error", details="NOT_FOUND",
    )  # fmt: skip
    for environment, other in (("prod", "demo"), ("demo", "prod"), (None, "demo")):
        connection = Connection(environ={}, environment=environment)  # type: ignore[arg-type]
        assert f"--env {other}" in explain_auth_failure(error, connection, ClockProbe())


# -- connection trouble, configuration, exit codes ------------------------------------------


@pytest.fixture
def hang_up_server() -> Iterator[str]:
    """A loopback server that reads each request and closes the connection unanswered."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/trade-api/v2"
    finally:
        listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
        listener.close()
        thread.join(timeout=5)


def test_a_hung_server_gives_a_clear_timeout(shell: Shell, silent_port: str) -> None:
    started = time.monotonic()
    result = shell.run("list", "--base-url", silent_port, "--timeout", "0.2")
    assert result.code == EXIT_ERROR
    assert "timed out" in result.err and "Traceback" not in result.err
    assert time.monotonic() - started < 30  # bounded by timeout x retries, never a hang


def test_a_closed_port_is_a_connection_error(shell: Shell) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = shell.run("list", "--base-url", f"http://127.0.0.1:{port}/trade-api/v2")
    assert result.code == EXIT_ERROR
    assert "ConnectError" in result.err


def test_missing_credentials_are_a_key_error(shell: Shell) -> None:
    result = shell.run("list", env={})
    assert result.code == EXIT_ERROR
    assert "pass --key-id or set KALSHI_API_KEY_ID" in result.err
    no_key = shell.run("list", "--key-id", "abc", env={})
    assert no_key.code == EXIT_ERROR
    assert "pass --key-file (or --key-uri for a key in a PKCS#11 token), or set" in no_key.err
    assert shell.exchange.requests == []


def test_a_key_id_flag_that_cannot_be_one_is_a_usage_error_in_flag_terms(shell: Shell) -> None:
    """The SDK checks the key ID once; its error's source says it came from --key-id, so the
    CLI words it with flag names and exits 2 without a request."""
    result = shell.run("list", "--key-id", "-----BEGIN PRIVATE " + "KEY-----")
    assert result.code == EXIT_USAGE
    assert "the PEM goes in --key-file (or KALSHI_PRIVATE_KEY_PEM)" in result.err
    assert "private_key_pem" not in result.err
    from_env = shell.run("list", env={**shell.env, "KALSHI_API_KEY_ID": "x" * 200})
    assert from_env.code == EXIT_ERROR and "200 characters" in from_env.err
    assert shell.exchange.requests == []


def test_an_encrypted_key_file_needs_its_password(shell: Shell) -> None:
    env = {**shell.env, "PASS": "pw"}
    assert shell.run("keygen", "--out", "enc.pem", "--passphrase-env", "PASS", env=env).code == 0
    result = shell.run("whoami", "--key-file", "enc.pem")
    assert result.code == EXIT_ERROR
    assert "encrypted" in result.err and "KALSHI_PRIVATE_KEY_PASSWORD" in result.err


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["list", "--env", "staging"],
        ["list", "--env", "demo"],  # --base-url is given too
        ["register", "--name", "x", "--subaccount", "64"],
        ["register", "--name", ""],
        ["generate", "--name", "x"],
        ["delete"],
        ["list", "--timeout", "0"],
    ],
)
def test_usage_errors_exit_2(shell: Shell, argv: list[str]) -> None:
    result = shell.run(*argv)
    assert result.code == EXIT_USAGE, result
    assert "usage:" in result.err
    assert "Traceback" not in result.err
    assert shell.exchange.requests == []


def test_an_interrupt_exits_130_and_deletes_nothing(shell: Shell) -> None:
    class Interrupting(io.StringIO):
        def readline(self, size: int | None = -1, /) -> str:  # type: ignore[override]
            raise KeyboardInterrupt

    other = shell.exchange.add_key(name="old")
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--base-url", shell.base_url, "delete", other.api_key_id],
        environ=shell.env,
        console_factory=lambda: Console(stdout=out, stderr=err, stdin=Interrupting()),
    )
    assert code == 130
    assert err.getvalue().endswith("kalshi-keys: error: interrupted\n")
    assert other.api_key_id in shell.key_ids()


@pytest.mark.parametrize(
    "command", ["keygen", "register", "generate", "list", "delete", "rotate", "whoami", "check"]
)
def test_every_command_has_help_with_examples(shell: Shell, command: str) -> None:
    result = shell.run(command, "--help")
    assert result.code == EXIT_OK
    assert f"kalshi-keys {'whoami' if command == 'check' else command}" in result.out
    assert "examples:" in result.out
