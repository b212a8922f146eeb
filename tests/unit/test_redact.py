"""Unit tests of ``kalshi_auth._redact``: the one function that may show a user's value.

Where it is applied (key errors, transport errors, the CLI's writer) is swept end to end in
``test_secrets_sweep.py``; the tripwire built on it in ``test_tripwire.py``.
"""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from kalshi_auth._redact import holds_key_material, scrub, shown

Key = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


def private_pem(key: Key, fmt: serialization.PrivateFormat) -> str:
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode()


@pytest.fixture(scope="module", params=["rsa-pkcs8", "rsa-pkcs1", "ed25519"])
def pem(request: pytest.FixtureRequest, rsa_key: rsa.RSAPrivateKey) -> str:
    if request.param == "ed25519":
        return private_pem(ed25519.Ed25519PrivateKey.generate(), serialization.PrivateFormat.PKCS8)
    fmt = request.param.endswith("pkcs8")
    chosen = (
        serialization.PrivateFormat.PKCS8 if fmt else serialization.PrivateFormat.TraditionalOpenSSL
    )
    return private_pem(rsa_key, chosen)


def body_lines(pem: str) -> list[str]:
    return [line for line in pem.splitlines() if not line.startswith("-----")]


@pytest.mark.parametrize("form", ["pem", "one-line", "body", "body-one-line", "first-line"])
def test_key_material_in_any_form_is_described_not_shown(pem: str, form: str) -> None:
    body = body_lines(pem)
    value = {
        "pem": pem,
        "one-line": pem.strip().replace("\n", "\\n"),
        "body": "\n".join(body),
        "body-one-line": "".join(body),
        "first-line": body[0],
    }[form]
    assert holds_key_material(value)
    described = shown(value)
    assert "not shown" in described
    assert not any(line in described for line in body)


@pytest.mark.parametrize(
    "value",
    ["kalshi.pem", "~/.kalshi/bot.pem", "/home/Alice2024/projects/kalshiTradingBots/keys/prod.pem",
     "C:\\Users\\me\\kalshi\\bot-1.pem", str(uuid.uuid4()), "a~b c%7E/%2F.."],
)  # fmt: skip
def test_plausible_paths_and_ids_are_shown_as_given(value: str) -> None:
    assert not holds_key_material(value)
    assert shown(value) == repr(value)


def test_long_or_multi_line_values_are_described() -> None:
    assert shown("x" * 300) == "<300 characters (too long for a path or an ID), not shown>"
    assert "not shown" in shown("two\nlines") and "two" not in shown("two\nlines")
    assert "not shown" in shown("\x1b]0;title\x07")


def test_scrub_keeps_text_and_removes_only_key_material(pem: str) -> None:
    text = f"argument --key-file: invalid value {pem!r} for a path"
    scrubbed = scrub(text)
    assert "argument --key-file: invalid value" in scrubbed
    assert not any(line in scrubbed for line in body_lines(pem))
    assert scrub("nothing secret: kalshi.pem") == "nothing secret: kalshi.pem"
