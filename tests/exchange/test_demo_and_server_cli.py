"""`make demo`'s script and `python -m kalshi_auth.testing` work as a user would run them."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import httpx2
import pytest
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


def _start_fake(cwd: Path, key_out: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "kalshi_auth.testing", "--key-out", key_out],
        cwd=cwd, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().startswith("fake exchange at ")
    return process


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_fake_deletes_its_key_file_when_it_stops(tmp_path: Path, stop: int) -> None:
    """Failed before: the bootstrap key file stayed behind, so the README's command failed the
    second time it was run ("already exists")."""
    for _ in range(2):
        process = _start_fake(tmp_path, "boot.pem")
        with process:
            assert (tmp_path / "boot.pem").exists()
            process.send_signal(stop)
            assert process.wait(timeout=10) == 0
        assert not (tmp_path / "boot.pem").exists()


def test_the_fake_keeps_a_key_file_put_in_its_place(tmp_path: Path) -> None:
    process = _start_fake(tmp_path, "boot.pem")
    with process:
        (tmp_path / "mine.pem").write_bytes(b"someone else's file")
        os.replace(tmp_path / "mine.pem", tmp_path / "boot.pem")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    assert (tmp_path / "boot.pem").read_bytes() == b"someone else's file"


def _serve_cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kalshi_auth.testing", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=30, check=False)  # fmt: skip


def test_the_fake_command_reports_ordinary_mistakes_in_one_line(tmp_path: Path) -> None:
    """Failed before: each ended in a traceback, and the key file was written before the port was
    bound."""
    (tmp_path / "taken.pem").write_text("x")
    for argv, says in [
        (["--key-out", "taken.pem"], "already exists"),
        (["--key-out", "missing/dir/k.pem"], "does not exist"),
    ]:
        done = _serve_cli(*argv, cwd=tmp_path)
        assert done.returncode == 1 and says in done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = _serve_cli("--port", str(port), "--key-out", "k.pem", cwd=tmp_path)
    assert done.returncode == 1 and "already in use" in done.stderr
    assert not (tmp_path / "k.pem").exists()  # no key file before the port is ours


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_the_fake_commands_exports_are_absolute_and_quoted(tmp_path: Path, host: str) -> None:
    """Failed before: the export lines broke under a relative path or a path with spaces."""
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    (tmp_path / "my keys").mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "kalshi_auth.testing", "--host", host, "--key-out",
         "my keys/boot.pem"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if host == "::1" and "fake exchange at" not in first:
            pytest.skip("IPv6 loopback is not available on this machine")
        lines = [first.strip()] + [process.stdout.readline().strip() for _ in range(3)]
        base_url = lines[0].removeprefix("fake exchange at ")
        env = dict(shlex.split(line.removeprefix("export "))[0].split("=", 1) for line in lines[1:])
        assert env["KALSHI_PRIVATE_KEY_PATH"] == str(tmp_path / "my keys" / "boot.pem")
        assert env["KALSHI_BASE_URL"] == base_url
        assert "'" in lines[3]  # the space is quoted for the shell
        with httpx2.Client() as http:
            from kalshi_auth import KalshiAuth

            auth = KalshiAuth.from_env(env)
            assert http.get(base_url + "/api_keys", auth=auth).status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=10)
