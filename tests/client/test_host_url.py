"""Which host a client talks to (_settings.host_url, and kalshi-keys' Connection): an argument,
else KALSHI_BASE_URL, else production. Malformed URLs: tests/unit/test_settings.py."""

from __future__ import annotations

import pytest
from kalshi_auth import ConfigurationError

from ..cli_support import Shell


def test_kalshi_base_url_is_the_host_when_neither_environment_nor_base_url_is_given() -> None:
    from kalshi_auth._settings import ENVIRONMENTS, host_url

    env = {"KALSHI_BASE_URL": "http://127.0.0.1:8080/trade-api/v2/"}
    assert host_url(None, None, env) == "http://127.0.0.1:8080/trade-api/v2"
    assert host_url("demo", None, env) == ENVIRONMENTS["demo"]  # an argument wins
    assert host_url(None, "https://proxy.example/v2", env) == "https://proxy.example/v2"
    assert host_url(None, None, {}) == ENVIRONMENTS["prod"]
    with pytest.raises(ConfigurationError) as caught:
        host_url(None, None, {"KALSHI_BASE_URL": "http://kalshi.example/v2"})
    assert str(caught.value).startswith("KALSHI_BASE_URL 'http://kalshi.example/v2' uses plain")


def test_kalshi_keys_takes_its_host_from_kalshi_base_url(shell: Shell) -> None:
    import io

    from kalshi_auth.cli import main
    from kalshi_auth.cli._console import Console

    out, err = io.StringIO(), io.StringIO()
    console = Console(stdout=out, stderr=err, stdin=io.StringIO())
    env = {**shell.env, "KALSHI_BASE_URL": shell.base_url}
    assert main(["whoami"], environ=env, console_factory=lambda: console) == 0, err.getvalue()
    assert f"works on {shell.base_url}" in out.getvalue()
