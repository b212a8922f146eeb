"""kalshi-keys with Ed25519 keys: make, register, generate, show, and move an RSA key over."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from kalshi_auth import load_private_key
from kalshi_auth.cli import EXIT_OK, EXIT_USAGE

from ..cli_support import Shell


def ed25519_at(path: Path, password: str | None = None) -> ed25519.Ed25519PrivateKey:
    key = load_private_key(path, password=password)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return key


def raw_public(key: ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, ed25519.Ed25519PrivateKey) else key
    return public.public_bytes_raw()


def test_keygen_makes_an_ed25519_pair(shell: Shell) -> None:
    result = shell.run("keygen", "--out", "ed.pem", "--key-type", "ed25519")
    assert result.code == EXIT_OK, result.err
    assert "Ed25519, PKCS#8" in result.out
    private = ed25519_at(shell.home / "ed.pem")
    public = serialization.load_pem_public_key((shell.home / "ed.pem.pub").read_bytes())
    assert isinstance(public, ed25519.Ed25519PublicKey)
    assert raw_public(private) == raw_public(public)


def test_keygen_encrypts_an_ed25519_key(shell: Shell) -> None:
    env = {**shell.env, "PW": "correct horse"}
    result = shell.run(
        "keygen", "--out", "ed.pem", "--key-type", "ed25519", "--passphrase-env", "PW", env=env
    )
    assert result.code == EXIT_OK, result.err
    assert ed25519_at(shell.home / "ed.pem", password="correct horse") is not None


@pytest.mark.parametrize("command", ["keygen", "register", "rotate"])
def test_bits_with_ed25519_is_a_usage_error(shell: Shell, command: str) -> None:
    argv = [command, "--key-type", "ed25519", "--bits", "4096"]
    argv += ["--out", "x.pem"] if command != "rotate" else []
    argv += ["--name", "n"] if command == "register" else []
    result = shell.run(*argv)
    assert result.code == EXIT_USAGE
    assert "--bits is for RSA keys" in result.err
    assert shell.exchange.requests == [] and not (shell.home / "x.pem").exists()


def test_register_an_ed25519_key_made_here(shell: Shell) -> None:
    result = shell.run("register", "--name", "ed", "--key-type", "ed25519", "--out", "ed.pem",
                       "--json")  # fmt: skip
    assert result.code == EXIT_OK, result.err
    report = json.loads(result.out)
    assert report["key_type"] == "ed25519"
    (new,) = [k for k in shell.exchange.keys if k.api_key_id == report["api_key_id"]]
    assert new.key_type == "ed25519"
    assert isinstance(new.public_key, ed25519.Ed25519PublicKey)
    assert raw_public(new.public_key) == raw_public(ed25519_at(shell.home / "ed.pem"))
    assert shell.authenticates(new.api_key_id, shell.home / "ed.pem")


def test_generate_an_ed25519_key(shell: Shell) -> None:
    result = shell.run("generate", "--name", "ed", "--key-type", "ed25519", "--out", "ed.pem")
    assert result.code == EXIT_OK, result.err
    assert "created ed25519 key" in result.out
    (new,) = [k for k in shell.exchange.keys if k.name == "ed"]
    assert new.key_type == "ed25519"  # Kalshi (the fake) made an Ed25519 pair
    new_id = new.api_key_id
    assert shell.authenticates(new_id, shell.home / "ed.pem")
    assert (shell.home / "ed.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY")


def test_generate_without_key_type_leaves_kalshis_default(shell: Shell) -> None:
    result = shell.run("generate", "--name", "plain", "--out", "p.pem")
    assert result.code == EXIT_OK, result.err
    assert "created rsa key" in result.out
    (new,) = [k for k in shell.exchange.keys if k.name == "plain"]
    assert new.key_type == "rsa"


def _use_ed25519_key(shell: Shell) -> tuple[str, dict[str, str]]:
    key = shell.exchange.add_key(name="ed-bot", key_type="ed25519", scopes=("read", "write"))
    assert key.private_key_pem is not None
    path = shell.home / "ed-bot.pem"
    path.write_bytes(key.private_key_pem)
    return key.api_key_id, {
        "KALSHI_API_KEY_ID": key.api_key_id,
        "KALSHI_PRIVATE_KEY_PATH": str(path),
    }


def test_whoami_shows_the_key_type_in_use(shell: Shell) -> None:
    assert "key type: rsa" in shell.run("whoami").out
    _, env = _use_ed25519_key(shell)
    result = shell.run("whoami", env=env)
    assert result.code == EXIT_OK, result.err
    assert "key type: ed25519" in result.out


def test_rotate_keeps_an_ed25519_keys_type(shell: Shell) -> None:
    old_id, env = _use_ed25519_key(shell)
    result = shell.run("rotate", "--out", "next.pem", "--json", env=env)
    assert result.code == EXIT_OK, result.err
    report = json.loads(result.out)
    assert report["key_type"] == "ed25519"
    assert old_id not in shell.key_ids()
    (new,) = [k for k in shell.exchange.keys if k.api_key_id == report["api_key_id"]]
    assert new.key_type == "ed25519" and new.name == "ed-bot"
    assert ed25519_at(shell.home / "next.pem") is not None


@pytest.mark.parametrize("tier", ["premier", "basic"], ids=["register", "generate-fallback"])
def test_rotate_moves_an_rsa_key_to_ed25519(shell: Shell, tier: str) -> None:
    shell.exchange.usage_tier = tier  # type: ignore[assignment]
    result = shell.run("rotate", "--key-type", "ed25519", "--out", "ed.pem")
    assert result.code == EXIT_OK, result.err
    assert "rotating rsa key" in result.err and "its ed25519 replacement" in result.err
    (new,) = shell.exchange.keys  # the RSA key is gone
    assert new.key_type == "ed25519"
    assert (new.name, new.scopes, new.subaccount) == ("bot", ("read", "write"), 3)
    assert shell.authenticates(new.api_key_id, shell.home / "ed.pem")
    assert not shell.authenticates(shell.key.api_key_id, shell.key_file)
    assert "export KALSHI_PRIVATE_KEY_PATH=" in result.out
