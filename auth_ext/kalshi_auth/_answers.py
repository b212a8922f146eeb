"""Kalshi's error answers read leniently into the typed KalshiAPIError subclass, with a hint."""

from __future__ import annotations

import json
from typing import Any

import httpx2

from ._errors import (
    AuthenticationError,
    AuthFailureCause,
    BadRequestError,
    ConflictError,
    KalshiAPIError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    UnexpectedStatusError,
    auth_failure_cause,
)
from ._redact import shown
from ._retry import retry_after_seconds

__all__ = [
    "error_from_response",
    "malformed_answer_error",
    "parse_error_body",
    "unexpected_status_error",
]


def malformed_answer_error(
    status_code: int, content: bytes, method: str, path: str, problem: BaseException
) -> ResponseFormatError:
    """The error for a documented success status whose body is not the documented model."""
    if isinstance(problem, json.JSONDecodeError | UnicodeDecodeError):
        what = "not valid JSON"
    elif isinstance(problem, KeyError) and problem.args:
        what = f"no {shown(str(problem.args[0]))} field"
    else:
        what = f"a value of the wrong type or form ({type(problem).__name__})"
    return ResponseFormatError(
        f"{method} {path} answered {status_code} with a body that is not the documented answer "
        f"({what}; {len(content)} bytes): a proxy's or maintenance page, or a change in "
        "Kalshi's API. Check base_url; if Kalshi changed its API, this SDK may need "
        "regenerating from its current spec"
    )


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


def error_from_response(response: httpx2.Response, *, path: str) -> KalshiAPIError:
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
        retry_after=retry_after_seconds(response.headers.get("retry-after")),
    )
