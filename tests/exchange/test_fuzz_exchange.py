"""The fake exchange against a schema-driven fuzzer: schemathesis generates requests from
openapi.yaml, we sign them, and every answer must be what the spec allows.

Left out, with the reason: ``positive_data_acceptance`` (a schema-valid but semantically
wrong request is rightly refused: a ``public_key`` string that is not PEM, a subaccount with
``fcm_subtrader_id``, an unknown key ID to delete) and ``use_after_free``/
``ensure_resource_availability``/``ignored_auth`` (stateful or auth-stripping checks that need
links or credentials the spec does not describe). Everything else runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from kalshi_auth import KalshiSigner, load_private_key
from kalshi_auth.testing import FakeExchange, serve
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

SCHEMA = schemathesis.openapi.from_path(
    str(Path(__file__).resolve().parent.parent.parent / "openapi.yaml")
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
]


class SignedRequests(requests.auth.AuthBase):
    """Kalshi's signature on a requests request (schemathesis sends with requests)."""

    def __init__(self, signer: KalshiSigner) -> None:
        self.signer = signer

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        path = urlsplit(request.url or "").path
        for name, value in self.signer.sign(request.method or "GET", path).items():
            # A header schemathesis left out on purpose (a negative case) stays out.
            if name in request.headers:
                request.headers[name] = value
        return request


@dataclass
class Target:
    base_url: str
    auth: SignedRequests


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    exchange = FakeExchange(fcm_member=True, user_id="fuzz")
    key = exchange.add_key(name="fuzzer", key_type="ed25519")
    assert key.private_key_pem is not None
    signer = KalshiSigner(key.api_key_id, load_private_key(pem=key.private_key_pem))
    with serve(exchange) as running:
        yield Target(running.base_url, SignedRequests(signer))
    # Not vacuous: the fuzzer's signed requests got through to every operation.
    served = {(r.method, r.path.rsplit("/", 1)[-1]) for r in exchange.requests if r.authenticated}
    assert {m for m, _ in served} >= {"GET", "POST", "DELETE"}, served


@SCHEMA.parametrize()
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_fake_answers_as_the_spec_says(case: schemathesis.Case[Any], target: Target) -> None:
    if case.path == "/api_keys/{api_key}" and case.method == "DELETE":
        # Never delete the key the fuzzer signs with (schemathesis may guess nothing like it,
        # but an explicit guard keeps the run deterministic).
        assert case.path_parameters is not None
        if case.path_parameters.get("api_key") == target.auth.signer.key_id:
            return
    response = case.call(base_url=target.base_url, auth=target.auth, timeout=10)
    case.validate_response(response, checks=CHECKS)
