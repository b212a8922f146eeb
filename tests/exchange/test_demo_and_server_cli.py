"""`make demo`'s script and `python -m kalshi_auth.testing` work as a user would run them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from kalshi_api_keys_client.api.api_keys import get_api_keys
from kalshi_api_keys_client.models import GetApiKeysResponse
from kalshi_auth import signed_client

ROOT = Path(__file__).resolve().parent.parent.parent


def test_demo_runs_and_shows_every_operation() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for step in (
        "1. list",
        "2. create",
        "3. generate",
        "4. list again",
        "5. delete",
        "6. the deleted",
    ):
        assert step in done.stdout
    assert "PRIVATE KEY" not in done.stdout + done.stderr
    assert done.stdout.strip().endswith("demo finished")


def test_fake_exchange_runs_from_the_shell(tmp_path: Path) -> None:
    key_file = tmp_path / "bootstrap.pem"
    process = subprocess.Popen(
        [sys.executable, "-m", "kalshi_auth.testing", "--key-out", str(key_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(4)]
        base_url = lines[0].removeprefix("fake exchange at ")
        env = dict(line.removeprefix("export ").split("=", 1) for line in lines[1:])
        assert base_url.startswith("http://127.0.0.1:")
        assert env["KALSHI_BASE_URL"] == base_url
        assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
        # The exports alone point a client at the fake: no base_url to pass.
        with signed_client(environ=env) as client:
            assert isinstance(get_api_keys.sync(client=client), GetApiKeysResponse)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
