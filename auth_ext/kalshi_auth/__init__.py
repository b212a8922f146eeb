"""Kalshi request signing, key loading, a signed client factory and typed errors.

The hand-written layer over the generated ``kalshi_api_keys_client`` package::

    from kalshi_api_keys_client.api.api_keys import ApiKeysApi
    from kalshi_auth import signed_client

    with signed_client(api_key_id="...", private_key_path="kalshi.pem", environment="demo") as c:
        print(ApiKeysApi(c).get_api_keys().api_keys)
"""

from __future__ import annotations

from ._auth import KalshiAuth
from ._client import ENVIRONMENTS, AsyncTransport, Environment, KalshiClient, signed_client
from ._errors import (
    AuthenticationError,
    AuthFailureCause,
    BadRequestError,
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
from ._retry import RetryPolicy
from ._signer import KalshiSigner

__all__ = [
    "ENVIRONMENTS",
    "AsyncTransport",
    "AuthFailureCause",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "Environment",
    "FileExistsRefusedError",
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
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseFormatError",
    "RetryPolicy",
    "ServerError",
    "UnexpectedStatusError",
    "load_private_key",
    "save_private_key",
    "signed_client",
]
