"""The canary sweep: a fresh private key put into every input must leak nowhere.

Every string input of ``signed_client`` and ``KalshiAuth``, every ``ApiKeysApi`` method and
request-model field, every ``KALSHI_*`` variable, every ``kalshi-keys`` option and
positional, and every server field the CLI prints gets a fresh RSA or Ed25519 private key in
turn. For each, no body line of the key may appear in an exception's text or ``repr`` (its
whole cause/context chain), in any log record at DEBUG, in the CLI's output, or in any byte
that reaches the fake exchange. The inputs are enumerated from signatures, model fields, the
package's source and the CLI's own help, so a new input left out of the tables below fails.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.models import CreateApiKeyRequest, GenerateApiKeyRequest
from kalshi_auth import KalshiAuth, signed_client
from kalshi_auth.cli import build_parser
from kalshi_auth.testing import FakeExchange, serve

from ..cli_support import Shell

PACKAGE = Path(__file__).resolve().parent.parent.parent / "auth_ext" / "kalshi_auth"


def _pem(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


CANARIES = {
    "rsa": _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    "ed25519": _pem(ed25519.Ed25519PrivateKey.generate()),
}


@pytest.fixture(params=sorted(CANARIES))
def canary(request: pytest.FixtureRequest) -> str:
    return CANARIES[request.param]


def body_lines(pem: str) -> list[str]:
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


def assert_absent(pem: str, *texts: str) -> None:
    for text in texts:
        for line in body_lines(pem):
            assert line not in text, "a line of the canary key leaked"


def chain_text(error: BaseException | None) -> str:
    parts: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        parts += [str(error), repr(error)]
        error = error.__cause__ or error.__context__
    return "\n".join(parts)


class Recording(FakeExchange):
    """A fake exchange that keeps every byte it was sent: path, headers and body."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[str] = []

    def handle(self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes) -> Any:
        self.received.append(f"{method} {raw_path} {dict(headers)} {body.decode('latin-1')}")
        return super().handle(method, raw_path, headers, body)


@pytest.fixture
def exchange() -> Iterator[tuple[Recording, str, str, str]]:
    fake = Recording()
    key = fake.add_key(key_type="ed25519")
    assert key.private_key_pem is not None
    with serve(fake) as running:
        yield fake, running.base_url, key.api_key_id, key.private_key_pem.decode()


def run_sweep(
    call: Callable[[], object],
    pem: str,
    fake: Recording,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        try:
            result = call()
        except Exception as exc:  # the point: whatever it raises must hold no key line
            assert_absent(pem, chain_text(exc))
        else:
            assert_absent(pem, repr(result))
    assert_absent(pem, "\n".join(r.getMessage() for r in caplog.records), *fake.received)


# -- signed_client and KalshiAuth ------------------------------------------------------------

#: How to call signed_client with the canary in each of its string-taking parameters.
SIGNED_CLIENT_INPUTS: dict[str, Callable[[str, str, str, str], dict[str, Any]]] = {
    "api_key_id": lambda c, url, kid, pem: {"api_key_id": c, "private_key_pem": pem},
    "private_key_path": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_path": c},
    "private_key_pem": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_pem": c},
    "private_key_uri": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_uri": _uri(c)},
    "private_key_password": lambda c, url, kid, pem: {
        "api_key_id": kid, "private_key_pem": pem, "private_key_password": c},
    "environment": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_pem": pem,
                                             "environment": c, "base_url": None},
    "base_url": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_pem": pem,
                                          "base_url": c},
    "headers": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_pem": pem,
                                         "headers": {"X-Canary": c}},
    "kalshi_path_prefix": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_pem": pem,
                                                    "kalshi_path_prefix": c},
    "async_transport": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_pem": pem,
                                                 "async_transport": c},
    "environ": lambda c, url, kid, pem: {"environ": {"KALSHI_API_KEY_ID": c,
                                                     "KALSHI_PRIVATE_KEY_PEM": pem}},
    "httpx_args": lambda c, url, kid, pem: {"api_key_id": kid, "private_key_pem": pem,
                                            "httpx_args": {"params": {"q": c}}},
}  # fmt: skip
#: Parameters that take no string (numbers, objects, callables).
NOT_STRINGS = {"timeout", "max_retries", "retry", "raise_on_error", "auth", "clock", "signing_key"}


