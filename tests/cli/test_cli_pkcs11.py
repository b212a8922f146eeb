"""kalshi-keys with keys in a PKCS#11 token (cli/_token, and the token paths of _handlers and
_rotate) against a real SoftHSM2 token and the fake exchange.

The SDK side of token keys is tests/client/test_pkcs11.py.
"""

from __future__ import annotations

import io
import itertools
import json

import pytest
from cryptography.hazmat.primitives import serialization
from kalshi_auth._pkcs11 import open_pkcs11_key
from kalshi_auth.cli import main
from kalshi_auth.cli._console import Console
from kalshi_auth.testing import FakeResponse

from ..cli_support import GATEWAY, Shell
from ..pkcs11_support import Token

_labels = itertools.count()


def label(what: str) -> str:
    return f"cli-{what}-{next(_labels)}"


def _token_env(shell: Shell, token: Token) -> dict[str, str]:
    """The shell's key ID and a PIN for the token; the signing key is given per command."""
    return {"KALSHI_API_KEY_ID": shell.key.api_key_id, "KALSHI_PKCS11_PIN": token.pin}


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_keygen_into_the_token_then_register_its_public_half_then_use_it(
    shell: Shell, softhsm_token: Token, key_type: str
) -> None:
    uri = softhsm_token.uri(label("keygen"), pin=None)
    made = shell.run("keygen", "--key-type", key_type, "--out", uri,
                     env={"KALSHI_PKCS11_PIN": softhsm_token.pin})  # fmt: skip
    assert made.code == 0, made.err
    assert "non-extractable" in made.out and softhsm_token.pin not in made.text
    assert list(shell.home.iterdir()) == [shell.key_file]  # no file was written

    registered = shell.run("register", "--name", "hsm", "--public-key", uri, "--json",
                           env={**shell.env, "KALSHI_PKCS11_PIN": softhsm_token.pin})  # fmt: skip
    assert registered.code == 0, registered.err
    answer = json.loads(registered.out)
    assert answer["key_type"] == key_type and answer["how"] == "register-token-key"
    assert "pin" not in answer["private_key_uri"]

    env = {"KALSHI_API_KEY_ID": answer["api_key_id"], "KALSHI_PKCS11_PIN": softhsm_token.pin,
           "KALSHI_PRIVATE_KEY_URI": answer["private_key_uri"]}  # fmt: skip
    who = shell.run("whoami", env=env)
    assert who.code == 0, who.err
    assert f"key type: {key_type} (from the key in the token" in who.out
    listed = shell.run("list", "--key-uri", answer["private_key_uri"],
                       env={**env, "KALSHI_PRIVATE_KEY_URI": ""})  # fmt: skip
    assert listed.code == 0 and f"* {answer['api_key_id']}" in " ".join(listed.out.split())


