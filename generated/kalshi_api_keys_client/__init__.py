"""A client library for accessing Kalshi Trade API - API keys"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
