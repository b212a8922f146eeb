"""signed_client's settings, checked one by one: each refusal says what to pass instead."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import math
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Literal

import httpx2

from ._auth import is_loopback
from ._errors import ConfigurationError
from ._redact import shown
from ._retry import RetryPolicy

__all__ = [
    "ENVIRONMENTS",
    "ENV_BASE_URL",
    "AsyncTransport",
    "Environment",
    "check_async_transport",
    "check_httpx_args",
    "check_no_key_settings",
    "check_timeout",
    "host_url",
    "refuse_httpx_object",
    "retry_policy",
]

Environment = Literal["prod", "demo"]
#: What carries async requests: httpx2's own stack, or aiohttp (the ``aiohttp`` extra).
AsyncTransport = Literal["httpx", "aiohttp"]

#: Kalshi's recommended Trade API hosts (the official spec's first server of each kind).
ENVIRONMENTS: Mapping[Environment, str] = {
    "prod": "https://external-api.kalshi.com/trade-api/v2",
    "demo": "https://external-api.demo.kalshi.co/trade-api/v2",
}


#: The API root to use when neither ``environment`` nor ``base_url`` is given (e.g. the fake
#: exchange's, which ``python -m kalshi_auth.testing`` prints).
ENV_BASE_URL = "KALSHI_BASE_URL"


def host_url(
    environment: Environment | None,
    base_url: str | None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """The API root: ``base_url`` checked, else the environment's, else ``KALSHI_BASE_URL``
    from ``environ`` (default os.environ), else production."""
    if environment is not None and base_url is not None:
        raise ConfigurationError("pass environment or base_url, not both")
    if environment is not None and environment not in ENVIRONMENTS:
        raise ConfigurationError(
            f"environment must be one of {sorted(ENVIRONMENTS)}, not {shown(environment)}"
        )
    if base_url is not None:
        return _check_base_url(base_url)
    if environment is None:
        from_env = (os.environ if environ is None else environ).get(ENV_BASE_URL) or None
        if from_env is not None:
            return _check_base_url(from_env, ENV_BASE_URL)
    return ENVIRONMENTS[environment or "prod"]


def retry_policy(retry: RetryPolicy | None, max_retries: int | None) -> RetryPolicy:
    """The policy given, or the default one with ``max_retries``."""
    if retry is not None and max_retries is not None:
        raise ConfigurationError("pass max_retries or retry, not both")
    if retry is not None:
        return retry
    return RetryPolicy() if max_retries is None else RetryPolicy(max_retries=max_retries)


def check_no_key_settings(
    given: Mapping[str, object], clock: Callable[[], float] = time.time
) -> None:
    """Beside a ready ``auth``, key settings would be ignored: refuse them."""
    named = [name for name, value in given.items() if value is not None]
    if clock is not time.time:
        named.append("clock")
    if named:
        raise ConfigurationError(
            f"pass auth or key settings, not both: {', '.join(named)} would be ignored "
            "next to a ready auth (build the KalshiAuth with them instead)"
        )


def _check_base_url(base_url: str, what: str = "base_url") -> str:
    try:
        url = httpx2.URL(base_url)
        if url.port is not None and not 0 < url.port < 65536:
            raise ValueError(f"port {url.port} is out of range")
    except (httpx2.InvalidURL, ValueError, TypeError) as exc:
        raise ConfigurationError(
            f"{what} is not a valid URL ({shown(str(exc))}); expected e.g. "
            "https://external-api.kalshi.com/trade-api/v2"
        ) from None
    if url.scheme not in {"http", "https"} or not url.host:
        raise ConfigurationError(f"{what} {shown(base_url)} must be an http(s) URL with a host")
    if url.userinfo:
        raise ConfigurationError(
            f"{what} must not carry a user name or password; Kalshi authenticates by "
            "signature, and credentials in a URL end up in logs"
        )
    if url.query or url.fragment:
        raise ConfigurationError(f"{what} {shown(base_url)} must not have a query or fragment")
    if url.scheme == "http" and not is_loopback(url.host):
        raise ConfigurationError(
            f"{what} {shown(base_url)} uses plain http to a non-loopback host; signed requests "
            "could be replayed by anyone on the path. Use https."
        )
    if url.path.rstrip("/").endswith("/trade-api/v2/trade-api/v2"):
        raise ConfigurationError(f"{what} {shown(base_url)} repeats /trade-api/v2")
    return base_url.rstrip("/")


def check_timeout(timeout: float | httpx2.Timeout) -> httpx2.Timeout:
    refuse_httpx_object(timeout, "timeout")
    if isinstance(timeout, httpx2.Timeout):
        values = [timeout.connect, timeout.read, timeout.write, timeout.pool]
    elif isinstance(timeout, int | float) and not isinstance(timeout, bool):
        values = [timeout]
    else:
        raise ConfigurationError("timeout must be seconds (a number) or an httpx2.Timeout")
    for value in values:
        if value is not None and (not math.isfinite(value) or value <= 0):
            raise ConfigurationError(
                f"timeout must be a finite number of seconds above 0, not {value!r}"
            )
    return timeout if isinstance(timeout, httpx2.Timeout) else httpx2.Timeout(timeout)


#: What signed_client decides itself, and the argument to use instead of httpx_args.
_OWN_SETTINGS = {
    "auth": "auth=",
    "base_url": "base_url= or environment=",
    "verify": "nothing: TLS is always verified",
    "headers": "headers=",
    "follow_redirects": "nothing: redirects are never followed (the signature covers the path)",
    "timeout": "timeout=",
    "cookies": "nothing: Kalshi does not use cookies",
}


def check_httpx_args(httpx_args: Mapping[str, Any] | None) -> dict[str, Any]:
    """``httpx_args`` as a dict, if it sets nothing signed_client controls itself and holds no
    object of the unmaintained ``httpx``, which the ``httpx2`` clients cannot use."""
    extra = dict(httpx_args or {})
    overridden = sorted(set(extra) & set(_OWN_SETTINGS))
    if overridden:
        instead = "; ".join(f"{name}: use {_OWN_SETTINGS[name]}" for name in overridden)
        raise ConfigurationError(f"httpx_args must not set what signed_client controls ({instead})")
    for name, value in extra.items():
        values = (
            value.items() if name == "mounts" and isinstance(value, Mapping) else [(None, value)]
        )
        for key, each in values:
            where = f"httpx_args[{name!r}]" + ("" if key is None else f"[{shown(str(key))}]")
            refuse_httpx_object(each, where)
    return extra


def refuse_httpx_object(value: object, where: str) -> None:
    """Refuse an ``httpx``/``httpcore`` object (a transport, limits, a timeout, a proxy) where
    an ``httpx2`` one is needed: the two libraries' types do not mix."""
    module = type(value).__module__.split(".", 1)[0]
    if module in ("httpx", "httpcore"):
        raise ConfigurationError(
            f"{where} is an {module}.{type(value).__name__}; kalshi-api-keys runs on httpx2, "
            "httpx's maintained continuation with the same API: build it with "
            f"{module}2 instead (import {module}2; {module}2.{type(value).__name__}(...))"
        )


