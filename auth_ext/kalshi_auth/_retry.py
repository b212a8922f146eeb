"""When and how long to wait before retrying a request: a pure policy, sleeps injectable."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import anyio
import httpx

__all__ = ["RetryPolicy"]

# Errors after which the request may or may not have reached Kalshi; only retried for
# methods where a repeat is harmless.
_RETRYABLE_ERRORS = (httpx.TransportError,)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter for 429, 502/503/504 and connection errors.

    Only ``retry_methods`` (GET and DELETE) are retried: a repeated POST could create a second
    key. Attempt ``n`` (0-based) waits a uniform random time in ``[0, min(max_delay,
    base_delay * 2**n)]``. ``sleep``/``async_sleep``/``uniform`` are injectable
    for tests.
    """

    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    retry_methods: frozenset[str] = frozenset({"GET", "DELETE"})
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(
        default=anyio.sleep, repr=False, compare=False
    )
    uniform: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("max_retries, base_delay and max_delay must not be negative")

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
    ) -> float | None:
        """Seconds to wait before retrying, or None if this outcome is final."""
        if attempt >= self.max_retries or method.upper() not in self.retry_methods:
            return None
        if error is not None:
            retryable = isinstance(error, _RETRYABLE_ERRORS)
        else:
            retryable = status_code in self.retry_statuses
        return self.backoff(attempt) if retryable else None


NO_RETRIES = RetryPolicy(max_retries=0)
