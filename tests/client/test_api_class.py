"""The generated ApiKeysApi / AsyncApiKeysApi: exact success types, everything else raises."""

from __future__ import annotations

import asyncio
import inspect
import logging
import typing
from collections.abc import Callable
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from kalshi_api_keys_client import AuthenticatedClient
from kalshi_api_keys_client.api.api_keys import (
    ApiKeysApi,
    AsyncApiKeysApi,
    create_api_key,
    delete_api_key,
    generate_api_key,
    get_api_keys,
)
from kalshi_api_keys_client.errors import UnexpectedStatus
from kalshi_api_keys_client.models import (
    CreateApiKeyRequest,
    CreateApiKeyResponse,
    GenerateApiKeyRequest,
    GenerateApiKeyResponse,
    GetApiKeysResponse,
)
from kalshi_auth import (
    KalshiClient,
    NotFoundError,
    ResponseFormatError,
    RetryPolicy,
    UnexpectedStatusError,
    signed_client,
)

from ..conftest import BASE, Exchange, ed25519_pem, public_pem

MODULES = {
    "get_api_keys": get_api_keys,
    "create_api_key": create_api_key,
    "generate_api_key": generate_api_key,
    "delete_api_key": delete_api_key,
}
RETURNS = {
    "get_api_keys": GetApiKeysResponse,
    "create_api_key": CreateApiKeyResponse,
    "generate_api_key": GenerateApiKeyResponse,
    "delete_api_key": type(None),
}


@pytest.mark.parametrize("cls", [ApiKeysApi, AsyncApiKeysApi])
@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_method_returns_exactly_the_success_model(cls: type[Any], name: str) -> None:
    method = getattr(cls, name)
    assert typing.get_type_hints(method)["return"] is RETURNS[name]
    assert inspect.iscoroutinefunction(method) is (cls is AsyncApiKeysApi)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_methods_take_the_free_functions_parameters_minus_the_client(name: str) -> None:
    free = inspect.signature(MODULES[name].sync_detailed).parameters
    expected = [(p.name, p.annotation, p.default) for p in free.values() if p.name != "client"]
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    for cls in (ApiKeysApi, AsyncApiKeysApi):
        method = list(inspect.signature(getattr(cls, name)).parameters.values())[1:]
        assert [(p.name, p.annotation, p.default) for p in method] == expected
        # The path parameter and the body are positional, as in Kalshi's SDKs; the rest keywords.
        for p in method:
            assert (p.kind == positional) is (p.name in {"api_key", "body"})


def test_the_whole_lifecycle_sync(live: Exchange) -> None:
    api = ApiKeysApi(live.client)
    listed = api.get_api_keys()
    assert [k.api_key_id for k in listed.api_keys] == [live.key.api_key_id]  # no narrowing
    generated = api.generate_api_key(GenerateApiKeyRequest(name="gen", key_type="ed25519"))
    assert generated.key_type == "ed25519" and generated.private_key

    local = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    created = api.create_api_key(
        CreateApiKeyRequest(name="local", public_key=public_pem(local).decode())
    )
    api.delete_api_key(created.api_key_id)
    api.delete_api_key(generated.api_key_id)
    assert [k.api_key_id for k in api.get_api_keys().api_keys] == [live.key.api_key_id]
    with pytest.raises(NotFoundError):
        api.delete_api_key(generated.api_key_id)


def test_the_whole_lifecycle_async(live: Exchange) -> None:
    async def run() -> tuple[GetApiKeysResponse, GenerateApiKeyResponse]:
        async with signed_client(
            api_key_id=live.key.api_key_id, private_key_pem=live.pem, base_url=live.base_url
        ) as client:
            api = AsyncApiKeysApi(client)
            generated = await api.generate_api_key(GenerateApiKeyRequest(name="gen"))
            listed = await api.get_api_keys()
            await api.delete_api_key(generated.api_key_id)
            return listed, generated

    listed, generated = asyncio.run(run())
    assert {k.name for k in listed.api_keys} == {"bootstrap", "gen"}
    assert generated.private_key.startswith("-----BEGIN RSA")
    assert generated.api_key_id not in {k.api_key_id for k in live.exchange.keys}


def _answering(status: int, content: bytes = b"", *, signed: bool) -> AuthenticatedClient:
    transport = httpx2.MockTransport(
        lambda request: httpx2.Response(
            status, content=content, headers={"Content-Type": "application/json"}
        )
    )
    if not signed:
        return AuthenticatedClient(
            base_url="https://kalshi.test/trade-api/v2",
            token="t",
            httpx_args={"transport": transport},
        )

    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    client: KalshiClient = signed_client(
        api_key_id="key-id",
        private_key_pem=pem,
        base_url="https://kalshi.test/trade-api/v2",
        retry=RetryPolicy(max_retries=0),
        httpx_args={"transport": transport},
    )
    return client


LIST_BODY = b'{"api_keys": []}'


@pytest.mark.parametrize(
    ("call", "status", "content"),
    [
        (lambda api: api.delete_api_key("k"), 200, b"{}"),  # documented: 204 only
        (lambda api: api.get_api_keys(), 202, LIST_BODY),  # documented: 200 only
        (lambda api: api.get_api_keys(), 204, b""),
        (lambda api: api.generate_api_key(GenerateApiKeyRequest(name="n")), 200, b"{}"),
    ],
    ids=["delete-200", "list-202", "list-204", "generate-200"],
)
def test_an_undocumented_2xx_raises_never_a_silent_none(
    call: typing.Callable[[ApiKeysApi], object], status: int, content: bytes
) -> None:
    with pytest.raises(UnexpectedStatus) as plain:
        call(ApiKeysApi(_answering(status, content, signed=False)))
    assert plain.value.status_code == status
    with pytest.raises(UnexpectedStatusError) as ours:
        call(ApiKeysApi(_answering(status, content, signed=True)))
    assert ours.value.status_code == status
    assert "documents another answer" in str(ours.value)


