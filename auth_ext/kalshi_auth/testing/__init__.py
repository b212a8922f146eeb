"""A fake Kalshi exchange for tests and demos: what moto is for AWS, for the /api_keys API.

::

    from kalshi_auth import signed_client
    from kalshi_auth.testing import FakeExchange, serve

    exchange = FakeExchange()
    key = exchange.add_key()                       # a key pair the exchange knows
    with serve(exchange) as running:               # real HTTP on 127.0.0.1:<free port>
        client = signed_client(api_key_id=key.api_key_id,
                               private_key_pem=key.private_key_pem, base_url=running.base_url)

Only the standard library and the SDK's own dependencies are used.
"""

from __future__ import annotations

from ._exchange import FakeExchange, FakeKey, FakeResponse, RecordedRequest, UsageTier
from ._server import RunningExchange, mock_transport, serve

__all__ = [
    "FakeExchange",
    "FakeKey",
    "FakeResponse",
    "RecordedRequest",
    "RunningExchange",
    "UsageTier",
    "mock_transport",
    "serve",
]
