"""Why a key does not work: clock skew measured from the Date header, and Kalshi's 401 codes."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Callable
from typing import Any

import httpx2

from .._errors import AuthenticationError
from ._session import Connection

__all__ = ["SKEW_WARNING_S", "ClockProbe", "explain_auth_failure"]

#: Kalshi's window is undocumented; past this, skew is worth a warning and a likely 401 cause.
SKEW_WARNING_S = 2.0
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class ClockProbe:
    """Measures this machine's clock against the server's, via httpx2 event hooks.

    ``offset_s`` > 0 means the local clock is ahead. The ``Date`` header has whole-second
    resolution, so the figure is good to about ±1 s.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._sent: float | None = None
        self.offset_s: float | None = None

    def hooks(self) -> dict[str, list[Callable[[Any], Any]]]:
        return {"request": [self._on_request], "response": [self._on_response]}

    def _on_request(self, request: httpx2.Request) -> None:
        self._sent = self._clock()

    def _on_response(self, response: httpx2.Response) -> None:
        received = self._clock()
        date = response.headers.get("Date")
        if self._sent is None or not date:
            return
        try:
            server = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return
        # The server read its clock somewhere in [server, server + 1) while we waited.
        self.offset_s = (self._sent + received) / 2 - (server + 0.5)

    def describe(self) -> str:
        if self.offset_s is None:
            return "unknown (the response had no Date header)"
        direction = "ahead of" if self.offset_s > 0 else "behind"
        return f"{abs(self.offset_s):.1f} s {direction} the server's (±1 s, from its Date header)"


def explain_auth_failure(
    error: AuthenticationError,
    connection: Connection,
    probe: ClockProbe,
    key_id: str | None = None,
) -> str:
    """The likely cause of a 401, in terms of what the user should change.

    Kalshi's own reason leads; a clock that is off but inside the window is a side note.
    """
    skewed = probe.offset_s is not None and abs(probe.offset_s) > SKEW_WARNING_S
    clock = (
        f"this machine's clock is {probe.describe()}; Kalshi rejects requests whose "
        "timestamp is off by more than a few seconds. Sync the clock (enable NTP) and retry."
    )
    if error.cause == "clock" or (error.cause is None and skewed):
        return clock
    if error.cause == "signature":
        verdict = (
            f"the private key ({connection.key_source}) does not belong to this key ID; "
            "check that the key file and the key ID were made together."
        )
    elif error.cause == "unknown_key":
        verdict = _unknown_key(connection, key_id)
    else:
        verdict = error.hint or "Kalshi gave no reason; check the key ID and the key file."
    if skewed:
        verdict += f" (Also: this machine's clock is {probe.describe()}; worth syncing.)"
    return verdict


def _unknown_key(connection: Connection, key_id: str | None) -> str:
    if key_id and not _UUID.fullmatch(key_id):
        return (
            f"this host does not know this key ID, and it does not look like a whole Kalshi key "
            f"ID ({len(key_id)} characters, where key IDs are 36-character UUIDs): check that "
            "it was copied completely."
        )
    if connection.base_url is not None:
        switch = "if it was made in the other environment, point --base-url there"
    else:
        other = "prod" if connection.environment == "demo" else "demo"
        switch = f"if it was made on {other}, pass --env {other}"
    return (
        f"this host does not know this key ID. Keys are per environment: {switch}. "
        "Or the key has been deleted."
    )
