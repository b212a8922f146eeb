"""Which host and which credentials the CLI uses: flags first, then the KALSHI_* variables."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.models import ApiKey, GetApiKeysResponse
from kalshi_api_keys_client.types import UNSET

from .._auth import KalshiAuth
from .._client import KalshiClient, signed_client
from .._credentials import resolve_credentials
from .._keys import ENV_KEY_PATH, ENV_KEY_URI
from .._retry import RetryPolicy
from .._settings import ENV_BASE_URL, ENVIRONMENTS, Environment
from .._signingkey import SigningKey
from ._console import Console

__all__ = ["Connection", "find_key", "list_keys"]

EventHooks = Mapping[str, list[Callable[[Any], Any]]]


@dataclass(frozen=True)
class Connection:
    """Where and as whom to call Kalshi; ``None`` fields fall back to the environment."""

    environ: Mapping[str, str]
    key_id: str | None = None
    key_file: Path | None = None
    #: A pkcs11: URI naming the signing key in a token (--key-uri), instead of a key file.
    key_uri: str | None = None
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
    def chosen_base_url(self) -> str | None:
        """--base-url, else (without --env) KALSHI_BASE_URL from this command's environment."""
        if self.base_url is not None or self.environment is not None:
            return self.base_url
        return self.environ.get(ENV_BASE_URL) or None

    @property
    def url(self) -> str:
        chosen = self.chosen_base_url
        if chosen is not None:
            return chosen.rstrip("/")
        return ENVIRONMENTS[self.environment or "prod"]

    @property
    def in_token(self) -> bool:
        """Whether the signing key is in a PKCS#11 token (--key-uri or KALSHI_PRIVATE_KEY_URI)."""
        if self.key_file is not None:
            return False
        return self.key_uri is not None or bool(self.environ.get(ENV_KEY_URI))

    @property
    def key_source(self) -> str:
        """Where the private key comes from, for messages (a path or a variable name)."""
        if self.key_file is not None:
            return str(self.key_file)
        if self.in_token:
            return "--key-uri" if self.key_uri is not None else "KALSHI_PRIVATE_KEY_URI"
        return self.environ.get(ENV_KEY_PATH) or "KALSHI_PRIVATE_KEY_PEM"

    @property
    def key_directory(self) -> Path | None:
        """The directory of the current private key file, if it comes from a file."""
        if self.in_token:
            return None
        path = self.key_file or self.environ.get(ENV_KEY_PATH)
        return Path(path).expanduser().parent if path else None

    def ask_pin(self, console: Console) -> Callable[[], str | None] | None:
        """A prompt for a token's user PIN, when there is a terminal to ask on."""
        if not console.interactive():
            return None
        return lambda: console.secret("PIN for the PKCS#11 token: ") or None

    def client(self, console: Console, *, event_hooks: EventHooks | None = None) -> KalshiClient:
        """A signed client for the configured key, read once; an encrypted key's passphrase
        comes from --password-env, else KALSHI_PRIVATE_KEY_PASSWORD, else a prompt (a token
        key's PIN: from its URI, else KALSHI_PKCS11_PIN, else a prompt)."""

        def ask() -> str | None:
            return console.secret("Passphrase for the private key: ")

        credentials = resolve_credentials(
            api_key_id=self.key_id,
            private_key_path=self.key_file,
            private_key_password=self.password,
            private_key_uri=self.key_uri,
            environ=self.environ,
            ask_password=ask if console.interactive() else None,
            ask_pin=self.ask_pin(console),
        )
        return signed_client(
            auth=KalshiAuth(credentials.signer()),
            environment=self.environment,
            base_url=self.chosen_base_url,
            timeout=self.timeout,
            retry=self.retry(),
            httpx_args={"event_hooks": dict(event_hooks)} if event_hooks else None,
        )

    def client_for(
        self,
        api_key_id: str,
        key_file: Path | None = None,
        password: bytes | None = None,
        *,
        signing_key: SigningKey | None = None,
    ) -> KalshiClient:
        """A signed client for another key on the same host (e.g. a freshly made one): its
        saved key file, or a key already open (in a token)."""
        return signed_client(
            api_key_id=api_key_id,
            private_key_path=key_file,
            private_key_password=password,
            signing_key=signing_key,
            base_url=self.url,
            timeout=self.timeout,
            retry=self.retry(),
            environ={},
        )


def list_keys(client: KalshiClient, *, fcm_subtrader_id: str | None = None) -> GetApiKeysResponse:
    """GetApiKeys (errors have already raised)."""
    return ApiKeysApi(client).get_api_keys(
        fcm_subtrader_id=UNSET if fcm_subtrader_id is None else fcm_subtrader_id
    )


def find_key(listed: GetApiKeysResponse, api_key_id: str) -> ApiKey | None:
    """The listed key with this id, if any."""
    return next((key for key in listed.api_keys if key.api_key_id == api_key_id), None)
