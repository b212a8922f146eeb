"""Everything kalshi_auth raises, rooted at KalshiError.

KalshiError
├── ConfigurationError            (also a ValueError)
├── KeyLoadError                  (also a ValueError; .reason, .source)
├── InvalidRequestError
├── ResponseFormatError
├── ClientClosedError             (also a RuntimeError; .may_have_arrived)
├── NewKeyError                   (.outcome; in _keyspec, beside NewKey)
│   └── NewKeyInterrupted         (also a KeyboardInterrupt)
├── KalshiConnectionError
│   └── KalshiTimeoutError
└── KalshiAPIError                (.status_code, .code, .message, .details, .body, .hint)
    ├── BadRequestError 400, AuthenticationError 401 (.cause), PermissionDeniedError 403,
    ├── NotFoundError 404, ConflictError 409, RateLimitError 429, ServerError 5xx
    └── UnexpectedStatusError     (a status the spec does not document)
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, Literal

from ._hints import PROBLEMS, Terms, ValueSource, describe

__all__ = [
    "AuthFailureCause",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "InvalidRequestError",
    "KalshiAPIError",
    "KalshiConnectionError",
    "KalshiError",
    "KalshiTimeoutError",
    "KeyLoadError",
    "KeyLoadReason",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseFormatError",
    "ServerError",
    "UnexpectedStatusError",
    "auth_failure_cause",
]

#: Why Kalshi refused a signed request, as far as its 401 body says.
AuthFailureCause = Literal["clock", "signature", "unknown_key"]

KeyLoadReason = Literal[
    "no_key",
    "ambiguous_key_source",
    "missing_file",
    "unreadable_file",
    "not_pem",
    "public_key",
    "password_required",
    "wrong_password",
    "password_not_needed",
    "unsupported_key_type",
    "unsupported_format",
    "key_too_small",
    "empty_key_id",
    "invalid_key_id",
    "pkcs11_bad_uri",
    "pkcs11_module_unreachable",
    "pkcs11_token_missing",
    "pkcs11_pin_required",
    "pkcs11_pin_incorrect",
    "pkcs11_pin_locked",
    "pkcs11_object_missing",
    "pkcs11_object_exists",
    "pkcs11_wrong_key_type",
    "pkcs11_cannot_sign",
    "pkcs11_failed",
]


def _restore(cls: type[KalshiError], args: tuple[Any, ...], state: dict[str, Any]) -> KalshiError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class KalshiError(Exception):
    """Root of every exception kalshi_auth raises.

    Every one pickles and copies with all its fields (its message included), so it crosses
    process pools, multiprocessing and task queues.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class ConfigurationError(KalshiError, ValueError):
    """The client was configured inconsistently (e.g. both ``environment`` and ``base_url``)."""


