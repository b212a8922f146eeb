"""When and how long to wait before retrying a request: a pure policy, sleeps injectable.

What may be repeated depends on whether the failed attempt could have reached Kalshi:

- it never left this machine (no connection could be made, or no pool slot freed up) or Kalshi
  refused it with 429: any method may be retried, POST included;
- it may have arrived (the answer was lost: a read timeout, a dropped connection, or a 502/503/
  504 from a proxy): only GET and DELETE, which are safe to repeat;
- it cannot succeed as built (an illegal header, an unsupported scheme): never.

This module is the only place that rule is written down: ``classify_error`` and
``may_have_arrived`` say which case an attempt's failure is, ``RetryPolicy.delay_after`` what
follows from it.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

import httpx2

__all__ = ["ErrorKind", "RetryPolicy", "classify_error", "may_have_arrived", "retry_after_seconds"]

#: How an attempt failed without an answer, as far as repeating it goes.
ErrorKind = Literal["never_sent", "maybe_arrived", "deterministic"]

_NEVER_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)
_DETERMINISTIC = (httpx2.LocalProtocolError, httpx2.UnsupportedProtocol)
#: Answers a gateway in front of Kalshi gives when it lost Kalshi's: the request may have
#: been carried out.
_GATEWAY_STATUSES = frozenset({502, 503, 504})


def classify_error(error: BaseException) -> ErrorKind:
    """Whether a transport error left the request unsent, possibly sent, or unsendable."""
    if isinstance(error, _DETERMINISTIC):
        return "deterministic"
    if isinstance(error, _NEVER_SENT):
        return "never_sent"
    return "maybe_arrived"


def may_have_arrived(*, kind: ErrorKind | None = None, status_code: int | None = None) -> bool:
    """Whether a failed attempt (a classified transport error, or an answer's status) may have
    been carried out by Kalshi although its answer never reached us."""
    return kind == "maybe_arrived" or status_code in _GATEWAY_STATUSES


def retry_after_seconds(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """A ``Retry-After`` header (delay-seconds or an HTTP date) in seconds; None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # isdigit alone admits "²", which float() refuses
        return float(value)
    try:
        import email.utils  # only for the rare HTTP-date form

        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    seconds = when.timestamp() - now()
    return max(0.0, seconds) if math.isfinite(seconds) else None


async def _anyio_sleep(seconds: float) -> None:
    import anyio  # only async callers need it

    await anyio.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, or the server's ``Retry-After`` if it asks for at
    most ``max_delay`` seconds; a longer ``Retry-After`` ends the retries at once, so the error
    raised says how long the server asked to wait (``KalshiAPIError.retry_after``).

    Retried: 429 for every method (Kalshi refused it, nothing was done); 502/503/504 and lost
    answers for ``retry_methods`` (GET and DELETE) only, since a repeated POST could make
    a second key; connection failures before anything was sent for every method. Attempt ``n``
    (0-based) waits a uniform random time in ``[0, min(max_delay, base_delay * 2**n)]``.
    ``sleep``/``async_sleep``/``uniform`` are injectable for tests.
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    retry_methods: frozenset[str] = frozenset({"GET", "DELETE"})
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(
        default=_anyio_sleep, repr=False, compare=False
    )
    uniform: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    #: A ``time.monotonic()`` instant no attempt may run past (attempts' timeouts shrink to
    #: fit, and no retry starts after it); None: only ``max_retries`` bounds the total.
    deadline: float | None = None

    def __post_init__(self) -> None:
        numbers = (self.max_retries, self.base_delay, self.max_delay)
        if any(not math.isfinite(n) or n < 0 for n in numbers):
            raise ValueError("max_retries, base_delay and max_delay must be finite and >= 0")

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (0-based)."""
        return self.uniform() * min(self.max_delay, self.base_delay * 2.0**attempt)

    def delay_after(
        self,
        method: str,
        attempt: int,
        *,
        status_code: int | None = None,
        error: BaseException | None = None,
        error_kind: ErrorKind | None = None,
        retry_after: float | None = None,
    ) -> float | None:
        """Seconds to wait before retrying, or None if this outcome is final.

        The outcome is an answer's ``status_code``, or a failure without an answer: its
        ``error_kind`` (from :func:`classify_error`), or the ``error`` itself to be classified
        here. The one place the retry decision is made; the sync and async clients both ask it.
        """
        if attempt >= self.max_retries:
            return None
        idempotent = method.upper() in self.retry_methods
        if error is not None and error_kind is None and isinstance(error, httpx2.TransportError):
            error_kind = classify_error(error)
        if error is not None or error_kind is not None:
            retryable = error_kind == "never_sent" or (
                may_have_arrived(kind=error_kind) and idempotent
            )
        else:
            retryable = status_code in self.retry_statuses and (status_code == 429 or idempotent)
        if not retryable:
            return None
        if retry_after is not None and retry_after > self.max_delay:
            return None  # retrying sooner than asked would only meet the same refusal
        delay = self.backoff(attempt) if retry_after is None else retry_after
        if self.deadline is not None and time.monotonic() + delay >= self.deadline:
            return None
        return delay

    def remaining(self) -> float | None:
        """Seconds left before ``deadline`` (None without one; 0 once it has passed)."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())


NO_RETRIES = RetryPolicy(max_retries=0)