def _uri(canary: str) -> str:
    """A pkcs11: URI with the canary in every attribute a message could name."""
    c = quote(canary, safe="")
    return f"pkcs11:token={c};object={c}?module-path={c}&pin-value={c}"


def test_every_signed_client_parameter_is_swept() -> None:
    names = set(inspect.signature(signed_client).parameters)
    assert names == set(SIGNED_CLIENT_INPUTS) | NOT_STRINGS


@pytest.mark.parametrize("parameter", sorted(SIGNED_CLIENT_INPUTS))
def test_signed_client_inputs(
    parameter: str,
    canary: str,
    exchange: tuple[Recording, str, str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake, url, key_id, pem = exchange
    kwargs = {
        "base_url": url,
        "environ": {},
        **SIGNED_CLIENT_INPUTS[parameter](canary, url, key_id, pem),
    }

    def call() -> object:
        with signed_client(**kwargs) as client:
            return ApiKeysApi(client).get_api_keys()

    run_sweep(call, canary, fake, caplog)


def test_kalshi_auth_inputs(canary: str, tmp_path: Path) -> None:
    good = CANARIES["ed25519"] if canary != CANARIES["ed25519"] else CANARIES["rsa"]
    attempts: list[Callable[[], object]] = [
        lambda: KalshiAuth.from_pem(canary, good),
        lambda: KalshiAuth.from_key_file("k", canary),
        lambda: KalshiAuth.from_uri("k", _uri(canary)),
        lambda: KalshiAuth.from_uri("k", canary),
        lambda: KalshiAuth.from_pem("k", good, password=canary),
        lambda: KalshiAuth.from_env({"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": canary}),
        lambda: KalshiAuth(KalshiAuth.from_pem("k", good).signer, path_rewrite=(canary, "/x")),
    ]
    for attempt in attempts:
        try:
            result = attempt()
        except Exception as exc:
            assert_absent(canary, chain_text(exc))
        else:
            assert_absent(canary, repr(result))


# -- ApiKeysApi and the request models ---------------------------------------------------------


def _string_fields(model: type) -> list[str]:
    return [
        f.name for f in attrs.fields(model) if "str" in str(f.type) and "dict" not in str(f.type)
    ]


def test_every_api_method_and_model_string_is_swept() -> None:
    methods = {n for n, _ in inspect.getmembers(ApiKeysApi, inspect.isfunction) if n[0] != "_"}
    assert methods == {"get_api_keys", "create_api_key", "generate_api_key", "delete_api_key"}
    assert _string_fields(CreateApiKeyRequest) == ["name", "public_key", "fcm_subtrader_id"]
    assert _string_fields(GenerateApiKeyRequest) == ["name", "fcm_subtrader_id"]


def _api_calls(canary: str, public: str) -> list[Callable[[ApiKeysApi], object]]:
    calls: list[Callable[[ApiKeysApi], object]] = [
        lambda api: api.get_api_keys(fcm_subtrader_id=canary),
        lambda api: api.delete_api_key(canary),
    ]
    for field in _string_fields(CreateApiKeyRequest):
        fields: dict[str, Any] = {"name": "n", "public_key": public, field: canary}
        create = CreateApiKeyRequest(**fields)
        calls.append(functools.partial(ApiKeysApi.create_api_key, body=create))
    for field in _string_fields(GenerateApiKeyRequest):
        fields = {"name": "n", field: canary}
        generate = GenerateApiKeyRequest(**fields)
        calls.append(functools.partial(ApiKeysApi.generate_api_key, body=generate))
    return calls


def test_api_inputs(
    canary: str, exchange: tuple[Recording, str, str, str], caplog: pytest.LogCaptureFixture
) -> None:
    fake, url, key_id, pem = exchange
    public = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with signed_client(api_key_id=key_id, private_key_pem=pem, base_url=url) as client:
        api = ApiKeysApi(client)
        for call in _api_calls(canary, public):
            run_sweep(functools.partial(call, api), canary, fake, caplog)


# -- the environment and kalshi-keys ---------------------------------------------------------

#: Every KALSHI_* variable the package reads.
VARIABLES = {"KALSHI_API_KEY_ID", "KALSHI_PRIVATE_KEY_PATH", "KALSHI_PRIVATE_KEY_PEM",
             "KALSHI_PRIVATE_KEY_PASSWORD", "KALSHI_PRIVATE_KEY_URI", "KALSHI_PKCS11_MODULE",
             "KALSHI_PKCS11_PIN", "KALSHI_BASE_URL", "KALSHI_KEYS_DEBUG"}  # fmt: skip


def test_every_variable_the_package_reads_is_swept() -> None:
    found = {
        name
        for path in PACKAGE.rglob("*.py")
        for name in re.findall(r"KALSHI_[A-Z0-9_]+", path.read_text(encoding="utf-8"))
    }
    assert found == VARIABLES


@pytest.mark.parametrize("variable", sorted(VARIABLES))
def test_environment_inputs(variable: str, canary: str, shell: Shell) -> None:
    env = {**shell.env, variable: canary}
    if variable in ("KALSHI_PRIVATE_KEY_PEM", "KALSHI_PRIVATE_KEY_URI"):
        env.pop("KALSHI_PRIVATE_KEY_PATH", None)
    if variable in ("KALSHI_PKCS11_MODULE", "KALSHI_PKCS11_PIN"):  # read beside a URI only
        env = {**env, "KALSHI_PRIVATE_KEY_URI": "pkcs11:token=kalshi;object=bot"}
        env.pop("KALSHI_PRIVATE_KEY_PATH", None)
    for argv in (["list"], ["whoami"]):
        result = shell.run(*argv, env=env)
        assert_absent(canary, result.out, result.err)


def _help_of(*argv: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        build_parser().parse_args([*argv, "--help"])
    return out.getvalue()


def _options() -> dict[str, list[str]]:
    """Each command's options that take a value, read from the CLI's own --help."""
    top = _help_of()
    listing = top.split("COMMAND", 2)[-1]
    commands = re.findall(r"^    ([a-z]+)(?: \(([a-z]+)\))?", listing, re.MULTILINE)
    found: dict[str, list[str]] = {}
    for name, alias in commands:
        flags = sorted(set(re.findall(r"(--[a-z][a-z-]*) [A-Z{]", _help_of(name))))
        found[name] = flags
        if alias:
            found[alias] = flags
    return found


def test_every_option_that_takes_a_value_is_swept(canary: str, shell: Shell) -> None:
    options = _options()
    assert set(options) == {"keygen", "register", "generate", "list", "delete", "rotate",
                            "whoami", "check"}  # fmt: skip
    for command, flags in options.items():
        positional = ["6c0ffee0-0000-4000-8000-000000000000"] if command == "delete" else []
        for flag in flags:
            extra = (
                ["--name", "n"] if command in {"register", "generate"} and flag != "--name" else []
            )
            if command in {"keygen", "generate"} and flag != "--out":
                extra += ["--out", "fresh.pem"]
            result = shell.run(
                command,
                *positional,
                *extra,
                flag,
                canary,
                "--yes" if command == "delete" else "--json",
            )
            assert_absent(canary, result.out, result.err)


def test_positionals_and_server_fields_printed(canary: str, shell: Shell) -> None:
    result = shell.run("delete", canary, "--yes")
    assert_absent(canary, result.out, result.err)
    named = shell.exchange.add_key(name=canary, scopes=("read", canary), fcm_subtrader_id=canary)
    for argv in (["list"], ["list", "--json"], ["whoami"]):
        result = shell.run(*argv)
        assert_absent(canary, result.out, result.err)
    result = shell.run("delete", named.api_key_id, stdin="n\n")  # the prompt names the key
    assert_absent(canary, result.out, result.err)
    shell.exchange.fcm_member, shell.exchange.mint_warning = True, canary  # Kalshi's warning
    result = shell.run("generate", "--name", "w", "--fcm-subtrader-id", "fakeuser_w1",
                       "--out", "w.pem")  # fmt: skip
    assert result.code == 0, result.err
    assert_absent(canary, result.out, result.err)
