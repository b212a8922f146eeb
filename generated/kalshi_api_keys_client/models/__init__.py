"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .api_key_scope import ApiKeyScope
from .api_key_type import ApiKeyType
from .create_api_key_request import CreateApiKeyRequest
from .create_api_key_response import CreateApiKeyResponse
from .error_response import ErrorResponse
from .generate_api_key_request import GenerateApiKeyRequest
from .generate_api_key_response import GenerateApiKeyResponse
from .get_api_keys_response import GetApiKeysResponse

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
