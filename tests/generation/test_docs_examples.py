"""The Python blocks of the README, CONTRIBUTING.md and every docs page: each type-checks under
mypy --strict exactly as written, and those that make or delete keys run against a fake
exchange (``KALSHI_BASE_URL`` pointing at it, as ``python -m kalshi_auth.testing`` prints) and
never leave a key behind, however they are run, twice included. The shell blocks:
test_docs_shell.py; the docs build itself is ``make docs`` (part of ``make test``)."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from kalshi_auth import KalshiError, load_private_key
from kalshi_auth.testing import FakeExchange, serve

from ..cli_support import GATEWAY, ScriptedExchange
from ..docs_support import ROOT, code_blocks

BLOCKS = [block.text for block in code_blocks("python")]


def test_the_docs_have_python_blocks() -> None:
    assert len(BLOCKS) >= 8
    assert "ApiKeysApi(client)" in BLOCKS[0]  # the README's quick start leads with the class


@pytest.mark.skipif(not (Path(sys.prefix) / "bin" / "mypy").exists(), reason="needs mypy")
def test_every_python_block_passes_mypy_strict(tmp_path: Path) -> None:
    files = []
    for number, block in enumerate(BLOCKS, start=1):
        path = tmp_path / f"docs_block_{number}.py"
        path.write_text(block, encoding="utf-8")
        files.append(str(path))
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *files],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, "docs blocks fail mypy --strict:\n" + done.stdout + done.stderr


#: The blocks that make or delete keys, run as written against the fake exchange (only the host
#: and the placeholder key ID are filled in), the way a new user runs them.
KEY_BLOCKS = [block for block in BLOCKS if "make_api_key" in block or "delete_api_key" in block]


def _run_block(block: str, base_url: str, key_id: str) -> None:
    source = block.replace('environment="demo"', f'base_url="{base_url}"')
    source = source.replace('"your-key-id"', f'"{key_id}"')
    # A clear, typed refusal is a fine end; a key nobody holds is not.
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.suppress(KalshiError):
        exec(compile(source, "<docs block>", "exec"), {"__name__": "__docs__"})
    # What a block prints is for a reader: no "<...Unset object at 0x...>" for an unset field.
    assert " object at 0x" not in printed.getvalue(), printed.getvalue()


def _orphans(exchange: FakeExchange, keep: str, workdir: Path) -> list[str]:
    """Keys on the exchange, apart from ``keep``, whose private key no file here holds."""
    spki = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    held = {
        load_private_key(path).public_key().public_bytes(*spki) for path in workdir.glob("*.pem")
    }
    return [
        key.api_key_id
        for key in exchange.keys
        if key.api_key_id != keep and key.public_key.public_bytes(*spki) not in held
    ]


def _break(exchange: ScriptedExchange, how: str, home: Path) -> None:
    if how == "missing-key-file":
        (home / "kalshi.pem").unlink()
    elif how == "refusing-server":
        for path in ("/api_keys", "/api_keys/generate"):
            exchange.fail("POST", path, 500, times=10)
    elif how == "lost-answers":
        for path in ("/api_keys", "/api_keys/generate"):
            exchange.after("POST", path, lambda method, path, response: GATEWAY)


def test_there_are_blocks_that_make_keys() -> None:
    assert len(KEY_BLOCKS) >= 3
    assert "make_api_key" in KEY_BLOCKS[0]  # the quick start


@pytest.mark.parametrize("tier", ["premier", "basic"])
@pytest.mark.parametrize("how", ["twice", "missing-key-file", "refusing-server", "lost-answers"])
@pytest.mark.parametrize("number", range(len(KEY_BLOCKS)))
def test_no_docs_block_leaves_a_key_behind(
    number: int, how: str, tier: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failed before: the Quick start generated a key and then failed (its .pub file did not
    exist; on a second run its .pem did), and the Errors example dropped a new private key."""
    exchange = ScriptedExchange(usage_tier=tier)
    bootstrap = exchange.add_key(name="bootstrap")
    assert bootstrap.private_key_pem is not None
    home, workdir = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    workdir.mkdir()
    (home / "kalshi.pem").write_bytes(bootstrap.private_key_pem)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("KALSHI_API_KEY_ID", bootstrap.api_key_id)
    monkeypatch.setenv("KALSHI_PRIVATE_KEY_PATH", str(home / "kalshi.pem"))
    _break(exchange, how, home)
    with serve(exchange) as running:
        monkeypatch.setenv("KALSHI_BASE_URL", running.base_url)
        for _ in range(2 if how == "twice" else 1):
            _run_block(KEY_BLOCKS[number], running.base_url, bootstrap.api_key_id)
    assert _orphans(exchange, bootstrap.api_key_id, workdir) == []
