from http import HTTPStatus
from typing import Any

import httpx2

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_api_key_request import CreateApiKeyRequest
from ...models.create_api_key_response import CreateApiKeyResponse
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    *,
    body: CreateApiKeyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api_keys",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx2.Response
) -> CreateApiKeyResponse | ErrorResponse | None:
    if response.status_code == 201:
        response_201 = CreateApiKeyResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx2.Response
) -> Response[CreateApiKeyResponse | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest,
) -> Response[CreateApiKeyResponse | ErrorResponse]:
    """Create API Key

     Endpoint for creating a new API key from a public key you made yourself, RSA or Ed25519, in PEM
    form. The private key never leaves your machine; Kalshi checks each request's signature with the
    public key (RSA-PSS with SHA-256 for RSA, Ed25519 for Ed25519). Only accounts at the Premier or
    Market Maker API usage level may call it; others get 403 and should use GenerateApiKey instead.

    Args:
        body (CreateApiKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx2.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateApiKeyResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest,
) -> CreateApiKeyResponse | ErrorResponse | None:
    """Create API Key

     Endpoint for creating a new API key from a public key you made yourself, RSA or Ed25519, in PEM
    form. The private key never leaves your machine; Kalshi checks each request's signature with the
    public key (RSA-PSS with SHA-256 for RSA, Ed25519 for Ed25519). Only accounts at the Premier or
    Market Maker API usage level may call it; others get 403 and should use GenerateApiKey instead.

    Args:
        body (CreateApiKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx2.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateApiKeyResponse | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest,
) -> Response[CreateApiKeyResponse | ErrorResponse]:
    """Create API Key

     Endpoint for creating a new API key from a public key you made yourself, RSA or Ed25519, in PEM
    form. The private key never leaves your machine; Kalshi checks each request's signature with the
    public key (RSA-PSS with SHA-256 for RSA, Ed25519 for Ed25519). Only accounts at the Premier or
    Market Maker API usage level may call it; others get 403 and should use GenerateApiKey instead.

    Args:
        body (CreateApiKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx2.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateApiKeyResponse | ErrorResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest,
) -> CreateApiKeyResponse | ErrorResponse | None:
    """Create API Key

     Endpoint for creating a new API key from a public key you made yourself, RSA or Ed25519, in PEM
    form. The private key never leaves your machine; Kalshi checks each request's signature with the
    public key (RSA-PSS with SHA-256 for RSA, Ed25519 for Ed25519). Only accounts at the Premier or
    Market Maker API usage level may call it; others get 403 and should use GenerateApiKey instead.

    Args:
        body (CreateApiKeyRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx2.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateApiKeyResponse | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
