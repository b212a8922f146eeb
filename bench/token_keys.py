"""Keys in a PKCS#11 token: a signed call, and one signature, with a SoftHSM2 key against the same
key type in memory, in the same rounds. Skipped (and said so) without SoftHSM2 or python-pkcs11."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kalshi_api_keys_client.api.api_keys import ApiKeysApi
from kalshi_api_keys_client.models import CreateApiKeyRequest
from kalshi_auth import KalshiSigner, signed_client
from kalshi_auth._keypairs import public_pem
from kalshi_auth._keytypes import KeyType
from kalshi_auth._pkcs11 import Pkcs11Key
from report import Row
from server import Key, Server, ours
from timing import interleaved, median, ms, ratio, us

MODULES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
PATH = "/trade-api/v2/api_keys"

METHOD = """\
A throwaway SoftHSM2 token in a temporary directory; a key pair of each type is made in it
(non-extractable) and registered with the fake exchange through the API. **T1/T2**: one signed
`get_api_keys` over loopback (as the C-rows) with the token key, against the same call with an
in-memory key of the same type, interleaved. **T3/T4**: `KalshiSigner.sign` alone, token key
against in-memory key. Every token-signed call is verified by the server like any other."""


def _module() -> str | None:
    found = next((m for m in MODULES if os.path.exists(m)), None)
    if found is None or shutil.which("softhsm2-util") is None:
        return None
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        return None
    return found


def bench(server: Server, rounds: int) -> list[Row]:
    module = _module()
    if module is None:
        why = "skipped: needs SoftHSM2 (apt-get install softhsm2) and python-pkcs11"
        return [Row("T1", "signed call, token key vs in memory", "-", "-", None, note=why)]
    with tempfile.TemporaryDirectory() as workdir:
        return _bench_in_token(server, module, Path(workdir), rounds)


def _bench_in_token(server: Server, module: str, workdir: Path, rounds: int) -> list[Row]:
    from kalshi_auth._pkcs11keygen import make_token_key

    (workdir / "tokens").mkdir()
    conf = workdir / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {workdir / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # before the module is first loaded
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "bench", "--pin",
                    "1234", "--so-pin", "12345678"], check=True, capture_output=True)  # fmt: skip
    uri = f"pkcs11:token=bench;object={{}}?module-path={module}&pin-value=1234"
    rows: list[Row] = []
    cases: tuple[tuple[int, KeyType, Key], ...] = (
        (1, "rsa", server.rsa),
        (2, "ed25519", server.ed25519),
    )
    for number, key_type, memory in cases:
        rows += _rows(server, number, make_token_key(uri.format(f"bench-{key_type}"), key_type),
                      memory, rounds)  # fmt: skip
    return sorted(rows, key=lambda row: row.number)


def _rows(server: Server, number: int, token_key: Pkcs11Key, memory: Key, rounds: int) -> list[Row]:
    api_key_id = _register(server, memory, token_key)
    in_token = signed_client(api_key_id=api_key_id, signing_key=token_key, base_url=server.base_url)
    in_memory = ours(server, memory)
    before = server.stats()
    t = interleaved(
        {"token": ApiKeysApi(in_token).get_api_keys, "memory": ApiKeysApi(in_memory).get_api_keys},
        calls=50,
        rounds=rounds,
    )
    after, expected = server.stats(), 2 * 50 * rounds  # and interleaved()'s warm-up calls
    sent = after["requests"] - before["requests"]
    verified = after["authenticated"] - before["authenticated"]
    if verified != sent or sent < expected:
        raise SystemExit(f"token bench: {verified} of {sent} calls verified")
    in_token.close()
    in_memory.close()
    token_signer, memory_signer = KalshiSigner("bench", token_key), in_memory.signer
    s = interleaved(
        {"token": functools.partial(token_signer.sign, "GET", PATH),
         "memory": functools.partial(memory_signer.sign, "GET", PATH)},
        calls=100, rounds=rounds,
    )  # fmt: skip
    name = "RSA-2048" if token_key.key_type == "rsa" else "Ed25519"
    unit = ms if token_key.key_type == "rsa" else us
    call_note = f"{expected // 2} token-signed calls, all verified"
    return [
        Row(f"T{number}", f"{name}: a signed call with a SoftHSM2 token key vs the same key type "
            "in memory", ms(median(t["token"])), ms(median(t["memory"])),
            ratio(t, "token", "memory"), note=call_note),
        Row(f"T{number + 2}", f"{name}: one signature, token key vs in memory",
            unit(median(s["token"])), unit(median(s["memory"])), ratio(s, "token", "memory")),
    ]  # fmt: skip


def _register(server: Server, admin: Key, key: Pkcs11Key) -> str:
    """The token key registered with the fake exchange, through the API, by the admin key."""
    body = CreateApiKeyRequest(name="token", public_key=public_pem(key).decode("ascii"))
    with ours(server, admin) as client:
        return ApiKeysApi(client).create_api_key(body).api_key_id
