"""Contains all the data models used in inputs/outputs"""

from typing import Any as _Any

import attrs as _attrs

from .api_key import ApiKey
from .api_key_scope import ApiKeyScope
from .api_key_type import ApiKeyType
from .create_api_key_request import CreateApiKeyRequest
from .create_api_key_response import CreateApiKeyResponse
from .error_response import ErrorResponse
from .generate_api_key_request import GenerateApiKeyRequest
from .generate_api_key_response import GenerateApiKeyResponse
from .get_api_keys_response import GetApiKeysResponse


def _hide_in_repr(cls: type, *secret: str) -> None:
    """Give ``cls`` a repr that shows the ``secret`` fields as <hidden>."""
    shown = [field.name for field in _attrs.fields(cls) if field.repr]

    def __repr__(self: _Any) -> str:
        parts = (
            f"{name}=<hidden>" if name in secret else f"{name}={getattr(self, name)!r}"
            for name in shown
        )
        return f"{cls.__name__}({', '.join(parts)})"

    cls.__repr__ = __repr__  # type: ignore[method-assign, assignment]


_hide_in_repr(
    GenerateApiKeyResponse,
    "private_key",
)

__all__ = (
    "ApiKey",
    "ApiKeyScope",
    "ApiKeyType",
    "CreateApiKeyRequest",
    "CreateApiKeyResponse",
    "ErrorResponse",
    "GenerateApiKeyRequest",
    "GenerateApiKeyResponse",
    "GetApiKeysResponse",
)