class KeyLoadError(KalshiError, ValueError):
    """A private key or key ID could not be used; ``reason`` says which check failed.

    The facts are fields: ``reason`` (a closed set to branch on), ``source`` (which setting the
    value came from, argument or environment variable, when known), ``problem`` and ``facts``
    (what :func:`describe` in ``_hints`` words, in the SDK's terms for ``str()`` or in another
    audience's). Messages say what to fix and never contain key material.
    """

    def __init__(
        self,
        reason: KeyLoadReason,
        message: str,
        *,
        source: ValueSource | None = None,
        problem: str | None = None,
        facts: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.reason: KeyLoadReason = reason
        self.source = source
        self.problem = problem
        self.facts: Mapping[str, object] = dict(facts or {})

    @classmethod
    def of(cls, problem: str, source: ValueSource | None = None, **facts: object) -> KeyLoadError:
        """The error for one of ``_hints.PROBLEMS``, worded in the SDK's terms."""
        reason, _ = PROBLEMS[problem]
        return cls(
            reason, describe(problem, facts, source), source=source, problem=problem, facts=facts
        )

    def describe(self, terms: Terms) -> str:
        """This error's message in ``terms`` (e.g. ``_hints.CLI_TERMS`` for kalshi-keys)."""
        if self.problem is None:
            return str(self)
        return describe(self.problem, self.facts, self.source, terms)


class InvalidRequestError(KalshiError):
    """The request could not be sent as built (an illegal header value, an unsupported URL
    scheme, ...). Deterministic, so never retried, and not a connection problem."""


class ResponseFormatError(KalshiError):
    """Kalshi's answer could not be read: an undecodable body (bad gzip), or a success status
    whose body is not the JSON the API sends (a captive portal's HTML page, a cut-off body)."""


class KalshiConnectionError(KalshiError):
    """The request never got an HTTP response (DNS, refused connection, reset, ...).

    ``may_have_arrived`` says whether any attempt of the call may have reached Kalshi (its
    answer lost) or none left this machine; a caller deciding whether a POST took effect
    branches on it. The exception chains no httpx2 or aiohttp error: those hold the request's
    headers, and with them its signature.
    """

    def __init__(self, message: str, *, may_have_arrived: bool = True) -> None:
        super().__init__(message)
        self.may_have_arrived = may_have_arrived


class KalshiTimeoutError(KalshiConnectionError):
    """The request timed out; raise the client's ``timeout`` or retry later."""


class ClientClosedError(KalshiError, RuntimeError):
    """The client was closed (``close()``, ``aclose()`` or the end of its ``with`` block) before
    or while this call ran; build a new client for new calls. ``may_have_arrived`` says whether
    an attempt of the call may already have reached Kalshi."""

    def __init__(self, message: str, *, may_have_arrived: bool = False) -> None:
        super().__init__(message)
        self.may_have_arrived = may_have_arrived


class KalshiAPIError(KalshiError):
    """Kalshi answered with a non-2xx status.

    Carries the parsed ``code``/``message``/``details`` (any may be None), the raw ``body``, the
    request's ``method`` and ``path``, and ``retry_after`` (seconds, from a ``Retry-After``
    header, else None); never request headers, so never a signature.
    """

    def __init__(
        self,
        *,
        status_code: int,
        method: str,
        path: str,
        code: str | None = None,
        message: str | None = None,
        details: str | None = None,
        body: bytes = b"",
        hint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.code = code
        self.message = message
        self.details = details
        self.body = body
        self.hint = hint
        #: Seconds the answer's ``Retry-After`` asked to wait before trying again, if it had one.
        self.retry_after = retry_after
        super().__init__(self._describe())

    def _describe(self) -> str:
        try:
            phrase = HTTPStatus(self.status_code).phrase
        except ValueError:
            phrase = "Unknown Status"
        text = f"{self.status_code} {phrase} on {self.method} {self.path}"
        said = [part for part in (self.code, self.message, self.details) if part]
        if said:
            text += ": " + " / ".join(dict.fromkeys(said))
        if self.hint:
            text += f". {self.hint}"
        if self.retry_after is not None:
            text += f". The server asked to wait {self.retry_after:g} s before trying again"
        return text


class BadRequestError(KalshiAPIError):
    """400: the request was invalid (bad scopes, malformed public key, bad key ID, ...)."""


class AuthenticationError(KalshiAPIError):
    """401: Kalshi rejected the signature, the key ID or the timestamp."""

    @property
    def cause(self) -> AuthFailureCause | None:
        """``"clock"`` (timestamp outside the window), ``"signature"`` (the key file does not
        belong to the key ID), ``"unknown_key"`` (no such key ID here), or None if unsaid."""
        return auth_failure_cause(self.code, self.details)


class PermissionDeniedError(KalshiAPIError):
    """403: the account may not do this (e.g. createApiKey below the Premier usage tier)."""


class NotFoundError(KalshiAPIError):
    """404: no such resource (e.g. deleting an API key ID that does not exist)."""


class ConflictError(KalshiAPIError):
    """409: the FCM subtrader the new key binds to is not yet visible to Kalshi's credential
    registry; retry once the subtrader's creation has propagated."""


class RateLimitError(KalshiAPIError):
    """429: the account's request budget is spent; back off (Kalshi sends no Retry-After)."""


class ServerError(KalshiAPIError):
    """5xx (including non-standard codes such as 520): Kalshi or a proxy in front failed."""


class UnexpectedStatusError(KalshiAPIError):
    """A status the spec does not document for this operation, e.g. a 200 where only 201 is
    documented: the answer cannot be trusted to be the success model, so it is never returned."""


def auth_failure_cause(code: str | None, details: str | None) -> AuthFailureCause | None:
    """Which cause a 401's code/details name (e.g. INCORRECT_API_KEY_SIGNATURE), if any."""
    said = f"{code or ''} {details or ''}".lower()
    if "timestamp" in said:
        return "clock"
    if "signature" in said:
        return "signature"
    if "not_found" in said or "not found" in said:
        return "unknown_key"
    return None