def test_register_out_makes_the_pair_in_the_token_and_registers_it(
    shell: Shell, softhsm_token: Token
) -> None:
    uri = softhsm_token.uri(label("register"), pin=None)
    done = shell.run("register", "--name", "in-token", "--key-type", "ed25519", "--out", uri,
                     env={**shell.env, "KALSHI_PKCS11_PIN": softhsm_token.pin})  # fmt: skip
    assert done.code == 0, done.err
    assert "export KALSHI_PRIVATE_KEY_URI=" in done.out
    key = open_pkcs11_key(uri, environ={"KALSHI_PKCS11_PIN": softhsm_token.pin})

    def spki(public: object) -> bytes:
        return public.public_bytes(  # type: ignore[attr-defined, no-any-return]
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    assert any(spki(k.public_key) == spki(key.public_key()) for k in shell.exchange.keys)


def test_rotate_from_a_key_file_to_a_token_key_and_on_to_another(
    shell: Shell, softhsm_token: Token
) -> None:
    first = softhsm_token.uri(label("rotate-a"), pin=None)
    env = {**shell.env, "KALSHI_PKCS11_PIN": softhsm_token.pin}
    moved = shell.run("rotate", "--out", first, "--json", env=env)
    assert moved.code == 0, moved.err
    answer = json.loads(moved.out)
    ids = {k.api_key_id for k in shell.exchange.keys}
    assert shell.key.api_key_id not in ids and answer["api_key_id"] in ids  # old key deleted
    new = next(k for k in shell.exchange.keys if k.api_key_id == answer["api_key_id"])
    assert (new.name, tuple(new.scopes), new.subaccount) == ("bot", ("read", "write"), 3)

    second = softhsm_token.uri(label("rotate-b"), pin=None)
    token_env = {"KALSHI_API_KEY_ID": answer["api_key_id"], "KALSHI_PKCS11_PIN": softhsm_token.pin,
                 "KALSHI_PRIVATE_KEY_URI": answer["private_key_uri"]}  # fmt: skip
    again = shell.run("rotate", "--out", second, "--key-type", "ed25519", env=token_env)
    assert again.code == 0, again.err
    assert [k.name for k in shell.exchange.keys] == ["bot"]
    assert all(r.authenticated for r in shell.exchange.requests)


def test_rotate_to_a_token_key_that_fails_its_proof_leaves_the_old_key_working(
    shell: Shell, softhsm_token: Token
) -> None:
    def fail_the_new_keys_calls(method: str, path: str, response: FakeResponse) -> None:
        new_id = json.loads(response.body)["api_key_id"]
        shell.exchange.fail("GET", "/api_keys", 401, key_id=new_id)

    shell.exchange.after("POST", "/api_keys", fail_the_new_keys_calls)
    uri = softhsm_token.uri(label("rotate-fail"), pin=None)
    env = {**shell.env, "KALSHI_PKCS11_PIN": softhsm_token.pin}
    done = shell.run("rotate", "--out", uri, env=env)
    assert done.code == 1
    assert "Your old key is unchanged and still works" in done.err
    assert "its pair left in token" in done.err
    assert shell.key_ids() == {shell.key.api_key_id}  # the new key was withdrawn
    assert shell.authenticates(shell.key.api_key_id, shell.key_file)


def test_file_only_options_are_refused_for_token_keys(shell: Shell, softhsm_token: Token) -> None:
    uri = softhsm_token.uri(label("refused"), pin=None)
    done = shell.run("keygen", "--out", uri, "--encrypt", env={})
    assert done.code == 2 and "--encrypt: not for a key made in a PKCS#11 token" in done.err
    bad = shell.run("keygen", "--out", "pkcs11:token=t;label=x", env={})
    assert bad.code == 2 and "unknown path attribute 'label'" in bad.err
    both = shell.run("list", "--key-file", "bot.pem", "--key-uri", uri, env=shell.env)
    assert both.code == 2 and "not allowed with argument" in both.err


def test_no_pin_and_no_terminal_says_how_to_give_it(shell: Shell, softhsm_token: Token) -> None:
    uri = softhsm_token.uri(label("nopin"), pin=None)
    done = shell.run("keygen", "--out", uri, env={})
    assert done.code == 1
    assert "needs its user PIN: set KALSHI_PKCS11_PIN" in done.err


class _Terminal(Console):
    """A terminal whose user types ``pin`` at each prompt; the prompts are kept."""

    def __init__(self, pin: str) -> None:
        self.said, self.shown = io.StringIO(), io.StringIO()
        super().__init__(stdout=self.shown, stderr=self.said, stdin=io.StringIO())
        self.pin = pin
        self.prompts: list[str] = []

    def interactive(self) -> bool:
        return True

    def secret(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.pin


def test_the_pin_is_asked_on_a_terminal_once_and_never_shown(
    shell: Shell, softhsm_token: Token
) -> None:
    uri = softhsm_token.uri(label("prompted"), pin=None)
    terminal = _Terminal(softhsm_token.pin)
    code = main(["--base-url", shell.base_url, "keygen", "--out", uri], environ={},
                console_factory=lambda: terminal)  # fmt: skip
    assert code == 0, terminal.said.getvalue()
    assert terminal.prompts == ["PIN for the PKCS#11 token: "]
    assert softhsm_token.pin not in terminal.said.getvalue() + terminal.shown.getvalue()


def test_a_lost_answer_after_registering_a_token_key_finds_the_key(
    shell: Shell, softhsm_token: Token
) -> None:
    """A gateway's 502 after Kalshi made the key: the new key is found by name among the IDs
    that did not exist before, and reported; its private half never left the token."""
    shell.exchange.after("POST", "/api_keys", lambda method, path, response: GATEWAY)
    uri = softhsm_token.uri(label("lost"), pin=None)
    done = shell.run("register", "--name", "lost-answer", "--out", uri, "--json",
                     env={**shell.env, "KALSHI_PKCS11_PIN": softhsm_token.pin})  # fmt: skip
    assert done.code == 0, done.err
    assert "found the new key" in done.err
    made = json.loads(done.out)["api_key_id"]
    assert made in shell.key_ids() and made != shell.key.api_key_id
