"""After a new key's call went wrong: find the key Kalshi may have made, withdraw it, report.

Every call here runs on a client of its own with a short deadline of its own
(:data:`CLEANUP_SECONDS`): the call that failed may have spent all of the caller's time, and a
clean-up refused locally before it is sent would leave a key behind for nothing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Literal

from kalshi_api_keys_client.api.api_keys import ApiKeysApi, delete_api_key
from kalshi_api_keys_client.errors import UnexpectedStatus

from ._client import KalshiClient
from ._errors import KalshiAPIError, KalshiConnectionError, KalshiError, ServerError
from ._outcome import ALREADY_DELETED_HEADER
from ._retry import RetryPolicy, may_have_arrived

__all__ = [
    "CLEANUP_SECONDS",
    "DeleteOutcome",
    "cleanup_api",
    "delete_key",
    "key_ids",
    "may_have_acted",
    "new_keys_named",
    "the_new_key",
]

#: The time every clean-up call (a listing, a delete) may take, retries included.
CLEANUP_SECONDS = 15.0

#: What a delete found: the key deleted now, or already gone after a lost answer (below).
DeleteOutcome = Literal["deleted", "already_gone"]


def may_have_acted(error: BaseException) -> bool:
    """Whether Kalshi may have carried out a call that ended in ``error``: a lost or cut-off
    answer, a gateway's 502/503/504, an answer we could not read, or an interrupt. An answer
    from Kalshi itself (4xx, 500), or a failure before anything was sent, means it did not."""
    if isinstance(error, KeyboardInterrupt):
        return True
    if isinstance(error, KalshiConnectionError):
        return error.may_have_arrived
    if isinstance(error, ServerError):
        return may_have_arrived(status_code=error.status_code)
    # Otherwise Kalshi's own refusal did nothing; any other failure (a success status whose
    # body could not be read, say) may have made the key.
    return not isinstance(error, KalshiAPIError)


@contextlib.contextmanager
def cleanup_api(api: ApiKeysApi) -> Iterator[ApiKeysApi]:
    """``api`` on a client of its own, with :data:`CLEANUP_SECONDS` to do its work."""
    client = api.client
    if not isinstance(client, KalshiClient):
        yield api
        return
    retry = RetryPolicy(max_retries=2, deadline=time.monotonic() + CLEANUP_SECONDS)
    with client.with_retry(retry) as own:
        yield ApiKeysApi(own)


def key_ids(api: ApiKeysApi) -> frozenset[str] | None:
    """The account's key IDs now, or None if they cannot be listed."""
    try:
        return frozenset(key.api_key_id for key in api.get_api_keys().api_keys)
    except KalshiError:
        return None


def the_new_key(api: ApiKeysApi, name: str, before: frozenset[str] | None) -> str | None:
    """After a createApiKey whose answer was lost: the ID of the one key named ``name`` made
    since ``before`` was listed, looked for with time of its own; None if there is not exactly
    one, or the keys cannot be listed."""
    if before is None:
        return None
    with cleanup_api(api) as cleanup:
        found = new_keys_named(cleanup, name, before)
    return found[0] if found is not None and len(found) == 1 else None


def new_keys_named(api: ApiKeysApi, name: str, before: frozenset[str]) -> list[str] | None:
    """The IDs of keys named ``name`` that were not among ``before``: the keys made since;
    None if the keys cannot be listed."""
    try:
        listed = api.get_api_keys().api_keys
    except KalshiError:
        return None
    return [key.api_key_id for key in listed if key.name == name and key.api_key_id not in before]


def delete_key(api: ApiKeysApi, api_key_id: str) -> DeleteOutcome:
    """Delete a key, and say whether it was deleted now or was already gone.

    ``"already_gone"``: an earlier attempt's answer was lost and the retry met "no such key".
    The earlier attempt most likely deleted it; Kalshi cannot tell that apart from a key ID
    that never existed, so a caller unsure of the ID should list the keys first.
    ``ApiKeysApi.delete_api_key`` reports both as success; this function tells them apart
    (from the ``X-Kalshi-SDK-Already-Deleted`` header the signed client sets).
    """
    answer = delete_api_key.sync_detailed(client=api.client, api_key=api_key_id)
    if int(answer.status_code) != 204:  # a signed client has raised already; a plain one not
        raise UnexpectedStatus(int(answer.status_code), answer.content)
    return "already_gone" if answer.headers.get(ALREADY_DELETED_HEADER) else "deleted"
