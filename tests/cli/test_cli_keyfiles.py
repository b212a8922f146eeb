"""kalshi-keys and key files (cli/_keygen, _handlers): output paths taken as given, keygen's
advice that works, key pairs registered, encrypted keys' passwords. The writer alone:
tests/unit/test_files.py."""

from __future__ import annotations

import json
import shlex

import pytest
from kalshi_auth.cli import EXIT_ERROR, EXIT_OK

from ..cli_support import Shell, files_in, new_keys, same_key


@pytest.mark.parametrize("dangling", [True, False])
@pytest.mark.parametrize("command", [["generate", "--name", "g"], ["register", "--name", "r"],
                                     ["keygen"]])  # fmt: skip
def test_an_output_symlink_is_refused_not_followed(
    shell: Shell, command: list[str], dangling: bool
) -> None:
    """Failed before: a symlink at the output path was followed."""
    target = shell.home / "elsewhere.pem"
    if not dangling:
        target.write_text("keep")
    (shell.home / "out.pem").symlink_to(target)
    result = shell.run(*command, "--out", "out.pem")
    assert result.code == EXIT_ERROR and "symbolic link" in result.err
    assert shell.exchange.requests == []
    assert target.exists() is not dangling
    assert ".tmp" not in result.err and "pending" not in result.err


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_keygens_advice_registers_the_pair_it_made(shell: Shell, key_type: str) -> None:
    """Failed before: keygen's advice named a register that could not use an existing key pair."""
    made = shell.run("keygen", "--out", "k.pem", "--key-type", key_type)
    (advice,) = [line for line in made.err.splitlines() if "kalshi-keys register" in line]
    argv = shlex.split(advice.split("Register it with: ", 1)[1].split("  (", 1)[0])[1:]
    argv[argv.index("NAME")] = "from-keygen"
    result = shell.run(*argv)
    assert result.code == EXIT_OK, result.err
    (new,) = new_keys(shell)
    assert new.name == "from-keygen" and new.key_type == key_type
    assert same_key(shell.home / "k.pem", new.public_key)
    assert f"export KALSHI_PRIVATE_KEY_PATH={shell.home / 'k.pem'}" in result.out
    assert files_in(shell.home) == {"bot.pem", "k.pem", "k.pem.pub"}  # nothing new written


def test_register_public_key_refuses_a_private_key_file(shell: Shell) -> None:
    """A private key given as --public-key is refused before anything is sent, saying to pass the
    .pub file."""
    result = shell.run("register", "--name", "x", "--public-key", "bot.pem")
    assert result.code == EXIT_ERROR and "pass its .pub file" in result.err
    assert shell.exchange.requests == []


def test_an_encrypted_key_files_password_from_a_named_variable(shell: Shell) -> None:
    """Failed before: an encrypted key's password could only come from editing the environment."""
    env = {**shell.env, "PW": "s3cret-pass"}
    assert shell.run("keygen", "--out", "enc.pem", "--passphrase-env", "PW", env=env).code == 0
    registered = shell.run("register", "--name", "enc", "--public-key", "enc.pem.pub")
    new_id = json.loads(shell.run("list", "--json").out)["api_keys"][-1]["api_key_id"]
    assert registered.code == EXIT_OK
    uses = {"KALSHI_API_KEY_ID": new_id, "KALSHI_PRIVATE_KEY_PATH": "enc.pem", "PW": "s3cret-pass"}
    refused = shell.run("whoami", env={k: v for k, v in uses.items() if k != "PW"})
    assert refused.code == EXIT_ERROR and "--password-env" in refused.err
    assert shell.run("--password-env", "PW", "whoami", env=uses).code == EXIT_OK
