"""Everything kalshi_auth raises, rooted at KalshiError, and lenient parsing of error bodies."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, Literal

import httpx

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
    "error_from_response",
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

    Messages say what to fix and never contain key material.
    """

    def __init__(self, reason: KeyLoadReason, message: str) -> None:
        super().__init__(message)
        self.reason: KeyLoadReason = reason


class InvalidRequestError(KalshiError):
    """The request could not be sent as built (an illegal header value, an unsupported URL
    scheme, ...). Deterministic, so never retried, and not a connection problem."""


class ResponseFormatError(KalshiError):
    """Kalshi's answer could not be read: an undecodable body (bad gzip), or a success status
    whose body is not the JSON the API sends (a captive portal's HTML page, a cut-off body)."""


class KalshiConnectionError(KalshiError):
    """The request never got an HTTP response (DNS, refused connection, reset, ...)."""


class KalshiTimeoutError(KalshiConnectionError):
    """The request timed out; raise the client's ``timeout`` or retry later."""


class KalshiAPIError(KalshiError):
    """Kalshi answered with a non-2xx status.

    Carries the parsed ``code``/``message``/``details`` (any may be None), the raw ``body`` and
    the request's ``method`` and ``path``; never request headers, so never a signature.
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
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.code = code
        self.message = message
        self.details = details
        self.body = body
        self.hint = hint
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


def unexpected_status_error(
    status_code: int, content: bytes, method: str, path: str
) -> UnexpectedStatusError:
    """The error for an answer outside the spec (``path`` is the operation's path template)."""
    code, message, details = parse_error_body(content)
    return UnexpectedStatusError(
        status_code=status_code,
        method=method,
        path=path,
        code=code,
        message=message,
        details=details,
        body=content,
        hint=(
            "Kalshi's spec documents another answer for this operation; if Kalshi changed "
            "its API, this SDK may need regenerating from a newer spec"
        ),
    )


_BY_STATUS: dict[int, type[KalshiAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}

_AUTH_HINTS: dict[AuthFailureCause, str] = {
    "signature": (
        "The signature did not verify: the private key does not belong to this key ID "
        "(wrong key file?), or something between you and Kalshi rewrote the request path"
    ),
    "unknown_key": (
        "Kalshi does not know this key ID here: a demo key used against production or the "
        "reverse (keys are per environment), or the key was deleted"
    ),
    "clock": (
        "The request timestamp was outside Kalshi's window: this machine's clock is probably "
        "off; sync it (NTP) and retry"
    ),
}


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


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def parse_error_body(body: bytes) -> tuple[str | None, str | None, str | None]:
    """(code, message, details) from any error shape Kalshi sends; Nones when unparseable.

    Shapes: nested ``{"error": {...}}``, flat ``{"code", "message", "details"}``, bare
    ``{"error": "too many requests"}``; HTML, empty or truncated bodies give all None.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, None, None
    if not isinstance(data, dict):
        return None, None, None
    error = data.get("error")
    if isinstance(error, str):
        return None, error, None
    if isinstance(error, dict):
        data = error
    return _text(data.get("code")), _text(data.get("message")), _text(data.get("details"))


def _hint(status: int, path: str, code: str | None, details: str | None) -> str | None:
    if status == 401:
        cause = auth_failure_cause(code, details)
        return None if cause is None else _AUTH_HINTS[cause]
    if status == 403:
        fcm = "a key bound with fcm_subtrader_id can only be made by an FCM member account"
        if path.endswith("/api_keys"):
            return (
                "createApiKey needs the Premier API usage tier (generateApiKey works on any "
                f"tier); {fcm}"
            )
        return fcm[0].upper() + fcm[1:] if path.endswith("/api_keys/generate") else None
    if status == 409:
        return (
            "Kalshi's credential registry does not see the FCM subtrader yet; retry once the "
            "subtrader's creation has propagated"
        )
    if status == 404 and "/trade-api/v2/" not in path:
        return (
            "The path lacks /trade-api/v2: base_url should end with it (e.g. "
            "https://external-api.kalshi.com/trade-api/v2)"
        )
    if status == 429:
        return "Rate limited: back off and retry (requests Kalshi refused are retried)"
    if 300 <= status < 400:
        return (
            "Redirects are not followed because the signature covers the path; "
            "check base_url and drop any trailing slash"
        )
    return None


def error_from_response(response: httpx.Response, *, path: str) -> KalshiAPIError:
    """The typed exception for a non-2xx response whose body has been read.

    ``path`` is the request path as signed (no query), which the message names.
    """
    status = response.status_code
    code, message, details = parse_error_body(response.content)
    if status in _BY_STATUS:
        cls = _BY_STATUS[status]
    elif status >= 500:
        cls = ServerError
    else:
        cls = KalshiAPIError
    return cls(
        status_code=status,
        method=response.request.method,
        path=path,
        code=code,
        message=message,
        details=details,
        body=response.content,
        hint=_hint(status, path, code, details),
    )
