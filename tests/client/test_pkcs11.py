"""Keys in a PKCS#11 token (_pkcs11, _pkcs11keygen) against a real SoftHSM2 token and the fake
exchange, which verifies every signature like any other.

The URI parser alone is tests/unit/test_pkcs11uri.py; the signer interface,
tests/unit/test_signingkey.py; the CLI with token keys, tests/cli/test_cli_pkcs11.py.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from kalshi_api_keys_client.api.api_keys import ApiKeysApi, AsyncApiKeysApi
from kalshi_api_keys_client.models import CreateApiKeyRequest, GenerateApiKeyRequest
from kalshi_auth import KalshiAuth, KeyLoadError, signed_client
from kalshi_auth._keypairs import public_pem
from kalshi_auth._pkcs11 import open_pkcs11_key
from kalshi_auth._pkcs11keygen import make_token_key
from kalshi_auth._signer import verify_signature
from kalshi_auth.testing import FakeExchange, RunningExchange, serve

from ..pkcs11_support import Token

_labels = itertools.count()


def label(what: str) -> str:
    return f"{what}-{next(_labels)}"


@pytest.fixture
def running() -> Iterator[RunningExchange]:
    with serve(FakeExchange()) as exchange:
        yield exchange


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_a_key_made_in_the_token_never_leaves_it_and_signs_kalshis_way(
    softhsm_token: Token, key_type: Any
) -> None:
    import pkcs11

    key = make_token_key(softhsm_token.uri(label(key_type)), key_type)
    handle = key._key
    assert handle[pkcs11.Attribute.EXTRACTABLE] is False
    assert handle[pkcs11.Attribute.SENSITIVE] is True
    assert handle[pkcs11.Attribute.NEVER_EXTRACTABLE] is True
    assert handle[pkcs11.Attribute.SIGN] is True and handle[pkcs11.Attribute.DECRYPT] is False
    with pytest.raises(pkcs11.PKCS11Error):  # the token refuses to hand the key out
        handle[pkcs11.Attribute.PRIVATE_EXPONENT if key_type == "rsa" else pkcs11.Attribute.VALUE]
    signature = key.sign(b"1703123456789GET/trade-api/v2/api_keys")
    import base64

    encoded = base64.b64encode(signature).decode()
    assert verify_signature(
        key.public_key(), encoded, 1703123456789, "GET", "/trade-api/v2/api_keys"
    )
    assert key.key_type == key_type
    assert softhsm_token.pin not in repr(key) and "pin" not in key.uri.text()


@pytest.mark.parametrize("key_type", ["rsa", "ed25519"])
def test_every_operation_end_to_end_with_a_token_key(
    softhsm_token: Token, running: RunningExchange, key_type: Any
) -> None:
    key = make_token_key(softhsm_token.uri(label("e2e")), key_type)
    registered = running.exchange.add_key(public_pem(key), name="token key")
    with signed_client(api_key_id=registered.api_key_id, private_key_uri=key.uri.text(),
                       base_url=running.base_url, environ={"KALSHI_PKCS11_PIN": softhsm_token.pin}
                       ) as client:  # fmt: skip
        api = ApiKeysApi(client)
        made = api.create_api_key(
            CreateApiKeyRequest(name="other", public_key=public_pem(key).decode())
        )
        generated = api.generate_api_key(GenerateApiKeyRequest(name="gen", key_type="ed25519"))
        listed = {k.api_key_id for k in api.get_api_keys().api_keys}
        assert {registered.api_key_id, made.api_key_id, generated.api_key_id} <= listed
        api.delete_api_key(made.api_key_id)
        api.delete_api_key(generated.api_key_id)
    requests = running.exchange.requests
    assert len(requests) == 5 and all(r.authenticated for r in requests)
    assert len({r.signature for r in requests}) == 5  # one fresh signature per request


def test_many_threads_share_one_token_key(softhsm_token: Token, running: RunningExchange) -> None:
    key = make_token_key(softhsm_token.uri(label("threads")), "ed25519")
    registered = running.exchange.add_key(public_pem(key), name="threads")
    failures: list[BaseException] = []
    with signed_client(api_key_id=registered.api_key_id, signing_key=key,
                       base_url=running.base_url) as client:  # fmt: skip
        api = ApiKeysApi(client)

        def work() -> None:
            try:
                for _ in range(20):
                    api.get_api_keys()
            except BaseException as exc:  # reported below, with the thread's failure
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    requests = running.exchange.requests
    assert len(requests) == 160 and all(r.authenticated for r in requests)


def test_a_thousand_concurrent_async_calls_on_a_token_key(
    softhsm_token: Token, running: RunningExchange
) -> None:
    key = make_token_key(softhsm_token.uri(label("async")), "ed25519")
    registered = running.exchange.add_key(public_pem(key), name="async")

    async def batch() -> int:
        async with signed_client(api_key_id=registered.api_key_id, signing_key=key,
                                 base_url=running.base_url) as client:  # fmt: skip
            api = AsyncApiKeysApi(client)
            answers = await asyncio.gather(*(api.get_api_keys() for _ in range(1000)))
            return len(answers)

    assert asyncio.run(batch()) == 1000
    requests = running.exchange.requests
    assert len(requests) == 1000 and all(r.authenticated for r in requests)


def test_kalshi_auth_from_uri_and_the_environment(softhsm_token: Token) -> None:
    key = make_token_key(softhsm_token.uri(label("env")), "rsa")
    uri = key.uri.text()  # module and object, no PIN
    env = {"KALSHI_API_KEY_ID": "k-1", "KALSHI_PRIVATE_KEY_URI": uri,
           "KALSHI_PKCS11_PIN": softhsm_token.pin}  # fmt: skip
    for auth in (KalshiAuth.from_uri("k-1", uri, environ=env), KalshiAuth.from_env(env)):
        assert auth.signer.key_type == "rsa"
        assert public_pem(auth.signer.signing_key) == public_pem(key)
    moduleless = uri.split("?", 1)[0]
    with_module = {**env, "KALSHI_PKCS11_MODULE": softhsm_token.module}
    assert KalshiAuth.from_uri("k-1", moduleless, environ=with_module).signer.key_type == "rsa"


def _reason(call: Any) -> str:
    with pytest.raises(KeyLoadError) as caught:
        call()
    assert "pin-Qz7!" not in str(caught.value)
    return str(caught.value.reason)


def test_each_way_a_token_key_can_be_unusable_is_its_own_key_load_error(
    softhsm_token: Token, tmp_path: Any
) -> None:
    t = softhsm_token
    make_token_key(t.uri("present"), "ed25519") if not _exists(t, "present") else None
    t.make_raw_key("p256", "p256")
    t.make_raw_key("nosign", "rsa-nosign")
    env: dict[str, str] = {}
    cases = {
        "pkcs11_token_missing": t.uri("present").replace(f"token={t.label}", "token=absent"),
        "pkcs11_object_missing": t.uri("no-such-key"),
        "pkcs11_wrong_key_type": t.uri("p256"),
        "pkcs11_cannot_sign": t.uri("nosign"),
        "pkcs11_pin_required": t.uri("present", pin=None),
        "pkcs11_bad_uri": t.uri("present") + "&pin-source=file:/x",
    }
    for reason, uri in cases.items():
        assert _reason(lambda uri=uri: open_pkcs11_key(uri, environ=env)) == reason, uri
    unreachable = t.uri("present").replace(t.module, str(tmp_path / "missing.so"))
    assert _reason(lambda: open_pkcs11_key(unreachable, environ=env)) == "pkcs11_module_unreachable"
    not_a_module = tmp_path / "not-a-module.so"
    not_a_module.write_bytes(b"\x7fELF but not really")
    bogus = t.uri("present").replace(t.module, str(not_a_module))
    assert _reason(lambda: open_pkcs11_key(bogus, environ=env)) == "pkcs11_module_unreachable"
    no_module = t.uri("present").split("?", 1)[0] + f"?pin-value={t.pin}"
    assert _reason(lambda: open_pkcs11_key(no_module, environ=env)) == "pkcs11_module_unreachable"
    assert _reason(lambda: make_token_key(t.uri("present"), "rsa")) == "pkcs11_object_exists"
    assert _reason(lambda: make_token_key(t.uri("small"), "rsa", bits=1024)) == "key_too_small"


def _exists(token: Token, object_label: str) -> bool:
    try:
        open_pkcs11_key(token.uri(object_label), environ={})
    except KeyLoadError:
        return False
    return True


def test_a_wrong_pin_is_refused_and_never_echoed(softhsm_token: Token) -> None:
    """In a fresh process: PKCS#11 logs a whole application in, so once one key of a token is
    open in a process, that process needs no PIN for the token's other keys."""
    if not _exists(softhsm_token, "present"):
        make_token_key(softhsm_token.uri("present"), "ed25519")
    done = softhsm_token.run_python(f"""
        from kalshi_auth import KeyLoadError
        from kalshi_auth._pkcs11 import open_pkcs11_key
        try:
            open_pkcs11_key({softhsm_token.uri("present", pin="wrong-pin-9876")!r}, environ={{}})
        except KeyLoadError as exc:
            print(exc.reason, exc)
    """)
    assert done.stdout.startswith("pkcs11_pin_incorrect "), done.stdout + done.stderr
    assert "wrong-pin-9876" not in done.stdout + done.stderr


