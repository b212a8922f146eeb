"""Which host and which credentials the CLI uses: flags first, then the KALSHI_* variables."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kalshi_api_keys_client.api.api_keys import get_api_keys
from kalshi_api_keys_client.models import ApiKey, GetApiKeysResponse
from kalshi_api_keys_client.types import UNSET

from .._client import ENVIRONMENTS, Environment, KalshiClient, signed_client
from .._errors import KeyLoadError
from .._keys import ENV_KEY_PATH
from .._retry import RetryPolicy
from ._console import Console
from ._newkey import unexpected

__all__ = ["Connection", "find_key", "list_keys"]

EventHooks = Mapping[str, list[Callable[[Any], Any]]]


@dataclass(frozen=True)
class Connection:
    """Where and as whom to call Kalshi; ``None`` fields fall back to the environment."""

    environ: Mapping[str, str]
    key_id: str | None = None
    key_file: Path | None = None
    environment: Environment | None = None
    base_url: str | None = None
    timeout: float = 10.0
    #: The password of an encrypted key file (from --password-env), if given.
    password: str | None = field(default=None, repr=False)
    #: When the command's time with Kalshi runs out: set by its first request.
    _deadline: list[float] = field(default_factory=list, repr=False, compare=False)

    def retry(self) -> RetryPolicy:
        """Retries that stop when the command's --timeout is spent, counted from its first call."""
        if not self._deadline:
            self._deadline.append(time.monotonic() + self.timeout)
        return RetryPolicy(deadline=self._deadline[0])

    @property
    def url(self) -> str:
        if self.base_url is not None:
            return self.base_url.rstrip("/")
        return ENVIRONMENTS[self.environment or "prod"]

    @property
    def key_source(self) -> str:
        """Where the private key comes from, for messages (a path or a variable name)."""
        if self.key_file is not None:
            return str(self.key_file)
        return self.environ.get(ENV_KEY_PATH) or "KALSHI_PRIVATE_KEY_PEM"

    @property
    def key_directory(self) -> Path | None:
        """The directory of the current private key file, if it comes from a file."""
        path = self.key_file or self.environ.get(ENV_KEY_PATH)
        return Path(path).expanduser().parent if path else None

    def client(self, console: Console, *, event_hooks: EventHooks | None = None) -> KalshiClient:
        """A signed client for the configured key; asks for the key's passphrase if needed."""
        try:
            return self._client(self.password, event_hooks)
        except KeyLoadError as exc:
            if exc.reason != "password_required" or not console.interactive():
                raise
        return self._client(console.secret("Passphrase for the private key: "), event_hooks)

    def _client(self, password: str | None, event_hooks: EventHooks | None) -> KalshiClient:
        return signed_client(
            api_key_id=self.key_id,
            private_key_path=self.key_file,
            private_key_password=password,
            environment=self.environment,
            base_url=self.base_url,
            timeout=self.timeout,
            retry=self.retry(),
            environ=self.environ,
            httpx_args={"event_hooks": dict(event_hooks)} if event_hooks else None,
        )

    def client_for(self, api_key_id: str, key_file: Path, password: bytes | None) -> KalshiClient:
        """A signed client for another key on the same host (e.g. a freshly made one)."""
        return signed_client(
            api_key_id=api_key_id,
            private_key_path=key_file,
            private_key_password=password,
            base_url=self.url,
            timeout=self.timeout,
            retry=self.retry(),
            environ={},
        )


def list_keys(client: KalshiClient, *, fcm_subtrader_id: str | None = None) -> GetApiKeysResponse:
    """GetApiKeys, narrowed to the success model (errors have already raised)."""
    listed = get_api_keys.sync(
        client=client, fcm_subtrader_id=UNSET if fcm_subtrader_id is None else fcm_subtrader_id
    )
    if not isinstance(listed, GetApiKeysResponse):
        raise unexpected("getApiKeys", listed)
    return listed


def find_key(listed: GetApiKeysResponse, api_key_id: str) -> ApiKey | None:
    """The listed key with this id, if any."""
    return next((key for key in listed.api_keys if key.api_key_id == api_key_id), None)