#: httpx_args that shape httpx2's own transport, which async_transport="aiohttp" replaces.
_HTTPX_TRANSPORT_SETTINGS = ("transport", "mounts", "proxy", "http1", "http2", "cert")


def check_async_transport(name: str, httpx_args: Mapping[str, Any]) -> None:
    if name == "httpx":
        return
    if name != "aiohttp":
        raise ConfigurationError(f"async_transport must be 'httpx' or 'aiohttp', not {shown(name)}")
    if importlib.util.find_spec("aiohttp") is None:
        raise ConfigurationError(
            "async_transport='aiohttp' needs aiohttp: pip install 'kalshi-api-keys[aiohttp]'"
        )
    version = importlib.metadata.version("aiohttp")
    if tuple(int(part) for part in version.split(".")[:2] if part.isdigit()) < (3, 11):
        # Before 3.11 aiohttp re-sends a dropped GET/DELETE itself, on the same signature.
        raise ConfigurationError(
            f"async_transport='aiohttp' needs aiohttp >= 3.11, not {version}: "
            "pip install 'kalshi-api-keys[aiohttp]'"
        )
    clashing = [key for key in _HTTPX_TRANSPORT_SETTINGS if key in httpx_args]
    if clashing:
        raise ConfigurationError(
            f"httpx_args {', '.join(clashing)} configure httpx2's own transport, which "
            "async_transport='aiohttp' replaces for async calls; drop them or use the default "
            "async_transport='httpx'"
        )
