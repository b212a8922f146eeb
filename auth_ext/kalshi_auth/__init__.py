"""Kalshi request signing, key loading, a signed client factory and typed errors.

The hand-written layer over the generated ``kalshi_api_keys_client`` package::

    from kalshi_api_keys_client.api.api_keys import ApiKeysApi
    from kalshi_auth import signed_client

    with signed_client(api_key_id="...", private_key_path="kalshi.pem", environment="demo") as c:
        print(ApiKeysApi(c).get_api_keys().api_keys)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._auth import KalshiAuth
    from ._client import KalshiClient, signed_client
    from ._errors import (
        AuthenticationError,
        AuthFailureCause,
        BadRequestError,
        ClientClosedError,
        ConfigurationError,
        ConflictError,
        InvalidRequestError,
        KalshiAPIError,
        KalshiConnectionError,
        KalshiError,
        KalshiTimeoutError,
        KeyLoadError,
        KeyLoadReason,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ResponseFormatError,
        ServerError,
        UnexpectedStatusError,
    )
    from ._files import FileExistsRefusedError, save_private_key
    from ._keys import load_private_key
    from ._keyspec import NewKey, NewKeyError, NewKeyInterrupted, NewKeyOutcome
    from ._makekey import make_api_key
    from ._recovery import DeleteOutcome, delete_key
    from ._retry import RetryPolicy
    from ._settings import ENVIRONMENTS, AsyncTransport, Environment
    from ._signer import KalshiSigner
    from ._signingkey import InMemoryKey, SigningKey

__all__ = [
    "ENVIRONMENTS",
    "AsyncTransport",
    "AuthFailureCause",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DeleteOutcome",
    "Environment",
    "FileExistsRefusedError",
    "InMemoryKey",
    "InvalidRequestError",
    "KalshiAPIError",
    "KalshiAuth",
    "KalshiClient",
    "KalshiConnectionError",
    "KalshiError",
    "KalshiSigner",
    "KalshiTimeoutError",
    "KeyLoadError",
    "KeyLoadReason",
    "NewKey",
    "NewKeyError",
    "NewKeyInterrupted",
    "NewKeyOutcome",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseFormatError",
    "RetryPolicy",
    "ServerError",
    "SigningKey",
    "UnexpectedStatusError",
    "delete_key",
    "load_private_key",
    "make_api_key",
    "save_private_key",
    "signed_client",
]

#: Where each public name is defined. Loaded on first use: a plain ``import kalshi_auth`` (the
#: CLI's start, a test collection) loads none of httpx2, cryptography or the generated client.
_HOME = {
    "ENVIRONMENTS": "._settings",
    "AsyncTransport": "._settings",
    "AuthFailureCause": "._errors",
    "AuthenticationError": "._errors",
    "BadRequestError": "._errors",
    "ClientClosedError": "._errors",
    "ConfigurationError": "._errors",
    "ConflictError": "._errors",
    "Environment": "._settings",
    "FileExistsRefusedError": "._files",
    "InMemoryKey": "._signingkey",
    "InvalidRequestError": "._errors",
    "KalshiAPIError": "._errors",
    "KalshiAuth": "._auth",
    "KalshiClient": "._client",
    "KalshiConnectionError": "._errors",
    "KalshiError": "._errors",
    "KalshiSigner": "._signer",
    "KalshiTimeoutError": "._errors",
    "KeyLoadError": "._errors",
    "NewKey": "._keyspec",
    "NewKeyError": "._keyspec",
    "NewKeyInterrupted": "._keyspec",
    "NewKeyOutcome": "._keyspec",
    "KeyLoadReason": "._errors",
    "NotFoundError": "._errors",
    "PermissionDeniedError": "._errors",
    "RateLimitError": "._errors",
    "ResponseFormatError": "._errors",
    "RetryPolicy": "._retry",
    "ServerError": "._errors",
    "SigningKey": "._signingkey",
    "UnexpectedStatusError": "._errors",
    "delete_key": "._recovery",
    "DeleteOutcome": "._recovery",
    "load_private_key": "._keys",
    "make_api_key": "._makekey",
    "save_private_key": "._files",
    "signed_client": "._client",
}


if not TYPE_CHECKING:  # type checkers see the imports above, so a misspelt name stays an error

    def __getattr__(name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
