"""Helpers for the kalshi-keys tests: a scriptable fake exchange and ways to run the CLI."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, get_api_keys
from kalshi_api_keys_client.models import GetApiKeysResponse
from kalshi_auth import (
    AuthenticationError,
    KalshiClient,
    RetryPolicy,
    load_private_key,
    signed_client,
)
from kalshi_auth._signingkey import PublicKey
from kalshi_auth.cli import main
from kalshi_auth.cli._console import Console
from kalshi_auth.testing import FakeExchange, FakeKey, FakeResponse, UsageTier, serve

BIN = Path(sys.executable).parent
#: Runs after a matching request; may return a different response to send instead.
Hook = Callable[[str, str, FakeResponse], FakeResponse | None]


@dataclass
class _Rule:
    method: str
    path_suffix: str
    status: int
    times: int
    key_id: str | None


class ScriptedExchange(FakeExchange):
    """A FakeExchange that fails chosen requests or runs a hook after them."""

    def __init__(self, *, usage_tier: UsageTier = "premier") -> None:
        super().__init__(usage_tier=usage_tier)
        self._rules: list[_Rule] = []
        self._hooks: list[tuple[str, str, Hook]] = []

    def fail(
        self,
        method: str,
        path_suffix: str,
        status: int = 500,
        *,
        times: int = 1,
        key_id: str | None = None,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` (as inject_faults)."""
        self._rules.append(_Rule(method, path_suffix, status, times, key_id))

    def after(self, method: str, path_suffix: str, hook: Hook) -> None:
        """Call ``hook(method, path, response)`` after each matching request is handled."""
        self._hooks.append((method, path_suffix, hook))

    def handle(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        path = raw_path.split("?", 1)[0]
        key_id = {k.lower(): v for k, v in headers.items()}.get("kalshi-access-key")
        for rule in self._rules:
            if (
                rule.times > 0
                and rule.method == method
                and path.endswith(rule.path_suffix)
                and rule.key_id in (None, key_id)
            ):
                rule.times -= 1
                self.inject_faults(rule.status)
                break
        response = super().handle(method, raw_path, headers, body)
        for hook_method, suffix, hook in self._hooks:
            if hook_method == method and path.endswith(suffix):
                response = hook(method, path, response) or response
        return response


@dataclass(frozen=True)
class Result:
    """What one kalshi-keys run did."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Shell:
    """A served fake exchange, a bootstrap key on disk, and the environment that uses it."""

    exchange: ScriptedExchange
    base_url: str
    key: FakeKey
    key_file: Path
    home: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(
        self,
        *argv: str,
        stdin: str = "",
        env: Mapping[str, str] | None = None,
        secret_ok: bool = False,
    ) -> Result:
        """kalshi-keys in this process, against the fake (``--base-url`` prepended)."""
        out, err = io.StringIO(), io.StringIO()
        console = Console(stdout=out, stderr=err, stdin=io.StringIO(stdin))
        code = main(
            ["--base-url", self.base_url, *argv],
            environ=self.env if env is None else env,
            console_factory=lambda: console,
        )
        result = Result(code, out.getvalue(), err.getvalue())
        if not secret_ok:
            assert_no_secrets(result.text, *self.known_pems())
        return result

    def shell(self, *argv: str, stdin: str = "", module: bool = False) -> Result:
        """kalshi-keys as a user runs it: the console script (or ``python -m kalshi_auth``)."""
        command = [sys.executable, "-m", "kalshi_auth"] if module else [str(BIN / "kalshi-keys")]
        done = subprocess.run(
            [*command, "--base-url", self.base_url, *argv],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            cwd=self.home,
            env={**minimal_env(), **self.env},
        )
        result = Result(done.returncode, done.stdout, done.stderr)
        assert_no_secrets(result.text, *self.known_pems())
        return result

    def known_pems(self) -> list[bytes]:
        """Every private key file in the working directory, and the bootstrap key."""
        pems = [self.key_file.read_bytes()] if self.key_file.exists() else []
        for path in (p for p in self.home.glob("*.pem") if p.is_file()):
            data = path.read_bytes()
            if b"PRIVATE KEY" in data:
                pems.append(data)
        return pems

    def authenticates(self, api_key_id: str, key_file: Path, password: str | None = None) -> bool:
        """Whether a signed call with this key ID and key file succeeds right now."""
        with signed_client(
            api_key_id=api_key_id,
            private_key_path=key_file,
            private_key_password=password,
            base_url=self.base_url,
            environ={},
        ) as client:
            try:
                return isinstance(get_api_keys.sync(client=client), GetApiKeysResponse)
            except AuthenticationError:
                return False

    def key_ids(self) -> set[str]:
        return {key.api_key_id for key in self.exchange.keys}


def minimal_env() -> dict[str, str]:
    """Just enough of the environment for a subprocess; no KALSHI_* leaks in from outside."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
    return {name: os.environ[name] for name in keep if name in os.environ}


def assert_no_secrets(text: str, *pems: bytes) -> None:
    """No PEM armour in ``text``, nor any base64 line of the given private keys."""
    assert "PRIVATE KEY" not in text, "private key material in CLI output"
    assert "-----BEGIN" not in text, "PEM material in CLI output"
    for pem in pems:
        for line in pem.decode("ascii").splitlines():
            if not line.startswith("-----"):
                assert line not in text, "a line of a private key in CLI output"


def files_in(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


def new_keys(shell: Shell) -> list[FakeKey]:
    """The keys on the shell's exchange apart from the one it signs with."""
    return [k for k in shell.exchange.keys if k.api_key_id != shell.key.api_key_id]


def same_key(private_file: Path, public: PublicKey) -> bool:
    """Whether the private key in ``private_file`` is the other half of ``public``."""
    spki = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    mine = load_private_key(private_file).public_key().public_bytes(*spki)
    return mine == public.public_bytes(*spki)


#: A gateway's answer after Kalshi acted on the request (its own answer lost).
GATEWAY = FakeResponse(502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"})


@dataclass
class Account:
    """A served ScriptedExchange, its admin key, and a client signed with that key."""

    exchange: ScriptedExchange
    admin: FakeKey
    client: KalshiClient

    def others(self) -> list[FakeKey]:
        return [k for k in self.exchange.keys if k.api_key_id != self.admin.api_key_id]

    def works(self, api_key_id: str, key_file: Path) -> bool:
        with signed_client(
            api_key_id=api_key_id,
            private_key_path=key_file,
            base_url=str(self.client._base_url),
            environ={},
        ) as client:
            listed = ApiKeysApi(client).get_api_keys().api_keys
        return any(key.api_key_id == api_key_id for key in listed)


def serve_account(retry: RetryPolicy | None = None) -> Iterator[Account]:
    """An Account for the length of the generator (the ``account`` fixture's, or a test's)."""
    exchange = ScriptedExchange()
    admin = exchange.add_key(name="admin")
    assert admin.private_key_pem is not None
    with serve(exchange) as running:
        client = signed_client(
            api_key_id=admin.api_key_id,
            private_key_pem=admin.private_key_pem,
            base_url=running.base_url,
            retry=retry,
        )
        with client:
            yield Account(exchange, admin, client)
