"""Contains endpoint functions for accessing the API, and ApiKeysApi / AsyncApiKeysApi over them"""

from collections.abc import Callable
from typing import Any, cast

import httpx2

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_api_key_request import CreateApiKeyRequest
from ...models.create_api_key_response import CreateApiKeyResponse
from ...models.error_response import ErrorResponse
from ...models.generate_api_key_request import GenerateApiKeyRequest
from ...models.generate_api_key_response import GenerateApiKeyResponse
from ...models.get_api_keys_response import GetApiKeysResponse
from ...types import UNSET, Unset
from . import create_api_key, delete_api_key, generate_api_key, get_api_keys

__all__ = ["DOCUMENTED_STATUSES", "ApiKeysApi", "AsyncApiKeysApi"]

#: Every status each operation documents, by (METHOD, path template relative to the server
#: URL); a client can tell from it that an answer is outside the spec.
DOCUMENTED_STATUSES: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/api_keys"): (
        200,
        401,
        500,
    ),
    ("POST", "/api_keys"): (
        201,
        400,
        401,
        403,
        409,
        500,
    ),
    ("POST", "/api_keys/generate"): (
        201,
        400,
        401,
        403,
        409,
        500,
    ),
    ("DELETE", "/api_keys/{api_key}"): (
        204,
        400,
        401,
        404,
        500,
    ),
}


def _unexpected(
    client: AuthenticatedClient | Client,
    response: httpx2.Response,
    method: str,
    path: str,
) -> Exception:
    """The error for any answer that is not a documented success (a 2xx the spec does not list,
    or an error status the client did not raise for itself). A client may supply its own through
    an ``unexpected_status_error(status_code, content, method, path)`` method."""
    factory = getattr(client, "unexpected_status_error", None)
    if callable(factory):
        error = factory(int(response.status_code), response.content, method, path)
        if isinstance(error, Exception):
            return error
    return errors.UnexpectedStatus(response.status_code, response.content)


def _parsed(
    client: AuthenticatedClient | Client,
    response: httpx2.Response,
    parse: Callable[..., Any],
    method: str,
    path: str,
) -> Any:
    """The success model read from a documented success answer. An answer of the wrong shape
    (not JSON, a missing or renamed field, a value of the wrong type) raises the client's error,
    never a bare KeyError: a client may supply it through a ``malformed_answer_error(status_code,
    content, method, path, problem)`` method, where ``problem`` is the parser's exception."""
    try:
        return parse(client=client, response=response)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problem = exc
    factory = getattr(client, "malformed_answer_error", None)
    error = (
        factory(response.status_code, response.content, method, path, problem)
        if callable(factory)
        else None
    )
    if not isinstance(error, Exception):
        error = errors.UnexpectedStatus(response.status_code, response.content)
    raise error


