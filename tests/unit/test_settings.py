"""signed_client's settings: an object of the unmaintained httpx is refused, saying what to pass."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from kalshi_auth import (
    ConfigurationError,
    signed_client,
)

from ..conftest import BASE, ed25519_pem

httpx = pytest.importorskip("httpx", reason="the generator's dependency; absent, nothing to mix")


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"httpx_args": {"transport": httpx.HTTPTransport()}}, "httpx_args['transport']"),
        ({"httpx_args": {"mounts": {"all://": httpx.HTTPTransport()}}}, "['mounts']['all://']"),
        ({"httpx_args": {"limits": httpx.Limits(max_connections=5)}}, "httpx_args['limits']"),
        ({"timeout": httpx.Timeout(5.0)}, "timeout is an httpx.Timeout"),
    ],
    ids=["transport", "mount", "limits", "timeout"],
)
def test_an_httpx_object_is_refused_with_the_httpx2_name(
    settings: dict[str, Any], named: str, pkcs1_pem: bytes
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        signed_client(api_key_id="k1", private_key_pem=pkcs1_pem, base_url="https://k.test",
                      **settings)  # fmt: skip
    assert named in str(caught.value) and "httpx2." in str(caught.value)


def test_the_same_objects_from_httpx2_are_taken(pkcs1_pem: bytes) -> None:
    client = signed_client(
        api_key_id="k1",
        private_key_pem=pkcs1_pem,
        base_url="https://k.test",
        timeout=httpx2.Timeout(5.0),
        httpx_args={"limits": httpx2.Limits(max_connections=5), "mounts": {}},
    )
    assert isinstance(client.get_httpx_client(), httpx2.Client)
    client.close()


@pytest.mark.parametrize(
    ("base_url", "says"),
    [
        ("http://127.0.0.1:99999/trade-api/v2", "not a valid URL"),
        ("https://user:s3cret@kalshi.test/trade-api/v2", "user name or password"),
        ("http://[::1/trade-api/v2", "not a valid URL"),
        ("ftp://kalshi.test/trade-api/v2", "http(s)"),
    ],
)
def test_malformed_base_urls_are_configuration_errors(base_url: str, says: str) -> None:
    """Failed before: each escaped as a bare httpx exception instead of a ConfigurationError saying
    what to fix."""
    with pytest.raises(ConfigurationError, match=says.replace("(", r"\(").replace(")", r"\)")) as e:
        signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=base_url)
    assert "s3cret" not in str(e.value)


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1.0, 0.0,
                                     httpx2.Timeout(5.0, read=float("inf"))])  # fmt: skip
def test_impossible_timeouts_are_configuration_errors(timeout: float | httpx2.Timeout) -> None:
    """Failed before: each escaped at the first call as a bare OverflowError or httpx exception."""
    with pytest.raises(ConfigurationError, match="timeout"):
        signed_client(api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE,
                      timeout=timeout)  # fmt: skip
