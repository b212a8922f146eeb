"""Key loading: every format that should load does; every way to fail has its own KeyLoadError.

Which key a client picks from its arguments and the environment: tests/client/test_credentials.py.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from kalshi_auth import KalshiAuth, KalshiSigner, KeyLoadError, load_private_key, signed_client
from kalshi_auth._credentials import resolve_credentials
from kalshi_auth._files import read_key_file

from ..conftest import public_pem

PASSWORD = b"correct horse battery staple"


def pem(key: rsa.RSAPrivateKey, fmt: serialization.PrivateFormat, password: bytes | None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, fmt, encryption)


FORMATS = [serialization.PrivateFormat.TraditionalOpenSSL, serialization.PrivateFormat.PKCS8]


@pytest.mark.parametrize("fmt", FORMATS, ids=["pkcs1", "pkcs8"])
@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
def test_loads_pkcs1_and_pkcs8_from_file_text_and_bytes(
    rsa_key: rsa.RSAPrivateKey,
    tmp_path: Path,
    fmt: serialization.PrivateFormat,
    password: bytes | None,
) -> None:
    data = pem(rsa_key, fmt, password)
    path = tmp_path / "key.pem"
    path.write_bytes(data)
    pw = password.decode() if password else None
    for loaded in (
        load_private_key(path, password=pw),
        load_private_key(str(path), password=password),
        load_private_key(pem=data, password=pw),
        load_private_key(pem=data.decode(), password=pw),
    ):
        assert isinstance(loaded, rsa.RSAPrivateKey)
        assert loaded.private_numbers() == rsa_key.private_numbers()


def test_pem_with_literal_backslash_n_from_an_env_var(rsa_key: rsa.RSAPrivateKey) -> None:
    flattened = pem(rsa_key, FORMATS[0], None).decode().strip().replace("\n", "\\n")
    loaded = load_private_key(pem=flattened)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    assert loaded.private_numbers() == rsa_key.private_numbers()


def reason_of(exc_info: pytest.ExceptionInfo[KeyLoadError]) -> str:
    message = str(exc_info.value)
    assert "PRIVATE KEY" not in message and "MII" not in message
    return exc_info.value.reason


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(tmp_path / "nope.pem")
    assert reason_of(err) == "missing_file"
    assert "nope.pem" in str(err.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; the directory case covers it")
def test_unreadable_file(tmp_path: Path, pkcs1_pem: bytes) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(pkcs1_pem)
    path.chmod(0)
    with pytest.raises(KeyLoadError) as err:
        load_private_key(path)
    assert reason_of(err) == "unreadable_file"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(tmp_path)
    assert reason_of(err) == "unreadable_file"


@pytest.mark.parametrize(
    "text",
    ["5f6c5a3e-0000-4000-8000-000000000001", "", "hello"],
    ids=["key-id-by-mistake", "empty", "junk"],
)
def test_not_pem(text: str) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=text)
    assert reason_of(err) == "not_pem"
    assert "not the key ID" in str(err.value)
    assert "-----BEGIN" in str(err.value)


def test_truncated_pem(pkcs1_pem: bytes) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=pkcs1_pem[: len(pkcs1_pem) // 2])
    assert reason_of(err) == "not_pem"


def test_wrong_password(rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=pem(rsa_key, FORMATS[1], PASSWORD), password="wrong")
    assert reason_of(err) == "wrong_password"


@pytest.mark.parametrize("fmt", FORMATS, ids=["pkcs1", "pkcs8"])
def test_password_missing(rsa_key: rsa.RSAPrivateKey, fmt: serialization.PrivateFormat) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=pem(rsa_key, fmt, PASSWORD))
    assert reason_of(err) == "password_required"
    assert "KALSHI_PRIVATE_KEY_PASSWORD" in str(err.value)


def test_password_given_for_plain_key(pkcs1_pem: bytes) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=pkcs1_pem, password="x")
    assert reason_of(err) == "password_not_needed"


def _pkcs8(key: PrivateKeyTypes, password: bytes | None = None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


@pytest.mark.parametrize("password", [None, PASSWORD], ids=["plain", "encrypted"])
@pytest.mark.parametrize("source", ["file", "text", "bytes", "env"])
def test_ed25519_keys_load_like_rsa_keys(
    tmp_path: Path, password: bytes | None, source: str
) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    data = _pkcs8(key, password)
    if source == "file":
        (tmp_path / "k.pem").write_bytes(data)
        loaded = load_private_key(tmp_path / "k.pem", password=password)
    elif source == "env":
        env = {"KALSHI_API_KEY_ID": "id", "KALSHI_PRIVATE_KEY_PEM": data.decode()}
        if password:
            env["KALSHI_PRIVATE_KEY_PASSWORD"] = password.decode()
        resolved = resolve_credentials(environ=env).private_key
        assert isinstance(resolved, type(key))
        loaded = resolved
    else:
        loaded = load_private_key(
            pem=data if source == "bytes" else data.decode(), password=password
        )
    assert isinstance(loaded, ed25519.Ed25519PrivateKey)
    assert loaded.public_key().public_bytes_raw() == key.public_key().public_bytes_raw()


def test_ed25519_from_env_with_literal_backslash_n() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    escaped = _pkcs8(key).decode().strip().replace("\n", "\\n")
    auth = KalshiAuth.from_env({"KALSHI_API_KEY_ID": "id", "KALSHI_PRIVATE_KEY_PEM": escaped})
    assert auth.signer.key_type == "ed25519"


@pytest.mark.parametrize("kind", ["rsa", "ed25519"])
def test_unencrypted_openssh_keys_load(kind: str, rsa_key: rsa.RSAPrivateKey) -> None:
    key: PrivateKeyTypes = rsa_key if kind == "rsa" else ed25519.Ed25519PrivateKey.generate()
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    loaded = load_private_key(pem=data)
    assert KalshiSigner("id", loaded).key_type == kind


def _ssh_string(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def _openssh_armour(cipher: bytes) -> bytes:
    """An encrypted OpenSSH key's layout (random contents): header, KDF options, public key and
    an encrypted block. Made here because writing a real one needs the bcrypt package too."""
    public = _ssh_string(b"ssh-ed25519") + _ssh_string(os.urandom(32))
    body = (
        b"openssh-key-v1\x00"
        + _ssh_string(cipher)
        + _ssh_string(b"bcrypt")
        + _ssh_string(_ssh_string(os.urandom(16)) + (16).to_bytes(4, "big"))
        + (1).to_bytes(4, "big")
        + _ssh_string(public)
        + _ssh_string(os.urandom(160))
    )
    kind = b"OPENSSH PRIVATE" + b" KEY-----"
    return b"-----BEGIN " + kind + b"\n" + base64.b64encode(body) + b"\n-----END " + kind + b"\n"


def test_an_encrypted_openssh_key_asks_for_its_password() -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=_openssh_armour(b"aes256-ctr"))
    assert reason_of(err) == "password_required"


@pytest.mark.skipif(importlib.util.find_spec("bcrypt") is not None, reason="bcrypt installed")
def test_an_encrypted_openssh_key_says_how_to_make_it_loadable() -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=_openssh_armour(b"aes256-ctr"), password="pw")
    assert reason_of(err) == "unsupported_format"
    assert "pip install bcrypt" in str(err.value) and "ssh-keygen -p" in str(err.value)


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        (ec.generate_private_key(ec.SECP256R1()), "EC (secp256r1)"),
        (ed448.Ed448PrivateKey.generate(), "Ed448"),
        (x25519.X25519PrivateKey.generate(), "X25519"),
        (dsa.generate_private_key(2048), "DSA"),
    ],
    ids=["ec", "ed448", "x25519", "dsa"],
)
def test_other_key_types_name_the_two_kalshi_accepts(key: PrivateKeyTypes, kind: str) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=_pkcs8(key))
    assert reason_of(err) == "unsupported_key_type"
    assert kind in str(err.value)
    assert "RSA" in str(err.value) and "Ed25519" in str(err.value)
    assert "PRIVATE KEY" not in str(err.value)


def test_rsa_key_under_2048_bits() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=pem(small, FORMATS[1], None))
    assert reason_of(err) == "key_too_small"
    assert "1024" in str(err.value)


def test_public_key_given(rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(KeyLoadError) as err:
        load_private_key(pem=public_pem(rsa_key))
    assert reason_of(err) == "public_key"


def test_exactly_one_source(tmp_path: Path, pkcs1_pem: bytes) -> None:
    with pytest.raises(KeyLoadError) as none:
        load_private_key()
    assert reason_of(none) == "no_key"
    with pytest.raises(KeyLoadError) as both:
        load_private_key(tmp_path / "k", pem=pkcs1_pem)
    assert reason_of(both) == "ambiguous_key_source"


@pytest.mark.parametrize("key_id", ["", "   "])
def test_empty_key_id(pkcs1_pem: bytes, key_id: str) -> None:
    with pytest.raises(KeyLoadError) as err:
        KalshiAuth.from_pem(key_id, pkcs1_pem)
    assert reason_of(err) == "empty_key_id"
    with pytest.raises(KeyLoadError) as env_err:
        signed_client(environ={"KALSHI_API_KEY_ID": key_id, "KALSHI_PRIVATE_KEY_PEM": "x"})
    assert reason_of(env_err) == "empty_key_id"


def test_constructors_from_file_pem_and_env(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path, pkcs1_pem: bytes
) -> None:
    path = tmp_path / "kalshi.pem"
    encrypted = pem(rsa_key, FORMATS[1], PASSWORD)
    path.write_bytes(encrypted)
    auths = [
        KalshiAuth.from_key_file("id-1", path, password=PASSWORD),
        KalshiAuth.from_pem("id-1", pkcs1_pem),
        KalshiAuth.from_env(
            {
                "KALSHI_API_KEY_ID": "id-1",
                "KALSHI_PRIVATE_KEY_PATH": str(path),
                "KALSHI_PRIVATE_KEY_PASSWORD": PASSWORD.decode(),
            }
        ),
        KalshiAuth.from_env(
            {"KALSHI_API_KEY_ID": "id-1", "KALSHI_PRIVATE_KEY_PEM": pkcs1_pem.decode()}
        ),
    ]
    for auth in auths:
        assert auth.signer.key_id == "id-1"
        public = auth.signer.public_key()
        assert isinstance(public, rsa.RSAPublicKey)
        assert public.public_numbers() == rsa_key.public_key().public_numbers()


def test_env_without_key_or_id() -> None:
    with pytest.raises(KeyLoadError) as no_id:
        KalshiAuth.from_env({})
    assert reason_of(no_id) == "empty_key_id"
    with pytest.raises(KeyLoadError) as no_key:
        KalshiAuth.from_env({"KALSHI_API_KEY_ID": "id"})
    assert reason_of(no_key) == "no_key"
    assert "KALSHI_PRIVATE_KEY_PATH" in str(no_key.value)


def test_explicit_arguments_beat_the_environment(pkcs1_pem: bytes) -> None:
    creds = resolve_credentials(
        api_key_id="explicit",
        private_key_pem=pkcs1_pem,
        environ={"KALSHI_API_KEY_ID": "env", "KALSHI_PRIVATE_KEY_PATH": "/nonexistent"},
    )
    assert creds.key_id == "explicit"
    assert "PRIVATE" not in repr(creds) and "RSAPrivateKey" not in repr(creds)


# -- each value read and checked once ---------------------------------------------------------


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    import kalshi_auth._keys as keys_module

    reads: list[Path] = []
    original = read_key_file

    def counting(path: Path) -> bytes:
        reads.append(path)
        return original(path)

    monkeypatch.setattr(keys_module, "read_key_file", counting)
    return reads


def test_a_key_file_is_read_once_with_the_environments_password(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before the re-cut: an explicit encrypted key was read twice (without, then with
    KALSHI_PRIVATE_KEY_PASSWORD)."""
    path = tmp_path / "k.pem"
    path.write_bytes(pem(rsa_key, FORMATS[1], PASSWORD))
    reads = _count_reads(monkeypatch)
    env = {"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PASSWORD": PASSWORD.decode()}
    signed_client(private_key_path=path, environ=env, base_url="https://kalshi.test")
    assert reads == [path]


