"""kalshi-keys run as a user runs it: the installed console script, over loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_auth import load_private_key

from ..cli_support import BIN, Shell, minimal_env


def test_a_key_lifecycle_from_the_shell(shell: Shell) -> None:
    made = shell.shell("register", "--name", "bot-2", "--out", "bot2.pem", "--json")
    assert made.code == 0, made.err
    bot2 = json.loads(made.out)["api_key_id"]

    listed = shell.shell("list", "--json", module=True)  # python -m kalshi_auth works too
    assert listed.code == 0, listed.err
    assert {k["api_key_id"] for k in json.loads(listed.out)["api_keys"]} == {
        shell.key.api_key_id,
        bot2,
    }

    rotated = shell.shell("rotate", "--json")
    assert rotated.code == 0, rotated.err
    new = json.loads(rotated.out)
    assert shell.key_ids() == {bot2, new["api_key_id"]}
    assert shell.authenticates(new["api_key_id"], Path(new["private_key_path"]))

    shell.env = {
        "KALSHI_API_KEY_ID": new["api_key_id"],
        "KALSHI_PRIVATE_KEY_PATH": new["private_key_path"],
    }
    checked = shell.shell("check")
    assert checked.code == 0 and new["api_key_id"] in checked.out

    declined = shell.shell("delete", bot2, stdin="n\n")
    assert declined.code == 1 and bot2 in shell.key_ids()
    deleted = shell.shell("delete", bot2, stdin="y\n")
    assert deleted.code == 0, deleted.err
    assert shell.key_ids() == {new["api_key_id"]}


def test_exit_statuses_from_the_shell(shell: Shell) -> None:
    assert shell.shell("whoami").code == 0
    assert shell.shell("--help").code == 0
    assert shell.shell("list", "--scopes", "read").code == 2
    refused = shell.shell("register", "--name", "x", "--out", "bot.pem")  # exists
    assert refused.code == 1
    assert refused.err.strip().count("\n") == 0, refused.err  # one line, no traceback
    assert refused.err.startswith("kalshi-keys: error: ")


def test_generate_below_premier_from_the_shell_and_register_advice(shell: Shell) -> None:
    shell.exchange.usage_tier = "basic"
    refused = shell.shell("register", "--name", "x")
    assert refused.code == 1 and "kalshi-keys generate" in refused.err
    made = shell.shell("generate", "--name", "x", "--out", "x.pem")
    assert made.code == 0, made.err
    (new_id,) = shell.key_ids() - {shell.key.api_key_id}
    assert shell.authenticates(new_id, shell.home / "x.pem")


def test_clock_skew_diagnosis_from_the_shell(shell: Shell) -> None:
    shell.exchange.clock = lambda: time.time() - 60  # the server runs a minute behind
    result = shell.shell("whoami")
    assert result.code == 1
    assert "ahead of the server" in result.err and "NTP" in result.err


def test_importing_the_sdk_does_not_import_the_cli() -> None:
    code = (
        "import kalshi_auth, sys; "
        "print(sorted(m for m in sys.modules if m.startswith(('kalshi_auth.cli', 'argparse'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


# -- prompts on a real terminal (a pseudo-terminal) -----------------------------------------

_ON_A_TTY = """
import fcntl, runpy, sys, termios
fcntl.ioctl(0, termios.TIOCSCTTY, 0)  # make the pty our controlling terminal, for getpass
sys.argv = ["kalshi-keys", *sys.argv[1:]]
runpy.run_module("kalshi_auth", run_name="__main__")
"""


def _on_a_terminal(argv: list[str], typed: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run kalshi-keys with a pty as its terminal, typing ``typed``; (status, what it showed)."""
    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _ON_A_TTY, *argv],
            stdin=slave, stdout=slave, stderr=slave,
            cwd=cwd, env={**minimal_env(), **env}, start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        shown = b""
        for line in typed.splitlines(keepends=True):
            while b": " not in shown.rsplit(b"\n", 1)[-1]:  # wait for each prompt
                chunk = os.read(master, 1024)
                if not chunk:
                    break
                shown += chunk
            os.write(master, line.encode())
            shown += b"\n"
        while True:
            try:
                chunk = os.read(master, 1024)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        return process.wait(timeout=60), shown.decode(errors="replace")
    finally:
        os.close(master)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_passphrases_are_prompted_on_a_terminal(shell: Shell) -> None:
    code, shown = _on_a_terminal(
        ["keygen", "--out", "enc.pem", "--encrypt"], "hunter22\nhunter22\n", shell.home, {}
    )
    assert code == 0, shown
    assert "Passphrase for the new private key" in shown
    assert "hunter22" not in shown  # not echoed
    key = load_private_key(shell.home / "enc.pem", password="hunter22")
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048

    code, shown = _on_a_terminal(
        ["keygen", "--out", "bad.pem", "--encrypt"], "one\ntwo\n", shell.home, {}
    )
    assert code == 2 and "differ" in shown
    assert not (shell.home / "bad.pem").exists()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_an_encrypted_key_in_use_is_unlocked_at_a_prompt(shell: Shell) -> None:
    env = {"PW": "pw-for-bot3"}
    made = shell.run(
        "register", "--name", "bot-3", "--out", "bot3.pem", "--passphrase-env", "PW", "--json",
        env={**shell.env, **env},
    )  # fmt: skip
    assert made.code == 0, made.err
    bot3 = json.loads(made.out)["api_key_id"]
    code, shown = _on_a_terminal(
        ["--base-url", shell.base_url, "whoami", "--key-id", bot3, "--key-file", "bot3.pem"],
        "pw-for-bot3\n",
        shell.home,
        {},
    )
    assert code == 0, shown
    assert "Passphrase for the private key" in shown and f"OK: key {bot3}" in shown


def test_console_script_is_installed() -> None:
    assert (BIN / "kalshi-keys").exists()


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["rotate", "--help"]])
def test_version_and_help_load_no_http_stack_or_models(argv: list[str]) -> None:
    """They answer at once: failed before, when the whole CLI, httpx and the generated models
    loaded before the first line was printed."""
    script = (
        "import io, sys\n"
        "from kalshi_auth.cli import main\n"
        "from kalshi_auth.cli._console import Console\n"
        "out = io.StringIO()\n"
        f"code = main({argv!r}, console_factory=lambda: Console(stdout=out, stderr=out))\n"
        "heavy = ('httpx2', 'httpcore2', 'kalshi_api_keys_client', 'cryptography', 'attrs')\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & set(heavy))\n"
        "print(code, loaded, bool(out.getvalue()))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=60)  # fmt: skip
    assert done.stdout.split() == ["0", "[]", "True"], done.stdout + done.stderr