@pytest.mark.parametrize("status", [400, 401, 404, 500])
def test_error_statuses_raise_on_a_plain_generated_client_too(status: int) -> None:
    body = b'{"code": "x", "message": "y"}'
    with pytest.raises(UnexpectedStatus) as err:
        ApiKeysApi(_answering(status, body, signed=False)).delete_api_key("k")
    assert err.value.status_code == status and err.value.content == body


@pytest.mark.own_transport  # a MockTransport
def test_async_class_raises_the_same_way() -> None:
    api = AsyncApiKeysApi(_answering(200, b"{}", signed=True))
    with pytest.raises(UnexpectedStatusError):
        asyncio.run(api.delete_api_key("k"))


def test_a_generated_private_key_never_shows_in_repr_or_logs(
    live: Exchange, caplog: pytest.LogCaptureFixture
) -> None:
    generated = ApiKeysApi(live.client).generate_api_key(GenerateApiKeyRequest(name="g"))
    body = generated.private_key.splitlines()[1]
    with caplog.at_level(logging.INFO):
        logging.getLogger("bot").info("made a key: %s / %r", generated, generated)
    for text in (repr(generated), str(generated), caplog.text):
        assert "private_key=<hidden>" in text
        assert body not in text and "PRIVATE KEY" not in text
    assert generated.api_key_id in repr(generated)
    assert generated.to_dict()["private_key"] == generated.private_key  # still there to save


_WRONG_SHAPES = {
    "broken-but-braced": b'{"api_keys": [}',
    "empty-object": b"{}",
    "maintenance-page": b'{"status": "maintenance", "retry": "later"}',
    "list-not-object": b"[]",
    "field-wrong-type": b'{"api_keys": "none"}',
    "item-wrong-type": b'{"api_keys": ["k1"]}',
    "renamed-field": b'{"api_keys": [{"id": "k1", "name": "n", "scopes": []}]}',
}


@pytest.mark.parametrize("body", list(_WRONG_SHAPES.values()), ids=list(_WRONG_SHAPES))
@pytest.mark.parametrize("variant", ["sync", "async"])
def test_a_success_answer_of_the_wrong_shape_raises_typed(
    body: bytes, variant: str, pkcs1_pem: bytes
) -> None:

    answer = httpx2.Response(200, content=body, headers={"Content-Type": "application/json"})
    transport = httpx2.MockTransport(lambda request: answer)
    client = signed_client(
        api_key_id="k1",
        private_key_pem=pkcs1_pem,
        base_url="https://kalshi.test/trade-api/v2",
        httpx_args={"transport": transport},
    )
    with pytest.raises(ResponseFormatError) as caught:
        if variant == "sync":
            ApiKeysApi(client).get_api_keys()
        else:
            asyncio.run(AsyncApiKeysApi(client).get_api_keys())
    message = str(caught.value)
    assert message.startswith("GET /api_keys answered 200 with a body that is not the documented")
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_a_generated_key_answer_missing_its_private_key_names_the_field(pkcs1_pem: bytes) -> None:

    body = b'{"api_key_id": "k2", "private_key_renamed": "x"}'
    answer = httpx2.Response(201, content=body, headers={"Content-Type": "application/json"})
    client = signed_client(
        api_key_id="k1",
        private_key_pem=pkcs1_pem,
        base_url="https://kalshi.test/trade-api/v2",
        httpx_args={"transport": httpx2.MockTransport(lambda request: answer)},
    )
    with pytest.raises(ResponseFormatError, match="no 'private_key' field"):
        ApiKeysApi(client).generate_api_key(GenerateApiKeyRequest(name="n"))


def test_a_plain_generated_client_gets_the_generators_error_for_a_wrong_shape() -> None:
    answer = httpx2.Response(200, content=b"{}", headers={"Content-Type": "application/json"})
    plain = AuthenticatedClient(base_url="https://kalshi.test/trade-api/v2", token="t")
    plain.set_httpx_client(
        httpx2.Client(
            base_url="https://kalshi.test/trade-api/v2",
            transport=httpx2.MockTransport(lambda request: answer),
        )
    )
    with pytest.raises(UnexpectedStatus):
        ApiKeysApi(plain).get_api_keys()


@pytest.mark.parametrize(("status", "call"), [
    (202, lambda c: get_api_keys.sync(client=c)),
    (200, lambda c: generate_api_key.sync(client=c, body=GenerateApiKeyRequest(name="n"))),
    (200, lambda c: delete_api_key.sync("k", client=c)),
], ids=["list-202", "generate-200", "delete-200"])  # fmt: skip
def test_an_undocumented_2xx_from_the_free_functions_raises_too(
    status: int, call: Callable[[KalshiClient], object]
) -> None:
    """Failed before: the free functions returned None for a 2xx the spec does not document, where
    ApiKeysApi raised."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, json={"api_keys": [], "api_key_id": "k", "private_key": "p"})

    client = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE,
        httpx_args={"transport": httpx2.MockTransport(answer)},
    )  # fmt: skip
    with pytest.raises(UnexpectedStatusError, match=str(status)):
        call(client)
    opted_out = signed_client(
        api_key_id="k", private_key_pem=ed25519_pem(), base_url=BASE, raise_on_error=False,
        httpx_args={"transport": httpx2.MockTransport(answer)},
    )  # fmt: skip
    assert call(opted_out) is None  # the generated behaviour, as documented
