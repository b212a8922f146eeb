"""RFC 7512 URIs (_pkcs11uri): what each attribute means, and each malformed URI refused with
a reason and never echoed (it may hold a PIN). Needs no token; tests/client/test_pkcs11.py
uses one."""

from __future__ import annotations

import pytest
from kalshi_auth import KeyLoadError
from kalshi_auth._pkcs11uri import Pkcs11Uri, is_pkcs11_uri, parse_pkcs11_uri


def test_path_and_query_attributes_are_read_and_percent_decoded() -> None:
    uri = parse_pkcs11_uri(
        "pkcs11:token=My%20Token;object=bot-1;id=%01%ff;type=private;serial=42;slot-id=7"
        "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin"
    )
    assert uri == Pkcs11Uri(token="My Token", object="bot-1", id=b"\x01\xff", type="private",
                            serial="42", slot_id=7,
                            module_path="/usr/lib/softhsm/libsofthsm2.so",
                            pin_source="file:/run/pin")  # fmt: skip


def test_the_pin_is_kept_out_of_repr_text_and_descriptions() -> None:
    uri = parse_pkcs11_uri("pkcs11:token=t;object=o?pin-value=s3cret-%31")
    assert uri.pin_value == "s3cret-1"
    for text in (repr(uri), uri.text(), uri.described()):
        assert "s3cret" not in text
    assert uri.text(with_pin=True).endswith("pin-value=s3cret-1")


def test_text_round_trips() -> None:
    source = "pkcs11:token=a%3Bb;object=k%20ey;id=%00%10?module-path=/opt/hsm/lib.so"
    uri = parse_pkcs11_uri(source)
    assert parse_pkcs11_uri(uri.text()) == uri


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("file:/keys/k.pem", "does not start with 'pkcs11:'"),
        ("pkcs11:token=t;label=x", "unknown path attribute 'label'"),
        ("pkcs11:token=t?pin=1", "unknown query attribute 'pin'"),
        ("pkcs11:token=t;token=u", "given twice"),
        ("pkcs11:token", "name=value"),
        ("pkcs11:token=t;type=secret-key", "type must be private or public"),
        ("pkcs11:slot-id=x", "slot-id must be a decimal number"),
        ("pkcs11:object=%zz", "not followed by two hex digits"),
        ("pkcs11:object=%ff", "not UTF-8"),
        ("pkcs11:token=t?pin-value=1&pin-source=/p", "pin-value or pin-source"),
    ],
)
def test_each_malformed_uri_is_refused_saying_what_to_fix(text: str, said: str) -> None:
    with pytest.raises(KeyLoadError) as caught:
        parse_pkcs11_uri(text)
    assert caught.value.reason == "pkcs11_bad_uri"
    assert said in str(caught.value)
    assert text not in str(caught.value)


def test_the_scheme_is_recognised_in_any_case() -> None:
    assert is_pkcs11_uri("PKCS11:token=t") and not is_pkcs11_uri("/tmp/pkcs11:x")
    assert not is_pkcs11_uri(None)
