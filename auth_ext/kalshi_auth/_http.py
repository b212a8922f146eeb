"""The two signed httpx2 clients: send loops that retry and raise as ``_outcome`` decides.

Each attempt goes through ``httpx2.Client.send`` and so through KalshiAuth again: every retry
carries a fresh timestamp and signature. Redirects are never followed (the signature covers
the path, so a redirected request would be rejected, or worse, signed for the wrong path).
The loops hold no decision: admission is ``_admission``'s, what an attempt's result means is
``_outcome``'s, leaner request building is ``_internals``'. The sync and async loops are
near-copies on purpose (as httpx2's own clients are): each only sends, reads, closes and sleeps.
"""

from __future__ import annotations

from typing import Any

import httpx2

from ._admission import AsyncSlots, SyncSlots, pool_limit
from ._auth import NO_REDIRECTS, SIGN_WHEN_SENT
from ._deadline import async_deadline, sync_deadline
from ._internals import LeanBuilding, bound_by_call_deadline, httpcore_pools_only
from ._loops import with_per_loop_transport
from ._outcome import AttemptRules, Attempts, Retry

__all__: list[str] = []


class SignedClient(LeanBuilding, httpx2.Client):
    """httpx2.Client with Kalshi's retry and error policy in ``send``."""

    def __init__(self, *, rules: AttemptRules, **kwargs: Any) -> None:
        super().__init__(**kwargs, follow_redirects=False)
        self._rules = rules
        self._sign_when_sent = httpcore_pools_only(self)
        # Signed only when sent, a request cannot wait signed in a pool queue: no limit needed.
        self._slots = SyncSlots(None if self._sign_when_sent else pool_limit(kwargs))
        self._init_lean()
        bound_by_call_deadline(self)

    def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        with sync_deadline(self._rules.policy.deadline):  # reading included
            return self._send(request, **kwargs)

    def _send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        kwargs["follow_redirects"] = False
        request.extensions[NO_REDIRECTS] = True  # so KalshiAuth needs no redirect guard
        if self._sign_when_sent:
            request.extensions[SIGN_WHEN_SENT] = True
        stream = bool(kwargs.get("stream", False))
        attempts = Attempts(self._rules, request)
        while True:
            attempts.start(closed=self.is_closed)
            failure: httpx2.RequestError | None = None
            closed_in_flight = False
            try:
                with self._slots.held(request) as hold:
                    response = super().send(request, **kwargs)
                    if stream and response.is_success:
                        return hold.keep_for(response)
                    try:
                        response.read()  # not streamed, or an error answer to be typed
                        outcome = attempts.after_response(response)
                    finally:
                        response.close()
            except httpx2.RequestError as exc:
                failure = exc
            except RuntimeError:  # httpx2's "the client has been closed"
                if not self.is_closed:
                    raise
                closed_in_flight = True
            if closed_in_flight:
                raise attempts.closed_error(in_flight=True)
            if failure is not None:  # out of the except block: the typed error chains nothing
                outcome = attempts.after_error(failure)
            if not isinstance(outcome, Retry):
                return outcome
            self._rules.policy.sleep(outcome.delay)


class AsyncSignedClient(LeanBuilding, httpx2.AsyncClient):
    """httpx2.AsyncClient with Kalshi's retry and error policy in ``send``."""

    def __init__(self, *, rules: AttemptRules, **kwargs: Any) -> None:
        super().__init__(**with_per_loop_transport(kwargs), follow_redirects=False)
        self._rules = rules
        self._sign_when_sent = httpcore_pools_only(self)
        # Signed only when sent, a request cannot wait signed in a pool queue: no limit needed.
        self._slots = AsyncSlots(None if self._sign_when_sent else pool_limit(kwargs))
        self._init_lean()

    async def send(self, request: httpx2.Request, **kwargs: Any) -> httpx2.Response:
        kwargs["follow_redirects"] = False
        request.extensions[NO_REDIRECTS] = True  # so KalshiAuth needs no redirect guard
        if self._sign_when_sent:
            request.extensions[SIGN_WHEN_SENT] = True
        stream = bool(kwargs.get("stream", False))
        attempts = Attempts(self._rules, request)
        while True:
            attempts.start(closed=self.is_closed)
            failure: httpx2.RequestError | None = None
            closed_in_flight = False
            try:
                with async_deadline(self._rules.policy.remaining()):  # reading included
                    async with self._slots.held(request) as hold:
                        response = await super().send(request, **kwargs)
                        if stream and response.is_success:
                            return hold.keep_for(response)
                        try:
                            await response.aread()  # not streamed, or an error to be typed
                            outcome = attempts.after_response(response)
                        finally:
                            await response.aclose()
            except httpx2.RequestError as exc:
                failure = exc
            except TimeoutError:  # the deadline's scope, not a transport's (those are httpx2's)
                failure = httpx2.ReadTimeout("the call's deadline passed", request=request)
            except RuntimeError:  # httpx2's "the client has been closed"
                if not self.is_closed:
                    raise
                closed_in_flight = True
            if closed_in_flight:
                raise attempts.closed_error(in_flight=True)
            if failure is not None:  # out of the except block: the typed error chains nothing
                outcome = attempts.after_error(failure)
            if not isinstance(outcome, Retry):
                return outcome
            await self._rules.policy.async_sleep(outcome.delay)
