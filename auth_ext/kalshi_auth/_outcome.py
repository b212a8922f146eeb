"""What one attempt's result means: return the response, retry after a delay, or raise. No I/O.

Each decision is a small named step of :class:`Attempts`; the send loops in ``_http.py`` only
send, read, close and sleep, and ask ``after_error`` or ``after_response`` what follows.
Whether a request may be repeated is ``_retry``'s rule; this module applies it.
"""

from __future__ import annotations

import logging
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

import httpx2

from ._answers import error_from_response, unexpected_status_error
from ._auth import signed_path
from ._errors import (
    AuthenticationError,
    ClientClosedError,
    InvalidRequestError,
    KalshiConnectionError,
    KalshiError,
    KalshiTimeoutError,
    ResponseFormatError,
)
from ._redact import shown
from ._retry import ErrorKind, RetryPolicy, classify_error, may_have_arrived, retry_after_seconds

__all__ = ["ALREADY_DELETED_HEADER", "AttemptRules", "Attempts", "DocumentedStatuses", "Retry"]

logger = logging.getLogger("kalshi_auth")

#: Set on the 204 a DELETE reports when a retry found the key already gone.
ALREADY_DELETED_HEADER = "X-Kalshi-SDK-Already-Deleted"


def safe_url(url: httpx2.URL) -> str:
    """A URL for messages: no userinfo, no query."""
    return str(url.copy_with(query=None, fragment=None, userinfo=b""))


class DocumentedStatuses:
    """Which statuses the spec documents for the operation a request path belongs to."""

    def __init__(self, base_path: str, table: Mapping[tuple[str, str], tuple[int, ...]]) -> None:
        prefix = re.escape(base_path.rstrip("/"))
        self._routes = [
            (
                method,
                re.compile(prefix + re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "$"),
                statuses,
            )
            for (method, path), statuses in table.items()
        ]

    def of(self, method: str, path: str) -> tuple[int, ...] | None:
        """The documented statuses, or None for a request outside the spec's operations."""
        for route_method, pattern, statuses in self._routes:
            if route_method == method and pattern.match(path):
                return statuses
        return None


@dataclass(frozen=True)
class AttemptRules:
    """What a signed client decides every request by: built once per client."""

    policy: RetryPolicy
    raise_on_error: bool
    #: The key ID the client signs with: a retried DELETE of it may meet "no such key".
    own_key_id: str
    documented: DocumentedStatuses | None = None


@dataclass(frozen=True, slots=True)
class Retry:
    """Wait ``delay`` seconds, then send the request again (signed afresh)."""

    delay: float


