"""Which key and key ID a client signs with (``_credentials``): arguments and ``KALSHI_*``
variables, refused with a named reason before anything is sent. Parsing a key's bytes:
tests/unit/test_keys.py."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from kalshi_auth import (
    KeyLoadError,
    signed_client,
)
from kalshi_auth._credentials import resolve_credentials

from ..conftest import BASE, ed25519_pem

ARMOUR = "-----BEGIN PRIVATE" + " KEY-----"  # split: no key armour in tracked files


@pytest.mark.parametrize(
    "key_id",
    [
        f"{ARMOUR}\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n",
        f"{ARMOUR}\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n",
        "5f6c5a3e 0000",
        "5f6c5a3e\x00",
        "5f6c5a3e-\u00e9",
        "k" * 129,
    ],
    ids=["pem", "pem-one-line", "space", "control", "non-ascii", "too-long"],
)
def test_impossible_key_ids_are_refused_before_anything_is_sent(key_id: str) -> None:
    """Failed before: a PEM given as the key ID came back whole in a KalshiConnectionError, and its
    one-line form was sent in KALSHI-ACCESS-KEY."""
    sent: list[httpx2.Request] = []

    def record(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return httpx2.Response(200)

    transport = httpx2.MockTransport(record)
    with pytest.raises(KeyLoadError) as err:
        signed_client(
            environ={"KALSHI_API_KEY_ID": key_id, "KALSHI_PRIVATE_KEY_PEM": ed25519_pem().decode()},
            base_url=BASE, httpx_args={"transport": transport},
        )  # fmt: skip
    assert err.value.reason == "invalid_key_id"
    assert "MIIEvQ" not in str(err.value) and key_id not in str(err.value)
    assert sent == []


def test_both_key_variables_set_is_named(tmp_path: Path) -> None:
    """Failed before: the error did not say which two variables clash."""
    env = {"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PATH": str(tmp_path / "k.pem"),
           "KALSHI_PRIVATE_KEY_PEM": ed25519_pem().decode()}  # fmt: skip
    with pytest.raises(
        KeyLoadError, match="both KALSHI_PRIVATE_KEY_PATH and KALSHI_PRIVATE_KEY_PEM"
    ):
        resolve_credentials(environ=env)


def test_the_password_variable_does_not_break_an_explicit_plain_key(tmp_path: Path) -> None:
    """Failed before: KALSHI_PRIVATE_KEY_PASSWORD, meant for another key, broke loading an
    unencrypted key file given as an argument."""
    (tmp_path / "k.pem").write_bytes(ed25519_pem())
    env = {"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PASSWORD": "meant-for-another-key"}
    credentials = resolve_credentials(private_key_path=tmp_path / "k.pem", environ=env)
    assert isinstance(credentials.private_key, ed25519.Ed25519PrivateKey)


def test_crlf_escapes_in_an_environment_pem(rsa_key: rsa.RSAPrivateKey) -> None:
    """Failed before: \\r\\n escapes in KALSHI_PRIVATE_KEY_PEM were not read like \\n; the key
    did not load."""
    pem = rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()  # fmt: skip
    escaped = pem.strip().replace("\n", "\\r\\n")
    env = {"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PEM": escaped}
    assert isinstance(resolve_credentials(environ=env).private_key, rsa.RSAPrivateKey)