def test_a_locked_pin_is_its_own_reason(softhsm_token: Token) -> None:
    """SoftHSM2 never locks a PIN, so a token stand-in raises python-pkcs11's real PinLocked."""
    import pkcs11
    from kalshi_auth._pkcs11token import user_session
    from kalshi_auth._pkcs11uri import parse_pkcs11_uri

    class LockedToken:
        flags = pkcs11.TokenFlag.LOGIN_REQUIRED

        def open(self, **_: object) -> None:
            raise pkcs11.exceptions.PinLocked()

    uri = parse_pkcs11_uri(softhsm_token.uri("present"))
    assert _reason(lambda: user_session(LockedToken(), uri, "1234")) == "pkcs11_pin_locked"


def test_without_softhsm_the_token_tests_skip_saying_how_and_fail_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from .. import pkcs11_support

    monkeypatch.setattr(pkcs11_support, "MODULES", ("/nonexistent/libsofthsm2.so",))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install softhsm2"):
        pkcs11_support.require_softhsm()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the PKCS#11 token tests"):
        pkcs11_support.require_softhsm()


def test_without_the_extra_a_uri_names_the_install_and_nothing_is_imported() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['pkcs11'] = None\n"
        "from kalshi_auth import ConfigurationError, signed_client\n"
        "try:\n"
        "    signed_client(api_key_id='k', private_key_uri='pkcs11:token=t?module-path=/x')\n"
        "except ConfigurationError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    assert "pip install 'kalshi-api-keys[pkcs11]'" in done.stdout
    plain = subprocess.run(
        [sys.executable, "-c", "import sys; from kalshi_auth import signed_client, KalshiAuth; "
         "from kalshi_auth.testing import FakeExchange; k = FakeExchange().add_key(); "
         "signed_client(api_key_id=k.api_key_id, private_key_pem=k.private_key_pem); "
         "print(sorted(m for m in sys.modules if 'pkcs11' in m))"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert plain.stdout.strip() == "[]"


def test_a_token_removed_while_in_use_is_a_key_load_error_not_a_raw_one(
    softhsm_token: Token,
) -> None:
    """Failed before its fix: the session's re-open after the removal raised python-pkcs11's
    own GeneralError. A SoftHSM2 token deleted from its directory stands in for an unplugged
    device; in a fresh process, since SoftHSM2 lists a process's tokens once."""

    removable = softhsm_token.sibling(label("removable")).label
    uri = softhsm_token.uri("k").replace(f"token={softhsm_token.label}", f"token={removable}")
    done = softhsm_token.run_python(f"""
        import subprocess
        from kalshi_auth import KeyLoadError
        from kalshi_auth._pkcs11keygen import make_token_key
        key = make_token_key({uri!r}, "ed25519")
        assert len(key.sign(b"before")) == 64
        subprocess.run(["softhsm2-util", "--delete-token", "--token", {removable!r}], check=True,
                       capture_output=True)
        try:
            key.sign(b"after")
        except KeyLoadError as exc:
            print(exc.reason, exc)
    """)
    assert done.stdout.startswith(("pkcs11_failed ", "pkcs11_token_missing ")), (
        done.stdout + done.stderr
    )
    assert softhsm_token.pin not in done.stdout


def test_a_token_removed_leaves_the_others_reachable(softhsm_token: Token) -> None:
    """Failed before its fix: once any token was removed, opening a key in another one raised
    python-pkcs11's GeneralError (the removed token's slot stays listed in the process)."""

    removable = softhsm_token.sibling(label("removable")).label
    gone = softhsm_token.uri("k").replace(f"token={softhsm_token.label}", f"token={removable}")
    kept = softhsm_token.uri(label("kept"))
    done = softhsm_token.run_python(f"""
        import subprocess
        from kalshi_auth import KeyLoadError
        from kalshi_auth._pkcs11 import open_pkcs11_key
        from kalshi_auth._pkcs11keygen import make_token_key
        make_token_key({gone!r}, "ed25519").close()
        make_token_key({kept!r}, "ed25519").close()
        subprocess.run(["softhsm2-util", "--delete-token", "--token", {removable!r}], check=True,
                       capture_output=True)
        key = open_pkcs11_key({kept!r})
        print("kept signs", len(key.sign(b"after")))
        try:
            open_pkcs11_key({gone!r})
        except KeyLoadError as exc:
            print("gone:", exc.reason)
    """)
    assert done.stdout.splitlines() == ["kept signs 64", "gone: pkcs11_token_missing"], (
        done.stdout + done.stderr
    )
