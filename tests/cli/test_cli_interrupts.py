"""kalshi-keys interrupted at each step (before sending, while waiting, while saving, mid-rotate)
never loses a key: it is withdrawn, saved where asked, or named with its file. In the CLI:
cli/_app (signals), _unsaved, _rotate; in the SDK: _newkey, whose own tests are
tests/client/test_newkey.py."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

import pytest
from kalshi_api_keys_client.api.api_keys import create_api_key, delete_api_key, generate_api_key
from kalshi_auth import _newkey
from kalshi_auth.cli import _rotate

from ..cli_support import BIN, Shell, files_in, minimal_env, new_keys, same_key

INTERRUPTED = 130


def interrupt_after(original: Callable[..., Any]) -> Callable[..., Any]:
    """The call goes through (Kalshi acts on it), then Ctrl-C lands before the answer is used."""

    def call(*args: Any, **kwargs: Any) -> Any:
        original(*args, **kwargs)
        raise KeyboardInterrupt

    return call


def interrupt_before(*args: Any, **kwargs: Any) -> Any:
    raise KeyboardInterrupt


@pytest.mark.parametrize("out", [["--out", "mine.pem"], []], ids=["out", "default-name"])
def test_register_interrupted_while_waiting_keeps_the_key_where_it_says(
    shell: Shell, monkeypatch: pytest.MonkeyPatch, out: list[str]
) -> None:
    """Failed before: Kalshi had the key, its private half sat in a hidden .pending file, and the
    only message was "interrupted"."""
    monkeypatch.setattr(
        create_api_key, "_parse_response", interrupt_after(create_api_key._parse_response)
    )
    result = shell.run("register", "--name", "bot-2", *out)
    assert result.code == INTERRUPTED
    (made,) = new_keys(shell)  # Kalshi made it
    (kept,) = [p for p in shell.home.glob("*.pem") if p.name not in {"bot.pem"}]
    assert str(kept) in result.err and "interrupted" in result.err
    assert same_key(kept, made.public_key)  # the file named holds the live key's private half
    if out:
        assert kept.name == "mine.pem"  # under the name asked for
    else:
        assert kept.name.startswith("kalshi-pending-")


def test_register_interrupted_before_sending_names_the_file_too(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the message did not name the file that holds the private key."""
    monkeypatch.setattr(create_api_key, "_get_kwargs", interrupt_before)
    result = shell.run("register", "--name", "bot-2", "--out", "mine.pem")
    assert result.code == INTERRUPTED
    assert new_keys(shell) == []
    assert str(shell.home / "mine.pem") in result.err and "may or may not" in result.err


def test_generate_interrupted_while_waiting_withdraws_the_orphan(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the key Kalshi made stayed live, its private half nowhere."""
    monkeypatch.setattr(
        generate_api_key, "_parse_response", interrupt_after(generate_api_key._parse_response)
    )
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == INTERRUPTED
    assert new_keys(shell) == []  # the key whose private half never arrived is gone again
    assert "deleted again" in result.err
    assert not (shell.home / "gen.pem").exists()


def test_generate_interrupted_before_kalshi_made_anything(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the message did not say whether a key had been made."""
    monkeypatch.setattr(generate_api_key, "_get_kwargs", interrupt_before)
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == INTERRUPTED
    assert "no key was made" in result.err and new_keys(shell) == []


def test_generate_interrupted_while_saving_withdraws_the_key(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: a key whose file was never written stayed live on the server."""
    monkeypatch.setattr(_newkey, "write_secret_file", interrupt_before)
    result = shell.run("generate", "--name", "gen", "--out", "gen.pem")
    assert result.code == INTERRUPTED
    assert new_keys(shell) == [] and "deleted again on the server" in result.err
    assert files_in(shell.home) == {"bot.pem"}


def test_rotate_interrupted_during_the_proof_withdraws_the_new_key(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the new key stayed live and unsaved; the old one is kept either way."""
    monkeypatch.setattr(_rotate, "_prove", interrupt_before)
    result = shell.run("rotate", "--out", "next.pem")
    assert result.code == INTERRUPTED
    assert new_keys(shell) == [] and not (shell.home / "next.pem").exists()
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)
    assert "old key is unchanged" in result.err


def test_rotate_interrupted_while_deleting_the_old_key_says_where_the_new_one_is(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the message did not say which file holds the new key."""
    monkeypatch.setattr(delete_api_key, "_get_kwargs", interrupt_before)
    result = shell.run("rotate", "--out", "next.pem")
    assert result.code == INTERRUPTED
    (new,) = new_keys(shell)
    assert shell.authenticates(new.api_key_id, shell.home / "next.pem")
    assert str(shell.home / "next.pem") in result.err


def test_sigterm_is_handled_like_ctrl_c(shell: Shell) -> None:
    """Failed before: SIGTERM ended the command without the interrupt's clean-up and message."""
    other = shell.exchange.add_key(name="other")
    process = subprocess.Popen(
        [str(BIN / "kalshi-keys"), "--base-url", shell.base_url, "delete", other.api_key_id],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**minimal_env(), **shell.env}, cwd=shell.home,
    )  # fmt: skip
    assert process.stderr is not None
    deadline = time.monotonic() + 30
    seen = b""
    while b"[y/N]" not in seen and time.monotonic() < deadline:
        seen += os.read(process.stderr.fileno(), 4096)  # the confirmation prompt: it waits
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == INTERRUPTED
    assert b"kalshi-keys: error: interrupted" in seen + err and b"Traceback" not in seen + err
    assert other.api_key_id in {k.api_key_id for k in shell.exchange.keys}


def test_rotate_interrupted_after_kalshi_made_the_key_names_it_by_id(
    shell: Shell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the advice named the key by its name, which the old key has too."""
    monkeypatch.setattr(
        create_api_key, "_parse_response", interrupt_after(create_api_key._parse_response)
    )
    result = shell.run("rotate", "--out", "next.pem")
    assert result.code == INTERRUPTED
    (new,) = new_keys(shell)
    assert new.api_key_id in result.err and str(shell.home / "next.pem") in result.err
    assert shell.authenticates(new.api_key_id, shell.home / "next.pem")
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)  # the old key untouched