class Attempts:
    """The attempts of one logical request, as a small state machine over named steps."""

    __slots__ = ("_attempt", "_maybe_arrived", "_request", "_rules")

    def __init__(self, rules: AttemptRules, request: httpx2.Request) -> None:
        self._rules, self._request = rules, request
        self._attempt = 0
        #: A previous attempt may have reached Kalshi although its answer was lost.
        self._maybe_arrived = False

    def start(self, *, closed: bool = False) -> None:
        """Before each attempt: shrink its timeouts to fit the policy's deadline, or raise
        :class:`KalshiTimeoutError` if the deadline has passed (:class:`ClientClosedError` if
        the client is ``closed``)."""
        if closed:
            raise self.closed_error()
        remaining = self._rules.policy.remaining()
        if remaining is None:
            return
        if remaining <= 0:
            raise KalshiTimeoutError(
                f"{self._where()}: the time allowed for this call ran out (the timeout covers "
                "retries too); raise it or retry later",
                may_have_arrived=self._maybe_arrived,
            )
        timeout = dict(self._request.extensions.get("timeout") or {})
        for phase in ("connect", "read", "write", "pool"):
            current = timeout.get(phase)
            timeout[phase] = remaining if current is None else min(current, remaining)
        self._request.extensions["timeout"] = timeout

    def after_error(self, exc: httpx2.RequestError) -> Retry:
        """The attempt failed without an answer: retry, or raise the typed error.

        Call it outside the ``except`` block that caught ``exc``: the typed error chains no
        httpx2 error (which holds the request, signature included)."""
        if isinstance(exc, httpx2.DecodingError):
            raise self._undecodable(exc) from None
        kind = classify_error(exc)
        delay = self._rules.policy.delay_after(self._request.method, self._attempt, error_kind=kind)
        if delay is None:
            raise self._transport_error(exc, kind) from None
        return self._again(delay, may_have_arrived(kind=kind))

    def after_response(self, response: httpx2.Response) -> httpx2.Response | Retry:
        """The response to return, or a retry; raises the typed error if the answer is a final
        failure. The body has been read."""
        if response.is_success:
            self._check_success_body(response)
            self._check_documented(response)
            return response
        if self._already_deleted(response):
            return self._deleted_answer(response)
        status = response.status_code
        delay = self._rules.policy.delay_after(
            self._request.method,
            self._attempt,
            status_code=status,
            retry_after=retry_after_seconds(response.headers.get("retry-after")),
        )
        if delay is not None:
            return self._again(delay, may_have_arrived(status_code=status))
        if self._rules.raise_on_error or not _is_standard_status(status):
            # Non-IANA codes (520, 499) always raise: the generated client cannot represent them.
            raise error_from_response(response, path=signed_path(self._request))
        return response

    def closed_error(self, *, in_flight: bool = False) -> ClientClosedError:
        """The error for a call on a client closed before it, or ``in_flight`` (during an
        attempt, which may then have reached Kalshi)."""
        arrived = in_flight or self._maybe_arrived
        during = " while this call ran" if in_flight or self._attempt else ""
        maybe = "; an attempt may have reached Kalshi" if arrived else ""
        return ClientClosedError(
            f"{self._where()}: the client was closed{during}{maybe}. Keep it open until its "
            "calls finish, or build a new one with signed_client(...) for new calls",
            may_have_arrived=arrived,
        )

    def _again(self, delay: float, maybe_arrived: bool) -> Retry:
        self._maybe_arrived |= maybe_arrived
        self._attempt += 1
        return Retry(delay)

    def _where(self) -> str:
        return f"{self._request.method} {safe_url(self._request.url)}"

    def _check_success_body(self, response: httpx2.Response) -> None:
        """A 2xx whose body is not Kalshi's JSON is a captive portal or a cut-off answer."""
        if self._request.method == "DELETE" or response.status_code == 204:
            return
        if not _looks_like_json(response):
            raise ResponseFormatError(
                f"{self._where()} answered {response.status_code} with a body that is not "
                f"Kalshi's JSON ({shown(response.headers.get('content-type', ''))}, "
                f"{len(response.content)} bytes): a captive portal, a proxy's page or a "
                "cut-off answer. Check the network and base_url."
            )

    def _check_documented(self, response: httpx2.Response) -> None:
        """A 2xx the spec does not document for this operation is never returned as success."""
        documented = self._rules.documented
        if not self._rules.raise_on_error or documented is None:
            return
        path = signed_path(self._request)
        statuses = documented.of(self._request.method, path)
        if statuses is not None and response.status_code not in statuses:
            raise unexpected_status_error(
                response.status_code, response.content, self._request.method, path
            )

    def _already_deleted(self, response: httpx2.Response) -> bool:
        """After a lost answer, a repeated DELETE answered 404, or 401 "no such key" when the
        key deleted itself."""
        if not self._maybe_arrived or self._request.method != "DELETE":
            return False
        if response.status_code == 404:
            return True
        if response.status_code != 401:
            return False
        path = signed_path(self._request)
        error = error_from_response(response, path=path)
        return (
            isinstance(error, AuthenticationError)
            and error.cause == "unknown_key"
            and path.rsplit("/", 1)[-1] == self._rules.own_key_id
        )

    def _deleted_answer(self, response: httpx2.Response) -> httpx2.Response:
        logger.warning(
            "%s %s: an earlier attempt's answer was lost and the retry found the key "
            "already gone (%s); reporting it as deleted",
            self._request.method,
            signed_path(self._request),
            response.status_code,
        )
        return httpx2.Response(204, headers={ALREADY_DELETED_HEADER: "true"}, request=self._request)

    def _transport_error(self, exc: httpx2.RequestError, kind: ErrorKind) -> KalshiError:
        where = self._where()
        if kind == "deterministic":
            # Never the exception's own text: h11 quotes the offending header value, which may
            # be a secret pasted into the wrong place.
            return InvalidRequestError(
                f"{where} could not be sent as built ({type(exc).__name__}: an illegal header "
                "value or an unsupported URL scheme); check the key ID and base_url. Not retried."
            )
        arrived = self._maybe_arrived or may_have_arrived(kind=kind)
        if isinstance(exc, httpx2.PoolTimeout):
            return KalshiTimeoutError(
                f"{where} waited longer than the pool timeout for a free connection; raise "
                "limits.max_connections or the timeout, or send fewer requests at once",
                may_have_arrived=arrived,
            )
        if isinstance(exc, httpx2.TimeoutException):
            return KalshiTimeoutError(
                f"{where} timed out ({type(exc).__name__}); raise the timeout",
                may_have_arrived=arrived,
            )
        # A protocol error quotes the bytes received (h11 puts a cut-off body's rest, a new
        # private key's lines, in its message): named, never quoted.
        said = "" if isinstance(exc, httpx2.ProtocolError) else f" ({shown(str(exc))})"
        if _plain_http_answered_tls(exc):
            said = (
                ": the server answered the TLS handshake in plain HTTP, so it does not speak "
                "https on that port; if it is a local server such as the fake exchange, use "
                "http:// in base_url"
            )
        return KalshiConnectionError(
            f"{where} failed before a response: {type(exc).__name__}{said}",
            may_have_arrived=arrived,
        )

    def _undecodable(self, exc: httpx2.DecodingError) -> ResponseFormatError:
        return ResponseFormatError(
            f"{self._where()}: the answer's body could not be decoded "
            f"({type(exc).__name__}); a proxy may have corrupted it"
        )


def _plain_http_answered_tls(exc: BaseException) -> bool:
    """OpenSSL's WRONG_VERSION_NUMBER (an https:// URL to a plain-HTTP port), as raised by the
    ssl module under httpx2's ConnectError."""
    cause = exc.__cause__ or exc.__context__
    while cause is not None:
        if isinstance(cause, ssl.SSLError) and cause.reason == "WRONG_VERSION_NUMBER":
            return True
        cause = cause.__cause__ or cause.__context__
    return "WRONG_VERSION_NUMBER" in str(exc)


def _is_standard_status(status_code: int) -> bool:
    try:
        HTTPStatus(status_code)
    except ValueError:
        return False
    return True


def _looks_like_json(response: httpx2.Response) -> bool:
    content_type = response.headers.get("content-type", "application/json").lower()
    if "json" not in content_type:
        return False
    body = response.content  # only its ends are looked at: no copy of a long list
    ends = (body[:64].lstrip()[:1], body[-64:].rstrip()[-1:])
    return ends in {(b"{", b"}"), (b"[", b"]")}