def test_a_prompt_is_asked_only_for_an_encrypted_key_and_the_file_read_once(
    rsa_key: rsa.RSAPrivateKey, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encrypted, plain = tmp_path / "enc.pem", tmp_path / "plain.pem"
    encrypted.write_bytes(pem(rsa_key, FORMATS[1], PASSWORD))
    plain.write_bytes(pem(rsa_key, FORMATS[1], None))
    asked: list[str] = []

    def ask() -> bytes:
        asked.append("asked")
        return PASSWORD

    reads = _count_reads(monkeypatch)
    resolve_credentials(api_key_id="k", private_key_path=plain, environ={}, ask_password=ask)
    assert asked == []
    creds = resolve_credentials(
        api_key_id="k", private_key_path=encrypted, environ={}, ask_password=ask
    )
    assert asked == ["asked"] and reads == [plain, encrypted]
    assert isinstance(creds.private_key, rsa.RSAPrivateKey)


def test_a_key_id_is_checked_once_on_its_way_to_the_signer(
    pkcs1_pem: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before the re-cut: signed_client checked the key ID, then the signer again."""
    from kalshi_auth import _credentials, _signer

    checks: list[object] = []
    original = _signer.check_key_id

    def counting(key_id: object, source: object = None) -> _signer.CheckedKeyId:
        if not isinstance(key_id, _signer.CheckedKeyId):
            checks.append(key_id)
        return original(key_id, source)  # type: ignore[arg-type]

    monkeypatch.setattr(_signer, "check_key_id", counting)
    monkeypatch.setattr(_credentials, "check_key_id", counting)
    client = signed_client(api_key_id=" k-1 ", private_key_pem=pkcs1_pem, environ={})
    assert checks == [" k-1 "] and client.signer.key_id == "k-1"


@pytest.mark.parametrize(
    ("special", "said"),
    [("/dev/zero", "not a key file"), ("fifo", "nothing arrived"), ("dir", "directory")],
)
def test_a_key_path_that_is_no_regular_file_is_a_key_load_error(
    special: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: /dev/zero ran out of memory, a FIFO with no writer hung."""
    from kalshi_auth import _files

    monkeypatch.setattr(_files, "PIPE_WAIT", 0.2)
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "fifo"
        os.mkfifo(path)
    elif special == "dir":
        path = tmp_path
    with pytest.raises(KeyLoadError) as caught:
        signed_client(api_key_id="k", private_key_path=path, base_url="http://127.0.0.1:1")
    assert re.search(said, str(caught.value)), str(caught.value)


def test_a_path_given_as_the_pem_says_to_pass_it_as_the_path() -> None:
    """Failed before: it was only 'not PEM', with no word of the variable that takes a path."""
    env = {"KALSHI_API_KEY_ID": "k", "KALSHI_PRIVATE_KEY_PEM": "/home/me/.kalshi/bot.pem"}
    with pytest.raises(KeyLoadError) as caught:
        resolve_credentials(environ=env)
    assert caught.value.reason == "not_pem"
    assert "holds a file path, not PEM text" in str(caught.value)
    assert "KALSHI_PRIVATE_KEY_PATH" in str(caught.value) and "bot.pem" not in str(caught.value)