class ApiKeysApi:
    """The api_keys operations as methods on one client: each returns exactly the documented success model, and raises for anything else."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def client(self) -> AuthenticatedClient:
        """The client every call goes through."""
        return self._client

    def get_api_keys(
        self,
        *,
        fcm_subtrader_id: str | Unset = UNSET,
    ) -> GetApiKeysResponse:
        """Get API Keys

        Endpoint for retrieving all API keys associated with the authenticated user, with their scopes, sub-
        account restriction and FCM subtrader binding.

        Args:
            fcm_subtrader_id (str | Unset):

        Returns:
            GetApiKeysResponse: the documented success answer, never an error body or None.

        Raises:
            errors.UnexpectedStatus: any other answer, or a success answer of the wrong shape (or the
                client's own errors, see _unexpected and _parsed).
            httpx2.TimeoutException: If the request takes longer than Client.timeout.
        """
        response = self._client.get_httpx_client().request(
            **get_api_keys._get_kwargs(
                fcm_subtrader_id=fcm_subtrader_id,
            )
        )
        if response.status_code not in (200,):
            raise _unexpected(self._client, response, "GET", "/api_keys")
        return cast(
            GetApiKeysResponse,
            _parsed(
                self._client, response, get_api_keys._parse_response, "GET", "/api_keys"
            ),
        )

    def create_api_key(
        self,
        body: CreateApiKeyRequest,
    ) -> CreateApiKeyResponse:
        """Create API Key

        Endpoint for creating a new API key from a public key you made yourself, RSA or Ed25519, in PEM
        form. The private key never leaves your machine; Kalshi checks each request's signature with the
        public key (RSA-PSS with SHA-256 for RSA, Ed25519 for Ed25519). Only accounts at the Premier or
        Market Maker API usage level may call it; others get 403 and should use GenerateApiKey instead.

        Args:
            body (CreateApiKeyRequest):

        Returns:
            CreateApiKeyResponse: the documented success answer, never an error body or None.

        Raises:
            errors.UnexpectedStatus: any other answer, or a success answer of the wrong shape (or the
                client's own errors, see _unexpected and _parsed).
            httpx2.TimeoutException: If the request takes longer than Client.timeout.
        """
        response = self._client.get_httpx_client().request(
            **create_api_key._get_kwargs(
                body=body,
            )
        )
        if response.status_code not in (201,):
            raise _unexpected(self._client, response, "POST", "/api_keys")
        return cast(
            CreateApiKeyResponse,
            _parsed(
                self._client,
                response,
                create_api_key._parse_response,
                "POST",
                "/api_keys",
            ),
        )

    def generate_api_key(
        self,
        body: GenerateApiKeyRequest,
    ) -> GenerateApiKeyResponse:
        """Generate API Key

        Endpoint for generating a new API key whose key pair Kalshi makes, of the requested key_type (RSA if
        none is given). Kalshi keeps the public key and returns the private key once, in this response only:
        store it safely, it cannot be fetched again.

        Args:
            body (GenerateApiKeyRequest):

        Returns:
            GenerateApiKeyResponse: the documented success answer, never an error body or None.

        Raises:
            errors.UnexpectedStatus: any other answer, or a success answer of the wrong shape (or the
                client's own errors, see _unexpected and _parsed).
            httpx2.TimeoutException: If the request takes longer than Client.timeout.
        """
        response = self._client.get_httpx_client().request(
            **generate_api_key._get_kwargs(
                body=body,
            )
        )
        if response.status_code not in (201,):
            raise _unexpected(self._client, response, "POST", "/api_keys/generate")
        return cast(
            GenerateApiKeyResponse,
            _parsed(
                self._client,
                response,
                generate_api_key._parse_response,
                "POST",
                "/api_keys/generate",
            ),
        )

    def delete_api_key(
        self,
        api_key: str,
    ) -> None:
        """Delete API Key

        Endpoint for deleting an existing API key. The key stops authenticating at once. This cannot be
        undone.

        Args:
            api_key (str):

        Returns:
            None: the operation's success answer has no body.

        Raises:
            errors.UnexpectedStatus: any other answer, or a success answer of the wrong shape (or the
                client's own errors, see _unexpected and _parsed).
            httpx2.TimeoutException: If the request takes longer than Client.timeout.
        """
        response = self._client.get_httpx_client().request(
            **delete_api_key._get_kwargs(
                api_key=api_key,
            )
        )
        if response.status_code not in (204,):
            raise _unexpected(self._client, response, "DELETE", "/api_keys/{api_key}")


class AsyncApiKeysApi:
    """The api_keys operations as async methods on one client: each returns exactly the documented success model, and raises for anything else."""

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def client(self) -> AuthenticatedClient:
        """The client every call goes through."""
        return self._client

    async def get_api_keys(
        self,
        *,
        fcm_subtrader_id: str | Unset = UNSET,
    ) -> GetApiKeysResponse:
        """Get API Keys

        Endpoint for retrieving all API keys associated with the authenticated user, with their scopes, sub-
        account restriction and FCM subtrader binding.

        Args:
            fcm_subtrader_id (str | Unset):

        Returns:
            GetApiKeysResponse: the documented success answer, never an error body or None.

        Raises:
            errors.UnexpectedStatus: any other answer, or a success answer of the wrong shape (or the
                client's own errors, see _unexpected and _parsed).
            httpx2.TimeoutException: If the request takes longer than Client.timeout.
        """
        response = await self._client.get_async_httpx_client().request(
            **get_api_keys._get_kwargs(
                fcm_subtrader_id=fcm_subtrader_id,
            )
        )
        if response.status_code not in (200,):
            raise _unexpected(self._client, response, "GET", "/api_keys")
        return cast(
            GetApiKeysResponse,
            _parsed(
                self._client, response, get_api_keys._parse_response, "GET", "/api_keys"
            ),
        )

    async def create_api_key(
        self,
        body: CreateApiKeyRequest,
    ) -> CreateApiKeyResponse:
        """Create API Key

        Endpoint for creating a new API key from a public key you made yourself, RSA or Ed25519, in PEM
        form. The private key never leaves your machine; Kalshi checks each request's signature with the
        public key (RSA-PSS with SHA-256 for RSA, Ed25519 for Ed25519). Only accounts at the Premier or
        Market Maker API usage level may call it; others get 403 and should use GenerateApiKey instead.

        Args:
            body (CreateApiKeyRequest):

        Returns:
            CreateApiKeyResponse: the documented success answer, never an error body or None.

        Raises:
            errors.UnexpectedStatus: any other answer, or a success answer of the wrong shape (or the
                client's own errors, see _unexpected and _parsed).
            httpx2.TimeoutException: If the request takes longer than Client.timeout.
        """
        response = await self._client.get_async_httpx_client().request(
            **create_api_key._get_kwargs(
                body=body,
            )
        )
        if response.status_code not in (201,):
            raise _unexpected(self._client, response, "POST", "/api_keys")
        return cast(
            CreateApiKeyResponse,
            _parsed(
                self._client,
                response,
                create_api_key._parse_response,
                "POST",
                "/api_keys",
            ),
        )

    async def generate_api_key(
        self,
        body: GenerateApiKeyRequest,
    ) -> GenerateApiKeyResponse:
        """Generate API Key

        Endpoint for generating a new API key whose key pair Kalshi makes, of the requested key_type (RSA if
        none is given). Kalshi keeps the public key and returns the private key once, in this response only:
        store it safely, it cannot be fetched again.

        Args:
            body (GenerateApiKeyRequest):

        Returns:
            GenerateApiKeyResponse: the documented success answer, never an error body or None.

        Raises:
            errors.UnexpectedStatus: any other answer, or a success answer of the wrong shape (or the
                client's own errors, see _unexpected and _parsed).
            httpx2.TimeoutException: If the request takes longer than Client.timeout.
        """
        response = await self._client.get_async_httpx_client().request(
            **generate_api_key._get_kwargs(
                body=body,
            )
        )
        if response.status_code not in (201,):
            raise _unexpected(self._client, response, "POST", "/api_keys/generate")
        return cast(
            GenerateApiKeyResponse,
            _parsed(
                self._client,
                response,
                generate_api_key._parse_response,
                "POST",
                "/api_keys/generate",
            ),
        )

    async def delete_api_key(
        self,
        api_key: str,
    ) -> None:
        """Delete API Key

        Endpoint for deleting an existing API key. The key stops authenticating at once. This cannot be
        undone.

        Args:
            api_key (str):

        Returns:
            None: the operation's success answer has no body.

        Raises:
            errors.UnexpectedStatus: any other answer, or a success answer of the wrong shape (or the
                client's own errors, see _unexpected and _parsed).
            httpx2.TimeoutException: If the request takes longer than Client.timeout.
        """
        response = await self._client.get_async_httpx_client().request(
            **delete_api_key._get_kwargs(
                api_key=api_key,
            )
        )
        if response.status_code not in (204,):
            raise _unexpected(self._client, response, "DELETE", "/api_keys/{api_key}")
