"""KalshiSigner and KalshiAuth: verified signatures over exactly the right bytes.

Unit tests drive the auth generator by hand (as httpx2's own tests do); tests/client/test_auth.py
(KalshiAuth in a user's own httpx2 client), test_client.py and test_end_to_end.py cover the same
objects through real sync and async clients.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from urllib.parse import quote

import httpx2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from hypothesis import given, settings
from hypothesis import strategies as st
from kalshi_auth import KalshiAuth, KalshiSigner, KeyLoadError
from kalshi_auth._signer import signing_message, verify_signature

KEY_ID = "5f6c5a3e-0000-4000-8000-000000000001"


def signer(key: rsa.RSAPrivateKey, now: float = 1_703_123_456.789) -> KalshiSigner:
    return KalshiSigner(KEY_ID, key, clock=lambda: now)


def verified(key: rsa.RSAPrivateKey, request: httpx2.Request, path: str) -> bool:
    return verify_signature(
        key.public_key(),
        request.headers["KALSHI-ACCESS-SIGNATURE"],
        int(request.headers["KALSHI-ACCESS-TIMESTAMP"]),
        request.method,
        path,
    )


def test_message_is_timestamp_method_path_without_query() -> None:
    message = signing_message(1703123456789, "get", "/trade-api/v2/portfolio/orders?limit=5")
    assert message == b"1703123456789GET/trade-api/v2/portfolio/orders"


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "PUT", "PATCH"])
def test_headers_verify_for_every_method(rsa_key: rsa.RSAPrivateKey, method: str) -> None:
    headers = signer(rsa_key).sign(method, "/trade-api/v2/api_keys")
    assert headers["KALSHI-ACCESS-KEY"] == KEY_ID
    assert headers["KALSHI-ACCESS-TIMESTAMP"] == "1703123456789"
    sig = headers["KALSHI-ACCESS-SIGNATURE"]
    assert base64.b64encode(base64.b64decode(sig)).decode() == sig  # standard, padded
    assert verify_signature(
        rsa_key.public_key(), sig, 1703123456789, method, "/trade-api/v2/api_keys"
    )
    other = "POST" if method != "POST" else "GET"
    assert not verify_signature(
        rsa_key.public_key(), sig, 1703123456789, other, "/trade-api/v2/api_keys"
    )
    assert not verify_signature(
        rsa_key.public_key(), sig, 1703123456790, method, "/trade-api/v2/api_keys"
    )


def test_salt_length_is_digest_length(rsa_key: rsa.RSAPrivateKey) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    headers = signer(rsa_key).sign("GET", "/p")
    raw = base64.b64decode(headers["KALSHI-ACCESS-SIGNATURE"])
    message = signing_message(1703123456789, "GET", "/p")
    rsa_key.public_key().verify(
        raw,
        message,
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
        hashes.SHA256(),
    )


def test_each_signature_is_fresh(rsa_key: rsa.RSAPrivateKey) -> None:
    s = signer(rsa_key)
    assert (
        s.sign("GET", "/p")["KALSHI-ACCESS-SIGNATURE"]
        != s.sign("GET", "/p")["KALSHI-ACCESS-SIGNATURE"]
    )


def test_signer_rejects_empty_key_id_and_small_or_wrong_keys(rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(KeyLoadError) as empty:
        KalshiSigner("  ", rsa_key)
    assert empty.value.reason == "empty_key_id"
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(KeyLoadError) as too_small:
        KalshiSigner(KEY_ID, small)
    assert too_small.value.reason == "key_too_small"
    with pytest.raises(KeyLoadError) as not_rsa:
        KalshiSigner(KEY_ID, rsa_key.public_key())  # type: ignore[arg-type]
    assert not_rsa.value.reason == "unsupported_key_type"
    with pytest.raises(KeyLoadError, match="RSA or Ed25519") as ec_key:
        KalshiSigner(KEY_ID, ec.generate_private_key(ec.SECP256R1()))  # type: ignore[arg-type]
    assert ec_key.value.reason == "unsupported_key_type"


def test_repr_hides_the_key(rsa_key: rsa.RSAPrivateKey) -> None:
    auth = KalshiAuth(signer(rsa_key))
    for text in (repr(auth), str(auth), repr(auth.signer)):
        assert KEY_ID in text
        assert "PRIVATE KEY" not in text
        assert "RSA-2048" in text


def test_auth_flow_driven_by_hand(rsa_key: rsa.RSAPrivateKey) -> None:
    auth = KalshiAuth(signer(rsa_key))
    request = httpx2.Request("GET", "https://demo-api.kalshi.co/trade-api/v2/api_keys?limit=5")
    flow = auth.sync_auth_flow(request)
    sent = next(flow)
    assert sent is request
    assert verified(rsa_key, sent, "/trade-api/v2/api_keys")
    with pytest.raises(StopIteration):
        flow.send(httpx2.Response(200, json={"api_keys": []}))


def test_async_auth_flow_driven_by_hand(rsa_key: rsa.RSAPrivateKey) -> None:
    auth = KalshiAuth(signer(rsa_key))

    async def drive() -> httpx2.Request:
        request = httpx2.Request("DELETE", "https://h/trade-api/v2/api_keys/abc")
        flow = auth.async_auth_flow(request)
        sent = await flow.__anext__()
        with pytest.raises(StopAsyncIteration):
            await flow.asend(httpx2.Response(204))
        return sent

    sent = asyncio.run(drive())
    assert verified(rsa_key, sent, "/trade-api/v2/api_keys/abc")


def test_percent_encoded_path_parameters_are_signed_as_sent(rsa_key: rsa.RSAPrivateKey) -> None:
    auth = KalshiAuth(signer(rsa_key))
    key_id = "a/b c%d?e"
    url = f"https://h/kalshi/trade-api/v2/api_keys/{quote(key_id, safe='')}"
    request = next(auth.sync_auth_flow(httpx2.Request("DELETE", url)))
    assert request.url.raw_path == b"/kalshi/trade-api/v2/api_keys/a%2Fb%20c%25d%3Fe"
    assert verified(rsa_key, request, "/kalshi/trade-api/v2/api_keys/a%2Fb%20c%25d%3Fe")
    assert not verified(rsa_key, request, "/kalshi/trade-api/v2/api_keys/a/b c%d?e")


# "." and ".." are dot-segments that URL normalisation removes; the signer signs what is
# sent on the wire either way, which test_dot_segments_are_signed_as_sent pins down. Line
# breaks are PEM's, which the tripwire refuses before signing (test_tripwire.py).
_segment = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\r\n"),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in {".", ".."})


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.lists(_segment, max_size=3),
    path=st.lists(_segment, min_size=1, max_size=4),
    query=st.dictionaries(_segment, _segment, max_size=3),
    method=st.sampled_from(["GET", "POST", "DELETE"]),
)
def test_property_any_prefix_path_and_query(
    rsa_key: rsa.RSAPrivateKey,
    prefix: list[str],
    path: list[str],
    query: dict[str, str],
    method: str,
) -> None:
    encoded = "".join("/" + quote(part, safe="") for part in prefix + path)
    request = httpx2.Request(method, "https://example.test" + encoded, params=query)
    next(KalshiAuth(signer(rsa_key)).sync_auth_flow(request))
    assert request.url.raw_path.split(b"?")[0].decode() == encoded
    assert verified(rsa_key, request, encoded)


def test_dot_segments_are_signed_as_sent(rsa_key: rsa.RSAPrivateKey) -> None:
    request = httpx2.Request("GET", "https://h/trade-api/v2/x/../api_keys/./")
    next(KalshiAuth(signer(rsa_key)).sync_auth_flow(request))
    assert request.url.raw_path == b"/trade-api/v2/api_keys/"
    assert verified(rsa_key, request, "/trade-api/v2/api_keys/")


def test_one_auth_shared_by_threads(rsa_key: rsa.RSAPrivateKey) -> None:
    auth = KalshiAuth(KalshiSigner(KEY_ID, rsa_key))
    failures: list[str] = []

    def work(n: int) -> None:
        for i in range(20):
            path = f"/trade-api/v2/api_keys/{n}-{i}"
            request = next(auth.sync_auth_flow(httpx2.Request("DELETE", "https://h" + path)))
            if not verified(rsa_key, request, path):
                failures.append(path)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


# -- Ed25519 ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_ed25519_signs_the_same_message_with_pure_ed25519(
    ed_key: ed25519.Ed25519PrivateKey, method: str
) -> None:
    s = KalshiSigner(KEY_ID, ed_key, clock=lambda: 1_703_123_456.789)
    assert s.key_type == "ed25519"
    headers = s.sign(method, "/trade-api/v2/api_keys?limit=3")
    assert headers["KALSHI-ACCESS-KEY"] == KEY_ID
    assert headers["KALSHI-ACCESS-TIMESTAMP"] == "1703123456789"
    raw = base64.b64decode(headers["KALSHI-ACCESS-SIGNATURE"], validate=True)
    assert len(raw) == 64
    # Verified by cryptography itself over the exact bytes (RFC 8032, no pre-hash).
    ed_key.public_key().verify(raw, f"1703123456789{method}/trade-api/v2/api_keys".encode())
    assert verify_signature(
        ed_key.public_key(),
        headers["KALSHI-ACCESS-SIGNATURE"],
        1703123456789,
        method,
        "/trade-api/v2/api_keys",
    )
    assert not verify_signature(
        ed_key.public_key(),
        headers["KALSHI-ACCESS-SIGNATURE"],
        1703123456789,
        method,
        "/trade-api/v2/api_key",
    )


def test_a_signature_of_one_algorithm_never_verifies_for_the_other(
    ed_key: ed25519.Ed25519PrivateKey, rsa_key: rsa.RSAPrivateKey
) -> None:
    by_rsa = signer(rsa_key).sign("GET", "/p")["KALSHI-ACCESS-SIGNATURE"]
    by_ed = KalshiSigner(KEY_ID, ed_key, clock=lambda: 1_703_123_456.789).sign("GET", "/p")[
        "KALSHI-ACCESS-SIGNATURE"
    ]
    assert not verify_signature(ed_key.public_key(), by_rsa, 1703123456789, "GET", "/p")
    assert not verify_signature(rsa_key.public_key(), by_ed, 1703123456789, "GET", "/p")


def test_the_algorithm_is_chosen_once_at_construction(
    ed_key: ed25519.Ed25519PrivateKey, rsa_key: rsa.RSAPrivateKey
) -> None:
    # Per request there is no type check left: the bound signing function is fixed.
    ed, rs = KalshiSigner(KEY_ID, ed_key), KalshiSigner(KEY_ID, rsa_key)
    assert (ed.key_type, rs.key_type) == ("ed25519", "rsa")
    assert getattr(ed._sign, "__self__", None) is ed_key  # the key's own bound sign
    assert ed._sign is ed._sign and rs._sign is rs._sign


def test_ed25519_repr_names_the_type_never_the_key(ed_key: ed25519.Ed25519PrivateKey) -> None:
    from cryptography.hazmat.primitives import serialization

    auth = KalshiAuth(KalshiSigner(KEY_ID, ed_key))
    raw = ed_key.private_bytes_raw()
    pem = ed_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    for text in (repr(auth), str(auth), repr(auth.signer)):
        assert "Ed25519 private key" in text
        assert base64.b64encode(raw).decode() not in text and raw.hex() not in text
        assert all(line not in text for line in pem.splitlines()[1:-1])


def test_ed25519_auth_signs_sync_and_async_requests(ed_key: ed25519.Ed25519PrivateKey) -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200)

    auth = KalshiAuth(KalshiSigner(KEY_ID, ed_key))
    transport = httpx2.MockTransport(handler)
    with httpx2.Client(auth=auth, transport=transport) as client:
        client.get("https://k.test/trade-api/v2/api_keys?x=1")

    async def go() -> None:
        async with httpx2.AsyncClient(auth=auth, transport=transport) as client:
            await client.delete("https://k.test/trade-api/v2/api_keys/abc")

    asyncio.run(go())
    for request, path in zip(
        seen, ["/trade-api/v2/api_keys", "/trade-api/v2/api_keys/abc"], strict=True
    ):
        assert verify_signature(
            ed_key.public_key(),
            request.headers["KALSHI-ACCESS-SIGNATURE"],
            int(request.headers["KALSHI-ACCESS-TIMESTAMP"]),
            request.method,
            path,
        )


def test_signing_as_sent_signs_the_request_and_never_a_proxys_connect(pkcs1_pem: bytes) -> None:
    """The trace that signs a request as its headers are written also sees a proxy's CONNECT
    (httpcore2 copies the extensions onto it): that one must go out unsigned."""
    import httpcore2
    from kalshi_auth._auth import NO_REDIRECTS, SIGN_WHEN_SENT

    auth = KalshiAuth.from_pem("k1", pkcs1_pem)
    request = httpx2.Request("GET", "https://kalshi.test/trade-api/v2/api_keys?x=1")
    request.extensions.update({SIGN_WHEN_SENT: True, NO_REDIRECTS: True})  # as signed clients do
    flow = auth.sync_auth_flow(request)
    sent = next(flow)
    assert "KALSHI-ACCESS-SIGNATURE" not in sent.headers  # not yet: only when written
    trace = sent.extensions["trace"]
    connect = httpcore2.Request("CONNECT", "http://proxy.test:3128/", headers=[])
    connect.url.target = b"kalshi.test:443"
    trace("http11.send_request_headers.started", {"request": connect})
    assert not any(k.lower().startswith(b"kalshi-access") for k, _ in connect.headers)
    hop = httpcore2.Request("GET", "https://kalshi.test/trade-api/v2/api_keys?x=1", headers=[])
    trace("http11.send_request_headers.started", {"request": hop})
    names = {k.lower() for k, _ in hop.headers}
    assert {b"kalshi-access-key", b"kalshi-access-timestamp", b"kalshi-access-signature"} <= names
